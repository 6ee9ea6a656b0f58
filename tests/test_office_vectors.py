"""Exact per-office vector search (bounds, fallbacks) and the embedder's query cache."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.ingest.chunks import Chunk
from assistant.stores.embed import QueryCache, quiet_openmp
from assistant.stores.office_vectors import OfficeVectors


class Recorder:
    """A stand-in store that records the searches it is asked."""

    def __init__(self):
        self.calls = []

    def count(self) -> int:
        return 0

    def search(self, vector, k=10, **filters):
        self.calls.append(filters)
        return [("from-store", 0.5)]


def _office_chunks(offices: int, per: int) -> tuple[list[Chunk], np.ndarray]:
    rng = np.random.default_rng(3)
    chunks, vecs = [], []
    for o in range(offices):
        for j in range(per):
            cid = f"d{o}/s{j % 3 + 1}#{j}"
            chunks.append(Chunk(cid, f"ข้อความ {o} {j}", {
                "record_id": cid.split("#")[0], "doc_id": f"d{o}", "office_id": f"spp-o-{o}",
                "kind": "indicator" if j % 2 else "guideline", "strategy": str(j % 3 + 1),
                "indicator": None, "guideline": None, "years": [], "start": None, "end": None}))
            vecs.append(rng.standard_normal(8) * (1 + j))  # not unit length: normalised on load
    return chunks, np.asarray(vecs, dtype=np.float32)


def test_office_search_is_exact_cosine_and_bounded(tmp_path):
    chunks, vecs = _office_chunks(5, 12)
    np.save(tmp_path / "v.npy", vecs)
    store = Recorder()
    ov = OfficeVectors(store, tmp_path / "v.npy", chunks, max_offices=2)
    q = np.arange(8, dtype=np.float32)
    got = ov.search(q, 4, office_id="spp-o-3", kinds=["indicator"])
    rows = [i for i, c in enumerate(chunks) if c.metadata["office_id"] == "spp-o-3"
            and c.metadata["kind"] == "indicator"]
    unit = vecs[rows] / np.linalg.norm(vecs[rows], axis=1, keepdims=True)
    cos = unit @ (q / np.linalg.norm(q))
    want = [chunks[rows[j]].id for j in np.argsort(-cos)[:4]]
    assert [c for c, _ in got] == want
    assert [s for _, s in got] == pytest.approx(sorted(cos, reverse=True)[:4], abs=1e-5)
    assert {c for c, _ in ov.search(q, 50, office_id="spp-o-3", strategy="2")} == {
        c.id for c in chunks if c.metadata["office_id"] == "spp-o-3" and c.metadata["strategy"] == "2"}
    for o in (0, 1, 2, 0):
        ov.search(q, 3, office_id=f"spp-o-{o}")
    assert ov.loaded() == 2 and store.calls == []  # at most two offices kept; the store never asked
    assert ov.search(q, 3) == [("from-store", 0.5)] and store.calls == [
        {"office_id": None, "doc_id": None, "strategy": None, "kinds": None, "indicator": None}]


def test_a_vectors_file_that_does_not_match_the_chunks_falls_back_to_the_store(tmp_path):
    chunks, vecs = _office_chunks(2, 4)
    np.save(tmp_path / "short.npy", vecs[:3])
    store = Recorder()
    ov = OfficeVectors(store, tmp_path / "short.npy", chunks)
    assert ov.search(vecs[0], 2, office_id="spp-o-0") == [("from-store", 0.5)]
    assert OfficeVectors(store, tmp_path / "missing.npy", chunks).search(vecs[0], 2, doc_id="d1") == [
        ("from-store", 0.5)]
    assert len(store.calls) == 2


def test_query_cache_embeds_a_repeated_text_once_and_is_bounded():
    seen = []

    def compute(text):
        seen.append(text)
        return np.full(3, float(len(seen)), dtype=np.float32)

    cache = QueryCache(2)
    a = cache.get("ครูภาษาอังกฤษ", compute)
    assert cache.get("ครูภาษาอังกฤษ", compute) is a and seen == ["ครูภาษาอังกฤษ"]
    with pytest.raises(ValueError):
        a[0] = 9.0  # cached vectors are read-only
    cache.get("ฝุ่น PM 2.5", compute)
    cache.get("ครูภาษาอังกฤษ", compute)  # most recent again
    cache.get("โรงเรียนขนาดเล็ก", compute)  # evicts ฝุ่น PM 2.5
    assert len(cache) == 2 and (cache.hits, cache.misses) == (2, 3)
    cache.get("ฝุ่น PM 2.5", compute)
    assert seen == ["ครูภาษาอังกฤษ", "ฝุ่น PM 2.5", "โรงเรียนขนาดเล็ก", "ฝุ่น PM 2.5"]


def test_the_bundled_embedder_caches_query_vectors():
    from assistant.stores.embed import get_embedder

    emb = get_embedder()
    before = emb.queries.misses
    v = emb.embed_query("เป้าหมายการอ่านออกเขียนได้ ปี 2568")
    assert emb.embed_query("เป้าหมายการอ่านออกเขียนได้ ปี 2568") is v
    assert emb.queries.misses == before + 1 and v.shape == (emb.dim,)
    assert abs(float(np.linalg.norm(v)) - 1.0) < 1e-3


def test_openmp_waits_passively_unless_set(monkeypatch):
    import os

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    quiet_openmp()
    assert os.environ["OMP_WAIT_POLICY"] == "passive" and "OMP_NUM_THREADS" not in os.environ
    monkeypatch.setenv("OMP_WAIT_POLICY", "active")
    quiet_openmp()
    assert os.environ["OMP_WAIT_POLICY"] == "active"


class CountingModel:
    """Passage vectors from the text length; records what it was asked to embed."""

    def __init__(self, name="count-3"):
        self.name, self.dim, self.max_tokens = name, 3, 64
        self.asked: list[list[str]] = []

    def embed_query(self, text):
        return np.ones(3, dtype=np.float32)

    def embed_passages(self, texts):
        self.asked.append(list(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    def token_count(self, text):
        return len(text.split())


def test_stored_passages_embed_only_texts_the_build_did_not_store(tmp_path):
    from assistant.stores.vector_cache import StoredPassages, save_passages

    goals = ["ผู้เรียนมีคุณภาพตามมาตรฐาน", "ครูมีสมรรถนะสูง"]
    save_passages(tmp_path, "count-3", goals, np.array([[9, 9, 9], [8, 8, 8]], dtype=np.float32))
    model = CountingModel()
    sp = StoredPassages(model, tmp_path)
    assert (sp.name, sp.dim, len(sp)) == ("count-3", 3, 2)
    got = sp.embed_passages(["ครูมีสมรรถนะสูง", "โรงเรียนปลอดภัย", "ผู้เรียนมีคุณภาพตามมาตรฐาน"])
    assert got.tolist() == [[8, 8, 8], [len("โรงเรียนปลอดภัย"), 1, 0], [9, 9, 9]]
    assert model.asked == [["โรงเรียนปลอดภัย"]]
    assert sp.embed_passages(goals).tolist() == [[9, 9, 9], [8, 8, 8]] and len(model.asked) == 1
    other = CountingModel("another-model")  # vectors of another model are not used
    assert StoredPassages(other, tmp_path).embed_passages(goals)[:, 1].tolist() == [1, 1]
    missing = CountingModel()
    assert len(StoredPassages(missing, tmp_path / "no-build")) == 0
    assert StoredPassages(missing, tmp_path / "no-build").embed_passages(goals).shape == (2, 3)
