"""Tab rows: consecutive lines with tab-separated cells form one table."""

from __future__ import annotations

from assistant.ingest.document import Block, Cell
from assistant.ingest.layouts.base import trim

NAME = "tab-rows"


def row_cells(text: str, start: int, end: int) -> list[Cell]:
    out, pos = [], start
    for part in text[start:end].split("\t"):
        a, b = trim(text, pos, pos + len(part))
        out.append(Cell(a, b))
        pos += len(part) + 1
    return out


def _raw_line(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole line around a trimmed one: leading/trailing tabs are empty cells."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    b = len(text) if b < 0 else b
    if b > a and text[b - 1] == "\r":
        b -= 1
    return a, b


def find(text, lns):
    out, run = [], []
    for ln in lns + [None]:
        if ln is not None and "\t" in ln.text:
            run.append(ln)
            continue
        if len(run) >= 2:
            rows = [row_cells(text, *_raw_line(text, x.start, x.end)) for x in run]
            width = max(len(r) for r in rows)
            rows = [r + [Cell(r[-1].end, r[-1].end)] * (width - len(r)) for r in rows]
            out.append((run[0].no, run[-1].no, Block("table", run[0].start, run[-1].end, rows=rows, decoder=NAME)))
        run = []
    return out
