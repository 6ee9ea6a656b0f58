"""Layout "merged_table": numbered guideline trees per strategy, then ONE indicator table
whose merged cells were flattened (seed 002, สพป.ตรัง เขต 2 กรอบนโยบาย 2562).

Shape of the layout:

* inline one-line sections: ``วิสัยทัศน์ ...``, ``พันธกิจ 1. ... 2. ...``,
  ``เป้าประสงค์ 1. ... 2. ...``;
* stand-alone strategy headings ``กลยุทธ์ที่ 1 : ...`` each followed by numbered
  guidelines ``1.`` / ``1.1`` (sometimes with a leading ``- ``); un-numbered lines such as
  ``- 1) ...`` continue the guideline above them;
* one tab-separated indicator table whose header row names the strategy, guideline and
  indicator columns, a responsible-group column and value columns with years, with a
  second header row naming each value column (เป้าหมาย / ผลปฏิบัติงาน). The header repeats
  on every page. Strategy and guideline cells appear only on their first row and are
  carried down; some rows lost a leading empty cell, so a row is aligned on its value
  columns from the right when it does not fit the header positionally. Multi-value cells
  (``100 100``, ``37.76 30.30 24.57``) belong to ``- ป.6 - ม.3 - ม.6`` sub-items listed in
  the indicator text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

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
from assistant.ingest.layouts.base import Line, SourceDoc, lines

NAME = "merged_table"

_D = "[0-9๐-๙]"
_STRATEGY_WORDS = r"(?:กลยุทธ์|นโยบาย|ยุทธศาสตร์)"
# A stand-alone strategy heading: "กลยุทธ์ที่ 1 : title".
_STRATEGY_HEAD = re.compile(rf"^\s*{_STRATEGY_WORDS}ที่\s*({_D}+)\s*[:：.]?\s*")
# A guideline number at the start of a line: "1.", "1.1", "1.เสริม", "- 1.1 ..." (not "1)").
_GUIDE_NO = re.compile(rf"^\s*(?:[-–•]\s*)?({_D}+(?:\.{_D}+)*)(\.?)\s*(?=[^\s\d).])")
# A number at the start of a table cell: "1. ...", "8.ร้อยละ", "12 ...".
_CELL_NO = re.compile(rf"^\s*({_D}+)\s*\.?\s*(?=\S)")
# The number of an inline item inside a one-line section: "1. ", "2.ประชากร".
_INLINE_NO = re.compile(rf"(?:(?<=\s)|^)({_D}+)\.(?!{_D})\s*")
_VISION = re.compile(r"^\s*วิสัยทัศน์\s*[:：]?\s*(?!พันธกิจ|เป้าประสงค์)(?=\S)")
_MISSIONS = re.compile(r"^\s*พันธกิจ\s*[:：]?\s*(?=\S)")
_GOALS = re.compile(r"^\s*เป้าประสงค์\s*[:：]?\s*(?=\S)")

_COL_STRATEGY = re.compile(rf"^{_STRATEGY_WORDS}")
_COL_GUIDELINE = re.compile(r"^แนวทาง")
_COL_INDICATOR = re.compile(r"^ตัวชี้วัด")
_COL_GROUP = re.compile(r"กลุ่ม|รับผิดชอบ|หน่วยงาน")
_RESULT_WORDS = re.compile(r"ผลปฏิบัติงาน|ผลการปฏิบัติงาน|ผลการดำเนินงาน|ผลดำเนินงาน|^ผล")
_SUBHEAD_CELL = re.compile(r"^(?:เป้าหมาย|ค่าเป้าหมาย|ผล\S*)$")
# Sub-items inside an indicator cell: "... - ชั้น ป. 1 ... - ชั้น ป. 2-6 ...".
_SUB_SPLIT = re.compile(r"\s-\s")
_GRADE = re.compile(rf"^(?:ชั้น\s*)?([ปมอ])\.?\s*({_D}+(?:\s*-\s*{_D}+)?)")
_NONE_VALUES = {"-", "–", "—", "−", ""}


def _c(raw: str) -> str:
    return thai.one_line(raw)


# ---------------------------------------------------------------- table header


@dataclass
class _ValueCol:
    index: int
    year: int | None
    kind: str  # "target" | "result"


@dataclass
class _Header:
    line_no: int
    ncols: int
    strategy: int
    guideline: int
    indicator: int
    group: int | None
    values: list[_ValueCol]


def _header_cols(line: Line) -> tuple[int, int, int, int | None] | None:
    """Column indexes (strategy, guideline, indicator, group) of a table header row."""
    if "\t" not in line.text:
        return None
    cells = [_c(raw) for _, _, raw in line.cells()]
    s = next((i for i, c in enumerate(cells) if _COL_STRATEGY.match(c)), None)
    g = next((i for i, c in enumerate(cells) if _COL_GUIDELINE.match(c)), None)
    ind = next((i for i, c in enumerate(cells) if _COL_INDICATOR.match(c)), None)
    if s is None or g is None or ind is None or not s < g < ind:
        return None
    grp = next((i for i, c in enumerate(cells) if i > ind and _COL_GROUP.search(c)), None)
    return s, g, ind, grp


def _is_subheader(line: Line) -> bool:
    cells = [_c(raw) for _, _, raw in line.cells()]
    filled = [c for c in cells if c]
    return "\t" in line.text and bool(filled) and all(_SUBHEAD_CELL.match(c) for c in filled)


def _header(all_lines: list[Line], idx: int) -> _Header | None:
    cols = _header_cols(all_lines[idx])
    if cols is None:
        return None
    s, g, ind, grp = cols
    head = [_c(raw) for _, _, raw in all_lines[idx].cells()]
    nxt = next((ln for ln in all_lines[idx + 1 :] if not ln.blank), None)
    sub = [_c(raw) for _, _, raw in nxt.cells()] if nxt is not None and _is_subheader(nxt) else []
    first = (grp if grp is not None else ind) + 1
    values: list[_ValueCol] = []
    year: int | None = None
    for i in range(first, max(len(head), len(sub))):
        h = head[i] if i < len(head) else ""
        years = thai.find_years(h)
        if years:
            year = years[0]  # an empty header cell is merged with the one on its left
        label = (sub[i] if i < len(sub) else "") or h
        kind = "result" if _RESULT_WORDS.search(label) else "target"
        values.append(_ValueCol(i, year, kind))
    width = max(
        (
            i + 1
            for i in range(max(len(head), len(sub)))
            if (i < len(head) and head[i]) or (i < len(sub) and sub[i])
        ),
        default=0,
    )
    values = [v for v in values if v.index < width]  # trailing empty columns
    if not values:
        return None
    ncols = values[-1].index + 1
    return _Header(idx, ncols, s, g, ind, grp, values)


def _headers(all_lines: list[Line]) -> list[int]:
    return [ln.no for ln in all_lines if _header_cols(ln) is not None]


# ---------------------------------------------------------------- detect


def detect(text: str) -> float:
    """How well the text fits: a table header naming strategy, guideline and indicator
    columns together (0.5), year/result value columns under it (0.2), and data rows whose
    merged strategy/guideline cells are left empty (0.3)."""
    all_lines = lines(text)
    heads = _headers(all_lines)
    if not heads:
        return 0.0
    score = 0.5
    header = _header(all_lines, heads[0])
    if (
        header is not None
        and any(v.year for v in header.values)
        and any(v.kind == "result" for v in header.values)
    ):
        score += 0.2
    carried = 0
    for ln in all_lines[heads[0] + 1 :]:
        cells = ln.cells()
        if len(cells) >= 4 and not thai.clean(cells[0][2]):
            if any(_CELL_NO.match(raw) for _, _, raw in cells[1:3]):
                carried += 1
    score += 0.3 * min(1.0, carried / 3)
    return round(score, 3)


# ---------------------------------------------------------------- prose part


def _title(doc: SourceDoc, all_lines: list[Line], plan: Plan) -> None:
    para: list[Line] = []
    for ln in all_lines:
        if ln.blank:
            if para:
                break
            continue
        para.append(ln)
    cut = next((i for i, ln in enumerate(para) if thai.find_years(ln.text)), None)
    if cut is not None:
        para = para[: cut + 1]
    if para:
        plan.title = _c(" ".join(ln.text for ln in para))
        years = thai.find_years(plan.title)
        if years:
            plan.years = (min(years), max(years))


def _inline_items(doc: SourceDoc, start: int, end: int, prefix: str) -> list[TextItem]:
    """Split ``1. aaa 2. bbb`` (one line, from ``start`` to ``end``) into items numbered
    1, 2, 3 … in sequence; a number out of sequence stays inside its item's text."""
    text = doc.text
    marks: list[re.Match[str]] = []
    for m in _INLINE_NO.finditer(text, start, end):
        if int(thai.to_arabic(m.group(1))) == len(marks) + 1:
            marks.append(m)
    out: list[TextItem] = []
    if not marks:
        span = doc.span(start, end)
        if span.end > span.start:
            out.append(TextItem(f"{prefix}1", "1", _c(doc.quote(span)), span))
        return out
    for k, m in enumerate(marks):
        stop = marks[k + 1].start() if k + 1 < len(marks) else end
        span = doc.span(m.start(), stop)
        no = thai.to_arabic(m.group(1))
        body = _c(text[m.end() : span.end])
        out.append(TextItem(f"{prefix}{no}", no, body, span))
    return out


