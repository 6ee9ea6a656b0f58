"""Layout "prose_targets": strategies with numbered guidelines in prose, and indicator
tables whose target is written inside the indicator's own sentence.

Typical shape (e.g. สพป.ยโสธร เขต ๒, ทิศทางการพัฒนาคุณภาพการศึกษา ปีงบประมาณ ๒๕๖๖)::

    **กลยุทธ์ที่ ๑ การพัฒนาคุณภาพนักเรียน** มีแนวทางในการพัฒนาตามกลยุทธ์ ดังนี้
    ๑. สนับสนุน ส่งเสริม ...
    ...
    กลยุทธ์ที่ ๑ การพัฒนาคุณภาพผู้เรียน ประกอบด้วยตัวชี้วัดและค่าเป้าหมายตัวชี้วัด ดังนี้
    ตัวชี้วัดที่<TAB>ตัวชี้วัดและค่าเป้าหมายตัวชี้วัด<TAB>S<TAB>M<TAB>A<TAB>R<TAB>T
    ๑<TAB>ร้อยละ ๘๐ ของผู้เรียน ...<TAB>✓<TAB>✓<TAB><TAB><TAB>

Indicators are numbered continuously across strategies; each belongs to the strategy
heading it stands under (tables continue across pages under "... (ต่อ)" headings).
The columns after the indicator text are check-mark attributes (S/M/A/R/T), never
values: they go to ``Indicator.attributes``. The target (``ร้อยละ ๘๐``,
``ไม่ต่ำกว่า ๓๐๐ คะแนน``, ...) is read from the sentence itself; an indicator whose
sentence states no number has no target.
"""

from __future__ import annotations

import re

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

NAME = "prose_targets"

_D = "[0-9๐-๙]"
_NUM = rf"{_D}+(?:,{_D}{{3}})*(?:\.{_D}+)?"

# "กลยุทธ์ที่ ๑ การพัฒนา..." possibly in markdown bold / heading marks.
_STRATEGY_HEAD = re.compile(
    rf"^[#*\s]*(?P<kind>กลยุทธ์|ยุทธศาสตร์|นโยบาย)\s*ที่\s*(?P<no>{_D}+)\s*[.:]?\s*(?P<rest>.*)$"
)
# Where the title ends on a heading line.
_TITLE_END = re.compile(r"\*\*|\s(?:มีแนวทาง|ประกอบด้วย|ดังนี้|\(ต่อ\))")

# A table row: a bare item number in the first cell.
_ROW_NO = re.compile(rf"^\s*({_D}+)\.?\s*$")
_TICKS = re.compile(r"^[\s✓✔☑√/xX✗•●*-]*$")

# Sub-headings inside a strategy block.
_GOALS_HEAD = re.compile(r"^[#*\s]*เป้าหมาย(?:เชิงกลยุทธ์|ของกลยุทธ์|ตามกลยุทธ์)?[*\s:]*(?:ดังนี้)?[*\s:]*$")
_GUIDE_HEAD = re.compile(r"^[#*\s]*แนวทาง[^\t]{0,60}$")
_INDIC_HEAD = re.compile(r"^[#*\s]*ตัวชี้วัด")

