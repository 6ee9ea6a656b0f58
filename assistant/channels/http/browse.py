"""Read-only lookups: offices, strategies, indicators and the source passage of a citation."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from assistant.channels.http.common import current_assistant, office_short, resolve_office
from assistant.channels.http.errors import ApiError

SOURCE_CONTEXT = 600  # characters of context shown before/after a cited passage
SOURCE_MAX_SPAN = 20_000


def parse_year(year: str | None) -> int | None:
    """A Buddhist-era year from "2568", "๒๕๖๘", "68" or "2025"; ApiError otherwise."""
    from assistant.channels.cli import _year
    from assistant.errors import PlanQAError

    if year is None or not year.strip():
        return None
    try:
        return _year(year)
    except PlanQAError as e:
        raise ApiError("invalid_parameter", e.message, f"Cannot read the year {year[:20]!r}.", status=400) from None
    except (ValueError, OverflowError):  # digits int() cannot read, like "²" or "①"
        raise ApiError("invalid_parameter", f"อ่านปี '{year[:20]}' ไม่ได้ ลองพิมพ์เช่น 2568",
                       f"Cannot read the year {year[:20]!r}.", status=400) from None


def source_passage(assistant, doc: str, text: str, start: int, end: int, context: int) -> dict:
    lo = max(0, start - context)
    if lo > 0:
        nl = text.find("\n", lo, start)
        lo = nl + 1 if nl != -1 else lo
    hi = min(len(text), end + context)
    if hi < len(text):
        nl = text.rfind("\n", end, hi)
        hi = nl if nl != -1 else hi
    rec = assistant.store.docs.get(doc)
    office_id = rec.office_id if rec else None
    return {
        "doc": doc, "office": office_id, "office_name": office_short(assistant, office_id),
        "title": rec.title if rec else None, "file": rec.file if rec else None,
        "start": start, "end": end, "context_start": lo, "context_end": hi, "length": len(text),
        "before": text[lo:start], "quote": text[start:end], "after": text[end:hi],
    }


def browse_router() -> APIRouter:
    router = APIRouter(tags=["api"])

    @router.get("/api/offices", summary="หน่วยงานที่มีแผน (offices with a plan)")
    async def offices(request: Request):
        a = current_assistant(request.app)
        out = []
        for o in a.offices():
            plans = a.store.plans_of(o.id)
            out.append({"id": o.id, "name": o.name, "short": o.short, "kind": o.kind,
                        "province": o.province, "area": o.area,
                        "docs": [p.doc_id for p in plans],
                        "years": [list(p.years) if p.years else None for p in plans]})
        return out

    @router.get("/api/strategies", summary="กลยุทธ์/นโยบาย (strategies)")
    async def strategies(request: Request,
                         office: str | None = Query(None, max_length=200, description="office id or name")):
        from assistant.qa import lookup

        a = current_assistant(request.app)
        pairs = lookup.strategies(a.store, resolve_office(a, office))
        return [{"office": p.office_id, "office_name": office_short(a, p.office_id), "doc": p.doc_id,
                 "kind": s.kind, "number": s.number, "title": s.title,
                 "indicators": len(s.indicators), "guidelines": len(s.guidelines)} for p, s in pairs]

    @router.get("/api/indicators", summary="ตัวชี้วัด (indicators)")
    async def indicators(request: Request, office: str | None = Query(None, max_length=200),
                         year: str | None = Query(None, max_length=20, description="e.g. 2568"),
                         strategy: str | None = Query(None, max_length=20),
                         about: str | None = Query(None, max_length=50, description="e.g. ครู, นักเรียน"),
                         level: str | None = Query(None, max_length=50, description="e.g. ประถม")):
        from assistant.domain import thai
        from assistant.qa import lookup

        a = current_assistant(request.app)
        y = parse_year(year)
        rows = lookup.indicators(a.store, office=resolve_office(a, office), year=y,
                                 strategy=thai.to_arabic(strategy).strip() if strategy else None,
                                 about=about, level=level)
        out = []
        for r in rows:
            ind = r.indicator
            out.append({
                "office": r.plan.office_id, "office_name": office_short(a, r.plan.office_id),
                "doc": r.plan.doc_id, "strategy": r.strategy.number, "kind": r.strategy.kind,
                "indicator": ind.number, "text": ind.text, "unit": ind.unit,
                "responsible": ind.responsible, "source": ind.source, "groups": ind.groups,
                "levels": ind.levels, "start": ind.span.start, "end": ind.span.end,
                "targets": [{"year": t.year, "kind": t.kind, "value": t.value, "unit": t.unit,
                             "sub_item": t.sub_item} for t in r.targets(y)],
            })
        return out

    @router.get("/api/sources/{doc}", summary="ข้อความต้นฉบับ (source passage)")
    async def source(request: Request, doc: str, start: int = Query(..., ge=0), end: int = Query(..., ge=0),
                     context: int = Query(SOURCE_CONTEXT, ge=0, le=5000)):
        """The exact text [start, end) of a document (a citation's quote, from spans) with
        some context before and after, cut at line boundaries."""
        a = current_assistant(request.app)
        text = a.store.texts.get(doc)
        if text is None:
            raise ApiError("unknown_document", message_en=f"No document {doc[:80]!r} in the index.")
        if not start < end <= len(text) or end - start > SOURCE_MAX_SPAN:
            raise ApiError("invalid_range", message_en=f"Need 0 <= start < end <= {len(text)} "
                                                       f"and at most {SOURCE_MAX_SPAN} characters.")
        return source_passage(a, doc, text, start, end, context)

    return router
