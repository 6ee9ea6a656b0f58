"""One cell per line: a run of header lines (column words, years) then rows of as many
lines. A target word followed by year lines is a flattened merged header cell
(``ค่าเป้าหมาย`` / ``2567`` / ``2568``): its years are the columns."""

from __future__ import annotations

import re

from assistant.ingest.columns import column, is_header_label
from assistant.ingest.document import Block, Cell
from assistant.ingest.layouts.base import ITEM_NO
from assistant.ingest.segment import is_heading

NAME = "cell-lines"
MIN_HEADER = 3


def _leaves(header):
    """Leaf column labels of a header run, with group words (a word line followed by
    year lines) merged into the years under them."""
    cols = []
    # a two-row header flattened: "ค่าเป้าหมาย (ปี)" spanning the years of the second row, other
    # labels after it, then the years ("ที่ ตัวชี้วัด หน่วยนับ ค่าเป้าหมาย ผู้รับผิดชอบ 2566 … 2570"):
    # the years stand where the spanning word is
    cs = [column(x.text, bare_two_digit=True) for x in header]
    tail = len(header)
    while tail > 0 and cs[tail - 1].year is not None and cs[tail - 1].role == "target":
        tail -= 1
    groups = [g for g in range(tail) if cs[g].year is None and cs[g].role in ("target", "result", "baseline")]
    if tail < len(header) and len(groups) == 1 and groups[0] + 1 < tail \
            and all(c.year is None for c in cs[:tail]):
        g = groups[0]
        return ([(None, x) for x in header[:g]] + [(header[g], y) for y in header[tail:]]
                + [(None, x) for x in header[g + 1:tail]])
    i = 0
    while i < len(header):
        ln = header[i]
        c = column(ln.text, bare_two_digit=True)
        nxt = [column(x.text, bare_two_digit=True) for x in header[i + 1 : i + 2]]
        if c.year is None and c.role in ("target", "result", "baseline") and nxt and nxt[0].year is not None \
                and nxt[0].role == "target":
            j = i + 1
            while j < len(header) and column(header[j].text, bare_two_digit=True).year is not None \
                    and column(header[j].text, bare_two_digit=True).role == "target":
                cols.append((ln, header[j]))
                j += 1
            i = j
            continue
        cols.append((None, ln))
        i += 1
    return cols


def _two_digit_year_context(lns, i: int, j: int) -> bool:
    if j == i:
        return False
    prev = lns[j - 1].text.strip()
    if re.fullmatch(r"[0-9๐-๙]{2}", prev):
        return _two_digit_year_context(lns, i, j - 1)
    c = column(prev, True)
    return c.year is None and c.role in ("target", "result", "baseline")


def _empty_cells(text: str, prev, nxt) -> list:
    """Empty cells between two lines: a line holding only a no-break space (``\xa0``) is a
    cell left empty (a blank unit), where blank lines only separate the cells."""
    out, pos = [], prev.end
    for part in text[prev.end:nxt.start].split("\n")[1:-1]:
        pos = text.index(part, pos) if part else pos
        if part and not part.strip(" \t\u00a0\u202f\u2007") and any(c in part for c in "\u00a0\u202f\u2007"):
            out.append(type(prev)(prev.no, pos, pos, ""))
    return out


def find(text, lns):
    out = []
    i = 0
    while i < len(lns):
        j = i
        while j < len(lns) and is_header_label(lns[j].text) and not ITEM_NO.match(lns[j].text):
            if re.fullmatch(r"[0-9๐-๙]{2}", lns[j].text.strip()) and not _two_digit_year_context(lns, i, j):
                break  # a bare two-digit number is a year only after a target word or another one
            j += 1
        header = lns[i:j]
        # a section heading word just before the header ("ตัวชี้วัด" then "ที่", "ตัวชี้วัด", ...)
        while len(header) > 1 and column(header[0].text, True).role in \
                {column(x.text, True).role for x in header[1:]} \
                and column(header[0].text, True).role not in ("target", None):  # ("ที่" is no section word)
            header = header[1:]
            i += 1
        years = [x for x in header if column(x.text, True).year is not None]
        roles = {column(x.text, True).role for x in header}
        if len(header) < MIN_HEADER or "\t" in "".join(x.text for x in header) or not years \
                or not roles & {"indicators", "number"}:
            i = max(j, i + 1)
            continue
        leaves = _leaves(header)
        n = len(leaves)
        first_role = column(leaves[0][1].text, True).role
        k, rows_lines = j, []
        while k < len(lns) and "\t" not in lns[k].text:
            if rows_lines and len(rows_lines[-1]) < n and k > j:
                rows_lines[-1] += _empty_cells(text, lns[k - 1], lns[k])
            boundary = not rows_lines or len(rows_lines[-1]) >= n
            if boundary and is_heading(lns[k].text):
                break
            if is_header_label(lns[k].text) and not re.search(r"[0-9๐-๙]", lns[k].text) and rows_lines \
                    and len(rows_lines[-1]) >= n:
                break
            if first_role == "indicators":
                starts = ITEM_NO.match(lns[k].text)
            else:  # a number column first: rows are n lines each
                starts = bool(rows_lines) and len(rows_lines[-1]) >= n
            if starts or not rows_lines:
                rows_lines.append([lns[k]])
            else:
                rows_lines[-1].append(lns[k])
            k += 1
        rows_lines = [r for r in rows_lines if len(r) >= n]
        if not rows_lines:
            i = j
            continue
        last = max(x[-1].no for x in rows_lines)
        head_rows = [[Cell(g.start, g.end) if g else Cell(leaf.start, leaf.end) for g, leaf in leaves],
                     [Cell(leaf.start, leaf.end) for _, leaf in leaves]]
        rows = head_rows
        for r in rows_lines:
            extra = len(r) - n  # wrapped first cell
            cells = [Cell(r[0].start, r[extra].end)] + [Cell(x.start, x.end) for x in r[extra + 1 :]]
            rows.append(cells)
        out.append((i, last, Block("table", lns[i].start, lns[last].end, rows=rows, decoder=NAME)))
        i = last + 1
    return out
