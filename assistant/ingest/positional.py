"""One positional table reader: lines of positioned words in, tables out.

The words come from a PDF's word boxes (``readers.pdf_layout``) or from text whose
columns are runs of spaces (``pdftotext -layout``), positioned by display column (Thai
above/below marks take no column, :func:`text_lines`). The reader does not know the
layout:

- a table starts at a header line naming two or more column words of the lexicon
  (ตัวชี้วัด, หน่วยนับ, ค่าเป้าหมาย, a year, ...); the short lines below it, up to the first
  body line, are its header too (labels stacked over lines: ``เป้ า`` / ``หมาย`` / ``ปี`` /
  ``2569``);
- the body runs to a heading, a section break (หมายเหตุ), a new header, a line left of the
  table, or a blank band followed by a line that starts no row;
- columns are the x bands between gaps no body word crosses; a band without a header
  label of its own joins its neighbour, a header label right of every body word is an
  empty column of its own, a label over several bands (``ค่าเป้าหมาย`` over the years)
  names each of them;
- rows start at a line with a number in the number column (``1``, ``๑.๒``) or, without
  one, at a line with a value; a cell's wrapped lines join its row.

Units: x and y in any unit; ``em`` is the words' height.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.ingest.columns import role_of, year_of

_NUMBERING = re.compile(r"[(（]?[0-9๐-๙]+(?:\.[0-9๐-๙]+)*[.)）]?")
_NUMBER = re.compile(r"[-+]?[0-9๐-๙]+(?:[.,][0-9๐-๙]+)*%?")
# a Thai word cannot start with these (a kerned or damaged word split: ``เป้`` ``า``)
NON_INITIAL = re.compile(r"[ะาำๅๆฯัิีึืฺุู็่้๊๋์ํ]")
TEXT_EM = 2.0  # a text line's height in display columns (a Thai letter is about half an em wide)


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def em(self) -> float:
        return max(w.y1 - w.y0 for w in self.words)

    def text(self) -> str:
        return join_words(self.words)


def join_words(words: list[Word]) -> str:
    """Words of one line: a gap narrower than an eighth of the line height is no space
    (a Thai word split by kerning, ``เป้`` ``าประสงค์``)."""
    out = ""
    prev = None
    for w in sorted(words, key=lambda w: w.x0):
        if prev is not None:
            gap = w.x0 - prev.x1
            out += "" if gap < 0.12 * (prev.y1 - prev.y0) else " "
        out += w.text
        prev = w
    return out


def cell_text(words: list[Word]) -> str:
    """A cell's words, line by line; a line break between Thai letters is no space."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w.y0), w.x0)):
        if rows and abs(rows[-1][0].y0 - w.y0) < 0.5 * (w.y1 - w.y0):
            rows[-1].append(w)
        else:
            rows.append([w])
    out = ""
    for r in rows:
        t = join_words(r)
        if out:
            out += "" if re.match(r"[ก-๙]", t) and re.search(r"[ก-๙]$", out) else " "
        out += t
    return out


# ------------------------------------------------------------------ text input
def width(s: str, marks: bool = False) -> int:
    """Display columns of a string: combining marks (Thai vowels above and below, tone
    marks) take none, unless ``marks`` (text laid out by a tool that gives every
    character a column, as ``pdftotext -layout`` does)."""
    return len(s) if marks else sum(0 if unicodedata.category(c) == "Mn" else 1 for c in s)


@dataclass
class TextLine:
    start: int  # offset of the line in the text
    end: int
    line: Line
    page: int  # 0-based, counted by form feeds


