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
from dataclasses import dataclass, field

from assistant.domain import lexicon, thai
from assistant.ingest.columns import ROLES, is_header_label, role_of, year_of
from assistant.ingest.positional import is_header, split_runs, word_runs
from assistant.ingest.readers.pdf_layout import Line, Word, cell_text

_NUMBERING = re.compile(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?")
_NUMBER = re.compile(r"[-+]?[0-9๐-๙]+(?:[.,][0-9๐-๙]+)*%?")
_TOL = 2.5  # points: words starting within this of a column's x start in it


@dataclass
class Columns:
    starts: list[float]  # x where each column begins, left to right
    number_col: int | None  # the column of row numbers (ที่ / ลำดับ), if any
    value_cols: list[int]  # columns of years / baselines / targets
    # the blank x bands between the columns (from the header and the body's x-gaps), if
    # the columns were found that way; ``starts`` are then the bands' left ends
    gaps: list[tuple[float, float]] = field(default_factory=list)
    left: float | None = None  # the table's left edge (its first column's words)

    def of(self, w: Word) -> int:
        if self.gaps:  # a word starting inside a gap (a value wider than its cell) goes right
            k = sum(1 for a, b in self.gaps if w.x0 >= a + min(0.5, (b - a) / 2))
            # a word centred in a value column, wider than its values, starts left of it
            # (``โรงเรียน`` under ``ทุก``): it goes where its centre is (a header's label spans columns)
            if k < len(self.gaps) and k in self.value_cols and k + 1 in self.value_cols \
                    and (w.x0 + w.x1) / 2 > self.gaps[k][1] and not _label(w.text):
                k += 1
            return k
        k = 0
        for j, x in enumerate(self.starts):
            if w.x0 >= x - _TOL:
                k = j
        return k

    def fits(self, ln: Line) -> bool:
        """The line's words start at column starts or inside cells, crossing no column
        start with a word (prose runs across them). With gaps: a word may run over one
        gap after a value column (a value wider than its narrow cell), not over two; a line
        starting left of the table is prose."""
        if not self.gaps:
            crossed = sum(1 for x in self.starts[1:] for w in ln.words if w.x0 < x - _TOL and w.x1 > x + _TOL)
            return crossed == 0
        if self.left is not None and min(w.x0 for w in ln.words) < self.left - 0.5:
            return False
        for w in ln.words:
            over = [k for k, (a, b) in enumerate(self.gaps) if w.x0 < a - 0.5 and w.x1 > b + 0.5]
            if len(over) > 1 or (over and over[0] not in self.value_cols):
                return False
        return True


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
    cols = _header_columns(header, body)
    if cols is None:
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
    if cols.gaps:
        cols.left = _left_edge(header, body, cols)
    return cols


# a Thai word cannot start with these (a kerned word split by the extractor: ``เป้`` ``า``)
_NON_INITIAL = re.compile(r"[ะาำๅๆฯัิีึืฺุู็่้๊๋์ํ]")


def _items(ln: Line) -> list[tuple[float, float]]:
    """A header line's words as x ranges, a word split by kerning joined again."""
    out: list[list[float]] = []
    for w in sorted(ln.words, key=lambda w: w.x0):
        if out and _NON_INITIAL.match(w.text) and w.x0 - out[-1][1] < 0.3 * (w.y1 - w.y0):
            out[-1][1] = max(out[-1][1], w.x1)
        else:
            out.append([w.x0, w.x1])
    return [(a, b) for a, b in out]


def _coverage(body: list[Line]) -> list[list[tuple[float, float]]]:
    return [[(w.x0, w.x1) for w in ln.words] for ln in body]


def _emptiest(cov: list[list[tuple[float, float]]], lo: float, hi: float) -> tuple[float, float, int]:
    """The widest x band in [lo, hi] crossed by the fewest lines: (left, right, lines)."""
    if hi <= lo:
        n = sum(1 for ivs in cov if any(a < lo < b for a, b in ivs))
        return lo, lo, n
    pts = sorted({lo, hi} | {x for ivs in cov for a, b in ivs for x in (a, b) if lo < x < hi})
    segs = []
    for a, b in zip(pts, pts[1:], strict=False):
        m = (a + b) / 2
        segs.append((a, b, sum(1 for ivs in cov if any(x0 < m < x1 for x0, x1 in ivs))))
    least = min(c for _, _, c in segs)
    best, run = None, None
    for a, b, c in segs:
        if c == least:
            run = (run[0], b) if run else (a, b)
            if best is None or run[1] - run[0] > best[1] - best[0]:
                best = run
        else:
            run = None
    return best[0], best[1], least


def _stripes(cov: list[list[tuple[float, float]]], tol: int) -> list[tuple[float, float]]:
    """The x bands crossed by at most ``tol`` lines, between the leftmost and rightmost word."""
    xs = sorted({x for ivs in cov for a, b in ivs for x in (a, b)})
    out: list[tuple[float, float]] = []
    for a, b in zip(xs, xs[1:], strict=False):
        m = (a + b) / 2
        if sum(1 for ivs in cov if any(x0 < m < x1 for x0, x1 in ivs)) <= tol:
            if out and out[-1][1] == a:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
    return out


def _header_columns(header: list[Line], body: list[Line]) -> Columns | None:
    """Columns from the header's word stacks and the body's blank x bands.

    Header words on different lines that overlap in x are one column's label (``หน่วย``
    over ``นับ``), except a word over several labels of a lower line that the body keeps
    apart (``ค่าเป้าหมาย`` over ``๒๕๖๘ ๒๕๖๙ ๒๕๗๐``): a spanning label. Between two neighbouring
    labels the column boundary is the band crossed by the fewest body lines (none, or a
    value wider than its cell); a band crossed by many lines is no boundary."""
    if not header or not body:
        return None
    cov = _coverage(body)
    tol = len(body) // 8
    items = [(li, a, b) for li, ln in enumerate(header) for a, b in _items(ln)]
    h = max(w.y1 - w.y0 for ln in header for w in ln.words)

    def over(x, y):
        return min(x[2], y[2]) - max(x[1], y[1]) > 0

    stripes = sorted(set(_stripes(cov, 0) + _stripes(cov, tol)))

    def spanning(i):
        # over the gap between two labels of a lower line, where the body has a blank band
        _, a, b = items[i]
        for lj in range(items[i][0] + 1, len(header)):
            low = sorted((it for it in items if it[0] == lj), key=lambda it: it[1])
            for u, v in zip(low, low[1:], strict=False):
                lo, hi = max(u[2], a), min(v[1], b)
                if lo < hi and (over(u, items[i]) or over(v, items[i])) and any(min(hi, sb) > max(lo, sa) for sa, sb in stripes):
                    return True
        return False

    span = {i for i in range(len(items)) if spanning(i)}
    comps: list[list[float]] = []
    for i in sorted((i for i in range(len(items)) if i not in span), key=lambda i: items[i][1]):
        _, a, b = items[i]
        hit = [c for c in comps if min(c[1], b) - max(c[0], a) > 0]
        if hit:
            for c in hit[1:]:
                comps.remove(c)
            hit[0][:] = [min([a] + [c[0] for c in hit]), max([b] + [c[1] for c in hit])]
        else:
            comps.append([a, b])
    # labels on one line side by side (no stack) overlap nothing: merge by x order
    comps.sort()
    merged: list[list[float]] = []
    for c in comps:
        if merged and c[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], c[1])
        else:
            merged.append(list(c))
    gaps: list[tuple[float, float]] = []
    heads: list[list[float]] = [merged[0]] if merged else []
    for left, right in zip(merged, merged[1:], strict=False):
        a, b, n = _emptiest(cov, left[1], right[0])
        if n > tol:
            heads[-1] = [heads[-1][0], right[1]]
            continue
        gaps.append((a, b))
        heads.append(right)
    # a column no body word falls in, whose label is a word away from its neighbour's
    # (``ค่าฐาน ปี ๒๕๖๗`` on one line), is part of that neighbour
    changed = True
    while changed and gaps:
        changed = False
        cols = Columns([g[0] for g in [(float("-inf"), 0)] + gaps], None, [], list(gaps))
        used = {cols.of(w) for ln in body for w in ln.words}
        for j in range(len(heads)):
            if j in used:
                continue
            near = [(heads[j][0] - heads[j - 1][1], j - 1) if j else (float("inf"), -1),
                    (heads[j + 1][0] - heads[j][1], j) if j + 1 < len(heads) else (float("inf"), -1)]
            d, k = min(near)
            if k >= 0 and d < 0.5 * h:
                del gaps[k]
                heads[k:k + 2] = [[heads[k][0], heads[k + 1][1]]]
                changed = True
                break
    if len(gaps) < 2:
        return None
    return Columns([float("-inf")] + [a for a, _ in gaps], None, [], gaps)


