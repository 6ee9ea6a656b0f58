"""Parse any plan file into a :class:`Plan` with what was read and inferred.

The document is read into blocks (``readers``), then built into a plan by the one plan
builder (``builder``). The five layout parsers of the bundled plans
(``assistant.ingest.layouts``) remain as fallbacks: a layout whose detector fits the
text is run too, and its plan is kept when it reads at least as many targets,
indicators and strategies as the builder (so the bundled plans keep their records).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.domain import lexicon, thai
from assistant.domain.models import Office, Plan
from assistant.domain.offices import OfficeMention, OfficeResolver
from assistant.errors import PlanQAError
from assistant.ingest.builder import BuildOptions, build, web_furniture
from assistant.ingest.document import Document
from assistant.ingest.parse import MIN_SCORE, NoPlanStructure, layouts
from assistant.ingest.readers import read_document

DEFAULT_MAX_BYTES = 50_000_000


@dataclass
class ParseResult:
    plan: Plan
    document: Document
    decoder: str  # "builder:<decoders>" or "layout:<name>"
    office: Office | None = None
    office_text: str | None = None  # the text the office was inferred from
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        inds = self.plan.indicators()
        return {
            "strategies": len(self.plan.strategies),
            "indicators": len(inds),
            "targets": sum(1 for i in inds for t in i.targets if t.kind == "target"),
            "guidelines": len(self.plan.guidelines()),
        }


def _size(plan: Plan) -> tuple[int, ...]:
    """How much of a plan was read: targets, indicators, guidelines, goals, strategies."""
    inds = plan.indicators()
    goals = sum(len(s.goals) for s in plan.strategies) + len(plan.goals)
    # yearly targets, unique: a duplicated id is not read twice
    targets = len({t.id for i in inds for t in i.targets if t.year is not None})
    return (targets, len(inds), len(plan.guidelines()), goals, len(plan.strategies))


def _builder_better(b: tuple[int, ...], legacy: tuple[int, ...]) -> bool:
    """The builder's plan is kept over a legacy layout's when it reads nearly as many
    targets (90%) and indicators, and strictly more of something, or, with indicators,
    as much of everything (a tie goes to the one builder)."""
    if b[1] and all(x >= y for x, y in zip(b, legacy, strict=True)):
        return True
    return b[0] >= 0.9 * legacy[0] and b[1] >= legacy[1] and any(x > y for x, y in zip(b, legacy, strict=True))


def parse_doc(doc: Document, options: BuildOptions | None = None) -> tuple[Plan, str, list[str]]:
    """The best plan for a document: the builder's, or a fitting legacy layout's."""
    built = build(doc, options)
    best, how, warnings = built.plan, "builder:" + "+".join(doc.decoders or ["text"]), list(built.warnings)
    from assistant.ingest.layouts.base import SourceDoc

    src = SourceDoc(doc.doc_id, doc.text)
    scored = sorted(((m.detect(doc.text), i, m) for i, m in enumerate(layouts())), key=lambda t: (-t[0], t[1]))
    for score, _, module in scored:
        if score < MIN_SCORE:
            break
        try:
            plan = module.parse(src)
        except Exception:  # a legacy parser failing on a new layout is not fatal
            continue
        if plan.strategies:
            if not _builder_better(_size(best), _size(plan)) or not best.strategies:
                plan.layout = module.NAME
                best, how, warnings = plan, "layout:" + module.NAME, []
            break
    if not best.strategies:
        raise NoPlanStructure()
    best.pages = list(doc.page_starts)
    return best, how, warnings


_OFFICE_WORD = re.compile(r"ส\.?\s?พ\.?\s?[ปมท]|เขตพื้นที่การศึกษา")


def infer_office(text: str, resolver: OfficeResolver) -> OfficeMention | None:
    """The office a plan belongs to, from anywhere in its text (title, cover,
    signature): the office named most often with a province, the first one on ties."""
    mentions = []
    for ln in text.splitlines():
        if _OFFICE_WORD.search(ln):  # only lines that name an office are resolved (fast)
            mentions += [m for m in resolver.resolve(ln) if m.office.province]
    if not mentions:
        return None
    # offices the country's list knows beat a name it contradicts ("เขต 9" of a 4-area province)
    mentions = [m for m in mentions if resolver.listed(m.office) is not False] or mentions
    counts = Counter(m.office.id for m in mentions)
    # an office named with its kind beats the same province and area without one
    rank = {m.office.id: (counts[m.office.id] + (0.5 if m.office.kind != "สพท." else 0), -i)
            for i, m in reversed(list(enumerate(mentions)))}
    best = max(rank, key=lambda k: rank[k])
    return next(m for m in mentions if m.office.id == best)


def plan_title(text: str, doc: Document | None = None) -> str | None:
    """The title: the first of the first ten lines naming a plan (แผน/ทิศทาง), else the first
    line; with the document, a heading naming a plan comes first, and page furniture (a web
    page's menu, breadcrumb or share line) is never the title."""
    furniture = web_furniture(lexicon.load())
    if doc is not None:
        skip = {thai.one_line(doc.block_text(b)) for b in doc.blocks if b.furniture}
        heads = [thai.one_line(doc.block_text(b)).strip("#*> ") for b in doc.blocks[:40]
                 if b.kind == "heading" and not b.furniture]
        best = next((h for h in heads if re.search(r"แผน|ทิศทาง", h) and not furniture(h)), None)
        if best:
            return best[:200]
    else:
        skip = set()
    lines = [thai.one_line(ln).strip("#*> ") for ln in text.splitlines() if thai.one_line(ln).strip("#*> ")
             and thai.one_line(ln) not in skip and not furniture(ln)][:10]
    best = next((ln for ln in lines if re.search(r"แผน|ทิศทาง", ln)), lines[0] if lines else None)
    return best[:200] if best else None


def plan_years(text: str) -> tuple[int, int] | None:
    s = thai.to_arabic(text[:6000])
    m = re.search(r"(?:พ\.\s?ศ\.?|ปี(?:งบประมาณ)?)\s*(?:พ\.\s?ศ\.?)?\s*(25\d\d)\s*[-–]\s*(?:พ\.\s?ศ\.?)?\s*(25\d\d)", s)
    if m and int(m.group(1)) <= int(m.group(2)) <= int(m.group(1)) + 10:
        return int(m.group(1)), int(m.group(2))
    fy = re.search(r"ปีงบประมาณ\s*(?:พ\.\s?ศ\.?)?\s*(25\d\d)", s)
    return (int(fy.group(1)),) * 2 if fy else None


def plan_span(text_years: tuple[int, int] | None, plan: Plan) -> tuple[int, int] | None:
    """A plan's years: those its text names, widened to its yearly targets. Years come
    from the target columns: a first year that only has baselines or prior results
    (``ค่าฐาน ปี 2567`` in a 2568–2570 plan) is not one of the plan's years."""
    tys = [t.year for i in plan.indicators() for t in i.targets if t.year and t.kind == "target"]
    if not tys:
        return text_years
    lo, hi = min([*tys, *(text_years or ())]), max([*tys, *(text_years or ())])
    earlier = {i.baseline_year for i in plan.indicators()} | {
        t.year for i in plan.indicators() for t in i.targets if t.kind != "target"}
    if lo < min(tys) and all(y in earlier for y in range(lo, min(tys))):
        lo = min(tys)
    return lo, hi


def parse_file(path: Path, *, options: BuildOptions | None = None, resolver: OfficeResolver | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, doc_id: str | None = None) -> ParseResult:
    """Read and parse one file (.txt .md .html .docx .pdf) into a plan with its report.

    Raises :class:`~assistant.ingest.readers.ReadError` or :class:`PlanQAError`."""
    path = Path(path)
    doc = read_document(path, max_bytes, doc_id=doc_id)
    plan, how, warnings = parse_doc(doc, options)
    res = ParseResult(plan, doc, how, warnings=warnings)
    years = plan_span(plan_years(doc.text), plan)
    if years:
        plan.years = years
    mention = infer_office(doc.text, resolver or OfficeResolver([]))
    if mention:
        res.office, res.office_text = mention.office, mention.text
        plan.office_id = mention.office.id
    plan.title = plan.title or plan_title(doc.text, doc)
    res.warnings += report_warnings(res)
    return res


def report_warnings(res: ParseResult) -> list[str]:
    out = []
    c = res.counts()
    if not c["indicators"]:
        out.append("ไม่พบตัวชี้วัดในเอกสาร")
    elif not c["targets"]:
        out.append("ไม่พบค่าเป้าหมายรายปีของตัวชี้วัด (อ่านคอลัมน์ปีไม่ได้)")
    elif any(not i.targets for i in res.plan.indicators()):
        n = sum(1 for i in res.plan.indicators() if not i.targets)
        out.append(f"ตัวชี้วัด {n} รายการไม่มีค่าเป้าหมาย")
    rep = {k: v for k, v in res.document.repairs.items() if k not in ("page_furniture", "borderless_tables")}
    if rep:
        out.append("ซ่อมอักษรไทยที่เสียจากการแยกข้อความ PDF: " + ", ".join(f"{k} {v}" for k, v in sorted(rep.items())))
    if res.document.repairs.get("borderless_tables"):
        out.append(f"อ่านตารางที่ไม่มีเส้นตาราง {res.document.repairs['borderless_tables']} ตาราง "
                   "(แบ่งคอลัมน์จากตำแหน่งคำ ควรตรวจค่าเป้าหมายที่อ่านได้)")
    if res.document.repairs.get("page_furniture"):
        out.append(f"ตัดหัว/ท้ายกระดาษที่ซ้ำทุกหน้า {res.document.repairs['page_furniture']} บรรทัด")
    if res.office is None:
        out.append("ไม่พบชื่อสำนักงานเขตพื้นที่ในข้อความ (ระบุได้ใน metadata.yaml)")
    return out


__all__ = ["ParseResult", "parse_file", "parse_doc", "infer_office", "PlanQAError"]
