"""Border-less Word tables printed by LibreOffice (our own wording and figures): indicator
texts wrapped over lines in their cell, a target cell whose qualifier and figure sit on two
lines ("ไม่น้อยกว่า" over "80"), a word target wrapped ("ทุก" over "ห้องเรียน"), and a
table-level responsible note under one table and above the other."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.domain import thai
from assistant.ingest.plans import parse_file

# (strategy, number, text, unit, baseline, targets 2570-2572 as printed)
ROWS = [
    ("1", "1.1", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 6 ที่มีผลการประเมินการอ่านออกเขียนได้ในระดับดีขึ้นไปตามเกณฑ์ของสำนักงาน",
     "ร้อยละ", "58.20", ["ไม่น้อยกว่า\n62", "ไม่น้อยกว่า\n66", "ไม่น้อยกว่า\n70"]),
    ("1", "1.2", "จำนวนห้องเรียนที่จัดกิจกรรมการเรียนรู้ด้วยโครงงานวิทยาศาสตร์และเทคโนโลยีอย่างต่อเนื่องตลอดปีการศึกษา",
     "ห้อง", "44", ["50", "56", "ทุก\nห้องเรียน"]),
    ("2", "2.1", "อัตราการขาดเรียนเกินเกณฑ์ของนักเรียนในโรงเรียนขนาดเล็ก",
     "ร้อยละ", "3.50", ["ไม่เกิน\n3", "ไม่เกิน\n2.5", "ไม่เกิน\n2"]),
    ("2", "2.2", "ระดับความพึงพอใจของผู้ปกครองต่อการบริการรับส่งนักเรียนของโรงเรียนเครือข่ายในพื้นที่สูง",
     "ระดับ", "ปานกลาง", ["มาก", "มาก", "มากที่\nสุด"]),
    ("2", "2.3", "จำนวนโรงเรียนที่จัดระบบรถรับส่งนักเรียนอย่างปลอดภัย",
     "โรงเรียน", "9", ["12", "15", "ทุก\nโรงเรียนในสังกัด"]),
]
STRATEGIES = {"1": "ยกระดับทักษะพื้นฐานของผู้เรียนประถมศึกษา", "2": "ลดความเหลื่อมล้ำในการเข้าถึงการศึกษา"}
RESPONSIBLE = {"1": "กลุ่มส่งเสริมการจัดการศึกษา", "2": "กลุ่มนโยบายและแผน"}


def _docx(path: Path) -> Path:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Garuda", Pt(14)
    doc.add_paragraph("แผนพัฒนาการศึกษา ระยะ 3 ปี (พ.ศ. 2570 - 2572) สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตาก เขต 2")
    doc.add_paragraph("วิสัยทัศน์")
    doc.add_paragraph("ผู้เรียนอ่านคล่อง คิดเป็น เข้าถึงการศึกษาอย่างทั่วถึง")
    widths = [Cm(5.5), Cm(1.8), Cm(1.8), Cm(1.9), Cm(1.9), Cm(1.9)]
    for s, title in STRATEGIES.items():
        doc.add_paragraph(f"ยุทธศาสตร์ที่ {s} {title}")
        doc.add_paragraph("ตัวชี้วัดและค่าเป้าหมาย")
        note = "ผู้รับผิดชอบ : " if s == "1" else "หน่วยงานที่รับผิดชอบหลัก: "
        if s == "2":  # the note above the table
            doc.add_paragraph(note + RESPONSIBLE[s])
        rows = [r for r in ROWS if r[0] == s]
        t = doc.add_table(rows=2 + len(rows), cols=6)  # the default table style has no borders
        t.autofit = False
        head = t.rows[0].cells
        for j, label in enumerate(["ตัวชี้วัด", "หน่วยนับ", "ค่าฐาน (ปี 2569)"]):
            head[j].merge(t.rows[1].cells[j]).text = label
        head[3].merge(head[5]).text = "ค่าเป้าหมาย"
        for j, y in enumerate(["2570", "2571", "2572"], 3):
            t.rows[1].cells[j].text = y
        for r, (_s, no, text, unit, base, targets) in zip(t.rows[2:], rows, strict=True):
            for j, v in enumerate([f"{no} {text}", unit, base, *targets]):
                r.cells[j].text = v
        for row in t.rows:
            for j, c in enumerate(row.cells):
                c.width = widths[j]
        if s == "1":  # notes under the table, then the responsible note
            doc.add_paragraph("หมายเหตุ ค่าฐานปี 2569 ใช้ผลการประเมินของสำนักงานเขตพื้นที่การศึกษา")
            doc.add_paragraph(note + RESPONSIBLE[s])
        doc.add_paragraph("แนวทางการดำเนินงาน")
        doc.add_paragraph(f"1) ส่งเสริมการดำเนินงานตามยุทธศาสตร์ที่ {s} ในโรงเรียนทุกขนาดอย่างต่อเนื่อง")
    doc.save(path)
    return path


def _records(path: Path):
    plan = parse_file(path).plan
    # (texts and words compared as the scorer does: a space where a cell's line wrapped is no difference)
    return [(i.strategy, i.number, thai.squash(i.text), i.unit, i.baseline, i.responsible,
             sorted((t.year, t.value.replace(" ", ""), t.qualifier) for t in i.targets if t.kind == "target")) for i in plan.indicators()]


def _want():
    out = []
    for s, no, text, unit, base, targets in ROWS:
        ts = []
        for y, v in zip((2570, 2571, 2572), targets, strict=True):
            first, _, rest = v.partition("\n")
            qual = first if first in ("ไม่น้อยกว่า", "ไม่เกิน") else None
            ts.append((y, rest if qual else v.replace("\n", ""), qual))
        out.append((s, no, thai.squash(text), unit, base, RESPONSIBLE[s], ts))
    return out


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
                    reason="needs LibreOffice and poppler")
def test_wrapped_cells_qualifiers_and_table_notes_in_a_borderless_libreoffice_pdf(tmp_path):
    from tests.fixtures.make_pdfs import convert

    docx = _docx(tmp_path / "tak2_wrapped.docx")
    pdf = convert(docx, tmp_path)
    assert _records(docx) == _want()
    assert _records(pdf) == _want()


def test_a_word_wider_than_its_centred_value_column_goes_where_its_centre_is():
    from assistant.ingest.readers.pdf_columns import Columns
    from assistant.ingest.readers.pdf_layout import Word

    # text | unit | target 2570 | target 2571 (a narrow blank band before each column)
    cols = Columns([float("-inf"), 230.0, 280.0, 330.0], None, [2, 3], [(230.0, 245.0), (280.0, 299.0), (330.0, 332.0)])
    assert cols.of(Word(324.0, 0, 362.0, 10, "ห้องเรียน")) == 3  # under "ทุก" in 2571, starting left of it
    assert cols.of(Word(300.0, 0, 328.0, 10, "ไม่เกิน")) == 2  # a value of 2570 stays
    assert cols.of(Word(276.0, 0, 310.0, 10, "ครั้ง")) == 1  # a unit column word is no value column's
    assert cols.of(Word(331.0, 0, 350.0, 10, "12")) == 3
