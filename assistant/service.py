"""The one service every entry point calls (CLI, HTTP API, web page, LINE webhook)."""

from __future__ import annotations

import datetime
import logging
import re
import threading
import unicodedata
from dataclasses import replace
from pathlib import Path

from assistant import settings
from assistant.domain import lexicon, thai
from assistant.domain.models import Answer, Office
from assistant.domain.offices import OfficeMention, OfficeResolver
from assistant.errors import IndexMissingError, PlanQAError
from assistant.ingest.pipeline import current_dir, store_path
from assistant.qa.answer import Answerer, Templates
from assistant.qa.conversation import Conversations, context_label
from assistant.qa.records import Records, SimpleSearch
from assistant.qa.understand import Question, understand
from assistant.stores.sqlite import Store

log = logging.getLogger("planqa.service")


class BadQuestion(PlanQAError):
    pass


class Assistant:
    """Loads the built index once; answers questions; thread-safe for reads."""

    def __init__(self, index_dir: Path | None = None, *, hybrid: bool = True, state=None, today=None):
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
        self.lexicon = lexicon.load()
        self.answerer = Answerer(self.records, self.search_fn, self.templates, self.lexicon)
        self._state = state  # the conversation/feedback store, opened on first use
        self._today = today or datetime.date.today

    @property
    def state(self):
        """The state store (conversations, feedback): ``settings.state_path``, or
        ``state.sqlite`` beside a given index directory."""
        with self._lock:
            if self._state is None:
                from assistant.stores.state import SqliteState

                path = self.settings.state_file or self.index_dir / "state.sqlite"
                self._state = SqliteState(path)
            return self._state

    @property
    def conversations(self) -> Conversations:
        conv = getattr(self, "_conversations", None)
        if conv is None:
            conv = self._conversations = Conversations(self.state, self.resolver)
        return conv

    def fiscal_year(self) -> int:
        """The current Thai fiscal year (BE): it starts on 1 October."""
        d = self._today()
        return d.year + 543 + (1 if d.month >= 10 else 0)

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
        return understand(self.check_question(question), self.resolver, fiscal_year=self.fiscal_year(),
                          lex=self.lexicon)

    def resolve_office(self, name: str | None) -> Office | None:
        if not name:
            return None
        if name in self.store.offices:
            return self.store.offices[name]
        found = self.resolver.resolve(name)
        if not found:
            raise BadQuestion(f"ไม่รู้จักหน่วยงาน '{name}' ลองพิมพ์เช่น 'สพป.เชียงใหม่ เขต 6'")
        return found[0].office

    def ask(self, question: str, office: str | None = None, *, conversation_id: str | None = None) -> Answer:
        """Answer one question; with ``conversation_id`` it is a turn of that conversation:
        a follow-up inherits what it does not restate, lists are paged ("ดูต่อ")."""
        if conversation_id is None:
            return self._ask(question, office)
        cid = str(conversation_id).strip()[:200]
        if not cid:
            return self._ask(question, office)
        with self.conversations.lock(cid):
            return self._ask(question, office, cid)

    def _ask(self, question: str, office: str | None = None, cid: str | None = None) -> Answer:
        try:
            q = self.understand(question)
        except BadQuestion as e:
            return Answer(str(question or "")[:200], e.message, "not_found", conversation_id=cid)
        if cid:
            q = self.conversations.continue_query(q, cid, office_given=bool(office))
        ans = self._answer(q, office)
        if cid:
            label = context_label(q, {o.id: o.short for o in self.store.offices.values()}, self._kind_of) \
                if any(k != "page" for k in q.inherited) else ""
            if label and ans.status != "clarify":
                ans.answer = self.templates("inherited", context=label) + "\n" + ans.answer
            ans.conversation_id = cid
            self.conversations.record(cid, q, ans)
        return ans

    def _kind_of(self, q: Question) -> str:
        for m in q.offices:
            for p in self.store.plans_of(m.office.id):
                if p.strategies:
                    return p.strategies[0].kind
        return "กลยุทธ์"

    def _answer(self, q: Question, office: str | None) -> Answer:
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
            if not q.offices and not office_id:
                return self._which_office(q)
            aligned = self._align(q, office_id)
            if aligned is not None:
                return aligned
        return self.answerer.answer(q, office_id)

    def _which_office(self, q: Question) -> Answer:
        """A project idea with no office: ask which, offering offices of the school level
        the idea names (สพป. for ป.1-6, สพม. for ม.4-6)."""
        levels = self.lexicon.query.get("school_levels") or {}
        squashed = thai.squash(q.norm)
        kinds = None
        for _name, spec in levels.items():
            if any(re.search(p, squashed) for p in spec.get("patterns", ())):
                kinds = set(spec.get("office_kinds", ()))
                break
        offices = [o for o in self.offices() if not kinds or o.kind in kinds]
        choices = sorted(o.short for o in offices)
        text = self.templates("align_which_office") + "\n" + "\n".join(f"- {c}" for c in choices)
        return Answer(q.text, text, "clarify", choices=choices)

    def _align(self, q: Question, office_id: str | None) -> Answer | None:
        """A project idea for one named office: the proposal aligner's ranking, with the
        reason and an exact quote for each strategy. ``None`` when no single office."""
        ids = {m.office.id for m in q.corpus_offices} or ({office_id} if office_id else set())
        if len(ids) != 1 or q.outside_offices:
            return None
        from assistant.proposals.draft import get_aligner
        from assistant.qa.answer import idea_of

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
        shown = al.strategies[:1] + [sf for sf in al.strategies[1:3] if sf.evident]
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
