"""The document model every reader produces: the document's text and its blocks.

A block is a heading (with level and printed numbering), a paragraph, a list item (with
its nesting depth where the source has one), a table (rows of cells) or a page break.
Every block and cell has its exact span in
``Document.text``: ``text[start:end]`` is what the block says, verbatim. Merged table
cells (rowspan/colspan, gridSpan/vMerge) fill every grid slot they cover with the span
of the one cell, so a column's header is read from its slot in each header row.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "table", "page"]


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    origin: tuple[int, int] | None = None  # (row, col) of the merged cell that covers this slot

    @property
    def merged(self) -> bool:
        return self.origin is not None


@dataclass
class Block:
    kind: BlockKind
    start: int
    end: int
    level: int | None = None
    number: str | None = None  # printed numbering of a heading or item ("3.1", "๑")
    page: int | None = None
    rows: list[list[Cell]] = field(default_factory=list)
    decoder: str | None = None  # the decoder that made this table from text, None if native
    continues: bool = False  # a table going on from the previous page (its header not repeated)
    depth: int | None = None  # nesting of a list item in its source (HTML lists, Word list levels), 1 = top
    furniture: bool = False  # page furniture (a web page's navigation, header, footer, sidebar): not plan content


@dataclass
class Document:
    doc_id: str
    text: str
    format: str  # txt md html docx pdf
    blocks: list[Block] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)  # offset where each page begins (PDF)
    repairs: dict[str, int] = field(default_factory=dict)  # Thai repair counts (PDF)
    extractor: str | None = None  # the PDF text extractor used

    def quote(self, start: int, end: int) -> str:
        return self.text[start:end]

    def cell_text(self, cell: Cell) -> str:
        return self.text[cell.start : cell.end]

    def block_text(self, block: Block) -> str:
        return self.text[block.start : block.end]

    def page_of(self, offset: int) -> int | None:
        """1-based page of an offset, ``None`` for documents without pages."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    @property
    def decoders(self) -> list[str]:
        names = {b.decoder or f"native-{self.format}" for b in self.blocks if b.kind == "table"}
        return sorted(names)
