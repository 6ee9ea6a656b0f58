"""Proposal drafts.

:func:`build_proposal` turns an :class:`~assistant.proposals.align.Alignment` into a
:class:`Proposal`: typed sections in the standard Thai project-proposal order, every
quote and every target value taken from the plan with its citation, the plan's own
evidence (baseline, prior results, responsible unit) filled in where the plan prints
it, narrative built from the templates in ``prompts/proposal.yaml`` with ``[กรอก: ...]``
where the teacher completes it, and budget fields left empty. :func:`render_markdown`
and :func:`assistant.proposals.docx.render_docx` both render from :func:`layout`.
"""


from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Literal

from assistant.domain import thai
from assistant.domain.models import Citation, Indicator, Plan, Target
from assistant.errors import PlanQAError
from assistant.proposals.align import (
    DRAFT_ITEMS,
    FILL_RE,
    TH_MONTHS,
    TH_MONTHS_ABBR,
    Aligner,
    Alignment,
    ItemFit,
    ProposalTemplates,
    StrategyFit,
    alignment_payload,
    format_alignment,
    get_aligner,
    summary_text,
)
from assistant.proposals.narrative import narrate
from assistant.qa.answer import fmt_value
from assistant.qa.records import cover

# ---------------------------------------------------------------- the draft model


@dataclass
class Quoted:
    """A piece of the plan quoted in the draft: label, exact text, citation number."""

    label: str
    text: str
    ref: int
    worded: bool = True  # False: picked by closeness of meaning only (the teacher checks it)


@dataclass
class TargetLine:
    indicator: str  # "ตัวชี้วัดที่ 2"
    text: str
    year: int
    values: list[Target]  # the plan's targets for that fiscal year (may be empty)
    display: str  # "ร้อยละ 90" / the note when the year has none
    ref: int
    has_value: bool
    worded: bool = True
    prior: list[Target] = field(default_factory=list)  # results the plan prints for earlier years
    prior_display: str = ""  # "ผลการดำเนินงานปี 2561: 100"
    responsible: str | None = None  # the unit the plan names for the indicator


@dataclass
class Activity:
    phase: Literal["P", "D", "C", "A"]
    phase_label: str
    text: str
    period: str
    responsible: str


@dataclass
class BudgetLine:
    item: str
    compensation: str = ""
    operating: str = ""
    materials: str = ""
    total: str = ""


@dataclass
class EvaluationRow:
    indicator: str
    method: str
    instrument: str
    ref: int | None = None


@dataclass
class Proposal:
    id: str
    idea: str
    title: str
    office_id: str
    office: str
    doc_id: str
    plan_title: str
    kind: str
    fiscal_year: int
    period_start: str  # "ตุลาคม 2567"
    period_end: str  # "กันยายน 2568"
    header: list[str]
    alignment: list[Quoted]
    targets: list[TargetLine]
    rationale: list[str]
    objectives: list[str]
    goals_quantity: list[str]
    goals_quality: list[str]
    activities: list[Activity]
    duration: str
    budget_source: str
    budget_note: str
    budget: list[BudgetLine]
    evaluation: list[EvaluationRow]
    expected: list[str]
    responsible: list[str]
    signatures: list[str]
    notes: list[str]
    citations: list[Citation]
    headings: dict[str, str]
    thai_digits: bool = False  # every digit of the documents in Thai digits (else Arabic)
    references: list[str] = field(default_factory=list)  # per citation: plan title, office, section

    def figures(self) -> list[tuple[str, int]]:
        """Every figure the draft states from the plan, with its citation number."""
        return [(t.value, tl.ref) for tl in self.targets for t in [*tl.values, *tl.prior]]

    @classmethod
    def from_dict(cls, d: dict) -> Proposal:
        """The inverse of :meth:`to_dict` (drafts kept in the state store)."""
        from assistant.domain.models import Span

        def target(t: dict) -> Target:
            return Target(**{**t, "span": Span(**t["span"])})

        d = dict(d)
        d["alignment"] = [Quoted(**q) for q in d["alignment"]]
        d["targets"] = [TargetLine(**{**tl, "values": [target(t) for t in tl["values"]],
                                      "prior": [target(t) for t in tl.get("prior") or []]})
                        for tl in d["targets"]]
        d["activities"] = [Activity(**a) for a in d["activities"]]
        d["budget"] = [BudgetLine(**b) for b in d["budget"]]
        d["evaluation"] = [EvaluationRow(**e) for e in d["evaluation"]]
        d["citations"] = [Citation(**c) for c in d["citations"]]
        return cls(**d)

    def to_dict(self) -> dict:
        return asdict(self)


