"""Understanding rules of session 6, in wordings of our own (not the dev items): list
conditions "target other than" and "lowest / highest target", a which-row question without
the word ตัวชี้วัด, responsible units and levels, a self-introduction, a baseline given by the
row's printed result, plan parts only as headings, spelled-out letters, roles in the plan's
wording, small talk, a passage quoted without quote marks, two subjects in one comparison,
and the key-word gate of topic links. Structured path (no vectors) except the gate's units."""

from __future__ import annotations

import pytest

from assistant.domain.models import Indicator, Span, Strategy
from assistant.qa import topics
from assistant.qa.answer import topic_coverage
from tests.conftest import vals


def test_target_other_than_a_value_is_a_negated_condition(bot):
    # "ไม่ได้ตั้งเป้าไว้ 100" once listed every row with its 100s (a confidently wrong answer)
    ans = bot.ask("ลปลพ นโยบายที่ 4 ตัวชี้วัดใดบ้างที่ปี 2567 ไม่ได้ตั้งเป้าไว้ 100")
    assert vals(ans) == [("spm-lampang-lamphun", "4", "4", 2567, "85", "target")]
    assert "ที่ค่าเป้าหมายไม่ใช่ 100" in ans.answer


def test_lowest_target_of_a_year_within_one_strategy(bot):
    ans = bot.ask("ชม.6 กลยุทธ์ที่ 3 ตัวชี้วัดใดตั้งค่าเป้าหมายปี 2570 น้อยที่สุด")
    assert vals(ans) == [("spp-chiangmai-6", "3", "2", 2570, "55", "target")]
    assert "ที่ค่าเป้าหมายต่ำที่สุด" in ans.answer


def test_highest_target_lists_every_row_that_reaches_it(bot):
    ans = bot.ask("ยส.2 กลยุทธ์ที่ 1 ตัวชี้วัดไหนเป้าสูงสุด")
    assert [(v.indicator, v.value) for v in ans.values] == [("6", "100"), ("7", "100"), ("8", "100"), ("17", "100")]


def test_which_row_set_to_a_value_without_the_word_indicator(bot):
    q = bot.understand("ตรัง 2 ปีงบ 62 ตัวไหนที่กำหนดไว้ 80")
    assert q.intent == "list" and q.target_equals == "80"
    ans = bot.ask("ตรัง 2 ปีงบ 62 ตัวไหนที่กำหนดไว้ 80")
    assert ("spp-trang-2", "2", "8", 2562, "80", "target") in vals(ans)
    assert all(v.value == "80" for v in ans.values)


def test_rows_a_named_unit_is_responsible_for(bot):
    q = bot.understand("ตรัง 2 มีตัวชี้วัดอะไรบ้างที่ฝ่ายส่งเสริมดูแล")
    assert q.intent == "list" and q.responsible_is == "ส่งเสริม"
    ans = bot.ask("ตรัง 2 มีตัวชี้วัดอะไรบ้างที่ฝ่ายส่งเสริมดูแล")
    assert "ที่ผู้รับผิดชอบคือ ส่งเสริม มี 10 ตัว" in ans.answer


def test_a_self_introduction_is_not_the_subject(bot):
    q = bot.understand("ผมเป็นครูครับ ชม.6 มีตัวชี้วัดไหนที่ระดับ สพท. รับผิดชอบบ้าง")
    assert q.group is None and q.level_column == "สพท." and q.intent == "list"
    assert "ที่ผู้รับผิดชอบระบุ สพท. มี 12 ตัว" in bot.ask(
        "ผมเป็นครูครับ ชม.6 มีตัวชี้วัดไหนที่ระดับ สพท. รับผิดชอบบ้าง").answer
    # a question that only opens with เป็น keeps its words
    assert bot.understand("เป็นตัวชี้วัดเรื่องอะไรครับ").topic


def test_levels_offered_as_choices_ask_the_level_column(bot):
    ans = bot.ask("ตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ของ ชม.6 อยู่ระดับไหน สพฐ. หรือ รร.")
    assert "ผู้รับผิดชอบ: สพท./รร." in ans.answer
    # the row the question names by number: its targets come with the column
    assert [(v.year, v.value) for v in ans.values] == [(2566, "90"), (2567, "92"), (2568, "95"), (2569, "98"),
                                                       (2570, "100")]


