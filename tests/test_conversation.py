"""Conversations, paging, field questions, small talk and the typed query (structured path)."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from assistant import settings
from assistant.channels.cli import main
from assistant.qa.understand import Query
from assistant.service import Assistant
from assistant.stores.state import SqliteState
from tests.conftest import DOC_000, corpus_text, vals

Q1 = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
YS_LIST = "ตัวชี้วัดของ สพป.ยโสธร เขต 2 กลยุทธ์ที่ 1"


def test_follow_up_inherits_office_strategy_indicator_and_says_so(bot):
    bot.ask(Q1, conversation_id="t:year")
    ans = bot.ask("แล้วปี 69 ล่ะ", conversation_id="t:year")
    assert vals(ans) == [("spp-chiangmai-6", "1", "1", 2569, "95", "target")]
    assert ans.answer.splitlines()[0] == "(ต่อจากคำถามก่อน: สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 1 · ปี 2569)"
    assert ans.conversation_id == "t:year"
    assert "๙๕" in ans.citations[0].quote and ans.citations[0].quote in corpus_text(DOC_000)


def test_the_same_words_without_a_conversation_ask_back(bot):
    ans = bot.ask("แล้วปี 69 ล่ะ")
    assert ans.status == "clarify" and ans.values == []
    assert "สพป.เชียงใหม่ เขต 6" in ans.choices


def test_follow_up_responsible_column_then_other_office(bot):
    bot.ask(Q1, conversation_id="t:resp")
    ans = bot.ask("ตัวนี้ใครรับผิดชอบ", conversation_id="t:resp")
    assert ans.status == "answered" and ans.values == []
    assert ans.answer.endswith("ผู้รับผิดชอบ: สพฐ./สพท./รร.")
    other = bot.ask("แล้วของ ลปลพ ล่ะ", conversation_id="t:resp")
    # its row has no responsible column, only the source cell: given under that label, quoted
    assert other.status == "answered" and other.values == []
    assert "สพม.ลำปาง ลำพูน · นโยบายที่ 1 › ตัวชี้วัดที่ 1" in other.answer
    assert other.answer.endswith("แหล่งข้อมูล/หน่วยงานที่ระบุ: สพฐ. 66- 70")
    assert other.citations[0].quote.endswith("สพฐ. 66- 70")
    trang = bot.ask("ตรัง 2 ตัวชี้วัดที่ 1 กลุ่มไหนรับผิดชอบ")
    # a row the question names itself: its column, then its targets (session 6)
    assert "\nผู้รับผิดชอบ: นิเทศ\n- ปี 2561: ร้อยละ 100\n- ปี 2562: ร้อยละ 100" in trang.answer
    assert "\tนิเทศ\t" in trang.citations[0].quote
    assert [(v.year, v.value, v.kind) for v in trang.values] == [(2561, "100", "target"), (2562, "100", "target")]


def test_topic_turn_is_pinned_for_the_next_turn(bot):
    bot.ask("เป้าเด็กออกกลางคัน เด็กตกหล่นกลับเข้าระบบ ของ สพป.เชียงใหม่6 ปี 67 เท่าไรครับ", conversation_id="t:topic")
    ans = bot.ask("แล้วปี 2570 ล่ะ", conversation_id="t:topic")
    assert vals(ans) == [("spp-chiangmai-6", "2", "2", 2570, "100", "target")]


def test_new_indicator_number_keeps_strategy_and_year(bot):
    bot.ask("ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2568 ของ ชม.6", conversation_id="t:num")
    ans = bot.ask("แล้วตัวชี้วัดที่ 3 ล่ะ", conversation_id="t:num")
    assert vals(ans) == [("spp-chiangmai-6", "2", "3", 2568, "85", "target")]


def test_lists_are_complete_without_a_conversation_and_paged_in_one(bot):
    whole = bot.ask(YS_LIST)
    assert not whole.has_more and len(whole.citations) == 17
    first = bot.ask(YS_LIST, conversation_id="t:page")
    assert first.has_more and len(first.citations) == 10
    assert "แสดงรายการที่ 1–10 จาก 17 ตัว" in first.answer
    second = bot.ask("ดูต่อ", conversation_id="t:page")
    assert not second.has_more
    assert [c.indicator for c in second.citations] == [str(n) for n in range(11, 18)]
    assert "11. กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 11" in second.answer
    assert [c.quote for c in first.citations + second.citations] == [c.quote for c in whole.citations]
    third = bot.ask("ดูต่อ", conversation_id="t:page")
    assert third.status == "not_found" and third.citations == []


def test_conversation_survives_a_restart_and_expires(built_index, tmp_path):
    path = tmp_path / "state.sqlite"
    Assistant(built_index, hybrid=False, state=SqliteState(path)).ask(Q1, conversation_id="web-a:1")
    again = Assistant(built_index, hybrid=False, state=SqliteState(path))
    assert vals(again.ask("แล้วปี 2570 ล่ะ", conversation_id="web-a:1")) == [
        ("spp-chiangmai-6", "1", "1", 2570, "100", "target")]
    assert [c["id"] for c in again.conversations.of_owner("web-a")] == ["web-a:1"]
    assert len(again.conversations.history("web-a:1")["turns"]) == 2
    now = [1000.0]
    short = SqliteState(tmp_path / "short.sqlite", conversation_ttl=60, clock=lambda: now[0])
    bot = Assistant(built_index, hybrid=False, state=short)
    bot.ask(Q1, conversation_id="web-b:1")
    now[0] += 61
    assert bot.ask("แล้วปี 2570 ล่ะ", conversation_id="web-b:1").status == "clarify"


def test_project_idea_without_office_asks_offering_primary_offices(bot):
    ans = bot.ask("โครงการค่ายภาษาอังกฤษ ป.4-6 เข้ากลยุทธ์ไหน")
    assert ans.status == "clarify"
    assert ans.choices == ["สพป.ตรัง เขต 2", "สพป.ยโสธร เขต 2", "สพป.เชียงใหม่ เขต 6"]


def test_small_talk_and_facts_the_plan_lacks(bot):
    thanks = bot.ask("ขอบคุณค่ะ")
    assert thanks.status == "answered" and thanks.citations == [] and len(thanks.answer) < 200
    signer = bot.ask("ใครเป็นผู้ลงนามแผนของ สพป.เชียงใหม่ เขต 6")
    assert signer.status == "not_found" and signer.values == []
    assert signer.answer.startswith("เอกสารแผนของ สพป.เชียงใหม่ เขต 6 ไม่ได้ระบุชื่อผู้ลงนาม")
    schools = bot.ask("ชม.6 มีโรงเรียนกี่โรง")
    assert schools.status == "not_found" and schools.values == []


def test_which_strategy_and_unit_field_questions(bot):
    ans = bot.ask("เด็กปฐมวัยพัฒนาการสมวัย ของชม.6 อยู่กลยุทธ์ที่เท่าไหร่")
    assert ans.status == "answered" and ans.values == []
    assert "อยู่ในกลยุทธ์ที่ 3 " in ans.answer
    assert [(c.strategy, c.indicator) for c in ans.citations] == [("3", "5"), ("3", None)]


def test_list_conditions_on_unit_responsible_column_and_target(bot):
    unit = bot.ask("ตัวชี้วัดที่หน่วยนับเป็นคะแนน ของ ยส.2")
    assert [(c.strategy, c.indicator) for c in unit.citations] == [("4", "50")]
    resp = bot.ask("ตัวชี้วัดของ ชม.6 ที่ รร. รับผิดชอบ")
    rows = bot.store.plans["spp-chiangmai-6_direction-2566-2570"].indicators()
    want = [i.number for i in rows if "รร." in (i.responsible or "")]
    assert len(resp.citations) == len(want) and len(want) > 5
    eq = bot.ask("ตัวชี้วัดที่ค่าเป้าหมายเท่ากับ 80 ของ ชม.6 ปี 2566")
    want80 = [(i.strategy, i.number) for i in rows
              if any(t.year == 2566 and t.kind == "target" and t.value == "80" for t in i.targets)]
    assert [(c.strategy, c.indicator) for c in eq.citations] == want80


def test_comparison_states_its_conclusion(bot):
    ans = bot.ask("ผู้เรียนมีทักษะรับมือภัยคุกคามรูปแบบใหม่ ปี 2570 ของ สพป.ชม.6 และ สพม.ลปลพ เป้าเท่ากันมั้ย")
    assert ans.answer.splitlines()[-1] == "สรุป: ปี 2570: เท่ากัน (100)"


def test_number_words_relative_years_and_kee_inside_kiao(bot):
    q = bot.understand("ตัวชี้วัดแรกของกลยุทธ์ที่หนึ่ง ชม.6 ปีหน้าเป้าเท่าไร")
    assert (q.strategy, q.indicator, q.years) == ("1", "1", [2569])  # today: 1 Dec 2024 = FY 2568
    assert bot.understand("ตัวชี้วัดที่เกี่ยวกับครู ของ ชม.6").intent == "list"
    assert "ยว" not in bot.understand("ตัวชี้วัดที่เกี่ยวกับครู ของ ชม.6").terms


def test_query_round_trips_and_has_a_json_schema(bot):
    q = bot.understand("ผลปี 61 กับเป้าปี 62 ตัวชี้วัดที่ 12 ตรัง 2")
    back = Query.from_dict(json.loads(json.dumps(q.to_dict())), bot.resolver)
    assert back == q
    schema = Query.json_schema()
    assert set(schema["properties"]) == set(q.to_dict())
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(q.to_dict(), schema)
    assert 0 <= q.confidence <= 1


def test_concurrent_answers_do_not_leak_filter_words(bot):
    """The list filter word of one request must not show in another's answer."""
    qs = ["ตัวชี้วัดของ ลปลพ ที่เกี่ยวกับการเงิน", "ตัวชี้วัดของ ชม.6 กลยุทธ์ที่ 2", "ตัวชี้วัดเรื่องดิจิทัล ของ ชม.6",
          "ตัวชี้วัดของ ยส.2 กลยุทธ์ที่ 1"]
    expected = {q: bot.ask(q).answer for q in qs}
    assert 'ที่กล่าวถึง "' in expected[qs[0]] and 'ที่กล่าวถึง' not in expected[qs[1]]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: (q, bot.ask(q).answer), qs * 60))
    assert all(a == expected[q] for q, a in got)