# Units written after the number: "๓๐๐ คะแนน", "๕ โรงเรียน", "๒ ครั้ง".
_SUFFIX_UNITS = (
    "คะแนน|โรงเรียน|สถานศึกษา|แห่ง|ครั้ง|คน|เรื่อง|หลักสูตร|กิจกรรม|ชิ้นงาน|ชิ้น|โครงการ|"
    "รายการ|หน่วยงาน|นวัตกรรม|เครือข่าย|ศูนย์|ชั่วโมง|วัน|บาท|ผลงาน|รางวัล|ห้องเรียน"
)
# (pattern, fixed unit or None = the matched "unit" group)
_TARGET_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(rf"ร้อยละ\s*(?P<num>{_NUM})(?!{_D})"), "ร้อยละ"),
    (re.compile(rf"(?<![0-9๐-๙.])(?P<num>{_NUM})\s*(?:%|เปอร์เซ็นต์)"), "ร้อยละ"),
    (re.compile(rf"ระดับ\s*(?P<num>{_NUM})(?!{_D})"), "ระดับ"),
    (re.compile(rf"จำนวน\s*(?P<num>{_NUM})\s*(?P<unit>{_SUFFIX_UNITS})?"), None),
    (
        re.compile(
            rf"(?<![0-9๐-๙.])(?<!ที่\s)(?<!ที่)(?<!ทั้ง\s)(?<!ทั้ง)(?<![ก-ฮ]\.)(?<![ก-ฮ]\.\s)"
            rf"(?P<num>{_NUM})\s*(?P<unit>{_SUFFIX_UNITS})"
        ),
        None,
    ),
)

# A second figure that is itself a target: a threshold "N <unit> ขึ้นไป".
_EXTRA_TARGET = re.compile(rf"(?<![0-9๐-๙.])(?P<num>{_NUM})\s*(?P<unit>{_SUFFIX_UNITS})\s*ขึ้นไป")

# Fiscal year of the whole plan, from its header.
_FY_HEAD = re.compile(rf"ประจำปีงบประมาณ\s*(?:พ\.\s?ศ\.)?\s*({_D}{{4}})")
_OF_OFFICE = re.compile(rf"\s*ของ\s*สำนักงาน\S*(?:\s+เขต\s*{_D}+)?")
_FY_ANY = re.compile(rf"(?<!ภายใน)ปีงบประมาณ\s*(?:พ\.\s?ศ\.)?\s*({_D}{{4}})")


# ---------------------------------------------------------------- detect


def _cells(text: str) -> list[str]:
    return text.split("\t")


def _is_row(cells: list[str]) -> bool:
    return (
        len(cells) >= 2
        and bool(_ROW_NO.match(cells[0]))
        and bool(re.search("[ก-๙A-Za-z]", cells[1]))
    )


def _first_target(text: str) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for pat, _ in _TARGET_PATTERNS:
        m = pat.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


def detect(text: str) -> float:
    """How well the text fits: numbered table rows whose extra columns hold only
    check marks (no numbers), with the target written in the indicator sentence,
    under strategy headings."""
    rows = prose_rows = target_rows = 0
    attr_header = False
    for raw in text.splitlines():
        cells = _cells(raw)
        if len(cells) < 2:
            continue
        if _is_row(cells):
            rows += 1
            rest = cells[2:]
            if all(_TICKS.match(c) for c in rest):
                prose_rows += 1
                if _first_target(cells[1]):
                    target_rows += 1
        elif (
            len(cells) >= 4
            and re.search("ตัวชี้วัด", cells[0] + cells[1])
            and all(len(c.strip()) <= 2 and not re.search(_D, c) for c in cells[2:])
            and any(c.strip() for c in cells[2:])
        ):
            attr_header = True
    if target_rows < 3 or not rows:
        return 0.0
    heads = sum(1 for ln in text.splitlines() if _STRATEGY_HEAD.match(ln))
    score = 0.3 + 0.3 * (prose_rows / rows) + 0.2 * min(1.0, target_rows / prose_rows / 0.5)
    score += 0.1 if heads else -0.3
    score += 0.1 if attr_header else 0.0
    return max(0.0, min(1.0, score))


# ---------------------------------------------------------------- parse


def _fiscal_year(text: str, end: int) -> int | None:
    head = text[:end]
    m = _FY_HEAD.search(head) or _FY_ANY.search(head)
    return int(thai.to_arabic(m.group(1))) if m else None


