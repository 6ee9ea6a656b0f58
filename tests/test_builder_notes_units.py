"""The builder on small plans of our own wording: a bracketed remark after a value, units
printed with the values only, a numbered part line after a strategy heading, a sentence's
target in a one-fiscal-year plan, a paragraph after numbered guidelines."""

from __future__ import annotations

from assistant.ingest.builder import build
from assistant.ingest.readers.text import read_md, read_txt

REMARKS = """# แผนปฏิบัติการ สพม.ตัวอย่าง พ.ศ. 2568-2569

## ยุทธศาสตร์ที่ 1 ครูใช้เทคโนโลยี

| ที่ | ตัวชี้วัด | หน่วยนับ | ค่าฐาน | 2568 | 2569 |
|---|---|---|---|---|---|
| 1 | ครูที่ใช้สื่อดิจิทัลในห้องเรียน |  | ร้อยละ 55 | ร้อยละ 60 (นำร่อง 5 โรงเรียน) | ร้อยละ 70 |
| 2 | ความพึงพอใจของผู้ปกครอง | ระดับ | 3 | 4 (ดี) | 4.50 (เพิ่มขึ้น 0.5 จากปีก่อน) |
"""


def test_a_remark_in_brackets_is_no_part_of_the_value_and_units_come_from_the_values():
    plan = build(read_md("rm", REMARKS)).plan
    i1, i2 = plan.strategy("1").indicators
    assert [(t.year, t.value, t.unit) for t in i1.targets] == [(2568, "60", "ร้อยละ"), (2569, "70", "ร้อยละ")]
    assert (i1.unit, i1.baseline) == ("ร้อยละ", "55")
    assert [(t.year, t.value, t.numeric) for t in i2.targets] == [(2568, "4", 4.0), (2569, "4.50", 4.5)]
    # the quote is the figure as printed
    assert [REMARKS[t.span.start:t.span.end] for t in i1.targets] == ["ร้อยละ 60", "ร้อยละ 70"]


PARTS = """แผนพัฒนาการศึกษา พ.ศ. 2568-2570
ยุทธศาสตร์การพัฒนา
ยุทธศาสตร์ที่ 1 พัฒนาผู้เรียนให้มีคุณภาพ
ยุทธศาสตร์ที่ 2 พัฒนาครูสู่มืออาชีพ
บทที่ 3 ตัวชี้วัดและค่าเป้าหมาย
"""


def test_a_numbered_part_line_is_not_the_wrapped_end_of_a_title():
    plan = build(read_txt("pt", PARTS)).plan
    assert [s.title for s in plan.strategies] == ["พัฒนาผู้เรียนให้มีคุณภาพ", "พัฒนาครูสู่มืออาชีพ"]


ONE_YEAR = """แนวทางการพัฒนาการศึกษา ประจำปีงบประมาณ พ.ศ. ๒๕๖๙

วิสัยทัศน์

ภายในปีงบประมาณ ๒๕๗๒ ผู้เรียนมีคุณภาพ

นโยบายที่ ๑ คุณภาพผู้เรียน มีแนวทางการดำเนินงาน ดังนี้

๑. ส่งเสริมการอ่าน

๒. ส่งเสริมการคิด

ตารางต่อไปนี้แสดงตัวชี้วัดของนโยบาย

ข้อ\tตัวชี้วัดและค่าเป้าหมาย\tS\tM
๑\tนักเรียนร้อยละ ๙๐ อ่านออกเขียนได้\t✓\t
๒\tโรงเรียนในสังกัดทั้ง ๓ อำเภอ จัดกิจกรรมอย่างน้อย ๒ ครั้ง\t\t✓
"""


def test_a_sentence_target_takes_the_plans_one_fiscal_year():
    plan = build(read_txt("fy", ONE_YEAR)).plan
    s = plan.strategy("1")
    assert [g.text for g in s.guidelines] == ["ส่งเสริมการอ่าน", "ส่งเสริมการคิด"]
    i1, i2 = s.indicators
    assert [(t.year, t.value, t.unit) for t in i1.targets] == [(2569, "90", "ร้อยละ")]
    assert ONE_YEAR[i1.span.start:i1.span.end] == "นักเรียนร้อยละ ๙๐ อ่านออกเขียนได้"
    # "ทั้ง ๓ อำเภอ" is a number of the text; the figure is "๒ ครั้ง", bounded by อย่างน้อย
    assert [(t.year, t.value, t.unit, t.qualifier) for t in i2.targets] == [(2569, "2", "ครั้ง", "อย่างน้อย")]
    assert i1.attributes == {"S": "✓"}


WEB_PAGE = ("แผนพัฒนาการศึกษา สพม.ตัวอย่าง พ.ศ. 2568-2570\n\n"
            "ค่านิยม\n\nร่วมคิด ร่วมทำ ร่วมพัฒนา\n\n\u00a0\n\n"
            "การขับเคลื่อนแผนด้วยรูปแบบ SMART TEAM\n\nS : Service mind หมายถึง การบริการ\n\n"
            "กลยุทธ์ที่ 1 พัฒนาผู้เรียน\n\n1.2 แนวทางการพัฒนา\n\n"
            + "".join(f"1.2.{k} แนวทางข้อ {k}\n\n" for k in range(1, 11))
            + "1.2.1 1 แนวทางข้อสิบเอ็ด\n")


def test_an_empty_web_paragraph_ends_a_section_and_a_stray_space_inside_a_number():
    plan = build(read_txt("wp", WEB_PAGE)).plan
    assert [v.text for v in plan.values] == ["ร่วมคิด ร่วมทำ ร่วมพัฒนา"]
    s = plan.strategy("1")
    assert [g.number for g in s.guidelines] == [f"1.2.{k}" for k in range(1, 12)]
    assert s.guidelines[-1].text == "แนวทางข้อสิบเอ็ด"
