"""Compose answers: every figure from the store, every claim with a citation.

Numeric, list and lookup intents are answered from the structured store; open
questions and project alignment from search over the records. Phrasing comes from
``prompts/answers.yaml``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from assistant.domain import lexicon, thai
from assistant.domain.models import Answer, Citation, Indicator, Plan, Span, Strategy, Target, Value
from assistant.domain.offices import office_list
from assistant.qa import topics
from assistant.qa.lookup import GROUP_ALIASES as GROUP_WORDS
from assistant.qa.records import Record, Records, cover
from assistant.qa.understand import Question, grade_forms

SearchFn = Callable[..., list[tuple[str, float]]]
ScoreFn = Callable[..., "dict[str, tuple[float, float]] | None"]

_MONTHS = ("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม|"
           r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.")
_THAI_DATE = re.compile(rf"(?:ประกาศ\s*)?(?:ณ\s*)?วันที่\s*[0-9๐-๙]{{1,2}}\s*(?:{_MONTHS})\s*(?:พ\.\s?ศ\.\s*)?[0-9๐-๙]{{4}}")
# Topic links (an indicator named by its wording, not its number). The share of the
# question's content words the indicator's own text holds: below MIN_TOPIC_COVERAGE the
# link is not trusted (not_found with the nearest rows); a runner-up whose coverage is
# higher by TOPIC_COVERAGE_MARGIN replaces the search's first hit. Calibrated on the
# development set (eval/gold.yaml): every topic question there links at >= 0.5.
MIN_TOPIC_COVERAGE = 0.25
TOPIC_COVERAGE_MARGIN = 0.3
# A guideline named by its wording (which strategy / who is responsible): it must hold at
# least this share of the question's content words, and more than any indicator does.
MIN_GUIDELINE_COVERAGE = 0.5
# Another indicator whose (weighted) coverage is within this of the best one's, when the
# best does not hold every word: the question fits both, so it is asked back.
TOPIC_TIE_MARGIN = 0.05
# a strategy's own prose is shown up to this many characters when it has no rows
STRATEGY_PROSE_CHARS = 1400
# a list row's text is shown up to this many characters (most indicators are shorter)
LIST_ITEM_CHARS = 220
# a row linked by topic is named beyond doubt (its targets shown with another column) when its text
# holds this share of the question's content words
SURE_ROW_COVERAGE = 0.8


class Templates:
    def __init__(self, path: Path):
        self.t: dict[str, str] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def __call__(self, key: str, **kw) -> str:
        return self.t[key].format(**kw).strip()


def fmt_value(t: Target) -> str:
    """A value with its unit, as a Thai reader expects: ร้อยละ 80, 300 คะแนน, ดีเยี่ยม;
    with the qualifier the plan prints before it (ไม่น้อยกว่าร้อยละ 85, ไม่เกิน 10 คน)."""
    shown = _fmt_bare(t)
    q = getattr(t, "qualifier", None)
    if q and not shown.startswith(q):
        shown = f"{q}{'' if re.match(r'[ก-๙]', shown) else ' '}{shown}"
    return shown


def _fmt_bare(t: Target) -> str:
    if t.numeric is None or not t.unit:
        return t.value
    if t.unit in ("ร้อยละ", "ระดับ"):
        return f"{t.unit} {t.value}"
    return f"{t.value} {t.unit}"


class Answerer:
    def __init__(self, records: Records, search: SearchFn, templates: Templates,
                 lex: lexicon.Lexicon | None = None, scores: ScoreFn | None = None):
        self.r = records
        self.scores = scores  # raw dense/lexical scores of records (None: words only)
        self.store = records.store
        self.search = search
        self.T = templates
        self.lex = lex or lexicon.load()
        self._squashed: dict[str, str] = {}  # doc id -> its text squashed (quote lookups)
        self._indicator_texts: dict[str, list[tuple[str, str]]] = {}  # doc id -> (folded, raw) texts
        self._latin_texts: dict[str, list[str]] = {}  # doc id -> its indicators normalised, lower case

    # ------------------------------------------------------------ helpers
    def offices_quoting(self, quotes: list[str]) -> list[str | None]:
        """The office ids (``None``: a document with no office) of the plans whose text
        prints one of ``quotes`` (spaces and dots ignored)."""
        return [plan.office_id for plan in self.plans_quoting(quotes)]

    def plans_quoting(self, quotes: list[str]) -> list[Plan]:
        """The plans whose text prints one of ``quotes`` (spaces and dots ignored)."""
        cache = self._squashed
        keys = self._quote_keys(quotes)
        out = []
        for plan in self.store.plans.values():
            text = cache.get(plan.doc_id)
            if text is None:
                text = cache[plan.doc_id] = thai.squash(thai.to_arabic(self.store.texts[plan.doc_id]))
            if any(k in text for k in keys):
                out.append(plan)
        return out

    @staticmethod
    def _quote_keys(quotes: list[str]) -> list[str]:
        return [k for k in (thai.squash(thai.to_arabic(x)) for x in quotes) if len(k) >= 8]

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
            text = self.T("office_outside", office=names, available=available)
            unlisted = [m.office for m in q.outside_offices if office_list().listed(m.office) is False]
            if unlisted:  # "สพป.เชียงราย เขต 7": no such office in the country's list
                o = unlisted[0]
                n = office_list().primary.get(o.province) if o.kind == "สพป." else None
                key = "office_unlisted_areas" if n else "office_unlisted"
                text = self.T(key, office=o.short, province=o.province, areas=n or "", available=available)
            return [], Answer(q.text, text, "not_found")
        if ids:
            return self.store.plans_in(ids), None
        if q.own_office and q.intent not in ("compare",):
            # "ของเรา" with no office known: which office is "ours" (plans differ)
            choices = sorted({self.office(p) for p in self.office_plans()})
            return [], Answer(q.text, self.T("clarify_office") + "\n" + "\n".join(f"- {c}" for c in choices),
                              "clarify", choices=choices)
        if q.intent in ("open", "align", "compare", "budget", "absent", "plan_years"):
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
        if q.intent == "smalltalk":
            return Answer(q.text, self.T("smalltalk"), "answered")
        if q.intent == "more":
            return Answer(q.text, self.T("more_nothing"), "not_found")
        letters = any(w in q.norm for w in self.lex.query.get("letters_asked") or ())  # "S M A R T ย่อมาจากอะไร"
        if (q.intent in ("open", "strategy") or letters) and not q.indicator \
                and (_anchors(q.text, self.lex) or letters and re.search(r"[A-Z]{3,}", q.text)) \
                and (letters or not any(w in q.norm for w in self.lex.query.get("definition_asked") or ())):
            # ("4A PLUS คืออะไร" asks a definition: the passages that explain it, below)
            plans, early = self.choose_plans(q, office_id)
            if not early and (anchored := self.anchored(q, plans)):
                return anchored
        if q.intent == "open" and not q.terms and not q.part and q.confidence < 0.7 and q.years \
                and q.corpus_offices:
            # an office and a year its plan does not cover: say so rather than ask
            plans = self.store.plans_in([m.office.id for m in q.corpus_offices])
            outside = [p for p in plans if p.years and not set(q.years) & self.plan_years(p)]
            if plans and len(outside) == len(plans):
                return self._merge(q, [self._numeric_plan(q, p) for p in outside])
        if q.intent == "open" and not q.terms and not q.part and q.confidence < 0.7:
            # nothing to search for ("แล้วปี 69 ล่ะ" with no conversation): say so and ask
            choices = sorted({self.office(p) for p in self.office_plans()})
            understood = ", ".join(filter(None, [
                ", ".join(m.office.short for m in q.offices),
                ("ปี " + ", ".join(map(str, q.years))) if q.years else ""])) or "-"
            return Answer(q.text, self.T("unclear", understood=understood) + "\n" +
                          "\n".join(f"- {c}" for c in choices), "clarify", choices=choices)
        if q.intent == "budget":
            return Answer(q.text, self.T("budget"), "not_found")
        if q.intent == "whose":
            return self._whose(q)
        plans, early = self.choose_plans(q, office_id)
        if early:
            return early
        if q.intent == "pick":
            return self._pick(q, plans)
        if q.intent == "numeric" and not (q.indicator or q.terms or q.strategy or q.guideline or q.grades
                                          or q.also_indicators) \
                and (not q.years or any(set(q.years) & self.plan_years(p) for p in plans)):
            # "เป้าปี 68 เท่าไหร่" with no row named and none in the conversation: ask which
            understood = ", ".join(filter(None, [", ".join(sorted({self.office(p) for p in plans})),
                                                 ("ปี " + ", ".join(map(str, q.years))) if q.years else ""])) or "-"
            return Answer(q.text, self.T("which_indicator", understood=understood), "clarify")
        if q.intent == "date":
            return self.date(q, plans)
        if q.intent == "absent":
            counted = self._counted_rows(q, plans)
            return counted if counted is not None else self.absent(q, plans)
        if q.intent == "plan_years":
            return self._merge(q, [self.plan_years_answer(q, p) for p in plans])
        handler = {
            "field": self.field,
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
                      [c for p in parts for c in p.citations], has_more=any(p.has_more for p in parts))

    def _page(self, q: Question, items: list) -> tuple[list, int, bool]:
        """The slice of a complete list shown now, its first number, and whether more follow."""
        if not q.page_size:
            return items, 0, False
        start = q.page * q.page_size
        return items[start : start + q.page_size], start, start + q.page_size < len(items)

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
            if not hits and q.strategy and "strategy" in q.inherited:
                # the strategy came from the conversation; a plan that numbers its indicators
                # through all strategies has this number once, elsewhere
                anywhere = [(s, i) for s, i in pairs if i.number == want]
                hits = anywhere if len(anywhere) == 1 else []
            return hits
        pairs = self._of_names(q, pairs)
        required = None
        if q.group:  # "ITA ของโรงเรียน": only the indicators about that group, when the plan marks groups
            of_group = [(s, i) for s, i in pairs if q.group in i.groups]
            if not of_group and any(i.groups for _s, i in pairs):
                # no row of the group named ("ครูได้รับการพัฒนา" in a plan with no teacher row): the
                # group's word is then a key word the linked row's own text must hold
                required = next((w for w, g in sorted(GROUP_WORDS.items(), key=lambda kv: -len(kv[0]))
                                 if g == q.group and re.fullmatch(r"[ก-๙]{3,}", w) and w in q.norm), None)
            pairs = of_group or pairs
        pairs = self._of_grades(q, pairs)
        pairs = self._of_facets(q, pairs)
        if not pairs:
            return []  # "O-NET ภาษาอังกฤษ" where the plan's O-NET rows are of other subjects
        if q.terms and self._unprinted_names(q.terms, plan):
            return []  # "coding", "PM 2.5": a named thing no indicator of this plan prints
        ranked = self.topic_candidates(q, plan, pairs) if q.terms else None
        if ranked is not None:
            verdict, chosen = topics.decide(ranked, min_words=self._min_words(q, ranked))
            if q.plural and verdict != "none" and q.intent == "numeric":
                # "ตั้งเป้าไว้ยังไงบ้าง": every row the topic links to, not only the best
                chosen = [c for c in ranked if c.score >= max(topics.MIN_SCORE, ranked[0].score - topics.PLURAL_BAND)]
                chosen = chosen[:topics.MAX_PLURAL]
                return [(c.strategy, c.indicator) for c in chosen]
            found = [(c.strategy, c.indicator) for c in chosen]
            if required:
                found = [(s, i) for s, i in found if fold(required) in fold(" ".join([i.text, *i.sub_items]))]
            if verdict == "ask" and q.intent in ("numeric", "field", "compare"):
                # "ต้องได้กี่คะแนน": the unit the question names picks one of them
                by_unit = [(s, i) for s, i in found if _unit_of(i) and _unit_of(i) in q.norm]
                return by_unit if len(by_unit) == 1 else topics.quoted_pick(q.norm, found)
            return found[:1]
        hits = self.search(q.topic or q.text, doc_id=plan.doc_id, kinds=["indicator"], strategy=q.strategy, k=3)
        cands = []
        allowed = {id(i) for _s, i in pairs}
        for rid, _score in hits:
            rec = self.r.get(rid)
            if rec and rec.indicator and id(rec.indicator) in allowed and all(rec.indicator is not i for _s, i in cands):
                cands.append((rec.strategy, rec.indicator))
        if not q.terms:
            return cands[:1]
        weights = self._term_weights(q.terms, plan)
        # the plan's indicators that hold the words best, also when the search missed them
        literal = sorted(((topic_coverage(q.terms, i, weights=weights), n, s, i) for n, (s, i) in enumerate(pairs)
                          if q.strategy is None or s.number == q.strategy), key=lambda x: (-x[0], x[1]))
        for c, _n, s, i in literal[:3]:
            if c >= MIN_TOPIC_COVERAGE and all(i is not x for _s, x in cands):
                cands.append((s, i))
        if required:  # (the group's word, as above)
            cands = [(s, i) for s, i in cands if fold(required) in fold(" ".join([i.text, *i.sub_items]))]
        if not cands:
            return []
        cov = [topic_coverage(q.terms, i, weights=weights) for _s, i in cands]
        best = 0
        for n in range(1, len(cands)):
            if cov[n] >= cov[best] + TOPIC_COVERAGE_MARGIN:
                best = n
        if cov[best] < MIN_TOPIC_COVERAGE and (len(q.terms) >= 2 or q.intent in ("numeric", "field")):
            return []  # a figure only for an indicator whose own text holds the topic (one word too)
        close = [cands[n] for n in range(len(cands)) if n != best and cov[best] < 1.0
                 and cov[n] >= cov[best] - TOPIC_TIE_MARGIN]
        if cov[best] >= 1.0 and not q.pinned and len(q.terms) == 1 and len(q.terms[0]) >= 3:
            # "เป้า O-NET ปี 69": one word asked, printed by several rows; nothing says which: ask
            close = [cands[n] for n in range(len(cands)) if n != best and cov[n] >= 1.0]
        if close and q.intent in ("numeric", "field", "compare"):
            tied = [cands[best], *close]
            # "ต้องได้กี่คะแนน": the unit the question names picks one of them
            by_unit = [(s, i) for s, i in tied if _unit_of(i) and _unit_of(i) in q.norm]
            if len(by_unit) == 1:
                return by_unit
            return topics.quoted_pick(q.norm, tied)  # two indicators fit the words as well: ask which
        return [cands[best]]

    def topic_candidates(self, q: Question, plan: Plan, pairs=None) -> list[topics.Candidate] | None:
        """Every candidate indicator of ``plan`` for the question's topic, scored on the
        hybrid index (:mod:`assistant.qa.topics`); ``None`` without that index."""
        if self.scores is None:
            return None
        if pairs is None:
            pairs = [(s, i) for s in plan.strategies for i in s.indicators
                     if q.strategy is None or s.number == q.strategy]
            pairs = self._of_names(q, pairs)
            of_group = [(s, i) for s, i in pairs if q.group and q.group in i.groups]
            pairs = self._of_grades(q, of_group or pairs)
        elif q.strategy:
            pairs = [(s, i) for s, i in pairs if s.number == q.strategy]
        raw = self.scores(q.topic or q.text, doc_id=plan.doc_id, kinds=["indicator"])
        if raw is None:
            return None
        weights = self._term_weights(q.terms, plan)
        cands = [topics.Candidate(s, i, *raw.get(i.id, (0.0, 0.0)), topic_coverage(q.terms, i, weights=weights))
                 for s, i in pairs]
        return topics.score(cands)

    def _unit_in_text(self, ind: Indicator) -> str | None:
        """The unit an indicator's own wording begins with (lexicon ``query.units_in_text``)."""
        head = fold(ind.text)[:12]
        return next((u for u in self.lex.query.get("units_in_text") or () if head.startswith(fold(u))), None)

    def _of_names(self, q: Question, pairs: list) -> list:
        """The rows that print every Latin name of the question ("PA", "ITA", "O-NET"; or a
        lexicon synonym), when some do: a name is a stronger key than any other word, so a row
        without it is never linked by the rest of the words or the subject group."""
        latin = [t for t in q.terms if re.fullmatch(r"[a-z][a-z0-9\-.]*", t.lower()) and len(t) >= 2]
        if not latin:
            return pairs
        syn = self.lex.query.get("synonyms") or {}

        def prints(ind: Indicator, t: str) -> bool:
            text = thai.normalize(" ".join([ind.text, *ind.sub_items]))
            return any(_holds(text, f) for f in (t, *syn.get(t.lower(), ())))

        named = [(s, i) for s, i in pairs if all(prints(i, t) for t in latin)]
        return named or pairs

    def _min_words(self, q: Question, ranked: list) -> float:
        """The key-word gate of a topic link: the grade the question names is a key word too
        ("แล้ว ป.1 ล่ะ" after a ป.3 reading row: ป.1's reading row holds only "อ่าน" of the words,
        and the grade), so a best row printing that grade needs only some of the words."""
        if q.grades and ranked and ranked[0].words > 0 and self._prints_grade(q, ranked[0].indicator):
            return 1e-9
        return topics.MIN_WORDS

    def _prints_grade(self, q: Question, ind: Indicator) -> bool:
        forms = [fold(f) for g in q.grades for f in grade_forms(g, self.lex.query)]
        return any(f in fold(" ".join([ind.text, *ind.sub_items])) for f in forms)

    def _of_grades(self, q: Question, pairs: list) -> list:
        """The rows that print one of the grades the question names ("ป.3" → "ประถมศึกษาปีที่ ๓"),
        when some do; all rows otherwise."""
        if not q.grades:
            return pairs
        forms = [fold(f) for g in q.grades for f in grade_forms(g, self.lex.query)]
        of_grade = [(s, i) for s, i in pairs if any(f in fold(" ".join([i.text, *i.sub_items])) for f in forms)]
        if of_grade:
            return of_grade
        # no row of that grade: a row of another grade is not the one asked ("O-NET ม.3" is no ป.6 row)
        every = [fold(f) for a in (self.lex.query.get("grades") or {}) for n in range(1, 7)
                 for f in grade_forms(f"{a}.{n}", self.lex.query)]
        return [(s, i) for s, i in pairs
                if not any(re.search(rf"{re.escape(f)}(?!\d)", fold(" ".join([i.text, *i.sub_items]))) for f in every)]

    def _of_facets(self, q: Question, pairs: list) -> list:
        """Rows that do not name another value of a facet the question names (lexicon
        ``query.facets``: "O-NET ภาษาไทย" is no row of คณิตศาสตร์ or of the overall mean)."""
        text = fold(q.norm)
        for values in (self.lex.query.get("facets") or {}).values():
            asked = {v for v, forms in values.items() if any(fold(f) in text for f in forms)}
            if not asked:
                continue

            def names(i, v, values=values) -> bool:
                return any(fold(f) in fold(" ".join([i.text, *i.sub_items])) for f in values[v])

            pairs = [(s, i) for s, i in pairs
                     if any(names(i, v) for v in asked) or not any(names(i, v) for v in values)]
        return pairs

    def _unprinted_names(self, terms: list[str], plan: Plan) -> list[str]:
        """Latin-script words of the question (names: ITA, O-NET, PISA, coding) that no
        indicator of ``plan`` prints, under any of their lexicon synonyms."""
        latin = [t for t in terms if re.fullmatch(r"[a-z][a-z0-9\-.]*", t.lower())]
        if not latin:
            return []
        texts = self._latin_texts.get(plan.doc_id)
        if texts is None:
            texts = self._latin_texts[plan.doc_id] = [
                thai.normalize(" ".join([i.text, *i.sub_items])).lower() for s in plan.strategies for i in s.indicators]
        syn = self.lex.query.get("synonyms") or {}
        return [t for t in latin if not any(_holds(x, f) for x in texts
                                            for f in (thai.normalize(y).lower() for y in (t, *syn.get(t.lower(), ()))))]

    def _term_weights(self, terms: list[str], plan: Plan) -> dict[str, float]:
        """Rarer words weigh more: log(1 + N / df) over the plan's indicators ("ด้อยโอกาส"
        says more than "เด็ก")."""
        texts = self._indicator_texts.get(plan.doc_id)
        if texts is None:
            texts = self._indicator_texts[plan.doc_id] = [
                (fold(raw), raw) for s in plan.strategies for i in s.indicators
                for raw in [" ".join([i.text, *i.sub_items])]]
        syn = self.lex.query.get("synonyms") or {}
        n = max(1, len(texts))
        out = {}
        for t in terms:
            forms = (t, *syn.get(t.lower(), ()))
            df = sum(1 for folded, raw in texts if any(_form_in(f, folded, raw) for f in forms))
            out[t] = math.log(1 + n / max(1, df))
        return out

    def numeric(self, q: Question, plans: list[Plan]) -> Answer:
        if q.also_indicators and q.indicator:  # two indicators in one question: one part each
            qs = [_with(q, indicator=i, also_indicators=[]) for i in [q.indicator, *q.also_indicators]]
            return self._merge(q, [self._numeric_plan(x, p) for x in qs for p in plans if p.office_id or len(plans) == 1])
        return self._merge(q, [self._numeric_plan(q, p) for p in plans if p.office_id or len(plans) == 1])

    def _numeric_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        if q.year_ref and not q.years:  # "ปีสุดท้ายของแผน": this plan's last (or first) year
            years = sorted(self.plan_years(plan))
            if years:
                q = _with(q, years=[years[-1] if q.year_ref == "last" else years[0]])
        if q.years and plan.years and not set(q.years) & self.plan_years(plan) and "year" in q.inherited:
            # a year carried over from another plan's span: this plan's own row as printed (every
            # kind, unless this turn names one)
            said = any(w in q.norm for w in ("เป้า", *(self.lex.plan.get("target") or ()), *(self.lex.plan.get("result") or ())))
            q = _with(q, years=[], year_kinds={}, kind=q.kind if said else None)
        if q.years and plan.years and not set(q.years) & self.plan_years(plan) and q.field != "baseline":
            # (a baseline's year lies before the plan's: "ค่าฐานของปี 66" is looked up in the row)
            py = f"{plan.years[0]}–{plan.years[1]}" if plan.years[0] != plan.years[1] else str(plan.years[0])
            return Answer(q.text, self.T("year_outside", office=office, plan_years=py,
                                          year=", ".join(map(str, q.years))), "not_found")
        if len(q.grades) > 1 and not q.indicator:
            # "ป.6 กับ ม.3 ต่างกันยังไง": one part per grade, when each grade finds its row
            parts = [self._numeric_plan(_with(q, grades=[g]), plan) for g in q.grades]
            if all(p.status == "answered" for p in parts):
                return self._merge(q, parts)
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
            text = self.T("no_topic_match", office=office)
            nearest = self._nearest_indicators(q, plan)
            if nearest:
                text += "\n" + self.T("nearest_head") + "\n" + "\n".join(line for line, _ in nearest)
            return Answer(q.text, text, "not_found", citations=[c for _, c in nearest])
        if len(found) > 1 and q.plural and not q.indicator:
            # "ตั้งเป้าไว้ยังไงบ้าง": every row the topic fits as well, each with its own figures
            return self._merge(q, [self._indicator_values(q, plan, s, i, office) for s, i in found])
        if len(found) > 1:
            choices = [f"{s.kind}ที่ {s.number} ตัวชี้วัดที่ {i.number}" for s, i in found]
            head = self.T("indicator_ambiguous", indicator=q.indicator, office=office) if q.indicator \
                else self.T("topic_ambiguous", office=office)
            text = head + "\n" + "\n".join(
                f"- {c}: {thai.one_line(i.text)[:80]}" for c, (s, i) in zip(choices, found, strict=True))
            # the rows offered are cited (their text, no figure): a comparison shows the office has them
            cites = [self.r.citation(rec) for _s, i in found if (rec := self.r.get(i.id))]
            return Answer(q.text, text, "clarify", choices=choices, citations=cites)
        s, ind = found[0]
        return self._indicator_values(q, plan, s, ind, office)

    def _nearest_indicators(self, q: Question, plan: Plan, k: int = 2) -> list[tuple[str, Citation]]:
        """Labels (no figures) of the indicators nearest to the question's topic, cited."""
        out = []
        for rid, _ in self.search(q.topic or q.text, doc_id=plan.doc_id, kinds=["indicator"], k=k):
            rec = self.r.get(rid)
            if rec and rec.indicator:
                c = self.r.citation(rec)
                out.append((self.T("nearest_item", section=c.section, text=_short(rec.text, 100)), c))
        return out

    def _indicator_values(self, q: Question, plan: Plan, s: Strategy, ind: Indicator, office: str) -> Answer:
        rec = self.r.get(ind.id)
        section = rec and self.r.citation(rec).section
        if q.field == "baseline":
            base = self._baseline(q, plan, s, ind, office)
            given = {v.year for v in base.values} if base.status == "answered" else set()  # ("ค่าฐานปี 61": 61's result)
            other = [y for y in q.years if y != ind.baseline_year and y not in given] if "year" not in q.inherited else []
            if not other:
                return base
            # "ค่าฐานเท่าไหร่ แล้วปี 70 ตั้งไว้เท่าไหร่": the baseline, then the figures of the years asked
            # (no ค่าฐาน printed: "ค่าฐานปี 61" is that year's result, when the row prints one)
            kinds = {y: k for y, k in q.year_kinds.items() if y in other} if base.status == "answered" \
                else {y: {"result"} for y in other}
            figures = self._indicator_values(_with(q, field=None, also_field=None, years=other, year_kinds=kinds,
                                                   kind=None if base.status == "answered" else "result"),
                                             plan, s, ind, office)
            if figures.status != "answered" or (base.status != "answered"
                                                and not any(v.kind == "result" for v in figures.values)):
                return base if base.status == "answered" or figures.status != "answered" else base
            if base.status != "answered":
                figures.answer += "\n" + base.answer.splitlines()[0]
                return figures
            return Answer(q.text, base.answer + "\n" + "\n".join(figures.answer.splitlines()[2:]), "answered",
                          base.values + figures.values, base.citations + figures.citations)
        targets = list(ind.targets)
        subs = _mentioned_sub_items(q.norm, ind, self.lex.query.get("sub_item_prefixes") or ())
        if subs:
            targets = [t for t in targets if t.sub_item in subs]
        head = self.T("numeric_head", office=office, section=section, indicator_text=ind.text)
        if q.kind == "result" and not any(t.kind == "result" for t in targets):
            years = sorted({t.year for t in targets if t.year})
            text = self.T("no_results", office=office, section=section, years=_ranges([str(y) for y in years]))
            return Answer(q.text, text, "not_found", citations=[self.r.citation(rec)])

        # a row measured as a change ("เพิ่มขึ้นไม่น้อยกว่าร้อยละ 3 ของปีการศึกษาที่ผ่านมา"): its result
        # (a change, maybe negative) is stated with the same year's target, which gives it its meaning
        change_row = any(fold(w) in fold(ind.text) for w in self.lex.query.get("change_rows") or ())

        def wanted(t: Target) -> bool:
            if q.met_asked:  # "ถึงเป้าไหม": the result and the target it is checked against
                return t.kind in ("target", "result")
            kinds = q.year_kinds.get(t.year) if t.year else None
            if kinds:
                return t.kind in kinds or (change_row and "result" in kinds and t.kind == "target")
            return q.kind is None or t.kind == q.kind or (change_row and q.kind == "result")

        targets = [t for t in targets if wanted(t)] or targets
        if (unit := self._unit_in_text(ind)) and not ind.unit:
            # a blank unit cell of a row that says what it counts ("ร้อยละของนักเรียน…"): that unit
            targets = [t if t.unit else dataclasses.replace(t, unit=unit) for t in targets]
        if not targets:
            return Answer(q.text, head + "\n" + self.T("numeric_none", office=office, section=section),
                          "not_found", citations=[self.r.citation(rec)])
        held = _years_holding(targets, q.which_years, q.years) if q.which_years else []
        if held:
            # "เป้าเป็น 90 ปีไหน", "หยุดเพิ่มตั้งแต่ปีไหน": the years of this row that hold it (and a year written)
            asked = [y for y in q.years if "year" not in q.inherited]
            targets = [t for t in targets if (t.year in held and t.kind == "target") or t.year in asked]
            q = _with(q, years=[])
        if q.years:
            in_year = [t for t in targets if t.year in q.years]
            if not in_year:
                avail = sorted({t.year for t in targets if t.year})
                text = self.T("numeric_year_missing", office=office, section=section,
                              year=", ".join(map(str, q.years)), years_available=", ".join(map(str, avail)))
                return self._year_missing(q, plan, s, ind, rec, text, targets, avail)
            targets = in_year
        lines = [head]
        if q.why:  # "ทำไมถึงตั้งไว้ 30": the plan gives figures, not reasons
            lines.insert(0, self.T("why_not_stated"))
        values = []
        for t in targets:
            label = f"{t.sub_item} " if t.sub_item else ""
            kind_note = " " + self.T("kind_result") if t.kind == "result" else ""
            key = "value_line" if t.year else "value_line_noyear"
            lines.append(self.T(key, label=label, year=t.year, value=fmt_value(t), kind_note=kind_note))
            values.append(Value(plan.office_id or "", s.number, ind.number, t.year, t.value, t.unit, t.kind))
        if held and q.which_years == "trend":
            by_year = {t.year: t for t in targets if t.kind == "target" and t.year in held}
            for a, b in zip(held, held[1:], strict=False):
                va, vb = by_year[a].numeric, by_year[b].numeric
                change = "trend_same" if va == vb else ("trend_up" if vb > va else "trend_down")
                lines.append(self.T(change, year=b, value=fmt_value(by_year[b]), before=a, before_value=fmt_value(by_year[a])))
        elif held:
            key = {"flat": "which_years_flat", "max": "which_years_max", "min": "which_years_min"}.get(q.which_years, "which_years")
            lines.append(self.T(key, value=fmt_value(next(t for t in targets if t.year == held[0])),
                                years=", ".join(map(str, held)), first=held[0]))
        if q.met_asked:
            lower = any(w in ind.text for w in self.lex.query.get("lower_is_better") or ())
            lines += [self.T("met_line", year=y, result=fmt_value(r), target=fmt_value(t),
                             verdict=self.T("met_yes" if met else "met_no"))
                      for y, r, t, met in _met_by_year(targets, lower)]
        cites = [self.r.citation(rec, cover(ind.span, *(t.span for t in targets)))]
        return Answer(q.text, "\n".join(lines), "answered", values, cites)

    def _year_missing(self, q: Question, plan: Plan, s: Strategy, ind: Indicator, rec, text: str,
                      targets: list, avail: list[int]) -> Answer:
        """A row with no figure for the year asked: what the plan notes about it
        (``Indicator.note``, quoted), and, for a year before the row's first, the first
        year's figures ("เริ่มมีเป้าปีไหน"). not_found when the plan says nothing more."""
        cites = [self.r.citation(rec)]
        values: list[Value] = []
        said = False
        doc = self.store.texts.get(plan.doc_id, "")
        for part in (ind.note or "").split(" / "):
            i = doc.find(part) if part else -1
            if i < 0:
                continue
            text += "\n" + self.T("numeric_year_note", note=part)
            cites.append(self.r.citation(rec, Span(plan.doc_id, i, i + len(part))))
            ar = thai.to_arabic(part)
            said = said or any(str(y) in ar for y in q.years)
        if avail and all(y < avail[0] for y in q.years):
            first = [t for t in targets if t.year == avail[0]]
            text += "\n" + self.T("numeric_year_first", year=avail[0])
            for t in first:
                label = f"{t.sub_item} " if t.sub_item else ""
                kind_note = " " + self.T("kind_result") if t.kind == "result" else ""
                text += "\n" + self.T("value_line", label=label, year=t.year, value=fmt_value(t), kind_note=kind_note)
                values.append(Value(plan.office_id or "", s.number, ind.number, t.year, t.value, t.unit, t.kind))
            cites[0] = self.r.citation(rec, cover(ind.span, *(t.span for t in first)))
            said = True
        return Answer(q.text, text, "answered" if said else "not_found", values, cites)

    def _baseline(self, q: Question, plan: Plan, s: Strategy, ind: Indicator, office: str) -> Answer:
        """The row's ค่าฐาน (``Indicator.baseline``), cited from the row; "ไม่มีค่าฐานในแผน"
        when the plan prints none."""
        rec = self.r.get(ind.id)
        c = self.r.citation(rec)
        if not ind.baseline:
            # no ค่าฐาน column, but the row prints a result of the year asked (or, asked no year, a
            # result of a year before its targets begin): that printed result is the base, given as a result
            results = sorted({t.year for t in ind.targets if t.kind == "result" and t.year})
            first_target = min((t.year for t in ind.targets if t.kind == "target" and t.year), default=None)
            base_years = [y for y in results if y in q.years] if q.years else [
                y for y in results[:1] if first_target is None or y <= first_target]
            if base_years:
                got = self._indicator_values(_with(q, field=None, also_field=None, kind="result", years=base_years[:1],
                                                   year_kinds={}), plan, s, ind, office)
                if got.status == "answered":
                    got.answer = self.T("baseline_as_result", year=base_years[0]) + "\n" + got.answer
                    return got
            years = sorted({t.year for t in ind.targets if t.year})
            return Answer(q.text, self.T("no_baseline", office=office, section=c.section,
                                         years=_ranges([str(y) for y in years]) or "-"), "not_found", citations=[c])
        text = self.store.texts[plan.doc_id]
        row_end = max([ind.span.end, *(t.span.end for t in ind.targets if t.span.doc_id == plan.doc_id)])
        span = None
        for form in (ind.baseline, thai.to_thai_digits(ind.baseline)):
            i = text.find(form, ind.span.start, row_end + 200)
            if i >= 0:
                span = Span(plan.doc_id, ind.span.start, max(row_end, i + len(form)))
                break
        if span is None:  # the value must be quoted: without it, say what the row is, no figure
            return Answer(q.text, self.T("no_baseline_quote", office=office, section=c.section), "not_found",
                          citations=[c])
        c = self.r.citation(rec, span)
        year = f" (ปี {ind.baseline_year})" if ind.baseline_year else ""
        value = ind.baseline
        unit = ind.unit or next((t.unit for t in ind.targets if t.unit), "")  # the row's targets' unit
        if unit and thai.parse_number(value) is not None:
            value = f"{unit} {value}" if unit in ("ร้อยละ", "ระดับ") else f"{value} {unit}"
        head = self.T("numeric_head", office=office, section=c.section, indicator_text=ind.text)
        body = self.T("baseline_value", value=value, year=year)
        return Answer(q.text, head + "\n" + body, "answered",
                      [Value(plan.office_id or "", s.number, ind.number, ind.baseline_year, ind.baseline,
                             unit, "baseline")], [c])

    # ------------------------------------------------------------ list
    def list_indicators(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._list_plan(q, p) for p in plans])

    def _list_plan(self, q: Question, plan: Plan) -> Answer:
        office = self.office(plan)
        q = self._without_title_words(q, plan)
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
                if q.below_target and (not _below_target(ind, q.years) or any(
                        w in ind.text for w in self.lex.query.get("lower_is_better") or ())):
                    continue  # a lower-is-better row under its target met it
                if q.unit_not and (ind.unit or "") == q.unit_not:
                    continue
                if q.no_target and q.no_target_years:
                    lacking = set(q.no_target_years)
                    if any(t.kind == "target" and t.year in lacking for t in ind.targets) or not any(
                            t.kind == "target" and t.year in set(q.years) - lacking for t in ind.targets):
                        continue
                elif q.no_target and any(t.kind == "target" and (not q.years or t.year in q.years)
                                         for t in ind.targets):
                    continue
                if q.target_below and not _targets_below(ind, q.years, float(q.target_below)):
                    continue
                if q.target_words and not any(t.kind == "target" and t.numeric is None and t.value.strip()
                                              and (not q.years or t.year in q.years) for t in ind.targets):
                    continue
                if q.every_year:
                    tg = [t for t in ind.targets if t.kind == "target"]
                    if not tg or any(t.numeric is None or t.numeric != float(q.every_year) for t in tg) or len(tg) < 2:
                        continue
                if q.target_step and not _rises_by(ind, float(q.target_step)):
                    continue
                if q.unit_is and thai.squash(ind.unit or "") != thai.squash(q.unit_is):
                    continue
                if q.level_column and thai.squash(q.level_column) not in thai.squash(
                        " ".join(x for x in (ind.responsible, ind.source) if x)):
                    continue
                if q.target_equals and not any(
                        t.kind == "target" and t.numeric is not None and t.numeric == float(q.target_equals)
                        and (not q.years or t.year in q.years) for t in ind.targets):
                    continue
                if q.target_not and not _targets_other(ind, q.years, float(q.target_not), q.target_not_every):
                    continue
                if q.responsible_is and not _names_unit(ind, q.responsible_is):
                    continue
                if q.year_change and not _year_change(ind, q):
                    continue
                rows.append((s, ind))
        if q.grades:  # "ตัวชี้วัดระดับ ป.3 มีอะไรบ้าง": the rows that print one of the grades named
            rows = [(s, ind) for s, ind in rows if self._prints_grade(q, ind)]
        rows, used_terms = self._literal_filter(q, rows, plan)
        extreme_note = ""
        if q.extreme:
            rows, extreme_note = self._extreme_rows(q, rows, plan)
        filters = "".join([
            f" {plan.strategies[0].kind}ที่ {q.strategy}" if q.strategy and plan.strategies else "",
            f" ที่เกี่ยวกับ{q.group}" if q.group else "",
            f" ระดับ{q.level}" if q.level else "",
            f" ของชั้น {' '.join(q.grades)}" if q.grades else "",
            f" ที่มีค่าเป้าหมาย {q.every_year} ทุกปี" if q.every_year else "",
            f" ที่ค่าเป้าหมายเพิ่มขึ้นปีละ {q.target_step}" if q.target_step else "",
            " ที่ผลการดำเนินงานต่ำกว่าเป้าหมาย" if q.below_target else "",
            f" ที่หน่วยนับไม่ใช่{q.unit_not}" if q.unit_not else "",
            (f" ที่ไม่มีค่าเป้าหมายปี {', '.join(map(str, q.no_target_years))}" if q.no_target_years
             else " ที่ไม่มีค่าเป้าหมาย") if q.no_target else "",
            " ที่ค่าเป้าหมายเป็นข้อความ" if q.target_words else "",
            f" ที่ค่าเป้าหมายต่ำกว่า {q.target_below}" if q.target_below else "",
            f" ที่หน่วยนับเป็น{q.unit_is}" if q.unit_is else "",
            f" ที่ผู้รับผิดชอบระบุ {q.level_column}" if q.level_column else "",
            f" ที่มีค่าเป้าหมายเท่ากับ {q.target_equals}" if q.target_equals else "",
            (f" ที่ค่าเป้าหมายไม่ใช่ {q.target_not} ทุกปี" if q.target_not_every else f" ที่ค่าเป้าหมายไม่ใช่ {q.target_not}")
            if q.target_not else "",
            f" ที่ผู้รับผิดชอบคือ {q.responsible_is}" if q.responsible_is else "",
            (f" ที่ค่าเป้าหมายปี {next(y for y in q.years if y != q.year_change_from)} "
             f"{'ต่ำกว่า' if q.year_change == 'lower' else 'สูงกว่า'}ปี {q.year_change_from}") if q.year_change else "",
            extreme_note,
            f" ที่กล่าวถึง \"{' '.join(used_terms)}\"" if used_terms else "",
            f" ปี {', '.join(map(str, q.years))}" if q.years else "",
        ])
        if not rows:
            return Answer(q.text, self.T("list_empty", office=office, filters=filters), "not_found")
        lines = [self.T("list_head", office=office, filters=filters, count=len(rows))]
        cites = []
        values: list[Value] = []
        shown, first, more = self._page(q, rows)
        for n, (_s, ind) in enumerate(shown, first + 1):
            rec = self.r.get(ind.id)
            c = self.r.citation(rec)
            lines.append(self.T("list_item", n=n, section=c.section, text=_short(ind.text, LIST_ITEM_CHARS)))
            if q.below_target:
                pairs = _below_target(ind, q.years)
                lines.append("   " + "; ".join(
                    f"{(t.sub_item + ' ') if t.sub_item else ''}ปี {t.year}: เป้า {t.value} ผล {r.value}" for t, r in pairs))
                c = self.r.citation(rec, cover(ind.span, *(x.span for pair in pairs for x in pair)))
                values += [Value(plan.office_id or "", _s.number, ind.number, r.year, r.value, r.unit or "", r.kind)
                           for _t, r in pairs]
            shown_targets = []
            if q.target_below:
                shown_targets = _targets_below(ind, q.years, float(q.target_below))
            elif q.target_not:
                shown_targets = _targets_other(ind, q.years, float(q.target_not), q.target_not_every)
            elif q.extreme:
                shown_targets = _extreme_targets(ind, q.years, _unit_of(ind) or self._unit_in_text(ind) or "")
            elif q.every_year and q.years:
                shown_targets = [t for t in ind.targets if t.kind == "target" and t.year in q.years][:1]
            elif q.target_step:  # the rising figures are the condition: each year's
                shown_targets = sorted((t for t in ind.targets if t.kind == "target" and t.year and not t.sub_item),
                                       key=lambda t: t.year)
            elif q.target_words:
                shown_targets = [t for t in ind.targets if t.kind == "target" and t.numeric is None
                                 and (not q.years or t.year in q.years)]
            elif q.target_equals:  # the targets that meet the condition, not the row's other years
                shown_targets = [t for t in ind.targets if t.kind == "target" and t.numeric is not None
                                 and t.numeric == float(q.target_equals) and (not q.years or t.year in q.years)]
            elif (q.asks_value or len(_own_years(plan, self.plan_years(plan))) == 1) and not q.below_target:
                # "มีตัวชี้วัดอะไรบ้าง ตั้งเป้าเท่าไหร่": each row's targets of the year asked (of the
                # plan's one year when it has one; none shown for a multi-year plan asked no year).
                # A one-year plan's rows always show their target: it is what the row asks of a school
                # a list of one row asked its figures ("ตั้งเป้าไว้ 3 ปีเท่าไรบ้าง"): every year of it
                plan_years = self.plan_years(plan)
                # the plan's own years when it states them (a one-year plan may print last year's figures too)
                own = _own_years(plan, plan_years)
                years = set(q.years) or (own if len(own) == 1 else plan_years if len(rows) == 1 and q.asks_value
                                         else set())
                if not years and q.asks_value and len({t.numeric for t in ind.targets if t.kind == "target"}) == 1:
                    years = plan_years  # asked no year, and the row's target is the same every year
                shown_targets = [t for t in ind.targets if t.kind == "target" and t.year in years]
            if shown_targets and not ind.unit and (unit := self._unit_in_text(ind)):
                # a blank unit cell of a row that says what it counts ("ร้อยละของนักเรียน…"): that unit
                shown_targets = [t if t.unit else dataclasses.replace(t, unit=unit) for t in shown_targets]
            if shown_targets:
                lines.append("   " + "; ".join(
                    f"{(t.sub_item + ' ') if t.sub_item else ''}ปี {t.year}: เป้า {fmt_value(t)}" for t in shown_targets))
                c = self.r.citation(rec, cover(ind.span, *(t.span for t in shown_targets)))
                values += [Value(plan.office_id or "", _s.number, ind.number, t.year, t.value, t.unit or "", t.kind)
                           for t in shown_targets]
            cites.append(c)
        if more:
            lines.append(self.T("list_more", shown=f"{first + 1}–{first + len(shown)}", count=len(rows),
                                more=len(rows) - first - len(shown)))
        return Answer(q.text, "\n".join(lines), "answered", values, citations=cites, has_more=more)

    def _extreme_rows(self, q: Question, rows: list, plan: Plan) -> tuple[list, str]:
        """The rows whose target (of the asked years) is the lowest / highest, compared only
        among rows of one unit (the most common one): values of different units do not compare."""
        by_unit: dict[str, list] = {}
        for s, ind in rows:
            unit = _unit_of(ind) or self._unit_in_text(ind) or ""
            if _extreme_targets(ind, q.years, unit):
                by_unit.setdefault(unit, []).append((s, ind))
        if not by_unit:
            return [], ""
        unit = max(by_unit, key=lambda u: (len(by_unit[u]), u == "ร้อยละ"))
        cands = by_unit[unit]
        pick = min if q.extreme == "min" else max
        best = pick(t.numeric for _s, ind in cands for t in _extreme_targets(ind, q.years, unit))
        kept = [(s, ind) for s, ind in cands
                if any(t.numeric == best for t in _extreme_targets(ind, q.years, unit))]
        word = "ต่ำที่สุด" if q.extreme == "min" else "สูงที่สุด"
        among = f" (เทียบเฉพาะตัวชี้วัดหน่วยนับ{unit} {len(cands)} ตัว)" if unit and len(by_unit) > 1 else ""
        return kept, f" ที่ค่าเป้าหมาย{word}{among}"

    def _without_title_words(self, q: Question, plan: Plan) -> Question:
        """"กลยุทธ์ที่ 3 การพัฒนาสถานศึกษา … มีตัวชี้วัดกี่ตัว": the words that restate the named
        strategy's title say which strategy, not which of its rows (no term, no group)."""
        s = plan.strategy(q.strategy) if q.strategy else None
        if s is None or not s.title:
            return q
        title = fold(s.title)
        terms = [t for t in q.terms if fold(t) not in title]
        group = None if q.group and fold(q.group) in title and not any(
            fold(w) in fold(q.norm).replace(title, "") for w, g in GROUP_WORDS.items() if g == q.group) else q.group
        if terms == q.terms and group == q.group:
            return q
        return _with(q, terms=terms, group=group)

    def _literal_filter(self, q: Question, rows: list, plan: Plan | None = None) -> tuple[list, list[str]]:
        """Keep indicators that contain the question's rarest content word, when that
        word is specific (found in some but not most indicators). Returns the rows and
        the words used (local to the call: the Answerer is shared by threads)."""
        if not rows or not q.terms or q.below_target or q.every_year or q.target_step or q.unit_not or q.no_target \
                or q.target_below \
                or q.unit_is or q.level_column or q.target_equals or q.target_not or q.extreme or q.responsible_is:
            return rows, []
        norm = {id(ind): thai.normalize(" ".join([ind.text, *ind.sub_items])) for _, ind in rows}
        if plan is not None and self._unprinted_names(q.terms, plan):  # "PM 2.5": a name no row prints
            return [], [t for t in q.terms if re.fullmatch(r"[a-z][a-z0-9\-.]*", t.lower())][:1]
        syn = self.lex.query.get("synonyms") or {}

        def holds(text: str, term: str) -> bool:
            return any(_holds(text, f) for f in (term, *syn.get(term.lower(), ())))

        df = {t: sum(holds(n, t) for n in norm.values()) for t in q.terms}
        specific = [t for t in q.terms if 0 < df[t] <= max(1, len(rows) // 2)]
        if not specific:
            if plan is not None and not any(df.values()) and _names_topic(q.norm, self.lex):
                # "มีตัวชี้วัดเรื่องยาเสพติดไหม" and no row prints the words: the rows the topic
                # links to by meaning (an unsure link offers its candidates); none linked: the
                # words may be no topic at all ("ที่วัดเรื่องครู"), so the rows stay
                linked = self._linked_rows(q, rows, plan)
                if linked:
                    return linked, list(q.terms[:2])
            return rows, []
        # rows that hold every specific word ("วิถี" + "พุทธ") before those holding the rarest one
        every = [(s, ind) for s, ind in rows if all(holds(norm[id(ind)], t) for t in specific)]
        if len(specific) > 1 and every:
            return every, specific
        best = min(specific, key=lambda t: df[t])
        return [(s, ind) for s, ind in rows if holds(norm[id(ind)], best)], [best]

    def _linked_rows(self, q: Question, rows: list, plan: Plan) -> list:
        ranked = self.topic_candidates(q, plan)
        if not ranked:
            return []
        _verdict, chosen = topics.decide(ranked, min_words=self._min_words(q, ranked))
        ids = {id(c.indicator) for c in chosen}
        return [(s, ind) for s, ind in rows if id(ind) in ids]

    def plan_years_answer(self, q: Question, plan: Plan) -> Answer:
        """The years a plan covers, cited where they are printed; "not stated" otherwise."""
        office = self.office(plan)
        if not plan.years:
            return Answer(q.text, self.T("years_not_stated", office=office), "not_found")
        text = self.store.texts[plan.doc_id]
        a, b = plan.years
        found = None
        for y in (str(a), str(a).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))):
            i = text.find(y)
            if i >= 0 and (found is None or i < found):
                found = i
        span = rec = None
        if found is not None:
            span = Span(plan.doc_id, found, found + 4)
            rec = self._passage_at(plan, found)
        years = f"{a}–{b}" if a != b else str(a)
        cites = [self.r.citation(rec, span)] if rec else []
        return Answer(q.text, self.T("plan_years", office=office, years=years), "answered", citations=cites)

    # ------------------------------------------------------------ field / absent
    def field(self, q: Question, plans: list[Plan]) -> Answer:
        return self._merge(q, [self._field_plan(q, p) for p in plans if p.office_id or len(plans) == 1])

    def _field_plan(self, q: Question, plan: Plan) -> Answer:
        """A row's own column: responsible, source, unit, or the strategy it is in."""
        office = self.office(plan)
        names_rows = "แนวทาง" not in q.norm and any(
            w.lower() in q.norm.lower() for w in self.lex.plan.get("indicators") or ())
        if not q.indicator and q.terms and q.field in ("which_strategy", "responsible") \
                and not (names_rows and q.also_field == "unit"):  # "ตัวชี้วัด… หน่วยอะไร อยู่ระดับไหน": a row
            g = self._topic_guideline(q, plan)
            if g is not None:
                return self._guideline_field(q, plan, g, office)
            if "แนวทาง" in q.norm and not any(w.lower() in q.norm.lower() for w in self.lex.plan.get("indicators") or ()):
                # guidelines asked (not "ตัวชี้วัด … ตามแนวทาง…"), none sure: the nearest guidelines, with their units
                return self._guideline_plan(q, plan)
        found = self.find_indicators(q, plan)
        if not found and q.field == "which_strategy" and q.terms and (prose := self._strategy_by_prose(q, plan)):
            return prose
        if len(found) != 1 or q.field not in ("which_strategy", "responsible", "source", "unit"):
            return self._numeric_plan(q, plan)  # not found / ambiguous: the same messages
        s, ind = found[0]
        rec = self.r.get(ind.id)
        c = self.r.citation(rec)
        if q.field == "which_strategy":
            text = self.T("field_strategy", office=office, section=c.section, indicator_text=_short(ind.text, 160),
                          kind=s.kind, number=s.number, title=s.title)
            cites = [c, self.r.citation(self.r.get(s.id))]
            if q.also_field in ("responsible", "source", "unit"):  # "อยู่กลยุทธ์ไหน ใครรับผิดชอบ"
                more = self._field_plan(_with(q, field=q.also_field, also_field=None, kind=None, years=[],
                                              year_kinds={}, followup=True), plan)  # (one line of it: no figures)
                if more.status == "answered":
                    text += "\n" + more.answer.splitlines()[-1]
                    cites += more.citations[:1]
            values: list[Value] = []
            # "อยู่นโยบายไหน เป้าเท่าไร"; and the row's own targets with any other field answer
            # (the row is sure: a teacher citing it needs its figures)
            value_words = any(w in q.norm.replace(" ", "") for w in self.lex.query.get("value_asked") or ())
            asked = q.kind or value_words or (q.years and "year" not in q.inherited)
            if asked or self._sure_row(q, ind):
                figures = self._indicator_values(_with(q, field=None, also_field=None, **({} if asked else {
                    "kind": "target", "years": [], "year_kinds": {}})), plan, s, ind, office)
                if figures.status == "answered":
                    # the row's whole wording too when it was cut above ("… โดยมีคะแนนอยู่ในระดับ A")
                    skip = 2 if len(ind.text) <= 160 else 1
                    text += "\n" + "\n".join(figures.answer.splitlines()[skip:])
                    values, cites = figures.values, cites + figures.citations
            return Answer(q.text, text, "answered", values, cites)
        column = {"responsible": ind.responsible, "source": ind.source, "unit": ind.unit}.get(q.field)
        label = self.T(f"field_label_{q.field}")
        if not column and q.field == "responsible" and ind.source:
            column, label = ind.source, self.T("field_label_source")
        if not column and q.field == "unit":
            column = self._unit_in_text(ind)  # a blank unit cell of a row that says what it counts ("ร้อยละของ…")
        if q.kind or (q.years and "year" not in q.inherited):
            # "ปี 70 เป้าเท่าไร ใครรับผิดชอบ" (a value asked in the question itself): the values, then the column
            values = self._indicator_values(_with(q, field=None, also_field=None), plan, s, ind, office)
            column_part = self._field_plan(_with(q, kind=None, year_kinds={}, years=[], followup=True), plan)
            if values.status != "answered":
                return column_part
            if column_part.status == "answered":
                lines = column_part.answer.splitlines()
                # the column's own line (a unit's answer goes on with the row's figures)
                values.answer += "\n" + (lines[2] if len(lines) > 2 and lines[2].startswith(label) else lines[-1])
                values.citations += column_part.citations
            elif column_part.answer:  # "หน่วยนับคืออะไร" of a blank cell: say it is not stated
                values.answer += "\n" + column_part.answer.splitlines()[0]
            return values
        if not column:
            return Answer(q.text, self.T("field_missing", office=office, section=c.section, label=label,
                                         indicator_text=_short(ind.text, 160)), "not_found", citations=[c])
        if thai.squash(column) not in thai.squash(c.quote):
            # the column is a cell of the same row, after the indicator text and its targets
            text = self.store.texts[plan.doc_id]
            row_end = max([ind.span.end, *(t.span.end for t in ind.targets if t.span.doc_id == plan.doc_id)])
            # a column of several cells ("นิเทศ, ส่งเสริม" for the row's sub-items) is printed cell by cell
            ends = []
            for part in [column, *(column.split(", ") if ", " in column else [])]:
                i = text.find(part, ind.span.end, row_end + 200)
                if i >= 0:
                    ends.append(i + len(part))
                    if part == column:
                        break
                elif part != column:
                    ends = []
                    break
            if not ends:
                return Answer(q.text, self.T("field_missing", office=office, section=c.section, label=label,
                                             indicator_text=_short(ind.text, 160)), "not_found", citations=[c])
            c = self.r.citation(rec, Span(plan.doc_id, ind.span.start, max(row_end, *ends)))
        text = self.T("field_value", office=office, section=c.section, indicator_text=_short(ind.text, 160),
                      label=label, value=column)
        cites = [c]
        if q.also_field in ("responsible", "source", "unit") and q.also_field != q.field:
            # "ใครรับผิดชอบ แล้วหน่วยนับเป็นอะไร": the second column of the same row
            more = self._field_plan(_with(q, field=q.also_field, also_field=None, followup=True), plan)
            if more.answer:
                more_lines = more.answer.splitlines()
                # the second column's own line (a unit's answer goes on with the row's figures)
                own = [ln for ln in more_lines if ln.startswith(self.T(f"field_label_{q.also_field}"))]
                text += "\n" + (own[0] if own and more.status == "answered"
                                else more_lines[-1 if more.status == "answered" else 0])
                cites += more.citations[:1] if more.status == "answered" else []
        values: list[Value] = []
        if "unit" in (q.field, q.also_field) and q.field != "which_strategy" or self._sure_row(q, ind):
            # "หน่วยนับเป็นอะไร": the row's figures in that unit show what it counts (and, with any
            # other column of a row the question names itself, the row's targets)
            figures = self._indicator_values(_with(q, field=None, also_field=None, kind="target"), plan, s, ind, office)
            if figures.status == "answered":
                text += "\n" + "\n".join(figures.answer.splitlines()[2:])
                values, cites = figures.values, cites + figures.citations
        return Answer(q.text, text, "answered", values, citations=cites)

    def _sure_row(self, q: Question, ind: Indicator) -> bool:
        """A row the question itself names beyond doubt (by number, or by a topic whose words
        its text holds): its targets may be given with another column. Not on a follow-up."""
        if q.followup:
            return False
        return bool(q.indicator) or bool(q.terms) and topic_coverage(q.terms, ind) >= SURE_ROW_COVERAGE

    def _strategy_by_prose(self, q: Question, plan: Plan) -> Answer | None:
        """"Digital Life & Learning อยู่กลยุทธ์ไหน" where no row prints it: the one strategy whose
        own prose holds most of the words (at least MIN_GUIDELINE_COVERAGE, alone at the top)."""
        syn = self.lex.query.get("synonyms") or {}
        scored = sorted(((text_coverage(q.terms, f"{s.title} {s.description or ''}", syn), n, s)
                         for n, s in enumerate(plan.strategies)), key=lambda x: (-x[0], x[1]))
        if not scored or scored[0][0] < MIN_GUIDELINE_COVERAGE or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        s = scored[0][2]
        rec = self.r.get(s.id)
        if rec is None:
            return None
        c = self.r.citation(rec)
        text = self.T("prose_strategy", office=self.office(plan), kind=s.kind, number=s.number, title=s.title)
        return Answer(q.text, text, "answered", citations=[c])

    def _topic_guideline(self, q: Question, plan: Plan) -> Record | None:
        """The guideline a topic names ("ลดเวลาเรียน เพิ่มเวลารู้ อยู่นโยบายไหน") when its own
        text covers the topic better than any indicator does (and well enough to trust)."""
        hits = self.search(q.topic or q.text, doc_id=plan.doc_id, kinds=["indicator", "guideline"],
                           strategy=q.strategy, k=6)
        best, best_cov, ind_cov = None, 0.0, 0.0
        syn = self.lex.query.get("synonyms") or {}
        for rid, _ in hits:
            rec = self.r.get(rid)
            if rec is None or rec.kind not in ("indicator", "guideline"):
                continue
            cov = text_coverage(q.terms, rec.text, syn)
            if rec.kind == "indicator":
                ind_cov = max(ind_cov, cov)
            elif cov > best_cov:
                best, best_cov = rec, cov
        if best is None or best_cov < MIN_GUIDELINE_COVERAGE or best_cov <= ind_cov:
            return None
        return best

    def _guideline_field(self, q: Question, plan: Plan, rec: Record, office: str) -> Answer:
        """Which strategy a guideline is in, and its responsible unit when the plan gives one."""
        g, s = rec.item, rec.strategy
        c = self.r.citation(rec)
        lines = [self.T("field_strategy", office=office, section=c.section, indicator_text=_short(g.text, 160),
                        kind=s.kind, number=s.number, title=s.title)]
        cites = [c, self.r.citation(self.r.get(s.id))]
        if g.responsible:
            lines.append(f"{self.T('field_label_responsible')}: {g.responsible}")
        elif q.field == "responsible":
            lines.append(self.T("field_missing_short", label=self.T("field_label_responsible")))
        values: list[Value] = []
        if q.kind == "target":
            # "อยู่นโยบายไหน มีตัวชี้วัดที่เกี่ยวข้องไหม เป้าเท่าไร": the indicator of that strategy the
            # topic links to (only a sure link; otherwise no figure)
            sq = _with(q, strategy=s.number, intent="numeric", field=None, also_field=None)
            found = self.find_indicators(sq, plan)
            if len(found) == 1:
                figures = self._indicator_values(sq, plan, *found[0], office)
                if figures.status == "answered":
                    lines += figures.answer.splitlines()
                    values, cites = figures.values, cites + figures.citations
        return Answer(q.text, "\n".join(lines), "answered", values, citations=cites)

    def _pick(self, q: Question, plans: list[Plan]) -> Answer:
        """"ตัวนี้…" after a list of several rows: ask which row, offering those listed."""
        plan = next((p for p in plans if p.office_id), plans[0] if plans else None)
        rows = []
        for key in q.listed:
            s_num, _, i_num = key.partition("|")
            s = plan.strategy(s_num) if plan else None
            ind = next((i for i in s.indicators if i.number == i_num), None) if s else None
            if ind:
                rows.append((s, ind))
        if not rows:
            return Answer(q.text, self.T("open_none"), "not_found")
        choices = [f"{s.kind}ที่ {s.number} ตัวชี้วัดที่ {i.number}" for s, i in rows]
        text = self.T("pick_which", count=len(rows)) + "\n" + "\n".join(
            f"- {c}: {thai.one_line(i.text)[:80]}" for c, (_s, i) in zip(choices, rows, strict=True))
        return Answer(q.text, text, "clarify", choices=choices)

    def _counted_rows(self, q: Question, plans: list[Plan]) -> Answer | None:
        """"ตัวชี้วัดโรงเรียนคุณภาพ ตั้งเป้าไว้กี่โรง": a count the plan does hold, as the target
        of the one indicator the topic links to whose unit counts that thing (lexicon
        ``query.count_units``); ``None`` when no such row (then: not in the plan)."""
        units = (self.lex.query.get("count_units") or {}).get(q.absent)
        if not units or not q.terms:
            return None
        if not (q.kind == "target" or q.years or q.field == "baseline" or any(w in q.norm.replace(" ", "")
                                                     for w in self.lex.query.get("value_asked") or ())):
            return None  # "มีโรงเรียนในสังกัดกี่โรง" asks a count of the office, not a row's target
        nq = _with(q, intent="numeric", absent=None)
        parts = []
        for plan in plans:
            found = self.find_indicators(nq, plan)
            if len(found) == 1 and any(u in _unit_of(found[0][1]) for u in units):
                parts.append(self._indicator_values(nq, plan, *found[0], self.office(plan)))
        answered = [a for a in parts if a.status == "answered"]
        return self._merge(q, answered) if answered else None

    def absent(self, q: Question, plans: list[Plan]) -> Answer:
        """A fact development plans do not hold (who signed, how many schools): not_found,
        with the nearest text the plan has."""
        if q.absent in ("signer", "director"):
            signed = self._signature(q, plans)
            if signed is not None:
                return signed
        offices = ", ".join(sorted({self.office(p) for p in plans})) or self.T("office_fallback")
        text = self.T(f"absent_{q.absent}", office=offices)
        near = self._nearest_text(q, plans)
        if near:
            text += "\n" + self.T("nearest_head") + "\n" + near[0]
        return Answer(q.text, text, "not_found", citations=[near[1]] if near else [])

    def _signature(self, q: Question, plans: list[Plan]) -> Answer | None:
        """A signature block the plan prints ("( นายบวร เทศารินทร์ ) ผู้อำนวยการ…"), quoted."""
        titles = "|".join(map(re.escape, sorted(self.lex.query.get("signature_titles") or (), key=len, reverse=True)))
        if not titles:
            return None
        pat = re.compile(rf"\(\s*((?:{titles})[^()\n]{{2,60}}?)\s*\)\s*\n\s*(ผู้อำนวยการ[^\n]{{0,120}})")
        lines, cites = [], []
        for plan in plans:
            text = self.store.texts[plan.doc_id]
            for m in pat.finditer(text):
                rec = self._passage_at(plan, m.start())
                if rec is None:
                    continue
                lines.append(self.T("signature_found", office=self.office(plan), name=m.group(1).strip(),
                                    title=thai.one_line(m.group(2))))
                cites.append(self.r.citation(rec, Span(plan.doc_id, m.start(), m.end())))
                break
        if not lines:
            return None
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def _whose(self, q: Question) -> Answer:
        """"วิสัยทัศน์ 'X' เป็นของเขตไหน": the plans that print the quoted passage (``q.quoted``);
        an office's plan names it (cited); a document that names no office gives no office
        (not_found)."""
        keys = self._quote_keys(q.quoted)
        found = [(p, rec) for p in self.plans_quoting(q.quoted)
                 if (rec := next((r for r in self.r.of_plan(p)
                                  if any(k in thai.squash(thai.to_arabic(r.text)) for k in keys)), None))]
        named = [(p, r) for p, r in found if p.office_id]
        if named:
            return Answer(q.text, "\n".join(self.T("whose_found", office=self.office(p)) for p, _ in named),
                          "answered", citations=[self.r.citation(r) for _, r in named])
        cites = [self.r.citation(r) for _, r in found]
        return Answer(q.text, self.T("whose_unknown" if found else "whose_not_found"), "not_found", citations=cites)

    def _nearest_text(self, q: Question, plans: list[Plan]) -> tuple[str, Citation] | None:
        doc_ids = {p.doc_id for p in plans}
        for rid, _ in self.search(q.topic or q.text, k=5):
            rec = self.r.get(rid)
            if rec and rec.plan.doc_id in doc_ids and rec.kind != "passage":
                c = self.r.citation(rec)
                return self.T("nearest_item", section=f"{self.office(rec.plan)} · {c.section}",
                              text=_short(rec.text, 100)), c
        return None

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
            if re.search(r"(?:มี)?\s*กี่\s*(?:" + re.escape(kind) + r"|ข้อ)", q.norm):
                # "มีกี่กลยุทธ์ แล้วกลยุทธ์ที่ 5 คืออะไร": the count too, with the last one's title
                last = plan.strategies[-1]
                lines.insert(0, self.T("strategy_count", office=office, kind=kind, count=len(plan.strategies),
                                       last=last.number, title=last.title))
                cites.append(self.r.citation(self.r.get(last.id)))
            if s.goals:
                lines.append(self.T("strategy_goals", goals="; ".join(_short(g.text, 90) for g in s.goals[:4])))
                cites += [self.r.citation(self.r.get(g.id)) for g in s.goals[:4]]
            if s.indicators or s.guidelines:
                lines.append(self.T("strategy_counts", indicators=len(s.indicators), guidelines=len(s.guidelines)))
            if s.description:
                # a strategy printed as prose (its headings and paragraphs) is answered by that prose:
                # whole when it is all the plan says of it, its start otherwise
                limit = STRATEGY_PROSE_CHARS if not (s.indicators or s.guidelines) else 300
                lines.append(self.T("strategy_description", text=_prose(s.description, limit)))
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
        if q.strategy and any(w in q.norm for w in self.lex.query.get("name_asked") or ()):
            # "กลยุทธ์ที่ 4 ชื่ออะไร มีแนวทางกี่ข้อ": its title first
            lines.insert(0, self.T("strategy_one", office=office, kind=s.kind, number=s.number, title=s.title))
            cites.append(self.r.citation(self.r.get(s.id)))
        shown, first, more = self._page(q, s.guidelines)
        for g in shown:
            resp = self.T("guideline_responsible", unit=g.responsible) if g.responsible else ""
            lines.append(self.T("guideline_item", number=g.number, text=_short(g.text), responsible=resp))
            cites.append(self.r.citation(self.r.get(g.id)))
        if more:
            lines.append(self.T("list_more", shown=f"{first + 1}–{first + len(shown)}", count=len(s.guidelines),
                                more=len(s.guidelines) - first - len(shown)).replace("ตัว", "ข้อ"))
        return Answer(q.text, "\n".join(lines), "answered", citations=cites, has_more=more)

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
        if q.item:
            one = [i for i in items if i.number == q.item]
            if not one:
                return Answer(q.text, self.T("overview_item_missing", label=label, number=q.item, office=office,
                                             count=len(items)), "not_found")
            i = one[0]
            return Answer(q.text, self.T("overview_one", label=label, number=i.number, office=office, text=i.text),
                          "answered", citations=[self.r.citation(self.r.get(i.id))])
        lines = [self.T("overview_list", label=label, office=office)]
        lines += [self.T("overview_item", number=i.number, text=_short(i.text, 160)) for i in items]
        cites = [self.r.citation(self.r.get(i.id)) for i in items]
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    # ------------------------------------------------------------ compare / align / open
    def compare(self, q: Question, plans: list[Plan]) -> Answer:
        plans = [p for p in plans if p.office_id]
        if q.unknown_doc:  # "กลยุทธ์ของ ชม.6 กับเอกสารที่ไม่ระบุเขต": that document is one side
            plans += [p for p in self.store.plans.values() if not p.office_id and p not in plans]
        parts = [Answer(q.text, self.T("compare_head"), "answered")]
        strategies_asked = bool(re.search(r"กลยุทธ์|นโยบาย|ยุทธศาสตร์", q.norm)) and not q.strategy \
            and not q.indicator and not re.search(r"ตัวชี้วัด|kpi|เป้า", q.norm, re.I)
        for plan in plans:
            office = self.office(plan)
            topical = bool(q.terms) and not re.search(r"กลยุทธ์|นโยบาย|วิสัยทัศน์|กี่ข้อ|กี่ตัว", q.norm)
            if strategies_asked:
                sub = self._strategy_plan(q, plan)
            elif len(plans) == 1 and not q.indicator and (two := self._two_subjects(q, plan)) is not None:
                sub = two  # "ป.3 อ่านคล่องเขียนคล่อง กับ ป.3 คิดคำนวณเป็น ต่างกันไหม": two rows of one plan
            elif q.indicator or topical or re.search(r"เป้า|ค่า|ผล|target|o-net|ร้อยละ", q.norm, re.I):
                sub = self._numeric_plan(q, plan)
            elif re.search(r"ตัวชี้วัด|kpi", q.norm, re.I):
                sub = self._list_plan(q, plan)
            elif re.search(r"วิสัยทัศน์|vision", q.norm, re.I):
                sub = self._overview_plan(_with(q, part="vision"), plan)
            else:
                sub = self._strategy_plan(q, plan)
            sub.answer = self.T("compare_office", office=office) + "\n" + sub.answer
            parts.append(sub)
        merged = self._merge(q, parts)
        conclusion = self._compare_conclusion(merged.values)
        if strategies_asked and len(plans) == 2:
            conclusion = self._same_titles(plans)
        if conclusion:
            merged.answer += "\n" + self.T("compare_conclusion", text=conclusion)
        return merged

    def _two_subjects(self, q: Question, plan: Plan) -> Answer | None:
        """Two subjects joined by "กับ" / "และ" / "vs" in a comparison of one plan: each side is
        linked by its own words (each must link to one row, the two rows differ), and both rows'
        figures are given; ``None`` when the question is not of that form or a side does not link."""
        sides = [x for x in re.split(r"\s+(?:กับ|และ|vs\.?)\s*|\s*(?:กับ|vs\.?)\s+", q.topic) if x.strip()]
        if len(sides) != 2:
            return None
        rows = []
        for side in sides:
            terms = [t for t in q.terms if fold(t) in fold(side)]
            if not terms:
                return None
            group = next((g for w, g in sorted(GROUP_WORDS.items(), key=lambda kv: -len(kv[0]))
                          if len(w) > 2 and w in side), None)
            grades = [g for g in q.grades if any(fold(f) in fold(side) for f in grade_forms(g, self.lex.query))]
            found = self.find_indicators(_with(q, topic=side, terms=list(dict.fromkeys(terms)), group=group,
                                               grades=grades or q.grades, plural=False), plan)
            if len(found) != 1:
                return None
            rows.append(found[0])
        if rows[0][1] is rows[1][1]:
            return None
        office = self.office(plan)
        got = [self._indicator_values(q, plan, s, ind, office) for s, ind in rows]
        if any(g.status != "answered" for g in got):
            return None
        return self._merge(q, got)

    def _same_titles(self, plans: list[Plan]) -> str | None:
        """How many strategy titles two plans share (compared ignoring spacing and digits' script)."""
        a, b = ({fold(s.title) for s in p.strategies} for p in plans)
        if not a or not b:
            return None
        return self.T("compare_titles", same=len(a & b), first=len(a), second=len(b))

    def _compare_conclusion(self, values: list[Value]) -> str | None:
        """The conclusion computed from the values: equal, which is higher, or units differ."""
        by_office: dict[str, list[Value]] = defaultdict(list)
        one_office = len({v.office for v in values}) == 1
        for v in values:  # the sides: offices, or two rows of one office (named by their numbers)
            by_office[f"ตัวชี้วัดที่ {v.indicator}" if one_office else v.office].append(v)
        if len(by_office) < 2:
            return None
        words = self.lex.query
        years = set.intersection(*({v.year for v in vs} for vs in by_office.values()))
        out = []
        for y in sorted(x for x in years if x is not None):
            per = {o: [v for v in vs if v.year == y] for o, vs in by_office.items()}
            if any(len(vs) != 1 for vs in per.values()):
                continue
            vals = {o: vs[0] for o, vs in per.items()}
            names = {o: (self.store.offices[o].short if o in self.store.offices else o) for o in vals}
            if len({v.unit for v in vals.values()}) > 1:
                out.append(f"ปี {y}: {words.get('compare_units_differ')}")
                continue
            try:
                nums = {o: float(v.value) for o, v in vals.items()}
                [Decimal(thai.to_arabic(v.value)) for v in vals.values()]
            except (ValueError, InvalidOperation):
                same = len({v.value for v in vals.values()}) == 1
                if same:
                    out.append(f"ปี {y}: {words.get('compare_equal')} ({next(iter(vals.values())).value})")
                continue
            if len(set(nums.values())) == 1:
                out.append(f"ปี {y}: {words.get('compare_equal')} ({next(iter(vals.values())).value})")
            else:
                hi = max(nums, key=nums.get)
                lo = min(nums, key=nums.get)
                line = (f"ปี {y}: {names[hi]} ({vals[hi].value}) {words.get('compare_higher')} "
                        f"{names[lo]} ({vals[lo].value})")
                if len(nums) == 2 and words.get("compare_difference"):
                    # the difference, exact (Decimal: 90 - 80.5 is 9.5, not 9.499…)
                    diff = Decimal(thai.to_arabic(vals[hi].value)) - Decimal(thai.to_arabic(vals[lo].value))
                    line += " " + words["compare_difference"].format(diff=f"{diff.normalize():f}")
                out.append(line)
        return "; ".join(out) or None

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
        if q.absent in ("signer", "director") and (signed := self._signature(q, plans)) is not None:
            lines += signed.answer.splitlines()  # "ประกาศเมื่อไหร่ ใครลงนาม": both
            cites += signed.citations
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def anchored(self, q: Question, plans: list[Plan]) -> Answer | None:
        """"5Q มีอะไรบ้าง", "มาตรา 12", "ภัย 9 รูปแบบ": a name or counted phrase of the question
        (lexicon ``query.anchor_patterns``) that the plan prints. The answer is the printed
        sentence that lists it ("… ๙ รูปแบบ ได้แก่ …"), or the items printed under it (lines
        of one shape: "Q1 : …", "Q2 : …"), or the passage holding it; ``None`` when no plan
        prints it."""
        anchors = _anchors(q.text, self.lex)
        letters = any(w in q.norm for w in self.lex.query.get("letters_asked") or ())
        if not anchors and letters:  # "SMART Teachers … ย่อมาจากอะไร": the name, with the word after it
            anchors = re.findall(r"(?<![A-Za-z])[A-Z]{3,}(?:\s+[A-Z][a-z]+)?(?![A-Za-z])", q.text)[:1]
        if not anchors:
            return None
        for plan in plans:
            text = self.store.texts[plan.doc_id]
            key = thai.to_arabic(text).lower()  # one character for one: positions stay
            for a in anchors:
                found = []
                for m in re.finditer(_anchor_regex(a), key):
                    listed = _listed_after(text, m.start(), m.end(), set(re.sub(r"[^A-Z]", "", a.upper())))
                    if listed is not None:
                        found.append((m, listed))
                if q.strategy and found and letters:  # "S M A R T ในตารางกลยุทธ์ที่ 1": the place in that strategy
                    found = self._after_strategy(plan, q.strategy, found)[:1]
                if not found:
                    continue
                # "5Q": the place that lists Q1, Q2, … (not an earlier mention listing A1, A2, …)
                letter = re.sub(r"[^a-z]", "", a.lower())[:1]
                lettered = [(m, li) for m, li in found if len(li[2]) > 2 and letter
                            and li[2][1].strip().lower().startswith(letter)]
                # the tightest such place: the items printed right under the anchor
                m, listed = min(lettered, key=lambda x: x[1][1] - x[1][0]) if lettered else found[0]
                start, end, lines = listed
                rec = self._passage_at(plan, m.start())
                if rec is None:
                    continue
                c = self.r.citation(rec, Span(plan.doc_id, start, end))
                body = "\n".join([lines[0], *(f"- {x}" for x in lines[1:])])
                return Answer(q.text, self.T("anchor_head", office=self.office(plan), section=c.section,
                                             anchor=a) + "\n" + body, "answered", citations=[c])
        return None

    def _after_strategy(self, plan: Plan, number: str, found: list) -> list:
        """The matches printed among or right after strategy ``number``'s indicators (its table's
        header row, a note under it): the last indicator before a match names its strategy.
        All of them when none is."""
        starts = sorted((i.span.start, st.number) for st in plan.strategies for i in st.indicators
                        if i.span is not None and i.span.doc_id == plan.doc_id)

        def strategy_before(pos: int) -> str | None:
            before = [num for start, num in starts if start <= pos]
            return before[-1] if before else None

        return [x for x in found if strategy_before(x[0].start()) == number] or found

    def _passage_at(self, plan: Plan, pos: int) -> Record | None:
        for rec in self.r.of_plan(plan):
            if rec.plan is plan and rec.span.start <= pos < rec.span.end:
                return rec
        return None

    def open(self, q: Question, plans: list[Plan]) -> Answer:
        part = next((w for w in self.lex.query.get("plan_parts", ()) if w in q.norm.lower()), None)
        if part:
            # a part the plan has is a heading: the word opens a line ("ค่านิยม", "1. ค่านิยมองค์กร");
            # the word inside a sentence ("ถักทอความรู้ ทักษะ เจตคติ ค่านิยม") is no such section
            heading = re.compile(rf"(?m)^[\s\d.()\-•*๐-๙]*{re.escape(part)}", re.I)
            # … unless the question names a phrase of it the plan prints ("อัตลักษณ์ท้องถิ่น": a topic)
            after = thai.tokenize(q.norm.lower().split(part, 1)[1].strip())[:1]
            phrase = part + after[0] if after and re.match(r"[ก-๙]", after[0]) else None
            lacking = [p for p in plans if not heading.search(thai.to_arabic(self.store.texts[p.doc_id]))
                       and not (phrase and phrase in thai.normalize(self.store.texts[p.doc_id]).replace(" ", ""))]
            if lacking and len(lacking) == len(plans):
                offices = ", ".join(sorted({self.office(p) for p in lacking}))
                text = self.T("part_absent", office=offices, part=part)
                near = self._nearest_text(q, plans)
                if near:
                    text += "\n" + self.T("nearest_head") + "\n" + near[0]
                return Answer(q.text, text, "not_found", citations=[near[1]] if near else [])
            plans = [p for p in plans if p not in lacking] or plans
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


