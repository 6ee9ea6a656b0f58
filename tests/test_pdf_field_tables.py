"""Field tables (label | value rows, one table per indicator) in a PDF: a LibreOffice PDF
made here from a Word file of our own wording (not the phetchaburi plan's), with cards
broken by a page, read like the Word file; and the units of the join on their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.domain import thai
from assistant.ingest.plans import parse_file
from assistant.ingest.readers.pdf_layout import join_field_tables

# (number, text, unit, baseline, target 2570, target 2571, responsible) in other wording
CARDS = [
    ("1", "ร้อยละของโรงเรียนที่จัดกิจกรรมส่งเสริมนิสัยรักการอ่านทุกสัปดาห์", "ร้อยละ", "64", "72", "80", "กลุ่มนิเทศฯ"),
    ("1", "จำนวนห้องเรียนที่ใช้สื่อดิจิทัลในการสอนคณิตศาสตร์", "ห้อง", "40", "55", "70", "กลุ่มส่งเสริมฯ"),
    ("1", "ร้อยละของนักเรียนที่มีน้ำหนักและส่วนสูงตามเกณฑ์", "ร้อยละ", "81.25", "83.50", "85.00", "กลุ่มส่งเสริมฯ"),
    ("2", "จำนวนครูที่ได้รับการอบรมการวัดผลตามสภาพจริง", "คน", "120", "150", "180", "กลุ่มพัฒนาครูฯ"),
    ("2", "ระดับความพึงพอใจของผู้ปกครองต่อการบริการของสถานศึกษา", "ระดับ", "มาก", "มาก", "มากที่สุด", "กลุ่มอำนวยการ"),
    ("2", "ร้อยละของสถานศึกษาที่รายงานผลการประเมินตนเองตรงเวลา", "ร้อยละ", "90", "95", "100", "กลุ่มนิเทศฯ"),
    ("2", "จำนวนเครือข่ายความร่วมมือกับองค์กรปกครองส่วนท้องถิ่น", "เครือข่าย", "6", "8", "10", "กลุ่มนโยบายและแผน"),
]
STRATEGIES = {"1": "ยกระดับการอ่านและสุขภาวะของนักเรียนประถมศึกษา", "2": "เสริมสร้างครูและภาคีเครือข่ายเพื่อคุณภาพการศึกษา"}


def _docx(path: Path) -> Path:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Garuda", Pt(15)
    doc.add_paragraph("แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. ๒๕๗๐ - ๒๕๗๑ สำนักงานเขตพื้นที่การศึกษาประถมศึกษาน่าน เขต ๑")
    doc.add_paragraph("วิสัยทัศน์")
    doc.add_paragraph("นักเรียนอ่านคล่อง สุขภาพดี ครูเข้มแข็ง ชุมชนร่วมมือ")
    n = {"1": 0, "2": 0}
    for s, title in STRATEGIES.items():
        doc.add_paragraph(f"ยุทธศาสตร์ที่ {s} {title}")
        doc.add_paragraph("ตัวชี้วัดความสำเร็จ")
        for _no, text, unit, base, t70, t71, resp in (c for c in CARDS if c[0] == s):
            n[s] += 1
            doc.add_paragraph(f"ตัวชี้วัดที่ {s}.{n[s]}")
            rows = [("ชื่อตัวชี้วัด", text), ("หน่วยนับ", unit), ("ค่าฐาน ปี 2569", base),
                    ("ค่าเป้าหมาย ปีงบประมาณ 2570", t70), ("ค่าเป้าหมาย ปีงบประมาณ 2571", t71),
                    ("หน่วยงานรับผิดชอบ", resp)]
            t = doc.add_table(rows=len(rows), cols=2)
            t.style = "Table Grid"
            for r, (label, value) in zip(t.rows, rows, strict=True):
                r.cells[0].text, r.cells[1].text = label, value
            doc.add_paragraph("")
    doc.save(path)
    return path


def _records(path: Path):
    plan = parse_file(path).plan
    # (text compared as the scorer does: a space where a cell's line wrapped is no difference)
    return [(i.strategy, thai.squash(i.text), i.unit, i.baseline, i.responsible,
             sorted((t.year, t.value) for t in i.targets if t.kind == "target")) for i in plan.indicators()]


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
                    reason="needs LibreOffice and poppler")
def test_field_tables_broken_by_a_page_read_like_the_word_file(tmp_path):
    from tests.fixtures.make_pdfs import convert

    docx = _docx(tmp_path / "nan1_cards.docx")
    pdf = convert(docx, tmp_path)
    from assistant.ingest.readers import pdf as pdf_reader

    doc = pdf_reader.read("nan1_cards", pdf.read_bytes())
    want = [(s, thai.squash(text), unit, base, resp, [(2570, t70), (2571, t71)]) for s, text, unit, base, t70, t71, resp in CARDS]
    assert _records(docx) == want
    assert _records(pdf) == want
    # the plan is long enough that some card runs over a page (the case this test is for)
    assert doc.repairs.get("field_tables_broken_by_page", 0) >= 1


def _t(*rows):
    return [[(a, None), (b, None)] for a, b in rows]


def test_a_card_broken_by_a_page_is_joined_and_a_broken_label_glued():
    pages = [[("text", "ตัวชี้วัดที่ 1.1"), ("table", _t(("ตัวชี้วัด", "ร้อยละของครู"), ("หน่วยนับ", "ร้อยละ"),
                                                         ("ค่าเป้าหมาย ปี", "70")))],
             [("table", _t(("2570", ""), ("ผู้รับผิดชอบ", "กลุ่มนิเทศ"))), ("text", "ตัวชี้วัดที่ 1.2")]]
    assert join_field_tables(pages) == 1
    rows = pages[0][1][1]
    assert [(a, b) for (a, _), (b, _) in rows] == [("ตัวชี้วัด", "ร้อยละของครู"), ("หน่วยนับ", "ร้อยละ"),
                                                   ("ค่าเป้าหมาย ปี 2570", "70"), ("ผู้รับผิดชอบ", "กลุ่มนิเทศ")]
    assert pages[1] == [("text", "ตัวชี้วัดที่ 1.2")]


def test_the_next_card_at_a_page_top_is_not_joined():
    card = (("ตัวชี้วัด", "จำนวนโรงเรียน"), ("หน่วยนับ", "โรงเรียน"), ("ค่าเป้าหมาย ปี 2570", "5"))
    pages = [[("table", _t(*card))], [("table", _t(*card))]]
    assert join_field_tables(pages) == 0
    # a table of another kind (its first cells no field labels) is not joined either
    pages = [[("table", _t(*card))], [("table", _t(("1", "ร้อยละของครู"), ("2", "จำนวนห้องเรียน")))]]
    assert join_field_tables(pages) == 0