def _vision_missions_goals(doc: SourceDoc, all_lines: list[Line], plan: Plan) -> None:
    for ln in all_lines:
        m = _VISION.match(ln.text)
        if m and plan.vision is None:
            span = doc.span(ln.start + m.end(), ln.end)
            plan.vision = TextItem(f"{doc.doc_id}/vision", None, _c(doc.quote(span)), span)
            continue
        m = _MISSIONS.match(ln.text)
        if m and not plan.missions:
            plan.missions = _inline_items(doc, ln.start + m.end(), ln.end, f"{doc.doc_id}/mission")
            continue
        m = _GOALS.match(ln.text)
        if m and not plan.goals:
            plan.goals = _inline_items(doc, ln.start + m.end(), ln.end, f"{doc.doc_id}/goal")


def _strategies(doc: SourceDoc, all_lines: list[Line], plan: Plan) -> None:
    """Strategy headings and their numbered guideline trees (before the table)."""
    current: Strategy | None = None
    groups: list[tuple[str, list[Line]]] = []  # guideline number, its lines

    def flush() -> None:
        if current is None:
            return
        by_no: dict[str, Guideline] = {}
        for no, lns in groups:
            span = doc.span(lns[0].start, lns[-1].end)
            quote = doc.quote(span)
            m = _GUIDE_NO.match(quote)
            body = _c(quote[m.end() :] if m else quote)
            parent = no.rsplit(".", 1)[0] if "." in no else None
            heading = by_no[parent].text if parent and parent in by_no else None
            gl = Guideline(
                guideline_id(doc.doc_id, current.number, no),
                current.number,
                no,
                body,
                span,
                heading=heading,
            )
            by_no[no] = gl
            current.guidelines.append(gl)
        groups.clear()

    for ln in all_lines:
        if ln.blank:
            continue
        m = _STRATEGY_HEAD.match(ln.text)
        if m and "\t" not in ln.text:
            flush()
            number = thai.to_arabic(m.group(1))
            span = doc.span(ln.start, ln.end)
            current = Strategy(
                strategy_id(doc.doc_id, number), number, _c(ln.text[m.end() :]), span
            )
            plan.strategies.append(current)
            continue
        if current is None:
            continue
        g = _GUIDE_NO.match(ln.text)
        if g:
            groups.append((thai.to_arabic(g.group(1)), [ln]))
        elif groups:
            groups[-1][1].append(ln)  # "- 1) ..." lists and wrapped text continue a guideline
        elif current.description is None:
            current.description = _c(ln.text)
    flush()


