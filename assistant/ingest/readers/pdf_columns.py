"""Tables without ruling lines in a PDF (an HTML page printed with ``border: none``, a
Word table without borders): columns from the words' x positions.

A table starts at a header line naming at least two column words of the lexicon
(ตัวชี้วัด, หน่วยนับ, ค่าเป้าหมาย, a year, ...) and runs until a heading, a section
break (หมายเหตุ) or a line of prose that runs across the columns. Columns begin where
words of many lines start at the same x (body cells are left-aligned); each word goes to
the column it starts in. Header lines are joined into one header row; a body row starts
at a line with a word in the number column (or, without one, in a value column), and
the lines below it (a cell's text wrapped) add to its cells. The lines of all pages are
read in a row, so a table broken by a page is one table (its columns seen in all rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.columns import is_header_label, role_of, year_of
from assistant.ingest.readers.pdf_layout import Line, Word, cell_text

_NUMBERING = re.compile(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?")
_NUMBER = re.compile(r"[-+]?[0-9๐-๙]+(?:[.,][0-9๐-๙]+)*%?")
_TOL = 2.5  # points: words starting within this of a column's x start in it


@dataclass
class Columns:
    starts: list[float]  # x where each column begins, left to right
    number_col: int | None  # the column of row numbers (ที่ / ลำดับ), if any
    value_cols: list[int]  # columns of years / baselines / targets

    def of(self, w: Word) -> int:
        k = 0
        for j, x in enumerate(self.starts):
            if w.x0 >= x - _TOL:
                k = j
        return k

    def fits(self, ln: Line) -> bool:
        """The line's words start at column starts or inside cells, crossing no column
        start with a word (prose runs across them)."""
        crossed = sum(1 for x in self.starts[1:] for w in ln.words if w.x0 < x - _TOL and w.x1 > x + _TOL)
        return crossed == 0


def _groups(ln: Line) -> list[list[Word]]:
    """Runs of words on a line separated by gaps wider than the line height."""
    out: list[list[Word]] = []
    for w in sorted(ln.words, key=lambda w: w.x0):
        if out and w.x0 - out[-1][-1].x1 < 0.9 * (w.y1 - w.y0):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def is_header(ln: Line) -> bool:
    """A line with at least two column words (or years) in separate runs, one of them the
    indicator column."""
    roles = []
    for g in _groups(ln):
        t = "".join(w.text for w in g)
        r = role_of(t)
        if r is None and year_of(t) is not None:
            r = "year"
        if r:
            roles.append(r)
    return "indicators" in roles and len(set(roles)) >= 2


def _starts(lines: list[Line]) -> list[float]:
    """Column starts: x positions where words of at least three lines begin."""
    xs = sorted((round(w.x0, 1), i) for i, ln in enumerate(lines) for w in ln.words)
    clusters: list[list[tuple[float, int]]] = []
    for x, i in xs:
        if clusters and x - clusters[-1][-1][0] <= _TOL:
            clusters[-1].append((x, i))
        else:
            clusters.append([(x, i)])
    return [c[0][0] for c in clusters if len({i for _, i in c}) >= 3]


def _columns(header: list[Line], body: list[Line]) -> Columns | None:
    starts = _starts(body)
    if len(starts) < 3:
        return None
    cols = Columns(starts, None, [])
    labels = header_labels(header, cols)
    for j, t in enumerate(labels):
        r = role_of(t)
        if r == "number" and j == 0:
            cols.number_col = j
        elif r in ("target", "baseline", "result") or year_of(t) is not None:
            cols.value_cols.append(j)
    if cols.number_col is None and body:
        # a first column of numbering only (๑.๑, 2) is the number column
        firsts = [w.text for ln in body for w in ln.words if cols.of(w) == 0]
        if firsts and all(_NUMBERING.fullmatch(t) for t in firsts):
            cols.number_col = 0
    return cols


def header_labels(header: list[Line], cols: Columns) -> list[str]:
    per: list[list[Word]] = [[] for _ in cols.starts]
    for ln in header:
        for w in ln.words:
            per[cols.of(w)].append(w)
    return [cell_text(ws) for ws in per]


def _row_start(ln: Line, cols: Columns) -> bool:
    used = {cols.of(w) for w in ln.words}
    if cols.number_col is not None:
        return cols.number_col in used and any(
            _NUMBERING.fullmatch(w.text) for w in ln.words if cols.of(w) == cols.number_col)
    return any(j in used for j in cols.value_cols)


def _rows(body: list[Line], cols: Columns, first: int) -> list[tuple[int, list[str]]]:
    """Body rows as (index of the row's first line, cell texts)."""
    rows: list[tuple[int, list[list[Word]]]] = []
    for k, ln in enumerate(body):
        if not rows or _row_start(ln, cols):
            rows.append((first + k, [[] for _ in cols.starts]))
        for w in ln.words:
            rows[-1][1][cols.of(w)].append(w)
    return [(k, [cell_text(ws) for ws in r]) for k, r in rows]


@dataclass
class Found:
    start: int  # index of the first line of the table
    end: int  # index after its last line
    header: list[str]  # the header row
    rows: list[tuple[int, list[str]]]  # body rows: (index of the row's first line, cells)
    columns: Columns


def find_tables(lines: list[Line], heading, stop_words: tuple[str, ...] = ()) -> list[Found]:
    """Tables without ruling lines among lines (of one page, or of pages in a row: a
    table broken by a page is one table here). ``heading(text)`` says whether a line is a
    heading; a line starting with one of ``stop_words`` (หมายเหตุ) ends a table."""
    out: list[Found] = []
    i = 0
    while i < len(lines):
        if not is_header(lines[i]):
            i += 1
            continue
        # the header: this line and the lines below it until the first body line
        h = i + 1
        while h < len(lines) and _header_line(lines[h]) and h - i < 6:
            h += 1
        end = h
        while end < len(lines) and not _stops(lines[end], heading, stop_words):
            end += 1
        cols = _columns(lines[i:h], lines[h:end])
        if cols is None:
            i += 1
            continue
        end = _extent(lines, h, cols, heading, stop_words)
        cols = _columns(lines[i:h], lines[h:end]) or cols
        if end - h < 1:
            i += 1
            continue
        out.append(Found(i, end, header_labels(lines[i:h], cols), _rows(lines[h:end], cols, h), cols))
        i = end
    return out


def _header_line(ln: Line) -> bool:
    """A line of a header that goes on (``นับ``, ``ฐาน``, ``๒๕๖๘ ๒๕๖๙ ๒๕๗๐``): only short
    words, no figure other than a year."""
    for w in ln.words:
        t = w.text
        if _NUMBER.fullmatch(t) and not (year_of(t, bare_two_digit=True) and not re.search(r"[.,]", t)):
            return False
        if _NUMBERING.fullmatch(t) and "." in t:
            return False
        if len(t) > 14 and not is_header_label(t):
            return False
    return True


def _stops(ln: Line, heading, stop_words) -> bool:
    t = ln.text().strip()
    return bool(heading(t)) or (bool(stop_words) and t.startswith(stop_words))


def _extent(lines: list[Line], start: int, cols: Columns, heading, stop_words) -> int:
    k = start
    while k < len(lines) and not _stops(lines[k], heading, stop_words) and cols.fits(lines[k]):
        k += 1
    return k

