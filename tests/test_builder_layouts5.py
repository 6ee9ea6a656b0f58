"""The plan builder on the layouts of session 4's plans and our own (small documents
written here, own wording and figures): tab rows whose goal rows only have trailing
tabs and whose cell is quoted over two lines, figures before their years with year
lists, ranges and ``ต่อปี``, baselines from the sentence lead, strategies named only in
table captions, units in a header cell or a labelled line of the indicator's cell, years
in one header cell, and a rowspan over the years of a transposed table."""

from pathlib import Path

import pytest
import yaml

from assistant.ingest.plans import parse_file

ROOT = Path(__file__).resolve().parent.parent
S4 = ROOT / "eval" / "plans" / "s4"


def _score():
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_plans", ROOT / "eval" / "score_plans.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# P (the Chromium PDF) is read by the PDF readers; until it reads exactly, the folder is
# asserted file by file.
@pytest.mark.parametrize("name", ["Q_phitsanulok_uttaradit_action_plan_2569-2570.docx",
                                  "R_buriram2_education_plan_2568-2570.txt",
                                  "S_nakhonphanom1_direction_2568-2571.html"])
def test_session4_plans_read_exactly(name):
    p = S4 / name
    gold = yaml.safe_load((S4 / (p.stem + ".gold.yaml")).read_text(encoding="utf-8"))
    c = _score().score(p, gold)
    for k in ("targets", "qualifiers", "indicators", "units", "baselines", "responsible", "strategies", "guidelines",
              "vision", "office"):
        assert c[k + "_ok"] == c[k], (name, k, c[k + "_ok"], c[k])


TAB = (
    "แผนพัฒนาการศึกษา สพป.ตาก เขต 1 พ.ศ. 2568-2570\n\n"
    "ยุทธศาสตร์ที่ 1 : ผู้เรียนปลอดภัย\n"
    "ตัวชี้วัด\tหน่วยนับ\tค่าฐาน\tค่าเป้าหมาย\t\t\tผู้รับผิดชอบ\n"
    "\t\t(ปี 67)\t68\t69\t70\t\n"
    "เป้าประสงค์ที่ 1.1 โรงเรียนปลอดภัยจากอุบัติเหตุ\t\t\t\t\t\t\n"
    '"1.1.1 ร้อยละของโรงเรียนที่จัดอบรม\n'
    'ความปลอดภัยทางถนน"\tร้อยละ\t40\t50\t60\t70\tกลุ่มส่งเสริมฯ\n'
    "1.1.2 จำนวนนักเรียนที่ได้รับอุบัติเหตุ\tคน\t15\tไม่เกิน 12\tไม่เกิน 10\tไม่เกิน 8\t\n"
)


def test_tab_rows_keep_goal_rows_and_quoted_cells(tmp_path):
    p = tmp_path / "tak1.txt"
    p.write_text(TAB, encoding="utf-8")
    plan = parse_file(p).plan
    s = plan.strategy("1")
    assert [g.text for g in s.goals] == ["โรงเรียนปลอดภัยจากอุบัติเหตุ"]
    rows = [(i.number, i.text, i.unit, i.baseline, i.baseline_year, i.responsible,
             [(t.year, t.value, t.qualifier) for t in i.targets]) for i in s.indicators]
    assert rows == [
        ("1.1.1", "ร้อยละของโรงเรียนที่จัดอบรม ความปลอดภัยทางถนน", "ร้อยละ", "40", 2567, "กลุ่มส่งเสริมฯ",
         [(2568, "50", None), (2569, "60", None), (2570, "70", None)]),
        ("1.1.2", "จำนวนนักเรียนที่ได้รับอุบัติเหตุ", "คน", "15", 2567, None,
         [(2568, "12", "ไม่เกิน"), (2569, "10", "ไม่เกิน"), (2570, "8", "ไม่เกิน")]),
    ]
    from assistant.ingest.readers import read_document

    doc = read_document(p, 10**6)
    table = next(b for b in doc.blocks if b.kind == "table")
    cell = table.rows[3][0]  # the quoted cell: its span leaves the quotes out
    assert doc.cell_text(cell) == "1.1.1 ร้อยละของโรงเรียนที่จัดอบรม\nความปลอดภัยทางถนน"


