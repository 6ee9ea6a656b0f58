"""Session 7: the causes of the development sets' conversation misses, each in other wording
over another plan: which years of a row hold a value or its last level, a result checked
against its target (lower is better for a dropout rate), "อันนี้ใครดูแล" after a guideline,
the same topic asked in another office ("มีเรื่องแบบเดียวกันไหม"), and a new topic that
must not inherit the row talked about."""

from __future__ import annotations

from tests.conftest import assert_quoted, vals

CM, TR, LP = "spp-chiangmai-6", "spp-trang-2", "spm-lampang-lamphun"


def test_which_years_a_row_reaches_a_value(bot):
    bot.ask("ชม.6 หลักสูตรสถานศึกษาที่ยืดหยุ่น เป้าแต่ละปีเท่าไร", conversation_id="s7:reach")
    ans = bot.ask("อันนั้นเป้าแตะ 80 เมื่อไหร่", conversation_id="s7:reach")
    assert vals(ans) == [(CM, "3", "3", 2568, "80", "target")]
    assert "ปีที่ค่าเป้าหมายเป็น ร้อยละ 80: ปี 2568" in ans.answer
    # no year holds 88 exactly: the years at or above it
    ans = bot.ask("แล้วถึง 88 ปีไหน", conversation_id="s7:reach")
    assert [v.year for v in ans.values] == [2569, 2570]
    assert_quoted(ans)


def test_from_which_year_a_target_stays_the_same(bot):
    bot.ask("ชม.6 กลยุทธ์ที่ 3 ตัวชี้วัดที่ 1 เป้าปี 66 เท่าไหร่", conversation_id="s7:flat")
    ans = bot.ask("ตัวนี้คงที่ตั้งแต่ปีไหน", conversation_id="s7:flat")
    assert vals(ans) == [(CM, "3", "1", 2569, "85", "target"), (CM, "3", "1", 2570, "85", "target")]
    assert "ตั้งแต่ปี 2569" in ans.answer


def test_a_result_checked_against_its_target_lower_is_better(bot):
    bot.ask("ตรัง 2 ตัวชี้วัดที่ 20 คืออะไร", conversation_id="s7:met")
    ans = bot.ask("ปี 61 ทำได้เท่าไหร่ บรรลุเป้าไหม", conversation_id="s7:met")
    assert sorted(vals(ans)) == [(TR, "4", "20", 2561, "0.01", "result"), (TR, "4", "20", 2561, "0.02", "target")]
    # a dropout rate: 0.01 against a target of 0.02 reaches it
    assert "ผลการดำเนินงาน 0.01 ถึงเป้า (เป้า 0.02)" in ans.answer


def test_this_after_a_guideline_reads_that_guidelines_line(bot):
    bot.ask("ชม.6 กลยุทธ์ที่ 2 แนวทางข้อ 1 คืออะไร", conversation_id="s7:guide")
    ans = bot.ask("อันนี้หน่วยไหนดูแล", conversation_id="s7:guide")
    assert ans.status == "answered" and "แนวทางการพัฒนา ข้อ 1" in ans.answer
    assert "(ผู้รับผิดชอบ: สพท.)" in ans.answer and ans.values == []
    assert_quoted(ans)


def test_the_same_topic_in_another_office(bot):
    bot.ask("ลปลพ ตัวชี้วัด Active Learning ปี 67 เป้าเท่าไร", conversation_id="s7:other")
    ans = bot.ask("ชม.6 มีเรื่องแบบเดียวกันไหม ปี 69 ตั้งไว้เท่าไหร่", conversation_id="s7:other")
    assert vals(ans) == [(CM, "3", "4", 2569, "65", "target")]
    assert_quoted(ans)


def test_an_area_without_its_province_is_of_the_province_talked_about(bot):
    bot.ask("ชม.6 ตัวชี้วัด Active Learning ปี 67 เป้าเท่าไร", conversation_id="s7:area")
    ans = bot.ask("ของเขต 2 ล่ะ", conversation_id="s7:area")
    # สพป.เชียงใหม่ เขต 2 has no plan here: said so, and ชม.6's figure is not stated again
    assert ans.values == [] and "เชียงใหม่ เขต 2" in ans.answer


def test_an_abbreviation_with_khet_glued_to_khong_names_the_office(bot):
    bot.ask("ลปลพ ตัวชี้วัดนักเรียนพิการ ผู้ด้อยโอกาส ได้รับการศึกษาที่เหมาะสม ปี 70 เป้าเท่าไร", conversation_id="s7:glued")
    ans = bot.ask("ของชม.เขต 6 ล่ะ", conversation_id="s7:glued")
    assert vals(ans) == [(CM, "2", "3", 2570, "90", "target")]


