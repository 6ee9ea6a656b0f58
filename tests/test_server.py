"""HTTP API and web page: exact answers on corpus questions, JSON errors on bad input."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.channels.http.app import WEB_DIR, create_app, running
from assistant.service import Assistant
from tests.conftest import corpus_text

Q_CM6 = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
Q_CLARIFY = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568"
DOC_CM6 = "spp-chiangmai-6_direction-2566-2570"
QUOTE_CM6 = ("๑\tร้อยละของผู้เรียนที่มีความรู้ความเข้าใจ และทักษะเพื่อรับมือกับภัยคุกคามรูปแบบใหม่ทุกรูปแบบ "
             "และทุกประเภท\tร้อยละ\t๘๐\t๘๕\t๙๐\t๙๕\t๑๐๐\tสพฐ./สพท./รร.")
CONTRACT_KEYS = ["question", "answer", "status", "values", "citations"]
EXTRA_KEYS = ["choices", "choice_requests", "followups", "spans"]


@pytest.fixture(scope="module")
def assistant(built_index):
    return Assistant(built_index, hybrid=False)


@pytest.fixture(scope="module")
def client(assistant):
    from assistant.channels.line import LineConfig

    with TestClient(create_app(assistant, line_config=LineConfig())) as c:
        yield c


def ask(client, question, office=None):
    body = {"question": question}
    if office is not None:
        body["office"] = office
    r = client.post("/api/ask", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def error_of(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert list(body) == ["error"]
    err = body["error"]
    assert set(err) == {"code", "message_th", "message_en"}
    assert err["code"] == code
    assert re.search(r"[\u0e00-\u0e7f]", err["message_th"]), err  # Thai
    assert re.match(r"[A-Z][A-Za-z\"]", err["message_en"]), err  # English
    return err


# ---------------------------------------------------------------- /api/ask


def test_ask_returns_the_exact_contract_plus_extras(client, assistant):
    data = ask(client, Q_CM6)
    assert list(data) == CONTRACT_KEYS + EXTRA_KEYS
    contract = {k: data[k] for k in CONTRACT_KEYS}
    assert contract == assistant.ask(Q_CM6).contract()
    assert data["status"] == "answered"
    assert data["values"] == [{"office": "spp-chiangmai-6", "strategy": "1", "indicator": "1", "year": 2568,
                               "value": "90", "unit": "ร้อยละ", "kind": "target"}]
    assert data["answer"].endswith("- ปี 2568: ร้อยละ 90")
    [cit] = data["citations"]
    assert cit == {"doc": DOC_CM6, "office": "spp-chiangmai-6", "section": "กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 1",
                   "strategy": "1", "indicator": "1", "quote": QUOTE_CM6}
    [span] = data["spans"]
    assert span["label"] == "สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 · ตัวชี้วัดที่ 1"
    assert corpus_text(DOC_CM6)[span["start"]:span["end"]] == QUOTE_CM6
    assert data["choices"] == [] and data["choice_requests"] == []


def test_contract_types(client):
    data = ask(client, Q_CM6)
    assert isinstance(data["question"], str) and isinstance(data["answer"], str)
    assert data["status"] in ("answered", "not_found", "clarify")
    assert isinstance(data["values"], list) and isinstance(data["citations"], list)
    for c in data["citations"]:
        assert list(c) == ["doc", "office", "section", "strategy", "indicator", "quote"]
        assert "start" not in c and "end" not in c
    assert isinstance(data["values"][0]["year"], int)


def test_ask_with_office_parameter_by_id_or_name(client):
    for office in ("spp-chiangmai-6", "สพป.เชียงใหม่ เขต 6", "ชม.6"):
        data = ask(client, Q_CLARIFY, office)
        assert data["status"] == "answered", office
        assert data["values"][0]["value"] == "90" and data["values"][0]["office"] == "spp-chiangmai-6"


def test_clarify_lists_offices_and_each_choice_answers(client):
    data = ask(client, Q_CLARIFY)
    assert data["status"] == "clarify"
    assert data["choices"] == ["สพป.เชียงใหม่ เขต 6", "สพม.ลำปาง ลำพูน"]
    assert data["choice_requests"] == [
        {"label": "สพป.เชียงใหม่ เขต 6", "question": Q_CLARIFY, "office": "spp-chiangmai-6"},
        {"label": "สพม.ลำปาง ลำพูน", "question": Q_CLARIFY, "office": "spm-lampang-lamphun"},
    ]
    assert data["citations"] == [] and data["values"] == []
    lp = ask(client, data["choice_requests"][1]["question"], data["choice_requests"][1]["office"])
    assert lp["values"] == [{"office": "spm-lampang-lamphun", "strategy": "1", "indicator": "1", "year": 2568,
                             "value": "90", "unit": "ร้อยละ", "kind": "target"}]
    assert lp["spans"][0]["label"] == "สพม.ลำปาง ลำพูน · นโยบายที่ 1 · ตัวชี้วัดที่ 1"


def test_strategy_clarify_choice_is_added_to_the_question(client):
    q = "ค่าเป้าหมายตัวชี้วัดที่ 1 ปี 2568 ของ สพม.ลำปาง ลำพูน"
    data = ask(client, q)
    assert data["status"] == "clarify"
    assert data["choices"] == [f"นโยบายที่ {n} ตัวชี้วัดที่ 1" for n in range(1, 6)]
    req = data["choice_requests"][1]
    assert req == {"label": "นโยบายที่ 2 ตัวชี้วัดที่ 1", "question": f"{q} นโยบายที่ 2 ตัวชี้วัดที่ 1", "office": None}
    two = ask(client, req["question"], req["office"])
    assert two["values"] == [{"office": "spm-lampang-lamphun", "strategy": "2", "indicator": "1", "year": 2568,
                              "value": "90", "unit": "ร้อยละ", "kind": "target"}]


def test_followups_are_real_answerable_questions(client):
    data = ask(client, Q_CM6)
    assert [f["label"] for f in data["followups"]] == [
        "ค่าเป้าหมายทุกปี", "ตัวชี้วัด กลยุทธ์ 1", "แนวทาง กลยุทธ์ 1", "กลยุทธ์ทั้งหมด"]
    for f in data["followups"]:
        assert len(f["label"]) <= 20
        follow = ask(client, f["question"], f["office"])
        assert follow["status"] == "answered", f
        assert {c["office"] for c in follow["citations"]} == {"spp-chiangmai-6"}
    every_year = ask(client, data["followups"][0]["question"])
    assert [(v["year"], v["value"]) for v in every_year["values"]] == [
        (2566, "80"), (2567, "85"), (2568, "90"), (2569, "95"), (2570, "100")]


def test_example_questions_on_the_page_are_answered(client):
    html = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    examples = re.findall(r'class="example" data-q="([^"]+)"', html)
    assert len(examples) >= 4
    for q in examples:
        data = ask(client, q)
        assert data["status"] == "answered", (q, data["answer"])
        assert data["citations"], q


def test_not_found_budget_answer(client):
    data = ask(client, "งบประมาณโครงการพัฒนาครูของ สพป.เชียงใหม่ เขต 6 กี่บาท")
    assert data["status"] == "not_found"
    assert "งบประมาณ" in data["answer"]


# ---------------------------------------------------------------- listings


def test_offices(client):
    r = client.get("/api/offices")
    assert r.status_code == 200
    offices = {o["id"]: o for o in r.json()}
    assert set(offices) == {"spp-chiangmai-6", "spp-yasothon-2", "spp-trang-2", "spm-lampang-lamphun"}
    cm6 = offices["spp-chiangmai-6"]
    assert cm6["short"] == "สพป.เชียงใหม่ เขต 6" and cm6["area"] == 6 and cm6["kind"] == "สพป."
    assert cm6["docs"] == [DOC_CM6] and cm6["years"] == [[2566, 2570]]


def test_strategies(client):
    rows = client.get("/api/strategies", params={"office": "ชม.6"}).json()
    assert [r["number"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["title"] == "ส่งเสริมการจัดการศึกษาให้ผู้เรียนมีความปลอดภัยจากภัยทุกรูปแบบ"
    assert {r["office"] for r in rows} == {"spp-chiangmai-6"}
    lp = client.get("/api/strategies", params={"office": "spm-lampang-lamphun"}).json()
    assert {r["kind"] for r in lp} == {"นโยบาย"} and len(lp) == 5
    everything = client.get("/api/strategies").json()
    assert len(everything) == 23


def test_indicators_filters(client):
    rows = client.get("/api/indicators", params={"office": "spp-chiangmai-6", "year": "2568",
                                                 "strategy": "๑"}).json()
    assert [r["indicator"] for r in rows] == ["1", "2"]
    first = rows[0]
    assert first["targets"] == [{"year": 2568, "kind": "target", "value": "90", "unit": "ร้อยละ", "sub_item": None}]
    assert first["text"].startswith("ร้อยละของผู้เรียนที่มีความรู้ความเข้าใจ")
    assert corpus_text(DOC_CM6)[first["start"]:first["end"]] == QUOTE_CM6
    # short year and group filter
    teachers = client.get("/api/indicators", params={"office": "ยส.2", "about": "ครู"}).json()
    assert teachers and all("ครู/บุคลากร" in r["groups"] for r in teachers)
    all_years = client.get("/api/indicators", params={"office": "spp-chiangmai-6", "strategy": "1"}).json()
    assert [t["value"] for t in all_years[0]["targets"]] == ["80", "85", "90", "95", "100"]


def test_indicators_bad_parameters(client):
    error_of(client.get("/api/indicators", params={"year": "ปีหน้า"}), 400, "invalid_parameter")
    error_of(client.get("/api/indicators", params={"office": "สพป.ไม่มีจริง เขต 9"}), 400, "unknown_office")
    error_of(client.get("/api/indicators", params={"office": "x" * 500}), 422, "invalid_parameter")


# ---------------------------------------------------------------- sources


def test_source_passage_around_a_citation(client):
    data = ask(client, Q_CM6)
    span = data["spans"][0]
    src = client.get(f"/api/sources/{DOC_CM6}", params={"start": span["start"], "end": span["end"]}).json()
    text = corpus_text(DOC_CM6)
    assert src["quote"] == QUOTE_CM6 == text[src["start"]:src["end"]]
    assert src["before"] == text[src["context_start"]:src["start"]]
    assert src["after"] == text[src["end"]:src["context_end"]]
    assert 0 < len(src["before"]) <= 600 and 0 < len(src["after"]) <= 600
    assert src["context_start"] == 0 or text[src["context_start"] - 1] == "\n"  # starts at a line
    assert src["office_name"] == "สพป.เชียงใหม่ เขต 6" and src["length"] == len(text)
    assert "กลยุทธ์ที่ ๑" in src["before"] or "ตัวชี้วัด" in src["before"]


def test_source_errors(client):
    n = len(corpus_text(DOC_CM6))
    error_of(client.get("/api/sources/no-such-doc", params={"start": 0, "end": 5}), 404, "unknown_document")
    error_of(client.get(f"/api/sources/{DOC_CM6}", params={"start": 10, "end": 5}), 400, "invalid_range")
    error_of(client.get(f"/api/sources/{DOC_CM6}", params={"start": 0, "end": n + 1}), 400, "invalid_range")
    error_of(client.get(f"/api/sources/{DOC_CM6}", params={"start": -1, "end": 5}), 422, "invalid_parameter")
    error_of(client.get(f"/api/sources/{DOC_CM6}", params={"start": "a", "end": 5}), 422, "invalid_parameter")
    error_of(client.get(f"/api/sources/{DOC_CM6}"), 422, "invalid_parameter")
    error_of(client.get("/api/sources/..%2F..%2Fetc%2Fpasswd", params={"start": 0, "end": 5}), 404, "not_found")


# ---------------------------------------------------------------- health and pages


def test_healthz(client, assistant):
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["hybrid"] is False and h["line"] is False
    assert h["counts"] == assistant.store.counts()
    assert h["counts"]["documents"] == 5


def test_web_page_is_thai_and_self_contained(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    assert '<html lang="th">' in html and 'name="viewport"' in html
    assert "ผู้ช่วยแผนพัฒนาการศึกษา" in html
    for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert ref.startswith("/static/"), ref
        assert client.get(ref).status_code == 200, ref
    # nothing in the page's files points outside the server (no CDN, fonts or scripts)
    for f in Path(WEB_DIR).iterdir():
        text = f.read_text(encoding="utf-8")
        text = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, f.name
        assert "@import" not in text and "@font-face" not in text, f.name
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_docs_and_openapi(client):
    r = client.get("/docs")
    assert r.status_code == 200 and "/static/docs.js" in r.text
    spec = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/offices", "/api/strategies", "/api/indicators", "/api/sources/{doc}",
                 "/healthz", "/line/webhook"):
        assert path in spec["paths"], path
    assert "requestBody" in spec["paths"]["/api/ask"]["post"]


# ---------------------------------------------------------------- bad and hostile input


BAD_ASKS = [
    # (description, body bytes, content type, status, code)
    ("malformed json", '{"question": "ค่าเป้าหมาย'.encode(), "application/json", 400, "malformed_json"),
    ("empty body", b"", "application/json", 400, "malformed_json"),
    ("binary body", bytes(range(256)) * 4, "application/json", 400, "invalid_encoding"),
    ("binary octet-stream", b"\x89PNG\r\n\x1a\n\x00\x00", "application/octet-stream", 415, "unsupported_media_type"),
    ("text/plain", Q_CM6.encode(), "text/plain; charset=utf-8", 415, "unsupported_media_type"),
    ("form", "question=ค่าเป้าหมาย".encode(), "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("no content type", b'{"question": "x"}', None, 415, "unsupported_media_type"),
    ("json array", b'["question"]', "application/json", 400, "invalid_request"),
    ("json string", b'"question"', "application/json", 400, "invalid_request"),
    ("question missing", b'{"q": "x"}', "application/json", 400, "empty_question"),
    ("question number", b'{"question": 5}', "application/json", 400, "invalid_request"),
    ("question object", b'{"question": {"a": 1}}', "application/json", 400, "invalid_request"),
    ("empty question", b'{"question": ""}', "application/json", 400, "empty_question"),
    ("blank question", b'{"question": "   \\n\\t  "}', "application/json", 400, "empty_question"),
    ("control chars only", b'{"question": "\\u0000\\u0001\\u0002\\u001b"}', "application/json", 400,
     "empty_question"),
    ("too long", json.dumps({"question": "ก" * 2001}).encode(), "application/json", 400, "question_too_long"),
    ("1 MB question", json.dumps({"question": "ก" * (1 << 20)}).encode(), "application/json", 413,
     "body_too_large"),
    ("deep nesting", b"[" * 60000 + b"]" * 60000, "application/json", 413, "body_too_large"),
    ("deep nesting in limit", b"[" * 30000 + b"]" * 30000, "application/json", 400, "malformed_json"),
    ("office number", b'{"question": "x", "office": 6}', "application/json", 400, "invalid_request"),
    ("unknown office", '{"question": "วิสัยทัศน์", "office": "สพป.ไม่มีจริง"}'.encode(), "application/json",
     400, "unknown_office"),
    ("office without a plan", '{"question": "วิสัยทัศน์", "office": "สพป.เชียงราย เขต 1"}'.encode(),
     "application/json", 400, "unknown_office"),
]


@pytest.mark.parametrize("desc,body,ctype,status,code", BAD_ASKS, ids=[b[0] for b in BAD_ASKS])
def test_bad_ask_input_gets_json_4xx_and_server_keeps_serving(client, desc, body, ctype, status, code):
    headers = {"Content-Type": ctype} if ctype else {}
    t = time.monotonic()
    r = client.post("/api/ask", content=body, headers=headers)
    assert time.monotonic() - t < 2
    err = error_of(r, status, code)
    if code == "question_too_long":
        assert "2000" in err["message_th"]
    assert ask(client, Q_CM6)["values"][0]["value"] == "90"


def test_control_characters_are_dropped_but_question_answered(client):
    data = ask(client, "\x00\x07" + Q_CM6 + "\x1b[31m")
    assert data["values"][0]["value"] == "90"


def test_unknown_routes_and_methods(client):
    error_of(client.get("/api/nothing"), 404, "not_found")
    error_of(client.post("/wp-login.php", content=b"x"), 404, "not_found")
    error_of(client.get("/static/../../pyproject.toml"), 404, "not_found")
    error_of(client.get("/api/ask"), 405, "method_not_allowed")
    error_of(client.delete("/api/offices"), 405, "method_not_allowed")
    assert client.get("/healthz").status_code == 200


def test_oversized_body_on_other_routes(client):
    error_of(client.post("/api/offices", content=b"x" * (65 * 1024)), 413, "body_too_large")


def test_index_missing_answers_503(monkeypatch):
    from assistant import service
    from assistant.channels.line import LineConfig
    from assistant.errors import IndexMissingError

    def missing():
        raise IndexMissingError()

    monkeypatch.setattr(service, "get_assistant", missing)
    with TestClient(create_app(line_config=LineConfig())) as c:
        h = c.get("/healthz")
        assert h.status_code == 503 and "planqa ingest" in h.json()["error"]
        err = error_of(c.post("/api/ask", json={"question": Q_CM6}), 503, "index_missing")
        assert "planqa ingest" in err["message_th"]
        assert c.get("/").status_code == 200  # the page itself still loads


def test_assistant_loaded_once_at_startup(monkeypatch, built_index):
    from assistant import service
    from assistant.channels.line import LineConfig

    loads = []

    def load():
        loads.append(1)
        return Assistant(built_index, hybrid=False)

    monkeypatch.setattr(service, "get_assistant", load)
    with TestClient(create_app(line_config=LineConfig())) as c:
        assert loads == [1]  # at start-up, before any request
        for _ in range(3):
            assert ask(c, Q_CM6)["status"] == "answered"
    assert loads == [1]


# ---------------------------------------------------------------- a real server


class SlowAssistant:
    """Delegates to the real assistant; ``ask`` takes a while (like embedding a query)."""

    def __init__(self, inner, delay):
        self._inner, self.delay = inner, delay

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def ask(self, question, office=None):
        time.sleep(self.delay)
        return self._inner.ask(question, office)


def test_answering_runs_in_the_thread_pool(assistant):
    from assistant.channels.line import LineConfig

    app = create_app(SlowAssistant(assistant, 1.0), line_config=LineConfig())
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        def one(_):
            r = http.post("/api/ask", json={"question": Q_CM6})
            return r.status_code, r.json()["values"][0]["value"]

        with ThreadPoolExecutor(4) as pool:
            t = time.monotonic()
            futures = [pool.submit(one, i) for i in range(4)]
            time.sleep(0.3)
            h0 = time.monotonic()
            assert http.get("/healthz").status_code == 200
            health_time = time.monotonic() - h0
            results = [f.result() for f in futures]
            total = time.monotonic() - t
    assert results == [(200, "90")] * 4
    assert health_time < 0.5, health_time  # the event loop is not blocked by answering
    # 4 one-second answers on ANSWER_THREADS (≥ 2) threads: about 2 s, not 4
    assert total < 3.5, total


def test_real_socket_garbage_and_big_bodies(assistant):
    from assistant.channels.line import LineConfig

    with running(create_app(assistant, line_config=LineConfig())) as url:
        host, port = url.removeprefix("http://").split(":")
        cases = [
            (b"\x00\xff" * 500 + b"\r\n\r\n", b"HTTP/1.1 4"),
            (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"HTTP/1.1 4"),
            (b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"HTTP/1.1 4"),
            # declares a 100 MB body: refused at once, before the body is sent
            (b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Content-Length: 99999999\r\n\r\n{", b"HTTP/1.1 413"),
        ]
        for junk, expected in cases:
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(junk)
                s.settimeout(5)
                try:
                    reply = s.recv(4096)
                except (TimeoutError, ConnectionResetError):
                    reply = b""
                if expected == b"HTTP/1.1 413":
                    assert reply.startswith(expected) and b"body_too_large" in reply, reply[:200]
                else:  # uvicorn answers 400 or closes the connection
                    assert reply == b"" or reply.startswith(expected), reply[:80]
        with httpx.Client(base_url=url, timeout=30) as http:
            big = http.post("/api/ask", content=b"{" + b" " * (2 << 20) + b"}",
                            headers={"Content-Type": "application/json"})
            assert big.status_code == 413 and big.json()["error"]["code"] == "body_too_large"
            r = http.post("/api/ask", json={"question": Q_CM6})
            assert r.status_code == 200 and r.json()["values"][0]["value"] == "90"


def test_many_parallel_requests(assistant):
    from assistant.channels.line import LineConfig

    with running(create_app(assistant, line_config=LineConfig())) as url, \
            httpx.Client(base_url=url, timeout=30) as http:
        qs = [Q_CM6, Q_CLARIFY, "วิสัยทัศน์ของ สพป.ตรัง เขต 2", "{bad json"]

        def one(i):
            q = qs[i % len(qs)]
            if q.startswith("{"):
                return http.post("/api/ask", content=q, headers={"Content-Type": "application/json"}).status_code
            return http.post("/api/ask", json={"question": q}).json()["status"]

        lock = threading.Lock()
        with lock, ThreadPoolExecutor(8) as pool:
            out = list(pool.map(one, range(40)))
    assert out == ["answered", "clarify", "answered", 400] * 10
