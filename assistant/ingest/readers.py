"""Read a document file into plain text: .txt, .md, .html/.htm, .docx.

The returned text is what every span of the document points into. Plain text is kept
byte-for-byte (decoded); HTML and DOCX are turned into text once, tables as one
tab-separated line per row, and that text becomes the document's source text.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx")


class ReadError(Exception):
    """Why a file cannot be read; the message is Thai, for the user."""


def read_text(path: Path, max_bytes: int) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"ไม่รองรับไฟล์ชนิด '{suffix or 'ไม่มีนามสกุล'}' (รองรับ {', '.join(SUPPORTED)})")
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise ReadError("ไม่พบไฟล์ (ไฟล์อาจถูกลบหรือย้ายระหว่างนำเข้า)") from e
    except IsADirectoryError as e:
        raise ReadError("เป็นโฟลเดอร์ ไม่ใช่ไฟล์เอกสาร") from e
    except OSError as e:
        raise ReadError(f"อ่านไฟล์ไม่ได้ ({e.strerror})") from e
    if len(data) > max_bytes:
        raise ReadError(f"ไฟล์ใหญ่เกินไป ({len(data):,} ไบต์ เกินขีดจำกัด {max_bytes:,} ไบต์)")
    if not data.strip():
        raise ReadError("ไฟล์ว่างเปล่า ไม่มีข้อความ")
    if suffix == ".docx":
        return _docx_text(data)
    text = _decode(data)
    if suffix in (".html", ".htm"):
        text = html_to_text(text)
    if not text.strip():
        raise ReadError("ไม่มีข้อความในไฟล์")
    return text


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ReadError("ไฟล์เป็นข้อมูลไบนารี ไม่ใช่ข้อความ (ถอดรหัสเป็น UTF-8 ไม่ได้)")
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        text = data.decode("cp874")  # Thai Windows code page, common for old Thai files
    except UnicodeDecodeError as e:
        raise ReadError("ถอดรหัสข้อความไม่ได้ (ไม่ใช่ UTF-8 หรือ TIS-620/CP874)") from e
    thai_letters = len(re.findall(r"[ก-ฮ]", text))
    if thai_letters < 20 or thai_letters < 0.2 * len(re.findall(r"[^\W\d_]", text)):
        raise ReadError("ถอดรหัสข้อความไม่ได้ (ไม่ใช่ UTF-8 และไม่ใช่ภาษาไทยแบบ TIS-620/CP874)")
    return text


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    p = _HTMLText()
    p.feed(markup)
    p.close()
    text = "".join(p.parts)
    text = re.sub(r"\n\t", "\n", text)
    text = re.sub(r"[ \r]*\n[ \r]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _docx_text(data: bytes) -> str:
    import io

    try:
        from docx import Document  # python-docx
    except ImportError as e:  # pragma: no cover
        raise ReadError("อ่านไฟล์ .docx ไม่ได้: ยังไม่ได้ติดตั้ง python-docx") from e
    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError("ไฟล์ .docx เสียหายหรือไม่ใช่ไฟล์ Word") from e
    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(_run_text(child))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row:
                        if cell.tag.endswith("}tc"):
                            paras = [_run_text(p).replace("\t", " ") for p in cell.iter() if p.tag.endswith("}p")]
                            cells.append(" ".join(x for x in paras if x))
                    out.append("\t".join(cells))
    text = "\n".join(out)
    if not text.strip():
        raise ReadError("ไม่มีข้อความในไฟล์ .docx")
    return text + "\n"


def _run_text(paragraph) -> str:
    """Text of a Word paragraph element with its tabs and line breaks."""
    parts = []
    for el in paragraph.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "t":
            parts.append(el.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
    return "".join(parts)
