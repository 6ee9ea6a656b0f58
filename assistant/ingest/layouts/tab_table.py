"""Layout: strategies with tab-separated indicator and guideline tables.

Each strategy section (``กลยุทธ์ที่ ๑ <title>``) holds its strategic goals
(``เป้าประสงค์เชิงกลยุทธ์``, numbered items), an indicator table and a guideline table:

    ที่ ⇥ ตัวชี้วัด ⇥ หน่วยนับ ⇥ ค่าเป้าหมาย (ปี) ⇥ ⇥ ⇥ ⇥ ⇥ ระดับ
     ⇥ ⇥ ⇥ ๒๕๖๖ ⇥ ๒๕๖๗ ⇥ ๒๕๖๘ ⇥ ๒๕๖๙ ⇥ ๒๕๗๐ ⇥
    ๑ ⇥ ร้อยละของ... ⇥ ร้อยละ ⇥ ๘๐ ⇥ ๘๕ ⇥ ๙๐ ⇥ ๙๕ ⇥ ๑๐๐ ⇥ สพฐ./สพท./รร.

    ที่ ⇥ แนวทางการพัฒนา ⇥ หน่วยงานที่รับผิดชอบ
    ● คุณภาพผู้เรียน ⇥ ⇥                      (a sub-heading row, sometimes HTML)
    ๑ ⇥ จัดการศึกษา... ⇥ สพท. / รร.

Columns are found from the header words; the years of the target columns from the
header's year row. A table whose header has fewer year cells than target columns takes
the years of the document's other tables. Header rows may repeat mid-table. A row
without a number in its first cell and with text in other columns continues the row
before it (a row broken across lines).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.domain import thai
from assistant.domain.models import (
    Guideline,
    Indicator,
    Plan,
    Strategy,
    Target,
    guideline_id,
    indicator_id,
    strategy_id,
    target_id,
)
from assistant.ingest.layouts.base import BULLET, Line, SourceDoc, arabic_no, lines
from assistant.ingest.layouts.common import items, section_body, vision_missions_goals

NAME = "tab_table"

# Strategy headings (kept from the retired prose_only layout): a plan often lists its
# strategies once in a summary before the real sections; only the real sections count.
# A strategy heading at the start of a line (markdown, bullets and indentation allowed):
# "กลยุทธ์ที่ 1 ส่งเสริม...", "- กลยุทธ์ที่ ๑ ...", "**นโยบายที่ 2** ...", "ยุทธศาสตร์ที่ 3 : ...".
HEADING = re.compile(
    r"^[ \t\u00a0#*\-–•●▪]*(?P<kind>กลยุทธ์|นโยบาย|ยุทธศาสตร์)ที่\s*(?P<no>[0-9๐-๙]+)(?![0-9๐-๙]|\.[0-9๐-๙])"
    r"[*\s]*[:：.]?[*\s]*"
)


@dataclass(frozen=True)
class Heading:
    line: Line
    kind: str  # the word used: กลยุทธ์ / นโยบาย / ยุทธศาสตร์
    number_raw: str
    number: str  # Arabic digits
    title_start: int  # absolute offset where the title starts on the heading line


def strategy_headings(all_lines: list[Line]) -> list[Heading]:
    out = []
    for ln in all_lines:
        m = HEADING.match(ln.text)
        if m:
            no = m.group("no")
            out.append(Heading(ln, m.group("kind"), no, arabic_no(no), ln.start + m.end()))
    return out


def _next_content(all_lines: list[Line], idx: int) -> Line | None:
    return next((ln for ln in all_lines[idx + 1 :] if not ln.blank), None)


def strategy_sections(all_lines: list[Line]) -> list[tuple[Heading, int]]:
    """The real strategy sections as (heading, index of the line after the section).

    A heading directly followed (blank lines aside) by another heading is an entry of
    a summary list, not a section. When a number still occurs more than once
    (``(ต่อ)`` continuations, a repeated list), the occurrence with the longest
    section is kept. Sections are returned in document order."""
    heads = strategy_headings(all_lines)
    head_nos = {h.line.no for h in heads}
    real = []
    for h in heads:
        nxt = _next_content(all_lines, h.line.no)
        if nxt is not None and nxt.no in head_nos:
            continue
        real.append(h)
    if not real:
        return []
    kind = max({h.kind for h in real}, key=lambda k: sum(h.kind == k for h in real))
    real = [h for h in real if h.kind == kind]
    spans = []
    for i, h in enumerate(real):
        end = real[i + 1].line.no if i + 1 < len(real) else len(all_lines)
        spans.append((h, end))
    best: dict[str, tuple[int, Heading, int]] = {}
    for h, end in spans:
        size = sum(1 for ln in all_lines[h.line.no + 1 : end] if not ln.blank)
        if h.number not in best or size > best[h.number][0]:
            best[h.number] = (size, h, end)
    return [(h, end) for _, h, end in sorted(best.values(), key=lambda t: t[1].line.no)]


def first_heading(doc: SourceDoc) -> str | None:
    for ln in lines(doc.text):
        if not ln.blank:
            return thai.one_line(ln.text) or None
    return None


_NUMBER_CELL = re.compile(r"[0-9๐-๙]{1,3}\.?")
_YEAR_CELL = re.compile(r"(?:พ\.?\s?ศ\.?\s*)?((?:25|20)[0-9]{2})")
_HTML = re.compile(r"</?[a-zA-Z][^<>]*>")
_GOALS_HEAD = re.compile(r"^[#*\s]*เป้าประสงค์(?:เชิงกลยุทธ์|เชิงนโยบาย|ของกลยุทธ์)?[*\s:]*$")
_NO_VALUE = {"", "-", "–", "−", "—"}

Cell = tuple[int, int, str]


def _clean(raw: str) -> str:
    return thai.one_line(raw)


def _year(raw: str) -> int | None:
    m = _YEAR_CELL.fullmatch(thai.to_arabic(_clean(raw)))
    return thai.be_year(int(m.group(1))) if m else None


def _is_tab_row(ln: Line) -> bool:
    return "\t" in ln.text


def _is_indicator_header(cells: list[str]) -> bool:
    return any("ตัวชี้วัด" in c for c in cells) and any(c.startswith("หน่วย") for c in cells)


def _is_guideline_header(cells: list[str]) -> bool:
    return any("แนวทาง" in c for c in cells) and any("รับผิดชอบ" in c for c in cells)


def _is_year_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(_year(c) for c in filled)


def detect(text: str) -> float:
    """Structural score: tab-separated indicator header (ตัวชี้วัด + หน่วยนับ) with a row
    of years, numbered tab rows, and a guideline table header (แนวทาง + รับผิดชอบ)."""
    all_lines = [ln for ln in lines(text) if _is_tab_row(ln)]
    ind_heads = year_rows = guide_heads = numbered = 0
    for i, ln in enumerate(all_lines):
        cells = [_clean(c) for c in ln.text.split("\t")]
        if _is_indicator_header(cells):
            nxt = (
                [_clean(c) for c in all_lines[i + 1].text.split("\t")]
                if i + 1 < len(all_lines)
                else []
            )
            ind_heads += 1
            if _is_year_row(nxt) or sum(bool(_year(c)) for c in cells) >= 2:
                year_rows += 1
        elif _is_guideline_header(cells):
            guide_heads += 1
        elif _NUMBER_CELL.fullmatch(cells[0]) and len(cells) >= 3:
            numbered += 1
    if not ind_heads or not year_rows:
        return 0.0
    score = 0.6
    if guide_heads:
        score += 0.2
    if numbered >= 3:
        score += 0.2
    return score


# ---------------------------------------------------------------- tables


@dataclass
class _Columns:
    kind: str  # "indicator" or "guideline"
    ncols: int
    no: int = 0
    text: int = 1
    unit: int | None = None
    values: list[int] = field(default_factory=list)
    responsible: int | None = None
    years: dict[int, int] = field(default_factory=dict)  # column -> year


@dataclass
class _Row:
    lines: list[Line]
    pieces: dict[int, list[Cell]] = field(default_factory=dict)  # column -> pieces
    width: int = 0  # columns started so far

    def add(self, ln: Line, first_col: int) -> None:
        """Add a physical line whose first cell belongs to column ``first_col``."""
        self.lines.append(ln)
        for j, c in enumerate(ln.cells(), first_col):
            self.pieces.setdefault(j, []).append(c)
        self.width = max(self.width, first_col + len(ln.cells()))

    def raw(self, col: int | None) -> str:
        if col is None:
            return ""
        return "\n".join(p[2] for p in self.pieces.get(col, []))

    def cell_span(self, col: int) -> tuple[int, int] | None:
        parts = [p for p in self.pieces.get(col, []) if thai.clean(p[2])]
        return (parts[0][0], parts[-1][1]) if parts else None


def _header_columns(cells: list[str], kind: str) -> _Columns:
    cols = _Columns(kind, max((i + 1 for i, c in enumerate(cells) if c), default=len(cells)))
    text_word = "ตัวชี้วัด" if kind == "indicator" else "แนวทาง"
    text_col: int | None = None
    for i, c in enumerate(cells):
        if c in ("ที่", "ลำดับ", "ลำดับที่"):
            cols.no = i
        elif text_word in c and text_col is None:
            cols.text = text_col = i
        elif c.startswith("หน่วย") and "รับผิดชอบ" not in c:
            cols.unit = i
        elif "ระดับ" in c or "รับผิดชอบ" in c:
            cols.responsible = i
    if kind == "indicator":
        first = next(
            (i for i, c in enumerate(cells) if "เป้าหมาย" in c or _year(c)),
            (cols.unit if cols.unit is not None else cols.text) + 1,
        )
        last = (
            cols.responsible
            if cols.responsible is not None and cols.responsible > first
            else len(cells)
        )
        cols.values = list(range(first, last))
    return cols


def _doc_years(all_lines: list[Line]) -> list[int]:
    """The most common complete run of years in the document's year rows."""
    runs: Counter[tuple[int, ...]] = Counter()
    for ln in all_lines:
        if _is_tab_row(ln):
            cells = [_clean(c) for c in ln.text.split("\t")]
            if _is_year_row(cells):
                runs[tuple(y for c in cells if (y := _year(c)))] += 1
    if not runs:
        return []
    return list(max(runs, key=lambda r: (len(r), runs[r])))


