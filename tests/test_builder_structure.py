"""The builder reads what a block is, not one layout: list items nested below an
indicator are its values, year-keyed values in any separator, nested guideline
sub-items belong to their guideline, web page furniture (menus, breadcrumbs, share
lines, footers) is no part of the plan, and a footnote is no indicator. Small documents
written here, own wording and figures."""

from pathlib import Path

import pytest
import yaml

from assistant.ingest.plans import parse_file
from assistant.ingest.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
S5 = ROOT / "eval" / "plans" / "s5"

PAGE = """<html><head><meta charset="utf-8"><title>แผน</title></head><body>
<header><nav><a href="/">หน้าแรก</a> <a href="/plan">แผนงานและงบประมาณ</a></nav></header>
<div class="crumb">หน้าแรก &gt; ข้อมูลหน่วยงาน &gt; แผนงาน</div>
<h2>แผนพัฒนาการศึกษา สพป.พะเยา เขต 2 พ.ศ. 2569 - 2571</h2>
<p>ดาวน์โหลดไฟล์แผน | แชร์ : Facebook</p>
<h3>กลยุทธ์ที่ 1 ส่งเสริมสุขภาวะผู้เรียน</h3>
<h4>ตัวชี้วัด</h4>
<ul>
<li>ตัวชี้วัด 1.1 ร้อยละของนักเรียนที่มีน้ำหนักตามเกณฑ์
  <ul>
    <li>หน่วยนับ ร้อยละ</li>
    <li>ค่าฐาน 71.5 (ปี 2568)</li>
    <li>ค่าเป้าหมาย
      <ul><li>ปี 2569 ไม่น้อยกว่า 74</li><li>2570 — 77</li><li>2571 : 80</li></ul>
    </li>
    <li>ผู้รับผิดชอบ กลุ่มส่งเสริมการจัดการศึกษา</li>
  </ul>
</li>
<li>ตัวชี้วัด 1.2 โรงเรียนที่จัดอาหารกลางวันตามมาตรฐานโภชนาการ
  <ul>
    <li>หน่วยนับ</li>
    <li>ค่าเป้าหมาย
      <ul><li>2569 ทุกโรงเรียน</li><li>2570 ทุกโรงเรียน</li><li>2571 ทุกโรงเรียน</li></ul>
    </li>
  </ul>
</li>
</ul>
<p><small>* ตัวชี้วัดที่ 1.4 ปี 2571 จะกำหนดค่าเป้าหมายภายหลัง</small></p>
<h4>แนวทางการดำเนินงาน</h4>
<ol>
<li>จัดแปลงผักปลอดสารในโรงเรียน
  <ul><li>ให้นักเรียนดูแลแปลงตามชั้นเรียน</li><li>นำผลผลิตเข้าโรงครัว</li></ul>
</li>
<li>ตรวจสุขภาพนักเรียนปีละสองครั้ง</li>
</ol>
<p>ประกาศ ณ วันที่ 1 ตุลาคม 2568</p>
<footer><p>สพป.พะเยา เขต 2 โทร 054-000000</p></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    p = tmp_path_factory.mktemp("page") / "py2.html"
    p.write_text(PAGE, encoding="utf-8")
    return p, parse_file(p)


def test_items_nested_below_an_indicator_are_its_fields_and_yearly_values(page):
    _, res = page
    s = res.plan.strategy("1")
    assert [i.number for i in s.indicators] == ["1.1", "1.2"]
    i1, i2 = s.indicators
    assert i1.text == "ร้อยละของนักเรียนที่มีน้ำหนักตามเกณฑ์"
    assert (i1.unit, i1.baseline, i1.baseline_year, i1.responsible) == ("ร้อยละ", "71.5", 2568, "กลุ่มส่งเสริมการจัดการศึกษา")
    assert [(t.year, t.qualifier, t.value) for t in i1.targets] == [
        (2569, "ไม่น้อยกว่า", "74"), (2570, None, "77"), (2571, None, "80")]
    # an empty หน่วยนับ line: no unit (not the word โรงเรียน of the indicator's text)
    assert i2.unit is None
    assert {t.unit for t in i2.targets} == {"โรงเรียน"}  # the word value names what it counts
    assert [(t.year, t.value) for t in i2.targets] == [(2569, "ทุกโรงเรียน"), (2570, "ทุกโรงเรียน"), (2571, "ทุกโรงเรียน")]


def test_nested_guideline_sub_items_belong_to_their_guideline(page):
    p, res = page
    gs = res.plan.strategy("1").guidelines
    assert [g.text for g in gs] == ["จัดแปลงผักปลอดสารในโรงเรียน", "ตรวจสุขภาพนักเรียนปีละสองครั้ง"]
    quoted = res.document.text[gs[0].span.start:gs[0].span.end]
    assert quoted.startswith("จัดแปลงผักปลอดสารในโรงเรียน") and quoted.endswith("นำผลผลิตเข้าโรงครัว")


def test_web_page_furniture_is_no_part_of_the_plan(page):
    _, res = page
    assert res.plan.title == "แผนพัฒนาการศึกษา สพป.พะเยา เขต 2 พ.ศ. 2569 - 2571"
    texts = [g.text for g in res.plan.guidelines()] + [i.text for i in res.plan.indicators()]
    assert not any("แชร์" in t or "ประกาศ" in t or "โทร" in t or "หน้าแรก" in t for t in texts)
    doc = read_document(page[0], 10**6)
    furniture = [doc.block_text(b) for b in doc.blocks if b.furniture]
    assert any("หน้าแรก" in t for t in furniture) and any("054-000000" in t for t in furniture)
    assert res.office is not None and res.office.name.endswith("พะเยา เขต 2")  # named in the text


def test_a_footnote_about_an_indicator_is_no_indicator(page):
    _, res = page
    assert not any(i.number == "1.4" or "กำหนดค่าเป้าหมาย" in i.text for i in res.plan.indicators())


def test_year_keyed_cells_take_words_and_bars(tmp_path):
    p = tmp_path / "kk.md"
    p.write_text("# แผนปฏิบัติการ สพป.กาฬสินธุ์ เขต 3 ปีงบประมาณ 2569 - 2570\n\n## กลยุทธ์ที่ 1 คุณภาพการศึกษาปฐมวัย\n\n"
                 "| ที่ | ตัวชี้วัด | หน่วยนับ | ค่าเป้าหมาย |\n|---|---|---|---|\n"
                 "| 1 | ระดับคุณภาพการจัดประสบการณ์ของโรงเรียนอนุบาล | ระดับ | ปี 2569 = ปานกลาง / ปี 2570 = ดีเลิศ |\n"
                 "| 2 | ร้อยละของเด็กที่มีพัฒนาการสมวัย | ร้อยละ | 2569 – 88 | 2570 – 90 |\n", encoding="utf-8")
    s = parse_file(p).plan.strategy("1")
    assert [(t.year, t.value) for t in s.indicators[0].targets] == [(2569, "ปานกลาง"), (2570, "ดีเลิศ")]


def test_word_list_levels_make_sub_items_not_guidelines(tmp_path):
    from docx import Document

    d = Document()
    d.add_paragraph("แผนปฏิบัติการ สพม.แพร่ ปีงบประมาณ 2569", style="Title")
    d.add_heading("กลยุทธ์ที่ 1 ลดความเหลื่อมล้ำ", level=2)
    d.add_heading("แนวทางการดำเนินงาน", level=3)
    d.add_paragraph("มอบทุนการศึกษาแก่นักเรียนยากจน", style="List Number")
    d.add_paragraph("คัดกรองด้วยระบบ CCT", style="List Number 2")
    d.add_paragraph("จัดหอพักนักเรียนไกลบ้าน", style="List Number")
    p = tmp_path / "pr.docx"
    d.save(p)
    gs = parse_file(p).plan.strategy("1").guidelines
    assert [g.text for g in gs] == ["มอบทุนการศึกษาแก่นักเรียนยากจน", "จัดหอพักนักเรียนไกลบ้าน"]


@pytest.mark.parametrize("name", ["maehongson1_direction_2568-2570.html", "roiet3_actionplan_fy2569-2570.docx"])
def test_session5_plans_read_exactly(name):
    """Session 5's fresh plans read by this builder (the PDF and the pdftotext text are
    asserted with the PDF readers)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_plans", ROOT / "eval" / "score_plans.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    p = S5 / name
    c = mod.score(p, yaml.safe_load((S5 / (p.stem + ".gold.yaml")).read_text(encoding="utf-8")))
    for k in ("targets", "qualifiers", "indicators", "units", "baselines", "responsible", "strategies", "guidelines",
              "vision", "office"):
        assert c[k + "_ok"] == c[k], (name, k, c[k + "_ok"], c[k])