def _strategies_inline(doc: SourceDoc, all_lines: list[Line], plan: Plan) -> None:
    """Fallback when there are no stand-alone headings: ``กลยุทธ์ กลยุทธ์ที่ 1 : ... กลยุทธ์ที่ 2 : ...``."""
    pat = re.compile(rf"{_STRATEGY_WORDS}ที่\s*({_D}+)\s*[:：.]?\s*")
    for ln in all_lines:
        ms = list(pat.finditer(doc.text, ln.start, ln.end))
        if len(ms) < 2:
            continue
        for k, m in enumerate(ms):
            stop = ms[k + 1].start() if k + 1 < len(ms) else ln.end
            span = doc.span(m.start(), stop)
            number = thai.to_arabic(m.group(1))
            title = _c(doc.text[m.end() : span.end])
            plan.strategies.append(Strategy(strategy_id(doc.doc_id, number), number, title, span))
        return


# ---------------------------------------------------------------- indicator table


def _unit(text: str) -> str | None:
    if re.match(r"^(?:คะแนนเฉลี่ย)?ร้อยละ", text):
        return "ร้อยละ"
    return None


def _sub_items(text: str) -> list[tuple[str, str]]:
    """(label, description) of the ``- ...`` sub-items listed at the end of an indicator."""
    parts = _SUB_SPLIT.split(text)
    if len(parts) < 3:  # the indicator itself and at least two sub-items
        return []
    out = []
    for part in parts[1:]:
        desc = part.strip()
        m = _GRADE.match(thai.to_arabic(desc))
        label = m.group(1) + "." + re.sub(r"\s+", "", m.group(2)) if m else desc
        out.append((label, desc))
    return out