def _left_edge(header: list[Line], body: list[Line], cols: Columns) -> float:
    """The table's left edge: its row numbers' (or else its lines') leftmost start."""
    xs = [w.x0 for ln in header for w in ln.words]
    if cols.number_col is not None:
        xs += [w.x0 for ln in body for w in ln.words if cols.of(w) == 0 and _NUMBERING.fullmatch(w.text)]
    else:
        xs += [min(w.x0 for w in ln.words) for ln in body if ln.words]
    return min(xs)


def header_labels(header: list[Line], cols: Columns) -> list[str]:
    per: list[list[Word]] = [[] for _ in cols.starts]
    for ln in header:
        prev, j = None, 0
        for w in sorted(ln.words, key=lambda w: w.x0):
            # a word split by kerning (``ค่าเป้`` ``าหมาย``) stays in its first part's column
            glued = prev is not None and _NON_INITIAL.match(w.text) and w.x0 - prev.x1 < 0.3 * (w.y1 - w.y0)
            j = j if glued else cols.of(w)
            per[j].append(w)
            prev = w
    return [cell_text(ws) for ws in per]


def _row_start(ln: Line, cols: Columns) -> bool:
    used = {cols.of(w) for w in ln.words}
    if cols.number_col is not None:
        return cols.number_col in used and any(
            _NUMBERING.fullmatch(w.text) for w in ln.words if cols.of(w) == cols.number_col)
    return any(j in used for j in cols.value_cols)


