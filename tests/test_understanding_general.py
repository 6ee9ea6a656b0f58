"""General understanding rules (session 3): results asked with a lone ผล, sub-items named
loosely, topic links that must hold the words, plan items named by wording, quoted
passages, list conditions on targets, signature blocks, and conversation turns that ask
two things or compare with a new office. Structured path (no vectors)."""

from __future__ import annotations

import datetime

import pytest

from assistant.domain import thai
from assistant.service import Assistant
from assistant.stores.state import SqliteState
from tests.conftest import vals

Q1 = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"


@pytest.fixture(scope="module")
def bot(built_index, tmp_path_factory):
    state = SqliteState(tmp_path_factory.mktemp("state") / "state.sqlite")
    return Assistant(built_index, hybrid=False, state=state, today=lambda: datetime.date(2024, 12, 1))


def test_a_lone_result_word_with_achieved_asks_results_of_the_named_sub_item(bot):
    ans = bot.ask("ตรัง 2 ผลการอ่านออกเขียนได้ ป.1 ปี 61 ทำได้เท่าไร")
    assert vals(ans) == [("spp-trang-2", "2", "10", 2561, "91.97", "result")]


def test_a_sub_item_named_without_its_leading_word(bot):
    ans = bot.ask("ผู้ด้อยโอกาส ตรัง 2 ผลปี 61 ได้เท่าไร")
    assert vals(ans) == [("spp-trang-2", "2", "14", 2561, "100", "result")]
    assert "ผู้ด้อยโอกาส ปี 2561" in ans.answer and "ผู้พิการ" not in ans.answer.splitlines()[-1]


def test_a_one_word_topic_the_plan_lacks_is_not_found_without_figures(bot):
    ans = bot.ask("ชม.6 เป้า PISA เท่าไร")
    assert ans.status == "not_found" and ans.values == []


def test_words_that_fit_several_indicators_as_well_are_asked_back(bot):
    ans = bot.ask("เด็กด้อยโอกาส ตรัง 2 ผลปี 61 ได้เท่าไร")
    assert ans.status == "clarify" and ans.values == []
    assert "กลยุทธ์ที่ 2 ตัวชี้วัดที่ 14" in ans.choices


def test_a_guideline_named_by_its_wording_gives_its_strategy_and_unit(bot):
    ans = bot.ask("ศูนย์ HCEC ของ สพป.เชียงใหม่ เขต 6 อยู่ในกลยุทธ์ไหน ใครดูแล")
    assert ans.status == "answered" and ans.values == []
    assert "กลยุทธ์ที่ 3" in ans.answer and ans.answer.endswith("ผู้รับผิดชอบ: สพท. / รร.")
    assert "HCEC" in ans.citations[0].quote


def test_a_quoted_passage_of_the_document_with_no_office(bot):
    whose = bot.ask("ข้อความ 'คนไทยทุกคนได้รับการศึกษาและเรียนรู้ตลอดชีวิต' เป็นของหน่วยงานไหน")
    assert whose.status == "not_found" and "ไม่ได้ระบุชื่อหน่วยงาน" in whose.answer
    strategies = bot.ask("แผนที่วิสัยทัศน์ว่า 'คนไทยทุกคนได้รับการศึกษาและเรียนรู้ตลอดชีวิต' มีกลยุทธ์กี่ข้อ")
    assert strategies.status == "answered" and strategies.answer.startswith("เอกสารที่ไม่ระบุหน่วยงาน มีกลยุทธ์ 4 ข้อ")


def test_list_of_targets_below_a_value_in_a_year(bot):
    ans = bot.ask("ตัวชี้วัดของ ชม.6 กลยุทธ์ที่ 2 ที่ปี 2569 เป้าต่ำกว่า 100 มีอะไรบ้าง")
    assert vals(ans) == [("spp-chiangmai-6", "2", n, 2569, v, "target")
                         for n, v in (("2", "98"), ("3", "90"), ("4", "75"), ("6", "95"))]
    # each row's citation quotes the figure shown for it (Thai digits in the document)
    assert [thai.to_thai_digits(v.value) in c.quote for v, c in zip(ans.values, ans.citations, strict=True)] == [True] * 4


def test_the_signer_comes_from_the_signature_block(bot):
    ans = bot.ask("ใครลงนามทิศทางของ ยส.2")
    assert ans.status == "answered" and "นายบวร เทศารินทร์" in ans.answer
    assert "บวร เทศารินทร์" in ans.citations[0].quote
    none = bot.ask("ผอ.สพป.ตรัง เขต 2 ชื่ออะไร")
    assert none.status == "not_found" and "ไม่ได้ระบุชื่อผู้อำนวยการ" in none.answer


def test_a_year_outside_the_plan_is_said_not_asked(bot):
    ans = bot.ask("ตรัง 2 ตั้งเป้าปี 2565 ไว้เท่าไรบ้าง")
    assert ans.status == "not_found" and "ครอบคลุมปี 2562" in ans.answer


def test_follow_up_asking_a_value_and_the_responsible_column(bot):
    bot.ask(Q1, conversation_id="g:two")
    ans = bot.ask("ปี 69 เป้าเท่าไร ใครรับผิดชอบ", conversation_id="g:two")
    assert vals(ans) == [("spp-chiangmai-6", "1", "1", 2569, "95", "target")]
    assert ans.answer.endswith("ผู้รับผิดชอบ: สพฐ./สพท./รร.")


