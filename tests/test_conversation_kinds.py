"""Session 6: every kind of follow-up inherits what it does not restate and says what it
inherited: a choice answering a pick, "ข้อ N" after a list (by number or position; ask when
they differ), guideline items, corrections of the topic or the office, a topic-only
follow-up, a year of another plan's span, a turn answered by a row after a count reading;
and the plan-question causes: which strategy by any heading word, baseline with targets,
runs of years, notes of a year without a target, facets, and a figure asked of no row."""

from __future__ import annotations

from assistant.qa.conversation import _rows_named, follow_up
from assistant.qa.understand import Query
from tests.conftest import assert_quoted, vals

YS, CM, TR, LP = "spp-yasothon-2", "spp-chiangmai-6", "spp-trang-2", "spm-lampang-lamphun"


def test_a_choice_answers_the_pending_field_question(bot):
    bot.ask("ลปลพ นโยบายที่ 4 มีตัวชี้วัดอะไรบ้าง", conversation_id="k:pick")
    ask = bot.ask("ตัวนี้ใครรับผิดชอบ", conversation_id="k:pick")
    assert ask.status == "clarify" and len(ask.choices) == 6
    ans = bot.ask("ตัวชี้วัดที่ 2", conversation_id="k:pick")
    # no responsible cell: the row's source column is given, for that row, cited
    assert ans.status == "answered" and "แผน ศธ.ลป" in ans.answer and "ตัวชี้วัดที่ 2" in ans.answer
    assert ans.answer.startswith("(ต่อจากคำถามก่อน: สพม.ลำปาง ลำพูน · นโยบายที่ 4 › ตัวชี้วัดที่ 2")
    assert_quoted(ans)


def test_item_n_after_a_list_is_the_nth_row_shown(bot):
    bot.ask("ตรัง 2 กลยุทธ์ที่ 4 มีตัวชี้วัดอะไรบ้าง", conversation_id="k:pos")
    ans = bot.ask("ข้อ 3 ปี 62 เป้าเท่าไร", conversation_id="k:pos")
    # strategy 4 lists indicators 19-23: the third shown is 21
    assert vals(ans) == [(TR, "4", "21", 2562, "100", "target")]


def test_item_n_naming_one_row_and_pointing_at_another_is_asked():
    prev = Query(text="", norm="", intent="list", listed=["1|2", "1|3", "1|5"], page_size=10)
    assert _rows_named(prev, "3") == [("1", "3"), ("1", "5")]  # row numbered 3, third row shown
    assert _rows_named(prev, "2") == [("1", "2"), ("1", "3")]
    assert _rows_named(prev, "5") == [("1", "5")]  # numbered 5; no fifth row
    q = Query(text="ข้อ 3 ล่ะ", norm="ข้อ 3 ล่ะ", intent="open", ref="3", ref_kind="item")
    out = follow_up(q, prev)
    assert out.intent == "pick" and out.listed == ["1|3", "1|5"]


def test_a_guideline_item_keeps_the_listed_strategy(bot):
    bot.ask("ชม.6 กลยุทธ์ที่ 1 มีแนวทางการพัฒนาอะไรบ้าง", conversation_id="k:gl")
    ans = bot.ask("ข้อ 2 ใครรับผิดชอบ", conversation_id="k:gl")
    assert ans.status == "answered" and "ดูแลความปลอดภัย" in ans.answer and "สพท. / รร." in ans.answer
    assert "กลยุทธ์ที่ 1 › แนวทางข้อ 2" in ans.answer.splitlines()[0]
    assert not ans.values


def test_a_correction_of_the_topic_keeps_office_and_year(bot):
    bot.ask("ตรัง 2 ตัวชี้วัดนักเรียนผ่านเกณฑ์ภาษาอังกฤษเพื่อการสื่อสาร ปี 62 เป้าเท่าไร", conversation_id="k:fix")
    ans = bot.ask("ไม่ใช่ค่ะ หมายถึงด้านเทคโนโลยี Digital Literacy", conversation_id="k:fix")
    assert vals(ans) == [(TR, "2", "8", 2562, "80", "target")]
    assert "ปี 2562" in ans.answer.splitlines()[0]