def _assign_years(cols: _Columns, year_cells: dict[int, int], doc_years: list[int]) -> None:
    year_cells = {c: y for c, y in year_cells.items() if c in cols.values}
    if len(year_cells) >= len(cols.values):
        cols.years = year_cells
    elif len(doc_years) == len(cols.values):
        cols.years = dict(zip(cols.values, doc_years, strict=True))
    else:
        cols.years = year_cells


def _is_heading_row(cells: list[Cell], cols: _Columns) -> bool:
    """A sub-heading inside a table: HTML or a bullet, or text only in the number column."""
    first = next((c[2] for c in cells if thai.clean(c[2])), "")
    if _HTML.search(first) or re.match(r"\s*[●•▪◦]", thai.clean(first)):
        return True
    filled = [i for i, c in enumerate(cells) if thai.clean(c[2])]
    return filled == [cols.no]


def _section_rows(body: list[Line], doc_years: list[int]):
    """Yield ``(columns, row)`` for each data row and ``(None, (heading, line))`` for
    each sub-heading row of the tables in a strategy section.

    A row broken across lines is joined in two ways: when it has fewer cells than its
    header, the next line continues its last cell (a newline inside a cell); when it
    is complete, a following line with an empty number cell and text in other columns
    continues its cells column by column."""
    cols: _Columns | None = None
    row: _Row | None = None
    i = 0
    while i < len(body):
        ln = body[i]
        i += 1
        if row is not None and _continues_cell(ln, row, cols):
            row.add(ln, row.width - 1)
            continue
        if not _is_tab_row(ln):
            if row is not None:
                yield cols, row
                row = None
            if _looks_like_heading(ln):
                cols = None
            continue
        cells = ln.cells()
        texts = [_clean(c[2]) for c in cells]
        is_ind = _is_indicator_header(texts)
        if is_ind or _is_guideline_header(texts):
            if row is not None:
                yield cols, row
                row = None
            cols = _header_columns(texts, "indicator" if is_ind else "guideline")
            if is_ind:
                year_cells = {j: y for j, t in enumerate(texts) if (y := _year(t))}
                if i < len(body) and _is_tab_row(body[i]):
                    nxt = [_clean(c[2]) for c in body[i].cells()]
                    if _is_year_row(nxt):
                        year_cells = {j: y for j, t in enumerate(nxt) if (y := _year(t))}
                        i += 1
                _assign_years(cols, year_cells, doc_years)
            continue
        if cols is None:
            continue
        if _NUMBER_CELL.fullmatch(texts[cols.no] if cols.no < len(texts) else ""):
            if row is not None:
                yield cols, row
            row = _Row([])
            row.add(ln, 0)
        elif _is_heading_row(cells, cols):
            if row is not None:
                yield cols, row
                row = None
            yield None, (BULLET.sub("", thai.one_line(ln.text)).strip(), ln)
        elif row is not None and any(texts) and ln.no == row.lines[-1].no + 1:
            row.add(ln, 0)
    if row is not None:
        yield cols, row


