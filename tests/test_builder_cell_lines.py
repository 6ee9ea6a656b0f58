"""The one builder on seed 004 (สพม.ลำปาง ลำพูน; session 1's ``cell_lines`` layout is
retired): policies with goals, guidelines and indicator tables flattened one cell per line
(the ``cell-lines`` decoder). The plan's own option (corpus metadata): its last column,
headed ผู้รับผิดชอบ, holds sources."""

from __future__ import annotations

import pytest
from conftest import DOC_004, corpus_text

from assistant.domain import thai
from assistant.ingest.builder import BuildOptions, build
from assistant.ingest.readers.text import read_txt

OPTIONS_004 = BuildOptions.from_meta({"column_roles": {"ผู้รับผิดชอบ": "source"}})


def _parse(doc_id: str, text: str, options: BuildOptions | None = None):
    return build(read_txt(doc_id, text), options).plan

YEARS = (2566, 2567, 2568, 2569, 2570)


@pytest.fixture(scope="module")
def text() -> str:
    return corpus_text(DOC_004)


@pytest.fixture(scope="module")
def plan(text):
    return _parse(DOC_004, text, OPTIONS_004)


def ind(plan, s: str, i: str):
    found = [x for x in plan.strategy(s).indicators if x.number == i]
    assert len(found) == 1, (s, i)
    return found[0]


def values(indicator) -> dict[int, str]:
    return {t.year: t.value for t in indicator.targets}


def guideline(plan, number: str):
    s = number.split(".")[0]
    found = [g for g in plan.strategy(s).guidelines if g.number == number]
    assert len(found) == 1, number
    return found[0]


# ---------------------------------------------------------------- detect


def test_another_office_in_the_same_layout():
    # Another office's plan in the same layout, Thai digits, other years: still detected and parsed.
    cells = ["ที่", "ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย (ปี)", "ที่มา", "๒๕๖๘", "๒๕๖๙", "๒๕๗๐"]
    cells += ["๑", "ร้อยละของนักเรียนที่อ่านออกเขียนได้", "ร้อยละ", "๗๐", "-", "๗๕.๕๐", "แผน สพฐ."]
    cells += ["๒", "ระดับคุณภาพของสำนักงานเขต", "\u00a0", "ดี", "ดีมาก", "ดีเยี่ยม", "\u00a0"]
    table = "\n\n".join(cells)
    other = (
        "แผนพัฒนาการศึกษา สพป.ตัวอย่าง เขต 9 (พ.ศ.2568-2570)\n\n"
        "กลยุทธ์ที่ ๑ พัฒนาคุณภาพผู้เรียน\n\n"
        "๑.๑ เป้าหมาย\n\n๑.๑.๑ นักเรียนอ่านออก\n\n"
        "๑.๒ แนวทางการพัฒนา\n\n๑.๒.๑ ส่งเสริมการอ่าน\n\n"
        "๑.๓ ตัวชี้วัด\n\n" + table + "\n\nค่านิยม\n"
    )
    p = _parse("x", other)
    assert [s.kind for s in p.strategies] == ["กลยุทธ์"]
    s = p.strategies[0]
    assert [g.number for g in s.guidelines] == ["1.2.1"]
    assert [g.number for g in s.goals] == ["1.1.1"]
    i1, i2 = s.indicators
    assert values(i1) == {2568: "70", 2570: "75.50"}  # "-" is no target
    assert i1.source == "แผน สพฐ." and i1.unit == "ร้อยละ"
    assert i2.unit is None and i2.source is None
    assert values(i2) == {2568: "ดี", 2569: "ดีมาก", 2570: "ดีเยี่ยม"}
    assert p.years == (2568, 2570)


def test_years_come_from_the_table_header(text):
    shifted = text
    for y in (2570, 2569, 2568, 2567, 2566):
        shifted = shifted.replace(f"\n\n{y}\n\n", f"\n\n{y + 1}\n\n")
    p = _parse(DOC_004, shifted, OPTIONS_004)
    assert p.years == (2567, 2571)
    assert len(p.indicators()) == 46
    assert values(next(i for i in p.indicators() if i.id.endswith("/s3/i17"))) == {
        2567: "5",
        2568: "5",
        2569: "5",
        2570: "8",
        2571: "10",
    }