def test_follow_up_naming_another_office_to_compare(bot):
    bot.ask(Q1, conversation_id="g:cmp")
    ans = bot.ask("แล้วของ ลปลพ ล่ะ ต่างกันไหม", conversation_id="g:cmp")
    assert sorted(vals(ans)) == [("spm-lampang-lamphun", "1", "1", 2568, "90", "target"),
                                 ("spp-chiangmai-6", "1", "1", 2568, "90", "target")]
    assert ans.answer.endswith("สรุป: ปี 2568: เท่ากัน (90)")


def test_the_unit_the_question_names_settles_a_tie(bot):
    ans = bot.ask("ลปลพ ITA ปี 2568 เป้ากี่คะแนน")
    assert vals(ans) == [("spm-lampang-lamphun", "5", "6", 2568, "80", "target")]


def test_a_topic_found_in_one_plan_is_linked_again_in_another_office(bot):
    bot.ask("เป้าเด็กออกกลางคัน เด็กตกหล่นกลับเข้าระบบ ของ สพป.เชียงใหม่6 ปี 67 เท่าไรครับ", conversation_id="g:topic")
    ans = bot.ask("แล้วของ ลปลพ ล่ะ", conversation_id="g:topic")
    # ชม.6's row is กลยุทธ์ที่ 2 › ตัวชี้วัดที่ 2; ลปลพ's row of the same topic is นโยบายที่ 2 › ตัวชี้วัดที่ 1
    assert vals(ans) == [("spm-lampang-lamphun", "2", "1", 2567, "85", "target")]


def test_a_follow_up_about_the_same_year_keeps_it(bot):
    bot.ask(Q1, conversation_id="g:same")
    ans = bot.ask("แล้วตัวชี้วัดที่ 2 ล่ะ ปีเดียวกัน", conversation_id="g:same")
    assert [v.year for v in ans.values] == [2568]


def test_record_numbers_are_not_years_and_result_words_keep_the_test(bot):
    q = bot.understand("ยส.2 ตัวชี้วัด 60 ถึง 66 ทำไมเป็นชื่อปทุมธานี")
    assert q.years == [] and q.indicator == "60"
    q = bot.understand("ตรัง2 ผล onet ป.6 ปีงบ 61 ได้เท่าไหร่ ถึงเป้ามั้ย")
    assert q.terms == ["onet"] and q.years == [2561]  # "ถึงเป้ามั้ย": the target too
    q = bot.understand("ตัวที่ 6 เป้าปี 70 เท่าไหร่คะ")
    assert (q.indicator, q.ref_kind, q.years) == ("6", "indicator", [2570])
    q = bot.understand("แล้วของลปลพ ตัวที่คล้ายๆ กันล่ะ ปีเดียวกัน")
    assert q.same_topic and q.terms == [] and q.indicator is None


def test_a_named_thing_no_indicator_prints_is_not_found(bot):
    dust = bot.ask("สพป.ตรัง เขต 2 มีตัวชี้วัดเรื่องฝุ่น PM 2.5 ไหมคะ")
    assert dust.status == "not_found" and dust.values == [] and dust.citations == []
    coding = bot.ask("ลำปางลำพูน ตัวชี้วัดพัฒนาทักษะ coding ปี 66 เป้าเท่าไหร่")
    assert vals(coding) == [("spm-lampang-lamphun", "3", "14", 2566, "70", "target")]
    elsewhere = bot.ask("ชม.6 ตัวชี้วัดพัฒนาทักษะ coding ปี 66 เป้าเท่าไหร่")
    assert elsewhere.status == "not_found" and elsewhere.values == []


def test_comparison_states_the_difference_and_two_years_joined_are_both_asked(bot):
    ans = bot.ask("ร้อยละเด็กออกกลางคัน เด็กตกหล่นกลับเข้าสู่ระบบ ปี 66 ของ ชม.6 กับ ลำปางลำพูน ต่างกันเท่าไหร่")
    assert "สรุป: ปี 2566: สพป.เชียงใหม่ เขต 6 (90) สูงกว่า สพม.ลำปาง ลำพูน (80) (ต่างกัน 10)" in ans.answer
    met = bot.ask("ตรัง 2 ตัวชี้วัดที่ 7 ภาษาอังกฤษเพื่อการสื่อสาร ปี 61 ถึงเป้าไหม แล้วปี 62 ตั้งไว้เท่าไหร่")
    assert vals(met) == [("spp-trang-2", "2", "7", 2561, "80", "target"), ("spp-trang-2", "2", "7", 2561, "80", "result"),
                         ("spp-trang-2", "2", "7", 2562, "100", "target")]


@pytest.mark.parametrize("question", [
    "กลยุทธ์ที่ 2 ของ ชม.6 ตัวชี้วัดไหนตั้งเป้าปี 2569 ไว้ที่ 98 บ้าง",
    "ชม.6 กลยุทธ์ที่ 2 ปี 69 มีตัวชี้วัดที่ตั้งเป้าแค่ร้อยละ 98 ข้อไหนบ้าง",
    "ตัวชี้วัด กลยุทธ์ที่ 2 ชม.6 ที่ปี 2569 เป้า 98% มีอะไรบ้าง",
])
def test_list_of_targets_equal_to_a_value_written_as_teachers_write_it(bot, question):
    ans = bot.ask(question)
    assert vals(ans) == [("spp-chiangmai-6", "2", "2", 2569, "98", "target")]


def test_a_year_after_the_target_word_is_not_a_target_value(bot):
    q = bot.understand("ตัวชี้วัดของ ชม.6 เป้าปี 2570 มีอะไรบ้าง")
    assert q.target_equals is None and q.years == [2570]
