"""Understanding causes of session 7, each in wording of our own over plans the dev items
never asked about: a one-year plan of our own (written here: last year's target and result
beside this year's target, a row measured as a change, word targets, a responsible column)
and the Markdown plan ``eval/plans/trkb_plan_2568_2570.md``; the level column on the bundled
ชม.6 plan in other wording. Structured path (no vectors)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.stores.state import SqliteState

ROOT = Path(__file__).resolve().parents[1]

PLAN = """# แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2569

**สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลพบุรี เขต 1**

## วิสัยทัศน์

สพป.ลพบุรี เขต 1 จัดการศึกษาให้ผู้เรียนมีคุณภาพ ทันโลก บนวิถีชุมชน

## เป้าประสงค์

1. ผู้เรียนมีคุณภาพตามมาตรฐานการศึกษา

## กลยุทธ์ที่ 1 พัฒนาคุณภาพผู้เรียน

| ที่ | ตัวชี้วัด | หน่วยนับ | ค่าเป้าหมายปี 2568 | ผลการดำเนินงานปี 2568 | ค่าเป้าหมายปี 2569 | ผู้รับผิดชอบ |
|---|---|---|---|---|---|---|
| 1 | คะแนนเฉลี่ยการทดสอบ RT ชั้น ป.1 เพิ่มขึ้นไม่น้อยกว่าร้อยละ 2 ของปีการศึกษาที่ผ่านมา | ร้อยละ | 2 | -1.35 | 2 | กลุ่มนิเทศ |
| 2 | ร้อยละของโรงเรียนที่จัดกิจกรรมชุมนุมดนตรีพื้นบ้าน | ร้อยละ | 70 | 72.50 | 80 | กลุ่มส่งเสริมการจัดการศึกษา |
| 3 | ร้อยละของนักเรียนที่ได้รับอาหารกลางวันครบทุกวัน | ร้อยละ | - | - | 100 | กลุ่มนโยบายและแผน |

## กลยุทธ์ที่ 2 บริหารจัดการดี