def _tokens(start: int, raw: str) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group()) for m in re.finditer(r"\S+", raw)]


def _like(a: str, b: str) -> float:
    return SequenceMatcher(None, re.sub(r"\s+", "", a), re.sub(r"\s+", "", b)).ratio()


def _starts_strategy(plan: Plan, current: str, raw: str) -> bool:
    """Whether a lone leading cell is the next strategy (its number and title) rather
    than a guideline."""
    m = _CELL_NO.match(raw)
    if not m:
        return False
    nxt = plan.strategy(str(int(current) + 1))
    if nxt is None:
        return thai.to_arabic(m.group(1)) == str(int(current) + 1)
    return thai.to_arabic(m.group(1)) == nxt.number and _like(raw[m.end() :], nxt.title) > 0.6


def _indicators(doc: SourceDoc, all_lines: list[Line], plan: Plan) -> None:
    heads = _headers(all_lines)
    if not heads:
        return
    header = _header(all_lines, heads[0])
    if header is None:
        return
    nvals = len(header.values)
    cur_strategy: str | None = None
    cur_guideline: str | None = None
    for ln in all_lines[heads[0] :]:
        if ln.blank or "\t" not in ln.text:
            continue
        if _header_cols(ln) is not None or _is_subheader(ln):
            continue  # the header repeated on every page
        cells = ln.cells()
        if len(cells) == header.ncols and _CELL_NO.match(cells[header.indicator][2]):
            ind_cell = cells[header.indicator]
            lead = [cells[header.strategy], cells[header.guideline]]
            group = cells[header.group] if header.group is not None else None
            vals = [cells[v.index] for v in header.values]
        else:
            # A row that lost a cell: align it on its value columns from the right.
            while cells and not thai.clean(cells[-1][2]):
                cells.pop()
            extra = 2 if header.group is not None else 1
            if len(cells) < nvals + extra:
                continue
            vals = cells[-nvals:]
            group = cells[-nvals - 1] if header.group is not None else None
            ind_cell = cells[-nvals - extra]
            lead = cells[: len(cells) - nvals - extra]
            if not _CELL_NO.match(ind_cell[2]):
                continue
        s_cell = lead[0] if lead else None
        g_cell = lead[1] if len(lead) > 1 else None
        if (
            len(lead) == 1
            and cur_strategy is not None
            and not _starts_strategy(plan, cur_strategy, s_cell[2])
        ):
            s_cell, g_cell = None, s_cell  # one leading cell only, and it is not a new strategy
        if s_cell is not None and thai.clean(s_cell[2]):
            m = _CELL_NO.match(s_cell[2])
            if m:
                cur_strategy = thai.to_arabic(m.group(1))
                cur_guideline = None
                if plan.strategy(cur_strategy) is None:
                    span = doc.span(s_cell[0], s_cell[1])
                    plan.strategies.append(
                        Strategy(
                            strategy_id(doc.doc_id, cur_strategy),
                            cur_strategy,
                            _c(s_cell[2][m.end() :]),
                            span,
                        )
                    )
        if g_cell is not None and thai.clean(g_cell[2]):
            m = _CELL_NO.match(g_cell[2])
            if m:
                cur_guideline = thai.to_arabic(m.group(1))
        if cur_strategy is None:
            continue
        _add_indicator(doc, plan, header, cur_strategy, cur_guideline, ind_cell, group, vals)