def _continues_cell(ln: Line, row: _Row, cols: _Columns) -> bool:
    """Whether ``ln`` carries on the last cell of an incomplete ``row`` (a newline
    inside a cell): adjacent, and not a new numbered row, header or sub-heading."""
    if row.width >= cols.ncols or ln.blank or ln.no != row.lines[-1].no + 1:
        return False
    if not _is_tab_row(ln):
        return not _looks_like_heading(ln)
    cells = ln.cells()
    texts = [_clean(c[2]) for c in cells]
    if _is_indicator_header(texts) or _is_guideline_header(texts) or _is_heading_row(cells, cols):
        return False
    return not _NUMBER_CELL.fullmatch(texts[cols.no] if cols.no < len(texts) else "")


def _looks_like_heading(ln: Line) -> bool:
    s = thai.clean(ln.text)
    return bool(re.match(r"[#*\s]*(?:ตัวชี้วัด|แนวทาง|เป้าประสงค์|กลยุทธ์|นโยบาย|ยุทธศาสตร์)", s))


def _indicator(doc: SourceDoc, strategy: Strategy, cols: _Columns, row: _Row) -> Indicator:
    no_raw = _clean(row.raw(cols.no))
    number = arabic_no(no_raw)
    ind_id = indicator_id(doc.doc_id, strategy.number, number)
    unit = _clean(row.raw(cols.unit)) or None
    ind = Indicator(
        id=ind_id,
        strategy=strategy.number,
        number=number,
        number_raw=no_raw,
        text=_clean(row.raw(cols.text)),
        unit=unit,
        span=doc.span(row.lines[0].start, row.lines[-1].end),
        responsible=_clean(row.raw(cols.responsible)) or None,
    )
    for col in cols.values:
        value = thai.printed_value(row.raw(col))
        span = row.cell_span(col)
        if value in _NO_VALUE or span is None:
            continue
        year = cols.years.get(col)
        ind.targets.append(
            Target(
                id=target_id(ind_id, year, "target"),
                indicator_id=ind_id,
                year=year,
                kind="target",
                value=value,
                numeric=thai.parse_number(value),
                unit=unit,
                span=doc.span(*span),
            )
        )
    return ind