def _years_holding(targets: list[Target], which: str, asked: list[int] | None = None) -> list[int]:
    """The years whose target is ``which`` (else the years at or above it); for "flat",
    the years of the row's last level, when it held for two years or more; "max"/"min":
    the years of the highest/lowest target; "trend": each year asked and the year before."""
    ts = sorted((t for t in targets if t.kind == "target" and t.year and t.numeric is not None
                 and not t.sub_item), key=lambda t: t.year)
    if len({t.year for t in ts}) != len(ts):
        return []  # two figures in one year: which series is asked is not known
    if which in ("max", "min") and ts:
        best = (max if which == "max" else min)(t.numeric for t in ts)
        return [t.year for t in ts if t.numeric == best]
    if which == "trend":
        years = [t.year for t in ts]
        out = {y for a in (asked or years[-1:]) if a in years and years.index(a) > 0
               for y in (years[years.index(a) - 1], a)}
        return sorted(out)
    if which == "flat":  # as printed: a target in words ("ดีเยี่ยม") may stay the same too
        printed = sorted((t for t in targets if t.kind == "target" and t.year and not t.sub_item), key=lambda t: t.year)
        if len({t.year for t in printed}) != len(printed):
            return []
        run = []
        for t in reversed(printed):
            if run and t.value.strip() != run[-1].value.strip():
                break
            run.append(t)
        return sorted(t.year for t in run) if len(run) > 1 else []
    want = thai.parse_number(which)
    if want is None:
        return []
    return [t.year for t in ts if t.numeric == want] or [t.year for t in ts if t.numeric >= want]


