"""Layout ``cell_lines``: a web page whose indicator tables were flattened one cell per line.

Shape (e.g. สพม.ลำปาง ลำพูน, แผนพัฒนาการศึกษาขั้นพื้นฐาน 2566-2570)::

    นโยบายที่ 1 <title>                 (also กลยุทธ์ที่ / ยุทธศาสตร์ที่)
        1.1 เป้าหมาย                    -> Strategy.goals   (items 1.1.x)
        1.2 แนวทางการพัฒนา              -> Strategy.guidelines (items 1.2.x)
        1.3 ตัวชี้วัด                   -> indicator table, one cell per line:
    ที่ / ตัวชี้วัด / หน่วยนับ / ค่าเป้าหมาย (ปี) / ผู้รับผิดชอบ / 2566 / ... / 2570
    1 / <indicator> / <unit> / <v2566> / ... / <v2570> / <source>
    2 / ...

Cells are separated by empty lines; an empty cell is a line holding only (non-breaking)
spaces, so it keeps its column. Consecutive non-empty lines form one cell. The column after
the yearly targets is read as the indicator's source when its values cite plans or
policies (``สพฐ. 66- 70``, ``แผน ศธ.ลป``), otherwise as the responsible unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.domain import thai
from assistant.domain.models import (
    Guideline,
    Indicator,
    Plan,
    Strategy,
    Target,
    TextItem,
    guideline_id,
    indicator_id,
    strategy_id,
    target_id,
)
from assistant.ingest.layouts import common
from assistant.ingest.layouts.base import ITEM_NO, Line, SourceDoc, arabic_no, lines

NAME = "cell_lines"

_D = "[0-9๐-๙]"
_STRATEGY_HEAD = re.compile(rf"^(นโยบาย|กลยุทธ์|ยุทธศาสตร์)\s*ที่\s*({_D}+)\s*(.*)$")
_YEAR_CELL = re.compile(rf"^(?:พ\.?\s?ศ\.?\s*)?({_D}{{4}})$")
_ROW_NO = re.compile(rf"^({_D}+)\.?$")
_NO_HEAD = re.compile(r"^(?:ที่|ลำดับ(?:ที่)?|ข้อ)$")
_SOURCE_LIKE = re.compile(rf"แผน|นโยบาย|จุดเน้น|[Pp]olicy|QW|ที่มา|{_D}{{2}}")
_GOALS_WORD = re.compile(r"เป้าหมาย|เป้าประสงค์")
_GUIDE_WORD = re.compile(r"แนวทาง|กลยุทธ์|มาตรการ")
_IND_WORD = re.compile(r"ตัวชี้วัด")


# ---------------------------------------------------------------- cells


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    raw: str

    @property
    def text(self) -> str:
        return thai.one_line(self.raw)

    @property
    def empty(self) -> bool:
        return not self.text


def _cells(
    text: str, all_lines: list[Line] | None = None, start: int = 0, end: int | None = None
) -> list[Cell]:
    """Cells between offsets: runs of consecutive non-empty raw lines (a line with only
    spaces/NBSP is an empty cell; a truly empty line separates cells)."""
    out: list[Cell] = []
    run: list[Line] = []

    def flush() -> None:
        if run:
            out.append(Cell(run[0].start, run[-1].end, text[run[0].start : run[-1].end]))
            run.clear()

    for ln in all_lines if all_lines is not None else lines(text):
        if ln.start < start or (end is not None and ln.start >= end):
            continue
        if ln.text == "":
            flush()
        elif ln.blank or (run and run[-1].blank):
            # An all-space line is its own (empty) cell.
            flush()
            run.append(ln)
        else:
            run.append(ln)
    flush()
    return out


@dataclass
class _Header:
    first: int  # index of the header's first cell
    end: int  # index after the last year cell
    names: list[str]
    years: list[int]


def _year(cell: Cell) -> int | None:
    m = _YEAR_CELL.match(thai.to_arabic(cell.text))
    if not m:
        return None
    return thai.be_year(int(m.group(1)))


def _find_header(cells: list[Cell], i: int = 0) -> _Header | None:
    """The next indicator-table header from cell ``i``: a number column (ที่), an
    indicator column (ตัวชี้วัด), more column names, then at least two year cells."""
    n = len(cells)
    while i < n:
        if _NO_HEAD.match(cells[i].text) and i + 1 < n and "ตัวชี้วัด" in cells[i + 1].text:
            j, names = i, []
            while j < n and j - i < 12 and _year(cells[j]) is None and not cells[j].empty:
                names.append(cells[j].text)
                j += 1
            years: list[int] = []
            while (
                j < n and (y := _year(cells[j])) is not None and (not years or y == years[-1] + 1)
            ):
                years.append(y)
                j += 1
            if len(years) >= 2:
                return _Header(i, j, names, years)
        i += 1
    return None


# ---------------------------------------------------------------- detect


def detect(text: str) -> float:
    """Structural fit: indicator-table headers flattened one cell per line (``ที่`` /
    ``ตัวชี้วัด`` / ... / consecutive years each alone) followed by rows of cells."""
    cells = _cells(text)
    headers, rows = 0, 0
    i = 0
    while (h := _find_header(cells, i)) is not None:
        headers += 1
        ncols = _columns(h)
        rows += len(_rows(cells, h.end, ncols, len(h.years)))
        i = h.end
    if not headers:
        return 0.0
    score = 0.6
    if rows:
        score += 0.2
    if headers >= 2 and rows >= 2 * headers:
        score += 0.2
    return min(score, 1.0)


# ---------------------------------------------------------------- table rows


@dataclass
class _Columns:
    unit: bool
    trailing: list[str]


def _columns(h: _Header) -> _Columns:
    rest = h.names[2:]
    unit = any("หน่วย" in n for n in rest)
    trailing = [n for n in rest if "หน่วย" not in n and "เป้าหมาย" not in n]
    return _Columns(unit, trailing)


@dataclass
class _Row:
    no: Cell
    text: Cell
    unit: Cell | None
    values: list[Cell]
    trailing: list[Cell | None]


def _is_value(cell: Cell) -> bool:
    return thai.parse_number(cell.text) is not None


def _rows(cells: list[Cell], i: int, cols: _Columns, nyears: int) -> list[_Row]:
    """Rows numbered 1, 2, ... from cell ``i`` until a cell is not the next row number."""
    out: list[_Row] = []
    expected = 1
    n = len(cells)
    while i + 1 < n:
        m = _ROW_NO.match(cells[i].text)
        if not m or int(thai.to_arabic(m.group(1))) != expected:
            break
        if not re.search(r"[ก-๙A-Za-z]", cells[i + 1].text):
            break
        no, txt = cells[i], cells[i + 1]
        j = i + 2
        unit = None
        if cols.unit and j < n:
            # A unit cell that is a number means the unit placeholder is missing.
            if not _is_value(cells[j]):
                unit = cells[j]
                j += 1
        values = cells[j : j + nyears]
        if len(values) < nyears:
            break
        j += nyears
        trailing: list[Cell | None] = []
        for _ in cols.trailing:
            nxt = cells[j] if j < n else None
            # A missing last cell: the next row's number followed by its indicator text.
            if nxt is None or (
                thai.to_arabic(nxt.text).rstrip(".") == str(expected + 1)
                and j + 1 < n
                and re.search(r"[ก-๙]{6}", cells[j + 1].text)
                and not _is_value(cells[j + 1])
            ):
                trailing.append(None)
                continue
            trailing.append(nxt)
            j += 1
        out.append(_Row(no, txt, unit, values, trailing))
        expected += 1
        i = j
    return out


# ---------------------------------------------------------------- parse


@dataclass
class _Section:
    line: Line
    kind: str
    number: str
    title: str
    body: list[Line]


def _strategy_sections(all_lines: list[Line]) -> list[_Section]:
    heads = []
    for idx, ln in enumerate(all_lines):
        m = _STRATEGY_HEAD.match(thai.clean(ln.text))
        if m:
            heads.append((idx, m))
    out: list[_Section] = []
    for k, (idx, m) in enumerate(heads):
        stop = heads[k + 1][0] if k + 1 < len(heads) else len(all_lines)
        body = all_lines[idx + 1 : stop]
        number = arabic_no(m.group(2))
        # A real section has numbered sub-items (1.1 / 1.2 ...); a summary list does not.
        sub = re.compile(rf"^{re.escape(number)}\.\d")
        if not any(sub.match(thai.to_arabic(thai.clean(b.text))) for b in body):
            continue
        out.append(_Section(all_lines[idx], m.group(1), number, thai.one_line(m.group(3)), body))
    return out


def _subsections(sec: _Section) -> list[tuple[str, Line, list[Line]]]:
    """(role, heading line, body) for ``N.k <word>`` headings: role goals/guidelines/indicators."""
    pat = re.compile(rf"^{re.escape(sec.number)}\.(\d+)\.?\s+([^\d\s].*)$")
    heads = []
    for idx, ln in enumerate(sec.body):
        m = pat.match(thai.to_arabic(thai.clean(ln.text)))
        if not m or len(m.group(2)) > 60:
            continue
        word = m.group(2)
        role = (
            "indicators"
            if _IND_WORD.search(word)
            else "goals"
            if _GOALS_WORD.search(word)
            else "guidelines"
            if _GUIDE_WORD.search(word)
            else None
        )
        if role:
            heads.append((idx, role))
    out = []
    for k, (idx, role) in enumerate(heads):
        stop = heads[k + 1][0] if k + 1 < len(heads) else len(sec.body)
        out.append((role, sec.body[idx], sec.body[idx + 1 : stop]))
    return out


def _numbered_items(
    doc: SourceDoc, body: list[Line], prefix: str
) -> list[tuple[str, str, list[Line]]]:
    """Items numbered ``prefix.k`` (continuation lines join the previous item) as
    (number, text, lines). A number printed with a stray space (``3.2.1 1`` after
    ``3.2.10``) is joined when that gives the next number in sequence."""
    groups: list[tuple[str, int, list[Line]]] = []  # number, text offset in first line
    last = 0
    for ln in body:
        if ln.blank:
            continue
        m = ITEM_NO.match(ln.text)
        no = arabic_no(m.group(1)) if m else ""
        if m and no.startswith(prefix + ".") and re.search(r"[ก-๙A-Za-z]", ln.text[m.end() :]):
            tail_at = m.end()
            parts = no[len(prefix) + 1 :].split(".")
            k = int(parts[0]) if parts[0].isdigit() else 0
            extra = re.match(rf"({_D}+)\s+", ln.text[m.end() :])
            if extra and k != last + 1:
                joined = f"{no}{thai.to_arabic(extra.group(1))}"
                jk = joined[len(prefix) + 1 :]
                if jk.isdigit() and int(jk) == last + 1:
                    no, k = joined, int(jk)
                    tail_at = m.end() + extra.end()
            last = k or last
            groups.append((no, tail_at, [ln]))
        elif groups:
            groups[-1][2].append(ln)
    out = []
    for no, tail_at, lns in groups:
        text = thai.one_line(doc.text[lns[0].start + tail_at : lns[-1].end])
        out.append((no, text, lns))
    return out


def _title(
    doc: SourceDoc, all_lines: list[Line], years: tuple[int, int] | None, before: int
) -> str | None:
    """The plan's own title: the first line above the plan body naming a plan
    (``แผน...``) with the plan's year range."""
    cands = []
    for ln in all_lines:
        if ln.start >= before or ln.blank:
            continue
        s = thai.one_line(ln.text)
        if "แผน" not in s:
            continue
        ys = [int(y) for y in re.findall(r"(?<!\d)(2[45]\d\d)(?!\d)", thai.to_arabic(s))]
        cands.append((s, ys))
    for s, ys in cands:
        if years and len(ys) >= 2 and (ys[0], ys[-1]) == years:
            return re.sub(r"^[^0-9A-Za-zก-๙]+", "", s).strip() or None
    return None