def text_lines(text: str, start: int = 0, end: int | None = None, marks: bool | None = None) -> list[TextLine]:
    """The non-blank lines of ``text[start:end]`` as positioned words: x in columns, y the
    line's number (times :data:`TEXT_EM`), so a blank line is a blank band. Whether a
    combining mark takes a column (``marks``) is, when not given, the counting under
    which the text's columns line up best (:func:`alignment`)."""
    if marks is None:
        marks = alignment(text[start:end], True) > alignment(text[start:end], False)
    end = len(text) if end is None else end
    out: list[TextLine] = []
    pos, row, page = start, 0, 0
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        raw = text[pos:stop]
        page += raw.count("\f")
        words, col, at = [], 0, 0
        clean = raw.replace("\f", "").replace("\r", "").expandtabs(8)
        for m in re.finditer(r"\S+", clean):
            col += width(clean[at:m.start()], marks)
            w = width(m.group(), marks)
            words.append(Word(col, row * TEXT_EM, col + w, (row + 1) * TEXT_EM, m.group()))
            col += w
            at = m.end()
        if words:
            out.append(TextLine(pos, stop, Line(words), page))
        row += 1
        if nl < 0:
            break
        pos = nl + 1
    return out


def alignment(text: str, marks: bool) -> int:
    """How well the text's columns line up when combining marks take a column (or not):
    the runs (after two or more spaces) that start where a run of the line above or
    below starts."""
    starts: list[set[int]] = []
    for raw in text.replace("\f", "").split("\n"):
        xs, col, at = set(), 0, 0
        for m in re.finditer(r"\S+(?: \S+)*", raw.expandtabs(8)):
            col += width(raw[at:m.start()], marks)
            if m.start() >= 2 and raw[m.start() - 2:m.start()] == "  ":
                xs.add(col)
            col += width(m.group(), marks)
            at = m.end()
        starts.append(xs)
    return sum(len(a & b) for a, b in zip(starts, starts[1:], strict=False))


# ------------------------------------------------------------------ tables
@dataclass
class Table:
    first: int  # index of the header's first line
    end: int  # index after the body's last line
    header: list[str]  # one label per column (stacked header lines joined)
    rows: list[tuple[int, int, list[str]]]  # body rows: (first line, last line, cell texts)
    bands: list[tuple[float, float]] = field(default_factory=list)  # each column's x range


def word_runs(ln: Line) -> list[list[Word]]:
    """Runs of words on a line separated by gaps wider than nine tenths of an em."""
    out: list[list[Word]] = []
    for w in sorted(ln.words, key=lambda w: w.x0):
        if out and w.x0 - out[-1][-1].x1 < 0.9 * (w.y1 - w.y0):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def is_header(ln: Line) -> bool:
    """A line with at least two column words (or years) in separate runs, one of them the
    indicator column (else three)."""
    roles = []
    for g in word_runs(ln):
        t = "".join(w.text for w in g)
        r = role_of(t)
        if r is None and year_of(t) is not None:
            r = "year"
        if r:
            roles.append(r)
    return len(set(roles)) >= (2 if "indicators" in roles else 3)


def _header_line(ln: Line) -> bool:
    """A line of a header going on: short words only, no figure other than a year."""
    for w in ln.words:
        t = w.text
        if _NUMBER.fullmatch(t) and not year_of(t, bare_two_digit=True):
            return False
        if len(t) > 16 and role_of(t) is None:
            return False
    return True


def _numbered(ln: Line, left: float, em: float) -> bool:
    """The line starts with a row number at the table's left."""
    w = min(ln.words, key=lambda w: w.x0)
    return bool(_NUMBERING.fullmatch(w.text)) and not year_of(w.text) and w.x0 <= left + 1.5 * em


