"""The proposal draft as a Word document (.docx): the one module that imports python-docx.

Renders :func:`assistant.proposals.draft.layout` — the same sections and blocks the Markdown
is drawn from — on A4 in the Thai government style: "TH Sarabun New" 16 pt set for
Latin *and* complex script (``w:cs``, which Word and LibreOffice use for Thai), Thai as
the complex-script language, real tables (alignment, PDCA, budget, evaluation) with a
repeated header row, and ``[กรอก: ...]`` places highlighted for the teacher.

Fallback font: the font table lists "TH SarabunPSK" as the alternative name, and on
Linux fontconfig maps both names to Laksaman (fonts-thai-tlwg, metric-compatible), so
a machine without the font still lays the Thai text out correctly.

Layout for print: page numbers centred in the footer (Thai digits when the draft uses
them), headings and the text that introduces a table kept with what follows, table
rows never split and each table's header kept with its first row (a table may run on
to the next page, so no page is left half empty). The generator's note is not in the
body: it is in the document properties (comments).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assistant.proposals.draft import FILL_RE, Proposal, digits, layout, source_lines

FONT = "TH Sarabun New"
FONT_ALT = "TH SarabunPSK"
BODY_PT = 16
TEXT_WIDTH_CM = 16.0  # A4 21 cm less the 3 cm + 2 cm margins
SMALL_PT = 14
SHORT_ROW = 160  # characters: a table row up to this long is never split across pages
SHORT_PARA = 240  # … and a paragraph up to this long (a longer one may run on, so its heading
# and first lines do not leave the rest of a page empty)
HEADINGS = {"Title": 20, "Heading 1": 18, "Heading 2": 16, "Heading 3": 16}
# relative column widths of the tables, by their first header
WIDTHS = {
    "ความสอดคล้อง": (3.8, 10.4, 1.8),
    "ขั้นตอน (PDCA)": (2.8, 7.0, 3.1, 3.1),
    "กิจกรรม": (6.0, 2.5, 2.5, 2.5, 2.5),
    "ตัวชี้วัดความสำเร็จ": (8.0, 4.0, 4.0),
}


def _set_font(rpr, size_pt: float | None = None, bold: bool | None = None) -> None:
    """Set FONT for every script on a run/style property element, dropping theme
    fonts (they would override it), with the complex-script size and language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), "1" if bold else "0")
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size_pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")


def _style(doc, name: str, size: float, bold: bool | None = None) -> None:
    st = doc.styles[name]
    st.font.color.rgb = RGBColor(0, 0, 0)
    _set_font(st.element.get_or_add_rPr(), size, bold)


def _font_table(doc) -> None:
    """Declare FONT (Thai charset) with its alternative name in the font table."""
    try:
        part = next(p for p in doc.part.package.parts if p.partname.endswith("/fontTable.xml"))
    except StopIteration:
        return
    xml = part.blob.decode("utf-8")
    if FONT in xml:
        return
    entry = (f'<w:font w:name="{FONT}"><w:altName w:val="{FONT_ALT}"/><w:charset w:val="DE"/>'
             '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>')
    xml = xml.replace("</w:fonts>", entry + "</w:fonts>")
    part._blob = xml.encode("utf-8")


def _runs(par, text: str, bold: bool = False, size: float | None = None) -> None:
    """Add ``text`` to a paragraph; "[กรอก: ...]" places are highlighted."""
    pos = 0
    for m in FILL_RE.finditer(text):
        if m.start() > pos:
            _run(par, text[pos : m.start()], bold, size)
        r = _run(par, m.group(0), bold, size)
        r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        _run(par, text[pos:], bold, size)


def _run(par, text: str, bold: bool, size: float | None):
    r = par.add_run(text)
    _set_font(r._element.get_or_add_rPr(), size, bold or None)
    return r


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _keep(par, with_next: bool = True, text: str = "") -> None:
    par.paragraph_format.keep_with_next = with_next
    par.paragraph_format.keep_together = len(text) <= SHORT_PARA
    par.paragraph_format.widow_control = True


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _table(doc, columns: list[str], rows: list[list[str]]) -> None:
    t = doc.add_table(rows=1, cols=len(columns))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = WIDTHS.get(columns[0])
    for i, c in enumerate(columns):
        cell = t.rows[0].cells[i]
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(p, c, bold=True, size=SMALL_PT + 1)
        _shade(cell, "D9E2F3")
    _repeat_header(t.rows[0])
    _cant_split(t.rows[0])
    for row in rows:
        r = t.add_row()
        if max((len(v) for v in row), default=0) <= SHORT_ROW:  # a long row may run on to the next page
            _cant_split(r)
        for i, value in enumerate(row):
            r.cells[i].text = ""
            _runs(r.cells[i].paragraphs[0], value, size=SMALL_PT + 1)
    if widths and len(widths) == len(columns):
        _widths(t, [Cm(TEXT_WIDTH_CM * w / sum(widths)) for w in widths])
    doc.add_paragraph()