| ที่ | ตัวชี้วัด | หน่วยนับ | ค่าเป้าหมายปี 2568 | ผลการดำเนินงานปี 2568 | ค่าเป้าหมายปี 2569 | ผู้รับผิดชอบ |
|---|---|---|---|---|---|---|
| 4 | ผลการประเมินความพึงพอใจของผู้รับบริการสำนักงานเขต | ระดับ | ดีมาก | ดี | ดีเยี่ยม | กลุ่มอำนวยการ |
| 5 | ร้อยละของครูที่จัดทำแผนพัฒนาตนเองรายบุคคล | ร้อยละ | 90 | 95.10 | 95 | กลุ่มพัฒนาครู |
"""


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    from assistant.ingest.pipeline import ingest

    corpus = tmp_path_factory.mktemp("corpus7")
    (corpus / "lopburi1_actionplan_fy2569.md").write_text(PLAN, encoding="utf-8")
    shutil.copy(ROOT / "eval/plans/trkb_plan_2568_2570.md", corpus)
    index_dir = tmp_path_factory.mktemp("index7")
    report = ingest(corpus_dir=corpus, index_dir=index_dir)
    assert report.ok, [f.message() for f in report.failed]
    state = SqliteState(tmp_path_factory.mktemp("state7") / "state.sqlite")
    a = Assistant(index_dir, hybrid=False, state=state, today=lambda: datetime.date(2025, 12, 1))
    a.llm = None
    return a


def rows(ans):
    return [(v.indicator, v.year, v.value, v.kind) for v in ans.values]


def test_a_list_of_a_one_year_plan_gives_that_years_targets(other):
    # the plan prints last year's target and result beside its own year's: the list shows its own year
    ans = other.ask("ลพบุรี 1 ตัวชี้วัดที่ฝ่ายส่งเสริมการจัดการศึกษาดูแลมีอะไรบ้าง")
    assert rows(ans) == [("2", 2569, "80", "target")]
    assert "ที่ผู้รับผิดชอบคือ ส่งเสริมการจัดการศึกษา มี 1 ตัว" in ans.answer


def test_rows_whose_responsible_column_says_given_words(other):
    q = other.understand("สพป.ลพบุรี เขต 1 มีตัวชี้วัดอะไรบ้างที่ช่องผู้รับผิดชอบระบุว่า กลุ่มนโยบายและแผน")
    assert q.intent == "list" and q.responsible_is == "กลุ่มนโยบายและแผน"
    ans = other.ask("สพป.ลพบุรี เขต 1 มีตัวชี้วัดอะไรบ้างที่ช่องผู้รับผิดชอบระบุว่า กลุ่มนโยบายและแผน")
    assert rows(ans) == [("3", 2569, "100", "target")]
    ans = other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดที่ผู้รับผิดชอบเขียนว่ากลุ่มนโยบายและแผน มีอะไรบ้าง")
    assert "มี 1 ตัว" in ans.answer and "ตัวชี้วัดที่ 2.2" in ans.answer


def test_a_result_of_a_change_row_comes_with_its_target(other):
    ans = other.ask("ลพบุรี เขต 1 คะแนน RT ป.1 ปี 68 ทำได้เท่าไหร่")
    assert sorted(rows(ans)) == [("1", 2568, "-1.35", "result"), ("1", 2568, "2", "target")]
    # a row not measured as a change: the result alone
    ans = other.ask("ลพบุรี เขต 1 ครูจัดทำแผนพัฒนาตนเองรายบุคคล ผลปี 68 ได้เท่าไร")
    assert rows(ans) == [("5", 2568, "95.10", "result")]


def test_a_phrase_of_what_was_achieved_names_its_year(other):
    q = other.understand("ลพบุรี 1 ชุมนุมดนตรีพื้นบ้าน ปี 69 ตั้งเป้ากี่เปอร์เซ็นต์ แล้วปี 68 ทำได้กี่เปอร์เซ็นต์")
    assert q.year_kinds == {2569: {"target"}, 2568: {"result"}}
    ans = other.ask("ลพบุรี 1 ชุมนุมดนตรีพื้นบ้าน ปี 69 ตั้งเป้ากี่เปอร์เซ็นต์ แล้วปี 68 ทำได้กี่เปอร์เซ็นต์")
    assert sorted(rows(ans)) == [("2", 2568, "72.50", "result"), ("2", 2569, "80", "target")]


def test_rows_whose_target_is_words(other):
    q = other.understand("ลพบุรี เขต 1 ตัวไหนบ้างที่เป้าเป็นคำ ไม่ใช่ตัวเลข")
    assert q.intent == "list" and q.target_words and not q.correction and not q.terms
    assert rows(other.ask("ลพบุรี เขต 1 ตัวไหนบ้างที่เป้าเป็นคำ ไม่ใช่ตัวเลข")) == [
        ("4", 2568, "ดีมาก", "target"), ("4", 2569, "ดีเยี่ยม", "target")]
    ans = other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดไหนที่ค่าเป้าหมายไม่เป็นตัวเลขบ้าง")
    assert rows(ans) == [("3.1", 2568, "A", "target"), ("3.1", 2569, "AA", "target"), ("3.1", 2570, "AA", "target")]


def test_rows_new_in_a_year(other):
    ans = other.ask("ลพบุรี 1 ตัวชี้วัดที่ปี 68 ยังไม่มีเป้า เพิ่งมีปี 69 มีข้อไหนบ้าง")
    assert rows(ans) == [("3", 2569, "100", "target")]


def test_the_level_column_asked_with_the_unit(bot):
    ans = bot.ask("ชม.6 ตัวชี้วัดผู้พิการ ผู้ด้อยโอกาสได้รับการศึกษาที่เหมาะสม ใช้หน่วยอะไร อยู่ระดับไหน")
    lines = ans.answer.splitlines()
    assert any(ln.startswith("ผู้รับผิดชอบ:") for ln in lines)
    assert any(ln.startswith("หน่วยนับ:") for ln in lines)
    years = [ln for ln in lines if ln.lstrip("- ").startswith("ปี ")]
    assert len(years) == len(set(years))  # no line repeated


def _row(number: str, text: str):
    from assistant.domain.models import Indicator, Span, Strategy

    span = Span("d", 0, 1)
    return (Strategy(id="s", number="1", title="t", span=span),
            Indicator(id=number, strategy="s", number=number, number_raw=number, text=text, unit="ร้อยละ", span=span))


def test_a_question_copying_one_rows_name_picks_it_among_rows_with_the_same_words():
    from assistant.qa import topics

    rows = [_row("4", "ร้อยละของความสำเร็จในการจัดกิจกรรมส่งเสริมการอ่านของห้องสมุดโรงเรียน (ห้องสมุดมีชีวิต) และชุมชนร่วมกัน"),
            _row("9", "ร้อยละของห้องสมุดโรงเรียนที่มีการจัดกิจกรรมส่งเสริมการอ่านร่วมกับชุมชนได้ตามเกณฑ์")]
    picked = topics.quoted_pick("ตัวชี้วัดร้อยละของห้องสมุดโรงเรียนที่จัดกิจกรรมส่งเสริมการอ่านร่วมกับชุมชน ปี 69 เท่าไร", rows)
    assert [i.number for _s, i in picked] == ["9"]
    # a few shared words only: both rows stay (the question is asked back)
    assert len(topics.quoted_pick("ห้องสมุด กิจกรรมส่งเสริมการอ่าน เป้าเท่าไร", rows)) == 2


def test_the_years_whose_target_is_a_value(other):
    q = other.understand("สพม.ตรัง กระบี่ ตัวชี้วัดที่ 1.1 ตั้งเป้าไว้ 65 ปีใด")
    assert q.which_years == "65" and q.target_equals == "65"
    assert rows(other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดที่ 1.1 ตั้งเป้าไว้ 65 ปีใด")) == [("1.1", 2569, "65", "target")]
    assert rows(other.ask("สพม.ตรัง กระบี่ กลยุทธ์ที่ 2 ตัวชี้วัดที่ 2.1 เป้าขึ้นเป็น 100 ปีไหน")) == [
        ("2.1", 2570, "100", "target")]


def test_a_list_of_rows_with_a_target_value_shows_only_those_targets(other):
    # row 2 has 70 (2568) and 80 (2569): the list of rows set to 70 shows 2568's, not its own year's 80
    ans = other.ask("ลพบุรี 1 มีตัวชี้วัดไหนบ้างที่ตั้งเป้าไว้ 70")
    assert rows(ans) == [("2", 2568, "70", "target")]


def test_a_baseline_of_a_year_is_that_years_result_alone(other):
    # the plan has no baseline column: the year's printed result, without that year's target
    assert rows(other.ask("ลพบุรี เขต 1 ชุมนุมดนตรีพื้นบ้าน ค่าฐานปี 68 เท่าไร")) == [("2", 2568, "72.50", "result")]


def test_the_years_a_target_stays_the_same_from(other):
    assert rows(other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดที่ 3.1 เป้าคงที่ตั้งแต่ปีไหน")) == [
        ("3.1", 2569, "AA", "target"), ("3.1", 2570, "AA", "target")]
    # a target that rises every year: every year as printed
    assert [y for _i, y, _v, _k in rows(other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดที่ 1.1 เป้าหยุดเพิ่มตั้งแต่ปีไหน"))] == [
        2568, 2569, 2570]


def test_an_ordinal_followed_by_a_verb(other):
    assert other.understand("สพม.ตรัง กระบี่ กลยุทธ์ที่สองเน้นเรื่องอะไร").strategy == "2"
    assert other.understand("ลพบุรี เขต 1 กลยุทธ์แรกว่าด้วยอะไร").strategy == "1"
    ans = other.ask("ลพบุรี เขต 1 กลยุทธ์แรกว่าด้วยอะไร")
    assert "กลยุทธ์ที่ 1: พัฒนาคุณภาพผู้เรียน" in ans.answer


def test_rows_whose_target_rises_by_a_step_every_year(other):
    # a condition the list once ignored: every row was listed with its figures (confidently wrong)
    ans = other.ask("สพม.ตรัง กระบี่ มีตัวไหนบ้างที่ค่าเป้าหมายขยับทีละ 5 ทุกปี")
    assert rows(ans) == [("1.1", 2568, "60", "target"), ("1.1", 2569, "65", "target"), ("1.1", 2570, "70", "target")]
    assert [r[0] for r in rows(other.ask("ตรังกระบี่ ตัวชี้วัดที่เพิ่มปีละ 1"))] == ["2.2", "2.2", "2.2"]
    # a step no row has: nothing listed
    assert rows(other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดที่เป้าสูงขึ้นปีละ 7 มีไหม")) == []


def test_which_indicator_is_set_to_a_value(other):
    # "ตัวชี้วัดไหน/ใด" asks which row, like "ตัวไหน"
    assert rows(other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดใดตั้งไว้ 96 บ้าง")) == [("2.2", 2569, "96", "target")]


def test_rows_not_set_to_a_value_every_year(other):
    # "ไม่ได้ตั้ง 2 ทุกปี": some year's target is another value (not "no year is 2")
    ans = other.ask("ลพบุรี 1 ตัวไหนบ้างที่ไม่ได้ตั้งเป้า 2 ทุกปี")
    assert sorted({r[0] for r in rows(ans)}) == ["2", "3", "5"]
    assert "ที่ค่าเป้าหมายไม่ใช่ 2 ทุกปี" in ans.answer


def test_a_result_compared_with_its_target(other):
    ans = other.ask("ลพบุรี เขต 1 ชุมนุมดนตรีพื้นบ้าน ปี 68 ทำได้เท่าไร เทียบกับเป้า")
    assert sorted(rows(ans)) == [("2", 2568, "70", "target"), ("2", 2568, "72.50", "result")]
    assert "ถึงเป้า" in ans.answer


def test_polite_endings_and_with_words_are_no_topic(other):
    # "ตัวไหนคะ" tokenizes as ไห + นคะ; "พร้อมเป้า" asks the figures along
    q = other.understand("สพม.ตรัง กระบี่ ตัวชี้วัดที่หน่วยนับไม่ใช่ร้อยละมีข้อไหนคะ")
    assert q.terms == [] and q.unit_not == "ร้อยละ"
    ans = other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดที่หน่วยนับไม่ใช่ร้อยละมีข้อไหนคะ")
    assert sorted({r[0] for r in rows(ans)} | {ln.split("ตัวชี้วัดที่ ")[1].split(":")[0]
                                               for ln in ans.answer.splitlines() if "ตัวชี้วัดที่ " in ln}) == ["1.2", "3.1"]
    assert other.understand("ตรังกระบี่ กลยุทธ์ที่ 1 มีตัวชี้วัดอะไรบ้าง พร้อมเป้าปี 69ครับ").terms == []


def test_which_group_a_row_is_in_asks_its_responsible_unit(other):
    q = other.understand("สพม.ตรัง กระบี่ ตัวชี้วัดสอบวัดระดับภาษาอังกฤษ B1 อยู่กลุ่มไหน")
    assert q.field == "responsible"
    ans = other.ask("สพม.ตรัง กระบี่ ตัวชี้วัดสอบวัดระดับภาษาอังกฤษ B1 อยู่กลุ่มไหน")
    assert "ผู้รับผิดชอบ: กลุ่มส่งเสริมการจัดการศึกษา" in ans.answer
