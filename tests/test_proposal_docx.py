"""The proposal draft as .docx: Thai font for complex script, real tables, and (with
LibreOffice + poppler installed) the text that survives a conversion to PDF.

The PDF test needs Debian packages ``libreoffice-writer``, ``poppler-utils`` and
``fonts-thai-tlwg`` (it is skipped without them).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from assistant.domain import thai
from assistant.proposals.docx import FONT, docx_text, render_docx
from assistant.proposals.draft import build_proposal, get_aligner

HEADINGS = ["ชื่อโครงการ", "แผนงาน / ความสอดคล้อง", "หลักการและเหตุผล", "วัตถุประสงค์", "เป้าหมาย",
            "เชิงปริมาณ", "เชิงคุณภาพ", "วิธีดำเนินการ", "ระยะเวลาดำเนินการ", "งบประมาณ", "การประเมินผล",
            "ผลที่คาดว่าจะได้รับ", "ผู้รับผิดชอบโครงการ"]


@pytest.fixture(scope="module")
def draft(built_index):
    from assistant.service import Assistant

    a = Assistant(built_index, hybrid=False)
    aligner = get_aligner(a)
    al = aligner.align("ซ้อมอพยพหนีไฟ", "สพป.เชียงใหม่ เขต 6")
    return build_proposal(al, aligner, 2568, today=dt.date(2025, 1, 1))


@pytest.fixture(scope="module")
def data(draft) -> bytes:
    return render_docx(draft)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_thai_font_for_complex_script(data):
    doc = Document(io.BytesIO(data))
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        rpr = doc.styles[name].element.rPr
        fonts = rpr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:cs")) == FONT, name
        assert fonts.get(qn("w:ascii")) == FONT
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:cstheme")) is None
        assert rpr.find(qn("w:szCs")) is not None
        assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    # every run names the font for Thai too
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r._element.rPr.find(qn("w:rFonts")).get(qn("w:cs")) == FONT for r in runs)
    font_table = next(p for p in doc.part.package.parts if p.partname.endswith("/fontTable.xml"))
    assert FONT.encode() in font_table.blob and b"TH SarabunPSK" in font_table.blob


def test_headings_in_order_and_tables(data, draft):
    doc = Document(io.BytesIO(data))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    found = [next(i for i, h in enumerate(heads) if h.endswith(x)) for x in HEADINGS]
    assert found == sorted(found), heads
    firsts = [t.rows[0].cells[0].text for t in doc.tables]
    assert firsts == ["ความสอดคล้อง", "ขั้นตอน (PDCA)", "กิจกรรม", "ตัวชี้วัดความสำเร็จ"]
    align, pdca, budget, evaluation = doc.tables
    assert len(pdca.rows) - 1 == len(draft.activities)
    assert [r.cells[0].text for r in pdca.rows[1:]][:1] == ["ขั้นวางแผน (Plan)"]
    # budget amounts are left empty for the teacher
    for row in budget.rows[1:]:
        assert [c.text for c in row.cells[1:]] == ["", "", "", ""]
    # the cited indicator and its target are in the alignment and evaluation tables
    t = draft.targets[0]
    assert t.has_value
    cells = " ".join(c.text for r in align.rows for c in r.cells)
    assert t.text in cells and t.display in cells and f"[{t.ref}]" in cells
    assert t.text in " ".join(c.text for r in evaluation.rows for c in r.cells)


def test_docx_has_no_invented_numbers(data, draft):
    text = docx_text(data)
    body = text.split(draft.headings["sources"])[0]
    quoted = thai.to_arabic(" ".join(c.quote + " " + c.section for c in draft.citations))
    for n in re.findall(r"\d+(?:\.\d+)*", thai.to_arabic(body)):
        ok = (n in quoted or n in draft.office or n in draft.idea or 2550 <= float(n) < 2600
              or re.search(rf"(?m)^{re.escape(n)}\.", body) or f"[{n}]" in body)
        assert ok, n


@pytest.mark.integration
def test_docx_survives_libreoffice_pdf(data, draft, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftotext"):
        pytest.skip("needs libreoffice-writer and poppler-utils (apt)")
    src = tmp_path / "proposal.docx"
    src.write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "proposal.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode("utf-8")
    flat = _squash(text)  # pdftotext breaks Thai lines and puts spaces before some vowels
    for h in HEADINGS:
        assert _squash(h) in flat, h
    t = draft.targets[0]
    assert _squash(t.text)[:40] in flat
    assert _squash(t.display) in flat  # "ค่าเป้าหมายปีงบประมาณ 2568: ร้อยละ 90"
    assert _squash(draft.title) in flat
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, timeout=60).stdout.decode()
        assert re.search(r"Sarabun|Laksaman", fonts), fonts
