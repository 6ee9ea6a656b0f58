"""Readers: a document file → :class:`~assistant.ingest.document.Document`
(.txt, .md, .html/.htm, .docx, .pdf).

The document's text is what every span points into. Plain text and Markdown are kept
byte-for-byte (decoded); HTML, DOCX and PDF are turned into text once (tables as one
tab-separated line per row) and that text becomes the document's source text.
``read_text`` (the text only) is kept for callers that need no blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


class ReadError(Exception):
    """Why a file cannot be read; the message is Thai, for the user."""


def read_text(path: Path, max_bytes: int) -> str:
    return read_document(path, max_bytes).text


def read_document(path: Path, max_bytes: int, doc_id: str | None = None, pdf_extractor: str | None = None):
    """Read one file into a document with blocks; :class:`ReadError` says why not."""
    from assistant.ingest.readers import docx, html, pdf, text

    doc_id = doc_id or path.stem
    data = _read_bytes(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            return docx.read(doc_id, data)
        except docx.DocxError as e:
            raise ReadError(str(e)) from e
    if suffix == ".pdf":
        try:
            return pdf.read(doc_id, data, pdf_extractor)
        except pdf.PdfError as e:
            raise ReadError(str(e)) from e
    decoded = _decode(data)
    if not decoded.strip():
        raise ReadError("ไม่มีข้อความในไฟล์")
    if suffix in (".html", ".htm"):
        doc = html.read(doc_id, decoded)
        if not doc.text.strip():
            raise ReadError("ไม่มีข้อความในไฟล์")
        return doc
    if suffix == ".md":
        return text.read_md(doc_id, decoded)
    from assistant.ingest.decoders import spaced_columns

    laid = spaced_columns.lay_out(decoded, skip=_furniture_lines(decoded))  # tables in columns of spaces, as tab rows
    if laid is not None:
        return spaced_columns.mark(text.read_txt(doc_id, laid.text), laid)
    return text.read_txt(doc_id, decoded)


def _furniture_lines(text: str) -> set[int]:
    """Offsets of the running headers and footers at the edges of a text's pages (form
    feeds): a table broken by a page reads on over them."""
    from assistant.ingest.readers import furniture

    if "\f" not in text.strip("\f\n "):
        return set()
    pages = text.split("\f")
    keys, pats = furniture.repeated(pages), furniture.patterns()
    out, pos = set(), 0
    for page in pages:
        lns = [m for m in re.finditer(r"[^\n]+", page) if m.group().strip()]
        for m in lns[:3] + lns[-3:]:
            if furniture.is_furniture(m.group(), keys, pats):
                out.add(pos + m.start())
        pos += len(page) + 1
    return out


def _read_bytes(path: Path, max_bytes: int) -> bytes:
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
    return data


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
