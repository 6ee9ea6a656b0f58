"""A flat view of every plan record by id, with its office, section label and quote."""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.domain import thai
from assistant.domain.models import Citation, Guideline, Indicator, Plan, Span, Strategy, TextItem
from assistant.ingest.passages import passage_id, passages
from assistant.stores.sqlite import Store


@dataclass
class Record:
    id: str
    kind: str  # vision | mission | goal | strategy | strategic_goal | guideline | indicator
    plan: Plan
    strategy: Strategy | None
    item: object  # TextItem | Strategy | Guideline | Indicator
    text: str
    span: Span

    @property
    def indicator(self) -> Indicator | None:
        return self.item if isinstance(self.item, Indicator) else None


def section_label(rec_kind: str, strategy: Strategy | None, item=None) -> str:
    if rec_kind == "vision":
        return "วิสัยทัศน์"
    if rec_kind == "passage":
        return "ข้อความในเอกสาร"
    if rec_kind == "missions":
        return "พันธกิจ"
    if rec_kind == "goals":
        return "เป้าประสงค์"
    if rec_kind == "mission":
        return f"พันธกิจ ข้อ {item.number}"
    if rec_kind == "goal":
        return f"เป้าประสงค์ ข้อ {item.number}"
    head = f"{strategy.kind}ที่ {strategy.number}" if strategy else ""
    if rec_kind == "strategic_goal":
        return f"{head} › เป้าประสงค์ ข้อ {item.number}"
    if rec_kind == "guideline":
        return f"{head} › แนวทางการพัฒนา ข้อ {item.number}"
    if rec_kind == "indicator":
        return f"{head} › ตัวชี้วัดที่ {item.number}"
    return head


class _RecordsById(Mapping):
    """Every record by id, built one plan at a time on first use (a record id starts with
    its document id), so opening costs nothing and a query about one office reads only
    that office's plans. Iteration follows the document order, as a full dict would."""

    def __init__(self, records: Records):
        self._records = records
        self._by_doc: dict[str, dict[str, Record]] = {}
        self._lock = threading.Lock()

    def of_doc(self, doc_id: str) -> dict[str, Record]:
        got = self._by_doc.get(doc_id)
        if got is None:
            with self._lock:
                got = self._by_doc.get(doc_id)
                if got is None:
                    got = self._records._build(self._records.store.plans[doc_id])
                    self._by_doc[doc_id] = got
        return got

    def __getitem__(self, rid: str) -> Record:
        doc_id = rid.split("/", 1)[0]
        if doc_id not in self._records.store.plans:
            raise KeyError(rid)
        return self.of_doc(doc_id)[rid]

    def __contains__(self, rid) -> bool:
        try:
            self[rid]
        except KeyError:
            return False
        return True

    def __iter__(self):
        for doc_id in self._records.store.plans:
            yield from self.of_doc(doc_id)

    def __len__(self) -> int:
        return sum(len(self.of_doc(d)) for d in self._records.store.plans)


