"""The optional language model behind its guard, against a fake OpenAI-compatible
server (tests/fake_openai.py) playing faithful, drifting, inventing, broken and hanging
models. Off by default: without PLANQA_LLM_* nothing changes and nothing is called."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from assistant import settings
from assistant.qa import llm
from assistant.qa.guard import Guard, Stats, normalise, numbers, sentences
from assistant.qa.understand import INTENTS, Question
from tests.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ROOT / "prompts" / "llm.yaml"
GOLD = yaml.safe_load((ROOT / "eval" / "gold.yaml").read_text(encoding="utf-8"))

OPEN_QUESTIONS = [
    "4A PLUS ของ สพม.ลำปาง ลำพูน คืออะไร",
    "การส่งเสริมการอ่านของ สพป.ตรัง เขต 2",
    "โรงเรียนขนาดเล็ก สพป.ยโสธร เขต 2 ทำอะไร",
    "อยากรู้เรื่องคุณภาพผู้เรียน",
    "ผู้อำนวยการเขตของ สพม.ลำปาง ลำพูน คือใคร",
]
RECORDS = [("สพป.เชียงใหม่ เขต 6", "กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 3",
            "ร้อยละ 30.30 ของนักเรียนมีผลสัมฤทธิ์สูงขึ้น ปี 2568 และค่าเฉลี่ยลดลง -5.20 จากปีก่อน"),
           ("สพป.เชียงใหม่ เขต 6", "กลยุทธ์ที่ 2 › แนวทางการพัฒนา ข้อ 1", "ส่งเสริมการอ่าน “รักการอ่าน” ทุกโรงเรียน")]


@pytest.fixture(scope="module")
def fake():
    f = FakeOpenAI()
    yield f
    f.close()


@pytest.fixture(scope="module")
def guard():
    return Guard(yaml.safe_load(PROMPTS.read_text(encoding="utf-8"))["guard"])


@pytest.fixture(scope="module")
def offline(built_index):
    from assistant.service import Assistant

    settings.reset()
    a = Assistant(built_index, hybrid=False)
    yield a
    settings.reset()


@pytest.fixture()
def online(offline, fake):
    """The same Assistant with a model at the fake server; ``use(model, budget=)``."""

    def use(model: str, *, budget: float = 5.0, timeout: float = 5.0, base_url: str | None = None):
        cfg = llm.LLMConfig(base_url or fake.base_url, model, "sk-test", timeout=timeout, budget=budget)
        offline.stats = Stats()
        offline.llm = llm.LanguageModel(cfg, PROMPTS, offline.stats)
        return offline

    yield use
    if offline.llm is not None:
        offline.llm.close()
    offline.llm = None
    offline.stats = Stats()


def model(fake, name: str, **kw) -> llm.LanguageModel:
    return llm.LanguageModel(llm.LLMConfig(fake.base_url, name, **kw), PROMPTS, Stats())


def rejected(stats: Stats, use: str = "answer") -> int:
    return sum(v for k, v in stats.snapshot().items() if k.startswith("guard_rejected_total") and f'use="{use}"' in k)


# ---------------------------------------------------------------- the guard


@pytest.mark.parametrize("sentence, reason, claim", [
    ("ค่าเป้าหมายปี 2568 คือร้อยละ 30.30 [1]", None, None),
    ("ร้อยละ ๓๐.๓๐ ปี ๒๕๖๘ [1]", None, None),  # Thai digits
    ("ร้อยละ ٣٠.٣٠ [1]", None, None),  # Arabic-Indic digits
    ("ร้อยละ 30.3 [1]", "number", "30.3"),
    ("ร้อยละ 30.300 [1]", "number", "30.300"),
    ("ลดลง -5.20 [1]", None, None),
    ("ลดลง −5.20 [1]", None, None),  # a Unicode minus
    ("ลดลง 5.20 [1]", "number", "5.20"),  # the sign lost
    ("ปี 2569 [1]", "year", "2569"),
    ("ปี 68 [1]", None, None),
    ("ปี 69 [1]", "number", "69"),
    ("ได้งบประมาณ 1,500,000 บาท [1]", "number", "1500000"),
    ("ตามตัวชี้วัดที่ 3 [1]", None, None),
    ("ตามตัวชี้วัดที่ 4 [1]", "numbered", "ตัวชี้วัดที่ 4"),
    ("ตามกลยุทธ์ที่ 3 [2]", "numbered", "กลยุทธ์ที่ 3"),
    ("ตามแนวทางการพัฒนา ข้อ 1 [2]", None, None),
    ("ของ สพป.เชียงใหม่ เขต 6 [1]", None, None),
    ("ของ สพป.เชียงใหม่ เขต 5 [1]", "office", "สพป.เชียงใหม่ เขต 5"),
    ("ของ สพม.ลำปาง [1]", "office", "สพม.ลำปาง"),
    ("ภายใต้คำขวัญ “รักการอ่าน” [2]", None, None),
    ("ภายใต้คำขวัญ “รักการเขียน” [2]", "quote", "รักการเขียน"),
    ("ส่งเสริมการอ่านทุกโรงเรียน", "citation", ""),
    ("ส่งเสริมการอ่าน [3]", "citation", "[3]"),
])
def test_guard_claims(guard, sentence, reason, claim):
    sources = [f"[{n}] {o} · {s}: {t}" for n, (o, s, t) in enumerate(RECORDS, 1)]
    out = guard.check(sentence, sources)
    if reason is None:
        assert out.kept == [sentence] and not out.rejected
    else:
        assert not out.kept
        assert [(r.reason, r.claim) for r in out.rejected] == [(reason, claim)]


def test_numbers_keep_sign_decimals_and_ranges():
    assert numbers(normalise("ร้อยละ ๓๐.๓๐ ลดลง -5.20 ปี 2566-2570 งบ 1,200 บาท (−3)")) == \
        ["30.30", "-5.20", "2566", "2570", "1200", "-3"]


def test_failed_sentence_is_dropped_the_rest_kept_and_every_rejection_counted(guard, caplog):
    stats = Stats()
    sources = [f"[{n}] {o} · {s}: {t}" for n, (o, s, t) in enumerate(RECORDS, 1)]
    text = "ร้อยละ 30.30 ของนักเรียน [1] งบ 9,999 บาท [1]\nส่งเสริมการอ่าน [2]\nตามตัวชี้วัดที่ 8 [1]"
    out = guard.check(text, sources, stats=stats)
    assert out.kept == ["ร้อยละ 30.30 ของนักเรียน [1]", "ส่งเสริมการอ่าน [2]"]
    assert [r.reason for r in out.rejected] == ["number", "numbered"]
    assert out.total == 4 and out.usable(0.5) and not out.usable(0.4)
    snap = stats.snapshot()
    assert snap['guard_rejected_total{reason="number",use="answer"}'] == 1
    assert snap['guard_rejected_total{reason="numbered",use="answer"}'] == 1
    assert snap['guard_sentences_total{use="answer"}'] == 4
    assert sum("guard rejected" in r.message for r in caplog.records) == 2


def test_sentences_split_lines_and_after_citations():
    assert sentences("ก ข [1] ค ง [2]\n\n- จ [1][2]\n") == ["ก ข [1]", "ค ง [2]", "- จ [1][2]"]


# ---------------------------------------------------------------- the fake models, record level


def test_faithful_model_answer_is_kept_and_cited(fake):
    m = model(fake, "faithful")
    out = m.answer_open("ผลสัมฤทธิ์เป็นอย่างไร", RECORDS, m.deadline())
    assert out is not None and not out.rejected
    assert out.kept[0] == "ตามเอกสาร ร้อยละ 30.30 ของนักเรียนมีผลสัมฤทธิ์สูงขึ้น ปี 2568 และค่าเฉลี่ยลดลง -5.20 จากปีก่อน [1]"
    req = fake.of("faithful")[-1]
    assert req["path"] == "/v1/chat/completions" and req["auth"] is None
    assert "[1] สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 3: ร้อยละ 30.30" in req["body"]["messages"][1]["content"]


def test_drift_30_30_to_30_3_is_dropped(fake):
    m = model(fake, "drift", api_key="sk-x")
    before = len(fake.injected)
    out = m.answer_open("ผลสัมฤทธิ์เป็นอย่างไร", RECORDS, m.deadline())
    (_, sentence, claim), = fake.injected[before:]
    assert claim == "30.3" and "30.3 ของ" in sentence
    assert fake.of("drift")[-1]["auth"] == "Bearer sk-x"
    # the one changed sentence is dropped; the faithful one about the other record stays
    assert out is not None and sentence not in out.text and "30.3 " not in out.text
    assert [(r.reason, r.claim) for r in out.rejected] == [("number", "30.3")]


# ---------------------------------------------------------------- through the service


def test_faithful_model_phrases_open_answers_from_the_same_citations(offline, online):
    det = {q: offline.ask(q) for q in OPEN_QUESTIONS}
    a = online("faithful")
    for q in OPEN_QUESTIONS:
        ans = a.ask(q)
        assert ans.citations == det[q].citations and ans.status == "answered"
        assert ans.answer != det[q].answer
        lines = ans.answer.splitlines()
        assert lines and all(line.startswith("ตามเอกสาร ") and line.endswith("]") for line in lines)
    snap = a.stats.snapshot()
    assert snap['llm_used_total{use="answer"}'] == len(OPEN_QUESTIONS)
    assert rejected(a.stats) == 0


def test_structured_answers_never_go_to_the_model(offline, online, fake):
    q = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
    det = offline.ask(q)
    before = len(fake.requests)
    ans = online("faithful").ask(q)
    assert ans == det and "ร้อยละ 90" in ans.answer
    assert len(fake.requests) == before


@pytest.mark.parametrize("name", ["drift", "budget", "indicator"])
def test_guard_catches_every_injected_change(offline, online, fake, name):
    a = online(name)
    before = len(fake.injected)
    answers = [a.ask(q) for q in OPEN_QUESTIONS]
    injected = fake.injected[before:]
    assert len(injected) == len(OPEN_QUESTIONS)
    for ans in answers:
        for _, sentence, _ in injected:
            assert sentence not in ans.answer
    assert rejected(a.stats) == len(injected)  # each injected change caught, nothing else
    for ans in answers:  # what is shown is either phrased from the records or the deterministic answer
        assert ans.answer.startswith("ตามเอกสาร ") or ans.answer.startswith("ข้อความที่เกี่ยวข้อง")


@pytest.mark.parametrize("name, reason", [
    ("broken", "malformed"), ("ratelimit", "rate_limited"), ("hang", "budget|timeout"), ("down", "unreachable"),
])
def test_failing_model_gives_the_deterministic_answer_within_budget(offline, online, name, reason):
    det = offline.ask(OPEN_QUESTIONS[0])
    base = None
    if name == "down":
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            base = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    a = online(name, budget=0.6, timeout=5, base_url=base)
    t0 = time.monotonic()
    ans = a.ask(OPEN_QUESTIONS[0])
    elapsed = time.monotonic() - t0
    assert ans == det
    snap = a.stats.snapshot()
    # an open question: the model is asked to read it, then to phrase it (one budget for
    # both); a hanging model ends at the request timeout or the budget, whichever is first
    errors = {k: v for k, v in snap.items() if k.startswith("llm_errors_total")}
    # (on a loaded machine the budget may also run out before the second call: "budget")
    assert any(any(f'reason="{r}"' in k for r in reason.split("|")) for k in errors)
    assert all(any(f'reason="{r}"' in k for r in [*reason.split("|"), "budget"]) for k in errors)
    assert snap['llm_fallbacks_total{use="answer"}'] == 1
    assert elapsed < 0.6 + 2.0  # the budget bounds the wait (slack for a loaded machine)


def test_down_model_changes_no_gold_answer(offline, online):
    """Every gold question: a model that is down leaves the answer exactly the offline one."""
    det = [offline.ask(g["question"]).contract() for g in GOLD]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    a = online("faithful", base_url=base)
    assert [a.ask(g["question"]).contract() for g in GOLD] == det


def test_offline_default_loads_no_model_and_opens_no_socket(built_index):
    """A fresh process without PLANQA_LLM_*: no model module, no HTTP client, no
    connection, and the answer is the rules' answer."""
    code = f"""
import socket, sys
def refuse(*a, **k):
    raise AssertionError("network call")
socket.socket.connect = refuse
socket.create_connection = refuse
from pathlib import Path
from assistant.service import Assistant
a = Assistant(Path({str(built_index)!r}), hybrid=False)
ans = a.ask({OPEN_QUESTIONS[0]!r})
assert a.llm is None and ans.status == "answered", ans
assert "assistant.qa.llm" not in sys.modules and "httpx" not in sys.modules
print(ans.answer.splitlines()[0])
"""
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("PLANQA_LLM")}
    env["PYTHAINLP_OFFLINE"] = "1"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ข้อความที่เกี่ยวข้องจากเอกสาร:"