SECTION_ORDER = ("title", "alignment", "rationale", "objectives", "goals", "activities", "duration",
                 "budget", "evaluation", "expected", "responsible")


def fiscal_year_today(today: _dt.date | None = None) -> int:
    d = today or _dt.date.today()
    return thai.fiscal_year_of(d.year, d.month)


def plan_years(plan: Plan) -> list[int]:
    years = {t.year for i in plan.indicators() for t in i.targets if t.year}
    if plan.years:
        years |= set(range(plan.years[0], plan.years[1] + 1))
    return sorted(years)


def build_proposal(al: Alignment, aligner: Aligner, year: int | None = None,
                   today: _dt.date | None = None, thai_digits: bool = False) -> Proposal:
    """The draft of a proposal for the best-fitting strategy of ``al``."""
    T = aligner.T
    store = aligner.store
    records = aligner.records
    if not al.fits or not al.strategies:
        raise PlanQAError(T("no_fit", idea=al.idea, kind=al.kind, office=al.office))
    plan = store.plans[al.doc_id]
    notes: list[str] = []
    years = plan_years(plan)
    current = fiscal_year_today(today)
    if year is None:
        year = current if (not years or current in years) else max(years)
        if year != current:
            notes.append(T("year_default_note", year=year, current=current))
    elif years and year not in years:
        notes.append(T("year_outside_note", office=al.office, years=_year_ranges(years), year=year))

    sf = al.strategies[0]
    cites: list[Citation] = []

    def ref(c: Citation) -> int:
        for i, old in enumerate(cites, 1):
            if (old.doc, old.start, old.end) == (c.doc, c.start, c.end):
                return i
        cites.append(c)
        return len(cites)

    def pick(items: list[ItemFit]) -> list[ItemFit]:
        chosen = items[:1]
        chosen += [f for f in items[1:] if f.worded and f.score >= items[0].score - 1.0]
        return chosen[:DRAFT_ITEMS]

    goals, guidelines, indicators = pick(sf.goals), pick(sf.guidelines), pick(sf.indicators)
    alignment = [Quoted(T("align_label_strategy", kind=sf.kind, number=sf.number), sf.title, ref(sf.citation))]
    for g in goals:
        alignment.append(Quoted(f"{T('align_label_goal')} ข้อ {g.number}" if g.number else T("align_label_goal"),
                                g.text, ref(g.citation), g.worded))
    for g in guidelines:
        alignment.append(Quoted(f"{T('align_label_guideline')} ข้อ {g.number}", g.text, ref(g.citation), g.worded))

    targets: list[TargetLine] = []
    for f in indicators:
        ind: Indicator = records.get(f.record_id).item
        label = f"ตัวชี้วัดที่ {ind.number}"
        in_year = [t for t in ind.targets if t.kind == "target" and t.year == year]
        prior = sorted((t for t in ind.targets if t.kind == "result" and t.year and t.year < year),
                       key=lambda t: (t.year, t.sub_item or ""))
        rec = records.get(ind.id)
        if in_year:
            c = records.citation(rec, cover(ind.span, *(t.span for t in [*in_year, *prior])))
            vals = ", ".join(f"{t.sub_item} {fmt_value(t)}" if t.sub_item else fmt_value(t) for t in in_year)
            display = T("target_value", year=year, value=vals)
        else:
            have = sorted({t.year for t in ind.targets if t.kind == "target" and t.year})
            spans = [t.span for t in ind.targets if t.kind == "target" or t in prior]
            c = records.citation(rec, cover(ind.span, *spans) if spans else ind.span)
            display = (T("target_missing_year", year=year, years=_year_ranges(have)) if have
                       else T("target_none"))
        prior_display = "; ".join(
            T("prior_result", year=y, value=", ".join(f"{t.sub_item} {fmt_value(t)}" if t.sub_item else fmt_value(t)
                                                       for t in prior if t.year == y))
            for y in sorted({t.year for t in prior}))
        targets.append(TargetLine(label, thai.one_line(ind.text), year, in_year, display, ref(c), bool(in_year),
                                  f.worded, prior, prior_display, ind.responsible))

    kind, number = sf.kind, sf.number
    idea = al.idea
    short = len(idea) <= 80 and "\n" not in idea
    title_idea = re.sub(r"^โครงการ\s*", "", idea).strip()
    title = T("title_short", idea=title_idea) if short else T("title_long")
    header = [T("nature_line"), T("school_line", office=al.office)]
    if not short:
        header.insert(0, T("idea_line", idea=" ".join(idea.split())))

    goal_text = goals[0].text if goals else ""
    gl_text = guidelines[0].text if guidelines else ""
    rationale = [T("rationale_plan", office=al.office, kind=kind, number=number, title=sf.title,
                   plan=al.plan_title,
                   goal_part=T("rationale_goal", goal=goal_text) if goal_text else "",
                   guideline_part=T("rationale_guideline", guideline=gl_text) if gl_text else "")]
    for tl in targets[:1]:
        rationale.append(T("rationale_indicator", indicator=tl.text, target_text=tl.display))
    with_prior = [tl for tl in targets if tl.prior]
    for tl in with_prior:
        rationale.append(T("rationale_results", indicator=tl.text, results=tl.prior_display))
    rationale.append(T("rationale_need_school") if with_prior else T("rationale_need"))
    rationale.append(T("rationale_close", title_ref=title if short else "โครงการนี้", kind=kind,
                       number=number, office=al.office))

    objectives = [T("objective_guideline", guideline=g.text) for g in guidelines]
    objectives += [T("objective_indicator", indicator=tl.text) for tl in targets[:1]]
    objectives.append(T("objective_fill"))

    quantity = [T("quantity_indicator", indicator=f"{tl.indicator} {tl.text}", target_text=tl.display)
                for tl in targets if tl.has_value]
    quantity.append(T("quantity_fill"))
    quality = [T("quality_goal", goal=g.text) for g in goals]
    quality.append(T("quality_fill"))

    start_m, start_y = TH_MONTHS[9], year - 1
    end_m, end_y = TH_MONTHS[8], year
    who = T("who_fill")
    gl_label = ", ".join(f"ข้อ {g.number}" for g in guidelines) or f"{kind}ที่ {number}"
    activities = [
        Activity("P", T("pdca_plan"), T("act_plan_1", kind=kind, number=number, office=al.office),
                 _period(T, 10, year - 1, 11, year - 1), who),
        Activity("P", T("pdca_plan"), T("act_plan_2_results", results=with_prior[0].prior_display) if with_prior
                 else T("act_plan_2"), _period(T, 10, year - 1, 11, year - 1), who),
        Activity("P", T("pdca_plan"), T("act_plan_3"), _period(T, 11, year - 1, 11, year - 1), who),
        Activity("D", T("pdca_do"), T("act_do_1", idea=title_idea if short else "ตามโครงการ"),
                 _period(T, 12, year - 1, 7, year), who),
        Activity("D", T("pdca_do"), T("act_do_2", guideline_label=gl_label), _period(T, 12, year - 1, 7, year), who),
        Activity("C", T("pdca_check"), T("act_check_1"), _period(T, 8, year, 8, year), who),
        Activity("A", T("pdca_act"), T("act_act_1", next_year=year + 1), _period(T, 9, year, 9, year), who),
    ]
    budget = [BudgetLine(a.text) for a in activities if a.phase in ("D",)]
    budget.append(BudgetLine(T("budget_total")))

    methods = T.raw("eval_methods")
    evaluation = []
    for tl, f in zip(targets, indicators, strict=True):
        ind = records.get(f.record_id).item
        group = next((g for g in ind.groups if g in methods), "default")
        m, tool = methods[group]
        evaluation.append(EvaluationRow(T("eval_indicator", indicator=f"{tl.indicator} {tl.text}",
                                          target_text=tl.display), m, tool, tl.ref))
    evaluation.append(EvaluationRow(T("eval_satisfaction"), T("eval_satisfaction_method"),
                                    T("eval_satisfaction_tool")))

    expected = [T("expected_goal", goal=g.text) for g in goals]
    expected += [T("expected_indicator", indicator=tl.text) for tl in targets if tl.has_value][:1]
    expected.append(T("expected_fill"))

    rationale, objectives, expected = narrate(aligner.a, idea, alignment, targets, rationale, objectives, expected,
                                              keep=FILL_RE.search)  # the optional model; unchanged without one

    responsible = [T("responsible_person"), T("responsible_group")]
    units = [u for u in dict.fromkeys([*(f.responsible for f in guidelines), *(tl.responsible for tl in targets)])
             if u]
    responsible += [T("responsible_plan", unit=u) for u in units]

    pid = hashlib.sha1(f"{al.doc_id}|{idea}|{year}".encode()).hexdigest()[:12]
    headings = {k: T(f"h_{k}") for k in ("title", "alignment", "rationale", "objectives", "goals",
                                         "goals_quantity", "goals_quality", "activities", "duration",
                                         "budget", "evaluation", "expected", "responsible", "sources")}
    headings["document"] = T("doc_title", year=year)
    headings["indicator_label"] = T("align_label_indicator", year=year)
    headings["plan_line"] = T("plan_line", plan=al.plan_title, office=al.office)
    headings["check_mark"] = T("check_mark")
    headings["check_note"] = T("check_note", mark=T("check_mark"))
    headings["note"] = T("draft_note", office=al.office)
    return Proposal(
        id=pid, idea=idea, title=title, office_id=al.office_id, office=al.office, doc_id=al.doc_id,
        plan_title=al.plan_title, kind=kind, fiscal_year=year,
        period_start=f"{start_m} {start_y}", period_end=f"{end_m} {end_y}",
        header=header, alignment=alignment, targets=targets, rationale=rationale, objectives=objectives,
        goals_quantity=quantity, goals_quality=quality, activities=activities,
        duration=T("duration_line", start=f"{start_m} {start_y}", end=f"{end_m} {end_y}", year=year),
        budget_source=T("budget_source"), budget_note=T("budget_note"), budget=budget,
        evaluation=evaluation, expected=expected, responsible=responsible,
        signatures=list(T.raw("sign_lines")), notes=notes, citations=cites, headings=headings,
        thai_digits=thai_digits,
        references=[T("reference", plan=al.plan_title, office=al.office, section=c.section) for c in cites],
    )


