"""The one plan builder on layouts not in the corpus (our own small documents)."""

from pathlib import Path

from assistant.ingest.plans import parse_file

PDF_TEXT = """แผนพัฒนาการศึกษา สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสุรินทร์ เขต ๓ พ.ศ. ๒๕๖๗ - ๒๕๗๐

ส่วนที่ 3 ทิศทางการพัฒนา
วิสัยทัศน์
ผู้เรียนมีคุณภาพ ครูมีความสุข ชุมชนมีส่วนร่วม
3.1 ยุทธศาสตร์ที่ ๑ ยกระดับคุณภาพผู้เรียน
ตัวชี้วัด
1. ร้อยละของนักเรียนที่อ่านออกเขียนได้ ปี 2567 = 80 ปี 2568 = 85 ปี 2569 = 90 ปี 2570 = 95
2. ระดับคุณภาพการจัดการศึกษาปฐมวัย ปี 2567 = ดี ปี 2568 = ดีมาก
3.2 ยุทธศาสตร์ที่ ๒ พัฒนาครู
ตัวชี้วัด
1. ร้อยละของครูที่ผ่านการอบรมออนไลน์ ปี ๒๕๖๗ : ๖๐ ปี ๒๕๖๘ : ๗๐
แนวทางการดำเนินงาน
1. จัดอบรมครูแบบออนไลน์ (ผู้รับผิดชอบ: กลุ่มบุคคล)
3.3 ยุทธศาสตร์ที่ ๓ สร้างโอกาส
3.4 ยุทธศาสตร์ที่ ๔ บริหารด้วยธรรมาภิบาล

ลงชื่อ ผู้อำนวยการ สพป.สุรินทร์ เขต ๓
"""


def test_numbered_headings_sentence_targets_and_words(tmp_path):
    p = tmp_path / "sr3.txt"
    p.write_text(PDF_TEXT, encoding="utf-8")
    res = parse_file(p)
    plan = res.plan
    assert [s.number for s in plan.strategies] == ["1", "2", "3", "4"]
    assert plan.strategy("1").title == "ยกระดับคุณภาพผู้เรียน"
    assert plan.vision.text == "ผู้เรียนมีคุณภาพ ครูมีความสุข ชุมชนมีส่วนร่วม"
    i1, i2 = plan.strategy("1").indicators
    assert i1.text == "ร้อยละของนักเรียนที่อ่านออกเขียนได้"
    assert [(t.year, t.value) for t in i1.targets] == [(2567, "80"), (2568, "85"), (2569, "90"), (2570, "95")]
    assert [(t.year, t.value, t.numeric) for t in i2.targets] == [(2567, "ดี", None), (2568, "ดีมาก", None)]
    j = plan.strategy("2").indicators[0]
    assert [(t.year, t.value) for t in j.targets] == [(2567, "60"), (2568, "70")]
    g = plan.strategy("2").guidelines[0]
    assert (g.text, g.responsible) == ("จัดอบรมครูแบบออนไลน์", "กลุ่มบุคคล")
    assert res.office.id == "spp-surin-3" and plan.years == (2567, 2570)


HTML = """<html><body><h1>แผนปฏิบัติการ สพม.นครราชสีมา ปีงบประมาณ พ.ศ. 2568</h1>
<table>
<tr><th rowspan="2">ประเด็นกลยุทธ์</th><th rowspan="2">ตัวชี้วัดความสำเร็จ</th><th rowspan="2">ค่าฐาน</th>
<th colspan="2">ค่าเป้าหมาย (ปีงบประมาณ)</th><th rowspan="2">หน่วยงานรับผิดชอบ</th></tr>
<tr><th>๖๘</th><th>๖๙</th></tr>
<tr><td rowspan="2">ประเด็นกลยุทธ์ที่ 1 ความปลอดภัย</td><td>1. ร้อยละของโรงเรียนที่มีแผนเผชิญเหตุ</td><td>๗๐</td><td>๘๐</td><td>๙๐</td><td>กลุ่มส่งเสริม</td></tr>
<tr><td>2. จำนวนโรงเรียนปลอดยาเสพติด</td><td>-</td><td>๕๐</td><td>๖๐</td><td>กลุ่มส่งเสริม</td></tr>
<tr><td>ประเด็นกลยุทธ์ที่ 2 คุณภาพผู้เรียน</td><td>1. ร้อยละของนักเรียนที่มีทักษะดิจิทัล</td><td>55.5</td><td>60</td><td>65</td><td>กลุ่มนิเทศ</td></tr>
</table></body></html>"""


