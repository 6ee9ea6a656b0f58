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