def test_markdown_list_indentation_nests_sub_items(tmp_path):
    p = tmp_path / "ut1.md"
    p.write_text("# แผนปฏิบัติการ สพป.อุทัยธานี เขต 2 ปีงบประมาณ 2569 - 2570\n\n## กลยุทธ์ที่ 1 ส่งเสริมการอ่าน\n\n"
                 "- ตัวชี้วัด 1.1 ร้อยละของนักเรียนที่อ่านหนังสือครบ 20 เล่มต่อปี\n  - หน่วยนับ: ร้อยละ\n"
                 "  - ค่าเป้าหมาย\n    - 2569: 64\n    - 2570: 68\n\n### แนวทางการดำเนินงาน\n\n"
                 "1. เปิดห้องสมุดช่วงพักกลางวัน\n   - จัดเวรนักเรียนบรรณารักษ์\n2. ยืมหนังสือผ่านแอปพลิเคชัน\n",
                 encoding="utf-8")
    res = parse_file(p)
    s = res.plan.strategy("1")
    assert [(t.year, t.value, t.unit) for t in s.indicators[0].targets] == [(2569, "64", "ร้อยละ"), (2570, "68", "ร้อยละ")]
    assert [g.text for g in s.guidelines] == ["เปิดห้องสมุดช่วงพักกลางวัน", "ยืมหนังสือผ่านแอปพลิเคชัน"]
    assert res.plan.title == "แผนปฏิบัติการ สพป.อุทัยธานี เขต 2 ปีงบประมาณ 2569 - 2570"


