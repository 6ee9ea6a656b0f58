"""One contract suite for the plan store and the vector store, run against both backends:
the embedded defaults (SQLite, embedded Chroma) and the servers (PostgreSQL, a Chroma server),
which the fixtures in conftest.py start on loopback and stop afterwards."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import settings
from assistant.ingest.chunks import Chunk
from assistant.ingest.pipeline import store_path
from assistant.qa import lookup
from assistant.stores.protocols import PlanStore, VectorStore
from tests.conftest import DOC_000, DOC_001, DOC_002, DOC_003, DOC_004

ALL = sorted((DOC_000, DOC_001, DOC_002, DOC_003, DOC_004))


@pytest.fixture(scope="module")
def published(built_index, pg_url):
    from assistant.stores.postgres import publish

    return publish(store_path(built_index), pg_url)


@pytest.fixture(params=["sqlite", "postgres"])
def plan_store(request, built_index):
    """A freshly opened store (nothing loaded yet) of the bundled corpus."""
    if request.param == "postgres":
        request.getfixturevalue("published")
        from assistant.stores.postgres import PgStore

        s = PgStore(request.getfixturevalue("pg_url"))
    else:
        from assistant.stores.sqlite import Store

        s = Store(store_path(built_index))
    yield s
    s.close()


def test_is_a_plan_store(plan_store):
    assert isinstance(plan_store, PlanStore)
    assert sorted(plan_store.plans) == ALL
    assert plan_store.counts()["documents"] == 5


def test_opening_loads_no_plan_and_one_office_loads_only_its_plans(plan_store):
    assert plan_store.plans.loaded() == 0 and plan_store.texts.loaded() == 0
    plans = plan_store.plans_of("spp-chiangmai-6")
    assert [p.doc_id for p in plans] == [DOC_000]
    assert plan_store.plans.loaded() == 1
    assert plan_store.plans_of("spp-chiangmai-6")[0] is plans[0]  # the same object every time
    assert plan_store.plans_of("spp-nowhere-1") == []
    assert plan_store.office_ids_with_plans() == {"spp-chiangmai-6", "spp-yasothon-2", "spp-trang-2",
                                                  "spm-lampang-lamphun"}
    assert [p.doc_id for p in plan_store.plans_of(None)] == ALL


def test_counts_and_exact_values(plan_store):
    counts = {d: (len(p.strategies), len(p.indicators()), len(p.guidelines()))
              for d, p in plan_store.plans.items()}
    assert counts[DOC_000] == (4, 17, 55)
    assert counts[DOC_001] == (4, 80, 62)
    assert counts[DOC_004] == (5, 46, 35)
    ind = next(i for i in plan_store.plans[DOC_000].strategy("2").indicators if i.number == "2")
    assert [(t.year, t.value, t.numeric, t.unit) for t in ind.targets if t.kind == "target"] == [
        (2566, "90", 90.0, "ร้อยละ"), (2567, "92", 92.0, "ร้อยละ"), (2568, "95", 95.0, "ร้อยละ"),
        (2569, "98", 98.0, "ร้อยละ"), (2570, "100", 100.0, "ร้อยละ")]
    onet = next(i for i in plan_store.plans[DOC_002].strategy("2").indicators if i.number == "12")
    assert {(t.year, t.sub_item): t.value for t in onet.targets if t.kind == "result"} == {
        (2561, "ป.6"): "37.76", (2561, "ม.3"): "30.30", (2561, "ม.6"): "24.57"}
    assert plan_store.plans[DOC_003].office_id is None
    assert plan_store.plans[DOC_001].office_id == "spp-yasothon-2"


def test_spans_quote_the_original_text(plan_store, texts):
    for doc in ALL:
        assert plan_store.texts[doc] == texts[doc]
        for ind in plan_store.plans[doc].indicators():
            assert plan_store.quote(ind.span) == texts[doc][ind.span.start:ind.span.end]
    with pytest.raises(KeyError):
        plan_store.texts["no-such-doc"]


def test_lookup_filters_through_the_protocol(plan_store):
    rows = lookup.indicators(plan_store, office="spp-chiangmai-6", year=2568, strategy="3")
    assert [r.indicator.number for r in rows] == ["1", "2", "3", "4", "5"]
    teachers = lookup.indicators(plan_store, office="spm-lampang-lamphun", about="ครู")
    assert [(r.strategy.number, r.indicator.number) for r in teachers] == [
        ("1", "6"), ("3", "5"), ("3", "18"), ("3", "20"), ("5", "3")]


def test_postgres_holds_exactly_the_sqlite_plans(built_index, published, pg_url):
    from assistant.stores.postgres import PgStore
    from assistant.stores.sqlite import Store

    lite, pg = Store(store_path(built_index)), PgStore(pg_url)
    try:
        assert pg.docs == lite.docs and pg.offices == lite.offices
        assert pg.office_levels == lite.office_levels and pg.manifest() == lite.manifest()
        assert pg.counts() == lite.counts()
        for d in ALL:
            assert pg.plans[d].to_dict() == lite.plans[d].to_dict()
    finally:
        lite.close()
        pg.close()


def test_republish_swaps_atomically_and_keeps_the_open_build(built_index, published, pg_url):
    import psycopg

    from assistant.stores.postgres import PgStore, publish

    before = PgStore(pg_url)
    second = publish(store_path(built_index), pg_url)
    third = publish(store_path(built_index), pg_url)
    with psycopg.connect(pg_url) as con:
        live = con.execute("SELECT schema FROM planqa_current").fetchone()[0]
        schemas = {r[0] for r in con.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'planqa_b%'")}
    assert live == third and schemas == {second, third}  # the build before the live one stays
    after = PgStore(pg_url)
    assert after.schema == third
    assert len(after.plans[DOC_000].indicators()) == 17
    after.close()
    before.close()


def test_assistant_answers_the_same_on_both_backends(built_index, published, pg_url):
    from assistant.service import Assistant

    q = "ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
    lite = Assistant(built_index, hybrid=False).ask(q)
    settings.override(database_url=pg_url)
    try:
        pg_bot = Assistant(built_index, hybrid=False)
        assert pg_bot.store.__class__.__name__ == "PgStore"
        pg = pg_bot.ask(q)
        pg_offices = [o.id for o in pg_bot.offices()]
    finally:
        settings.reset()
    assert pg_offices == [o.id for o in Assistant(built_index, hybrid=False).offices()]
    assert len(pg_offices) == 4
    assert pg.status == lite.status == "answered"
    assert [v.value for v in pg.values] == ["95"]
    assert pg.contract() == lite.contract()
    assert [(c.doc, c.quote) for c in pg.citations] == [(c.doc, c.quote) for c in lite.citations]


# ---------------------------------------------------------------- vectors


class FakeEmbedder:
    """Fixed unit vectors: enough to check that both Chroma backends store and filter alike."""

    name = "fake-4"
    dim = 4
    max_tokens = 64

    def embed_query(self, text: str) -> np.ndarray:
        return np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.tile(self.embed_query(""), (len(texts), 1))

    def token_count(self, text: str) -> int:
        return len(text.split())


def _chunks():
    rows = [("a/s1/i1#0", "ตัวชี้วัดที่ 1 ร้อยละของนักเรียน", "spp-a-1", "a", "1", "indicator", [1, 0, 0, 0]),
            ("a/s2/i1#0", "ตัวชี้วัดที่ 1 กลยุทธ์ที่ 2", "spp-a-1", "a", "2", "indicator", [0.8, 0.6, 0, 0]),
            ("a/s2#0", "กลยุทธ์ที่ 2 พัฒนาครู", "spp-a-1", "a", "2", "strategy", [0.6, 0.8, 0, 0]),
            ("b/s1/i1#0", "ตัวชี้วัดที่ 1 ของอีกเขต", "spp-b-2", "b", "1", "indicator", [0.99, 0.141, 0, 0])]
    chunks = [Chunk(cid, text, {"record_id": cid.split("#")[0], "doc_id": doc, "office_id": office,
                                "kind": kind, "strategy": strategy, "indicator": "1" if kind == "indicator" else None,
                                "guideline": None, "years": [2568], "start": 0, "end": len(text)})
              for cid, text, office, doc, strategy, kind, _ in rows]
    vectors = np.array([r[-1] for r in rows], dtype=np.float32)
    return chunks, vectors


@pytest.fixture(params=["embedded", "server"])
def vector_index(request, tmp_path):
    from assistant.stores.chroma import VectorIndex, write_collection

    if request.param == "server":
        settings.override(chroma_url=request.getfixturevalue("chroma_url"))
    try:
        build = tmp_path / "index" / "build-test"
        chunks, vectors = _chunks()
        write_collection(build / "chroma", "chunks", chunks, vectors, FakeEmbedder())
        yield VectorIndex(build / "chroma", "chunks", FakeEmbedder())
    finally:
        settings.reset()


def test_vector_store_contract(vector_index):
    assert isinstance(vector_index, VectorStore)
    assert vector_index.count() == 4
    assert (vector_index.embedder_name, vector_index.dim) == ("fake-4", 4)
    q = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    assert [c for c, _ in vector_index.search(q, 4)] == ["a/s1/i1#0", "b/s1/i1#0", "a/s2/i1#0", "a/s2#0"]
    assert [c for c, _ in vector_index.search(q, 10, office_id="spp-a-1", strategy="2")] == ["a/s2/i1#0", "a/s2#0"]
    assert [c for c, _ in vector_index.search(q, 10, kinds=["strategy"])] == ["a/s2#0"]
    assert [c for c, _ in vector_index.search(q, 10, doc_id="b", indicator="1")] == ["b/s1/i1#0"]
    (cid, cos), = vector_index.search(q, 1)
    assert cid == "a/s1/i1#0" and cos == pytest.approx(1.0, abs=1e-5)
    assert {c.id: c.metadata["office_id"] for c in vector_index.chunks()} == {
        "a/s1/i1#0": "spp-a-1", "a/s2/i1#0": "spp-a-1", "a/s2#0": "spp-a-1", "b/s1/i1#0": "spp-b-2"}


def test_exact_office_search_agrees_with_the_store(vector_index, tmp_path):
    """A search within one office or document (numpy over its vectors) returns what the
    store returns under the same filters; a search of every office goes to the store."""
    from assistant.stores.office_vectors import OfficeVectors

    chunks, vectors = _chunks()
    np.save(tmp_path / "vectors.npy", np.vstack([vectors, vectors[:1]]))  # + a baseline row
    exact = OfficeVectors(vector_index, tmp_path / "vectors.npy", chunks)
    assert isinstance(exact, VectorStore) and exact.count() == 4
    q = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)
    for filters in ({"office_id": "spp-a-1"}, {"office_id": "spp-a-1", "strategy": "2"},
                    {"office_id": "spp-a-1", "kinds": ["strategy", "indicator"]}, {"doc_id": "b", "indicator": "1"},
                    {"doc_id": "a", "kinds": ["indicator"]}, {}, {"kinds": ["strategy"]}):
        want = vector_index.search(q, 10, **filters)
        got = exact.search(q, 10, **filters)
        assert [c for c, _ in got] == [c for c, _ in want], filters
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-5)
    assert [c for c, _ in exact.search(q, 2, office_id="spp-a-1")] == ["a/s1/i1#0", "a/s2/i1#0"]
    assert exact.search(q, 5, office_id="spp-none-9") == [] and exact.search(q, 5, doc_id="zz") == []
    assert exact.loaded() == 2  # the two offices searched, each loaded once


def test_server_collections_are_per_build_and_old_builds_are_pruned(tmp_path, chroma_url):
    import chromadb

    from assistant.stores.chroma import VectorIndex, write_collection

    settings.override(chroma_url=chroma_url)
    try:
        index = tmp_path / "index"
        chunks, vectors = _chunks()
        for name in ("build-1", "build-2", "build-3"):
            (index / name).mkdir(parents=True)
            write_collection(index / name / "chroma", "chunks", chunks[: int(name[-1])],
                             vectors[: int(name[-1])], FakeEmbedder())
            if name == "build-2":  # build-2 goes live: build-3 is built aside
                (index / "current").symlink_to("build-2")
        port = int(chroma_url.rsplit(":", 1)[1])
        names = sorted(c.name for c in chromadb.HttpClient(host="127.0.0.1", port=port).list_collections())
        assert [n for n in names if n.startswith("build-")] == ["build-2--chunks", "build-3--chunks"]
        assert VectorIndex(index / "current" / "chroma", "chunks", FakeEmbedder()).count() == 2
    finally:
        settings.reset()


def test_records_are_built_per_plan_on_first_use(plan_store):
    from assistant.qa.records import Records

    records = Records(plan_store)
    assert plan_store.plans.loaded() == 0
    rec = records.get(f"{DOC_000}/s2/i2")
    assert (rec.kind, rec.strategy.number, rec.indicator.number) == ("indicator", "2", "2")
    assert plan_store.plans.loaded() == 1
    assert records.get("no-such-doc/s1") is None and records.get(f"{DOC_000}/s99") is None
    own = records.of_plan(plan_store.plans[DOC_000])
    assert {r.plan.doc_id for r in own} == {DOC_000} and all(r.id.startswith(DOC_000 + "/") for r in own)
    assert {"indicator", "guideline", "strategy", "passage"} <= {r.kind for r in own}
    assert plan_store.plans.loaded() == 1
    every = list(records.by_id)  # the whole view: document order, each plan's records in order
    assert every == [r.id for d in ALL for r in records.of_plan(plan_store.plans[d])]
    assert len(every) == len(set(every)) and plan_store.plans.loaded() == 5


def test_large_writes_go_in_batches_the_server_accepts(vector_index, monkeypatch, tmp_path):
    from assistant.stores import chroma

    monkeypatch.setattr(chroma, "_max_batch", lambda client: 3)  # 4 chunks: two batches
    build = tmp_path / "index" / "build-batched"
    build.mkdir(parents=True)
    chunks, vectors = _chunks()
    chroma.write_collection(build / "chroma", "chunks", chunks, vectors, FakeEmbedder())
    again = chroma.VectorIndex(build / "chroma", "chunks", FakeEmbedder())
    assert again.count() == 4
    assert sorted(c.id for c in again.chunks()) == sorted(c.id for c in chunks)


# ---------------------------------------------------------------- serving under PostgreSQL

Q_CM6 = "ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"


def test_serving_reloads_a_newly_published_build(built_index, published, pg_url):
    from assistant import service
    from assistant.stores.postgres import live_schema, publish

    settings.override(database_url=pg_url)
    try:
        serving = service.Serving(load=lambda: service.Assistant(built_index, hybrid=False), check_every=0)
        serving.check(wait=True)
        held = serving.current()
        assert held.build_id == live_schema(pg_url) and held.build_dir is None
        serving.check(wait=True)
        assert serving.current() is held  # nothing new published: no reload
        new = publish(store_path(built_index), pg_url)
        serving.check(wait=True)
        now = serving.current()
        assert now is not held and now.build_id == new != held.build_id
        assert [v.value for v in now.ask(Q_CM6).values] == ["95"]
        # a request still holding the previous build keeps reading it (it is kept)
        assert [v.value for v in held.ask(Q_CM6).values] == ["95"]
    finally:
        settings.reset()


def test_get_assistant_follows_the_published_schema(built_index, published, pg_url, monkeypatch):
    from assistant import service
    from assistant.stores.postgres import publish

    settings.override(database_url=pg_url, index_dir=built_index)
    monkeypatch.setattr(service, "_instance", None)
    try:
        first = service.get_assistant()
        assert service.get_assistant() is first  # the same build: the same Assistant
        publish(store_path(built_index), pg_url)
        second = service.get_assistant()
        assert second is not first and second.build_id != first.build_id
        assert service.get_assistant() is second
    finally:
        settings.reset()


@pytest.mark.integration
def test_postgres_assistant_searches_the_published_builds_retrieval_index(hybrid_index, pg_url):
    from assistant.service import Assistant
    from assistant.stores.postgres import publish

    publish(store_path(hybrid_index), pg_url)
    settings.override(database_url=pg_url)
    try:
        bot = Assistant(hybrid_index)
        bot.warm()
        assert bot.retriever is not None
        assert bot.retriever.path == (hybrid_index / "current").resolve() == bot.retrieval_dir
        hits = bot.search_fn("ผลการทดสอบ O-NET", office_id="spp-trang-2", k=5)
        assert hits and all(rid.startswith(DOC_002 + "/") for rid, _ in hits)
    finally:
        settings.reset()
