"""Answers to real Thai questions: exact values, statuses and citations (structured path)."""

import json

import pytest

from assistant.domain import thai
from assistant.service import Assistant
from tests.conftest import DOC_000, DOC_001, DOC_002, DOC_004, corpus_text


@pytest.fixture(scope="module")
def bot(built_index):
    return Assistant(built_index, hybrid=False)


def vals(ans):
    return [(v.office, v.strategy, v.indicator, v.year, v.value, v.unit, v.kind) for v in ans.values]


def assert_quotes_exact(ans):
    for c in ans.citations:
        assert c.quote and c.quote in corpus_text(c.doc)


def test_numeric_target_chiang_mai(bot):
    ans = bot.ask("ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6")
    assert ans.status == "answered"
    assert vals(ans) == [("spp-chiangmai-6", "1", "1", 2568, "90", "ร้อยละ", "target")]
    assert "ร้อยละ 90" in ans.answer
    assert [c.doc for c in ans.citations] == [DOC_000]
    assert "๙๐" in ans.citations[0].quote
    assert_quotes_exact(ans)


@pytest.mark.parametrize("question", [
    "เป้าปี 68 ตชว.2 กลยุทธ์ 2 ชม.6",
    "ตัวชี้วัดที่ ๒ กลยุทธ์ที่ ๒ ปี ๒๕๖๘ เชียงใหม่ เขต ๖ เป้าเท่าไร",
    "สพป.ชม.6 กลยุทธ์2 ตัวชี้วัด2 target 2025",
])
def test_numeric_in_every_year_form(bot, question):
    ans = bot.ask(question)
    assert vals(ans) == [("spp-chiangmai-6", "2", "2", 2568, "95", "ร้อยละ", "target")]


def test_trang_onet_results_keep_trailing_zero(bot):
    ans = bot.ask("ผลการดำเนินงาน O-NET ตัวชี้วัดที่ 12 ปี 2561 ของ ตรัง 2")
    assert ans.status == "answered"
    assert [(v.value, v.kind) for v in ans.values] == [("37.76", "result"), ("30.30", "result"), ("24.57", "result")]
    assert "30.30" in ans.answer
    assert_quotes_exact(ans)


def test_trang_sub_item_named(bot):
    ans = bot.ask("ผล O-NET ม.6 ตัวชี้วัดที่ 12 ปี 2561 ตรัง2 ได้เท่าไหร่")
    assert [(v.value, v.kind, v.year) for v in ans.values] == [("24.57", "result", 2561)]


def test_yasothon_sentence_target_and_misspelt_office(bot):
    ans = bot.ask("ชัยโสธร เขต 2 ตัวชี้วัดที่ 50 ค่าเป้าหมายเท่าไร")
    assert vals(ans) == [("spp-yasothon-2", "4", "50", 2566, "300", "คะแนน", "target")]
    assert "300 คะแนน" in ans.answer
    assert "๓๐๐" in ans.citations[0].quote


def test_lampang_word_target(bot):
    ans = bot.ask("นโยบายที่ 5 ตัวชี้วัดที่ 5 ปี 2567 ของ สพม.ลำปาง ลำพูน")
    assert vals(ans) == [("spm-lampang-lamphun", "5", "5", 2567, "ดีมาก", "ระดับ", "target")]


def test_dotted_indicator_number(bot):
    ans = bot.ask("ตัวชี้วัด 3.17 ปี 2570 ลปลพ")
    assert vals(ans) == [("spm-lampang-lamphun", "3", "17", 2570, "10", "หลักสูตร", "target")]


def test_year_not_covered(bot):
    ans = bot.ask("ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2575 ชม.6")
    assert ans.status == "not_found" and ans.values == []
    assert "2575" in ans.answer and "2566–2570" in ans.answer