def test_ask_json_lines_are_conversations(built_index, tmp_path, monkeypatch, capsys):
    lines = [json.dumps({"question": Q1, "conversation": "a"}, ensure_ascii=False),
             json.dumps({"question": "แล้วปี 69 ล่ะ", "conversation": "a"}, ensure_ascii=False),
             "แล้วปี 69 ล่ะ"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    settings.override(state_file=tmp_path / "state.sqlite")
    try:
        assert main(["--index", str(built_index), "ask", "--json", "-"]) == 0
    finally:
        settings.reset()
    objs = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [o["status"] for o in objs] == ["answered", "answered", "clarify"]
    assert [v["value"] for v in objs[1]["values"]] == ["95"] and objs[1]["conversation"] == "a"
    assert set(objs[2]) == {"question", "answer", "status", "values", "citations"}


def test_http_conversation_history_and_feedback(built_index, tmp_path, capsys):
    from assistant.channels.http.app import create_app
    from assistant.channels.line import LineConfig

    state_file = tmp_path / "state.sqlite"
    a = Assistant(built_index, hybrid=False, state=SqliteState(state_file))
    with TestClient(create_app(a, line_config=LineConfig())) as c:
        r = c.post("/api/ask", json={"question": Q1, "conversation_id": "web-u1:c1"})
        assert r.json()["conversation_id"] == "web-u1:c1" and r.json()["has_more"] is False
        r = c.post("/api/ask", json={"question": "แล้วปี 69 ล่ะ", "conversation_id": "web-u1:c1"})
        assert [v["value"] for v in r.json()["values"]] == ["95"]
        bad = c.post("/api/ask", json={"question": Q1, "conversation_id": "x y"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_conversation_id"
        listed = c.get("/api/conversations", params={"owner": "web-u1"}).json()["conversations"]
        assert [(x["id"], x["turns"], x["title"]) for x in listed] == [("web-u1:c1", 2, Q1)]
        hist = c.get("/api/conversations/web-u1:c1").json()
        assert [t["question"] for t in hist["turns"]] == [Q1, "แล้วปี 69 ล่ะ"]
        assert c.get("/api/conversations/web-u1:nope").status_code == 404
        ok = c.post("/api/feedback", json={"rating": "down", "comment": "ปีผิด", "conversation_id": "web-u1:c1",
                                           "turn": 1, "question": "แล้วปี 69 ล่ะ", "answer": "..."})
        assert ok.status_code == 200 and ok.json()["id"]
        assert c.post("/api/feedback", json={"rating": "meh"}).json()["error"]["code"] == "invalid_rating"
    settings.override(state_file=state_file)
    try:
        assert main(["feedback", "--json"]) == 0
    finally:
        settings.reset()
    [item] = json.loads(capsys.readouterr().out)
    assert (item["rating"], item["comment"], item["conversation_id"], item["turn"]) == ("down", "ปีผิด", "web-u1:c1", 1)


def test_document_without_office_answers_from_its_own_sections(bot):
    m2 = bot.ask("เอกสารที่ไม่ระบุหน่วยงาน พันธกิจข้อ 2 คืออะไร")
    assert m2.status == "answered"
    assert m2.answer == ("พันธกิจข้อ 2 ของ เอกสารที่ไม่ระบุหน่วยงาน: "
                         "\"นักเรียนได้รับโอกาสทางการศึกษาอย่างเสมอภาค ทั่วถึง เท่าเทียม มีความปลอดภัย\"")
    assert m2.citations[0].quote in corpus_text("unknown-office_vision-strategies")
    years = bot.ask("เอกสารที่ไม่ระบุหน่วยงาน เป็นแผนปีไหน")
    assert years.status == "not_found" and years.values == []
    assert "ไม่ได้ระบุปีของแผน" in years.answer
    cm6 = bot.ask("แผนของ ชม.6 ครอบคลุมปีไหน")
    assert cm6.answer == "แผนของ สพป.เชียงใหม่ เขต 6 ครอบคลุมปี 2566–2570" and cm6.citations[0].quote == "๒๕๖๖"


def test_chat_repl_keeps_the_conversation(built_index, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{YS_LIST}\nดูต่อ\n/new\nดูต่อ\n/exit\n"))
    settings.override(state_file=tmp_path / "state.sqlite")
    try:
        assert main(["--index", str(built_index), "chat", "--json"]) == 0
    finally:
        settings.reset()
    out = capsys.readouterr().out.strip().splitlines()
    objs = [json.loads(x) for x in out if x.startswith("{")]
    assert [(o["status"], o["has_more"], len(o["citations"])) for o in objs] == [
        ("answered", True, 10), ("answered", False, 7), ("not_found", False, 0)]


def test_two_indicators_in_one_question(bot):
    ans = bot.ask("ค่าเป้าหมายตัวชี้วัดที่ 1 และ 2 กลยุทธ์ที่ 1 ปี 2568 ของ ชม.6")
    assert vals(ans) == [("spp-chiangmai-6", "1", "1", 2568, "90", "target"),
                         ("spp-chiangmai-6", "1", "2", 2568, "90", "target")]
    assert [c.indicator for c in ans.citations] == ["1", "2"]


def test_bare_numbers_name_the_record_the_conversation_is_about(bot):
    bot.ask("ตัวชี้วัดของ สพป.เชียงใหม่ เขต 6 กลยุทธ์ที่ 3 มีอะไรบ้าง", conversation_id="t:bare")
    fifth = bot.ask("แล้วตัวที่ 5 ปี 2568 ล่ะ", conversation_id="t:bare")
    assert vals(fifth) == [("spp-chiangmai-6", "3", "5", 2568, "85", "target")]
    second = bot.ask("ข้อ 2 ล่ะ", conversation_id="t:bare")
    assert vals(second) == [("spp-chiangmai-6", "3", "2", 2568, "45", "target")]
    last = bot.ask("แล้วปีสุดท้ายของแผนล่ะ", conversation_id="t:bare")
    assert vals(last) == [("spp-chiangmai-6", "3", "2", 2570, "55", "target")]


def test_follow_up_naming_another_group_links_the_topic_among_its_indicators(bot):
    office = bot.ask("ตัวชี้วัด ITA ของสำนักงานเขต ยโสธร 2 เป้าเท่าไร", conversation_id="t:group")
    assert vals(office) == [("spp-yasothon-2", "4", "53", 2566, "85", "target")]
    schools = bot.ask("ของโรงเรียนล่ะ", conversation_id="t:group")
    assert vals(schools) == [("spp-yasothon-2", "3", "43", 2566, "70", "target")]
    assert "ITA online" in schools.citations[0].quote


def test_project_idea_follow_up_for_another_office(bot):
    bot.ask("อยากทำโครงการค่ายวิทยาศาสตร์ ป.5 ของ สพป.ยโสธร เขต 2 เข้ากลยุทธ์ไหน", conversation_id="t:idea")
    other = bot.ask("แล้วถ้าเป็น ตรัง 2 ล่ะ", conversation_id="t:idea")
    assert other.status == "answered" and other.citations
    assert {c.office for c in other.citations} == {"spp-trang-2"}
    assert "ค่ายวิทยาศาสตร์" in other.answer
