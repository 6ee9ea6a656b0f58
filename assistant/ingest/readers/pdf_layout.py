"""PDF pages with ruled tables: words and their boxes from poppler (``pdftotext
-bbox-layout``, which keeps Thai words whole), table cells from pdfplumber's ruling
lines. Lines outside tables become text; tables become native table blocks, merged
cells (a spanning header) filling the slots they cover."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from assistant.ingest.positional import Line, Word, cell_text, join_words

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_LINE = re.compile(r"<line [^>]*>(.*?)</line>", re.S)
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


# the word and line model is the positional reader's (one model for PDF boxes and laid-out text)
__all__ = ["Line", "Word", "cell_text", "join_words"]


def pages_lines(data: bytes) -> list[list[Line]]:
    exe = shutil.which("pdftotext")
    if not exe:
        return []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        r = subprocess.run([exe, "-bbox-layout", "-enc", "UTF-8", f.name, "-"], capture_output=True, timeout=120)
    if r.returncode != 0:
        return []
    out = []
    for page in _PAGE.findall(r.stdout.decode("utf-8", "replace")):
        lines = []
        for body in _LINE.findall(page):
            words = [Word(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(body)]
            if words:
                lines.append(Line(words))
        out.append(_rows(lines))
    return out


def _rows(lines: list[Line]) -> list[Line]:
    """Lines poppler split on one visual row (a bullet and its text, which poppler may
    give far apart; ``ตัวชีว`` ``้ ัด``) are one line: their vertical centres lie within
    half a line height. Lines are read top to bottom (as the page's items are)."""
    out: list[Line] = []
    for ln in sorted(lines, key=lambda x: x.top):
        if out:
            prev = out[-1]
            h = max(w.y1 - w.y0 for w in prev.words + ln.words)
            cp = (prev.top + max(w.y1 for w in prev.words)) / 2
            cl = (ln.top + max(w.y1 for w in ln.words)) / 2
            if abs(cp - cl) < 0.5 * h:
                out[-1] = Line(prev.words + ln.words)
                continue
        out.append(ln)
    return out


def page_tables(data: bytes) -> list[list[list[list[tuple[float, float, float, float] | None]]]]:
    """Per page, per table: rows of cell boxes (None where a merged cell covers the slot)."""
    try:
        import io

        import pdfplumber
    except ImportError:
        return []
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            tables = []
            for t in page.find_tables():
                tables.append([list(row.cells) for row in t.rows])
            out.append(tables)
    return out


def _box(table) -> tuple[float, float, float, float]:
    cells = [c for r in table for c in r if c]
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


def inside(w: Word, box) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def grid(rows) -> list[list[tuple[str, tuple[int, int] | None, tuple]]]:
    """Rows of slots (box, origin) with merged slots pointing at the cell covering them."""
    width = max(len(r) for r in rows)
    ref = max(rows, key=lambda r: sum(c is not None for c in r))
    xs = [((c[0] + c[2]) / 2) if c else None for c in ref]
    out = []
    for i, r in enumerate(rows):
        row = []
        for j in range(width):
            c = r[j] if j < len(r) else None
            if c is not None:
                row.append((c, None))
                continue
            left = next(((k, r[k]) for k in range(j - 1, -1, -1) if k < len(r) and r[k] is not None), None)
            x = xs[j] if j < len(xs) else None
            if left and x is not None and left[1][2] >= x:
                row.append((left[1], (i, left[0])))
            elif out:
                above = out[-1][j]
                row.append((above[0], above[1] or (i - 1, j)))
            else:
                row.append((None, None))
        out.append(row)
    return out


def _header_only(table, words: list[Word], repair) -> bool:
    """A ruled table whose rows hold only column labels (and full-width rows): a header row
    of labels at least."""
    from assistant.ingest.columns import is_header_label

    labels = False
    for row in table:
        texts = [repair(cell_text([w for w in words if inside(w, c)]))[0] for c in row if c]
        texts = [t for t in texts if t.strip()]
        if len(texts) >= 2 and not all(is_header_label(t) for t in texts):
            return False
        labels = labels or len(texts) >= 2
    return labels


# a line that starts an item: "1.", "(1)", "1)", a bullet (Symbol/Wingdings bullets are private-use
# glyphs); a bare number after a full-width line is the line above wrapped ("... ตั้งเป้าหมายปี⏎2568 ...")
_STRUCTURAL = re.compile(r"^\s*(?:[(（]?[0-9๐-๙]+(?:\.[0-9๐-๙]+)*[.)）]|[•●▪◦\-–*\uf0b7\uf0a7\uf0d8\uf076\uf0fc○■□➢✓]\s?)")
_MARK_FIRST = re.compile(r"^[ัิีึืฺุู็่้๊๋์ํ]")
_NUMBERED_HEADING = re.compile(r"ที่\s*[0-9๐-๙]|^\S+\s*[0-9๐-๙]")


def _heading_ends(prev: Line, ln: Line, width: float) -> bool:
    """A line that does not run the page's width ends its paragraph unless it and the line
    below are centred on one axis (a centred heading wrapped)."""
    if prev.x1 >= 0.85 * width:
        return False
    first = min(ln.words, key=lambda w: w.x0)
    if prev.x1 + 0.5 * prev.em + (first.x1 - first.x0) > width:
        return False  # the next line's first word (Thai has no spaces: a long one) did not fit: wrapped
    return abs((prev.x0 + prev.x1) / 2 - (ln.x0 + ln.x1) / 2) > prev.em


def _item_goes_on(block: str, prev: Line, ln: Line) -> bool:
    """A line with a heading word (``แนวทางการประเมิน PISA``) is the rest of a list item
    wrapped above it: the item's line runs the page's width, and this line starts where
    it starts, in the same font size, with no number of its own (a heading would be
    outdented, larger, or numbered)."""
    from assistant.ingest.columns import role_of
    from assistant.ingest.segment import heading_word

    text = ln.text().strip()
    word = heading_word(text)
    rest = text.split(word, 1)[1].strip(" :") if word else ""
    # (a bare section word, ``ตัวชี้วัด``, or one with column words, ``ตัวชี้วัดและค่าเป้าหมาย``, is a heading)
    if not rest or role_of(rest) or heading_word(rest):
        return False
    return bool(_STRUCTURAL.match(block)) and abs(ln.x0 - prev.x0) <= 1.0 and abs(ln.em - prev.em) <= 0.3 \
        and not _NUMBERED_HEADING.search(text)


def read_pages(data: bytes, furniture_ok, repair, heading) -> tuple[list[tuple[str, list]], dict] | None:
    """Per page: a list of ("text", str) and ("table", rows of (text, origin)) items, and
    repair counts; ``None`` when the page layout cannot be read (then the raw text is used).

    ``furniture_ok(page_no, index, count, text)`` says whether a text line is kept;
    ``repair(text)`` returns (text, counts); ``heading(text)`` says whether a line is a heading."""
    lines = pages_lines(data)
    tables = page_tables(data)
    if not lines:
        return None
    # a "table" of header rows only (a shaded header row of a table without borders) is
    # read with the rows below it, as a border-less table
    tables = [[t for t in ptables if not _header_only(t, [w for ln in lines[no] for w in ln.words], repair)]
              for no, ptables in enumerate(tables[: len(lines)])]
    counts: dict[str, int] = {}

    def fix(t: str) -> str:
        t, rep = repair(t)
        for k, v in rep.items():
            counts[k] = counts.get(k, 0) + v
        return t

    from assistant.domain import lexicon
    from assistant.ingest.readers import pdf_columns

    stops = tuple(lexicon.load().words("plan", "section_breaks"))
    from assistant.ingest.readers import furniture

    kept_of: list[list[Line]] = []  # per page: the lines outside ruled tables that are kept
    free_of: list[list[Line]] = []  # per page: the lines outside ruled tables
    for no, plines in enumerate(lines):
        ptables = tables[no] if no < len(tables) else []
        boxes = [_box(t) for t in ptables]
        free_of.append([ln for ln in plines if not any(inside(ln.words[0], b) for b in boxes)])
    # running headers and footers by their place on the page (the text stream may give a
    # browser's page header last, after the page's body)
    placed = furniture.repeated(["\n".join(ln.text() for ln in free) for free in free_of])
    for no, free in enumerate(free_of):
        kept = []
        for k, ln in enumerate(free):
            edge = k < 2 or k >= len(free) - 2
            # (a table's header repeated at the top of each page is no page furniture: the table reader reads it)
            if pdf_columns.is_header(ln) or furniture_ok(no, k, len(free), ln.text()) and not (
                    edge and furniture.key(ln.text().strip()) in placed):
                kept.append(ln)
            else:
                counts["page_furniture"] = counts.get("page_furniture", 0) + 1
        kept_of.append(kept)
    # border-less tables, over the pages' lines in a row (a table broken by a page is one)
    flat = [(no, ln) for no, kept in enumerate(kept_of) for ln in kept]
    from functools import lru_cache

    is_heading = lru_cache(maxsize=None)(lambda t: heading(repair(t)[0]))  # each line asked many times
    if BORDERLESS == "positional":
        found = borderless_tables(flat, is_heading, stops)
    else:
        found = pdf_columns.find_tables([ln for _, ln in flat], is_heading, stops, [no for no, _ in flat])
    free_tables: dict[int, list[tuple[float, list[list[str]], bool]]] = {}
    in_table: set[int] = set()  # ids of lines inside them
    for f in found:
        counts["borderless_tables"] = counts.get("borderless_tables", 0) + 1
        by_page: dict[int, list[list[str]]] = {}
        top: dict[int, float] = {}
        first_page = flat[f.start][0]
        by_page[first_page], top[first_page] = ([f.header] if f.header else []), flat[f.start][1].top
        for k, cells in f.rows:
            no = flat[k][0]
            if no not in by_page:
                by_page[no], top[no] = [], flat[k][1].top
            by_page[no].append(cells)
        for no, rows in by_page.items():
            if rows:  # a part below a strategy row goes on from the part above it
                free_tables.setdefault(no, []).append((top[no], rows, no != first_page or not f.header))
        in_table |= {id(flat[k][1]) for k in range(f.start, f.end)}
    pages = []
    for no, plines in enumerate(lines):
        ptables = tables[no] if no < len(tables) else []
        boxes = [_box(t) for t in ptables]
        free, kept = free_of[no], kept_of[no]
        items = [(ln.top, "line", ln) for ln in kept if id(ln) not in in_table]
        items += [(y, "free-table", (rows, goes_on)) for y, rows, goes_on in free_tables.get(no, [])]
        for t, b in zip(ptables, boxes, strict=True):
            items.append((b[1], "table", t))
        items.sort(key=lambda x: x[0])
        width = max((ln.x1 for ln in free), default=0)
        out: list[tuple[str, list]] = []
        prev_line = None
        for _, kind, x in items:
            if kind == "free-table":
                rows, goes_on = x
                out.append(("table-cont" if goes_on else "table", [[(fix(t), None) for t in r] for r in rows]))
                prev_line = None
                continue
            if kind == "table":
                words = [w for ln in plines for w in ln.words]
                g = grid(x)
                rows = []
                for r in g:
                    row = []
                    for box, origin in r:
                        txt = "" if box is None or origin else fix(cell_text([w for w in words if inside(w, box)]))
                        row.append((txt, origin))
                    rows.append(row)
                out.append(("table", rows))
                prev_line = None
                continue
            text = x.text()
            mark_first = bool(_MARK_FIRST.match(text)) and out and out[-1][0] == "text"
            wrapped = mark_first or (
                prev_line is not None and prev_line.x1 >= 0.85 * width and out and out[-1][0] == "text"
                and not _STRUCTURAL.match(text) and (not heading(repair(text)[0]) or _item_goes_on(out[-1][1], prev_line, x)))
            if wrapped:
                glue = "" if re.match(r"[ก-๙]", text) and re.search(r"[ก-๙]$", out[-1][1]) else " "
                out[-1] = ("text", out[-1][1] + glue + text)
                counts["unwrapped_lines"] = counts.get("unwrapped_lines", 0) + 1
            else:
                if prev_line is not None and out and out[-1][0] == "text" and _heading_ends(prev_line, x, width) \
                        and heading(repair(out[-1][1])[0]):
                    out.append(("blank", ""))  # the heading ends here (the builder must not glue the line below)
                out.append(("text", text))
            prev_line = x
        pages.append([(k, fix(v)) if k == "text" else (k, v) for k, v in out])
    counts_broken = join_broken_rows(pages)
    if counts_broken:
        counts["rows_broken_by_page"] = counts_broken
    joined = join_field_tables(pages)
    if joined:
        counts["field_tables_broken_by_page"] = joined
    return pages, counts


def _glue(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    return a + ("" if re.search(r"[ก-๙]$", a) and re.match(r"[ก-๙]", b) else " ") + b


def broken_row(rows: list[list[tuple[str, tuple | None]]], k: int) -> bool:
    """Row ``k`` is the rest of a row broken by a page: it holds text, and its leading
    empty cells include a column every other body row fills with text (the row number)."""
    others = [r for i, r in enumerate(rows) if i != k and i > 0]
    row = rows[k]
    first = next((j for j, (t, o) in enumerate(row) if t.strip() or o), None)
    if not others or first is None or row[first][1]:
        return False
    # (filled with text: a column merged down over rows, one row per year, goes on by merging)
    return any(all(j < len(r) and r[j][0].strip() and not r[j][1] for r in others) for j in range(first))


BORDERLESS = "columns"  # the reader of tables without ruling lines: "columns" (pdf_columns) or "positional"


@dataclass
class Found:
    start: int  # index (in the lines given) of the table's first line
    end: int  # index after its last line
    header: list[str]  # the header row, [] for a part below a strategy row
    rows: list[tuple[int, list[str]]]  # body rows: (index of the row's first line, cells)


def borderless_tables(flat: list[tuple[int, Line]], heading, stops) -> list[Found]:
    """Tables without ruling lines over the pages' lines in a row (``(page, line)``),
    read by :mod:`assistant.ingest.positional`: each page's lines are moved right below
    the page before, so a table (or a row) broken by a page reads as one."""
    from assistant.ingest import positional

    moved: list[Line] = []
    shift, page = 0.0, None
    for no, ln in flat:
        if page is not None and no != page and moved:
            shift = moved[-1].bottom + 0.2 * ln.em - ln.top
        page = no
        moved.append(Line([Word(w.x0, w.y0 + shift, w.x1, w.y1 + shift, w.text) for w in ln.words]))
    return [Found(t.first, t.end, t.header, [(a, cells) for a, _, cells in t.rows])
            for t in positional.find_tables(moved, heading, stops)]


def join_broken_rows(pages: list[list[tuple[str, list]]]) -> int:
    """A table row broken by a page (its rest below the header repeated on the next
    page, ``ทุก`` | ``โรงเรียน``) is one row again: the rest's cells are glued to the cells
    of the last row before the break. Returns how many rows were joined."""
    n = 0
    for no in range(1, len(pages)):
        if not pages[no] or not pages[no - 1]:
            continue
        (kind, rows), (pkind, prev) = pages[no][0], pages[no - 1][-1]
        if kind != "table" or pkind not in ("table", "table-cont") or len(prev) < 2:
            continue
        same_header = [t for t, _ in rows[0]] == [t for t, _ in prev[0]]
        k = 1 if same_header else 0
        if k >= len(rows) or len(rows[k]) != len(prev[-1]):
            continue
        if not broken_row(prev + [rows[k]], len(prev)):
            continue
        last = prev[-1]
        prev[-1] = [(_glue(a, b), o) if not o else (a, o) for (a, o), (b, _) in zip(last, rows[k], strict=True)]
        del rows[k]
        n += 1
        if len(rows) == k:  # nothing left (but the repeated header)
            pages[no].pop(0)
        elif not same_header:  # the rest of the table goes on from the row above the break
            pages[no][0] = ("table-cont", rows)
    return n


def _field_labels(rows: list[list[tuple[str, tuple | None]]]) -> list[str] | None:
    """The labels of a field table (label | value rows: ตัวชี้วัด | …, หน่วยนับ | …), ``None``
    when some row's first cell names no field."""
    from assistant.ingest.columns import role_of

    if not rows or any(len(r) != len(rows[0]) or len(r) < 2 for r in rows):
        return None
    labels = [r[0][0].strip() for r in rows]
    return labels if all(t and len(t) <= 40 and role_of(t) for t in labels) else None


def join_field_tables(pages: list[list[tuple[str, list]]]) -> int:
    """A field table (label | value rows, one indicator's card) broken by a page is one
    table again: the table at the top of a page goes on from the field table ending the
    page before when its rows repeat none of that table's labels (else it is the next
    card). Its rows are moved to the page the table starts on; a first row that is the
    rest of a broken row (a label's last word, ``๒๕๖๙``, and no value; or no label) is
    glued to the last row. Returns how many tables were joined."""
    n = 0
    for no in range(1, len(pages)):
        if not pages[no] or not pages[no - 1]:
            continue
        (kind, rows), (pkind, prev) = pages[no][0], pages[no - 1][-1]
        if kind not in ("table", "table-cont") or pkind not in ("table", "table-cont") or not rows:
            continue
        before = _field_labels(prev)
        if before is None or len(rows[0]) != len(prev[0]):
            continue
        first = rows[0]
        rest_of_row = not any(t.strip() for t, _ in first[1:]) or not first[0][0].strip()
        after = _field_labels(rows[1:] if rest_of_row else rows)
        if after is None and not (rest_of_row and len(rows) == 1):
            continue
        if set(after or []) & set(before):
            continue
        if rest_of_row:
            last = prev[-1]
            prev[-1] = [(_glue(a, b), o) if not o else (a, o) for (a, o), (b, _) in zip(last, first, strict=True)]
            rows = rows[1:]
        prev.extend(rows)
        pages[no].pop(0)
        n += 1
    return n
