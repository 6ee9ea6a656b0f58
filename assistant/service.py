"""The one service every entry point calls (CLI, HTTP API, web page, LINE webhook)."""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import replace
from pathlib import Path

from assistant import settings
from assistant.domain import thai
from assistant.domain.models import Answer, Office
from assistant.domain.offices import OfficeMention, OfficeResolver
from assistant.errors import IndexMissingError, PlanQAError
from assistant.ingest.pipeline import current_dir, store_path
from assistant.qa.answer import Answerer, Templates
from assistant.qa.records import Records, SimpleSearch
from assistant.qa.understand import Question, understand
from assistant.stores.sqlite import Store

log = logging.getLogger("planqa.service")


class BadQuestion(PlanQAError):
    pass


class Assistant:
    """Loads the built index once; answers questions; thread-safe for reads."""

    def __init__(self, index_dir: Path | None = None, *, hybrid: bool = True):
        s = settings.get()
        self.settings = s
        self.index_dir = index_dir or s.index_dir
        path = store_path(self.index_dir)
        if not path.exists():
            raise IndexMissingError()
        self.store = Store(path)
        self.records = Records(self.store)
        self.resolver = OfficeResolver(list(self.store.offices.values()))
        self.templates = Templates(s.prompts_dir / "answers.yaml")
        self.retriever = None
        self._hybrid = hybrid
        self._loaded = not hybrid
        self._lock = threading.Lock()
        self._simple: SimpleSearch | None = None  # the lexical fallback, built when needed
        self._counts = self.store.counts()
        self.answerer = Answerer(self.records, self.search_fn, self.templates)

    def warm(self) -> None:
        """Load the hybrid retriever now (servers call this at start-up; the CLI loads
        it only when a question needs search, so structured answers start fast)."""
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            try:
                from assistant.qa.retrieve import Retriever

                self.retriever = Retriever(current_dir(self.index_dir), self.store)
            except Exception as e:  # no vector index in this build: lexical fallback
                log.warning("hybrid retrieval unavailable (%s); using the lexical fallback", e)

    def search_fn(self, text, *, office_id=None, doc_id=None, kinds=None, strategy=None, k=10):
        if not self._loaded:
            self.warm()
        if self.retriever is None:
            with self._lock:
                if self._simple is None:
                    self._simple = SimpleSearch(self.records)
            return self._simple.search(text, office_id=office_id, doc_id=doc_id, kinds=kinds, strategy=strategy, k=k)
        hits = self.retriever.search(text, k=k, office_id=office_id, doc_id=doc_id, strategy=strategy, kinds=kinds)
        return [(h.record_id, h.score) for h in hits]

    # ------------------------------------------------------------ questions
    def check_question(self, question: str) -> str:
        if question is None or not str(question).strip():
            raise BadQuestion(self.templates("empty_question"))
        q = str(question)
        if len(q) > self.settings.max_question_chars:
            raise BadQuestion(self.templates("too_long", limit=self.settings.max_question_chars))
        # control characters (binary junk) are dropped; Thai and other text stays
        q = "".join(ch for ch in q if ch in "\t\n" or unicodedata.category(ch)[0] != "C")
        if not q.strip():
            raise BadQuestion(self.templates("empty_question"))
        return q.strip()

    def understand(self, question: str) -> Question:
        return understand(self.check_question(question), self.resolver)

    def resolve_office(self, name: str | None) -> Office | None:
        if not name:
            return None
        if name in self.store.offices:
            return self.store.offices[name]
        found = self.resolver.resolve(name)
        if not found:
            raise BadQuestion(f"ไม่รู้จักหน่วยงาน '{name}' ลองพิมพ์เช่น 'สพป.เชียงใหม่ เขต 6'")
        return found[0].office

    def ask(self, question: str, office: str | None = None) -> Answer:
        try:
            q = self.understand(question)
        except BadQuestion as e:
            return Answer(str(question or "")[:200], e.message, "not_found")
        office_id = None
        if office:
            try:
                o = self.resolve_office(office)
            except BadQuestion as e:
                return Answer(q.text, e.message, "not_found")
            if o and not o.in_corpus:
                return self.answerer.answer(replace(q, offices=[OfficeMention(o, office)]), None)
            office_id = o.id if o else None
        if q.intent == "align":
            aligned = self._align(q, office_id)
            if aligned is not None:
                return aligned
        return self.answerer.answer(q, office_id)

    def _align(self, q: Question, office_id: str | None) -> Answer | None:
        """A project idea: the one aligner's ranking for one office, with the reason and
        an exact quote for each strategy; without one office, the question which office
        (only offices of the idea's school level). ``None`` only for an office outside
        the corpus (the answerer says so)."""
        from assistant.proposals.align import get_aligner, which_offices
        from assistant.qa.answer import idea_of

        ids = {m.office.id for m in q.corpus_offices} or ({office_id} if office_id else set())
        if q.outside_offices and not ids:
            return None
        if len(ids) != 1:
            aligner = get_aligner(self)
            choices = which_offices(aligner, idea_of(q), ids)
            return Answer(q.text, aligner.T("align_which_office", idea=idea_of(q)) + "\n"
                          + "\n".join(f"- {c}" for c in choices), "clarify", choices=choices)

        oid = next(iter(ids))
        plan = next((p for p in self.store.plans.values() if p.office_id == oid), None)
        if plan is None:
            return None
        idea = idea_of(q)
        al = get_aligner(self).align_plan(idea, plan)
        if not al.fits or not al.strategies:
            return Answer(q.text, al.message, "not_found")
        lines = [self.templates("align_head", idea=idea)]
        cites = []
        shown = al.strategies[:1] + [sf for sf in al.strategies[1:3] if sf.label != "weak"]
        for n, sf in enumerate(shown, 1):
            best = thai.clip(sf.best.text, 160)
            lines.append(self.templates("align_fit", n=n, office=al.office, kind=sf.kind, number=sf.number,
                                        title=sf.title, reason=sf.reason, best=best))
            cites.append(sf.citation)
            if sf.best.citation.quote != sf.citation.quote:
                cites.append(sf.best.citation)
        return Answer(q.text, "\n".join(lines), "answered", citations=cites)

    def offices(self) -> list[Office]:
        return [o for o in self.store.offices.values() if any(p.office_id == o.id for p in self.store.plans.values())]

    def health(self) -> dict:
        return {"status": "ok", "counts": self._counts, "hybrid": self.retriever is not None}


_instance: Assistant | None = None
_instance_lock = threading.Lock()


def get_assistant() -> Assistant:
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = Assistant()
        return _instance