class Records:
    def __init__(self, store: Store):
        self.store = store
        self.by_id: Mapping[str, Record] = _RecordsById(self)

    def _build(self, plan: Plan) -> dict[str, Record]:
        """The records of one plan, in the order the flat view always listed them."""
        store = self.store
        out: dict[str, Record] = {}

        def add(kind, strategy, item, text):
            out[item.id] = Record(item.id, kind, plan, strategy, item, text, item.span)

        if plan.vision:
            add("vision", None, plan.vision, plan.vision.text)
        for m in plan.missions:
            add("mission", None, m, m.text)
        for g in plan.goals:
            add("goal", None, g, g.text)
        for kind, items in (("missions", plan.missions), ("goals", plan.goals)):
            if items:  # the list as a whole (a retrieval chunk of its own)
                rid = f"{plan.doc_id}/{kind}"
                span = cover(*(i.span for i in items))
                out[rid] = Record(rid, kind, plan, None, None, " ".join(i.text for i in items), span)
        for s in plan.strategies:
            add("strategy", s, s, f"{s.title} {s.description or ''}".strip())
            for g in s.goals:
                add("strategic_goal", s, g, g.text)
            for g in s.guidelines:
                add("guideline", s, g, g.text)
            for ind in s.indicators:
                add("indicator", s, ind, " ".join([ind.text, *ind.sub_items]))
        text = store.texts[plan.doc_id]
        for span in passages(plan, text):
            rid = passage_id(plan.doc_id, span.start)
            out[rid] = Record(rid, "passage", plan, None, None, thai.one_line(text[span.start : span.end]), span)
        return out

    def of_plan(self, plan: Plan) -> list[Record]:
        """The records of one plan only (reads no other plan)."""
        return list(self.by_id.of_doc(plan.doc_id).values())

    def get(self, rid: str) -> Record | None:
        return self.by_id.get(rid.split("#", 1)[0])

    def strategy_texts(self, plan: Plan) -> list[tuple[str, str]]:
        """Each strategy's own texts, as (strategy number, one line): its title (and
        description), strategic goals, guidelines (heading and text) and indicators (their
        record text), in order. A project idea is compared with them by meaning; the build
        embeds them, so no answer has to."""
        out: list[tuple[str, str]] = []
        for s in plan.strategies:
            own = [s.title, s.description or "", *(g.text for g in s.goals),
                   *(" ".join(x for x in (g.heading, g.text) if x) for g in s.guidelines)]
            for i in s.indicators:
                rec = self.get(i.id)
                own.append(rec.text if rec else i.text)
            out.extend((s.number, t) for t in (thai.one_line(t or "") for t in own) if t)
        return out

    def office_name(self, plan: Plan, fallback: str) -> str:
        o = self.store.offices.get(plan.office_id) if plan.office_id else None
        return o.short if o else fallback

    def citation(self, rec: Record, span: Span | None = None) -> Citation:
        span = span or rec.span
        s = rec.strategy
        ind = rec.indicator
        page = rec.plan.page_of(span.start)  # documents with pages (PDF): "หน้า N"
        return Citation(
            doc=rec.plan.doc_id,
            office=rec.plan.office_id,
            section=section_label(rec.kind, s, rec.item) + (f" หน้า {page}" if page else ""),
            strategy=s.number if s else None,
            indicator=ind.number if ind else None,
            quote=self.store.quote(span),
            start=span.start,
            end=span.end,
            page=page,
        )


def cover(*spans: Span) -> Span:
    return Span(spans[0].doc_id, min(s.start for s in spans), max(s.end for s in spans))


class SimpleSearch:
    """A small BM25 over pythainlp tokens of every record: the fallback search used
    when the hybrid retrieval index is not built."""

    def __init__(self, records: Records):
        self.records = records
        self.docs = {rid: Counter(thai.tokenize(r.text)) for rid, r in records.by_id.items()}
        df = Counter(t for c in self.docs.values() for t in c)
        n = max(1, len(self.docs))
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.avg = sum(sum(c.values()) for c in self.docs.values()) / n

    def search(self, text: str, *, office_id=None, doc_id=None, kinds=None, strategy=None, k=10):
        q = [t for t in thai.tokenize(text) if not re.fullmatch(r"\d+", t)]
        out = []
        for rid, c in self.docs.items():
            r = self.records.by_id[rid]
            if office_id and r.plan.office_id != office_id:
                continue
            if doc_id and r.plan.doc_id != doc_id:
                continue
            if kinds and r.kind not in kinds:
                continue
            if strategy and (not r.strategy or r.strategy.number != strategy):
                continue
            ln = sum(c.values()) or 1
            score = sum(self.idf.get(t, 0) * c[t] * 2.2 / (c[t] + 1.2 * (0.25 + 0.75 * ln / self.avg)) for t in q if t in c)
            if score > 0:
                out.append((rid, score))
        out.sort(key=lambda t: -t[1])
        return out[:k]


__all__ = ["Records", "Record", "SimpleSearch", "cover", "section_label", "Guideline", "TextItem"]