def test_settings_enable_the_model_only_with_url_and_model(monkeypatch):
    for k in ("PLANQA_LLM_BASE_URL", "PLANQA_LLM_MODEL", "PLANQA_LLM_API_KEY", "PLANQA_LLM_BUDGET"):
        monkeypatch.delenv(k, raising=False)
    settings.reset()
    assert not settings.get().llm_enabled and llm.LLMConfig.from_settings(settings.get()) is None
    monkeypatch.setenv("PLANQA_LLM_BASE_URL", "http://127.0.0.1:9/v1/")
    settings.reset()
    assert not settings.get().llm_enabled
    monkeypatch.setenv("PLANQA_LLM_MODEL", "typhoon-v2")
    monkeypatch.setenv("PLANQA_LLM_BUDGET", "4")
    settings.reset()
    cfg = llm.LLMConfig.from_settings(settings.get())
    assert (cfg.base_url, cfg.model, cfg.api_key, cfg.budget) == ("http://127.0.0.1:9/v1", "typhoon-v2", None, 4.0)
    settings.reset()


def test_request_timeout_never_exceeds_the_time_left():
    now = [100.0]
    d = llm.Deadline(3.0, clock=lambda: now[0])
    c = llm.Client(llm.LLMConfig("http://x", "m", timeout=10), Stats())
    assert c._timeout(d).read == 3.0
    now[0] = 102.5
    assert c._timeout(d).read == pytest.approx(0.5)
    now[0] = 104.0
    with pytest.raises(llm.LLMError) as e:
        c._timeout(d)
    assert e.value.reason == "budget"
    c.close()