CARDS = """<html><body><h1>แผนปฏิบัติการ สพม.สิงห์บุรี อ่างทอง ปีงบประมาณ 2569 - 2570</h1>
<h2>กลยุทธ์ที่ 2 ส่งเสริมอาชีพ</h2>
<table><tr><th>ตัวชี้วัดที่</th><td>2.1 จำนวนนักเรียนที่ได้รับวุฒิบัตรวิชาชีพระยะสั้น</td></tr>
<tr><th>หน่วยนับ</th><td>คน</td></tr><tr><th>ค่าฐาน (ปี 2568)</th><td>210</td></tr>
<tr><th rowspan="2">ค่าเป้าหมาย</th><td>ปี 2569 : อย่างน้อย 240</td></tr><tr><td>ปี 2570 : อย่างน้อย 260</td></tr>
<tr><th>หน่วยงานรับผิดชอบ</th><td>กลุ่มส่งเสริมการจัดการศึกษา</td></tr></table>
<table><tr><th>ตัวชี้วัดที่</th><td>2.2 ระดับความพึงพอใจของสถานประกอบการต่อนักเรียนฝึกงาน</td></tr>
<tr><th>หน่วยนับ</th><td>ระดับ</td></tr><tr><th>เป้าหมายปี 2569</th><td>มาก</td></tr><tr><th>เป้าหมายปี 2570</th><td>มากที่สุด</td></tr></table>
</body></html>"""


def test_a_table_of_labelled_rows_is_one_indicator_card(tmp_path):
    p = tmp_path / "sbat.html"
    p.write_text(CARDS, encoding="utf-8")
    i1, i2 = parse_file(p).plan.strategy("2").indicators
    assert (i1.number, i1.text, i1.unit, i1.baseline, i1.baseline_year, i1.responsible) == (
        "2.1", "จำนวนนักเรียนที่ได้รับวุฒิบัตรวิชาชีพระยะสั้น", "คน", "210", 2568, "กลุ่มส่งเสริมการจัดการศึกษา")
    assert [(t.year, t.qualifier, t.value) for t in i1.targets] == [(2569, "อย่างน้อย", "240"), (2570, "อย่างน้อย", "260")]
    assert (i2.number, i2.unit) == ("2.2", "ระดับ")
    assert [(t.year, t.value) for t in i2.targets] == [(2569, "มาก"), (2570, "มากที่สุด")]


@pytest.mark.parametrize("body", [
    "1.1 ร้อยละของครูที่จัดทำแผนการสอนรายบุคคล ร้อยละ 55, 60 และ 70 ในปีงบประมาณ 2568, 2569 และ 2570 ตามลำดับ\n",
    "1.1 ร้อยละของครูที่จัดทำแผนการสอนรายบุคคล ค่าเป้าหมาย ร้อยละ 55 (2568) ร้อยละ 60 (2569) ร้อยละ 70 (2570)\n",
    "1.1 ร้อยละของครูที่จัดทำแผนการสอนรายบุคคล (หน่วยนับ: ร้อยละ)\n   - ปี 2568 – 55\n   - ปี 2569 – 60\n   - ปี 2570 – 70\n",
])
def test_yearly_figures_in_other_sentence_forms(tmp_path, body):
    p = tmp_path / "cn.md"
    p.write_text("# แผนปฏิบัติการ สพป.ชัยนาท ปีงบประมาณ 2568 - 2570\n\n## กลยุทธ์ที่ 1 พัฒนาครู\n\n### ตัวชี้วัด\n\n" + body,
                 encoding="utf-8")
    (ind,) = parse_file(p).plan.indicators()
    assert (ind.text, ind.unit) == ("ร้อยละของครูที่จัดทำแผนการสอนรายบุคคล", "ร้อยละ")
    assert [(t.year, t.value) for t in ind.targets] == [(2568, "55"), (2569, "60"), (2570, "70")]


