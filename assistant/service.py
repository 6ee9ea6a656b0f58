"""The one service every entry point calls (CLI, HTTP API, web page, LINE webhook)."""

from __future__ import annotations

import datetime
import logging
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant import settings
from assistant.domain import lexicon, thai
from assistant.domain.models import Answer, Office
from assistant.domain.offices import OfficeMention, OfficeResolver
from assistant.errors import IndexCorruptError, IndexMissingError, PlanQAError
from assistant.ingest.pipeline import STORE_FILE, current_dir, store_path
from assistant.qa.answer import Answerer, Templates
from assistant.qa.conversation import Conversations, context_label
from assistant.qa.guard import Stats
from assistant.qa.records import Records, SimpleSearch
from assistant.qa.understand import Question, understand
from assistant.stores.backends import open_plan_store

log = logging.getLogger("planqa.service")


class BadQuestion(PlanQAError):
    pass


class Assistant:
    """Loads the built index once; answers questions; thread-safe for reads."""

    def __init__(self, index_dir: Path | None = None, *, hybrid: bool = True, state=None, today=None):
        s = settings.get()
        self.settings = s
        self.index_dir = index_dir or s.index_dir
        if s.database_url:
            # PostgreSQL: the published build the store opened is the one this Assistant serves
            self.build_dir = None
            self.store = open_plan_store(s, store_path(self.index_dir))
            self.build_id = self.store.schema
            self.retrieval_dir = _published_dir(self.index_dir, self.store)
            self._counts = self.store.counts()
        else:
            # the build ``current`` points at now: a later swap never mixes two builds
            self.build_dir = build_of(self.index_dir)
            if self.build_dir is None:
                raise IndexMissingError()
            self.build_id = self.build_dir.name
            try:
                self.store = open_plan_store(s, self.build_dir / STORE_FILE)
                self._counts = self.store.counts()
            except (sqlite3.Error, ValueError, KeyError, TypeError) as e:
                log.error("the index %s is unreadable: %s", self.build_dir, e)
                raise IndexCorruptError(str(e)) from None
        self.records = Records(self.store)
        self.resolver = OfficeResolver(list(self.store.offices.values()))
        self.templates = Templates(s.prompts_dir / "answers.yaml")
        self.retriever = None
        self._hybrid = hybrid
        self._loaded = not hybrid
        self._lock = threading.Lock()
        self._simple: SimpleSearch | None = None  # the lexical fallback, built when needed
        self.lexicon = lexicon.load()
        self.answerer = Answerer(self.records, self.search_fn, self.templates, self.lexicon,
                                 scores=self.record_scores)
        self._state = state  # the conversation/feedback store, opened on first use
        self._today = today or datetime.date.today
        self.stats = Stats()  # the language model's calls and the guard's rejections
        self.llm = _language_model(s, self.stats)  # None unless PLANQA_LLM_* is set

    @property
    def state(self):
        """The state store (conversations, feedback): ``settings.state_path``, or
        ``state.sqlite`` beside a given index directory."""
        with self._lock:
            if self._state is None:
                from assistant.stores.backends import open_state

                self._state = open_state(replace(self.settings, index_dir=self.index_dir))
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

                self.retriever = Retriever(self.build_dir or getattr(self, "retrieval_dir", None), self.store)
            except Exception as e:  # no vector index in this build: lexical fallback
                log.warning("hybrid retrieval unavailable (%s); using the lexical fallback", e)

    def search_fn(self, text, *, office_id=None, doc_id=None, kinds=None, strategy=None, k=10):
        # bounded cost per question: the text searched (and embedded) is normalised and clipped
        text = search_text(text, self.settings.max_search_chars)
        if not self._loaded:
            self.warm()
        if self.retriever is None:
            with self._lock:
                if self._simple is None:
                    self._simple = SimpleSearch(self.records)
            return self._simple.search(text, office_id=office_id, doc_id=doc_id, kinds=kinds, strategy=strategy, k=k)
        hits = self.retriever.search(text, k=k, office_id=office_id, doc_id=doc_id, strategy=strategy, kinds=kinds)
        return [(h.record_id, h.score) for h in hits]

    def record_scores(self, text, *, doc_id=None, kinds=None) -> dict[str, tuple[float, float]] | None:
        """Raw (cosine, BM25) scores of a plan's records for a topic phrase; ``None``
        without the hybrid index (topic links then rest on the words alone)."""
        if not self._loaded:
            self.warm()
        if self.retriever is None:
            return None
        return self.retriever.record_scores(search_text(text, self.settings.max_search_chars), doc_id=doc_id,
                                            kinds=kinds)

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
                          lex=self.lexicon, quoted_in=self.answerer.offices_quoting)

    def resolve_office(self, name: str | None) -> Office | None:
        if not name:
            return None
        if name in self.store.offices:
            return self.store.offices[name]
        found = self.resolver.resolve(name)
        if not found:
            raise BadQuestion(f"ไม่รู้จักหน่วยงาน '{name}' ลองพิมพ์เช่น 'สพป.เชียงใหม่ เขต 6'")
        return found[0].office

    def ask(self, question: str, office: str | None = None, *, conversation_id: str | None = None,
            history: list[str] | None = None, on_sentence=None) -> Answer:
        """Answer one question; with ``conversation_id`` it is a turn of that conversation:
        a follow-up inherits what it does not restate, lists are paged ("ดูต่อ"). With a
        language model on, an open question's answer is phrased by it under the guard
        (``on_sentence`` receives the sentences as they pass) and an unsure reading gets
        the model's mapping; ``history``: earlier user turns."""
        cid = str(conversation_id).strip()[:200] if conversation_id is not None else ""
        if not cid:
            return self._ask(question, office, None, history, on_sentence)
        with self.conversations.lock(cid):
            return self._ask(question, office, cid, history, on_sentence)

    def _ask(self, question: str, office: str | None = None, cid: str | None = None,
             history: list[str] | None = None, on_sentence=None) -> Answer:
        deadline = self.llm.deadline() if self.llm else None
        if deadline is not None and cid and history is None:
            # the model reads the conversation's earlier questions (the rules use its context)
            turns = (self.conversations.history(cid) or {}).get("turns") or []
            history = [t["question"] for t in turns[-6:] if t.get("question")]
        try:
            q = self.understand(question)
        except BadQuestion as e:
            return Answer(str(question or "")[:200], e.message, "not_found", conversation_id=cid)
        if cid:
            q = self.conversations.continue_query(q, cid, office_given=bool(office))
        ans = self._answer(q, office, deadline, history, on_sentence)
        if cid:
            shown = q
            if "year" in q.inherited and ans.values and not any(v.year in q.years for v in ans.values):
                shown = replace(q, years=[])  # the year carried over was outside this plan's span: not used
            label = context_label(shown, {o.id: o.short for o in self.store.offices.values()}, self._kind_of) \
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

    def _answer(self, q: Question, office: str | None, deadline=None, history: list[str] | None = None,
                on_sentence=None) -> Answer:
        office_id = None
        if office:
            try:
                o = self.resolve_office(office)
            except BadQuestion as e:
                return Answer(q.text, e.message, "not_found")
            if o and not o.in_corpus:
                return self.answerer.answer(replace(q, offices=[OfficeMention(o, office)]), None)
            office_id = o.id if o else None
        if deadline is not None and (mapped := self._model_query(q, history or [], deadline)) is not None:
            ans = self.answerer.answer(mapped, office_id)
            if ans.status == "answered":
                return ans
        if q.intent == "align":
            aligned = self._align(q, office_id)
            if aligned is not None:
                return aligned
        return self._phrase(q, self.answerer.answer(q, office_id), deadline, on_sentence)

    # ------------------------------------------------------------ the optional model
    def _model_query(self, q: Question, history: list[str], deadline):
        """The model's reading of a question the rules are unsure of, or ``None``."""
        from assistant.qa import llm
        from assistant.qa.understand import INTENTS

        if not (llm.low_confidence(q) or q.intent == "open"):  # unsure, or the rules' catch-all
            return None
        schema = llm.query_schema(type(q), enums={"intent": INTENTS})
        values = self.llm.map_query(q.text, history, schema, deadline)
        if not values:
            return None
        try:
            mapped = llm.apply_mapped(q, values, self.resolver)
        except (TypeError, ValueError) as e:
            log.warning("model query not applicable: %s", e)
            return None
        return None if getattr(mapped, "intent", "open") == "open" else mapped

    def _phrase(self, q: Question, ans: Answer, deadline, on_sentence=None) -> Answer:
        """An open question's passages rewritten as a short cited Thai answer by the
        model, under the guard; the deterministic answer on any failure."""
        if deadline is None or q.intent != "open" or ans.status != "answered" or not ans.citations:
            return ans
        records = [(self._office_label(c.office), c.section, thai.one_line(c.quote)) for c in ans.citations]
        checked = self.llm.answer_open(q.text, records, deadline, on_sentence=on_sentence)
        return ans if checked is None else replace(ans, answer=checked.text)

    def _office_label(self, office_id: str | None) -> str:
        o = self.store.offices.get(office_id) if office_id else None
        return o.short if o else "เอกสาร"


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
        plan = next(iter(self.store.plans_of(oid)), None)
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
        having = self.store.office_ids_with_plans()
        return [o for o in self.store.offices.values() if o.id in having]

    def health(self) -> dict:
        return {"status": "ok", "counts": self._counts, "hybrid": self.retriever is not None,
                "build": self.build_id, "llm": self.llm is not None}