def test_a_correction_of_the_office_keeps_the_question(bot):
    bot.ask("ชม.6 ตัวชี้วัดสถานศึกษาประเมินความเสี่ยงและมีแผนมาตรการสร้างความปลอดภัย ปี 2567 เป้าเท่าไร",
            conversation_id="k:fixo")
    ans = bot.ask("ขอโทษครับ ไม่ใช่ ชม.6 หมายถึง สพม.ลำปาง ลำพูน", conversation_id="k:fixo")
    assert vals(ans) == [(LP, "1", "2", 2567, "85", "target")]


def test_a_topic_only_follow_up_asks_the_same_question(bot):
    bot.ask("สพม.ลำปาง ลำพูน ตัวชี้วัดลูกเสือ เนตรนารี ยุวกาชาด ปี 67 เป้าเท่าไร", conversation_id="k:topic")
    ans = bot.ask("แล้วเรื่องการเงินและการออมล่ะ", conversation_id="k:topic")
    assert vals(ans) == [(LP, "3", "11", 2567, "75", "target")]


def test_small_talk_keeps_the_context(bot):
    bot.ask("ยส.2 ตัวชี้วัดผลการประเมินคุณธรรมและความโปร่งใสของสำนักงานเขต เป้าเท่าไร", conversation_id="k:st")
    assert bot.ask("ขอบคุณครับ", conversation_id="k:st").status == "answered"
    ans = bot.ask("อีกนิดครับ ตัวนี้อยู่กลยุทธ์ไหน", conversation_id="k:st")
    assert "กลยุทธ์ที่ 4" in ans.answer and "การพัฒนาสำนักงานเขตพื้นที่การศึกษา" in ans.answer


def test_a_year_of_another_plans_span_is_not_carried_over(bot):
    bot.ask("ชม.6 ตัวชี้วัดเด็กออกกลางคันกลับเข้าระบบ ปี 66 เป้าเท่าไร", conversation_id="k:span")
    ans = bot.ask("แล้วของตรัง 2 ล่ะ", conversation_id="k:span")
    # not "ไม่มีข้อมูลของปี 2566": ตรัง 2's own rows (without vectors the topic link may ask which)
    assert ans.status in ("answered", "clarify") and {v.year for v in ans.values} <= {2561, 2562}
    assert {v.office for v in ans.values} <= {TR} and "อัตราการออกกลางคัน" in ans.answer


def test_pick_state_survives_the_json_form(bot):
    q = Query(text="x", norm="x", intent="pick", pending="field", listed=["4|1", "4|2"], correction=True)
    back = Query.from_dict(q.to_dict(), bot.resolver)
    assert (back.pending, back.listed, back.correction) == ("field", ["4|1", "4|2"], True)


def test_which_strategy_by_any_heading_word(bot):
    for text in ("ตัวชี้วัดนักเรียนได้รับการพัฒนาทักษะด้าน coding ของ ลปลพ อยู่นโยบายข้อไหนคะ",
                 "ตัวชี้วัดนักเรียนได้รับการพัฒนาทักษะด้าน coding ของ ลปลพ อยู่ในนโยบายที่เท่าไหร่"):
        q = bot.understand(text)
        assert q.field == "which_strategy" and q.intent == "field", text
        ans = bot.ask(text)
        assert "นโยบายที่ 3" in ans.answer and "ยกระดับคุณภาพการศึกษา" in ans.answer


def test_runs_of_years_and_a_span_of_years_are_no_target_value(bot):
    q = bot.understand("ลปลพ coding เป้าปี 68 69 70 เท่าไหร่")
    assert q.years == [2568, 2569, 2570]
    assert bot.understand("ลปลพ coding ปี 2568 2569 เป้าเท่าไร").years == [2568, 2569]
    assert bot.understand("ตัวชี้วัด coding ตั้งเป้าไว้ 3 ปีเท่าไรบ้าง").target_equals is None
    ans = bot.ask("ลปลพ ตัวชี้วัด coding เป้าปี 68 69 70 เท่าไหร่")
    assert [(v.year, v.value) for v in ans.values] == [(2568, "80"), (2569, "85"), (2570, "90")]


def test_a_figure_asked_of_no_row_is_asked_which(bot):
    ans = bot.ask("เป้าปี 68 เท่าไหร่คะ", office="สพม.ลำปาง ลำพูน")
    assert ans.status == "clarify" and not ans.values and "ตัวชี้วัดใด" in ans.answer
    # a year the plan does not cover is said, not asked
    assert bot.ask("ตรัง 2 ตั้งเป้าปี 2563 ไว้เท่าไรบ้างครับ").status == "not_found"