def test_indicator_that_does_not_exist(bot):
    ans = bot.ask("ตัวชี้วัดที่ 99 กลยุทธ์ที่ 1 ของเชียงใหม่ 6 เป้าเท่าไร")
    assert ans.status == "not_found" and ans.values == []
    assert "ไม่พบตัวชี้วัดที่ 99" in ans.answer and "1–2" in ans.answer


def test_office_without_plan(bot):
    ans = bot.ask("ค่าเป้าหมายตัวชี้วัดที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 1")
    assert ans.status == "not_found"
    assert "สพป.เชียงใหม่ เขต 1" in ans.answer and "สพป.เชียงใหม่ เขต 6" in ans.answer


def test_budget_is_not_in_the_documents(bot):
    ans = bot.ask("งบประมาณโครงการกลยุทธ์ที่ 1 ของ ชม.6 เท่าไร")
    assert ans.status == "not_found" and ans.values == [] and ans.citations == []


def test_no_office_asks_which(bot):
    ans = bot.ask("กลยุทธ์ที่ 3 คืออะไร")
    assert ans.status == "clarify"
    assert sorted(ans.choices) == sorted(["สพป.เชียงใหม่ เขต 6", "สพป.ตรัง เขต 2", "สพป.ยโสธร เขต 2", "สพม.ลำปาง ลำพูน"])
    assert all(f"- {c}" in ans.answer for c in ans.choices)


def test_year_picks_the_only_plan_covering_it(bot):
    ans = bot.ask("ตัวชี้วัดที่ 12 ผลการดำเนินงานปี 2561 ได้เท่าไร")
    assert {v.office for v in ans.values} == {"spp-trang-2"}


def test_ambiguous_indicator_number_asks_strategy(bot):
    ans = bot.ask("ตัวชี้วัดที่ 2 ปี 2568 ของ ชม.6")
    assert ans.status == "clarify"
    assert ans.choices == ["กลยุทธ์ที่ 1 ตัวชี้วัดที่ 2", "กลยุทธ์ที่ 2 ตัวชี้วัดที่ 2",
                           "กลยุทธ์ที่ 3 ตัวชี้วัดที่ 2", "กลยุทธ์ที่ 4 ตัวชี้วัดที่ 2"]


def test_strategy_lookup(bot):
    ans = bot.ask("กลยุทธ์ที่ 3 ของ ยส.2 คืออะไร")
    assert ans.status == "answered"
    assert "กลยุทธ์ที่ 3: การพัฒนาสถานศึกษา" in ans.answer
    assert ans.citations[0].strategy == "3" and ans.citations[0].doc == DOC_001
    assert_quotes_exact(ans)


def test_list_by_group(bot):
    ans = bot.ask("ตัวชี้วัดเกี่ยวกับครูของ ลปลพ มีอะไรบ้าง")
    assert ans.status == "answered"
    assert [(c.strategy, c.indicator) for c in ans.citations] == [("1", "6"), ("3", "5"), ("3", "18"), ("3", "20"), ("5", "3")]
    assert "มี 5 ตัว" in ans.answer


def test_list_by_condition_100_every_year(bot):
    ans = bot.ask("ตัวชี้วัดที่ค่าเป้าหมาย 100 ทุกปี ของเชียงใหม่6")
    got = [(c.strategy, c.indicator) for c in ans.citations]
    plan = bot.store.plans[DOC_000]
    expected = [(s.number, i.number) for s in plan.strategies for i in s.indicators
                if [t.value for t in i.targets] == ["100"] * 5]
    assert got == expected and ("2", "1") in got and ("2", "5") in got


def test_vision(bot):
    ans = bot.ask("วิสัยทัศน์ สพม.35")
    assert ans.status == "answered"
    assert ans.answer.startswith("วิสัยทัศน์ของ สพม.ลำปาง ลำพูน")
    assert ans.citations[0].doc == DOC_004 and ans.citations[0].section == "วิสัยทัศน์"