def test_a_baseline_of_a_row_with_no_baseline_column_is_its_printed_result(bot):
    ans = bot.ask("ตรัง 2 ค่าฐานของตัวชี้วัดที่ 10 คือเท่าไร")
    assert ans.status == "answered" and "แผนไม่มีช่องค่าฐาน" in ans.answer
    assert vals(ans) == [("spp-trang-2", "2", "10", 2561, "91.97", "result"),
                         ("spp-trang-2", "2", "10", 2561, "92.99", "result")]


def test_a_plan_part_counts_only_as_a_heading(bot):
    # ยส.2 prints ค่านิยม only inside a sentence ("ทักษะ เจตคติ ค่านิยม และคุณลักษณะ…")
    ans = bot.ask("ยส.2 ค่านิยมขององค์กรคืออะไร")
    assert ans.status == "not_found" and ans.values == []
    assert bot.ask("ตรัง เขต 2 ยึดค่านิยมองค์กรอะไร").status == "answered"


def test_letters_of_a_name_from_the_plans_letter_list(bot):
    ans = bot.ask("SMART Students ของ ยส.2 แต่ละตัวหมายถึงอะไร")
    assert ans.answer.splitlines()[2:] == ["- S ; Skills", "- M ; Moral", "- A ; Achievement",
                                           "- R ; Reading & Writing", "- T ; Teamwork & Leadership"]
    spelled = bot.ask("ตารางกลยุทธ์ที่ 2 ของ ยส.2 ช่อง S M A R T ย่อมาจากอะไร")
    assert "- M ; Measurement" in spelled.answer and "Skills" not in spelled.answer


def test_a_role_in_the_plans_wording_and_a_required_score_is_a_target(bot):
    q = bot.understand("ผู้อำนวยการโรงเรียน ยส.2 ผลประเมิน PA ต้องได้อย่างน้อยกี่คะแนน")
    assert "ผู้อำนวยการสถานศึกษา" in q.terms and q.kind == "target"
    ans = bot.ask("ผู้อำนวยการโรงเรียน ยส.2 ผลประเมิน PA ต้องได้อย่างน้อยกี่คะแนน")
    assert vals(ans) == [("spp-yasothon-2", "4", "77", 2566, "100", "target"),
                         ("spp-yasothon-2", "4", "77", 2566, "80", "target")]


@pytest.mark.parametrize("text", ["โอเคค่ะ ขอบคุณมากนะคะ เข้าใจแล้ว 😊", "ขอบคุณครับ ได้ข้อมูลครบแล้ว 🙏🙏"])
def test_a_longer_courtesy_line_is_small_talk(bot, text):
    ans = bot.ask(text)
    assert ans.status == "answered" and ans.values == [] and ans.citations == []


def test_a_courtesy_before_a_question_still_answers_it(bot):
    ans = bot.ask("ขอบคุณครับ แล้วตัวชี้วัดที่ 3 กลยุทธ์ที่ 2 ของ ชม.6 เป้าปี 2568 เท่าไร")
    assert vals(ans) == [("spp-chiangmai-6", "2", "3", 2568, "85", "target")]


def test_a_passage_quoted_without_quote_marks_names_its_document(bot):
    q = bot.understand("วิสัยทัศน์ที่ระบุว่าคนไทยทุกคนได้รับการศึกษาและเรียนรู้ตลอดชีวิต มีพันธกิจอะไรบ้าง")
    assert q.unknown_doc and q.intent == "overview" and q.part == "mission"


def test_two_subjects_of_one_plan_are_compared_with_a_conclusion(bot):
    ans = bot.ask("ยส.2 ตัวชี้วัดลูกเสือ กับ ตัวชี้วัดวิถีพุทธ ตั้งเป้าต่างกันไหม")
    assert vals(ans) == [("spp-yasothon-2", "1", "6", 2566, "100", "target"),
                         ("spp-yasothon-2", "3", "45", 2566, "80", "target")]
    assert ans.answer.splitlines()[-1] == "สรุป: ปี 2566: ตัวชี้วัดที่ 6 (100) สูงกว่า ตัวชี้วัดที่ 45 (80) (ต่างกัน 20)"


def _cand(text: str, cosine: float, bm25: float, words: float) -> topics.Candidate:
    span = Span("d", 0, 1)
    ind = Indicator(id=text, strategy="s", number="1", number_raw="1", text=text, unit="ร้อยละ", span=span)
    return topics.Candidate(Strategy(id="s", number="1", title="t", span=span), ind, cosine, bm25, words)


