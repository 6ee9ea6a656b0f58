"""Tab rows: consecutive lines with tab-separated cells form one table."""

from __future__ import annotations

from assistant.ingest.columns import role_of, year_of
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
            rows = spread_year_header(text, rows)
            out.append((run[0].no, run[-1].no, Block("table", run[0].start, run[-1].end, rows=rows, decoder=NAME)))
        run = []
    return out


def spread_year_header(text: str, rows: list[list[Cell]]) -> list[list[Cell]]:
    """A header on two lines whose second line holds only the years, written from the
    line's start (``ตัวชี้วัด⇥หน่วยนับ⇥ค่าฐาน⇥ค่าเป้าหมาย`` over ``68⇥69⇥70``): the years
    go under the last header cell and the columns right of it, which that cell spans."""
    if len(rows) < 3:
        return rows
    h1, h2 = rows[0], rows[1]
    k = sum(1 for c in h2 if c.start < c.end)
    if not k or any(c.start == c.end for c in h2[:k]) or any(c.start < c.end for c in h2[k:]):
        return rows  # not years from the line's start (an aligned second line is read as it is)
    if not all(year_of(text[c.start:c.end], bare_two_digit=True) for c in h2[:k]):
        return rows
    filled = [j for j, c in enumerate(h1) if c.start < c.end]
    if not filled:
        return rows
    # the header cell the years belong to: the target column (ค่าเป้าหมาย), else the last one
    t = next((j for j in filled if role_of(text[h1[j].start:h1[j].end]) == "target"), filled[-1])
    n = filled[-1] + 1  # header cells written; the k - 1 slots after them are the spanned ones
    if t < 1 or n + k - 1 > len(h1):
        return rows
    empty = Cell(h2[0].start, h2[0].start)
    new2 = [empty] * t + h2[:k] + [empty] * (len(h1) - t - k)
    new1 = h1[: t + 1] + [Cell(h1[t].start, h1[t].end, (0, t))] * (k - 1) + h1[t + 1:n] + h1[n + k - 1:]
    return [new1, new2, *rows[2:]]