def _guideline(
    doc: SourceDoc, strategy: Strategy, cols: _Columns, row: _Row, heading: str | None
) -> Guideline:
    number = arabic_no(_clean(row.raw(cols.no)))
    return Guideline(
        id=guideline_id(doc.doc_id, strategy.number, number),
        strategy=strategy.number,
        number=number,
        text=_clean(row.raw(cols.text)),
        span=doc.span(row.lines[0].start, row.lines[-1].end),
        responsible=_clean(row.raw(cols.responsible)) or None,
        heading=heading,
    )


def parse(doc: SourceDoc) -> Plan:
    plan = Plan(doc_id=doc.doc_id, title=first_heading(doc), layout=NAME)
    all_lines = lines(doc.text)
    sections = strategy_sections(all_lines)
    vision_missions_goals(doc, plan, end=sections[0][0].line.start if sections else None)
    doc_years = _doc_years(all_lines)
    seen_years: set[int] = set()
    for h, end in sections:
        s = Strategy(
            id=strategy_id(doc.doc_id, h.number),
            number=h.number,
            title=thai.one_line(doc.text[h.title_start : h.line.end]),
            span=doc.span(h.line.start, h.line.end),
            kind=h.kind,
        )
        body = all_lines[h.line.no + 1 : end]
        goals_idx = next((ln.no for ln in body if _GOALS_HEAD.match(thai.clean(ln.text))), None)
        if goals_idx is not None:
            goal_lines = [
                ln for ln in section_body(all_lines, goals_idx, end) if not _is_tab_row(ln)
            ]
            s.goals = items(doc, goal_lines, f"{s.id}/goal")
        heading: str | None = None
        for cols, row in _section_rows(body, doc_years):
            if cols is None:
                heading = row[0] or None
            elif cols.kind == "indicator":
                ind = _indicator(doc, s, cols, row)
                seen_years.update(t.year for t in ind.targets if t.year)
                s.indicators.append(ind)
            else:
                s.guidelines.append(_guideline(doc, s, cols, row, heading))
        plan.strategies.append(s)
    if seen_years:
        plan.years = (min(seen_years), max(seen_years))
    return plan