def _rows(lines: list[Line], idx: list[int], cols: Columns, pages: list[int] | None) -> list[tuple[int, list[str]]]:
    """Body rows (of the lines ``idx``) as (index of the row's first line, cell texts).

    Each row has an anchor line (its number, or its values). A column's lines are split
    into one run per row (runs in order, a run may be empty) so that each run sits where
    its row's anchor is: starting at it when cells are top-aligned (no line above the
    first anchor), centred on it when cells are centred vertically (as a browser prints
    a table by default). A run never reaches past the anchors of the rows beside it."""
    # the lines on one vertical axis: a page's lines (or the lines after a header repeated
    # on a new page) go right below the line before, so a row broken by a page reads in order
    groups, g = [], 0
    for n, k in enumerate(idx):
        if n and (k != idx[n - 1] + 1 or (pages and pages[k] != pages[idx[n - 1]])):
            g += 1
        groups.append(g)
    body = [lines[k] for k in idx]
    tops = _tops(body, groups)
    body = [Line([Word(w.x0, w.y0 + t - ln.top, w.x1, w.y1 + t - ln.top, w.text) for w in ln.words])
            for ln, t in zip(body, tops, strict=True)]
    anchors = _wrapped_lines_joined(body, [k for k, ln in enumerate(body) if _row_start(ln, cols)], cols) or [0]
    # a row's place: its number's top (a number centred on a two-line cell shares the
    # first line with it), else its first line's
    ys = [min((w.y0 for w in body[k].words if cols.of(w) == cols.number_col), default=tops[k])
          if cols.number_col is not None else tops[k] for k in anchors]
    cells: list[list[list[Word]]] = [[[] for _ in cols.starts] for _ in anchors]
    firsts = list(anchors)
    seps = _separators(body, tops, anchors)
    if seps is not None:  # a blank band across the table between each two rows
        for k, ln in enumerate(body):
            shift = tops[k] - ln.top
            for w in ln.words:
                y = (w.y0 + w.y1) / 2 + shift
                r = sum(1 for sp in seps if y > sp)
                cells[r][cols.of(w)].append(w)
                firsts[r] = min(firsts[r], k)
        return [(idx[firsts[r]], [cell_text(ws) for ws in cells[r]]) for r in range(len(anchors))]
    columns = []
    for j in range(len(cols.starts)):
        per_line = [(k, [w for w in ln.words if cols.of(w) == j]) for k, ln in enumerate(body)]
        columns.append([(k, ws) for k, ws in per_line if ws])
    # cells top-aligned or centred vertically: the reading that fits the rows' numbers best
    # (lines above the first number: centred)
    modes = [True] if anchors[0] > 0 else [False, True]
    splits = [[_split(pl, anchors, ys, middle) for pl in columns] for middle in modes]
    best = min(splits, key=lambda sp: sum(c for _, c in sp))
    for j, (groups, _) in enumerate(best):
        for r, group in enumerate(groups):
            for k, ws in group:
                cells[r][j] += ws
                firsts[r] = min(firsts[r], k)
    return [(idx[firsts[r]], [cell_text(ws) for ws in cells[r]]) for r in range(len(anchors))]