def _add_indicator(doc, plan, header, s_no, g_no, ind_cell, group, vals) -> None:
    start, end, raw = ind_cell
    m = _CELL_NO.match(raw)
    number = thai.to_arabic(m.group(1))
    number_raw = raw[m.start(1) : m.end()].strip()
    span = doc.span(start, end)
    text = _c(raw[m.end() :])
    strategy = plan.strategy(s_no)
    iid = indicator_id(doc.doc_id, s_no, number)
    subs = _sub_items(text)
    unit = _unit(text)
    ind = Indicator(iid, s_no, number, number_raw, text, unit, span, guideline=g_no)
    ind.sub_items = [label for label, _ in subs]
    for label, desc in subs:
        if desc != label:
            ind.attributes[label] = desc
    if group is not None:
        g_raw = group[2]
        g_tokens = _tokens(group[0], g_raw)
        if len(subs) > 1 and len(g_tokens) == len(subs):
            for (label, _), (_, _, tok) in zip(subs, g_tokens, strict=True):
                ind.attributes[f"กลุ่มรับผิดชอบ {label}"] = tok
            uniq = list(dict.fromkeys(tok for _, _, tok in g_tokens))
            ind.responsible = ", ".join(uniq)
        else:
            ind.responsible = _c(g_raw) or None
    for col, (c_start, _, c_raw) in zip(header.values, vals, strict=True):
        if thai.clean(c_raw) in _NONE_VALUES:
            continue
        toks = _tokens(c_start, c_raw)
        if len(subs) > 1 and len(toks) == len(subs):
            pieces = [(a, b, label) for (a, b, _), (label, _) in zip(toks, subs, strict=True)]
        else:
            pieces = [(c_start, c_start + len(c_raw), None)]
        for a, b, label in pieces:
            vspan = doc.span(a, b)
            value = thai.printed_value(doc.quote(vspan))
            if value in _NONE_VALUES:
                continue
            ind.targets.append(
                Target(
                    target_id(iid, col.year, col.kind, label),
                    iid,
                    col.year,
                    col.kind,
                    value,
                    thai.parse_number(value),
                    unit,
                    vspan,
                    sub_item=label,
                )
            )
    strategy.indicators.append(ind)


# ---------------------------------------------------------------- parse


def parse(doc: SourceDoc) -> Plan:
    plan = Plan(doc_id=doc.doc_id, layout=NAME)
    all_lines = lines(doc.text)
    heads = _headers(all_lines)
    table_at = heads[0] if heads else len(all_lines)
    # The prose part ends at the table or at its title ("ตัวชี้วัด/เป้าหมาย ...").
    prose_end = next(
        (i for i, ln in enumerate(all_lines[:table_at]) if re.match(r"^\s*ตัวชี้วัด", ln.text)),
        table_at,
    )
    prose = all_lines[:prose_end]
    _title(doc, prose, plan)
    first_head = next((ln.no for ln in prose if _STRATEGY_HEAD.match(ln.text)), prose_end)
    _vision_missions_goals(doc, prose[:first_head], plan)
    _strategies(doc, prose, plan)
    if not plan.strategies:
        _strategies_inline(doc, prose, plan)
    _indicators(doc, all_lines, plan)
    if plan.years is None and heads:
        header = _header(all_lines, heads[0])
        years = [v.year for v in header.values if v.year and v.kind == "target"] if header else []
        if years:
            plan.years = (max(years), max(years))
    return plan