def test_a_best_row_without_the_questions_words_is_no_link():
    # the features are relative within a plan: its nearest row scores well even for a topic it lacks
    ranked = topics.score([_cand("a", 0.83, 2.0, 0.0), _cand("b", 0.82, 1.0, 0.0)])
    assert ranked[0].score >= topics.MIN_SCORE
    assert topics.decide(ranked) == ("none", [])
    held = topics.score([_cand("a", 0.83, 2.0, 0.5), _cand("b", 0.80, 1.0, 0.0)])
    assert topics.decide(held)[0] == "link"


def test_a_latin_term_counts_only_as_a_word():
    span = Span("d", 0, 1)
    digital = Indicator(id="i", strategy="s", number="8", number_raw="8", unit="ร้อยละ", span=span,
                        text="ร้อยละของนักเรียนที่ผ่านเกณฑ์ด้านเทคโนโลยี (Digital Literacy)")
    assert topic_coverage(["ita"], digital) == 0.0
    assert topic_coverage(["digital"], digital) == 1.0


def test_a_group_no_row_of_the_plan_is_about_must_be_held_by_the_linked_row(bot):
    # ชม.6 has no teacher indicator: "ครูได้รับการพัฒนา" must not give a student row's figure
    ans = bot.ask("เชียงใหม่ เขต 6 ปี 2569 ตั้งเป้าเรื่องครูได้รับการพัฒนาไว้เท่าไร")
    assert ans.status == "not_found" and ans.values == []
    other = bot.ask("ลปลพ ปี 2569 ตั้งเป้าเรื่องครูได้รับการพัฒนาไว้เท่าไร")
    assert vals(other) == [("spm-lampang-lamphun", "3", "18", 2569, "85", "target")]


def test_levels_joined_in_a_list_question_are_the_whole_cell(bot):
    q = bot.understand("เชียงใหม่ เขต 6 มีตัวชี้วัดอะไรบ้างที่ผู้รับผิดชอบเป็น สพฐ./สพท./รร.")
    assert q.intent == "list" and q.level_column == "สพฐ./สพท./รร." and q.terms == []
    ans = bot.ask("เชียงใหม่ เขต 6 มีตัวชี้วัดอะไรบ้างที่ผู้รับผิดชอบเป็น สพฐ./สพท./รร.")
    assert "ที่ผู้รับผิดชอบระบุ สพฐ./สพท./รร. มี 3 ตัว" in ans.answer


def test_a_list_of_one_grades_rows_lists_only_the_rows_that_print_that_grade(bot):
    """'ตัวชี้วัดระดับ ป.3 มีอะไรบ้าง' lists the rows printing ป.3 (ประถมศึกษาปีที่ ๓), not every
    row of the plan with its figures; a grade no row prints is said plainly."""
    a = bot.ask("ยโสธร เขต 2 มีตัวชี้วัดของเด็ก ป.3 อะไรบ้าง ตั้งเป้าไว้เท่าไร")
    assert a.status == "answered"
    assert sorted(v.value for v in a.values) == ["60", "70"]
    assert "ประถมศึกษาปีที่ ๓" in a.answer and "ปฐมวัย" not in a.answer
    none = bot.ask("ชม.6 มีตัวชี้วัดของชั้น ป.2 อะไรบ้าง")
    assert none.status == "not_found" and not none.values


def test_one_years_target_against_another_years_is_a_list_condition(bot):
    """'เป้าปี 70 สูงกว่าปี 69' keeps the rows whose 2570 target is above their 2569 target
    (both shown); rows with equal targets are left out."""
    a = bot.ask("เชียงใหม่ เขต 6 กลยุทธ์ที่ 2 มีตัวชี้วัดไหนบ้างที่เป้าปี 70 สูงกว่าปี 69")
    assert a.status == "answered"
    assert "ที่ค่าเป้าหมายปี 2570 สูงกว่าปี 2569" in a.answer
    by_row: dict[str, dict[int, float]] = {}
    for v in a.values:
        by_row.setdefault(f"{v.strategy}.{v.indicator}", {})[v.year] = float(v.value)
    assert by_row and all(ys[2570] > ys[2569] for ys in by_row.values())
    assert "ตัวชี้วัดที่ 1:" not in a.answer  # 100 and 100: no rise