def _wrapped_lines_joined(body: list[Line], anchors: list[int], cols: Columns) -> list[int]:
    """The anchors without the lines of a wrapped cell: in a table whose rows are numbered
    in their first cell (``1.1 ร้อยละของ…``), a line that is not numbered and fills fewer
    value columns than the numbered line above it (``ไม่เกิน`` over ``0.30``, ``ทุก`` over
    ``โรงเรียน``) goes on that row's cells."""
    def numbered(k: int) -> bool:
        first = [w for w in body[k].words if cols.of(w) == 0]
        return bool(first) and bool(_NUMBERING.fullmatch(min(first, key=lambda w: w.x0).text.rstrip(".")))

    def filled(k: int) -> int:
        return len({cols.of(w) for w in body[k].words} & set(cols.value_cols))

    if cols.number_col is not None or not any(numbered(k) for k in anchors):
        return anchors
    out, last = [], None
    for k in anchors:
        if numbered(k):
            last = k
        elif last is not None and filled(k) < filled(last) and not any(_label(w.text) for w in body[k].words):
            continue  # (a header repeated on a new page stays apart)
        out.append(k)
    return out


def _separators(body: list[Line], tops: list[float], anchors: list[int]) -> list[float] | None:
    """The y of the blank band (no word of any column) between each two rows, ``None``
    when some two rows touch (then runs are fitted to the anchors)."""
    spans = sorted((w.y0 + tops[k] - ln.top, w.y1 + tops[k] - ln.top) for k, ln in enumerate(body) for w in ln.words)
    gaps, end = [], None
    for a, b in spans:
        if end is not None and a > end + 0.5:
            gaps.append(((end + a) / 2, a - end))
        end = b if end is None else max(end, b)
    out = []
    for r in range(len(anchors) - 1):
        lo = max(w.y1 for w in body[anchors[r]].words) + tops[anchors[r]] - body[anchors[r]].top
        hi = tops[anchors[r + 1]]
        inside = sorted((g for g in gaps if lo - 0.5 <= g[0] <= hi + 0.5), key=lambda g: g[1])
        # the band between two rows is wider than the bands between a cell's lines
        if not inside or (len(inside) > 1 and inside[-1][1] < 1.5 * inside[-2][1]):
            return None
        out.append(inside[-1][0])
    return out


_split = split_runs  # one least-cost split of a column's lines into rows (positional)


@dataclass
class Found:
    start: int  # index of the first line of the table
    end: int  # index after its last line
    header: list[str]  # the header row ([] for a part of a table below a strategy row)
    rows: list[tuple[int, list[str]]]  # body rows: (index of the row's first line, cells)
    columns: Columns
    body: list[int] = field(default_factory=list)  # indices of the body lines