def _met_by_year(targets: list[Target], lower_is_better: bool) -> list[tuple[int, Target, Target, bool]]:
    """(year, result, target, met) for each year that prints both, as numbers."""
    out = []
    for y in sorted({t.year for t in targets if t.year}):
        res = [t for t in targets if t.year == y and t.kind == "result" and t.numeric is not None]
        tgt = [t for t in targets if t.year == y and t.kind == "target" and t.numeric is not None]
        if len(res) == 1 and len(tgt) == 1:
            r, t = res[0].numeric, tgt[0].numeric
            out.append((y, res[0], tgt[0], r <= t if lower_is_better else r >= t))
    return out


def _own_years(plan: Plan, plan_years: set[int]) -> set[int]:
    """The years a plan sets targets for: its stated years, less the years it reports results
    of (a one-year plan that prints last year's target and result beside its own year's)."""
    stated = set(range(plan.years[0], plan.years[1] + 1)) if plan.years else set(plan_years)
    reported = {t.year for i in plan.indicators() for t in i.targets if t.kind == "result" and t.year}
    return (stated - reported) or stated


def _rises_by(ind: Indicator, step: float) -> bool:
    """A row whose yearly targets (one number a year, three years or more) rise by ``step``
    from each year to the next ("เพิ่มขึ้นปีละ 2")."""
    tg = sorted((t for t in ind.targets if t.kind == "target" and t.year and not t.sub_item), key=lambda t: t.year)
    if len(tg) < 3 or len({t.year for t in tg}) != len(tg) or any(t.numeric is None for t in tg):
        return False
    return all(abs(b.numeric - a.numeric - step) < 1e-9 for a, b in zip(tg, tg[1:], strict=False))


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


