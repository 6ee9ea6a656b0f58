"""Session 5: references in conversations (ตัวนี้ / ข้อนั้น with words of their own, field
follow-ups, a list after a strategy, grades), counts answered from rows, strategies as
prose, the document without an office compared, and names quoted from a plan (5Q, มาตรา 12)."""

from __future__ import annotations

from assistant.domain import lexicon
from assistant.qa.understand import _grades
from tests.conftest import assert_quoted, vals

YS, CM, TR, LP = "spp-yasothon-2", "spp-chiangmai-6", "spp-trang-2", "spm-lampang-lamphun"
DOC_003 = "unknown-office_vision-strategies"


def test_a_demonstrative_with_words_of_its_own_keeps_the_record(bot):
    bot.ask("ตัวชี้วัดที่ 57 ของ ยส.2 คืออะไรครับ", conversation_id="r:this")
    ans = bot.ask("ข้อนี้ตั้งเป้าไว้กี่เปอร์เซ็นต์ อิงเกณฑ์ของใคร", conversation_id="r:this")
    assert vals(ans) == [(YS, "4", "57", 2566, "80", "target")]
    assert "ก.ค.ศ." in ans.answer and "ตัวชี้วัดที่ 57" in ans.answer.splitlines()[0]


def test_a_field_follow_up_reads_the_rows_column(bot):
    bot.ask("เด็กความสามารถพิเศษได้รับการส่งเสริมศักยภาพ ชม.6 ปี 2568 กี่%", conversation_id="r:field")
    ans = bot.ask("ตัวนี้ระดับไหนดูแลบ้าง", conversation_id="r:field")
    assert ans.status == "answered" and ans.values == []
    assert ans.answer.endswith("ผู้รับผิดชอบ: สพฐ./สพท./รร.")


def test_a_bare_list_after_a_strategy_question_lists_that_strategy(bot):
    bot.ask("กลยุทธ์ที่ 3 ของ สพป.เชียงใหม่ เขต 6 ชื่ออะไร", conversation_id="r:list")
    ans = bot.ask("มีตัวชี้วัดอะไรบ้าง", conversation_id="r:list")
    assert "กลยุทธ์ที่ 3 มี 5 ตัว" in ans.answer
    # the row text is shown whole up to LIST_ITEM_CHARS, not cut at 120 characters
    assert "สำรวจแวว" in ans.answer


def test_an_indicator_number_with_yang_ngai_bang_is_that_rows_figures_and_its_cells(bot):
    first = bot.ask("ตรัง 2 ตัวชี้วัดที่ 14 ผลปี 61 เป็นยังไงบ้าง", conversation_id="r:cells")
    assert {v.indicator for v in first.values} == {"14"} and {v.year for v in first.values} == {2561}
    ans = bot.ask("ตัวนี้กลุ่มไหนรับผิดชอบ", conversation_id="r:cells")
    # the sub-items' cells "นิเทศ ส่งเสริม ส่งเสริม": cited cell by cell from the row
    assert ans.status == "answered" and ans.answer.endswith("ผู้รับผิดชอบ: นิเทศ, ส่งเสริม")
    assert "นิเทศ ส่งเสริม" in ans.citations[0].quote
    assert_quoted(ans)


def test_a_strategy_printed_as_prose_is_answered_by_its_prose(bot):
    ans = bot.ask("เอกสารวิสัยทัศน์ที่ไม่ระบุหน่วยงาน กลยุทธ์ที่ 3 แบ่งเป็นหัวข้อย่อยอะไรบ้างคะ")
    assert ans.status == "answered"
    assert "คุณภาพผู้เรียน" in ans.answer and "คุณภาพครูและบุคลากร" in ans.answer
    assert ans.citations[0].doc == DOC_003
    assert_quoted(ans)


def test_strategy_lists_compared_with_the_document_without_an_office(bot):
    ans = bot.ask("กลยุทธ์ 4 ข้อในเอกสารวิสัยทัศน์ที่ไม่ระบุเขต ชื่อซ้ำกับของ สพป.ชม.6 หรือเปล่า")
    assert ans.status == "answered"
    assert "【เอกสารที่ไม่ระบุหน่วยงาน】" in ans.answer and "【สพป.เชียงใหม่ เขต 6】" in ans.answer
    assert ans.answer.endswith("สรุป: ชื่อกลยุทธ์ตรงกัน 4 ข้อ (ข้อแรกมี 4 ข้อ ข้อหลังมี 4 ข้อ)")
    assert bot.understand("กลยุทธ์ 4 ข้อของ ชม.6").strategy is None
    assert bot.understand("กลยุทธ์ 4 ข้อ 2 ของ ชม.6").strategy == "4"


def test_names_quoted_from_a_plan_are_answered_where_it_prints_them(bot):
    ans = bot.ask("5Q ของ สพม.ลำปางลำพูน มีอะไรบ้างคะ")
    assert ans.status == "answered"
    lines = ans.answer.splitlines()[2:]
    assert "5Q ดังนี้" in ans.answer.splitlines()[1]
    assert lines == ["- Q1 : นักเรียนคุณภาพ (Quality Student)", "- Q2 : ครูคุณภาพ (Quality Teacher)",
                     "- Q3 : ผู้บริหารคุณภาพ (Quality School Director)", "- Q4 : โรงเรียนคุณภาพ (Quality School)",
                     "- Q5 : สำนักงานเขตคุณภาพ (Quality Secondary Education Service Area)"]
    law = bot.ask("เอกสารที่ไม่ระบุเขต มีพูดถึงมาตรา 12 ไหม ของกฎหมายอะไร")
    assert "มาตรา 12 แห่งพระราชบัญญัติการศึกษาแห่งชาติ พ.ศ. 2542" in law.answer
    threats = bot.ask("ภัย 9 รูปแบบ ตามกลยุทธ์ที่ 1 ของ สพป.ชม.6 มีอะไรบ้าง")
    assert "ได้แก่ ภัยยาเสพติด" in threats.answer and "อาชญากรรมไซเบอร์" in threats.answer
    for a in (ans, law, threats):
        assert a.values == []
        assert_quoted(a)


