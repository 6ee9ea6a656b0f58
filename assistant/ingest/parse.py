"""Choose a layout parser for a document and run it."""

from __future__ import annotations

from importlib import import_module

from assistant.domain.models import Plan
from assistant.errors import PlanQAError
from assistant.ingest.layouts.base import SourceDoc

# Order matters only for ties; every module has NAME, detect(text) and parse(doc).
LAYOUTS = (
    "assistant.ingest.layouts.tab_table",
    "assistant.ingest.layouts.merged_table",
)
MIN_SCORE = 0.2


class NoPlanStructure(PlanQAError):
    def __init__(self):
        super().__init__(
            "ไม่พบโครงสร้างของแผน (กลยุทธ์/นโยบาย) ในเอกสารนี้ "
            "ตรวจสอบว่าเป็นแผนพัฒนาการศึกษาที่มีหัวข้อ 'กลยุทธ์ที่' หรือ 'นโยบายที่'"
        )


def layouts():
    return [import_module(name) for name in LAYOUTS]


def parse_document(doc_id: str, text: str) -> Plan:
    """Parse one document into a :class:`Plan` with the best-fitting layout.

    Raises :class:`NoPlanStructure` when no layout recognises strategies in it."""
    doc = SourceDoc(doc_id, text)
    scored = sorted(((m.detect(text), i, m) for i, m in enumerate(layouts())), key=lambda t: (-t[0], t[1]))
    for score, _, module in scored:
        if score < MIN_SCORE:
            break
        plan = module.parse(doc)
        if plan.strategies:
            plan.layout = module.NAME
            return plan
    raise NoPlanStructure()