# ---------------------------------------------------------------- counts


def test_counts(plan):
    assert [s.number for s in plan.strategies] == ["1", "2", "3", "4", "5"]
    assert all(s.kind == "นโยบาย" for s in plan.strategies)
    assert [len(s.indicators) for s in plan.strategies] == [6, 7, 20, 6, 7]
    assert len(plan.indicators()) == 46
    assert [len(s.guidelines) for s in plan.strategies] == [4, 7, 11, 5, 8]
    assert len(plan.guidelines()) == 35
    assert [len(s.goals) for s in plan.strategies] == [5, 5, 5, 2, 5]
    # Every indicator here prints all five yearly targets.
    for i in plan.indicators():
        assert [t.year for t in i.targets] == list(YEARS), i.id


def test_plan_header(plan):
    # (the title: ingest gives the plan_title of the text, or the metadata's)
    assert plan.years == (2566, 2570)
    assert plan.vision.text.startswith("“องค์กรแห่งการเรียนรู้อย่างมีคุณภาพ")
    assert len(plan.missions) == 6
    assert plan.missions[5].text == "พัฒนาระบบการบริหารจัดการศึกษาทุกระดับและจัดการศึกษา โดยใช้เทคโนโลยีดิจิทัล"
    assert len(plan.goals) == 10
    assert plan.goals[9].number == "10"
    assert plan.goals[7].text == "นักเรียนมีความภูมิใจในอัตลักษณ์และบริบทของพื้นที่"


# ---------------------------------------------------------------- exact values


def test_strategies(plan):
    s1, s5 = plan.strategy("1"), plan.strategy("5")
    assert s1.id == f"{DOC_004}/s1"
    assert s1.title.startswith("ส่งเสริมการจัดการศึกษาให้นักเรียนมีความมั่งคง")
    assert s5.title == "เพิ่มประสิทธิภาพการบริหารจัดการศึกษา"
    assert s1.goals[0].id == f"{DOC_004}/s1/goal1"
    assert s1.goals[0].number == "1.1.1"
    assert s1.goals[0].text.startswith("นักเรียน ครู และบุคลากรทางการศึกษา ได้รับความรู้ด้านความปลอดภัย")
    assert plan.strategy("4").goals[1].text.startswith("นักเรียนได้รับความรู้เกี่ยวกับภูมิปัญญา")
    # The 4A PLUS / 5Q narrative is not parsed as strategies or indicators.
    assert not any("4A" in s.title or "Q1" in s.title for s in plan.strategies)
    assert not any("Awareness เป็นกระบวนการ" in i.text for i in plan.indicators())


def test_guidelines(plan, text):
    g = guideline(plan, "3.2.11")  # printed "3.2.1 1"
    assert g.id == f"{DOC_004}/s3/g3.2.11"
    assert g.text.startswith("ส่งเสริมและพัฒนาความรู้ด้านการวางแผน และการสร้างวินัยด้านการเงิน")
    assert text[g.span.start : g.span.end].startswith("3.2.1 1 ส่งเสริม")
    assert guideline(plan, "3.2.10").text.startswith("บูรณาการการศึกษาเพื่อการศึกษาต่อด้านอาชีพ")
    assert guideline(plan, "1.2.3").text.startswith(
        "จัดกิจกรรมในการสร้างความตระหนักรู้ (Safety Awareness)"
    )
    assert guideline(plan, "5.2.8").text.startswith("พัฒนาระบบสารสนเทศในหน่วยงานทุกระดับ")
    assert guideline(plan, "2.2.7").text.startswith("พัฒนาโรงเรียนคุณภาพ โรงเรียนที่สามารถดำรงอยู่ได้")
    assert [g.number for g in plan.strategy("4").guidelines] == [f"4.2.{k}" for k in range(1, 6)]