def _source_role(rows: list[_Row], col: int, header: str) -> str:
    if re.search(r"ที่มา|แหล่ง", header):
        return "source"
    vals = [
        r.trailing[col].text
        for r in rows
        if r.trailing[col] is not None and not r.trailing[col].empty
    ]
    if vals and sum(bool(_SOURCE_LIKE.search(v)) for v in vals) * 2 > len(vals):
        return "source"
    return "responsible"


def _indicators(
    doc: SourceDoc, strat: Strategy, body: list[Line], all_lines: list[Line]
) -> tuple[list[Indicator], list[int]]:
    if not body:
        return [], []
    cells = _cells(doc.text, all_lines, body[0].start, body[-1].end + 1)
    h = _find_header(cells)
    if h is None:
        return [], []
    cols = _columns(h)
    rows = _rows(cells, h.end, cols, len(h.years))
    roles = [_source_role(rows, c, name) for c, name in enumerate(cols.trailing)]
    out: list[Indicator] = []
    for r in rows:
        number = arabic_no(r.no.text)
        iid = indicator_id(doc.doc_id, strat.number, number)
        unit = r.unit.text if r.unit is not None and not r.unit.empty else None
        ind = Indicator(
            id=iid,
            strategy=strat.number,
            number=number,
            number_raw=r.no.text,
            text=r.text.text,
            unit=unit,
            span=doc.span(r.no.start, r.text.end),
        )
        for year, cell in zip(h.years, r.values, strict=True):
            value = thai.printed_value(cell.raw)
            if not value or value in {"-", "–", "−"}:
                continue
            ind.targets.append(
                Target(
                    id=target_id(iid, year, "target"),
                    indicator_id=iid,
                    year=year,
                    kind="target",
                    value=value,
                    numeric=thai.parse_number(value),
                    unit=unit,
                    span=doc.span(cell.start, cell.end),
                )
            )
        for c, cell in enumerate(r.trailing):
            if cell is None or cell.empty:
                continue
            if roles[c] == "source" and ind.source is None:
                ind.source = cell.text
            elif roles[c] == "responsible" and ind.responsible is None:
                ind.responsible = cell.text
            else:
                ind.attributes[cols.trailing[c]] = cell.text
        out.append(ind)
    return out, h.years


