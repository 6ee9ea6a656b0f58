"""The optional model in the channels: /metrics, the SSE answer stream, proposal
narratives and ``planqa eval --llm``, against the fake OpenAI-compatible server."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import settings
from assistant.qa import llm
from assistant.qa.guard import Stats
from tests.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ROOT / "prompts" / "llm.yaml"
OPEN_Q = "4A PLUS ของ สพม.ลำปาง ลำพูน คืออะไร"  # an open question the plan answers with passages
IDEA = "ค่ายภาษาอังกฤษ ป.4-6"
OFFICE = "สพป.เชียงใหม่ เขต 6"


@pytest.fixture(scope="module")
def fake():
    f = FakeOpenAI()
    yield f
    f.close()


@pytest.fixture(scope="module")
def assistant(built_index):
    from assistant.service import Assistant

    settings.reset()
    return Assistant(built_index, hybrid=False)


@pytest.fixture()
def use(assistant, fake):
    def on(model: str | None):
        if assistant.llm is not None:
            assistant.llm.close()
        assistant.stats = Stats()
        assistant.llm = None if model is None else llm.LanguageModel(
            llm.LLMConfig(fake.base_url, model, budget=5.0), PROMPTS, assistant.stats)
        return assistant

    yield on
    on(None)


@pytest.fixture(scope="module")
def client(assistant):
    from assistant.channels.http.app import create_app
    from assistant.channels.line import LineConfig

    with TestClient(create_app(assistant, line_config=LineConfig())) as c:
        yield c


def sse(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        name = re.search(r"^event: (.+)$", block, re.M).group(1)
        data = json.loads(re.search(r"^data: (.+)$", block, re.M).group(1))
        out.append((name, data))
    return out


# ---------------------------------------------------------------- /metrics


def test_metrics_count_calls_and_rejections(client, use):
    use("indicator")
    assert client.post("/api/ask", json={"question": OPEN_Q}).status_code == 200
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    body = r.text
    assert "planqa_llm_enabled 1" in body
    assert 'planqa_guard_rejected_total{reason="numbered",use="answer"} 1' in body
    assert 'planqa_llm_used_total{use="answer"} 1' in body
    assert 'planqa_llm_requests_total{use="understand"} 1' in body


def test_metrics_without_a_model(client, use):
    use(None)
    body = client.get("/metrics").text
    assert "planqa_llm_enabled 0" in body and "planqa_guard_rejected_total 0" in body
    assert client.get("/healthz").json()["llm"] is False


# ---------------------------------------------------------------- /api/ask/stream


def test_stream_sends_guarded_sentences_then_the_answer(client, use):
    use("budget")
    r = client.post("/api/ask/stream", json={"question": OPEN_Q})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse(r.text)
    names = [n for n, _ in events]
    assert names[-1] == "answer" and names[:-1] == ["sentence"] * (len(names) - 1) and len(names) == 4
    sentences = [d["text"] for n, d in events if n == "sentence"]
    final = events[-1][1]
    assert final["answer"] == "\n".join(sentences)
    assert not any("งบประมาณ" in s for s in sentences)  # the invented budget never streamed
    assert len(final["citations"]) == 3 and final["status"] == "answered"
    assert client.get("/healthz").json()["llm"] is True


def test_stream_without_a_model_is_the_ask_payload(client, use):
    use(None)
    plain = client.post("/api/ask", json={"question": OPEN_Q}).json()
    events = sse(client.post("/api/ask/stream", json={"question": OPEN_Q}).text)
    assert events == [("answer", plain)]


def test_stream_with_a_hanging_model_ends_with_the_deterministic_answer(client, use, assistant):
    use(None)
    plain = client.post("/api/ask", json={"question": OPEN_Q}).json()
    use("hang")
    assistant.llm.config = llm.LLMConfig(assistant.llm.config.base_url, "hang", budget=0.5)
    events = sse(client.post("/api/ask/stream", json={"question": OPEN_Q}).text)
    assert events == [("answer", plain)]


def test_stream_errors_before_streaming_are_json(client, use):
    use("faithful")
    r = client.post("/api/ask/stream", json={"question": "  "})
    assert r.status_code == 400 and r.json()["error"]["code"] == "empty_question"


def test_web_page_loads_the_stream_script(client):
    page = client.get("/").text
    assert page.index("/static/stream.js") < page.index("/static/app.js")
    js = client.get("/static/stream.js").text
    assert "/api/ask/stream" in js and "h.llm === true" in js


# ---------------------------------------------------------------- proposal narratives


def _draft(a):
    from assistant.proposals.draft import build_proposal, get_aligner

    aligner = get_aligner(a)
    al = aligner.align(IDEA, OFFICE)
    return build_proposal(al, aligner, 2568, today=dt.date(2025, 3, 1))


def test_narrative_is_drafted_from_the_plan_and_marked(use):
    base = _draft(use(None))
    a = use("faithful")
    p = _draft(a)
    mark = a.llm.prompts["narrative_mark"]
    for new, old in ((p.rationale, base.rationale), (p.objectives, base.objectives), (p.expected, base.expected)):
        assert new != old and new[0].startswith(mark + " ")
        assert [x for x in old if "[กรอก" in x] == [x for x in new if "[กรอก" in x]  # the teacher's places stay
    assert p.objectives[1].startswith("เพื่อ ")
    # everything else in the draft is the deterministic one
    assert (p.alignment, p.targets, p.citations, p.activities) == \
        (base.alignment, base.targets, base.citations, base.activities)
    assert a.stats.snapshot()['llm_used_total{use="narrative"}'] == 1


def test_narrative_with_invented_figures_keeps_the_template(use, fake):
    base = _draft(use(None))
    a = use("faithful")
    fake.narrative = {"rationale": ["โครงการนี้ใช้งบประมาณ 250,000 บาท ในปี 2571"],
                      "objectives": ["เพื่อยกระดับตามตัวชี้วัดที่ 77"],
                      "outcomes": ["นักเรียนร้อยละ 100 ผ่านเกณฑ์ของ สพป.ลำปาง เขต 9"]}
    try:
        p = _draft(a)
    finally:
        fake.narrative = None
    assert (p.rationale, p.objectives, p.expected) == (base.rationale, base.objectives, base.expected)
    snap = a.stats.snapshot()
    assert snap['guard_rejected_total{reason="number",use="narrative"}'] == 1
    assert snap['guard_rejected_total{reason="numbered",use="narrative"}'] == 1
    assert snap['guard_rejected_total{reason="office",use="narrative"}'] == 1
    assert snap['llm_fallbacks_total{use="narrative"}'] == 1


@pytest.mark.parametrize("model", ["broken", "ratelimit"])
def test_narrative_failure_keeps_the_template(use, model):
    base = _draft(use(None))
    p = _draft(use(model))
    assert (p.rationale, p.objectives, p.expected) == (base.rationale, base.objectives, base.expected)


# ---------------------------------------------------------------- planqa eval --llm


def _eval(built_index, capsys, **kw):
    from assistant.qa import evaluate

    settings.override(index_dir=built_index, **kw)
    try:
        rc = evaluate.main(argparse.Namespace(gold=None, limit=None, no_baseline=True, llm=bool(kw)))
    finally:
        settings.reset()
    return rc, capsys.readouterr()


def test_eval_llm_prints_the_same_table_and_the_guard_counts(built_index, fake, capsys):
    rc, plain = _eval(built_index, capsys)
    assert rc == 0 and "language model:" not in plain.out
    rc, out = _eval(built_index, capsys, llm_base_url=fake.base_url, llm_model="drift")
    assert rc == 0

    def rows(text):  # the quality table: its intents and sizes (the scores may differ)
        table = text.split("\n\n")[0].splitlines()[1:]
        return [line.split()[:2] for line in table]

    assert rows(plain.out) == rows(out.out) and len(rows(out.out)) > 5
    m = re.search(r"^answer" + r"\s+(\d+)" * 6 + r"\s*$", out.out, re.M)
    assert m, out.out
    requests, used, kept, errors, checked, rejected = map(int, m.groups())
    assert requests == used + kept and errors == 0 and requests > 0 and rejected >= 1
    assert "language model: drift" in out.out and "number:" in out.out


def test_eval_llm_without_a_model_says_how_to_set_one(built_index, capsys):
    from assistant.qa import evaluate

    settings.override(index_dir=built_index)
    try:
        rc = evaluate.main(argparse.Namespace(gold=None, limit=1, no_baseline=True, llm=True))
    finally:
        settings.reset()
    assert rc == 2 and "PLANQA_LLM_BASE_URL" in capsys.readouterr().err
