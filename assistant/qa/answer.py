"""Compose answers: every figure from the store, every claim with a citation.

Numeric, list and lookup intents are answered from the structured store; open
questions and project alignment from search over the records. Phrasing comes from
``prompts/answers.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import yaml

from assistant.domain import thai
from assistant.domain.models import Answer, Citation, Indicator, Plan, Span, Strategy, Target, Value
from assistant.qa.records import Record, Records, cover
from assistant.qa.understand import Question

SearchFn = Callable[..., list[tuple[str, float]]]

LIST_LIMIT = 12
_MONTHS = ("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม|"
           r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.")
_THAI_DATE = re.compile(rf"(?:ประกาศ\s*)?(?:ณ\s*)?วันที่\s*[0-9๐-๙]{{1,2}}\s*(?:{_MONTHS})\s*(?:พ\.\s?ศ\.\s*)?[0-9๐-๙]{{4}}")
MIN_TOPIC_SCORE = 0.0


class Templates:
    def __init__(self, path: Path):
        self.t: dict[str, str] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def __call__(self, key: str, **kw) -> str:
        return self.t[key].format(**kw).strip()


def fmt_value(t: Target) -> str:
    """A value with its unit, as a Thai reader expects: ร้อยละ 80, 300 คะแนน, ดีเยี่ยม."""
    if t.numeric is None or not t.unit:
        return t.value
    if t.unit in ("ร้อยละ", "ระดับ"):
        return f"{t.unit} {t.value}"
    return f"{t.value} {t.unit}"


class Answerer:
    def __init__(self, records: Records, search: SearchFn, templates: Templates):
        self.r = records
        self.store = records.store
        self.search = search
        self.T = templates

    # ------------------------------------------------------------ helpers
    def office(self, plan: Plan) -> str:
        return self.r.office_name(plan, self.T("no_office_doc"))

    def plan_years(self, plan: Plan) -> set[int]:
        years = {t.year for i in plan.indicators() for t in i.targets if t.year}
        if plan.years:
            years |= set(range(plan.years[0], plan.years[1] + 1))
        return years

    def office_plans(self) -> list[Plan]:
        return [p for p in self.store.plans.values() if p.office_id]

    def choose_plans(self, q: Question, office_id: str | None) -> tuple[list[Plan], Answer | None]:
        """The plans a question is about, or an early answer (office outside the
        corpus, or a clarifying question)."""
        if q.unknown_doc:
            unknown = self.store.plans_in({None})
            named = self.store.plans_in({m.office.id for m in q.corpus_offices})
            return named + unknown, None
        ids = [m.office.id for m in q.corpus_offices] or ([office_id] if office_id else [])
        if not ids and q.outside_offices:
            names = ", ".join(m.office.short for m in q.outside_offices)
            available = ", ".join(sorted({self.office(p) for p in self.office_plans()}))
            return [], Answer(q.text, self.T("office_outside", office=names, available=available), "not_found")
        if ids:
            return self.store.plans_in(ids), None
        if q.intent in ("open", "align", "compare", "budget"):
            return list(self.store.plans.values()), None
        cands = self.office_plans()
        if q.indicator:  # only plans that have such an indicator are worth offering
            having = [p for p in cands if any(
                i.number == q.indicator or f"{s.number}.{i.number}" == q.indicator
                for s in p.strategies for i in s.indicators if not q.strategy or s.number == q.strategy)]
            cands = having or cands
        elif q.strategy:
            cands = [p for p in cands if p.strategy(q.strategy)] or cands
        if q.years:
            covering = [p for p in cands if set(q.years) & self.plan_years(p)]
            if covering:
                cands = covering
        if len({p.office_id for p in cands}) == 1:
            return cands, None
        choices = sorted({self.office(p) for p in cands})
        return [], Answer(q.text, self.T("clarify_office") + "\n" + "\n".join(f"- {c}" for c in choices),
                          "clarify", choices=choices)

    # ------------------------------------------------------------ entry
    def answer(self, q: Question, office_id: str | None = None) -> Answer:
        if q.intent == "budget":
            return Answer(q.text, self.T("budget"), "not_found")
        if q.intent == "whose":
            return Answer(q.text, self.T("whose_unknown"), "not_found")
        plans, early = self.choose_plans(q, office_id)
        if early:
            return early
        if q.intent == "date":
            return self.date(q, plans)
        handler = {
            "numeric": self.numeric,
            "list": self.list_indicators,
            "strategy": self.strategy,
            "guideline": self.guideline,
            "overview": self.overview,
            "compare": self.compare,
        }.get(q.intent, self.open)
        return handler(q, plans)

    def _merge(self, q: Question, parts: list[Answer]) -> Answer:
        if len(parts) == 1:
            return parts[0]
        status = "answered" if any(p.status == "answered" for p in parts) else parts[0].status
        text = "\n\n".join(p.answer for p in parts)
        return Answer(q.text, text, status, [v for p in parts for v in p.values],
                      [c for p in parts for c in p.citations])

    # ------------------------------------------------------------ numeric
    def find_indicators(self, q: Question, plan: Plan) -> list[tuple[Strategy, Indicator]]:
        pairs = [(s, i) for s in plan.strategies for i in s.indicators]
        if q.indicator:
            want = q.indicator
            hits = [(s, i) for s, i in pairs if i.number == want and (q.strategy is None or s.number == q.strategy)]
            if not hits and q.strategy and "." not in want:
                hits = [(s, i) for s, i in pairs if i.number == f"{q.strategy}.{want}"]
            if not hits and "." in want and q.strategy in (None, want.split(".")[0]):
                # "ตัวชี้วัด 3.17": strategy 3, indicator 17 where a plan numbers within strategies
                sn, _, inum = want.partition(".")
                hits = [(s, i) for s, i in pairs if s.number == sn and i.number == inum]
            return hits
        hits = self.search(q.topic or q.text, doc_id=plan.doc_id, kinds=["indicator"], strategy=q.strategy, k=3)
        out = []
        for rid, score in hits[:1]:
            rec = self.r.get(rid)
            if rec and rec.indicator and score > MIN_TOPIC_SCORE:
                out.append((rec.strategy, rec.indicator))
        return out

    def numeric(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._numeric_plan(q, p) for p in plans if p.office_id or len(plans) == 1])

    def _numeric_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        if q.years and plan.years and not set(q.years) & self.plan_years(plan):
            py = f"{plan.years[0]}–{plan.years[1]}" if plan.years[0] != plan.years[1] else str(plan.years[0])
            return Answer(q.text, self.T("year_outside", office=office, plan_years=py,
                                          year=", ".join(map(str, q.years))), "not_found")
        found = self.find_indicators(q, plan)
        if not found:
            if q.indicator:
                numbers = [i.number for s in plan.strategies for i in s.indicators
                           if q.strategy is None or s.number == q.strategy]
                sp = f" ของ{plan.strategies[0].kind}ที่ {q.strategy}" if q.strategy else ""
                text = self.T("indicator_missing", indicator=q.indicator, strategy_part=sp, office=office)
                if numbers:
                    text += "\n" + self.T("indicator_missing_hint", numbers=_ranges(numbers))
                return Answer(q.text, text, "not_found")
            return Answer(q.text, self.T("no_topic_match", office=office), "not_found")
        if len(found) > 1:
            choices = [f"{s.kind}ที่ {s.number} ตัวชี้วัดที่ {i.number}" for s, i in found]
            text = self.T("indicator_ambiguous", indicator=q.indicator, office=office) + "\n" + "\n".join(
                f"- {c}: {thai.one_line(i.text)[:80]}" for c, (s, i) in zip(choices, found, strict=True))
            return Answer(q.text, text, "clarify", choices=choices)
        s, ind = found[0]
        return self._indicator_values(q, plan, s, ind, office)

    def _indicator_values(self, q: Question, plan: Plan, s: Strategy, ind: Indicator, office: str) -> Answer:
        rec = self.r.get(ind.id)
        section = rec and self.r.citation(rec).section
        targets = list(ind.targets)
        subs = _mentioned_sub_items(q.norm, ind)
        if subs:
            targets = [t for t in targets if t.sub_item in subs]
        head = self.T("numeric_head", office=office, section=section, indicator_text=ind.text)
        if q.kind == "result" and not any(t.kind == "result" for t in targets):
            years = sorted({t.year for t in targets if t.year})
            text = self.T("no_results", office=office, section=section, years=_ranges([str(y) for y in years]))
            return Answer(q.text, text, "not_found", citations=[self.r.citation(rec)])

        def wanted(t: Target) -> bool:
            kinds = q.year_kinds.get(t.year) if t.year else None
            if kinds:
                return t.kind in kinds
            return q.kind is None or t.kind == q.kind

        targets = [t for t in targets if wanted(t)] or targets
        if not targets:
            return Answer(q.text, head + "\n" + self.T("numeric_none", office=office, section=section),
                          "not_found", citations=[self.r.citation(rec)])
        if q.years:
            in_year = [t for t in targets if t.year in q.years]
            if not in_year:
                avail = sorted({t.year for t in targets if t.year})
                text = self.T("numeric_year_missing", office=office, section=section,
                              year=", ".join(map(str, q.years)), years_available=", ".join(map(str, avail)))
                return Answer(q.text, text, "not_found", citations=[self.r.citation(rec)])
            targets = in_year
        lines = [head]
        values = []
        for t in targets:
            label = f"{t.sub_item} " if t.sub_item else ""
            kind_note = " " + self.T("kind_result") if t.kind == "result" else ""
            key = "value_line" if t.year else "value_line_noyear"
            lines.append(self.T(key, label=label, year=t.year, value=fmt_value(t), kind_note=kind_note))
            values.append(Value(plan.office_id or "", s.number, ind.number, t.year, t.value, t.unit, t.kind))
        cites = [self.r.citation(rec, cover(ind.span, *(t.span for t in targets)))]
        return Answer(q.text, "\n".join(lines), "answered", values, cites)

    # ------------------------------------------------------------ list
    def list_indicators(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._list_plan(q, p) for p in plans])

    def _list_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        rows = []
        for s in plan.strategies:
            if q.strategy and s.number != q.strategy:
                continue
            for ind in s.indicators:
                if q.group and q.group not in ind.groups:
                    continue
                if q.level and q.level not in ind.levels:
                    continue
                if q.years and not q.no_target and not any(t.year in q.years for t in ind.targets):
                    continue
                if q.below_target and not _below_target(ind, q.years):
                    continue
                if q.unit_not and (ind.unit or "") == q.unit_not:
                    continue
                if q.no_target and any(t.kind == "target" and (not q.years or t.year in q.years)
                                       for t in ind.targets):
                    continue
                if q.every_year:
                    tg = [t for t in ind.targets if t.kind == "target"]
                    if not tg or any(t.numeric is None or t.numeric != float(q.every_year) for t in tg) or len(tg) < 2:
                        continue
                rows.append((s, ind))
        rows = self._literal_filter(q, rows)
        filters = "".join([
            f" {plan.strategies[0].kind}ที่ {q.strategy}" if q.strategy and plan.strategies else "",
            f" ที่เกี่ยวกับ{q.group}" if q.group else "",
            f" ระดับ{q.level}" if q.level else "",
            f" ที่มีค่าเป้าหมาย {q.every_year} ทุกปี" if q.every_year else "",
            " ที่ผลการดำเนินงานต่ำกว่าเป้าหมาย" if q.below_target else "",
            f" ที่หน่วยนับไม่ใช่{q.unit_not}" if q.unit_not else "",
            " ที่ไม่มีค่าเป้าหมาย" if q.no_target else "",
            f" ที่กล่าวถึง \"{' '.join(self._used_terms)}\"" if self._used_terms else "",
            f" ปี {', '.join(map(str, q.years))}" if q.years else "",
        ])
        if not rows:
            return Answer(q.text, self.T("list_empty", office=office, filters=filters), "not_found")
        lines = [self.T("list_head", office=office, filters=filters, count=len(rows))]
        cites = []
        for n, (_s, ind) in enumerate(rows[:LIST_LIMIT], 1):
            rec = self.r.get(ind.id)
            c = self.r.citation(rec)
            lines.append(self.T("list_item", n=n, section=c.section, text=_short(ind.text)))
            if q.below_target:
                pairs = _below_target(ind, q.years)
                lines.append("   " + "; ".join(
                    f"{(t.sub_item + ' ') if t.sub_item else ''}ปี {t.year}: เป้า {t.value} ผล {r.value}" for t, r in pairs))
                c = self.r.citation(rec, cover(ind.span, *(x.span for pair in pairs for x in pair)))
            cites.append(c)
        if len(rows) > LIST_LIMIT:
            lines.append(self.T("list_more", more=len(rows) - LIST_LIMIT))
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    _used_terms: list[str] = []

    def _literal_filter(self, q: Question, rows: list) -> list:
        """Keep indicators that contain the question's rarest content word, when that
        word is specific (found in some but not most indicators)."""
        self._used_terms = []
        if not rows or not q.terms or q.below_target or q.every_year or q.unit_not or q.no_target:
            return rows
        norm = {id(ind): thai.normalize(" ".join([ind.text, *ind.sub_items])) for _, ind in rows}
        df = {t: sum(t in n for n in norm.values()) for t in q.terms}
        specific = [t for t in q.terms if 0 < df[t] <= max(1, len(rows) // 2)]
        if not specific:
            return rows
        best = min(specific, key=lambda t: df[t])
        self._used_terms = [best]
        return [(s, ind) for s, ind in rows if best in norm[id(ind)]]

    # ------------------------------------------------------------ strategy / guideline / overview
    def strategy(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._strategy_plan(q, p) for p in plans])

    def _strategy_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        if not plan.strategies:
            return Answer(q.text, self.T("open_none"), "not_found")
        kind = plan.strategies[0].kind
        if q.strategy:
            s = plan.strategy(q.strategy)
            if not s:
                return Answer(q.text, self.T("strategy_missing", kind=kind, number=q.strategy, office=office,
                                             numbers=_ranges([x.number for x in plan.strategies])), "not_found")
            lines = [self.T("strategy_one", office=office, kind=s.kind, number=s.number, title=s.title)]
            cites = [self.r.citation(self.r.get(s.id))]
            if s.goals:
                lines.append(self.T("strategy_goals", goals="; ".join(_short(g.text, 90) for g in s.goals[:4])))
                cites += [self.r.citation(self.r.get(g.id)) for g in s.goals[:4]]
            if s.indicators or s.guidelines:
                lines.append(self.T("strategy_counts", indicators=len(s.indicators), guidelines=len(s.guidelines)))
            return Answer(q.text, "\n".join(lines), "answered", citations=cites)
        lines = [self.T("strategy_list_head", office=office, kind=kind, count=len(plan.strategies))]
        cites = []
        for s in plan.strategies:
            lines.append(self.T("strategy_list_item", number=s.number, title=s.title))
            cites.append(self.r.citation(self.r.get(s.id)))
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def guideline(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._guideline_plan(q, p) for p in plans])

    def _guideline_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        strategies = [s for s in plan.strategies if s.guidelines and (not q.strategy or s.number == q.strategy)]
        if q.guideline:
            gl = [(s, g) for s in strategies for g in s.guidelines if g.number == q.guideline]
            if gl:
                lines, cites = [], []
                for _s, g in gl:
                    rec = self.r.get(g.id)
                    c = self.r.citation(rec)
                    resp = self.T("guideline_responsible", unit=g.responsible) if g.responsible else ""
                    lines.append(f"{office} · {c.section}: {g.text}{resp}")
                    cites.append(c)
                return Answer(q.text, "\n".join(lines), "answered", citations=cites)
        if not strategies:
            return Answer(q.text, self.T("open_none"), "not_found")
        if not q.strategy and len(strategies) > 1:
            # no strategy named: the guidelines closest to the question's topic
            hits = self.search(q.topic or q.text, doc_id=plan.doc_id, kinds=["guideline"], k=5)
            recs = [self.r.get(rid) for rid, _ in hits]
            recs = [r for r in recs if r]
            if recs:
                lines = [self.T("open_head")]
                cites = []
                for rec in recs:
                    c = self.r.citation(rec)
                    g = rec.item
                    resp = self.T("guideline_responsible", unit=g.responsible) if getattr(g, "responsible", None) else ""
                    lines.append(self.T("open_item", office=office, section=c.section, text=_short(rec.text, 300)) + resp)
                    cites.append(c)
                return Answer(q.text, "\n".join(lines), "answered", citations=cites)
        s = strategies[0]
        lines = [self.T("guideline_head", office=office, kind=s.kind, strategy=s.number, count=len(s.guidelines))]
        cites = []
        for g in s.guidelines[:LIST_LIMIT]:
            resp = self.T("guideline_responsible", unit=g.responsible) if g.responsible else ""
            lines.append(self.T("guideline_item", number=g.number, text=_short(g.text), responsible=resp))
            cites.append(self.r.citation(self.r.get(g.id)))
        if len(s.guidelines) > LIST_LIMIT:
            lines.append(self.T("list_more", more=len(s.guidelines) - LIST_LIMIT).replace("ตัว", "ข้อ"))
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def overview(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._overview_plan(q, p) for p in plans])

    def _overview_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        if q.part == "vision":
            if not plan.vision:
                return Answer(q.text, self.T("open_none"), "not_found")
            return Answer(q.text, self.T("overview_vision", office=office, text=plan.vision.text), "answered",
                          citations=[self.r.citation(self.r.get(plan.vision.id))])
        items = plan.missions if q.part == "mission" else plan.goals
        label = "พันธกิจ" if q.part == "mission" else "เป้าประสงค์"
        if not items:
            return Answer(q.text, self.T("open_none"), "not_found")
        lines = [self.T("overview_list", label=label, office=office)]
        lines += [self.T("overview_item", number=i.number, text=_short(i.text, 160)) for i in items]
        cites = [self.r.citation(self.r.get(i.id)) for i in items]
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    # ------------------------------------------------------------ compare / align / open
    def compare(self, q: Question, plans: list[Plan]) -> Answer:
        plans = [p for p in plans if p.office_id]
        parts = [Answer(q.text, self.T("compare_head"), "answered")]
        for plan in plans:
            office = self.office(plan)
            topical = bool(q.terms) and not re.search(r"กลยุทธ์|นโยบาย|วิสัยทัศน์|กี่ข้อ|กี่ตัว", q.norm)
            if q.indicator or topical or re.search(r"เป้า|ค่า|ผล|target|o-net|ร้อยละ", q.norm, re.I):
                sub = self._numeric_plan(q, plan)
            elif re.search(r"ตัวชี้วัด|kpi", q.norm, re.I):
                sub = self._list_plan(q, plan)
            elif re.search(r"วิสัยทัศน์|vision", q.norm, re.I):
                sub = self._overview_plan(_with(q, part="vision"), plan)
            else:
                sub = self._strategy_plan(q, plan)
            sub.answer = self.T("compare_office", office=office) + "\n" + sub.answer
            parts.append(sub)
        return self._merge(q, parts)

    def date(self, q: Question, plans: list[Plan]) -> Answer:
        """When a plan was announced or signed: only a date printed in the document."""
        lines, cites = [], []
        for plan in plans:
            text = self.store.texts[plan.doc_id]
            for m in _THAI_DATE.finditer(text):
                rec = self._passage_at(plan, m.start())
                if rec is None:
                    continue
                lines.append(self.T("date_found", office=self.office(plan), date=thai.one_line(m.group(0))))
                cites.append(self.r.citation(rec, Span(plan.doc_id, m.start(), m.end())))
        if not lines:
            offices = ", ".join(sorted({self.office(p) for p in plans}))
            return Answer(q.text, self.T("date_missing", office=offices), "not_found")
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def _passage_at(self, plan: Plan, pos: int) -> Record | None:
        for rec in self.r.of_plan(plan):
            if rec.plan is plan and rec.span.start <= pos < rec.span.end:
                return rec
        return None

    def open(self, q: Question, plans: list[Plan]) -> Answer:
        doc_ids = {p.doc_id for p in plans}
        office_ids = {p.office_id for p in plans}
        single = next(iter(office_ids)) if len(office_ids) == 1 else None
        hits = self.search(q.topic or q.text, office_id=single, k=8)
        recs = []
        for rid, _ in hits:
            rec = self.r.get(rid)
            if rec and rec.plan.doc_id in doc_ids and all(rec.id != x.id for x in recs):
                recs.append(rec)
        if not recs:
            return Answer(q.text, self.T("open_none"), "not_found")
        lines = [self.T("open_head")]
        cites = []
        for rec in recs[:3]:
            span = self._passage_run(rec) if rec.kind == "passage" else rec.span
            c = self.r.citation(rec, span)
            text = thai.one_line(c.quote) if rec.kind == "passage" else rec.text
            size = 1200 if rec.kind == "passage" else 200
            lines.append(self.T("open_item", office=self.office(rec.plan), section=c.section, text=_short(text, size)))
            cites.append(c)
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def _passage_run(self, rec: Record, limit: int = 1400) -> Span:
        """A passage and the passages that directly follow it (a narrative cut into
        windows), up to ``limit`` characters: the evidence reads as one piece."""
        text = self.store.texts[rec.plan.doc_id]
        following = sorted((r.span for r in self.r.of_plan(rec.plan)
                            if r.kind == "passage" and r.plan is rec.plan and r.span.start > rec.span.start),
                           key=lambda sp: sp.start)
        end = rec.span.end
        for sp in following:
            gap = text[end : sp.start]
            if gap.strip(" \t\r\n\u00a0") or sp.end - rec.span.start > limit:
                break
            end = sp.end
        return Span(rec.plan.doc_id, rec.span.start, end)


# ---------------------------------------------------------------- small helpers


def _with(q: Question, **changes) -> Question:
    from dataclasses import replace

    return replace(q, **changes)


def _below_target(ind: Indicator, years: list[int]) -> list[tuple[Target, Target]]:
    """(target, result) pairs of the same year and sub-item where the result is lower."""
    out = []
    for t in ind.targets:
        if t.kind != "target" or t.numeric is None or (years and t.year not in years):
            continue
        for r in ind.targets:
            if (r.kind == "result" and r.year == t.year and r.sub_item == t.sub_item
                    and r.numeric is not None and r.numeric < t.numeric):
                out.append((t, r))
    return out


def _short(text: str, n: int = 120) -> str:
    return thai.clip(text, n)


def _ranges(numbers: list[str]) -> str:
    """"1, 2, 3, 5" → "1–3, 5" for plain integers; dotted numbers listed as they are."""
    if not numbers or not all(n.isdigit() for n in numbers):
        return ", ".join(numbers[:20]) + ("…" if len(numbers) > 20 else "")
    nums = sorted({int(n) for n in numbers})
    out, start, prev = [], nums[0], nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}–{prev}" if prev != start else str(start))
        if n is not None:
            start = prev = n
    return ", ".join(out)


def _mentioned_sub_items(norm: str, ind: Indicator) -> set[str]:
    """Sub-items a question names (e.g. "ม.6", "ป.1"): matched without spaces/dots."""
    q = thai.squash(norm)
    out = set()
    for label in ind.sub_items:
        key = thai.squash(label)
        if key and key in q:
            # "ป1" must not match inside "ป12"; the next char must not be a digit
            i = q.find(key)
            nxt = q[i + len(key) : i + len(key) + 1]
            if not nxt.isdigit():
                out.add(label)
    return out


def idea_of(q: Question) -> str:
    """The project idea in an alignment question, office names and "which strategy"
    wording removed."""
    return _idea(q)


def _idea(q: Question) -> str:
    s = re.sub(r"(?:โครงการ|กิจกรรม)?\s*(?:นี้)?\s*(?:ควร)?(?:สอดคล้อง|เข้า|ตรง|ตอบ|อยู่|จัดอยู่|ลง|ไปอยู่)(?:กับ)?\s*"
               r"(?:กลยุทธ์|นโยบาย|ตัวชี้วัด|ยุทธศาสตร์)?\s*(?:ไหน|ใด|อะไร|ข้อไหน|ตัวไหน)?.*$", "", q.norm)
    for m in q.offices:
        s = s.replace(m.text, " ")
    s = re.sub(r"^(?:อยากทำ|จะทำ|ทำ)\s*", "", s.strip())
    return " ".join(s.split()) or q.norm


__all__ = ["Answerer", "Templates", "Citation"]
