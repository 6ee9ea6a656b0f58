"""Text of a plan that no typed record covers (values, 4A PLUS narratives, signatures),
cut into passages so open questions can still find and quote it."""

from __future__ import annotations

import re
from bisect import bisect_left

from assistant.domain.models import Plan, Span
from assistant.ingest.layouts.base import lines, trim

MAX_CHARS = 700
_CONTENT = re.compile(r"[ก-๙A-Za-z0-9]")


def record_spans(plan: Plan) -> list[Span]:
    spans = []
    if plan.vision:
        spans.append(plan.vision.span)
    spans += [m.span for m in plan.missions] + [g.span for g in plan.goals]
    for s in plan.strategies:
        spans.append(s.span)
        spans += [g.span for g in s.goals] + [g.span for g in s.guidelines]
        for i in s.indicators:
            spans.append(i.span)
            spans += [t.span for t in i.targets]
    return spans


def passages(plan: Plan, text: str) -> list[Span]:
    """Windows of at most ``MAX_CHARS`` over the lines no record span touches; a window
    never spans a record."""
    # the record spans merged into disjoint runs, so a line's test is one bisection (a scan
    # of every span per line cost ~80 ms per plan, paid by each answer's first use of a plan)
    covered: list[list[int]] = []
    for s, e in sorted((s.start, s.end) for s in record_spans(plan)):
        if covered and s <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], e)
        else:
            covered.append([s, e])
    starts = [s for s, _ in covered]

    def is_covered(a: int, b: int) -> bool:
        i = bisect_left(starts, b)  # the runs that start before b; the last ends furthest
        return i > 0 and covered[i - 1][1] > a

    out: list[Span] = []
    cur: list[tuple[int, int]] = []

    def flush():
        if cur:
            a, b = trim(text, cur[0][0], cur[-1][1])
            if b - a >= 20:
                out.append(Span(plan.doc_id, a, b))
            cur.clear()

    for ln in lines(text):
        if not _CONTENT.search(ln.text):
            continue
        if is_covered(ln.start, ln.end):
            flush()
            continue
        if cur and ln.end - cur[0][0] > MAX_CHARS:
            flush()
        cur.append((ln.start, ln.end))
    flush()
    return out


def passage_id(doc_id: str, start: int) -> str:
    return f"{doc_id}/p{start}"