def search_text(text: str, limit: int) -> str:
    """What search embeds: NFC, one line, at most ``limit`` characters (a 2,000-character
    question costs about what a short one does)."""
    text = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return text[:limit]


def build_of(index_dir: Path) -> Path | None:
    """The build directory ``index/current`` points at, or None when there is none."""
    link = current_dir(index_dir)
    try:
        path = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return path if (path / STORE_FILE).exists() else None


def _published_dir(index_dir: Path, store) -> Path | None:
    """Under PostgreSQL, the local build the published schema was made from (its
    retrieval index), else the build ``index/current`` points at."""
    name = getattr(store, "build", None)
    path = Path(index_dir) / name if name else None
    return path if path is not None and path.is_dir() else build_of(index_dir)


def _serves_latest(a: Assistant) -> bool:
    """Whether ``a`` serves the live build: the one ``index/current`` points at, or under
    PostgreSQL the published schema (a worker that cannot ask keeps serving)."""
    if a.build_dir is None and a.settings.database_url:
        from assistant.stores.postgres import live_schema

        try:
            return live_schema(a.settings.database_url) in (None, a.build_id)
        except Exception as e:
            log.warning("cannot read the published build: %s", e)
            return True
    build = build_of(a.index_dir)
    return build is None or build == a.build_dir


