"""Serving many users safely: index reload between requests, a corrupt index, limits,
pools with back-pressure, readiness, slow clients, and `planqa serve` with HOST/PORT."""

from __future__ import annotations

import os
import shutil
import socket
import time

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.channels.http.app import create_app, running
from assistant.channels.line import LineConfig
from assistant.service import Assistant

Q_CM6 = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"


@pytest.fixture(scope="module")
def lexical(built_index):
    return Assistant(built_index, hybrid=False)


@pytest.fixture()
def index_copy(built_index, tmp_path, monkeypatch):
    """An index dir with one build (a copy of the session's), the settings pointing at it,
    no cached Assistant, and a reload check on every request."""
    from assistant import service, settings

    index = tmp_path / "index"
    index.mkdir()
    src = (built_index / "current").resolve()
    shutil.copytree(src, index / "build-1")
    os.symlink("build-1", index / "current")
    settings.override(index_dir=index, reload_seconds=0.0)
    monkeypatch.setattr(service, "_instance", None)
    monkeypatch.setattr(service.Assistant, "warm", lambda self: None)  # structured answers only
    yield index
    settings.reset()


def new_build(index, name: str, *, corrupt: bool = False) -> None:
    from assistant.ingest.pipeline import _swap

    shutil.copytree((index / "current").resolve(), index / name)
    if corrupt:
        (index / name / "plans.sqlite").write_bytes(b"this is not a database" * 100)
    _swap(index, index / name)