def find_tables(lines: list[Line], heading, stop_words: tuple[str, ...] = (),
                pages: list[int] | None = None) -> list[Found]:
    """Tables without ruling lines among lines (of one page, or of pages in a row: a
    table broken by a page is one table here; ``pages`` gives each line's page).
    ``heading(text)`` says whether a line is a heading; a line starting with one of
    ``stop_words`` (หมายเหตุ) ends a table."""
    out: list[Found] = []
    i = 0
    while i < len(lines):
        if not is_header(lines[i]) and not _stacked_header(lines, i):
            i += 1
            continue
        if out and out[-1].end == i and (k := _repeated_header(lines, i, out[-1])):
            # the table's header repeated on a new page: the table goes on below it
            prev = out[-1]
            end = _extent(lines, k, prev.columns, heading, stop_words)
            if end > k:
                prev.body += list(range(k, end))
                prev.rows, prev.end = _rows(lines, prev.body, prev.columns, pages), end
                i = end
                continue
        # the header: this line, the header lines right above it (labels of taller header
        # cells centred vertically: ``หน่วย ค่าเป้าหมาย`` over ``ที่ ตัวชี้วัด นับ ๒๕๖๘``) and
        # the lines below it until the first body line
        floor = out[-1].end if out else 0
        seen = i  # the header's line: the search goes on after it (not after the lines above it)
        while i > floor and _header_above(lines[i - 1], lines[i], heading):
            i -= 1
        h = i + 1
        # (a short line naming no column is a first row's text, centred above its number)
        while h < len(lines) and _header_line(lines[h]) and _names_a_column(lines[h], lines[i:h]) and h - i < 6:
            h += 1
        end = h
        while end < len(lines) and not _stops(lines[end], heading, stop_words):
            end += 1
        cols = _columns(lines[i:h], lines[h:end])
        if cols is None and end < len(lines) and heading(lines[end].text().strip()):
            # a strategy row right below the header: the columns come from the rows below it
            end2 = end + 1
            while end2 < len(lines) and not _stops(lines[end2], heading, stop_words):
                end2 += 1
            cols = _columns(lines[i:h], lines[end + 1:end2])
        if cols is None:
            i = seen + 1
            continue
        end = _extent(lines, h, cols, heading, stop_words)
        cols = _columns(lines[i:h], lines[h:end]) or cols
        body = list(range(h, end))
        found = [Found(i, end, header_labels(lines[i:h], cols), _rows(lines, body, cols, pages) if body else [], cols, body)]
        # full-width strategy rows (headings) inside the table: the table goes on below each
        while end < len(lines) and heading(lines[end].text().strip()) and not _stops(lines[end], (lambda t: False), stop_words):
            k = end + 1
            e = _extent(lines, k, cols, heading, stop_words)
            if e <= k or not any(_row_start(lines[x], cols) for x in range(k, e)):
                break
            body = list(range(k, e))
            found.append(Found(k, e, [], _rows(lines, body, cols, pages), cols, body))
            end = e
        if not any(f.rows for f in found):
            i = seen + 1
            continue
        out += found
        i = end
    return out


def _stacked_header(lines: list[Line], i: int) -> bool:
    """``lines[i]`` starts a header whose labels are stacked over lines (narrow columns:
    ``หน่วย`` over ``นับ``, ``ผู้รับ`` / ``ผิด`` / ``ชอบ``): no line names two columns, but
    the words of the short lines from ``i`` down, joined where they overlap in x, do."""
    if not _header_line(lines[i]) or any(_NUMBER.fullmatch(w.text) and not year_of(w.text) for w in lines[i].words):
        return False
    stack = [lines[i]]
    for ln in lines[i + 1:i + 6]:
        if not _header_line(ln) or ln.top - stack[-1].bottom > 0.8 * ln.em:
            break
        stack.append(ln)
    if len(stack) < 2:
        return False
    # the first line is a label's start: a column word, or one with the word below it (``ค่า`` / ``ฐาน``)
    below = _glued(stack[1])
    if not any(_label(t) or any(min(b, d) > max(a, c) and _label(t + u) for u, c, d in below) for t, a, b in _glued(stack[0])):
        return False
    cols: list[list] = []  # [x0, x1, words]
    for ln in stack:
        for t, a, b in _glued(ln):
            hit = [c for c in cols if min(c[1], b) - max(c[0], a) > 0]
            if hit and len(hit) == 1:
                hit[0][0], hit[0][1] = min(hit[0][0], a), max(hit[0][1], b)
                hit[0][2].append(t)
            elif not hit:
                cols.append([a, b, [t]])
    labels = ["".join(c[2]) for c in sorted(cols)]
    roles = {role_of(t) or ("year" if year_of(t) else None) for t in labels} - {None}
    return "indicators" in roles and len(roles) >= 3


def _repeated_header(lines: list[Line], i: int, prev: Found) -> int | None:
    """The index after a header at ``i`` that repeats ``prev``'s header (its lines name
    column words or years), ``None`` if it is another header."""
    h = i + 1
    while h < len(lines) and h - i < 6 and _header_line(lines[h]) and any(
            role_of(w.text) or year_of(w.text) for w in lines[h].words):
        h += 1
    return h if header_labels(lines[i:h], prev.columns) == prev.header else None


