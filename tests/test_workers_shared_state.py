"""Several server processes (as uvicorn workers on one host, or hosts behind a load
balancer) share state only through the stores: two ``uvicorn`` processes on the server
backend (PostgreSQL), each with a state file of its own (as on two machines), answer a
conversation begun on the other, serve a draft made on the other, and both queue LINE
events in PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from servers import terminate

Q_2568 = "ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
Q_2569 = "ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2569 ของ สพป.เชียงใหม่ เขต 6"


def _call(url: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _post(url: str, body: dict) -> dict:
    status, raw = _call(url, body)
    assert status == 200, raw[:500]
    return json.loads(raw)


@pytest.fixture(scope="module")
def two_workers(built_index, pg_url, tmp_path_factory):
    """Two server processes on the published build, each with its own PLANQA_STATE."""
    from servers import free_port

    from assistant.ingest.pipeline import store_path
    from assistant.stores.postgres import publish

    publish(store_path(built_index), pg_url)
    procs, urls = [], []
    for name in ("a", "b"):
        home = tmp_path_factory.mktemp(f"worker-{name}")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LINE_")}
        env.update(PLANQA_INDEX=str(built_index), PLANQA_DATABASE_URL=pg_url, PLANQA_CHROMA_URL="",
                   PLANQA_STATE=str(home / "state.sqlite"), PLANQA_RATE_PER_MINUTE="0", PYTHAINLP_OFFLINE="1")
        log = open(home / "log", "wb")
        procs.append((subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "assistant.channels.http.app:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True), log, home))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 180
        for (proc, _, home), url in zip(procs, urls, strict=True):
            while True:
                try:
                    if _call(url + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"worker did not start: {(home / 'log').read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)
        yield urls, [home for _, _, home in procs]
    finally:
        for proc, log, _ in procs:
            terminate(proc)
            log.close()


def _values(data: dict) -> list[tuple]:
    return [(v["year"], v["value"]) for v in data["values"]]


@pytest.mark.integration  # two server processes start (~20 s)
def test_a_conversation_begun_on_one_worker_goes_on_on_the_other(two_workers):
    (a, b), _ = two_workers
    first = _post(a + "/api/ask", {"question": Q_2568, "conversation_id": "workers-1"})
    assert first["status"] == "answered" and _values(first) == [(2568, "95")]
    direct = _post(a + "/api/ask", {"question": Q_2569})
    assert direct["status"] == "answered" and [y for y, _ in _values(direct)] == [2569]
    follow = _post(b + "/api/ask", {"question": "แล้วปี 2569 ล่ะ", "conversation_id": "workers-1"})
    assert follow["status"] == "answered" and _values(follow) == _values(direct)
    status, raw = _call(a + "/api/conversations/workers-1")
    assert status == 200
    turns = json.loads(raw)
    assert [t["question"] for t in turns["turns"]] == [Q_2568, "แล้วปี 2569 ล่ะ"]


@pytest.mark.integration  # two server processes start (~20 s)
def test_a_draft_made_on_one_worker_downloads_from_the_other(two_workers, pg_url):
    from assistant.stores.postgres import PgState
    from assistant.stores.state import SqliteState

    (a, b), homes = two_workers
    made = _post(a + "/api/proposal", {"idea": "ซ้อมอพยพหนีไฟ", "office": "สพม.ลำปาง ลำพูน", "year": 2568})
    assert made["status"] == "draft"
    got_b, md_b = _call(f"{b}/api/proposal/{made['id']}.md")
    got_a, md_a = _call(f"{a}/api/proposal/{made['id']}.md")
    assert got_b == got_a == 200 and md_b == md_a and "ซ้อมอพยพหนีไฟ" in md_b.decode("utf-8")
    pg = PgState(pg_url)
    try:
        assert pg.get_draft(made["id"])["kind"] == "proposal"  # in PostgreSQL …
    finally:
        pg.close()
    for home in homes:  # … and in neither worker's own state file
        path = Path(home) / "state.sqlite"
        if path.exists():
            local = SqliteState(path)
            try:
                assert local.get_draft(made["id"]) is None
            finally:
                local.close()


def test_line_queue_is_the_database_when_one_is_set(pg_url, monkeypatch):
    """The LINE bot's dedupe set and queue (an event delivered to two workers is queued
    once) are PostgreSQL's when PLANQA_DATABASE_URL is set, not a worker's state file."""
    from fastapi import FastAPI

    from assistant import settings
    from assistant.channels import line
    from assistant.stores.postgres import PgState

    settings.override(database_url=pg_url)
    try:
        bots = [line.install(FastAPI(), lambda: None, line.LineConfig("secret", "token", "http://127.0.0.1:9"))
                for _ in range(2)]
    finally:
        settings.reset()
    assert all(isinstance(bot.state, PgState) for bot in bots)
    event = f"workers-line-{time.time_ns()}"
    assert bots[0].state.enqueue(event, line.CHANNEL, {"event": {}}) is True
    assert bots[1].state.enqueue(event, line.CHANNEL, {"event": {}}) is False
    for bot in bots:
        bot.state.close()