# ---------------------------------------------------------------- understanding


MISSED = "ขอดูอันที่ 1 ของหมวด 1 สพป.เชียงใหม่ เขต 6"


def test_query_schema_follows_the_dataclass():
    schema = llm.query_schema(Question, enums={"intent": INTENTS})
    props = schema["properties"]
    assert "text" not in props and "offices" not in props and "year_kinds" not in props
    assert props["years"] == {"type": "array", "items": {"type": "integer"}}
    assert props["strategy"] == {"type": ["string", "null"]}
    assert props["below_target"] == {"type": "boolean"}
    assert props["intent"] == {"type": "string", "enum": list(INTENTS)}
    assert llm.validate({"intent": "numeric", "years": [2568], "extra": 1}, schema) == \
        {"intent": "numeric", "years": [2568]}
    for bad in ({"intent": "guess"}, {"years": ["2568"]}, {"strategy": 1}, {"below_target": "yes"}, []):
        with pytest.raises(ValueError):
            llm.validate(bad, schema)


def test_query_mapping_uses_from_dict_when_the_type_has_it():
    from dataclasses import asdict, dataclass, field

    @dataclass
    class Query:
        text: str
        intent: str = "open"
        years: list[int] = field(default_factory=list)
        confidence: float = 0.2

        def to_dict(self):
            return asdict(self)

        @classmethod
        def from_dict(cls, d):
            return cls(**d)

    q = Query("x")
    assert llm.low_confidence(q) and not llm.low_confidence(Query("x", confidence=0.9))
    assert llm.query_schema(Query)["properties"]["confidence"] == {"type": "number"}
    assert llm.apply_mapped(q, {"intent": "numeric", "years": [2568]}) == Query("x", "numeric", [2568], 0.2)