def _tops(lines: list[Line], pages: list[int] | None) -> list[float]:
    """One vertical axis over the pages: a page's first line goes right below the last
    line of the page before (a table row broken by a page stays in one piece)."""
    out, shift = [], 0.0
    for k, ln in enumerate(lines):
        if k and pages and pages[k] != pages[k - 1]:
            prev = lines[k - 1]
            shift = out[-1] + (max(w.y1 for w in prev.words) - prev.top) - ln.top
        out.append(ln.top + shift)
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


def _label(t: str) -> bool:
    """A word that is a column's label: a year, or mostly a column word (``ค่าฐาน``,
    ``ผู้รับผิดชอบ``; not ``สถานศึกษาที่``)."""
    if year_of(t) is not None:
        return True
    words = lexicon.load().words
    return any(w in t and len(w) >= 0.6 * len(t) for r in ROLES for w in words("plan", r))


def _glued(ln: Line) -> list[tuple[str, float, float]]:
    """A line's words with a word split by kerning joined again: (text, x0, x1)."""
    out: list[list] = []
    for w in sorted(ln.words, key=lambda w: w.x0):
        if out and _NON_INITIAL.match(w.text) and w.x0 - out[-1][2] < 0.3 * (w.y1 - w.y0):
            out[-1][0] += w.text
            out[-1][2] = max(out[-1][2], w.x1)
        else:
            out.append([w.text, w.x0, w.x1])
    return [(t, a, b) for t, a, b in out]


def _names_a_column(ln: Line, above: list[Line]) -> bool:
    """A header line names a column: a column word or a year, or the rest of a label of
    a line above (``หน่วย`` ``นับ``, ``เป้า`` ``หมาย``, ``ผู้รับผิด`` ``ชอบ``)."""
    mine = _glued(ln)
    if _label(thai.one_line(ln.text())) or any(_label(t) for t, _, _ in mine):
        return True
    ups = [u for a in above for u in _glued(a)]
    return any(min(u[2], b) > max(u[1], a) and _whole_label(u[0] + t) for t, a, b in mine for u in ups)


def _whole_label(t: str) -> bool:
    """A label completed by the line below: a column word (or a year) and at most a few
    characters more (``หน่วย`` + ``นับ``, ``ค่าฐาน`` + ``ปี``; not ``ตัวชี้วัด`` + ``ร้อยละ``,
    a first row's text)."""
    if year_of(t) is not None:
        return True
    words = lexicon.load().words
    return any(t.startswith(w) and len(t) - len(w) <= 3 for r in ROLES for w in words("plan", r))


def _header_above(up: Line, ln: Line, heading) -> bool:
    """``up`` is a line of the header that starts at ``ln``: right above it, short words
    only, one of them a column word, inside the header's width."""
    height = max(w.y1 - w.y0 for w in ln.words)
    return (0 < ln.top - up.top < 1.6 * height and _header_line(up) and not heading(up.text().strip())
            and (_label(thai.one_line(up.text())) or any(_label(t) for t, _, _ in _glued(up)))
            and min(w.x0 for w in up.words) >= min(w.x0 for w in ln.words) - height
            and max(w.x1 for w in up.words) <= max(w.x1 for w in ln.words) + height)


def _stops(ln: Line, heading, stop_words) -> bool:
    t = ln.text().strip()
    return (bool(heading(t)) and not _row_with_figures(ln)) or (bool(stop_words) and t.startswith(stop_words))


def _row_with_figures(ln: Line) -> bool:
    """A line starting with a heading word that is a table's row: a cell of a strategy
    column (``ประเด็นกลยุทธ์ที่ 1 ...`` merged down the rows) beside figures in two or more
    columns of their own."""
    runs = word_runs(ln)
    return len(runs) >= 3 and sum(1 for g in runs[1:] if all(_NUMBER.fullmatch(w.text) or w.text in "-–" for w in g)) >= 2


def _extent(lines: list[Line], start: int, cols: Columns, heading, stop_words) -> int:
    k = start
    while k < len(lines) and not _stops(lines[k], heading, stop_words) and cols.fits(lines[k]) and not (
            k > start and is_header(lines[k]) and not _row_start(lines[k], cols)):  # a header repeated
        k += 1
    return k