def wait_for(pred, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return pred()


# ---------------------------------------------------------------- reload


def test_new_build_is_served_without_restart_and_old_files_go(index_copy):
    with TestClient(create_app(line_config=LineConfig())) as c:
        assert c.get("/healthz").json()["build"] == "build-1"
        assert c.post("/api/ask", json={"question": Q_CM6}).json()["values"][0]["value"] == "90"
        new_build(index_copy, "build-2")  # swap: build-1 is deleted underneath the server
        assert not (index_copy / "build-1").exists()
        assert wait_for(lambda: c.get("/healthz").json()["build"] == "build-2")
        r = c.post("/api/ask", json={"question": Q_CM6})
        assert r.status_code == 200 and r.json()["values"][0]["value"] == "90"
        assert c.get("/readyz").json()["build"] == "build-2"


def test_a_request_keeps_the_build_it_started_with(index_copy):
    from assistant import service

    serving = service.Serving(load=lambda: service.get_assistant(), check_every=0)
    serving.check(wait=True)
    held = serving.current()
    new_build(index_copy, "build-2")
    serving.check(wait=True)
    assert serving.current().build_id == "build-2" and held.build_id == "build-1"
    # the old build's data is still there for the request holding it
    assert held.ask(Q_CM6).values[0].value == "90"


def test_corrupt_index_starts_and_answers_503_in_thai_then_recovers(index_copy, built_index):
    new_build(index_copy, "build-bad", corrupt=True)
    with TestClient(create_app(line_config=LineConfig())) as c:
        r = c.post("/api/ask", json={"question": Q_CM6})
        assert r.status_code == 503
        err = r.json()["error"]
        assert err["code"] == "index_corrupt" and "planqa ingest" in err["message_th"]
        assert "เสียหาย" in err["message_th"]
        assert c.get("/api/offices").status_code == 503
        h = c.get("/healthz")
        assert h.status_code == 503 and h.json()["code"] == "index_corrupt"
        assert c.get("/readyz").status_code == 503
        assert c.get("/").status_code == 200  # the page itself loads
        # `planqa ingest` swaps in a good build: answered again, no restart
        shutil.copytree((built_index / "current").resolve(), index_copy / "build-good")
        from assistant.ingest.pipeline import _swap

        _swap(index_copy, index_copy / "build-good")
        assert wait_for(lambda: c.post("/api/ask", json={"question": Q_CM6}).status_code == 200)
        assert c.get("/healthz").json()["build"] == "build-good"


def test_missing_index_dir_starts_and_answers_503(tmp_path, monkeypatch):
    from assistant import service, settings

    settings.override(index_dir=tmp_path / "nothing-here")
    monkeypatch.setattr(service, "_instance", None)
    try:
        with TestClient(create_app(line_config=LineConfig())) as c:
            err = c.post("/api/ask", json={"question": Q_CM6}).json()["error"]
            assert err["code"] == "index_missing" and "planqa ingest" in err["message_th"]
    finally:
        settings.reset()


# ---------------------------------------------------------------- limits


def test_rate_limit_is_per_client_with_a_thai_429(lexical):
    with TestClient(create_app(lexical, line_config=LineConfig(), rate_per_minute=60)) as c:
        codes = [c.post("/api/ask", json={"question": "วิสัยทัศน์ของ สพป.ตรัง เขต 2"}).status_code
                 for _ in range(25)]
        assert codes[:20] == [200] * 20 and 429 in codes[20:]
        r = c.post("/api/ask", json={"question": "วิสัยทัศน์ของ สพป.ตรัง เขต 2"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        err = r.json()["error"]
        assert err["code"] == "rate_limited" and "กรุณารอ" in err["message_th"]
        assert c.get("/api/offices").status_code == 200  # reads are not limited
        assert c.get("/healthz").status_code == 200


def test_long_questions_use_the_budget_faster():
    from assistant.channels.http.limits import TokenBucket

    now = [0.0]
    b = TokenBucket(rate=1.0, burst=10, clock=lambda: now[0])
    assert [b.take("long", 3.0) == 0 for _ in range(4)] == [True, True, True, False]
    assert all(b.take("short") == 0 for _ in range(10))  # another client has its own bucket
    now[0] += 3
    assert b.take("long", 3.0) == 0


def test_cpu_budget_is_charged_after_the_answer_and_owed_until_paid_back():
    from assistant.channels.http.limits import TokenBucket

    now = [0.0]
    b = TokenBucket(rate=25.0, burst=100.0, clock=lambda: now[0])  # ms of CPU a second, ms saved
    assert b.owed("a") == 0
    b.charge("a", 60.0)
    assert b.owed("a") == 0  # 40 ms left
    b.charge("a", 90.0)  # a costly answer takes it below zero: -50
    assert b.owed("a") == pytest.approx(51 / 25) and b.owed("b") == 0  # per client
    now[0] += 2.1
    assert b.owed("a") == 0
    b.charge("a", 10_000.0)  # the debt is bounded by the burst
    now[0] += 4.1
    assert b.owed("a") == 0


def test_a_client_whose_questions_cost_much_cpu_gets_a_thai_429(lexical):
    """The per-client CPU budget: answers are charged their CPU time; a client in debt gets
    429 (rate_limited, Retry-After) while another client is answered."""
    from assistant.channels.http.limits import TokenBucket

    app = create_app(lexical, line_config=LineConfig(), rate_per_minute=6000)
    assert app.state.cpu_budget.rate == lexical.settings.cpu_ms_per_second > 0
    app.state.cpu_budget = TokenBucket(rate=0.001, burst=0.01)  # 0.01 ms: one answer uses it up
    q = {"question": "ตัวชี้วัดเกี่ยวกับครู ของ สพป.ยโสธร เขต 2"}
    with TestClient(app) as c, TestClient(app, client=("10.0.0.2", 50000)) as other:
        assert c.post("/api/ask", json=q).status_code == 200
        r = c.post("/api/ask", json=q)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        err = r.json()["error"]
        assert err["code"] == "rate_limited" and "ประมวลผลมากเกินไป" in err["message_th"]
        assert c.post("/api/ask/stream", json=q).status_code == 429  # the same budget
        assert other.post("/api/ask", json=q).status_code == 200
    assert create_app(lexical, line_config=LineConfig(), rate_per_minute=0).state.cpu_budget.rate == 0


def test_answer_processes_route_costly_questions_and_take_turns():
    """Without spawning: a costly question goes to the low-priority process also inside a
    conversation; the turns of one conversation run one at a time, other questions meanwhile
    on the least busy process."""
    from assistant import settings
    from assistant.channels.http.workers import AnswerWorkers

    aw = AnswerWorkers(2, settings.get())
    events: list = []

    def fake(w):
        async def call(fn, question, office_id, cid, entered=None):
            entered.append(time.perf_counter())
            events.append(("start", w.name, question))
            await anyio.sleep(0.05)
            events.append(("end", w.name, question))
            return ("ok", {"q": question}, 50.0, 1.5)
        return call

    for w in aw.all:
        w.call = fake(w)

    async def main():
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: aw.ask("ยาว" * 200, None, "c1", heavy=True, since=time.perf_counter()))
            await anyio.sleep(0.01)
            tg.start_soon(lambda: aw.ask("แล้วปี 2569 ล่ะ", None, "c1"))
            tg.start_soon(lambda: aw.ask("วิสัยทัศน์", None, "c2"))
            tg.start_soon(lambda: aw.ask("พันธกิจ", None))
        payload, timing, cpu = await aw.ask("กลยุทธ์", None, since=time.perf_counter())
        assert payload == {"q": "กลยุทธ์"} and cpu == 1.5
        assert 'desc="answer-' in timing and "wait;dur=" in timing

    anyio.run(main)
    where = {q: name for kind, name, q in events if kind == "start"}
    assert where["ยาว" * 200] == "answer-heavy"
    assert {where["วิสัยทัศน์"], where["พันธกิจ"]} == {"answer-0", "answer-1"}  # the least busy each
    order = [(kind, q) for kind, _, q in events]
    assert order.index(("end", "ยาว" * 200)) < order.index(("start", "แล้วปี 2569 ล่ะ"))  # c1's turns in order
    assert order.index(("start", "วิสัยทัศน์")) < order.index(("end", "ยาว" * 200))  # c2 did not wait for c1
    assert aw._turns == {}


def test_servers_warm_the_answer_path_when_they_load_a_build(lexical):
    """A server's first question and first project idea do not pay for the dictionaries
    and the aligner: they are loaded with the build (start-up and every reload), by the one
    warm-up every server uses."""
    from assistant.proposals import align
    from assistant.service import warm_for_serving

    assert warm_for_serving(lexical) is lexical
    assert align._aligners.get(lexical) is not None and align._aligners[lexical]._dense_loaded


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling classes")
def test_low_priority_process_runs_only_on_idle_cpu():
    import subprocess
    import sys

    code = ("import os, threading; from assistant.channels.http.workers import _lowest_priority; "
            "_lowest_priority(19); out = []; t = threading.Thread(target=lambda: out.append(os.sched_getscheduler(0))); "
            "t.start(); t.join(); print(os.sched_getscheduler(0) == os.SCHED_IDLE == out[0], os.nice(0))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["True", "19"]


def test_pool_refuses_beyond_its_queue_with_503_busy():
    from assistant.channels.http.errors import ApiError
    from assistant.channels.http.limits import Pool

    pool = Pool("web", threads=1, max_waiting=1)
    results: list = []

    async def main():
        async def one():
            try:
                results.append(await pool.run(time.sleep, 0.3))
            except ApiError as e:
                results.append(e.code)

        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(one)
                await anyio.sleep(0.05)
            await anyio.sleep(0.05)
            stats = pool.stats()
            assert (stats.busy, stats.waiting, stats.saturated) == (1, 1, True)

    anyio.run(main)
    assert sorted(map(str, results)) == ["None", "None", "busy"]
    assert pool.stats().as_dict() == {"threads": 1, "busy": 0, "waiting": 0, "max_waiting": 1, "saturated": False}


def test_long_questions_have_their_own_pool(lexical, monkeypatch):
    """A question longer than heavy_chars waits for the one-slot "heavy" pool, never a web slot."""
    app = create_app(lexical, line_config=LineConfig(), rate_per_minute=0)
    used = []
    for name, pool in app.state.pools.items():
        monkeypatch.setattr(pool, "run", lambda fn, *a, _n=name, _run=pool.run: (used.append(_n), _run(fn, *a))[1])
    long_q = ("ค่าเป้าหมายตัวชี้วัดทุกตัวของทุกกลยุทธ์ " * 60)[:lexical.settings.heavy_chars + 1]
    with TestClient(app) as c:
        r = c.post("/api/ask", json={"question": Q_CM6})
        assert r.status_code == 200 and r.headers["server-timing"].startswith("app;dur=")  # the server's time
        assert c.post("/api/ask", json={"question": long_q}).status_code == 200
    assert used == ["web", "heavy"] and app.state.pools["heavy"].threads == 1


def test_readyz_reports_pools_and_build(lexical):
    with TestClient(create_app(lexical, line_config=LineConfig())) as c:
        r = c.get("/readyz")
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ready" and body["build"] == lexical.build_id
        assert set(body["pools"]["web"]) == {"threads", "busy", "waiting", "max_waiting", "saturated"}
        c.app.state.pools["web"].waiting = c.app.state.pools["web"].max_waiting  # saturated
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "saturated"
        assert c.get("/healthz").status_code == 200  # liveness stays green
        c.app.state.pools["web"].waiting = 0
        c.app.state.pools["heavy"].waiting = c.app.state.pools["heavy"].max_waiting
        r = c.get("/readyz")  # long questions queued: reported, the server stays ready
        assert r.status_code == 200 and r.json()["pools"]["heavy"]["saturated"]
        c.app.state.pools["heavy"].waiting = 0


def test_slow_and_huge_headers_are_cut_off(lexical):
    with running(create_app(lexical, line_config=LineConfig()), header_timeout=0.5) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # ... and never finishes
            s.settimeout(10)
            t = time.monotonic()
            assert s.recv(4096) == b""  # closed by the server
            assert time.monotonic() - t < 8
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (64 * 1024) + b"\r\n\r\n")
            s.settimeout(10)
            try:
                reply = s.recv(4096)
            except ConnectionResetError:
                reply = b""
            assert reply == b"" or reply.startswith(b"HTTP/1.1 4"), reply[:80]
        with httpx.Client(base_url=url, timeout=10) as http:
            assert http.get("/healthz").status_code == 200


# ---------------------------------------------------------------- answer processes


def test_answer_worker_processes_share_limits_state_and_reload(index_copy):
    """workers=2: /api/ask is answered in worker processes (+1 for long questions) with the
    same payload; conversations land in the one state store the server reads; the rate
    limit stays per client in the server; a new build is picked up; a killed worker is
    replaced (its request gets 503 busy at worst)."""
    from assistant import settings

    settings.override(heavy_chars=200)
    q2000 = ("ขอทราบค่าเป้าหมายตัวชี้วัดทุกตัว " * 80)[:2000]
    listing = "ตัวชี้วัดเกี่ยวกับครู ของ สพป.ยโสธร เขต 2"  # a reply of tens of KB: read in pieces
    with TestClient(create_app(line_config=LineConfig())) as c:
        local = c.post("/api/ask", json={"question": Q_CM6}).json()
        local_listing = c.post("/api/ask", json={"question": listing}).json()
    with TestClient(create_app(line_config=LineConfig(), workers=2, rate_per_minute=60)) as c:
        workers = c.app.state.answer_workers
        assert workers is not None and len(workers.all) == 3
        r = c.post("/api/ask", json={"question": Q_CM6})
        assert r.status_code == 200 and r.json() == local
        assert c.post("/api/ask", json={"question": listing}).json() == local_listing
        assert c.post("/api/ask", json={"question": q2000}).status_code == 200  # the heavy process
        long_client = TestClient(c.app, client=("10.0.0.3", 50000))  # its own rate budget
        r = long_client.post("/api/ask", json={"question": q2000, "conversation_id": "workers-test-long"})
        assert r.status_code == 200 and 'desc="answer-heavy"' in r.headers["server-timing"]  # in a conversation too
        r = long_client.post("/api/ask/stream", json={"question": q2000})  # no model: an answer process
        assert r.status_code == 200 and r.text.startswith("event: answer\n") and r.text.count("event:") == 1
        cid = "workers-test-1"
        first = c.post("/api/ask", json={"question": Q_CM6, "conversation_id": cid}).json()
        again = c.post("/api/ask", json={"question": "แล้วปี 2569 ล่ะ", "conversation_id": cid}).json()
        assert first["conversation_id"] == again["conversation_id"] == cid
        turns = c.get(f"/api/conversations/{cid}").json()["turns"]  # written by a worker, read here
        assert [t["question"] for t in turns] == [Q_CM6, "แล้วปี 2569 ล่ะ"]
        new_build(index_copy, "build-2")  # build-1 deleted underneath the workers too
        assert wait_for(lambda: c.get("/healthz").json()["build"] == "build-2")
        assert c.post("/api/ask", json={"question": Q_CM6}).json()["values"] == local["values"]
        workers.workers[0].proc.kill()
        workers.workers[0].proc.join(10)
        codes = [c.post("/api/ask", json={"question": Q_CM6}).status_code for _ in range(4)]
        assert set(codes) <= {200, 503} and codes[-1] == 200, codes
        codes = [c.post("/api/ask", json={"question": Q_CM6}).status_code for _ in range(30)]
        assert 429 in codes  # one client's budget (20 a burst), whichever process answers


# ---------------------------------------------------------------- planqa serve


def test_serve_reads_host_and_port(monkeypatch):
    import uvicorn

    from assistant import settings
    from assistant.channels import cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("HOST", "127.0.0.2")
    monkeypatch.setenv("PORT", "8123")
    for name in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY"):  # serve() sets them; restored after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    settings.reset()
    try:
        assert cli.main(["serve"]) == 0
        assert cli.main(["serve", "--port", "9001"]) == 0
    finally:
        settings.reset()
    assert [(c["host"], c["port"]) for c in calls] == [("127.0.0.2", 8123), ("127.0.0.2", 9001)]
    assert (os.environ["OMP_NUM_THREADS"], os.environ["OMP_WAIT_POLICY"]) == ("1", "passive")
    assert calls[0]["h11_max_incomplete_event_size"] == 16 * 1024 and calls[0]["limit_concurrency"] == 200