class Serving:
    """The Assistant a server answers with, reloaded between requests.

    ``current()`` returns the loaded Assistant; at most every ``check_every`` seconds it
    looks at which build ``index/current`` points to, and when that changed it loads the
    new build in a background thread while the old one keeps answering. A request keeps
    the Assistant it started with (its build's files stay open until no request uses it).
    A missing or corrupt index is an error to show (``current()`` raises it), retried at
    the same pace, so the server starts anyway and recovers after ``planqa ingest``.
    """

    def __init__(self, load: Callable[[], Assistant] | None = None, assistant: Assistant | None = None, *,
                 index_dir: Path | None = None, check_every: float = 2.0, clock=time.monotonic):
        self._load_fn = load
        self.index_dir = index_dir or (assistant.index_dir if assistant is not None else settings.get().index_dir)
        self.check_every = check_every
        self.clock = clock
        self.reloads = load is not None
        self._assistant = assistant
        self._error: PlanQAError | None = None
        self._checked = clock()
        self._lock = threading.Lock()
        self._loading = False

    @property
    def build_id(self) -> str | None:
        a = self._assistant
        return a.build_id if a is not None else None

    @property
    def error(self) -> PlanQAError | None:
        return self._error

    def load(self) -> None:
        """Load the current build now (start-up, tests); keeps the old one on failure."""
        if self._load_fn is None:
            return
        try:
            a = self._load_fn()
        except PlanQAError as e:
            with self._lock:
                self._error = e
            if self._assistant is None:
                log.error("cannot load the index: %s", e.message)
            else:
                log.error("cannot load the new index build (still serving %s): %s", self.build_id, e.message)
            return
        with self._lock:
            old, self._assistant, self._error = self._assistant, a, None
        if old is not None:
            log.info("index reloaded: build %s (was %s)", a.build_id, old.build_id)

    def _stale(self) -> bool:
        a = self._assistant
        build = build_of(self.index_dir)
        if a is None:
            return True
        if a.build_dir is None:  # PostgreSQL: a newly published schema
            return not _serves_latest(a)
        return build is not None and build != a.build_dir

    def _background_load(self) -> None:
        try:
            self.load()
        finally:
            with self._lock:
                self._loading = False

    def check(self, *, wait: bool = False) -> None:
        """Start loading a new build when ``index/current`` moved (``wait``: load here)."""
        if not self.reloads:
            return
        with self._lock:
            if self._loading:
                return
            self._checked = self.clock()
            if not self._stale():
                return
            self._loading = True
        if wait or (self._assistant is None and self._error is None):
            self._background_load()
        else:
            threading.Thread(target=self._background_load, name="planqa-reload", daemon=True).start()

    def current(self) -> Assistant:
        if self.reloads and (self._assistant is None or self.clock() - self._checked >= self.check_every):
            self.check()
        a = self._assistant
        if a is None:
            raise self._error or IndexMissingError()
        return a


WARM_QUESTION = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568"


def load_assistant() -> Assistant:
    """The Assistant of the current build, warmed for serving (servers)."""
    import assistant.service as this  # late-bound, so tests can replace get_assistant

    return warm_for_serving(this.get_assistant())


def warm_for_serving(a: Assistant) -> Assistant:
    """``a`` with its retriever loaded, one question asked (the tokenizer's dictionaries and
    the understanding's word lists load on first use: ~1.2 s of CPU without a vector index)
    and its aligner warmed (vectors, the plans' words and own-text vectors). Else the first
    question and the first project idea a server answers pay for them, after start-up and
    after every reload, while the requests behind them wait. Warming is an optimisation: a
    failure is logged and the first requests then pay."""
    a.warm()
    try:
        a.ask(WARM_QUESTION)
        from assistant.proposals.align import get_aligner

        get_aligner(a).warm()
    except Exception as e:
        log.warning("could not warm the answer path: %s", e)
    return a


def _language_model(s, stats: Stats):
    """The optional model (its module and HTTP client load only when configured)."""
    if not s.llm_enabled:
        return None
    from assistant.qa.llm import LanguageModel, LLMConfig

    return LanguageModel(LLMConfig.from_settings(s), s.prompts_dir / "llm.yaml", stats)


_instance: Assistant | None = None
_instance_lock = threading.Lock()


def get_assistant() -> Assistant:
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = Assistant()
        else:  # a new build was swapped in: load it (requests keep the old one they hold)
            if not _serves_latest(_instance):
                _instance = Assistant(_instance.index_dir)
        return _instance