def test_model_maps_a_question_the_rules_miss(offline, online, fake):
    assert offline.understand(MISSED).intent == "open"
    fake.query = {"intent": "numeric", "strategy": "1", "indicator": "1"}
    a = online("faithful")
    ans = a.ask(MISSED)
    assert ans.status == "answered" and {v.indicator for v in ans.values} == {"1"}
    assert ("1", 2568, "90", "ร้อยละ") in [(v.strategy, v.year, v.value, v.unit) for v in ans.values]
    req = [r for r in fake.of("faithful") if r["body"].get("tools")][-1]["body"]
    assert req["tool_choice"]["function"]["name"] == "map_question"
    assert req["tools"][0]["function"]["parameters"]["properties"]["intent"]["enum"] == list(INTENTS)
    assert a.stats.snapshot()['llm_used_total{use="understand"}'] == 1


def test_mapped_query_with_a_number_the_user_did_not_write_is_rejected(offline, online, fake):
    det = offline.ask(MISSED)
    fake.query = {"intent": "numeric", "strategy": "1", "indicator": "1", "years": [2568]}  # no year asked
    a = online("faithful")
    ans = a.ask(MISSED)
    assert ans.values == det.values == [] and ans.citations == det.citations
    assert a.stats.snapshot()['guard_rejected_total{reason="number",use="understand"}'] == 1