def _period(T: ProposalTemplates, m1: int, y1: int, m2: int, y2: int) -> str:
    a = TH_MONTHS_ABBR[m1 - 1]
    if (m1, y1) == (m2, y2):
        return T("period_one", m1=a, y1=y1)
    return T("period_range", m1=a, y1=y1, m2=TH_MONTHS_ABBR[m2 - 1], y2=y2)


def _year_ranges(years: list[int]) -> str:
    if not years:
        return "-"
    ys = sorted(set(years))
    if ys == list(range(ys[0], ys[-1] + 1)) and len(ys) > 2:
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(map(str, ys))


# ---------------------------------------------------------------- layout (both formats)


@dataclass
class Block:
    kind: Literal["para", "bullets", "numbered", "table", "subheading", "note"]
    text: str = ""
    items: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[Block]


def _r(ref: int | None) -> str:
    return f" [{ref}]" if ref else ""


def digits(p: Proposal, text: str) -> str:
    """``text`` in the draft's digits: Thai (๒๕๖๘) when :attr:`Proposal.thai_digits`,
    else Arabic — throughout, the plan's own quotes included."""
    return thai.to_thai_digits(text) if p.thai_digits else thai.to_arabic(text)


def layout(p: Proposal) -> list[Section]:
    """The document's sections in order, as headings and blocks both renderers draw
    (every text in the draft's digits)."""
    H = p.headings
    out: list[Section] = []
    n = 0

    def sec(key: str, blocks: list[Block]) -> None:
        nonlocal n
        n += 1
        for b in blocks:
            b.text = digits(p, b.text)
            b.items = [digits(p, x) for x in b.items]
            b.columns = [digits(p, x) for x in b.columns]
            b.rows = [[digits(p, x) for x in row] for row in b.rows]
        out.append(Section(key, digits(p, f"{n}. {H[key]}"), blocks))

    sec("title", [Block("para", p.title), Block("bullets", items=list(p.header))])

    rows = [[q.label, f"\"{q.text}\"", f"[{q.ref}]"] for q in p.alignment]
    rows += [[f"{H['indicator_label']} · {tl.indicator}",
              f"\"{tl.text}\" — {tl.display}" + (f" ({tl.prior_display})" if tl.prior_display else ""),
              f"[{tl.ref}]"] for tl in p.targets]
    blocks = [Block("para", H["plan_line"]),
              Block("table", columns=["ความสอดคล้อง", "ข้อความในแผน", "อ้างอิง"], rows=rows)]
    blocks += [Block("note", x) for x in p.notes]
    sec("alignment", blocks)
    sec("rationale", [Block("para", x) for x in p.rationale])
    sec("objectives", [Block("numbered", items=list(p.objectives))])
    sec("goals", [Block("subheading", H["goals_quantity"]), Block("bullets", items=list(p.goals_quantity)),
                  Block("subheading", H["goals_quality"]), Block("bullets", items=list(p.goals_quality))])
    sec("activities", [Block("table", columns=["ขั้นตอน (PDCA)", "กิจกรรม", "ระยะเวลา", "ผู้รับผิดชอบ"],
                             rows=[[a.phase_label, a.text, a.period, a.responsible] for a in p.activities])])
    sec("duration", [Block("para", p.duration)])
    sec("budget", [Block("para", p.budget_source), Block("note", p.budget_note),
                   Block("table", columns=["กิจกรรม", "ค่าตอบแทน", "ค่าใช้สอย", "ค่าวัสดุ", "รวม"],
                         rows=[[b.item, b.compensation, b.operating, b.materials, b.total] for b in p.budget])])
    sec("evaluation", [Block("table", columns=["ตัวชี้วัดความสำเร็จ", "วิธีการประเมิน", "เครื่องมือที่ใช้"],
                             rows=[[e.indicator + _r(e.ref), e.method, e.instrument] for e in p.evaluation])])
    sec("expected", [Block("numbered", items=list(p.expected))])
    sec("responsible", [Block("bullets", items=list(p.responsible)), Block("para", ""),
                        *[Block("para", s) for s in p.signatures]])
    return out