# vowel length and tone marks, often typed (or printed) one for the other: "วิถีพุทธ" is
# the plan's "วิถิพุทธ"; "เท่าไหร" is "เท่าไหร่"
_FOLD = str.maketrans({"ี": "ิ", "ื": "ึ", "ู": "ุ", "่": None, "้": None, "๊": None, "๋": None, "็": None})


def _names_topic(norm: str, lex) -> bool:
    """The question names a topic ("เรื่อง…", "เกี่ยวกับ…"): lexicon ``query.topic_markers``."""
    return any(w in norm for w in lex.query.get("topic_markers") or ())


def fold(text: str) -> str:
    """Comparison key of :func:`thai.squash` that also ignores vowel length and tone marks."""
    return thai.squash(text).translate(_FOLD)


def _holds(text: str, word: str) -> bool:
    """``word`` in ``text``; a Latin word only where no Latin letter touches it ("pm" is
    not in "development"); Thai compared by :func:`fold`."""
    if not re.fullmatch(r"[a-z0-9\-.]+", word):
        return fold(word) in fold(text)
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text.lower()) is not None


def text_coverage(terms: list[str], text: str, synonyms: dict) -> float:
    """Share of ``terms`` (or one of their synonyms) found in ``text``."""
    if not terms:
        return 0.0
    t = fold(text)
    return sum(1 for w in terms if any(fold(x) in t for x in (w, *synonyms.get(w.lower(), ())))) / len(terms)


