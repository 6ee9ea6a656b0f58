"""The proposal document an office accepts: digits, references, the plan's own evidence,
document properties, persisted drafts; and the render check (LibreOffice -> PDF ->
pdftotext/pdftoppm): every page carries content and a page number, and no page before
the last is left more than half empty by a table moving on.

The render tests need Debian packages libreoffice-writer, poppler-utils and
fonts-thai-tlwg (skipped without them) and are marked integration (LibreOffice is slow).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import subprocess

import pytest
from docx import Document

from assistant.domain import thai
from assistant.proposals.docx import FONT, docx_text, render_docx
from assistant.proposals.draft import (
    Proposal,
    build_proposal,
    get_aligner,
    render_markdown,
    source_lines,
)
from tests.conftest import DOC_000, DOC_002

TODAY = dt.date(2025, 1, 1)
HALF = 0.5  # a page before the last must be filled at least this far down
ARABIC = re.compile(r"[0-9]")
THAI_DIGIT = re.compile(r"[๐-๙]")


@pytest.fixture(scope="module")
def lexical(built_index):
    from assistant.service import Assistant

    return Assistant(built_index, hybrid=False)


def _draft(a, idea, office, year=None, thai_digits=False) -> Proposal:
    aligner = get_aligner(a)
    return build_proposal(aligner.align(idea, office), aligner, year, today=TODAY, thai_digits=thai_digits)


@pytest.fixture(scope="module")
def fire(lexical):
    return _draft(lexical, "ซ้อมอพยพหนีไฟ", "สพป.เชียงใหม่ เขต 6", 2568)


@pytest.fixture(scope="module")
def trang(lexical):
    # Trang's plan prints its 2561 results next to the 2562 targets
    return _draft(lexical, "น้อมนำศาสตร์พระราชาสู่สถานศึกษา", "สพป.ตรัง เขต 2", None, thai_digits=True)


# ---------------------------------------------------------------- the document's content


def test_prior_results_and_responsible_unit_from_the_plan(trang, texts):
    assert trang.fiscal_year == 2562 and trang.doc_id == DOC_002
    tl = trang.targets[0]
    assert tl.indicator == "ตัวชี้วัดที่ 1"
    assert [(t.year, t.kind, t.value) for t in tl.prior] == [(2561, "result", "100")]
    assert tl.prior_display == "ผลการดำเนินงานปี 2561: ร้อยละ 100"
    quote = trang.citations[tl.ref - 1].quote
    assert texts[DOC_002][trang.citations[tl.ref - 1].start:trang.citations[tl.ref - 1].end] == quote
    for t in tl.prior:  # the result is inside the cited text
        assert t.span.start >= trang.citations[tl.ref - 1].start and t.span.end <= trang.citations[tl.ref - 1].end
    md = render_markdown(trang)
    assert "แผนรายงานผลการดำเนินงานตามตัวชี้วัด" in md and "ผลการดำเนินงานปี ๒๕๖๑: ร้อยละ ๑๐๐" in md
    assert "[กรอก: ข้อมูลปีที่ผ่านมา]" not in md and "ผลการดำเนินงานในปีที่ผ่านมา]" not in md
    assert "หน่วยงานที่รับผิดชอบตามแผน: นิเทศ" in md  # the unit the plan names for the indicator


def test_without_prior_results_the_teacher_is_asked(fire):
    assert all(not tl.prior for tl in fire.targets)
    assert "[กรอก: สภาพปัญหา ความจำเป็น และข้อมูลพื้นฐานของสถานศึกษา เช่น ผลการดำเนินงานในปีที่ผ่านมา]" in fire.rationale


def test_thai_digits_throughout(trang):
    md = render_markdown(trang)
    assert not ARABIC.search(md), ARABIC.findall(md)[:5]
    assert "ปีงบประมาณ ๒๕๖๒" in md
    text = docx_text(render_docx(trang))
    assert not ARABIC.search(text)


def test_arabic_digits_throughout(fire):
    md = render_markdown(fire)
    # the plan prints "๒๕๖๖ - ๒๕๗๐" in its title and quotes: all Arabic in the draft
    assert not THAI_DIGIT.search(md), THAI_DIGIT.findall(md)[:5]
    assert not THAI_DIGIT.search(docx_text(render_docx(fire)))


def test_references_name_plan_office_and_section(fire):
    lines = source_lines(fire)
    assert lines[0] == "[1] ทิศทางการพัฒนาการศึกษา พ.ศ. 2566 - 2570 ของ สพป.เชียงใหม่ เขต 6, กลยุทธ์ที่ 1"
    text = render_markdown(fire) + docx_text(render_docx(fire))
    assert DOC_000 not in text and "spp-" not in text  # no internal file names
    for line in lines:
        assert line.startswith("[") and thai.to_arabic(fire.plan_title) in line and "สพป.เชียงใหม่ เขต 6" in line


def test_quotes_are_indicator_text_and_target(fire):
    rows = [r for r in docx_text(render_docx(fire)).splitlines() if r.startswith("ตัวชี้วัดและค่าเป้าหมาย")]
    assert rows
    tl = fire.targets[0]
    assert f"\"{tl.text}\" — ค่าเป้าหมายปีงบประมาณ 2568: ร้อยละ 90" in rows[0]
    assert "สภาพ./" not in rows[0] and "(ตรวจสอบ)" not in docx_text(render_docx(fire))


def test_generator_note_only_in_the_document_properties(fire):
    data = render_docx(fire)
    doc = Document(io.BytesIO(data))
    note = fire.headings["note"]
    assert doc.core_properties.comments == note
    assert doc.core_properties.title == fire.title and doc.core_properties.language == "th-TH"
    body = docx_text(data)
    assert "ร่างนี้สร้างจาก" not in body and "ร่างนี้สร้างจาก" not in render_markdown(fire)


def test_page_numbers_and_keep_with_next(fire, trang):
    from docx.oxml.ns import qn

    for p, switch in ((fire, " PAGE "), (trang, " PAGE \\* ThaiArabic ")):
        doc = Document(io.BytesIO(render_docx(p)))
        instr = [e.text for e in doc.sections[0].footer.paragraphs[0]._p.iter(qn("w:instrText"))]
        assert instr == [switch]
    # LibreOffice reads ThaiArabic as Thai letters: its copy has the plain field
    doc = Document(io.BytesIO(render_docx(trang, for_libreoffice=True)))
    assert [e.text for e in doc.sections[0].footer.paragraphs[0]._p.iter(qn("w:instrText"))] == [" PAGE "]
    doc = Document(io.BytesIO(render_docx(fire)))
    heads = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads and all(h.paragraph_format.keep_with_next for h in heads)
    for t in doc.tables:  # header rows repeat and never split
        tr = t.rows[0]._tr.trPr
        assert tr.find(qn("w:tblHeader")) is not None and tr.find(qn("w:cantSplit")) is not None


def test_long_paragraphs_may_run_on_to_the_next_page(fire):
    """A long paragraph kept whole takes its heading with it and leaves the page above
    half empty (session 5: a 9-page draft with page 2 filled to 55%): only short ones are
    kept together; every paragraph has widow/orphan control."""
    from assistant.proposals.docx import SHORT_PARA

    doc = Document(io.BytesIO(render_docx(fire)))
    body = [p for p in doc.paragraphs if not p.style.name.startswith("Heading") and p.text.strip()]
    long = [p for p in body if len(p.text) > SHORT_PARA and p.paragraph_format.keep_together is not None]
    assert long and all(p.paragraph_format.keep_together is False for p in long)
    assert all(p.paragraph_format.widow_control for p in body if p.paragraph_format.keep_together is not None)
    heads = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert all(h.paragraph_format.keep_together for h in heads)


def test_budget_table_is_empty_with_standard_categories(fire):
    doc = Document(io.BytesIO(render_docx(fire)))
    budget = next(t for t in doc.tables if t.rows[0].cells[0].text == "กิจกรรม")
    assert [c.text for c in budget.rows[0].cells] == ["กิจกรรม", "ค่าตอบแทน", "ค่าใช้สอย", "ค่าวัสดุ", "รวม"]
    assert all(c.text == "" for row in budget.rows[1:] for c in row.cells[1:])


def test_draft_round_trips_through_the_state_store(trang, tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from assistant.channels.http.proposals import proposal_router
    from assistant.stores.state import SqliteState

    state = SqliteState(tmp_path / "state.sqlite")
    router = proposal_router(lambda: None, state=state)
    router.drafts.put(trang)
    assert state.get_draft(trang.id)["kind"] == "proposal"
    # a new server process: nothing in memory, the draft comes from the store
    again = proposal_router(lambda: None, state=SqliteState(tmp_path / "state.sqlite"))
    p = again.drafts.get(trang.id)
    assert p == trang and render_markdown(p) == render_markdown(trang)
    app = FastAPI()
    app.include_router(again)
    c = TestClient(app)
    md = c.get(f"/api/proposal/{trang.id}.md")
    assert md.status_code == 200 and md.text == render_markdown(trang)
    assert c.get("/api/proposal/nope.md").json()["error"]["code"] == "unknown_proposal"
    state.put_draft("old", {"kind": "proposal", "draft": {"id": "old"}})  # an unreadable old draft
    assert again.drafts.get("old") is None


def test_api_thai_digits_and_links(lexical, tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from assistant.channels.http.proposals import proposal_router
    from assistant.stores.state import SqliteState

    app = FastAPI()
    app.include_router(proposal_router(lambda: lexical, state=SqliteState(tmp_path / "s.sqlite")))
    c = TestClient(app)
    d = c.post("/api/proposal", json={"idea": "ซ้อมอพยพหนีไฟ", "office": "ชม.6", "year": 2568,
                                      "thai_digits": True}).json()
    assert d["status"] == "draft" and d["markdown"].startswith("# แบบเสนอโครงการ ปีงบประมาณ ๒๕๖๘")
    assert set(d["downloads"]) == {"docx", "pdf", "md"} and d["downloads"]["pdf"].endswith(".pdf")
    r = c.post("/api/proposal", json={"idea": "ซ้อมอพยพหนีไฟ", "office": "ชม.6", "thai_digits": "yes"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"


def test_pdf_without_libreoffice_says_so(trang, monkeypatch):
    from assistant.proposals import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    with pytest.raises(pdf.PdfUnavailable, match="LibreOffice"):
        pdf.render_pdf(trang)


# ---------------------------------------------------------------- the render check


def _pages(pdf) -> list[dict]:
    """Per page: the words above the footer, how far down they reach (share of the
    page height) and the footer's text (the page number)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True,
                         timeout=60).stdout.decode("utf-8")
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        h = float(m[2])
        words = [(float(y0), float(y1), html.unescape(t)) for y0, y1, t in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', m[3])]
        body = [w for w in words if w[0] <= 0.9 * h]
        pages.append({"words": len(body), "bottom": max((w[1] for w in body), default=0.0) / h,
                      "footer": " ".join(w[2] for w in words if w[0] > 0.9 * h)})
    return pages


def _needs_tools():
    if not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"):
        pytest.skip("needs libreoffice-writer and poppler-utils (apt)")


@pytest.mark.integration
@pytest.mark.parametrize("which", ["fire", "trang"])
def test_render_check(which, request, tmp_path):
    _needs_tools()
    from assistant.proposals.pdf import render_pdf

    p = request.getfixturevalue(which)
    pdf = tmp_path / "proposal.pdf"
    pdf.write_bytes(render_pdf(p))
    pages = _pages(pdf)
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        assert page["words"] > 10, (n, page)  # content on every page
        assert page["footer"] == str(n), (n, page)  # and its number
        if n < len(pages):  # no page before the last left more than half empty
            assert page["bottom"] >= HALF, (n, page)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", thai.to_thai_digits(p.headings["document"]) if p.thai_digits
                  else p.headings["document"]) in flat
    if p.thai_digits:
        body = re.sub(r"(?m)^\s*\d+\s*$", "", text)  # page numbers stay Arabic in LibreOffice's PDF
        assert not ARABIC.search(body), ARABIC.findall(body)[:5]
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, timeout=60).stdout.decode()
        assert re.search(r"Sarabun|Laksaman", fonts), fonts
    if shutil.which("pdftoppm"):  # the first page as an image: ink on it, not a blank page
        png = subprocess.run(["pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-gray", "-png", str(pdf)],
                             capture_output=True, check=True, timeout=60).stdout
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 500


def test_docx_names_the_font(fire):
    doc = Document(io.BytesIO(render_docx(fire)))
    assert doc.styles["Normal"].font.name == FONT == "TH Sarabun New"
