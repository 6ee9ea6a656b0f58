"""Tab rows: consecutive lines with tab-separated cells form one table.

A line counts by its raw text, so a row whose only tabs trail its text (a goal row
``เป้าประสงค์ที่ 1.1 ...⇥⇥⇥⇥``, as a spreadsheet copies it) stays in the table. A cell a
spreadsheet quoted because it holds a line break (``"text⏎more"⇥ร้อยละ⇥...``) makes one
row of its lines; the cell's span leaves the quotes out.
"""

from __future__ import annotations

from assistant.ingest.columns import role_of, year_of
from assistant.ingest.document import Block, Cell
from assistant.ingest.layouts.base import trim

NAME = "tab-rows"
_MAX_QUOTED_LINES = 6  # lines a quoted cell may run over


def row_cells(text: str, start: int, end: int) -> list[Cell]:
    """Cells of ``text[start:end]`` split at tabs; a cell opening with ``"`` runs to its
    closing quote (tabs and line breaks inside it belong to the cell)."""
    out, pos = [], start
    while True:
        j = pos
        while j < end and text[j] in " \u00a0":
            j += 1
        close = _closing_quote(text, j, end) if j < end and text[j] == '"' else -1
        if close >= 0:
            k = text.find("\t", close, end)
            stop = end if k < 0 else k
            a, b = trim(text, j + 1, close)
        else:
            k = text.find("\t", pos, end)
            stop = end if k < 0 else k
            a, b = trim(text, pos, stop)
        out.append(Cell(a, b))
        if stop >= end:
            return out
        pos = stop + 1


def _closing_quote(text: str, j: int, end: int) -> int:
    """Offset of the quote closing the one at ``j`` when only spaces lie between it and
    the next tab or the row's end, else -1 (a quote inside a cell's text)."""
    k = j + 1
    while True:
        k = text.find('"', k, end)
        if k < 0:
            return -1
        if text[k + 1:k + 2] == '"':  # "" is a quote inside the cell
            k += 2
            continue
        rest = text[k + 1:end].split("\t", 1)[0]
        return k if not rest.strip(" \u00a0") else -1


def _raw_line(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole line around a trimmed one: leading/trailing tabs are empty cells."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    b = len(text) if b < 0 else b
    if b > a and text[b - 1] == "\r":
        b -= 1
    return a, b


def _has_tab(text: str, ln) -> bool:
    a, b = _raw_line(text, ln.start, ln.end)
    return "\t" in text[a:b]


def _quoted_row_end(text: str, lns, k: int) -> int | None:
    """The last line of a row whose first cell is quoted over several lines (line ``k``
    opens the quote without closing it; a later line closes it before a tab)."""
    ln = lns[k]
    if not ln.text.startswith('"') or _has_tab(text, ln) or ln.text.count('"') % 2 == 0:
        return None
    for m in range(k + 1, min(len(lns), k + _MAX_QUOTED_LINES)):
        t = lns[m].text
        if '"' in t:
            a, b = _raw_line(text, ln.start, ln.end)
            z = _raw_line(text, lns[m].start, lns[m].end)[1]
            close = _closing_quote(text, a + text[a:b].find('"'), z)
            return m if close >= 0 and "\t" in text[close:z] else None
    return None


def find(text, lns):
    out, run = [], []  # run: (first line, last line) of each row
    k = 0
    while k <= len(lns):
        ln = lns[k] if k < len(lns) else None
        if ln is not None and _has_tab(text, ln):
            run.append((k, k))
            k += 1
            continue
        last = _quoted_row_end(text, lns, k) if ln is not None and run else None
        if last is not None:
            run.append((k, last))
            k = last + 1
            continue
        if len(run) >= 2:
            rows = []
            for a, z in run:
                s = _raw_line(text, lns[a].start, lns[a].end)[0]
                e = _raw_line(text, lns[z].start, lns[z].end)[1]
                rows.append(row_cells(text, s, e))
            width = max(len(r) for r in rows)
            rows = [r + [Cell(r[-1].end, r[-1].end)] * (width - len(r)) for r in rows]
            rows = spread_year_header(text, rows)
            first, final = lns[run[0][0]], lns[run[-1][1]]
            out.append((first.no, final.no, Block("table", first.start, final.end, rows=rows, decoder=NAME)))
        run = []
        k += 1
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
