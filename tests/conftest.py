"""Shared fixtures: the bundled corpus, parsed plans, isolated data dirs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
# tests never write the project's index/state.sqlite, and never rate-limit their one client
# (an exported PLANQA_STATE, a developer's own file, is never used: see _own_state_file)
os.environ["PLANQA_STATE"] = os.path.join(tempfile.mkdtemp(prefix="planqa-state-"), "state.sqlite")
os.environ.setdefault("PLANQA_RATE_PER_MINUTE", "0")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

DOC_000 = "spp-chiangmai-6_direction-2566-2570"
DOC_001 = "spp-yasothon-2_direction-fy2566"
DOC_002 = "spp-trang-2_policy-fy2562"
DOC_003 = "unknown-office_vision-strategies"
DOC_004 = "spm-lampang-lamphun_plan-2566-2570"
ALL_DOCS = (DOC_000, DOC_001, DOC_002, DOC_003, DOC_004)


def corpus_text(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")


def vals(ans):
    """An answer's figures as (office, strategy, indicator, year, value, kind)."""
    return [(v.office, v.strategy, v.indicator, v.year, v.value, v.kind) for v in ans.values]


def assert_quoted(ans) -> None:
    """Every citation of ``ans`` quotes its plan's text exactly."""
    for c in ans.citations:
        assert c.quote in corpus_text(c.doc)


@pytest.fixture(autouse=True)
def _own_state_file(tmp_path_factory, monkeypatch):
    """Every test its own conversation/feedback/event state file: no test sees another's
    conversations or handled LINE event ids (nor those of an exported PLANQA_STATE)."""
    from assistant import settings

    path = tmp_path_factory.mktemp("state") / "state.sqlite"
    monkeypatch.setenv("PLANQA_STATE", str(path))
    if settings._current is not None:  # settings already read: point them at this test's file too
        settings.override(state_file=path)
    yield path


@pytest.fixture(scope="session")
def texts() -> dict[str, str]:
    return {d: corpus_text(d) for d in ALL_DOCS}


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """A structured store built from the bundled corpus into a temporary index dir."""
    from assistant.ingest.pipeline import ingest

    index_dir = tmp_path_factory.mktemp("index")
    report = ingest(corpus_dir=CORPUS, index_dir=index_dir)
    assert report.ok, [f.message() for f in report.failed]
    return index_dir


@pytest.fixture(scope="module")
def bot(built_index, tmp_path_factory):
    """An Assistant over the structured index (no vectors) with a state store of its own
    per test module and a fixed date (fiscal year 2568), rules only: the conversation and
    understanding tests' bot."""
    import datetime

    from assistant.service import Assistant
    from assistant.stores.state import SqliteState

    state = SqliteState(tmp_path_factory.mktemp("state") / "state.sqlite")
    a = Assistant(built_index, hybrid=False, state=state, today=lambda: datetime.date(2024, 12, 1))
    a.llm = None  # the rules' answers only
    return a


@pytest.fixture(scope="session")
def store(built_index):
    from assistant.ingest.pipeline import store_path
    from assistant.stores.sqlite import Store

    return Store(store_path(built_index))


@pytest.fixture()
def isolated(tmp_path, monkeypatch):
    """Settings pointing at a fresh corpus copy and an empty index in tmp."""
    import shutil

    from assistant import settings

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    index.mkdir()
    settings.override(corpus_dir=corpus, index_dir=index)
    yield corpus, index
    settings.reset()


@pytest.fixture(scope="session")
def hybrid_index(tmp_path_factory):
    """One full index (structured store + vectors + BM25) per test session."""
    from assistant.ingest.pipeline import ingest, register_builder, unregister_builder
    from assistant.qa.retrieve import build_retrieval_index

    index_dir = tmp_path_factory.mktemp("hybrid_index")
    register_builder(build_retrieval_index)
    try:
        report = ingest(corpus_dir=CORPUS, index_dir=index_dir)
    finally:
        unregister_builder(build_retrieval_index)
    assert report.ok, [f.message() for f in report.failed]
    return index_dir


@pytest.fixture(scope="session")
def pg_url():
    """A throw-away PostgreSQL server on loopback for the contract suites (tests/servers.py)."""
    from servers import pg_bin, start_postgres

    if pg_bin() is None:
        pytest.skip("PostgreSQL binaries are absent (make system-deps installs postgresql)")
    server = start_postgres()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def chroma_url():
    """A throw-away Chroma server (`chroma run`) on loopback for the contract suites."""
    from servers import chroma_cmd, start_chroma

    if chroma_cmd() is None:
        pytest.skip("the chroma command is absent (chromadb is not installed)")
    server = start_chroma()
    yield server.url
    server.stop()