def parse(doc: SourceDoc) -> Plan:
    plan = Plan(doc_id=doc.doc_id)
    all_lines = lines(doc.text)
    sections = _strategy_sections(all_lines)
    body_start = sections[0].line.start if sections else None
    common.vision_missions_goals(doc, plan, end=body_start)
    all_years: list[int] = []
    for sec in sections:
        sid = strategy_id(doc.doc_id, sec.number)
        strat = Strategy(
            id=sid,
            number=sec.number,
            title=sec.title,
            span=doc.span(sec.line.start, sec.line.end),
            kind=sec.kind,
        )
        for role, head, sub in _subsections(sec):
            prefix = (
                arabic_no(ITEM_NO.match(head.text).group(1)) if ITEM_NO.match(head.text) else ""
            )
            if role == "goals":
                for n, (no, text, lns) in enumerate(_numbered_items(doc, sub, prefix), 1):
                    span = doc.span(lns[0].start, lns[-1].end)
                    strat.goals.append(TextItem(f"{sid}/goal{n}", no, text, span))
            elif role == "guidelines":
                for no, text, lns in _numbered_items(doc, sub, prefix):
                    span = doc.span(lns[0].start, lns[-1].end)
                    strat.guidelines.append(
                        Guideline(
                            guideline_id(doc.doc_id, sec.number, no), sec.number, no, text, span
                        )
                    )
            elif role == "indicators" and not strat.indicators:
                strat.indicators, years = _indicators(doc, strat, sub, all_lines)
                all_years.extend(years)
        plan.strategies.append(strat)
    if all_years:
        plan.years = (min(all_years), max(all_years))
    plan.title = _title(
        doc, all_lines, plan.years, body_start if body_start is not None else len(doc.text)
    )
    return plan