def _unit_of(ind: Indicator) -> str:
    return ind.unit or next((t.unit for t in ind.targets if t.unit), "") or ""


def _names_unit(ind: Indicator, unit: str) -> bool:
    """Whether the row's responsible (or source) column names ``unit`` ("นโยบายและแผน" names a
    cell "แผน" or "แผน/ทุกกลุ่ม"; "บุคคล" the cell "บุคคล"): a cell part inside the phrase or
    the phrase inside a part."""
    want = fold(unit).replace(" ", "")
    cells = " / ".join(x for x in (ind.responsible, ind.source) if x)
    parts = [fold(p).replace(" ", "") for p in re.split(r"[/,]", cells)]
    return any(len(p) >= 2 and not p.startswith("ทุก") and (p in want or want in p) for p in parts)


def _year_change(ind: Indicator, q: Question) -> bool:
    """The row's target of the other year asked is lower / higher than its target of
    ``q.year_change_from`` (both printed as numbers)."""
    other = next(y for y in q.years if y != q.year_change_from)
    tv = {t.year: t.numeric for t in ind.targets if t.kind == "target" and t.numeric is not None}
    if other not in tv or q.year_change_from not in tv:
        return False
    return tv[other] < tv[q.year_change_from] if q.year_change == "lower" else tv[other] > tv[q.year_change_from]