def test_broken_json_mapping_falls_back(offline, online):
    det = offline.ask(MISSED)
    a = online("broken")
    assert a.ask(MISSED) == det
    assert a.stats.snapshot()['llm_errors_total{reason="malformed",use="understand"}'] == 1


def test_history_reaches_the_model_and_grounds_numbers(offline, online, fake):
    fake.query = {"intent": "numeric", "strategy": "1", "indicator": "1", "years": [2568]}
    a = online("faithful")
    ans = a.ask("แล้วอันแรกของหมวดนั้นล่ะ สพป.เชียงใหม่ เขต 6", history=["หมวด 1 ปี 2568 ข้อ 1"])
    assert [(v.value, v.unit) for v in ans.values] == [("90", "ร้อยละ")]
    sent = [r for r in fake.of("faithful") if r["body"].get("tools")][-1]["body"]["messages"][1]["content"]
    assert "หมวด 1 ปี 2568 ข้อ 1" in sent


def test_a_conversation_gives_the_model_its_earlier_questions(offline, online, fake, tmp_path):
    from assistant.stores.state import SqliteState

    fake.query = {"intent": "numeric", "strategy": "1", "indicator": "1", "years": [2568]}
    a = online("faithful")
    saved = a._state
    a._state, a._conversations = SqliteState(tmp_path / "state.sqlite"), None
    try:
        a.ask("หมวด 1 ปี 2568 ข้อ 1 ของ สพป.เชียงใหม่ เขต 6", conversation_id="web:t1:c1")
        a.ask("ขอดูอันแรกของหมวดนั้น", conversation_id="web:t1:c1")
    finally:
        a._state, a._conversations = saved, None
    sent = [r for r in fake.of("faithful") if r["body"].get("tools")][-1]["body"]["messages"][1]["content"]
    assert "ขอดูอันแรกของหมวดนั้น" in sent  # the second turn's mapping request ...
    assert "หมวด 1 ปี 2568 ข้อ 1 ของ สพป.เชียงใหม่ เขต 6" in sent  # ... carries the first turn


def test_stream_passes_guarded_sentences_as_they_come(fake):
    m = model(fake, "indicator")
    got = []
    out = m.answer_open("ผลสัมฤทธิ์เป็นอย่างไร", RECORDS, m.deadline(), on_sentence=got.append)
    assert fake.of("indicator")[-1]["body"]["stream"] is True
    assert out is not None and got == out.kept and len(got) == 2
    assert not any("ตัวชี้วัดที่ 41" in s for s in got) and out.rejected[0].reason == "numbered"


def test_server_without_function_calling_gets_json_mode(offline, online, fake):
    fake.query = {"intent": "numeric", "strategy": "1", "indicator": "1"}
    a = online("notools")
    ans = a.ask(MISSED)
    assert ("1", 2568, "90", "ร้อยละ") in [(v.strategy, v.year, v.value, v.unit) for v in ans.values]
    bodies = [r["body"] for r in fake.of("notools")]
    assert bodies[0].get("tools") and bodies[1]["response_format"] == {"type": "json_object"}
    assert a.stats.snapshot()['llm_used_total{use="understand"}'] == 1
