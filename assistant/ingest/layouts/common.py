"""Layout-independent pieces: vision, missions and goals under stand-alone headings,
and numbered/bulleted item lists with continuation lines."""

from __future__ import annotations

import re

from assistant.domain import thai
from assistant.domain.models import Plan, TextItem
from assistant.ingest.layouts.base import BULLET, ITEM_NO, Line, SourceDoc, arabic_no, lines

_HEAD_WORDS = {
    "vision": r"วิสัยทัศน์",
    "missions": r"พันธกิจ",
    "goals": r"เป้าประสงค์",
}
# Any heading that ends a vision/mission/goal section.
_STOP = re.compile(
    r"^[\s#*\-•]*(?:วิสัยทัศน์|พันธกิจ|เป้าประสงค์|ค่านิยม|กลยุทธ์|นโยบาย|ยุทธศาสตร์|จุดเน้น|"
    r"ตัวชี้วัด|แนวทาง|อัตลักษณ์|เอกลักษณ์|วัฒนธรรมองค์กร|สมรรถนะหลัก|ประเด็น)"
)


def heading_line(words: str, line: Line) -> bool:
    """A line that is only a heading: ``วิสัยทัศน์``, ``#### พันธกิจ``, ``เป้าประสงค์ (Goal)``,
    ``**วิสัยทัศน์**`` (markdown and a parenthesised English gloss allowed)."""
    s = thai.clean(line.text)
    return bool(
        re.fullmatch(rf"[#*\s]*(?:{words})[*\s]*(?:\([A-Za-z ]+\))?[*\s:]*(?:\([A-Za-z ]+\))?", s)
    )


def items(doc: SourceDoc, body: list[Line], id_prefix: str) -> list[TextItem]:
    """Numbered (๑. / 1. / 1.1) or bulleted items; lines without a marker continue the
    previous item. Each item's span covers its lines exactly."""
    groups: list[tuple[str | None, list[Line]]] = []
    for ln in body:
        if ln.blank:
            continue
        m = ITEM_NO.match(ln.text)
        if m and re.search(r"[ก-๙A-Za-z]", ln.text[m.end() :]):
            groups.append((arabic_no(m.group(1)), [ln]))
        elif BULLET.match(ln.text):
            groups.append((None, [ln]))
        elif groups:
            groups[-1][1].append(ln)
        else:
            groups.append((None, [ln]))
    out: list[TextItem] = []
    for i, (no, lns) in enumerate(groups, 1):
        span = doc.span(lns[0].start, lns[-1].end)
        text = thai.one_line(doc.quote(span))
        text = BULLET.sub("", text)
        if no is not None:
            text = ITEM_NO.sub("", text, count=1)
        out.append(TextItem(f"{id_prefix}{no or i}", no or str(i), text.strip(), span))
    return out


def section_body(all_lines: list[Line], head_idx: int, limit: int | None = None) -> list[Line]:
    body = []
    for ln in all_lines[head_idx + 1 : limit]:
        if _STOP.match(thai.clean(ln.text)) and not ITEM_NO.match(ln.text):
            break
        body.append(ln)
    return body


def vision_missions_goals(doc: SourceDoc, plan: Plan, end: int | None = None) -> None:
    """Fill ``plan.vision``, ``plan.missions`` and ``plan.goals`` from stand-alone
    headings that occur before offset ``end`` (default: the whole text)."""
    all_lines = [ln for ln in lines(doc.text) if end is None or ln.start < end]
    for key, words in _HEAD_WORDS.items():
        idx = next((i for i, ln in enumerate(all_lines) if heading_line(words, ln)), None)
        if idx is None:
            continue
        body = section_body(all_lines, idx)
        if key == "vision":
            content = [ln for ln in body if not ln.blank]
            if content:
                # The vision is the first paragraph under its heading.
                para = [content[0]]
                for ln in content[1:]:
                    if ln.no != para[-1].no + 1:
                        break
                    para.append(ln)
                span = doc.span(para[0].start, para[-1].end)
                plan.vision = TextItem(f"{doc.doc_id}/vision", None, thai.one_line(doc.quote(span)), span)
        else:
            found = items(doc, body, f"{doc.doc_id}/{key[:-1]}")
            setattr(plan, key, found)