def test_blank_units_do_not_shift_cells(plan):
    assert ind(plan, "4", "1").unit == "ร้อยละ"
    for n in ("2", "3", "4", "5", "6"):
        i = ind(plan, "4", n)
        assert i.unit is None, n
        assert all(t.unit is None for t in i.targets)
    i = ind(plan, "4", "4")
    assert values(i) == dict(zip(YEARS, ["80", "85", "90", "95", "100"], strict=True))
    assert i.source == "แผนภาค 15"
    assert ind(plan, "4", "5").source == "นโยบาย รมว."
    assert ind(plan, "4", "2").text.startswith("ร้อยละของสถานศึกษาที่จัดกิจกรรมปลูกฝังคุณธรรมจริยธรรม")


def test_word_targets_and_blank_source(plan):
    i = ind(plan, "5", "5")
    assert i.unit == "ระดับ"
    assert i.source is None  # the source cell is blank
    assert values(i) == dict.fromkeys(YEARS, "ดีมาก")
    assert all(t.numeric is None and t.unit == "ระดับ" for t in i.targets)
    nxt = ind(plan, "5", "6")
    assert nxt.unit == "คะแนน" and nxt.source == "สพฐ. 66"
    assert nxt.text.endswith("(ITA)")


def test_specific_values_units_sources(plan):
    i = ind(plan, "3", "17")
    assert i.text == "หลักสูตรฝึกอบรมวิชาชีพระยะสั้นที่ตอบสนองต่อการพัฒนากำลังคน"
    assert i.unit == "หลักสูตร" and i.source == "แผน ศธ.ลพ"
    assert values(i) == {2566: "5", 2567: "5", 2568: "5", 2569: "8", 2570: "10"}
    t = next(t for t in i.targets if t.year == 2569)
    assert t.id == f"{DOC_004}/s3/i17/target/2569"
    assert t.numeric == 8.0 and t.kind == "target" and t.unit == "หลักสูตร"

    assert values(ind(plan, "3", "19")) == {
        2566: "85",
        2567: "84",
        2568: "86",
        2569: "88",
        2570: "90",
    }
    assert values(ind(plan, "3", "12")) == dict.fromkeys(YEARS, "3")
    i = ind(plan, "3", "9")
    assert i.source == "QW และ จุดเน้น สพฐ." and values(i)[2570] == "85"
    i = ind(plan, "5", "1")
    assert i.unit == "หน่วยงาน"
    assert values(i) == {2566: "10", 2567: "12", 2568: "14", 2569: "16", 2570: "18"}
    i = ind(plan, "5", "7")
    assert i.unit == "โรงเรียน" and i.source == "สพฐ. 66-70" and values(i)[2570] == "2"
    i = ind(plan, "2", "6")
    assert i.source == "Quick Policy สพฐ." and values(i)[2568] == "80"
    assert ind(plan, "1", "1").source == "สพฐ. 66- 70"
    assert ind(plan, "1", "3").source == "ตามจุดเน้น สพฐ. ลดความเครียด"
    assert ind(plan, "2", "2").id == f"{DOC_004}/s2/i2"
    assert values(ind(plan, "2", "2")) == {
        2566: "90",
        2567: "93",
        2568: "95",
        2569: "98",
        2570: "100",
    }
    # The last column is a source, never a responsible unit.
    assert all(i.responsible is None for i in plan.indicators())
    assert sum(i.source is None for i in plan.indicators()) == 1


# ---------------------------------------------------------------- spans


def test_every_record_has_an_exact_span(plan, text):
    def check(rec, body: str):
        quote = text[rec.span.start : rec.span.end]
        assert quote.strip(), rec.id
        assert quote == quote.strip(" \t\r\n\u00a0"), rec.id
        assert body in thai.one_line(quote), rec.id

    check(plan.vision, plan.vision.text)
    for item in plan.missions + plan.goals:
        check(item, item.text)
    for s in plan.strategies:
        check(s, s.title)
        for g in s.goals:
            check(g, g.text)
        for g in s.guidelines:
            check(g, g.text)
            assert thai.to_arabic(text[g.span.start : g.span.end]).startswith(g.number[:-1])
        for i in s.indicators:
            check(i, i.text)
            assert i.number_raw == i.number
            for t in i.targets:
                quote = text[t.span.start : t.span.end]
                assert thai.to_arabic(quote) == t.value, t.id
                assert t.numeric == thai.parse_number(t.value)