def _title(doc: SourceDoc, all_lines: list[Line], end: int) -> str | None:
    """The header's subject line ("เรื่อง ...") with the lines that follow it, without
    the "ของสำนักงาน... เขต N" clause; else the first non-blank line."""
    head = [ln for ln in all_lines if ln.end <= end]
    for i, ln in enumerate(head):
        m = re.match(r"^\s*เรื่อง\s+", ln.text)
        if m:
            parts = [ln.text[m.end() :]]
            for nxt in head[i + 1 :]:
                if nxt.blank:
                    break
                parts.append(nxt.text)
            # The issuing office is the plan's metadata, not part of its title.
            title = _OF_OFFICE.sub("", thai.one_line(" ".join(parts)))
            return title or None
    first = next((ln for ln in head if not ln.blank), None)
    return thai.one_line(first.text) if first else None


class _Head:
    def __init__(self, line: Line, m: re.Match[str]):
        self.line = line
        self.kind = m.group("kind")
        self.number_raw = m.group("no")
        self.number = arabic_no(m.group("no"))
        rest = m.group("rest")
        cut = _TITLE_END.search(rest)
        self.title_raw = rest[: cut.start()] if cut else rest
        self.indicator_head = bool(re.search("ตัวชี้วัด", rest))
        self.guideline_head = bool(re.search("แนวทาง", rest))
        self.guidelines: list[tuple[str, list[Line]]] = []
        self.goals: list[tuple[str, list[Line]]] = []

    def span_end(self) -> int:
        """End offset of "กลยุทธ์ที่ N title" on the heading line."""
        m = re.search(re.escape(self.kind), self.line.text)
        assert m is not None
        rest_start = self.line.text.index(self.title_raw, m.end()) if self.title_raw else m.end()
        return self.line.start + rest_start + len(self.title_raw)

    def span_start(self) -> int:
        return self.line.start + self.line.text.index(self.kind)


def _block_items(head: _Head, body: list[Line]) -> None:
    """Numbered guidelines / goals in the lines under a strategy heading."""
    section: str | None = "guidelines" if head.guideline_head else None
    current: list[Line] | None = None
    prev_blank = False
    for ln in body:
        if ln.blank:
            prev_blank = True
            continue
        s = thai.clean(ln.text)
        cells = _cells(ln.text)
        if len(cells) >= 2 and _is_row(cells):  # a table row, not prose
            section, current = None, None
        elif _GOALS_HEAD.match(s):
            section, current = "goals", None
        elif _INDIC_HEAD.match(s) and not ITEM_NO.match(ln.text):
            section, current = None, None
        elif _GUIDE_HEAD.match(s) and not ITEM_NO.match(ln.text):
            section, current = "guidelines", None
        else:
            m = ITEM_NO.match(ln.text)
            if m and section and re.search(r"[ก-๙A-Za-z]", ln.text[m.end() :]):
                current = [ln]
                getattr(head, section).append((m.group(1), current))
            elif current is not None and not prev_blank:
                current.append(ln)
            else:
                section, current = None, None
        prev_blank = False