def test_the_one_just_now_points_back(bot):
    bot.ask("ยส.2 ตัวชี้วัดที่ 23 เรื่องอะไร", conversation_id="s7:justnow")
    ans = bot.ask("ข้อเมื่อกี้อยู่กลยุทธ์ไหน", conversation_id="s7:justnow")
    assert ans.status == "answered" and "กลยุทธ์ที่ 2" in ans.answer


def test_a_reason_asked_gets_the_rows_figure_and_says_the_plan_gives_none(bot):
    bot.ask("ชม.6 กลยุทธ์ที่ 4 ตัวชี้วัดที่ 4 เป้าปี 68 เท่าไร", conversation_id="s7:why")
    ans = bot.ask("ทำไมถึงตั้งไว้ 30", conversation_id="s7:why")
    assert vals(ans) == [(CM, "4", "4", 2568, "30", "target")]
    assert "ไม่ได้ระบุเหตุผล" in ans.answer


def test_a_new_topic_after_a_strategy_list_does_not_inherit_the_strategy(bot):
    bot.ask("ยส.2 กลยุทธ์ที่ 2 มีตัวชี้วัดกี่ตัว", conversation_id="s7:new")
    ans = bot.ask("ผู้เรียนปฐมวัยมีพัฒนาการสมวัย เป้าเท่าไร", conversation_id="s7:new")
    assert vals(ans) == [("spp-yasothon-2", "1", "11", 2566, "80", "target")]


def test_the_two_offices_just_discussed_are_compared(bot):
    bot.ask("ชม.6 ตัวชี้วัดประกันคุณภาพภายในระดับดีเลิศขึ้นไป ปี 68 เป้าเท่าไร", conversation_id="s7:pair")
    bot.ask("แล้วของ ลปลพ ล่ะ", conversation_id="s7:pair")
    ans = bot.ask("สองเขตนี้ต่างกันไหม", conversation_id="s7:pair")
    assert sorted(vals(ans)) == [(LP, "5", "4", 2568, "69", "target"), (CM, "4", "3", 2568, "90", "target")]


def test_the_last_one_after_a_list_is_its_last_row(bot):
    bot.ask("ลปลพ นโยบายที่ 1 มีตัวชี้วัดอะไรบ้าง", conversation_id="s7:last")
    ans = bot.ask("อันสุดท้ายเป้าปี 70 เท่าไร", conversation_id="s7:last")
    assert vals(ans) == [(LP, "1", "6", 2570, "100", "target")]


def test_a_figure_asked_after_a_list_naming_no_row_asks_which(bot):
    bot.ask("ลปลพ นโยบายที่ 1 มีตัวชี้วัดอะไรบ้าง", conversation_id="s7:which")
    ask = bot.ask("ตั้งเป้าปี 68 ไว้เท่าไหร่", conversation_id="s7:which")
    assert ask.status == "clarify" and ask.values == [] and len(ask.choices) == 6
    ans = bot.ask("ตัวชี้วัดที่ 4", conversation_id="s7:which")
    assert vals(ans) == [(LP, "1", "4", 2568, "60", "target")]


def test_a_year_against_the_year_before_and_the_highest_year(bot):
    bot.ask("ลปลพ ตัวชี้วัดผลงานวิจัย นวัตกรรม สิ่งประดิษฐ์ ปี 66 เป้าเท่าไร", conversation_id="s7:trend")
    ans = bot.ask("ปี 67 ลดลงหรือเพิ่มขึ้น", conversation_id="s7:trend")
    assert vals(ans) == [(LP, "3", "19", 2566, "85", "target"), (LP, "3", "19", 2567, "84", "target")]
    assert "ปี 2567: ร้อยละ 84 ลดลงจากปี 2566 (ร้อยละ 85)" in ans.answer
    ans = bot.ask("เป้าสูงสุดอยู่ปีไหน", conversation_id="s7:trend")
    assert vals(ans) == [(LP, "3", "19", 2570, "90", "target")]


def test_a_row_named_by_number_is_linked_by_its_wording_in_another_office(bot):
    bot.ask("ชม.6 กลยุทธ์ที่ 2 ตัวชี้วัดที่ 4 ปี 68 เป้าเท่าไร", conversation_id="s7:number")
    ans = bot.ask("แล้วของ ลปลพ ล่ะ", conversation_id="s7:number")
    # ลปลพ's row of the same wording (gifted students), not whatever ลปลพ numbers 2.4 by chance
    assert vals(ans) == [(LP, "2", "4", 2568, "100", "target")]
    bot.ask("ยส.2 ตัวชี้วัดที่ 23 เรื่องอะไร", conversation_id="s7:number2")
    ans = bot.ask("ของตรัง 2 ล่ะ", conversation_id="s7:number2")
    # ตรัง 2's indicator 23 is about disabled children: its figure must not be stated for PA
    assert all(v.indicator != "23" for v in ans.values)