def test_figures_and_years_of_different_counts_are_not_paired(tmp_path):
    p = tmp_path / "cn.md"
    p.write_text("# แผนปฏิบัติการ สพป.ชัยนาท ปีงบประมาณ 2568 - 2570\n\n## กลยุทธ์ที่ 1 พัฒนาครู\n\n### ตัวชี้วัด\n\n"
                 "1.1 ร้อยละของครูที่ผ่านการอบรม ร้อยละ 55 และ 60 ในปี 2568, 2569 และ 2570 ตามลำดับ\n", encoding="utf-8")
    (ind,) = parse_file(p).plan.indicators()
    assert not any(t.year == 2568 and t.value == "60" or t.year == 2569 and t.value == "55" for t in ind.targets)


def test_word_tables_inside_a_frame_table_and_content_controls_are_read(tmp_path):
    """A Word table used as a frame (its cell holds the indicator table) and a paragraph
    inside a content control (w:sdt) are read in order, as if they stood in the body."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = Document()
    d.add_paragraph("แผนปฏิบัติการ สพป.ตาก เขต 1 ปีงบประมาณ 2569 - 2570", style="Title")
    head = d.add_heading("กลยุทธ์ที่ 1 ส่งเสริมทักษะชีวิต", level=2)
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    head._p.addprevious(sdt)
    sdt.append(content)
    content.append(head._p)  # the strategy heading lives in a content control
    frame = d.add_table(rows=2, cols=1)
    frame.rows[0].cells[0].text = "ตัวชี้วัดและค่าเป้าหมาย"
    inner = frame.rows[1].cells[0].add_table(rows=2, cols=4)
    for j, h in enumerate(["ตัวชี้วัด", "หน่วยนับ", "2569", "2570"]):
        inner.rows[0].cells[j].text = h
    for j, h in enumerate(["1.1 ร้อยละของนักเรียนที่ว่ายน้ำเป็น", "ร้อยละ", "60", "70"]):
        inner.rows[1].cells[j].text = h
    assert d.element.body.find(qn("w:sdt")) is not None
    p = tmp_path / "tak1.docx"
    d.save(p)
    s = parse_file(p).plan.strategy("1")
    assert s.title == "ส่งเสริมทักษะชีวิต"
    assert [(i.number, i.unit, [(t.year, t.value) for t in i.targets]) for i in s.indicators] == [
        ("1.1", "ร้อยละ", [(2569, "60"), (2570, "70")])]


def test_a_label_and_its_value_in_two_blocks(tmp_path):
    """A definition list (<dt>label</dt><dd>value</dd>): a block that is only a label or a
    year is followed by the value it labels."""
    p = tmp_path / "rn.html"
    p.write_text("<html><body><h1>แผนปฏิบัติการ สพป.ระนอง ปีงบประมาณ 2569 - 2570</h1><h2>กลยุทธ์ที่ 1 ทักษะชีวิต</h2>"
                 "<h3>ตัวชี้วัดที่ 1.1 ร้อยละของนักเรียนที่ว่ายน้ำเพื่อเอาชีวิตรอดได้</h3>"
                 "<dl><dt>หน่วยนับ</dt><dd>ร้อยละ</dd><dt>ค่าฐาน</dt><dd>52.5</dd><dt>ปี 2569</dt><dd>58</dd>"
                 "<dt>ปี 2570</dt><dd>63</dd><dt>ผู้รับผิดชอบ</dt><dd>กลุ่มส่งเสริมการจัดการศึกษา</dd></dl>"
                 "<h3>ตัวชี้วัดที่ 1.2 จำนวนโรงเรียนที่มีสระว่ายน้ำเคลื่อนที่</h3>"
                 "<p><b>หน่วยนับ:</b> โรงเรียน</p><p><b>เป้าหมาย:</b></p>"
                 "<ul><li>ปีงบประมาณ 2569 จำนวน 12</li><li>ปีงบประมาณ 2570 จำนวน 18</li></ul></body></html>",
                 encoding="utf-8")
    i1, i2 = parse_file(p).plan.strategy("1").indicators
    assert (i1.unit, i1.baseline, i1.responsible) == ("ร้อยละ", "52.5", "กลุ่มส่งเสริมการจัดการศึกษา")
    assert [(t.year, t.value) for t in i1.targets] == [(2569, "58"), (2570, "63")]
    assert [(t.year, t.value, t.unit) for t in i2.targets] == [(2569, "12", "โรงเรียน"), (2570, "18", "โรงเรียน")]


def test_number_column_named_with_ti_and_check_mark_columns(tmp_path):
    """A header ``ตัวชี้วัดที่`` over bare numbers is the number column; the text column says
    ตัวชี้วัด along with other words; columns of check marks are the indicator's attributes."""
    p = tmp_path / "ps.md"
    p.write_text("# แผนปฏิบัติการ สพป.ปัตตานี เขต 1 ปีงบประมาณ 2569 - 2570\n\n## กลยุทธ์ที่ 1 ความปลอดภัย\n\n"
                 "| ตัวชี้วัดที่ | ตัวชี้วัดและค่าเป้าหมาย | สพฐ. | สพท. | 2569 | 2570 |\n|---|---|---|---|---|---|\n"
                 "| 1 | ร้อยละของโรงเรียนที่ผ่านเกณฑ์สถานศึกษาปลอดภัย | ✓ |  | 90 | 95 |\n"
                 "| 2 | ร้อยละของนักเรียนที่ได้รับการคัดกรองสุขภาพจิต |  | ✓ | 70 | 80 |\n", encoding="utf-8")
    i1, i2 = parse_file(p).plan.strategy("1").indicators
    assert (i1.number, i1.text, i1.attributes) == ("1", "ร้อยละของโรงเรียนที่ผ่านเกณฑ์สถานศึกษาปลอดภัย", {"สพฐ.": "✓"})
    assert (i2.number, i2.attributes) == ("2", {"สพท.": "✓"})
    assert [(t.year, t.value) for t in i2.targets] == [(2569, "70"), (2570, "80")]