def _widths(t, widths) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid and layout)."""
    t.autofit = False
    tblpr = t._tbl.tblPr
    layout_el = OxmlElement("w:tblLayout")
    layout_el.set(qn("w:type"), "fixed")
    tblpr.append(layout_el)
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(sum(w.twips for w in widths))))
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(w.twips)))
    for row in t.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = w


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _page_numbers(sec, thai_digits: bool) -> None:
    """A centred PAGE field in the footer. Thai digits: Word's ``\\* ThaiArabic`` switch
    (LibreOffice 7 reads that switch as Thai *letters* ก ข ค, so :func:`render_docx` leaves it
    out for a LibreOffice conversion: the PDF's page numbers are then Arabic). Also tried
    for LibreOffice (session 3, checked with pdftotext): the section's
    ``w:pgNumType w:fmt="thaiNumbers"`` renders Arabic digits (``thaiLetters`` gives ก ข ค),
    and the profile's CTL numerals setting (``CTLTextNumerals``) does not change the PDF."""
    par = sec.footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    parts = [("begin", None), (None, " PAGE \\* ThaiArabic " if thai_digits else " PAGE "), ("separate", None),
             (None, "1"), ("end", None)]
    for kind, text in parts:
        run = _run(par, "", False, SMALL_PT + 1)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._element.append(el)
        elif "PAGE" in text:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._element.append(el)
        else:
            run.text = "๑" if thai_digits else text


def render_docx(p: Proposal, *, for_libreoffice: bool = False) -> bytes:
    """The draft as .docx bytes (``for_libreoffice``: page numbers LibreOffice renders right)."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(2.0)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.0)
    _style(doc, "Normal", BODY_PT)
    for name, size in HEADINGS.items():
        _style(doc, name, size, bold=True)
    for name in ("List Bullet", "List Number"):
        _style(doc, name, BODY_PT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(2)
    normal.line_spacing = 1.0
    _font_table(doc)
    H = p.headings
    props = doc.core_properties
    props.title = digits(p, p.title)
    props.subject = digits(p, H["document"])
    props.language = "th-TH"
    props.author = "planqa"
    props.keywords = f"{p.office}; {p.plan_title}"
    props.comments = digits(p, H["note"])  # the generator's note: here, not in the body
    _page_numbers(sec, p.thai_digits and not for_libreoffice)

    title = doc.add_heading(level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(title, digits(p, H["document"]), bold=True, size=HEADINGS["Heading 1"])
    _keep(title)

    for s in layout(p):
        h = doc.add_heading(level=2)
        _runs(h, s.heading, bold=True, size=HEADINGS["Heading 2"])
        _keep(h)
        for i, b in enumerate(s.blocks):
            before_table = i + 1 < len(s.blocks) and s.blocks[i + 1].kind == "table"
            if b.kind == "para":
                par = doc.add_paragraph()
                _runs(par, b.text)
                _keep(par, before_table, b.text)
            elif b.kind == "note":
                par = doc.add_paragraph()
                _runs(par, b.text, size=SMALL_PT)
                par.paragraph_format.left_indent = Cm(0.5)
                _keep(par, before_table, b.text)
            elif b.kind == "subheading":
                par = doc.add_heading(level=3)
                _runs(par, b.text, bold=True, size=HEADINGS["Heading 3"])
                _keep(par)
            elif b.kind in ("bullets", "numbered"):
                for i, item in enumerate(b.items, 1):
                    par = doc.add_paragraph()
                    par.paragraph_format.left_indent = Cm(1.0)
                    par.paragraph_format.first_line_indent = Cm(-0.6)
                    _runs(par, (digits(p, f"{i}. ") if b.kind == "numbered" else "• ") + item)
            elif b.kind == "table":
                _table(doc, b.columns, b.rows)

    h = doc.add_heading(level=2)
    _runs(h, digits(p, H["sources"]), bold=True, size=HEADINGS["Heading 2"])
    _keep(h)
    for line in source_lines(p):
        par = doc.add_paragraph()
        _runs(par, line, size=SMALL_PT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_text(data: bytes) -> str:
    """All paragraph and table-cell text of a .docx (tests, checks)."""
    doc = Document(io.BytesIO(data))
    parts = [par.text for par in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


__all__ = ["render_docx", "docx_text", "FONT"]