def source_lines(p: Proposal) -> list[str]:
    """The references: per citation number the plan's title, the office and the section
    (never an internal file name or raw table text)."""
    refs = p.references or [f"{p.plan_title} ของ {p.office}, {c.section}" for c in p.citations]
    return [digits(p, f"[{i}] {r}") for i, r in enumerate(refs, 1)]


def render_markdown(p: Proposal) -> str:
    """The draft as Markdown; the generator note stays out of the body (it is in the
    JSON and in the .docx document properties)."""
    H = p.headings
    lines = [f"# {digits(p, H['document'])}", ""]
    for s in layout(p):
        lines += [f"## {s.heading}", ""]
        for b in s.blocks:
            if b.kind == "para":
                if b.text:
                    lines += [b.text, ""]
            elif b.kind == "note":
                lines += [f"> {b.text}", ""]
            elif b.kind == "subheading":
                lines += [f"### {b.text}", ""]
            elif b.kind == "bullets":
                lines += [f"- {x}" for x in b.items] + [""]
            elif b.kind == "numbered":
                lines += [digits(p, f"{i}. ") + x for i, x in enumerate(b.items, 1)] + [""]
            elif b.kind == "table":
                lines.append("| " + " | ".join(b.columns) + " |")
                lines.append("|" + "|".join("---" for _ in b.columns) + "|")
                for row in b.rows:
                    lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
                lines.append("")
    lines += [f"## {H['sources']}", ""]
    lines += [f"{x}  " for x in source_lines(p)]
    return "\n".join(lines).rstrip() + "\n"


def _md_cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())



def propose(assistant, idea: str, office: str | None = None, year: int | None = None,
            today: _dt.date | None = None, thai_digits: bool = False) -> tuple[Alignment, Proposal]:
    """Align ``idea`` and draft the proposal; raises PlanQAError (Thai message) when the
    idea fits no strategy."""
    aligner = get_aligner(assistant)
    al = aligner.align(idea, office)
    return al, build_proposal(al, aligner, year, today, thai_digits)


# the alignment names stay importable from here (callers written before the split)
__all__ = ["Aligner", "Alignment", "StrategyFit", "ItemFit", "Proposal", "ProposalTemplates", "FILL_RE",
           "build_proposal", "render_markdown", "layout", "format_alignment", "alignment_payload",
           "summary_text", "propose", "get_aligner", "SECTION_ORDER"]
