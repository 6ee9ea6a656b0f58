"""Answers that need hybrid retrieval (topic lookups, alignment, open questions) and the
`planqa ask --json -` contract, on the full index with vectors."""

import io
import json

import pytest

from assistant import settings
from assistant.channels.cli import main
from assistant.service import Assistant
from tests.conftest import DOC_000, DOC_001, DOC_002, DOC_004, corpus_text, vals

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bot(hybrid_index):
    a = Assistant(hybrid_index)
    a.warm()
    assert a.retriever is not None
    return a


@pytest.mark.parametrize("question,expected", [
    ("ชม6 รอยละ รร.ที่ผลประกันคุณภาพภายในระดับดีเลิศขึนไป ปี 68",
     [("spp-chiangmai-6", "4", "3", 2568, "90", "target")]),
    ("ยส2 เปาหมายความพึงพอใจผู้รับบริการตอการบริการของเขต ตั้งไวเท่าไหร",
     [("spp-yasothon-2", "4", "55", 2566, "90", "target")]),
    ("สพม.ลำปาง ลำพูน Financial Literacy ความรู้การเงินการออมของนักเรียน ปี 68",
     [("spm-lampang-lamphun", "3", "11", 2568, "80", "target")]),
    ("ตรัง2 O-NET ป.6 ปี 2561 ได้ผลจริงเท่าไหร่ แล้วปี 62 ตั้งเป้าไว้เท่าไร",
     [("spp-trang-2", "2", "12", 2561, "37.76", "result"), ("spp-trang-2", "2", "12", 2562, "50", "target")]),
])
def test_numeric_by_topic(bot, question, expected):
    ans = bot.ask(question)
    assert ans.status == "answered"
    assert vals(ans) == expected
    for c in ans.citations:
        assert c.quote in corpus_text(c.doc)


def test_align_project_idea(bot):
    ans = bot.ask("ซ้อมอพยพหนีไฟ เข้ากับนโยบายไหน ลปลพ")
    assert ans.status == "answered"
    assert "1. สพม.ลำปาง ลำพูน · นโยบายที่ 1" in ans.answer
    assert ans.citations[0].doc == DOC_004 and ans.citations[0].strategy == "1"


def test_open_question_quotes_uncovered_text(bot):
    ans = bot.ask("สพม.35 ค่านิยมคืออะไรครับ")
    assert ans.status == "answered"
    assert "LP ONE TEAM" in ans.answer
    assert any("LP ONE TEAM" in c.quote for c in ans.citations)


def test_signature_date(bot):
    ans = bot.ask("ทิศทางของ ยส.2 ประกาศเมื่อไร")
    assert ans.status == "answered"
    assert [c.quote for c in ans.citations] == ["ประกาศ ณ วันที่ ๙ พฤศจิกายน พ.ศ. ๒๕๖๕"]
    assert bot.ask("กรอบนโยบายตรัง 2 ฉบับนี้ประกาศใช้วันที่เท่าไหร่").status == "not_found"


def test_compare_offices_on_a_topic(bot):
    ans = bot.ask("เขตไหนบ้างที่มีตัวชี้วัดเรื่องเด็กออกกลางคัน")
    assert ans.status == "answered"
    assert {c.doc for c in ans.citations} >= {DOC_000, DOC_001, DOC_002, DOC_004}


def test_ask_json_stdin_contract(hybrid_index, monkeypatch, capsys):
    questions = ["ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6",
                 "กลยุทธ์ที่ 3 คืออะไร",
                 "ผลการดำเนินงาน O-NET ตัวชี้วัดที่ 12 ปี 2561 ของ ตรัง 2",
                 "งบประมาณโครงการเท่าไร"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))
    try:
        assert main(["--index", str(hybrid_index), "ask", "--json", "-"]) == 0
    finally:
        settings.reset()
    lines = capsys.readouterr().out.strip().splitlines()
    objs = [json.loads(x) for x in lines]
    assert [o["question"] for o in objs] == questions
    assert [o["status"] for o in objs] == ["answered", "clarify", "answered", "not_found"]
    first = objs[0]
    assert set(first) == {"question", "answer", "status", "values", "citations"}
    assert first["values"] == [{"office": "spp-chiangmai-6", "strategy": "1", "indicator": "1", "year": 2568,
                                "value": "90", "unit": "ร้อยละ", "kind": "target"}]
    assert first["citations"][0]["doc"] == DOC_000
    assert first["citations"][0]["quote"] in corpus_text(DOC_000)
    assert [v["value"] for v in objs[2]["values"]] == ["37.76", "30.30", "24.57"]
    assert objs[3]["values"] == [] and objs[3]["citations"] == []


def test_align_in_chat_uses_the_proposal_aligner(bot):
    ans = bot.ask("ค่ายภาษาอังกฤษ ป.4-6 เข้ากลยุทธ์ไหน ชม.6")
    assert ans.status == "answered"
    assert ans.answer.splitlines()[1].startswith("1. สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 3 ")
    assert [(c.doc, c.strategy) for c in ans.citations[:2]] == [(DOC_000, "3"), (DOC_000, "3")]
    assert "ภาษาต่างประเทศ" in ans.citations[1].quote
    for c in ans.citations:
        assert c.quote in corpus_text(c.doc)


def test_every_row_on_a_topic_and_counts_answered_from_a_row(bot):
    # "ตั้งเป้าไว้ยังไงบ้าง": each row the topic links to, with its own figures
    ans = bot.ask("ยส.2 ความพึงพอใจต่อการให้บริการของเขต ตั้งเป้าไว้ยังไงบ้าง")
    assert sorted(vals(ans)) == [("spp-yasothon-2", "4", "55", 2566, "90", "target"),
                                 ("spp-yasothon-2", "4", "70", 2566, "80", "target")]
    # a count (กี่โรง) the plan holds as the target of a row counted in schools
    count = bot.ask("สพม.ลปลพ ตัวชี้วัดโรงเรียนคุณภาพ ตั้งเป้าไว้กี่โรง")
    assert count.status == "answered" and {v.value for v in count.values} == {"2"}
    assert {v.unit for v in count.values} == {"โรงเรียน"}
    # a count no row holds is still not in the plan
    assert bot.ask("ตรัง 2 มีโรงเรียนกี่โรง").status == "not_found"