PROSE = (
    "แผนปฏิบัติราชการ สพม.ลำปาง ลำพูน ปีงบประมาณ พ.ศ. 2569 - 2570\n\n"
    "กลยุทธ์ที่ 1 ดูแลผู้เรียน\n\n"
    "ตัวชี้วัดที่ 1.1 จำนวนนักเรียนที่ตั้งครรภ์ก่อนวัยอันควร\n"
    "ไม่เกิน 4 คน ต่อปี ตลอดช่วงแผน (ปีงบประมาณ 2569 – 2570) ลดลงจาก 9 คน ในปีการศึกษา 2567 (กลุ่มส่งเสริมการจัดการศึกษา)\n\n"
    "ตัวชี้วัดที่ 1.2 ร้อยละของนักเรียนที่ได้รับการเยี่ยมบ้าน\n"
    "จากผลการดำเนินงานที่ผ่านมาซึ่งอยู่ที่ร้อยละ 91.40 กำหนดให้เป็นร้อยละ 100 ในปีงบประมาณ 2569 และ 2570\n\n"
    "ตัวชี้วัดที่ 1.3 จำนวนครูแนะแนวที่ผ่านการอบรม\n"
    "ในปีการศึกษา 2567 มีครูผ่านการอบรม 35 คน ตั้งเป้าหมายอย่างน้อย 40 คน ในปี 2569 และอย่างน้อย 45 คน ในปี 2570\n\n"
    "ตัวชี้วัดที่ 1.4 จำนวนเรื่องร้องเรียนด้านความปลอดภัย\n"
    "ไม่เกิน 1 เรื่อง ต่อปี\n"
)


def test_figures_before_years_with_lists_ranges_and_per_year(tmp_path):
    p = tmp_path / "lplp.txt"
    p.write_text(PROSE, encoding="utf-8")
    rows = [(i.number, i.unit, i.baseline, i.responsible, [(t.year, t.value, t.qualifier) for t in i.targets])
            for i in parse_file(p).plan.indicators()]
    assert rows == [
        ("1.1", "คน", "9", "กลุ่มส่งเสริมการจัดการศึกษา", [(2569, "4", "ไม่เกิน"), (2570, "4", "ไม่เกิน")]),
        ("1.2", "ร้อยละ", "91.40", None, [(2569, "100", None), (2570, "100", None)]),
        ("1.3", "คน", "35", None, [(2569, "40", "อย่างน้อย"), (2570, "45", "อย่างน้อย")]),
        # no years named: every year of the plan's targets
        ("1.4", "เรื่อง", None, None, [(2569, "1", "ไม่เกิน"), (2570, "1", "ไม่เกิน")]),
    ]


CAPTIONS = """<html><body><h1>แผนปฏิบัติการ สพป.แพร่ เขต 1 พ.ศ. 2568 - 2570</h1>
<table><caption>ตารางที่ 1 กลยุทธ์ที่ 1 ส่งเสริมการอ่าน</caption>
<tr><th rowspan="2">ตัวชี้วัด</th><th colspan="3">ค่าเป้าหมาย (ร้อยละ)</th></tr>
<tr><th>2568</th><th>2569</th><th>2570</th></tr>
<tr><td>1.1 ร้อยละของนักเรียนที่อ่านคล่อง</td><td>70</td><td>75</td><td>80</td></tr>
</table>
<table><caption>ตารางที่ 2 กลยุทธ์ที่ 2 พัฒนาครู</caption>
<tr><th>ตัวชี้วัด</th><th>ค่าเป้าหมาย 2568/2569/2570</th></tr>
<tr><td>2.1 จำนวนครูที่ผ่านการอบรมสะเต็ม<br>หน่วยนับ : คน</td><td>30/40/50</td></tr>
</table></body></html>"""


def test_strategies_in_captions_units_in_headers_and_years_in_one_cell(tmp_path):
    p = tmp_path / "pre1.html"
    p.write_text(CAPTIONS, encoding="utf-8")
    plan = parse_file(p).plan
    assert [(s.number, s.title) for s in plan.strategies] == [("1", "ส่งเสริมการอ่าน"), ("2", "พัฒนาครู")]
    rows = [(i.strategy, i.number, i.text, i.unit, [(t.year, t.value) for t in i.targets]) for i in plan.indicators()]
    assert rows == [
        ("1", "1.1", "ร้อยละของนักเรียนที่อ่านคล่อง", "ร้อยละ", [(2568, "70"), (2569, "75"), (2570, "80")]),
        ("2", "2.1", "จำนวนครูที่ผ่านการอบรมสะเต็ม", "คน", [(2568, "30"), (2569, "40"), (2570, "50")]),
    ]


NOTES = (
    "แผนปฏิบัติการ สพป.ลำพูน เขต 1 ปีงบประมาณ 2569 - 2571\n\n"
    "กลยุทธ์ที่ 1 พัฒนาครู\n\n"
    "ตัวชี้วัดที่ 1.1 ร้อยละของครูที่ผ่านการอบรมภาษาอังกฤษ\n"
    "ร้อยละ 60 ในปีงบประมาณ 2569 ร้อยละ 70 ในปี 2570 ส่วนปี 2571 จะกำหนดค่าเป้าหมายภายหลัง (กลุ่มพัฒนาครูฯ)\n\n"
    "ตัวชี้วัดที่ 1.2 จำนวนครูแกนนำวิทยาการคำนวณ\n"
    "ไม่น้อยกว่า 20 คน ในปี 2569 และ 2570 และ 2571\n\n"
    "* ตัวชี้วัด 1.2 กำหนดค่าเป้าหมายเท่ากันทุกปี\n"
)


