"""Fallback layout: a plan written as prose.

Vision, missions and goals under stand-alone headings, then strategies as headings
``กลยุทธ์ที่ 1 <title>`` (or ``นโยบายที่`` / ``ยุทธศาสตร์ที่``), each followed by one or
more paragraphs kept as the strategy's description. No indicators are read.

The strategy-heading helpers here (:func:`strategy_headings`, :func:`strategy_sections`)
are also used by the table layouts: a plan often lists its strategies once in a
summary before the real sections, and only the real sections must be counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.domain import thai
from assistant.domain.models import Plan, Strategy, strategy_id
from assistant.ingest.layouts.base import Line, SourceDoc, arabic_no, lines
from assistant.ingest.layouts.common import heading_line, vision_missions_goals

NAME = "prose_only"

# A strategy heading at the start of a line (markdown, bullets and indentation allowed):
# "กลยุทธ์ที่ 1 ส่งเสริม...", "- กลยุทธ์ที่ ๑ ...", "**นโยบายที่ 2** ...", "ยุทธศาสตร์ที่ 3 : ...".
HEADING = re.compile(
    r"^[ \t\u00a0#*\-–•●▪]*(?P<kind>กลยุทธ์|นโยบาย|ยุทธศาสตร์)ที่\s*(?P<no>[0-9๐-๙]+)(?![0-9๐-๙]|\.[0-9๐-๙])"
    r"[*\s]*[:：.]?[*\s]*"
)
# Top-level headings that end the last strategy's prose.
_END_WORDS = r"วิสัยทัศน์|พันธกิจ|เป้าประสงค์|ค่านิยม(?:องค์กร)?|ภาคผนวก|บทสรุป|สรุป"


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


def detect(text: str) -> float:
    """0.3 (a fallback) when at least two strategy/policy headings start their lines."""
    return 0.3 if len(strategy_headings(lines(text))) >= 2 else 0.0


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


def parse(doc: SourceDoc) -> Plan:
    plan = Plan(doc_id=doc.doc_id, title=first_heading(doc), layout=NAME)
    all_lines = lines(doc.text)
    sections = strategy_sections(all_lines)
    vision_missions_goals(doc, plan, end=sections[0][0].line.start if sections else None)
    for h, end in sections:
        title = thai.one_line(doc.text[h.title_start : h.line.end])
        body: list[Line] = []
        for ln in all_lines[h.line.no + 1 : end]:
            if heading_line(_END_WORDS, ln):
                break
            body.append(ln)
        content = [ln for ln in body if not ln.blank]
        if not title and content:
            # "กลยุทธ์ที่ 1" alone on its line: the title is the next line.
            title = thai.one_line(content[0].text)
            content = content[1:]
        last = content[-1].end if content else h.line.end
        description = thai.one_line(doc.text[content[0].start : last]) if content else None
        plan.strategies.append(
            Strategy(
                id=strategy_id(doc.doc_id, h.number),
                number=h.number,
                title=title,
                span=doc.span(h.line.start, last),
                kind=h.kind,
                description=description or None,
            )
        )
    return plan