def test_topic_lists_match_spelling_variants_and_prefer_rows_with_every_word(bot):
    # the plan prints "วิถิพุทธ"; "วิถี" alone would also find "วิถีชีวิตใหม่" (indicator 25)
    ans = bot.ask("ยส.2 มีตัวชี้วัดเรื่องโรงเรียนวิถีพุทธไหม", conversation_id="r:vithi")
    assert "มี 1 ตัว" in ans.answer and "ตัวชี้วัดที่ 45" in ans.answer
    then = bot.ask("ข้อนั้นเป้ากี่เปอร์เซ็นต์", conversation_id="r:vithi")
    assert vals(then) == [(YS, "3", "45", 2566, "80", "target")]
    drugs = bot.ask("ตรัง 2 มีตัวชี้วัดเรื่องยาเสพติดไหม", conversation_id="r:drug")
    assert "มี 1 ตัว" in drugs.answer and "ตัวชี้วัดที่ 4:" in drugs.answer
    both = bot.ask("ตัวนี้ใครรับผิดชอบ เป้าปี 62 เท่าไร", conversation_id="r:drug")
    assert vals(both) == [(TR, "1", "4", 2562, "100", "target")] and both.answer.endswith("ผู้รับผิดชอบ: ส่งเสริม")


def test_grades_are_read_and_a_grade_follow_up_relinks_the_topic(bot):
    words = lexicon.load().query
    assert _grades("O-NET ทั้ง ป.6 ม.3 ม.6", words) == ["ป.6", "ม.3", "ม.6"]
    assert _grades("ผู้เรียนชั้นประถมศึกษาปีที่ 3", words) == ["ป.3"]
    assert _grades("สพม.35 ปี 2566 ม.ต้น", words) == []
    bot.ask("สพป.ยโสธร เขต 2 เป้า ป.1 อ่านออกเขียนได้ เท่าไรครับ", conversation_id="r:grade")
    ans = bot.ask("แล้ว ป.3 ล่ะ", conversation_id="r:grade")
    assert (YS, "1", "14", 2566, "70", "target") in vals(ans)
    assert all(v.indicator != "16" for v in ans.values)  # not the ป.1 row of the turn before


def test_a_latin_name_narrows_links_and_a_blank_unit_is_read_from_the_wording(bot):
    # "PA" is printed by the PA rows only: the subject group (ผอ.) never links a row without it
    pa = bot.ask("PA ของ ผอ.โรงเรียนใน ยส.2 ต้องได้กี่คะแนนขึ้นไปครับ")
    assert all(v.indicator in {"23", "24", "77", "78", "79", "80"} for v in pa.values)
    assert pa.status in ("answered", "clarify")
    # the unit cell is blank (NBSP); the row says "ร้อยละของนักเรียน…"
    ans = bot.ask("ลปลพ ร้อยละนักเรียนที่เข้าร่วมกิจกรรมสะท้อนความรักในสถาบันหลักของชาติ ปี 2569")
    assert [(v.value, v.unit) for v in ans.values] == [("95", "ร้อยละ")] and "ร้อยละ 95" in ans.answer


def test_two_years_joined_and_a_result_asked_of_a_name_no_row_prints(bot):
    assert bot.understand("สพม.35 ปี 66 กับ 67 เป้าเท่าไหร่").years == [2566, 2567]
    # ชม.6 has no O-NET row: not_found, no passages of the plan marked answered
    assert bot.ask("ผลสอบ O-NET ปี 65 ของ สพป.เชียงใหม่ เขต 6 เป็นยังไงบ้างคะ").status == "not_found"


def test_this_one_after_a_list_of_several_rows_asks_which(bot):
    bot.ask("ตัวชี้วัดของ สพป.ยโสธร เขต 2 กลยุทธ์ที่ 1", conversation_id="r:pick")
    ans = bot.ask("ตัวนี้ใครรับผิดชอบ", conversation_id="r:pick")
    assert ans.status == "clarify" and ans.values == []
    assert ans.choices[0] == "กลยุทธ์ที่ 1 ตัวชี้วัดที่ 1" and len(ans.choices) >= 2
    # the choice tapped answers the question asked ("ใครรับผิดชอบ"), in the same conversation, for
    # the same office: ยโสธร 2's indicator rows have no responsible column, so that is said (no figure)
    then = bot.ask(ans.choices[1], conversation_id="r:pick")
    assert then.status == "not_found" and then.values == []
    assert "ตัวชี้วัดที่ 2" in then.answer and "ผู้รับผิดชอบ" in then.answer and "ยโสธร" in then.answer


def test_a_strategy_number_with_a_rows_wording_and_how_much_is_that_rows_figure(bot):
    ans = bot.ask("นโยบาย 4 ลำปางลำพูน ร้อยละนักเรียนที่เข้าร่วมกิจกรรมสะท้อนความรักในสถาบันหลักของชาติ ปี๖๘ เป้ากี่")
    assert [(v.strategy, v.indicator, v.year, v.value) for v in ans.values] == [("4", "4", 2568, "90")]
    q = bot.understand("หน่วยนับของตัวชี้วัดอัตราการเข้าเรียนสุทธิ ม.ต้น ชม.6 คืออะไร")
    assert q.unit_is is None
