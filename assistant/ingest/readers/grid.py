"""Table grids: cells with row/column spans laid out into a full grid of slots."""

from __future__ import annotations

from assistant.ingest.document import Cell


def layout(rows: list[list[tuple[int, int, int, int]]]) -> list[list[Cell]]:
    """``rows`` of (start, end, rowspan, colspan) → rows of equal width, every slot a
    cell; a slot covered by a merged cell carries its span and its origin."""
    grid: dict[tuple[int, int], Cell] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for start, end, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(max(rs, 1)):
                for dc in range(max(cs, 1)):
                    merged = (dr, dc) != (0, 0)
                    grid[(r + dr, c + dc)] = Cell(start, end, (r, c) if merged else None)
            c += max(cs, 1)
            width = max(width, c)
    height = max((r for r, _ in grid), default=-1) + 1
    out = []
    for r in range(height):
        out.append([grid.get((r, c), Cell(0, 0)) for c in range(width)])
    return out