def test_web_page_with_rowspan_strategy_cell_two_digit_thai_years_and_baseline(tmp_path):
    p = tmp_path / "nm.html"
    p.write_text(HTML, encoding="utf-8")
    res = parse_file(p)
    plan = res.plan
    assert [(s.number, s.title, s.kind) for s in plan.strategies] == [
        ("1", "ความปลอดภัย", "ประเด็นกลยุทธ์"), ("2", "คุณภาพผู้เรียน", "ประเด็นกลยุทธ์")]
    a, b = plan.strategy("1").indicators
    assert (a.text, a.baseline, a.responsible) == ("ร้อยละของโรงเรียนที่มีแผนเผชิญเหตุ", "70", "กลุ่มส่งเสริม")
    assert [(t.year, t.value) for t in a.targets] == [(2568, "80"), (2569, "90")]
    assert b.baseline is None and [(t.year, t.value) for t in b.targets] == [(2568, "50"), (2569, "60")]
    assert plan.strategy("2").indicators[0].baseline == "55.5"
    assert res.office.id == "spm-nakhon-ratchasima"


def test_word_auto_numbering_is_written_into_the_text(tmp_path):
    from docx import Document

    d = Document()
    d.add_paragraph("กลยุทธ์ที่ 1 พัฒนาผู้เรียน")
    d.add_paragraph("แนวทางการดำเนินงาน")
    for text in ("ส่งเสริมการอ่าน", "ส่งเสริมการคิด", "ส่งเสริมการเขียน"):
        d.add_paragraph(text, style="List Number")
    path = tmp_path / "w.docx"
    d.save(path)
    res = parse_file(Path(path))
    gl = res.plan.strategy("1").guidelines
    assert [(g.number, g.text) for g in gl] == [("1", "ส่งเสริมการอ่าน"), ("2", "ส่งเสริมการคิด"), ("3", "ส่งเสริมการเขียน")]
    assert "1. ส่งเสริมการอ่าน" in res.document.text


def test_no_indicators_is_a_warning_not_a_success(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("กลยุทธ์ที่ 1 พัฒนาผู้เรียน\nกลยุทธ์ที่ 2 พัฒนาครู\n", encoding="utf-8")
    res = parse_file(p)
    assert "ไม่พบตัวชี้วัดในเอกสาร" in res.warnings


def test_columns_as_spaces_in_text_from_a_pdf(tmp_path):
    p = tmp_path / "sc.txt"
    p.write_text("กลยุทธ์ที่ 1 พัฒนาผู้เรียน\nตัวชี้วัด หน่วยนับ 2567 2568 2569\n"
                 "1. ร้อยละของนักเรียนที่อ่านคล่อง ร้อยละ 80 85 90\n2. จำนวนโรงเรียนปลอดขยะ โรงเรียน 10 12 -\n"
                 "แนวทางการดำเนินงาน\n1. จัดค่ายการอ่าน\n", encoding="utf-8")
    res = parse_file(p)
    assert res.decoder == "builder:spaced-columns"
    got = [(i.number, i.text, i.unit, [(t.year, t.value) for t in i.targets]) for i in res.plan.indicators()]
    assert got == [("1", "ร้อยละของนักเรียนที่อ่านคล่อง", "ร้อยละ", [(2567, "80"), (2568, "85"), (2569, "90")]),
                   ("2", "จำนวนโรงเรียนปลอดขยะ", "โรงเรียน", [(2567, "10"), (2568, "12")])]
    assert [g.text for g in res.plan.guidelines()] == ["จัดค่ายการอ่าน"]