def parse(doc: SourceDoc) -> Plan:
    text = doc.text
    all_lines = lines(text)
    plan = Plan(doc_id=doc.doc_id, layout=NAME)

    heads: list[_Head] = []
    for ln in all_lines:
        if "\t" in ln.text:
            continue
        m = _STRATEGY_HEAD.match(ln.text)
        if m:
            heads.append(_Head(ln, m))
    first_head = heads[0].line.start if heads else len(text)

    plan.title = _title(doc, all_lines, first_head)
    year = _fiscal_year(text, first_head)
    if year is not None:
        plan.years = (year, year)
    common.vision_missions_goals(doc, plan, end=first_head)

    # Guidelines and goals under each heading (up to the next heading).
    bounds = [h.line.no for h in heads] + [len(all_lines)]
    for i, h in enumerate(heads):
        _block_items(h, all_lines[h.line.no + 1 : bounds[i + 1]])

    # One strategy per number, from its best heading.
    def rank(h: _Head) -> tuple[int, int, int]:
        return (
            -len(h.guidelines) - len(h.goals),
            0 if h.guideline_head else 1,
            1 if h.indicator_head else 0,
        )

    strategies: dict[str, Strategy] = {}
    for no in dict.fromkeys(h.number for h in heads):
        group = [h for h in heads if h.number == no]
        best = min(group, key=rank)
        sid = strategy_id(doc.doc_id, no)
        st = Strategy(
            id=sid,
            number=no,
            title=thai.one_line(best.title_raw.replace("**", "")),
            span=doc.span(best.span_start(), best.span_end()),
            kind=best.kind,
        )
        for h in group:
            for raw_no, lns in h.guidelines:
                span = doc.span(lns[0].start, lns[-1].end)
                body = ITEM_NO.sub("", thai.one_line(doc.quote(span)), count=1).strip()
                gno = arabic_no(raw_no)
                st.guidelines.append(
                    Guideline(guideline_id(doc.doc_id, no, gno), no, gno, body, span)
                )
            for n, (raw_no, lns) in enumerate(h.goals, len(st.goals) + 1):
                span = doc.span(lns[0].start, lns[-1].end)
                body = ITEM_NO.sub("", thai.one_line(doc.quote(span)), count=1).strip()
                st.goals.append(TextItem(f"{sid}/goal{n}", arabic_no(raw_no), body, span))
        strategies[no] = st
    plan.strategies = list(strategies.values())

    # Indicator rows, each under the strategy heading it follows.
    current: Strategy | None = None
    labels: list[str] | None = None
    for ln in all_lines:
        if "\t" not in ln.text:
            m = _STRATEGY_HEAD.match(ln.text)
            if m:
                current = strategies.get(arabic_no(m.group("no")))
            continue
        cells = ln.cells()
        raw = [c[2] for c in cells]
        if not _is_row(raw):
            if re.search("ตัวชี้วัด", raw[0] + raw[1]) and not re.search(_D, raw[0]):
                labels = [c.strip() for c in raw[2:]]
            continue
        if current is None or labels is None:
            continue
        current.indicators.append(_indicator(doc, current, cells, labels, year))
    return plan


def _indicator(
    doc: SourceDoc,
    st: Strategy,
    cells: list[tuple[int, int, str]],
    labels: list[str],
    year: int | None,
) -> Indicator:
    no_raw = cells[0][2].strip().rstrip(".")
    no = arabic_no(no_raw)
    t_start, t_end, t_raw = cells[1]
    span = doc.span(t_start, t_end)
    iid = indicator_id(doc.doc_id, st.number, no)
    attributes = {}
    for label, (_, _, val) in zip(labels, cells[2:], strict=False):
        if label and val.strip():
            attributes[label] = val.strip()
    ind = Indicator(
        id=iid,
        strategy=st.number,
        number=no,
        number_raw=no_raw,
        text=thai.one_line(t_raw),
        unit=None,
        span=span,
        attributes=attributes,
    )
    m = _first_target(t_raw)
    if m:
        unit = next(u for p, u in _TARGET_PATTERNS if p is m.re) or m.groupdict().get("unit")
        num = m.group("num")
        value = thai.printed_value(num)
        ind.unit = unit
        ind.targets.append(
            Target(
                id=target_id(iid, year, "target"),
                indicator_id=iid,
                year=year,
                kind="target",
                value=value,
                numeric=thai.parse_number(value),
                unit=unit,
                span=doc.span(t_start + m.start(), t_start + m.end()),
            )
        )
        # a further threshold in the same sentence ("... (PA) ๘๐ คะแนนขึ้นไป")
        for n, extra in enumerate(_EXTRA_TARGET.finditer(t_raw, m.end()), 2):
            value = thai.printed_value(extra.group("num"))
            ind.targets.append(
                Target(
                    id=f"{target_id(iid, year, 'target')}/{n}",
                    indicator_id=iid,
                    year=year,
                    kind="target",
                    value=value,
                    numeric=thai.parse_number(value),
                    unit=extra.group("unit"),
                    span=doc.span(t_start + extra.start(), t_start + extra.end()),
                )
            )
    return ind
