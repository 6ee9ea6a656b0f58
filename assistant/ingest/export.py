"""The plan export (``planqa plan DOC|OFFICE --json``): a documented, stable JSON schema.

Schema ``planqa.plan/1``::

    {"schema": "planqa.plan/1",
     "doc_id": str, "title": str|null, "office_id": str|null, "office": str|null,
     "years": [first, last]|null, "decoder": str|null,
     "vision": Item|null, "missions": [Item], "goals": [Item], "values": [Item],
     "strategies": [{"id", "number", "kind", "title", "page",
                     "goals": [Item],
                     "guidelines": [{"id", "number", "text", "responsible", "page"}],
                     "indicators": [{"id", "number", "text", "unit", "baseline", "baseline_year",
                                     "responsible", "source", "sub_items", "note", "page",
                                     "targets": [{"id", "year", "kind", "value", "numeric",
                                                  "unit", "sub_item", "qualifier", "quote", "page"}]}]}],
     "report": {...}|null}
    Item = {"id", "number", "text", "page"}

``note`` is what the plan notes about the indicator's targets (a year not set yet, a
target that stays the same every year), verbatim, or null. ``qualifier`` is the word printed before a target's figure (ไม่น้อยกว่า, ไม่เกิน,
อย่างน้อย) or null; ``value`` stays the bare figure. ``quote`` is the exact source text of a value; ``page`` is the 1-based PDF page (null
for documents without pages). ``kind`` of a target is "target" or "result".
"""

from __future__ import annotations

from assistant.domain.models import Plan, TextItem

SCHEMA = "planqa.plan/1"


def plan_json(plan: Plan, text: str, office_name: str | None = None, report: dict | None = None) -> dict:
    page = plan.page_of

    def item(x: TextItem | None):
        if x is None:
            return None
        return {"id": x.id, "number": x.number, "text": x.text, "page": page(x.span.start)}

    return {
        "schema": SCHEMA,
        "doc_id": plan.doc_id, "title": plan.title, "office_id": plan.office_id, "office": office_name,
        "years": list(plan.years) if plan.years else None, "decoder": plan.layout,
        "vision": item(plan.vision),
        "missions": [item(x) for x in plan.missions], "goals": [item(x) for x in plan.goals],
        "values": [item(x) for x in plan.values],
        "strategies": [
            {
                "id": s.id, "number": s.number, "kind": s.kind, "title": s.title, "page": page(s.span.start),
                "goals": [item(g) for g in s.goals],
                "guidelines": [{"id": g.id, "number": g.number, "text": g.text, "responsible": g.responsible,
                                "page": page(g.span.start)} for g in s.guidelines],
                "indicators": [
                    {
                        "id": i.id, "number": i.number, "text": i.text, "unit": i.unit,
                        "baseline": i.baseline, "baseline_year": i.baseline_year,
                        "responsible": i.responsible, "source": i.source, "sub_items": list(i.sub_items),
                        "note": i.note, "page": page(i.span.start),
                        "targets": [{"id": t.id, "year": t.year, "kind": t.kind, "value": t.value,
                                     "numeric": t.numeric, "unit": t.unit, "sub_item": t.sub_item,
                                     "qualifier": t.qualifier,
                                     "quote": text[t.span.start:t.span.end], "page": page(t.span.start)}
                                    for t in i.targets],
                    }
                    for i in s.indicators
                ],
            }
            for s in plan.strategies
        ],
        "report": report,
    }