def _targets_other(ind: Indicator, years: list[int], value: float, not_every: bool = False) -> list[Target]:
    """The row's numeric targets of ``years`` (all years when none) when none of them equals
    ``value`` ("ที่ปี 66 ไม่ได้ตั้งไว้ 100"); [] when one does or there is none. ``not_every``
    ("ไม่ได้ตั้ง 100 ทุกปี"): every target of the row when one of them is another value."""
    tg = [t for t in ind.targets if t.kind == "target" and t.numeric is not None and (not years or t.year in years)]
    if not_every:
        return tg if any(t.numeric != value for t in tg) else []
    return [] if any(t.numeric == value for t in tg) else tg


def _extreme_targets(ind: Indicator, years: list[int], unit: str) -> list[Target]:
    """The row's numeric targets of ``years`` (all years when none): the values a lowest /
    highest comparison weighs (one sub-item's figure in another unit is left out)."""
    return [t for t in ind.targets if t.kind == "target" and t.numeric is not None
            and (not years or t.year in years) and (not t.unit or t.unit == unit or not unit)]


def _targets_below(ind: Indicator, years: list[int], limit: float) -> list[Target]:
    """The targets of ``years`` (all years when none) printed as a number below ``limit``."""
    return [t for t in ind.targets if t.kind == "target" and t.numeric is not None and t.numeric < limit
            and (not years or t.year in years)]