def test_a_subject_no_row_has_is_not_answered_from_another_subject(bot):
    # ลปลพ's O-NET row is "แต่ละวิชา เพิ่มขึ้นร้อยละ 3" (no subject named): still linked for a subject;
    # ตรัง 2's NT row is of ป.3 (no subject): a question naming the overall mean finds no such row
    ans = bot.ask("ตรัง 2 O-NET ภาพรวมทุกรายวิชา ม.3 ปี 62 เป้าเท่าไร")
    assert not any(v.indicator != "12" for v in ans.values)


def test_a_count_of_the_office_is_not_a_rows_target(bot):
    ans = bot.ask("สพม.ลำปาง ลำพูน มีโรงเรียนในสังกัดกี่โรงคะ")
    assert ans.status == "not_found" and not ans.values
    ans = bot.ask("สพม.ลำปาง ลำพูน ตัวชี้วัดโรงเรียนคุณภาพที่ใช้ทรัพยากรร่วมกัน ปี 2568 ตั้งเป้าไว้กี่โรง")
    assert vals(ans) == [(LP, "5", "7", 2568, "2", "target")]


def test_years_relative_to_the_conversation_every_year_and_the_result(bot):
    bot.ask("ชม.6 ตัวชี้วัดภัยคุกคามรูปแบบใหม่ ปี 68 เป้าเท่าไร", conversation_id="k:rel")
    assert vals(bot.ask("ปีถัดไปล่ะ", conversation_id="k:rel")) == [(CM, "1", "1", 2569, "95", "target")]
    every = bot.ask("ขอทุกปีเลยครับ", conversation_id="k:rel")
    assert [v.year for v in every.values] == [2566, 2567, 2568, 2569, 2570]
    assert "ปี 25" not in every.answer.splitlines()[0]  # no year said to be carried over
    # a list question about "this strategy": its rows, not its one row or year
    listed = bot.ask("แล้วกลยุทธ์นี้มีตัวชี้วัดทั้งหมดกี่ตัว", conversation_id="k:rel")
    assert listed.status == "answered" and "มี 2 ตัว" in listed.answer
    bot.ask("ตรัง 2 ตัวชี้วัดเด็กพิการผ่านเกณฑ์พัฒนาสมรรถภาพ ปี 61 เป้าเท่าไร", conversation_id="k:res")
    assert vals(bot.ask("แล้วผลล่ะ", conversation_id="k:res")) == [(TR, "4", "23", 2561, "100", "result")]


def test_ordinals_name_rows_of_the_list_shown(bot):
    bot.ask("ตรัง 2 กลยุทธ์ที่ 4 มีตัวชี้วัดอะไรบ้าง", conversation_id="k:ord")
    ans = bot.ask("ตัวแรกใครรับผิดชอบ", conversation_id="k:ord")
    assert "ตัวชี้วัดที่ 19" in ans.answer and "ส่งเสริม" in ans.answer
    assert bot.understand("ข้อสองล่ะ").ref == "2" and bot.understand("ข้อสิบห้าครับ").ref is None


def test_the_answer_to_an_unclear_question_keeps_its_year(bot):
    ask = bot.ask("แล้วปี 69 ล่ะ", conversation_id="k:unclear")
    assert ask.status == "clarify" and not ask.values
    ans = bot.ask("ตัวชี้วัดเด็กปฐมวัยพัฒนาการสมวัย ชม.6", conversation_id="k:unclear")
    assert vals(ans) == [(CM, "3", "5", 2569, "90", "target")] and "ปี 2569" in ans.answer.splitlines()[0]


def test_how_do_they_differ_compares_the_two_offices_talked_about(bot):
    bot.ask("ชม.6 ตัวชี้วัดเด็กพิการ ผู้ด้อยโอกาสได้รับการศึกษาที่เหมาะสม ปี 2569 เป้าเท่าไร", conversation_id="k:cmp")
    bot.ask("ตัวนี้ของลปลพตั้งไว้เท่าไหร่", conversation_id="k:cmp")
    ans = bot.ask("ต่างกันไหม", conversation_id="k:cmp")
    assert sorted(vals(ans)) == sorted([(CM, "2", "3", 2569, "90", "target"), (LP, "2", "3", 2569, "100", "target")])
    ctx = bot.conversations.context("k:cmp")
    back = Query.from_dict(ctx.to_dict(), bot.resolver)
    assert [m.office.id for m in back.offices] == [CM, LP]
