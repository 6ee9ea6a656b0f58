"""Layout parsers: one module per document layout, chosen by ``detect`` scores."""