def topic_coverage(terms: list[str], ind: Indicator, synonyms=None, weights: dict[str, float] | None = None) -> float:
    """Share of the question's content words found in the indicator's own text (a word
    counts when it or one of its lexicon synonyms is there), each word weighted by
    ``weights`` (default 1)."""
    if not terms:
        return 0.0
    raw = " ".join([ind.text, *ind.sub_items])
    text = fold(raw)
    syn = synonyms or lexicon.load().query.get("synonyms") or {}
    w = weights or {}
    total = sum(w.get(t, 1.0) for t in terms) or 1.0
    return sum(w.get(t, 1.0) for t in terms if any(_form_in(x, text, raw) for x in (t, *syn.get(t.lower(), ())))) / total


def _form_in(form: str, folded: str, raw: str) -> bool:
    """A word form in a text: a Latin form as a word of the text ("ita" is not in "Digital"),
    Thai by :func:`fold` (``folded`` is ``fold(raw)``)."""
    if re.fullmatch(r"[A-Za-z0-9\-.]+", form):
        return _holds(raw, form.lower())
    return fold(form) in folded


def _anchors(question: str, lex) -> list[str]:
    """The names and counted phrases of a question a plan may print as written."""
    norm = thai.to_arabic(" ".join(question.split()))
    out = []
    for pat in lex.query.get("anchor_patterns") or ():
        for m in re.finditer(pat, norm):
            a = m.group(0).strip()
            if a and a not in out:
                out.append(a)
    return out