def test_what_a_plan_notes_about_targets_is_kept_with_the_indicator(tmp_path):
    p = tmp_path / "lpn1n.txt"
    p.write_text(NOTES, encoding="utf-8")
    plan = parse_file(p).plan
    i1, i2 = plan.indicators()
    assert i1.note == "ร้อยละ 60 ในปีงบประมาณ 2569 ร้อยละ 70 ในปี 2570 ส่วนปี 2571 จะกำหนดค่าเป้าหมายภายหลัง"
    assert [(t.year, t.value) for t in i1.targets] == [(2569, "60"), (2570, "70")]
    assert i2.note == "ตัวชี้วัด 1.2 กำหนดค่าเป้าหมายเท่ากันทุกปี"
    assert [(t.year, t.value, t.qualifier) for t in i2.targets] == [(y, "20", "ไม่น้อยกว่า") for y in (2569, 2570, 2571)]
    assert len(plan.indicators()) == 2, "the note line is no indicator of its own"


MD_CAPTIONS = """# แผนพัฒนาการศึกษา สพป.อุทัยธานี เขต 2 พ.ศ. 2568 - 2570

**ตารางที่ 1 กลยุทธ์ที่ 1 ส่งเสริมทักษะอาชีพ**

| ตัวชี้วัด | หน่วยนับ | 2568 | 2569 | 2570 |
|---|---|---|---|---|
| เป้าประสงค์ที่ 1.1 ผู้เรียนมีทักษะอาชีพ | | | | |
| 1.1.1 จำนวนโรงเรียนที่จัดหลักสูตรอาชีพระยะสั้น | โรงเรียน | 10 | 15 | 20 |
"""


def test_a_markdown_caption_and_a_goal_row_of_a_pipe_table(tmp_path):
    p = tmp_path / "uti2.md"
    p.write_text(MD_CAPTIONS, encoding="utf-8")
    plan = parse_file(p).plan
    s = plan.strategy("1")
    assert s.title == "ส่งเสริมทักษะอาชีพ" and [g.text for g in s.goals] == ["ผู้เรียนมีทักษะอาชีพ"]
    assert [(i.number, i.unit, [(t.year, t.value) for t in i.targets]) for i in plan.indicators()] == [
        ("1.1.1", "โรงเรียน", [(2568, "10"), (2569, "15"), (2570, "20")])]


YEARS_IN_CELL = """<html><body><h2>แผนพัฒนาการศึกษา สพป.พะเยา เขต 2 ปีงบประมาณ 2569-2571</h2>
<h3>กลยุทธ์ที่ 1 ยกระดับผลสัมฤทธิ์</h3>
<table>
<tr><th>ที่</th><th>ตัวชี้วัด</th><th>หน่วยนับ</th><th>ค่าเป้าหมายรายปี</th><th>ผู้รับผิดชอบ</th></tr>
<tr><td>1</td><td>ร้อยละของนักเรียนที่ผ่านการประเมินการอ่าน</td><td>ร้อยละ</td>
<td>ปีงบประมาณ 2569 : 72 , ปีงบประมาณ 2570 : 76 , ปีงบประมาณ 2571 : 80</td><td>กลุ่มนิเทศฯ</td></tr>
<tr><td>2</td><td>จำนวนโรงเรียนต้นแบบการสอนวิทยาศาสตร์</td><td>โรงเรียน</td>
<td>ปี ๒๕๖๙ = ๕ / ปี ๒๕๗๐ = ๘ / ปี ๒๕๗๑ = ๑๐</td><td>กลุ่มส่งเสริมการจัดการศึกษา</td></tr>
</table></body></html>
"""


def test_a_target_cell_that_names_its_own_years(tmp_path):
    """A ค่าเป้าหมาย column with no year in its header: each cell says its years itself."""
    p = tmp_path / "py2.html"
    p.write_text(YEARS_IN_CELL, encoding="utf-8")
    plan = parse_file(p).plan
    rows = [(i.number, i.unit, i.responsible, [(t.year, t.value) for t in i.targets]) for i in plan.indicators()]
    assert rows == [
        ("1", "ร้อยละ", "กลุ่มนิเทศฯ", [(2569, "72"), (2570, "76"), (2571, "80")]),
        ("2", "โรงเรียน", "กลุ่มส่งเสริมการจัดการศึกษา", [(2569, "5"), (2570, "8"), (2571, "10")]),
    ]
