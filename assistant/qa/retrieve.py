"""Hybrid retrieval over the plans: dense (Chroma) + BM25, fused by reciprocal rank.

Build side — :func:`build_retrieval_index` is registered with
``ingest.register_builder`` and writes, inside the build directory::

    chunks.json     structure-aware chunks (id, text, metadata) + the embedder used
    vectors.npy     their embeddings (texts embedded before come from the index's
                    embedding cache, :mod:`assistant.stores.vector_cache`)
    baseline.json   fixed-size window chunks for the evaluation baseline
    chroma/         collections "chunks" and "baseline" (llama-index ChromaVectorStore)
    bm25/           bm25s indexes of the chunks over Thai tokens, one shard per office

Query side — :class:`Retriever` opens a built index once (models load once per process)
and answers :meth:`Retriever.search` with filters on office, document, strategy and
chunk kind applied to both the dense and the lexical list before fusion.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant import settings as settings_mod
from assistant.errors import PlanQAError
from assistant.ingest.chunks import Chunk, build_chunks, fixed_chunks, goal_texts
from assistant.qa.records import Records
from assistant.stores.chroma import CHROMA_DIR, VectorIndex, write_collection
from assistant.stores.embed import Embedder, get_embedder
from assistant.stores.lexical import BM25_DIR, ShardedLexical, open_lexical
from assistant.stores.office_vectors import OfficeVectors
from assistant.stores.sqlite import Store
from assistant.stores.vector_cache import EmbeddingCache, StoredPassages, save_passages

log = logging.getLogger("planqa.retrieval")

CHUNKS_FILE = "chunks.json"
VECTORS_FILE = "vectors.npy"
BASELINE_FILE = "baseline.json"
COLLECTION = "chunks"
BASELINE_COLLECTION = "baseline"
RRF_K = 60


@dataclass
class Hit:
    chunk_id: str
    record_id: str
    score: float
    text: str
    metadata: dict
    dense_rank: int | None = None
    lexical_rank: int | None = None
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- build


def build_retrieval_index(build_dir: Path, store: Store, embedder: Embedder | None = None) -> dict:
    """Build chunks, vectors, Chroma collections and BM25 inside ``build_dir``.

    Returns timing/count figures (also logged)."""
    t0 = time.perf_counter()
    build_dir = Path(build_dir)
    emb = embedder or get_embedder()
    cfg = settings_mod.get()
    limit = min(cfg.chunk_tokens, emb.max_tokens)

    # the same text is counted once (copies of a plan, fixed windows' binary searches)
    count = functools.lru_cache(maxsize=1 << 16)(emb.token_count)
    chunks = build_chunks(store, count, limit, cfg.share_vectors)
    baseline = fixed_chunks(store, limit, count)
    t_chunk = time.perf_counter()

    # identical texts share one vector, cached by (model, text hash) beside the builds
    cache = EmbeddingCache.for_index(build_dir.parent, emb)
    try:
        vecs, fresh = cache.embed(emb, [c.embed_text for c in chunks])
        bvecs, bfresh = cache.embed(emb, [c.text for c in baseline])
        goals = goal_texts(store)  # compared by meaning but not chunked: embedded now, not per answer
        gvecs, gfresh = cache.embed(emb, goals)
        # strategies' own texts, which the aligner compares with an idea: into the cache now
        records = Records(store)
        own = list(dict.fromkeys(t for doc_id in sorted(store.plans)
                                 for _, t in records.strategy_texts(store.plans[doc_id])))
        _, ofresh = cache.embed(emb, own)
    finally:
        cache.close()
    fresh += bfresh + gfresh + ofresh
    t_embed = time.perf_counter()

    write_collection(build_dir / CHROMA_DIR, COLLECTION, chunks, vecs, emb)
    write_collection(build_dir / CHROMA_DIR, BASELINE_COLLECTION, baseline, bvecs, emb)
    ShardedLexical.build(chunks, build_dir / BM25_DIR)
    head = {"embedder": emb.name, "dim": int(emb.dim), "chunk_tokens": limit}
    _write_json(build_dir / CHUNKS_FILE, {**head, "chunks": [c.to_dict() for c in chunks]})
    _write_json(build_dir / BASELINE_FILE, {**head, "chunks": [c.to_dict() for c in baseline]})
    np.save(build_dir / VECTORS_FILE, np.vstack([vecs, bvecs]) if len(bvecs) else vecs)
    save_passages(build_dir, emb.name, goals, gvecs)
    t_end = time.perf_counter()
    stats = {"chunks": len(chunks), "baseline_chunks": len(baseline),
             "embedded": fresh,
             "chunk_s": round(t_chunk - t0, 2), "embed_s": round(t_embed - t_chunk, 2),
             "write_s": round(t_end - t_embed, 2), "total_s": round(t_end - t0, 2)}
    log.info("retrieval index built: %s", stats)
    return stats


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- query


def _load_chunks(path: Path) -> tuple[dict, dict[str, Chunk]]:
    """The chunks file, read with the cyclic garbage collector paused: its ~10^5 chunks
    (1,000 plans) are as many new objects, which would start full collections over and
    over (about half the load time at 1,000 plans); nothing here makes a cycle."""
    paused = gc.isenabled()
    gc.disable()
    try:
        data = json.loads(path.read_bytes())
        chunks = {c["id"]: Chunk.from_dict(c) for c in data.pop("chunks")}
    finally:
        if paused:
            gc.enable()
    return data, chunks


class Retriever:
    """Search a built index. Open once per process; ``search`` is thread-safe."""

    def __init__(self, index_dir_current: Path, store: Store, embedder: Embedder | None = None):
        # resolve the ``current`` symlink once: a later swap must not mix two builds
        self.path = Path(index_dir_current).resolve()
        self.store = store
        if not (self.path / CHUNKS_FILE).exists():
            raise PlanQAError("ยังไม่มีดัชนีค้นหาข้อความของเอกสาร กรุณาสั่ง `planqa ingest` ก่อน")
        # passages the build embedded (goals) come from its files, not the model
        self.embedder = StoredPassages(embedder or get_embedder(), self.path)
        self.info, self.chunks = _load_chunks(self.path / CHUNKS_FILE)
        if self.info.get("embedder") != self.embedder.name:
            raise PlanQAError(
                f"ดัชนีค้นหาถูกสร้างด้วยตัวฝังเวกเตอร์ {self.info.get('embedder')} "
                f"แต่ขณะนี้ตั้งค่าเป็น {self.embedder.name} กรุณาสั่ง `planqa ingest` ใหม่ "
                "หรือตั้ง PLANQA_EMBEDDER / PLANQA_ST_MODEL ให้ตรงกับตอนสร้างดัชนี"
            )
        self.vectors = VectorIndex(self.path / CHROMA_DIR, COLLECTION, self.embedder)
        # a search within one office (or document) is exact, in numpy over its vectors
        self.dense = OfficeVectors(self.vectors, self.path / VECTORS_FILE, list(self.chunks.values()))
        self.lexical = open_lexical(self.path / BM25_DIR)
        self._baseline: tuple[VectorIndex, dict[str, Chunk]] | None = None
        # warm up (tokenizer dictionary, engine buffers) within one office: its BM25 shard
        # only, not the index of every office's chunks, which a question about no office
        # loads when it comes
        some = next((c.metadata.get("office_id") for c in self.chunks.values() if c.metadata.get("office_id")), None)
        self.search("ความปลอดภัย O-NET", k=1, office_id=some)

    def query_vector(self, query: str) -> np.ndarray:
        """The embedding of ``query``: one answer searches the same words several times (per
        office of a comparison, then the nearest rows), and users repeat questions, so the
        embedder keeps recent query vectors (:class:`assistant.stores.embed.QueryCache`)."""
        return self.embedder.embed_query(query)

    def search(self, query: str, k: int = 10, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None,
               kinds: list[str] | tuple[str, ...] | str | None = None,
               depth: int | None = None, indicator: str | None = None) -> list[Hit]:
        """Best ``k`` chunks for ``query``: RRF (k=60) of the dense and BM25 rankings,
        both restricted by the given filters."""
        if not query or not query.strip() or k <= 0:
            return []
        if isinstance(kinds, str):
            kinds = [kinds]
        strategy = None if strategy is None else str(strategy)
        filters = {"office_id": office_id, "doc_id": doc_id, "strategy": strategy,
                   "kinds": list(kinds) if kinds else None,
                   "indicator": None if indicator is None else str(indicator)}
        depth = depth or max(50, 5 * k)
        qvec = self.query_vector(query)
        dense = self.dense.search(qvec, depth, **filters)
        lexical = self.lexical.search(query, depth, **filters)
        fused: dict[str, float] = {}
        ranks: dict[str, list[int | None]] = {}
        for which, lst in ((0, dense), (1, lexical)):
            for rank, (cid, _score) in enumerate(lst, 1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
                ranks.setdefault(cid, [None, None])[which] = rank
        # ties (same rank in one list each) go to the lexical hit: an exact term matched
        inf = float("inf")
        order = sorted(fused, key=lambda c: (-fused[c], ranks[c][1] or inf, ranks[c][0] or inf))
        out = []
        for cid in order:
            ch = self.chunks.get(cid)
            if ch is None:  # index files out of step: skip rather than fail the query
                continue
            out.append(Hit(cid, ch.record_id, fused[cid], ch.text, ch.metadata,
                           ranks[cid][0], ranks[cid][1]))
            if len(out) >= k:
                break
        return out

    def record_scores(self, query: str, *, doc_id: str | None = None, office_id: str | None = None,
                      kinds: list[str] | tuple[str, ...] | None = None,
                      depth: int = 400) -> dict[str, tuple[float, float]]:
        """``record_id -> (cosine, bm25)`` for every record of the filtered chunks (the best
        part of a record split into parts): the raw scores a topic link is decided on."""
        if not query or not query.strip():
            return {}
        filters = {"office_id": office_id, "doc_id": doc_id, "strategy": None,
                   "kinds": list(kinds) if kinds else None, "indicator": None}
        dense = self.vectors.search(self.query_vector(query), depth, **filters)
        lexical = self.lexical.search(query, depth, **filters)
        out: dict[str, list[float]] = {}
        for which, lst in ((0, dense), (1, lexical)):
            for cid, score in lst:
                ch = self.chunks.get(cid)
                if ch is None:
                    continue
                got = out.setdefault(ch.record_id, [0.0, 0.0])
                got[which] = max(got[which], float(score))
        return {rid: (v[0], v[1]) for rid, v in out.items()}

    def baseline_search(self, query: str, k: int = 10) -> list[Hit]:
        """Evaluation baseline: dense search over fixed-size windows, same embedder."""
        if not query or not query.strip() or k <= 0:
            return []
        if self._baseline is None:
            _, chunks = _load_chunks(self.path / BASELINE_FILE)
            self._baseline = (VectorIndex(self.path / CHROMA_DIR, BASELINE_COLLECTION, self.embedder),
                              chunks)
        index, chunks = self._baseline
        out = []
        for rank, (cid, score) in enumerate(index.search(self.query_vector(query), k), 1):
            ch = chunks.get(cid)
            if ch is not None:
                out.append(Hit(cid, ch.record_id, score, ch.text, ch.metadata, rank, None))
        return out

    def quote(self, hit: Hit) -> str:
        """The original document text the hit's chunk renders."""
        m = hit.metadata
        if m.get("start") is None or m.get("doc_id") not in self.store.texts:
            return ""
        return self.store.texts[m["doc_id"]][m["start"] : m["end"]]