def _anchor_regex(anchor: str) -> str:
    """A regex for ``anchor`` in a lower-cased, Arabic-digit text: spaces optional, no
    letter or digit glued on either side of a Latin or numeric anchor."""
    parts = [re.escape(ch) for ch in anchor.lower() if not ch.isspace()]
    return r"(?<![a-z0-9])" + r"\s*".join(parts) + r"(?![a-z0-9])"


_LIST_INTRO = re.compile(r"ได้แก่|ดังนี้|ประกอบด้วย|คือ")
_ITEM_SHAPE = re.compile(r"^\s*([A-Za-z]{1,2}\d{0,2}|\d{1,2}|[๐-๙]{1,2})\s*([:;.)])\s*\S")
LISTED_ITEMS_MAX = 12


def _listed_after(text: str, start: int, end: int, letters: set[str] | frozenset = frozenset()) \
        -> tuple[int, int, list[str]] | None:
    """What the plan lists at an anchor: the rest of its sentence when it introduces the
    items itself ("๙ รูปแบบ ได้แก่ …"), else the lines after it that share one item shape
    ("Q1 : …", "Q2 : …"; each shown to "หมายถึง" or 100 characters), else its own line.
    An acronym's items are its letters: for "4A PLUS" the lines "A1 :" … "P :" "L :" "U :" "S :"."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    tail = text[end:line_end]
    if (m := _LIST_INTRO.search(tail)) and len(tail[m.end():].strip()) >= 20:
        return line_start, line_end, [thai.clip(text[line_start:line_end], 700)]
    if line_end - line_start > 700:  # a long paragraph: the part around the anchor
        line_start, line_end = max(line_start, start - 350), min(line_end, end + 350)
    items, shape, last = [], None, line_end
    seen: set[str] = set()
    pos = line_end
    while pos < len(text) and len(items) < LISTED_ITEMS_MAX and pos - last < 3000:
        nxt = text.find("\n", pos + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[pos:nxt].strip("\n")
        m = _ITEM_SHAPE.match(line)
        if m:
            sh = (re.sub(r"\d|[๐-๙]", "9", m.group(1)), m.group(2))  # "Q1 :" and "Q2 :", not "A1 :"
            if shape is None:
                shape = sh
            lettered = bool(letters) and m.group(2) in ":;" and m.group(1)[:1].upper() in letters
            if letters and m.group(1).upper() in seen:
                break  # "S ; …" again: the next list of the same letters (another table's note)
            if (lettered and (not items or shape[1] in ":;")) or (not letters and sh == shape) \
                    or (letters and sh == shape and m.group(1)[:1].upper() in letters):
                head = line.strip().split("หมายถึง")[0]
                items.append(thai.clip(head, 100))
                seen.add(m.group(1).upper())
                last = nxt
        pos = nxt
    if len(items) >= 2:  # the line that introduces them, then the items
        return line_start, last, [thai.clip(text[line_start:line_end], 400), *items]
    if tail.strip() or text[line_start:start].strip():
        return line_start, line_end, [thai.clip(text[line_start:line_end], 700)]
    return None


def _prose(text: str, n: int) -> str:
    """``text`` with its line breaks kept (headings stay visible), cut at ``n`` characters."""
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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


def _mentioned_sub_items(norm: str, ind: Indicator, prefixes=()) -> set[str]:
    """Sub-items a question names (e.g. "ม.6", "ป.1"): matched without spaces/dots, also
    without a leading word of ``prefixes`` ("ความสามารถพิเศษ" names "ผู้มีความสามารถพิเศษ")."""
    q = thai.squash(norm)
    out = set()
    for label in ind.sub_items:
        key = thai.squash(label)
        keys = [key] + [key[len(p):] for p in map(thai.squash, prefixes)
                        if p and key.startswith(p) and len(key) - len(p) >= 4]
        for k in keys:
            # "ป1" must not match inside "ป12"; the next char must not be a digit
            i = q.find(k) if k else -1
            if i >= 0 and not q[i + len(k) : i + len(k) + 1].isdigit():
                out.add(label)
                break
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