def _items(ln: Line) -> list[list[Word]]:
    """A header line's labels: words a space apart (``ฐาน ปี``), a word split by kerning
    or damage glued again (``เป้`` ``า``)."""
    out: list[list[Word]] = []
    for w in sorted(ln.words, key=lambda w: w.x0):
        gap = w.x0 - out[-1][-1].x1 if out else None
        if out and (gap < 0.12 * (w.y1 - w.y0) or gap < 0.6 * (w.y1 - w.y0) and (
                NON_INITIAL.match(w.text) or not (year_of(w.text) and year_of(out[-1][-1].text)))):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _gaps(body: list[Line], em: float, tol: int) -> list[tuple[float, float]]:
    """x bands at least a tenth of an em wide, between the leftmost and rightmost body word,
    crossed by at most ``tol`` body lines (a value a little wider than its cell)."""
    ivs = [[(w.x0, w.x1) for w in ln.words] for ln in body]
    xs = sorted({x for iv in ivs for a, b in iv for x in (a, b)})
    out: list[list[float]] = []
    for a, b in zip(xs, xs[1:], strict=False):
        m = (a + b) / 2
        if sum(1 for iv in ivs if any(x0 < m < x1 for x0, x1 in iv)) <= tol:
            if out and out[-1][1] == a:
                out[-1][1] = b
            else:
                out.append([a, b])
    return [(a, b) for a, b in out if b - a >= 0.1 * em]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def columns(header: list[Line], body: list[Line]) -> tuple[list[tuple[float, float]], list[str]] | None:
    """Column bands and their header labels, ``None`` when fewer than three columns.

    Bands lie between the body's gaps. The header's items stack into labels (items on
    different lines overlapping in x); an item over labels of a lower line that fall in
    different bands spans them (``ค่าเป้าหมาย`` over the years) and names each. A label goes
    to the band it overlaps most; a label over no band is a column left empty when the
    band nearest to it has a label of its own (or it lies beyond every band)."""
    em = min(ln.em for ln in header + body)
    gaps = _gaps(body, em, len(body) // 5)
    lo, hi = min(ln.x0 for ln in body), max(ln.x1 for ln in body)
    edges = [lo] + [x for g in gaps for x in g] + [hi]
    bands = [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]
    items = [(li, it) for li, ln in enumerate(header) for it in _items(ln)]
    box = [(min(w.x0 for w in it), max(w.x1 for w in it)) for _, it in items]

    def band_of(x: tuple[float, float]) -> int | None:
        best = max(range(len(bands)), key=lambda j: _overlap(x, bands[j]))
        return best if _overlap(x, bands[best]) > 0 else None

    spanning = set()
    for k, (li, _) in enumerate(items):
        below = {band_of(box[m]) for m, (lj, _) in enumerate(items) if lj > li and _overlap(box[k], box[m]) > 0}
        if len(below - {None}) >= 2:
            spanning.add(k)
    # stacks: items overlapping in x (transitively)
    stacks: list[list[int]] = []
    for k in sorted((k for k in range(len(items)) if k not in spanning), key=lambda k: box[k][0]):
        hit = [st for st in stacks if any(_overlap(box[k], box[m]) > 0 for m in st)]
        for st in hit[1:]:
            hit[0] += st
            stacks.remove(st)
        (hit[0] if hit else stacks.append([]) or stacks[-1]).append(k)
    sbox = [(min(box[m][0] for m in st), max(box[m][1] for m in st)) for st in stacks]
    labels: list[list[int]] = [[] for _ in bands]
    loose = []
    for si, st in enumerate(stacks):
        j = band_of(sbox[si])
        if j is None:
            loose.append(si)
        else:
            labels[j] += st
    for si in loose:  # a label over no band
        c = (sbox[si][0] + sbox[si][1]) / 2
        j = min(range(len(bands)), key=lambda j: min(abs(c - bands[j][0]), abs(c - bands[j][1])))
        if labels[j] or c > hi or c < lo:
            at = sum(1 for b in bands if b[0] < c)
            bands.insert(at, sbox[si])
            labels.insert(at, list(st := stacks[si]))
        else:
            labels[j] += stacks[si]
    # a band without a label of its own is one column with its neighbour across the
    # narrower gap (an indicator's text with a blank band in it)
    # (a first band of row numbers only is the number column, named or not)
    numbers = bool(bands) and all(_NUMBERING.fullmatch(w.text) for ln in body for w in ln.words
                                  if _overlap((w.x0, w.x1), bands[0]) > 0)
    while len(bands) > 1 and any(not ls for j, ls in enumerate(labels) if j or not numbers):
        j = next(j for j, ls in enumerate(labels) if not ls and (j or not numbers))
        left = bands[j][0] - bands[j - 1][1] if j else float("inf")
        right = bands[j + 1][0] - bands[j][1] if j + 1 < len(bands) else float("inf")
        k = j - 1 if left <= right else j + 1
        a, z = min(j, k), max(j, k)
        bands[a:z + 1] = [(bands[a][0], bands[z][1])]
        labels[a:z + 1] = [labels[a] + labels[z]]
    if len(bands) < 3:
        return None
    for k in spanning:
        for j, b in enumerate(bands):
            if _overlap(box[k], b) > 0:
                labels[j].append(k)
    texts = [cell_text([w for k in ks for w in items[k][1]]) for ks in labels]
    return bands, texts


def _band(bands: list[tuple[float, float]], w: Word) -> int:
    """The column a word belongs to: the band it overlaps most (by its start when none)."""
    best, j = 0.0, None
    for k, (a, b) in enumerate(bands):
        o = min(b, w.x1) - max(a, w.x0)
        if o > best:
            best, j = o, k
    if j is not None:
        return j
    return max([k for k, (a, _) in enumerate(bands) if a <= w.x0] or [0])


def _crosses(ln: Line, bands: list[tuple[float, float]], em: float) -> bool:
    """A word of the line runs over two gaps between bands (prose across the columns)."""
    gaps = [(bands[k][1], bands[k + 1][0]) for k in range(len(bands) - 1)]
    return any(sum(1 for a, b in gaps if w.x0 < a - 0.2 * em and w.x1 > b + 0.2 * em) >= 2 for w in ln.words)


def find_tables(lines: list[Line], heading, stop_words: tuple[str, ...] = ()) -> list[Table]:
    """Tables among ``lines`` (top to bottom). ``heading(text)`` says whether a line is a
    heading; a line starting with one of ``stop_words`` (หมายเหตุ) ends a table. A heading
    across the table (a strategy row) followed by rows with values goes on in the same
    columns: the part below it is a table with no header (``header == []``)."""
    out: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        if not is_header(lines[i]):
            i += 1
            continue
        em = lines[i].em
        h = i + 1
        floor = out[-1].end if out else 0
        seen = i  # the header's line: the search goes on after it (not after the lines above it)
        while i > floor and h - i < 4 and _header_above(lines[i - 1], lines[i], heading):
            i -= 1  # labels of taller header cells centred above the header's line
        left = min(ln.x0 for ln in lines[i:h])
        while h < n and h - i < 9 and _header_line(lines[h]) and not is_header(lines[h]) \
                and lines[h].top - lines[h - 1].bottom < 0.8 * em:
            h += 1
        if h < n:  # the first row may start left of a centred header
            left = min(left, lines[h].x0)
        parts = []
        s = h
        while True:
            e = s
            while e < n and not _ends(lines, e, s, left, em, heading, stop_words):
                e += 1
            parts.append((s, e))
            t = lines[e].text().strip() if e < n else ""
            if e + 1 < n and heading(t) and not (stop_words and t.startswith(stop_words)) \
                    and not is_header(lines[e]) and _numbered(lines[e + 1], left, em):
                s = e + 1  # a strategy row across the table: the table may go on below it
                continue
            break
        got = _parts(lines, i, h, parts, em)
        if not got:
            i = seen + 1
            continue
        out += got
        i = max(got[-1].end, seen + 1)
    return out


def _parts(lines: list[Line], i: int, h: int, parts: list[tuple[int, int]], em: float) -> list[Table]:
    """The table of header ``lines[i:h]`` and its parts (runs of body lines): the columns
    from every part's lines; a part after the first must have a value in a value column
    on its first line (a list below a heading is no part)."""
    header = lines[i:h]
    kept = list(parts)
    # the parts after the first must fit the columns of the first part with rows
    base = next(((a, z) for a, z in kept if z > a), None)
    got = columns(header, lines[base[0]:base[1]]) if base else None
    if got is None:
        return []
    for k in range(1, len(kept)):
        a, z = kept[k]
        if a >= z or _crosses(lines[a], got[0], em) or not any(  # a value on the part's first line
                _band(got[0], w) in _value_cols(got[1]) and (_NUMBER.fullmatch(w.text) or w.text in "-–")
                for w in lines[a].words):
            kept = kept[:k]
            break
    while kept:
        body = [ln for a, z in kept for ln in lines[a:z]]
        got = columns(header, body) if body else None
        if got is None:
            if len(kept) == 1:
                return []
            kept.pop()
            continue
        bands, labels = got
        values = _value_cols(labels)
        bad = next((k for k, (a, z) in enumerate(kept) if k and (a >= z or _crosses(lines[a], bands, em) or not any(
            _band(bands, w) in values and bands[_band(bands, w)][0] - em <= w.x0 for w in lines[a].words))), None)
        if bad is None:
            # a line running across the columns (prose) ends the table
            cut = next(((k, m) for k, (a, z) in enumerate(kept) for m in range(a, z)
                        if m > (h if k == 0 else a) and _crosses(lines[m], bands, em)), None)
            if cut is None:
                break
            k, m = cut
            kept = kept[:k] + [(kept[k][0], m)]
            continue
        kept = kept[:bad]
    if not kept:
        return []
    out = []
    for k, (a, z) in enumerate(kept):
        rows = _body_rows(lines[a:z], bands, labels) if z > a else []
        if k and not rows:
            break
        out.append(Table(i if k == 0 else a, z, labels if k == 0 else [],
                         [(a + r0, a + r1, cells) for r0, r1, cells in rows], bands))
    if not out or not any(t.rows for t in out):
        return []
    return out


def _value_cols(labels: list[str]) -> set[int]:
    return {j for j, t in enumerate(labels) if year_of(t, True) is not None
            or role_of(t) in ("target", "baseline", "result")}


def _ends(lines, k, h, left, em, heading, stop_words) -> bool:
    ln = lines[k]
    t = ln.text().strip()
    inside = ln.x0 > left + 2 * em  # a cell's line (``มาตรการ...`` wrapped) is no heading
    if (heading(t) and not inside) or (stop_words and t.startswith(stop_words)) or is_header(ln):
        return True
    if ln.x0 < left - 1.0 * em:
        return True
    blank = k > h and ln.top - lines[k - 1].bottom > 0.8 * em
    # after a blank band the table goes on at a row number or a cell's line inside it
    return blank and not _numbered(ln, left, em) and not ln.x0 > left + 2 * em


def _header_above(up: Line, ln: Line, heading) -> bool:
    """``up`` is a line of the header starting at ``ln``: right above it (a blank band of
    less than an em), short words only, one of them a column word or a year, within the
    header's width."""
    em = ln.em
    return (0 <= ln.top - up.bottom < 1.0 * em and _header_line(up) and not heading(up.text().strip())
            and any(role_of(t) or year_of(t) for t in (up.text(), *(w.text for w in up.words)))
            and up.x0 >= ln.x0 - em and up.x1 <= ln.x1 + em)


def _body_rows(body: list[Line], bands, labels: list[str]) -> list[tuple[int, int, list[str]]]:
    """Rows of body lines: anchored at the row numbers of a number column, else at the
    lines with a value."""
    first = [w for ln in body for w in ln.words if _band(bands, w) == 0]
    number_col = role_of(labels[0]) == "number" or (first and all(_NUMBERING.fullmatch(w.text) for w in first))
    values = _value_cols(labels)
    if number_col:
        anchors = [k for k, ln in enumerate(body)
                   if any(_band(bands, w) == 0 and _NUMBERING.fullmatch(w.text) for w in ln.words)]
    else:
        anchors = [k for k, ln in enumerate(body) if any(_band(bands, w) in values for w in ln.words)]
    return _rows(body, bands, anchors) if anchors else []


def _rows(body: list[Line], bands, anchors: list[int]) -> list[tuple[int, int, list[str]]]:
    """Cells of each row: a column's lines go to the row they sit in. Rows start at their
    anchors when no line comes before the first anchor (cells aligned to the top); else
    each column's lines are split around the anchors (cells centred vertically)."""
    per = [[[] for _ in bands] for _ in anchors]
    span = [[a, a] for a in anchors]
    if anchors[0] == 0:
        r = 0
        for k, ln in enumerate(body):
            while r + 1 < len(anchors) and anchors[r + 1] <= k:
                r += 1
            for w in ln.words:
                per[r][_band(bands, w)].append(w)
            span[r][1] = max(span[r][1], k)
    else:
        ys = [body[a].top for a in anchors]
        for j in range(len(bands)):
            col = [(k, [w for w in ln.words if _band(bands, w) == j]) for k, ln in enumerate(body)]
            col = [(k, ws) for k, ws in col if ws]
            groups, _ = split_runs(col, anchors, ys, middle=True)
            for r, g in enumerate(groups):
                for k, ws in g:
                    per[r][j] += ws
                    span[r][0], span[r][1] = min(span[r][0], k), max(span[r][1], k)
    return [(a, z, [cell_text(ws) for ws in cells]) for (a, z), cells in zip(span, per, strict=True)]


def split_runs(per_line, anchors: list[int], ys: list[float], middle: bool) -> tuple[list[list], float]:
    """One run of ``per_line`` (a column's lines, in order: (index, words)) per anchor, by
    least cost (how far the runs sit from their anchors: their first line when cells are
    top-aligned, their middle when centred); returns the runs and the cost."""
    n, m = len(per_line), len(anchors)
    inf = float("inf")
    tops = {k: min(w.y0 for w in ws) for k, ws in per_line}

    def cost(r: int, i: int, j: int) -> float:  # lines i..j-1 to row r
        if i == j:
            return 0.0
        ks = [per_line[x][0] for x in range(i, j)]
        ts = [tops[k] for k in ks]
        lo = ys[r - 1] if r > 0 else -inf
        hi = ys[r + 1] if r + 1 < m else inf
        if ts[0] <= lo or ts[-1] >= hi or any(k in anchors and k != anchors[r] for k in ks):
            return inf
        if r == 0 and not middle:
            return 0.0 if ts[0] >= ys[0] - 1 else abs(ts[0] - ys[0])
        return abs((sum(ts) / len(ts) if middle else ts[0]) - ys[r])

    dp = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    dp[0][0] = 0.0
    order = [tops[k] for k, _ in per_line]
    for r in range(m):
        # a run lies between the anchors of the rows beside it: only those lines are tried
        # (the same least-cost split as trying every run, in the same order)
        lo = ys[r - 1] if r > 0 else -inf
        hi = ys[r + 1] if r + 1 < m else inf
        first = next((x for x in range(n) if order[x] > lo), n)
        last = next((x for x in range(n - 1, -1, -1) if order[x] < hi), -1)
        for j in range(n + 1):
            starts = range(first, j) if first < j <= last + 1 else ()
            for i in (*starts, j):
                if dp[r][i] == inf:
                    continue
                c = dp[r][i] + cost(r, i, j)
                if c < dp[r + 1][j]:
                    dp[r + 1][j], back[r + 1][j] = c, i
    out: list[list] = [[] for _ in range(m)]
    if dp[m][n] == inf:  # no split fits: each line to the last anchor at or above it
        for k, ws in per_line:
            r = max([i for i, y in enumerate(ys) if y <= tops[k]] or [0])
            out[r].append((k, ws))
        return out, 1e9
    j = n
    for r in range(m, 0, -1):
        i = back[r][j]
        out[r - 1] = per_line[i:j]
        j = i
    return out, dp[m][n]
