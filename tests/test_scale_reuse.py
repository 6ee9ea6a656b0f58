"""Scale: identical chunks share one vector, vectors are cached across builds, and BM25 is
sharded per office. Corpora here are the bundled plans plus a renamed copy (the same text
attributed in metadata.yaml to another office), as bench/scale.py makes them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import CORPUS, DOC_000, DOC_002

from assistant import settings
from assistant.ingest import pipeline
from assistant.ingest.chunks import Chunk, build_chunks
from assistant.ingest.pipeline import STORE_FILE, ingest
from assistant.stores.lexical import (
    LexicalIndex,
    ShardedLexical,
    chunk_tokens,
    lexical_tokens,
    open_lexical,
)
from assistant.stores.sqlite import Store
from assistant.stores.vector_cache import CACHE_FILE, EmbeddingCache, text_key

COPY_OFFICE = "spp-syn-0001"
COPY_ALIAS = "สพป.กระบี่ เขต 9"


class CountingEmbedder:
    """Deterministic hash vectors; records every passage it was asked to embed."""

    name = "counting-8"
    dim = 8
    max_tokens = 512

    def __init__(self):
        self.seen: list[str] = []

    def token_count(self, text: str) -> int:
        return len(text.split()) + len(text) // 20

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.seen += list(texts)
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def _corpus(dest: Path, files: list[str], copy_of: str | None) -> Path:
    """The bundled ``files`` plus, optionally, a renamed copy of ``copy_of``."""
    meta = yaml.safe_load((CORPUS / "metadata.yaml").read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    docs = [d for d in meta["documents"] if Path(d["file"]).stem in files]
    for d in docs:
        shutil.copy2(CORPUS / d["file"], dest / d["file"])
    offices = dict(meta["offices"])
    if copy_of:
        base = next(d for d in meta["documents"] if Path(d["file"]).stem == copy_of)
        offices[COPY_OFFICE] = {"name": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษากระบี่ เขต 9", "kind": "สพป.",
                                "province": "กระบี่", "area": 9, "level": "ประถม", "aliases": [COPY_ALIAS]}
        file = f"syn0001-{base['file']}"
        shutil.copy2(CORPUS / base["file"], dest / file)
        docs.append({**base, "file": file, "office": COPY_OFFICE})
    (dest / "metadata.yaml").write_text(yaml.safe_dump({"offices": offices, "documents": docs},
                                                       allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def _ingest(corpus: Path, index: Path, emb: CountingEmbedder) -> dict:
    from assistant.qa.retrieve import build_retrieval_index

    stats: dict = {}

    def builder(build, store):
        stats.update(build_retrieval_index(build, store, emb))

    pipeline.register_builder(builder)
    settings.override(corpus_dir=corpus, index_dir=index, share_vectors=True)
    try:
        report = ingest(corpus_dir=corpus, index_dir=index)
    finally:
        pipeline.unregister_builder(builder)
        settings.reset()
    assert report.ok, [f.message() for f in report.failed]
    return stats


def _chunks_of(index: Path) -> dict[str, Chunk]:
    data = json.loads((index / "current" / "chunks.json").read_text(encoding="utf-8"))
    return {c["id"]: Chunk.from_dict(c) for c in data["chunks"]}


@pytest.mark.integration
def test_renamed_copy_reuses_every_vector_and_a_rebuild_embeds_only_new_chunks(tmp_path):
    emb = CountingEmbedder()
    index = tmp_path / "index"
    first = _ingest(_corpus(tmp_path / "c1", [DOC_000], DOC_000), index, emb)
    chunks = _chunks_of(index)
    copy_doc = f"syn0001-{DOC_000}"
    own = {cid: c for cid, c in chunks.items() if c.metadata["doc_id"] == DOC_000}
    copies = {cid.replace(copy_doc, DOC_000, 1): c for cid, c in chunks.items() if c.metadata["doc_id"] == copy_doc}
    assert own and sorted(own) == sorted(copies)
    for cid, c in own.items():
        twin = copies[cid]
        assert c.text.startswith("สพป.เชียงใหม่ เขต 6") and twin.text.startswith(COPY_ALIAS)
        assert c.text != twin.text and c.embed_text == twin.embed_text  # the office label only differs
        assert "เชียงใหม่ เขต 6" not in c.embed_text.split("\n")[0]
    # each distinct text was embedded once: the copy added nothing
    assert len(emb.seen) == len(set(emb.seen)) == first["embedded"]
    assert not set(emb.seen) & {c.text for c in own.values()}
    assert set(emb.seen) >= {c.embed_text for c in own.values()}
    vecs = np.load(index / "current" / "vectors.npy")
    order = list(chunks)
    some = next(iter(own))
    twin_id = copy_doc + some[len(DOC_000):]
    assert np.array_equal(vecs[order.index(some)], vecs[order.index(twin_id)])

    # the same corpus again: nothing embedded (the cache outlives the swapped-out build)
    emb.seen.clear()
    assert _ingest(tmp_path / "c1", index, emb)["embedded"] == 0 and emb.seen == []
    # one plan added: only its texts are embedded
    shutil.copy2(CORPUS / f"{DOC_002}.txt", tmp_path / "c1" / f"{DOC_002}.txt")
    meta = yaml.safe_load((tmp_path / "c1" / "metadata.yaml").read_text(encoding="utf-8"))
    full = yaml.safe_load((CORPUS / "metadata.yaml").read_text(encoding="utf-8"))
    meta["documents"].append(next(d for d in full["documents"] if d["file"] == f"{DOC_002}.txt"))
    (tmp_path / "c1" / "metadata.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    before = set(emb.seen) | {c.embed_text for c in chunks.values()}
    third = _ingest(tmp_path / "c1", index, emb)
    new = _chunks_of(index)
    added = {c.embed_text for c in new.values() if c.metadata["doc_id"] == DOC_002}
    assert emb.seen and third["embedded"] == len(emb.seen)
    assert added - before <= set(emb.seen)
    assert not set(emb.seen) & {c.embed_text for c in own.values()}
    assert (index / CACHE_FILE).exists()


def test_embedding_cache_by_model_and_text(tmp_path):
    emb = CountingEmbedder()
    cache = EmbeddingCache(tmp_path / "e.sqlite", emb.name, emb.dim)
    vecs, fresh = cache.embed(emb, ["ก", "ข", "ก"])
    assert fresh == 2 and emb.seen == ["ก", "ข"] and np.array_equal(vecs[0], vecs[2])
    cache.close()
    again = EmbeddingCache(tmp_path / "e.sqlite", emb.name, emb.dim)  # reopened: still there
    vecs2, fresh2 = again.embed(emb, ["ข", "ค"], batch=1)
    assert fresh2 == 1 and emb.seen == ["ก", "ข", "ค"]
    assert np.array_equal(vecs2[0], vecs[1]) and again.count() == 3
    other = EmbeddingCache(tmp_path / "e.sqlite", "another-model", emb.dim)
    assert other.get([text_key("ก")]) == {}  # another model's vectors are never reused
    wrong_dim = EmbeddingCache(tmp_path / "e.sqlite", emb.name, 4)
    assert wrong_dim.get([text_key("ก")]) == {}
    for c in (again, other, wrong_dim):
        c.close()


# ---------------------------------------------------------------- lexical shards


@pytest.fixture(scope="module")
def copy_chunks(tmp_path_factory) -> list[Chunk]:
    d = tmp_path_factory.mktemp("copy_index")
    corpus = _corpus(d / "corpus", [DOC_000, DOC_002], DOC_000)
    report = ingest(corpus_dir=corpus, index_dir=d / "index")
    assert report.ok, report.failed
    store = Store(d / "index" / "current" / STORE_FILE)
    try:
        return build_chunks(store, CountingEmbedder().token_count, 256, share_vectors=True)
    finally:
        store.close()


def test_tokens_of_label_and_body_apart_equal_the_whole_texts(copy_chunks):
    assert any(c.embed_from for c in copy_chunks)
    assert chunk_tokens(copy_chunks) == [lexical_tokens(c.text) for c in copy_chunks]


def test_sharded_lexical_searches_only_the_office_shard(copy_chunks, tmp_path):
    sharded = ShardedLexical.build(copy_chunks, tmp_path / "bm25")
    opened = open_lexical(tmp_path / "bm25")
    assert isinstance(opened, ShardedLexical)
    offices = {c.metadata["office_id"] for c in copy_chunks}
    assert offices == {"spp-chiangmai-6", "spp-trang-2", COPY_OFFICE}
    hits = opened.search("O-NET", 10, office_id="spp-trang-2", kinds=["indicator"])
    assert f"{DOC_002}/s2/i12" in [cid for cid, _ in hits]
    assert all(cid.startswith(DOC_002 + "/") for cid, _ in hits)
    assert set(opened._loaded) == {"office:spp-trang-2"}  # the other offices' shards are never read
    assert len(opened.shard("spp-trang-2").ids) == sum(c.metadata["office_id"] == "spp-trang-2"
                                                       for c in copy_chunks)
    # the copy's shard ranks its own chunks exactly as the original's shard does
    mine = opened.search("การพัฒนาครู", 10, office_id="spp-chiangmai-6")
    theirs = opened.search("การพัฒนาครู", 10, office_id=COPY_OFFICE)
    assert mine and [c.split("/", 1)[1] for c, _ in mine] == [c.split("/", 1)[1] for c, _ in theirs]
    assert opened.search("O-NET", 10, office_id="spp-nowhere-1") == []
    # no office: the one index of every chunk, as before sharding
    whole = LexicalIndex.build(copy_chunks)
    assert opened.search("O-NET", 10) == whole.search("O-NET", 10)
    assert opened.search("O-NET", 10, doc_id=DOC_002) == whole.search("O-NET", 10, doc_id=DOC_002)
    assert sharded.search("xyzzy", 5) == []


def test_unsharded_lexical_of_older_builds_still_opens(copy_chunks, tmp_path):
    LexicalIndex.build(copy_chunks, tmp_path / "bm25")
    opened = open_lexical(tmp_path / "bm25")
    assert isinstance(opened, LexicalIndex)
    assert opened.search("O-NET", 5) == LexicalIndex.build(copy_chunks).search("O-NET", 5)


def test_embed_text_drops_only_a_leading_office_label():
    from assistant.ingest.chunks import _embed_from

    label = "สพป.ตรัง เขต 2"
    text = f"{label} · แผนปี 2562\nตัวชี้วัดที่ 1: ร้อยละของนักเรียน"
    c = Chunk("d/s1/i1", text, {"office_id": "spp-trang-2"}, _embed_from(text, label))
    assert c.embed_text == "แผนปี 2562\nตัวชี้วัดที่ 1: ร้อยละของนักเรียน"
    assert Chunk.from_dict(c.to_dict()) == c
    assert _embed_from(f"{label}\nกลยุทธ์ที่ 1", label) == len(label) + 1  # a plan with no years
    assert _embed_from(text, None) == 0 and _embed_from(text, "สพป.ยโสธร เขต 2") == 0
    assert _embed_from(f"ตัวชี้วัด {label}", label) == 0  # the label elsewhere stays
    only = Chunk("d/x", label, {}, _embed_from(label, label))
    assert only.embed_text == label
    old = Chunk.from_dict({"id": "d/x", "text": text, "metadata": {}})  # chunks.json before this field
    assert old.embed_from == 0 and old.embed_text == text and "embed_from" not in old.to_dict()


def _passages_by_scan(plan, text):
    """passages() as it was written first: every record span scanned for every line."""
    from assistant.domain.models import Span
    from assistant.ingest.layouts.base import lines, trim
    from assistant.ingest.passages import _CONTENT, MAX_CHARS, record_spans

    covered = sorted((s.start, s.end) for s in record_spans(plan))
    out, cur = [], []

    def flush():
        if cur:
            a, b = trim(text, cur[0][0], cur[-1][1])
            if b - a >= 20:
                out.append(Span(plan.doc_id, a, b))
            cur.clear()

    for ln in lines(text):
        if not _CONTENT.search(ln.text):
            continue
        if any(s < ln.end and ln.start < e for s, e in covered):
            flush()
            continue
        if cur and ln.end - cur[0][0] > MAX_CHARS:
            flush()
        cur.append((ln.start, ln.end))
    flush()
    return out


def test_passages_by_bisection_equal_the_scan_of_every_span(store, monkeypatch):
    """The text no record covers, found by bisecting merged record spans, is the same as
    by scanning every span per line: on every bundled plan, and on spans that overlap,
    touch, nest or are empty."""
    from assistant.domain.models import Span
    from assistant.ingest import passages as mod

    found = 0
    for doc_id in store.plans:
        plan, text = store.plans[doc_id], store.texts[doc_id]
        got = mod.passages(plan, text)
        assert got == _passages_by_scan(plan, text)
        found += len(got)
    assert found > 20
    plan = store.plans[DOC_000]
    text = store.texts[DOC_000]
    n = len(text)
    for spans in ([], [(0, n)], [(50, 50)], [(100, 400), (400, 700), (150, 200), (2000, 1990 + 30)],
                  [(n // 3, n // 2), (n // 4, n // 3 + 5), (n - 10, n), (n // 2, n // 2)]):
        monkeypatch.setattr(mod, "record_spans", lambda p, s=spans: [Span(p.doc_id, a, b) for a, b in s])
        assert mod.passages(plan, text) == _passages_by_scan(plan, text), spans