def test_guidelines_of_a_strategy(bot):
    ans = bot.ask("แนวทางการพัฒนากลยุทธ์ที่ 1 ของเชียงใหม่ 6")
    assert ans.status == "answered"
    assert len(ans.citations) == 6
    assert "(ผู้รับผิดชอบ: สพท.)" in ans.answer


def test_compare_two_offices(bot):
    ans = bot.ask("เทียบกลยุทธ์ เชียงใหม่ 6 กับ ตรัง 2")
    assert "【สพป.เชียงใหม่ เขต 6】" in ans.answer and "【สพป.ตรัง เขต 2】" in ans.answer
    assert {c.doc for c in ans.citations} == {DOC_000, DOC_002}


def test_contract_shape(bot):
    obj = bot.ask("ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6").contract()
    assert list(obj) == ["question", "answer", "status", "values", "citations"]
    assert list(obj["values"][0]) == ["office", "strategy", "indicator", "year", "value", "unit", "kind"]
    assert list(obj["citations"][0]) == ["doc", "office", "section", "strategy", "indicator", "quote"]
    json.dumps(obj, ensure_ascii=False)


@pytest.mark.parametrize("bad", ["", "   ", "\x00\x01\x02", "ก" * 5000])
def test_bad_questions_get_a_clear_message(bot, bad):
    ans = bot.ask(bad)
    assert ans.status == "not_found" and ans.values == [] and ans.answer


def test_every_stated_number_is_in_a_citation(bot):
    questions = ["ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ของ ชม.6", "ผลการดำเนินงาน O-NET ตัวชี้วัดที่ 12 ปี 2561 ของ ตรัง 2",
                 "ตัวชี้วัด 3.19 ลปลพ ค่าเป้าหมาย"]
    for q in questions:
        ans = bot.ask(q)
        quotes = " ".join(thai.to_arabic(c.quote) for c in ans.citations)
        for v in ans.values:
            assert v.value in quotes


def test_list_below_target_shows_both_values(bot):
    ans = bot.ask("ตรัง2 ปี 61 ตัวชี้วัดไหนที่ผลปฏิบัติงานไม่ถึงเป้า")
    assert ans.status == "answered"
    assert "เป้า 50 ผล 37.76" in ans.answer and "ผล 80.36" in ans.answer
    quotes = " ".join(c.quote for c in ans.citations)
    assert "37.76" in quotes and "80.36" in quotes


def test_list_by_a_word_in_the_indicator(bot):
    ans = bot.ask("แผนยโสธร2 มีตัวชี้วัดที่เขียนชื่อ ปทุมธานี อยู่ด้วย ข้อไหนบ้าง")
    assert [c.indicator for c in ans.citations] == ["60", "61", "62", "63", "64", "65", "66"]


def test_list_by_unit_other_than_percent(bot):
    ans = bot.ask("ลปลพ มีตัวชี้วัดไหนที่หน่วยนับไม่ใช่ร้อยละบ้าง")
    plan = bot.store.plans[DOC_004]
    expected = [(s.number, i.number) for s in plan.strategies for i in s.indicators if i.unit != "ร้อยละ"]
    assert [(c.strategy, c.indicator) for c in ans.citations] == expected[:12]
    assert ("5", "6") in expected and ("3", "17") in expected


def test_question_quoting_one_year_and_asking_another(bot):
    ans = bot.ask("กลยุทธ์ที่ ๓ ของเชียงใหม่เขต๖ หัวตารางเขียนว่าค่าเป้าหมายปี ๒๕๗๐ งั้นตัวชี้วัดที่ 1 ปี 2567 เป้าเท่าไร")
    assert vals(ans) == [("spp-chiangmai-6", "3", "1", 2567, "75", "ร้อยละ", "target")]


def test_summary_lists_strategies(bot):
    ans = bot.ask("ปีงบ 66 ยส.2 เน้นเรื่องอะไรเป็นหลัก สรุปให้หน่อย")
    assert ans.status == "answered"
    assert [c.strategy for c in ans.citations] == ["1", "2", "3", "4"]