def test_one_table_of_every_strategys_indicators_numbered_in_their_text(tmp_path):
    """One indicator table printed after the strategies' sections, each row's number written
    into its text ("ตัวชี้วัด 2.1 ..."): every row goes to the strategy its number names, its
    text loses the number, and "≥ 80" is the figure 80 with its qualifier."""
    from docx import Document

    d = Document()
    d.add_paragraph("แผนพัฒนาการศึกษา สพป.น่าน เขต 1 ปีงบประมาณ 2569 - 2570", style="Title")
    d.add_heading("ยุทธศาสตร์ที่ 1 ความปลอดภัยของผู้เรียน", level=2)
    d.add_paragraph("จัดอบรมครูแกนนำด้านความปลอดภัย", style="List Bullet")
    d.add_heading("ยุทธศาสตร์ที่ 2 คุณภาพผู้เรียน", level=2)
    d.add_paragraph("ส่งเสริมการอ่านในทุกห้องเรียน", style="List Bullet")
    d.add_heading("ตัวชี้วัดของแผน", level=2)
    rows = [("ตัวชี้วัด", "หน่วยนับ", "พ.ศ. ๒๕๖๙", "ปีงบ 70"),
            ("ตัวชี้วัด 1.1 ร้อยละของโรงเรียนที่มีแผนเผชิญเหตุ", "ร้อยละ", "≥ 80", "≥ 90"),
            ("ตัวชี้วัด ๑.๒ จำนวนอุบัติเหตุของนักเรียน", "ครั้ง", "ไม่เกิน ๖", "ไม่เกิน ๔"),
            ("ตัวชี้วัด 2.1 ร้อยละของนักเรียนที่อ่านคล่อง", "ร้อยละ", "75", "78")]
    t = d.add_table(rows=len(rows), cols=4)
    for r, vals in zip(t.rows, rows, strict=True):
        for c, v in zip(r.cells, vals, strict=True):
            c.text = v
    p = tmp_path / "nan1.docx"
    d.save(p)
    plan = parse_file(p).plan
    s1, s2 = plan.strategy("1"), plan.strategy("2")
    assert [(i.number, i.text) for i in s1.indicators] == [
        ("1.1", "ร้อยละของโรงเรียนที่มีแผนเผชิญเหตุ"), ("1.2", "จำนวนอุบัติเหตุของนักเรียน")]
    assert [(i.number, i.text) for i in s2.indicators] == [("2.1", "ร้อยละของนักเรียนที่อ่านคล่อง")]
    assert [(t.year, t.value, t.qualifier) for t in s1.indicators[0].targets] == [
        (2569, "80", "≥"), (2570, "90", "≥")]
    assert [(t.year, t.value) for t in s2.indicators[0].targets] == [(2569, "75"), (2570, "78")]
