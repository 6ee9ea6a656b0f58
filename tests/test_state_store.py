"""Contract tests of the state store (conversations, feedback, drafts, event queue), run
against both backends: SQLite (embedded default) and PostgreSQL (a server the fixture starts)."""

from __future__ import annotations

import threading

import pytest

from assistant.stores.protocols import StateStore
from assistant.stores.state import SqliteState


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(params=["sqlite", "postgres"])
def state(request, tmp_path):
    clock = Clock()
    ttl = {"conversation_ttl": 100, "draft_ttl": 100, "event_ttl": 100}
    if request.param == "postgres":
        import psycopg

        from assistant.stores.postgres import PgState

        url = request.getfixturevalue("pg_url")
        with psycopg.connect(url, autocommit=True) as con:  # every test starts empty
            for t in ("conversations", "feedback", "drafts", "events"):
                con.execute(f"DROP TABLE IF EXISTS state_{t}")
        s = PgState(url, **ttl, clock=clock)
        s.reopen = lambda: PgState(url, clock=clock)
    else:
        s = SqliteState(tmp_path / "state.sqlite", **ttl, clock=clock)
        s.reopen = lambda: SqliteState(s.path, clock=clock)
    s.clock_obj = clock
    yield s
    s.close()


def test_is_a_state_store(state):
    assert isinstance(state, StateStore)


def test_conversation_roundtrip_owner_listing_and_expiry(state):
    state.save_conversation("c1", {"turns": [{"q": "แล้วปี 69 ล่ะ"}]}, owner="web:u1")
    state.clock_obj.now += 1
    state.save_conversation("c2", {"turns": []}, owner="web:u1")
    state.save_conversation("c3", {"turns": []}, owner="line:u2")
    assert state.load_conversation("c1") == {"turns": [{"q": "แล้วปี 69 ล่ะ"}]}
    assert [c["id"] for c in state.conversations_of("web:u1")] == ["c2", "c1"]
    state.clock_obj.now += 1
    state.save_conversation("c1", {"turns": [1, 2]})  # owner kept when not restated
    assert [c["id"] for c in state.conversations_of("web:u1")] == ["c1", "c2"]
    state.clock_obj.now += 101
    assert state.load_conversation("c1") is None
    assert state.purge_expired() == 3


def test_feedback_is_appended_in_order(state):
    a = state.add_feedback({"rating": 1, "comment": "ดีมาก"})
    state.clock_obj.now += 1
    b = state.add_feedback({"rating": -1})
    assert [(f["id"], f["rating"]) for f in state.feedback()] == [(a, 1), (b, -1)]
    assert state.feedback()[0]["comment"] == "ดีมาก"


def test_drafts_survive_reopen(state, tmp_path):
    state.put_draft("d1", {"title": "โครงการส่งเสริมการอ่าน"})
    again = state.reopen()
    assert again.get_draft("d1") == {"title": "โครงการส่งเสริมการอ่าน"}
    assert again.get_draft("nope") is None
    again.close()


def test_event_queue_dedupes_leases_and_finishes(state):
    assert state.enqueue("e1", "line", {"text": "สวัสดี"}) is True
    assert state.enqueue("e1", "line", {"text": "สวัสดี"}) is False
    assert state.enqueue("e2", "line", {"text": "2"}) is True
    first = state.claim("line", limit=1, lease_seconds=10)
    assert [(e.event_id, e.attempts) for e in first] == [("e1", 1)]
    assert [e.event_id for e in state.claim("line", lease_seconds=10)] == ["e2"]
    assert state.claim("line") == []
    state.done("e2")
    state.clock_obj.now += 11  # e1's lease ran out: claimed again after a crash
    again = state.claim("line")
    assert [(e.event_id, e.attempts) for e in again] == [("e1", 2)]
    assert state.pending("line") == 1
    state.done("e1")
    assert state.pending("line") == 0
    assert state.enqueue("e1", "line", {}) is False  # dedupe id persists after done


def test_concurrent_enqueue_claims_each_event_once(state):
    ids = [f"e{i}" for i in range(200)]

    def put(chunk):
        for i in chunk:
            state.enqueue(i, "line", {"i": i})

    threads = [threading.Thread(target=put, args=(ids[k::4],)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed: list[str] = []
    lock = threading.Lock()

    def take():
        while True:
            got = state.claim("line", limit=7)
            if not got:
                return
            with lock:
                claimed.extend(e.event_id for e in got)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)
