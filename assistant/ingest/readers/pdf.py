"""PDF → document: text per page from the extractor that reads Thai best, Thai
extraction damage repaired (counts kept), repeated page headers/footers dropped.

Extractors: poppler ``pdftotext -raw`` (keeps Thai words whole; ``-layout`` breaks
stacked marks), pypdf and pdfplumber when installed. Each page's text is repaired, and
the document's blocks carry their page number."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter

from assistant.domain import lexicon, thai
from assistant.ingest.decoders import text_blocks
from assistant.ingest.document import Document
from assistant.ingest.readers import furniture

EXTRACTORS = ("poppler-raw", "pypdf", "pdfplumber", "poppler-layout")
FAST = ("poppler-raw", "pypdf")


class PdfError(Exception):
    pass


def extract(data: bytes, method: str) -> list[str]:
    """Text of each page with one extractor."""
    if method.startswith("poppler"):
        exe = shutil.which("pdftotext")
        if not exe:
            raise PdfError("ไม่พบโปรแกรม pdftotext (poppler-utils)")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            flag = "-raw" if method == "poppler-raw" else "-layout"
            r = subprocess.run([exe, flag, "-enc", "UTF-8", f.name, "-"], capture_output=True, timeout=120)
        if r.returncode != 0:
            raise PdfError("ไฟล์ PDF เสียหายหรือเปิดไม่ได้")
        pages = r.stdout.decode("utf-8", "replace").split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    import io

    if method == "pypdf":
        import pypdf

        try:
            return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages]
        except Exception as e:  # pypdf raises many kinds on damaged files
            raise PdfError("ไฟล์ PDF เสียหายหรือเปิดไม่ได้") from e
    if method == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [p.extract_text() or "" for p in pdf.pages]
    raise ValueError(method)


def available(methods=FAST) -> list[str]:
    out = []
    for m in methods:
        if m.startswith("poppler"):
            if shutil.which("pdftotext"):
                out.append(m)
            continue
        try:
            __import__(m)
            out.append(m)
        except ImportError:
            pass
    return out


def score(pages: list[str]) -> float:
    """Share of Thai tokens the dictionary knows, after repair (higher reads better)."""
    text, _ = thai.repair("\n".join(pages))
    toks = [t for t in thai.tokenize(text) if re.fullmatch(r"[ก-๙]+", t)]
    if not toks:
        return 0.0
    words = thai._dictionary()
    return sum(t in words for t in toks) / len(toks)


def _furniture_key(line: str) -> str:
    return furniture.key(line)


def _furniture(pages: list[str]) -> set[str]:
    return furniture.repeated(pages)


def read(doc_id: str, data: bytes, method: str | None = None) -> Document:
    if not data.startswith(b"%PDF"):
        raise PdfError("ไฟล์นี้ไม่ใช่ PDF (ไม่มีส่วนหัว %PDF)")
    methods = [method] if method else available()
    if not methods:
        raise PdfError("อ่าน PDF ไม่ได้: ไม่มีโปรแกรมแยกข้อความ (poppler-utils หรือ pypdf)")
    best = None
    for m in methods:
        try:
            pages = extract(data, m)
        except PdfError:
            if len(methods) == 1:
                raise
            continue
        s = score(pages) if len(methods) > 1 else 1.0
        if best is None or s > best[0]:
            best = (s, m, pages)
    if best is None:
        raise PdfError("ไฟล์ PDF เสียหายหรือเปิดไม่ได้")
    _, used, pages = best
    if not "".join(pages).strip():
        raise PdfError("ไฟล์ PDF นี้ไม่มีข้อความให้อ่าน (น่าจะเป็นภาพสแกน) กรุณาแปลงเป็นข้อความด้วยโปรแกรม OCR "
                       "หรือส่งไฟล์ Word/ข้อความต้นฉบับแทน")
    furniture = _furniture(pages)
    patterns = [re.compile(p) for p in lexicon.load().words("plan", "page_furniture")]
    if method is None or method == "poppler-raw":
        laid = _read_laid_out(doc_id, data, furniture, patterns)
        if laid is not None:
            return laid
    repairs: Counter = Counter()
    out, starts, blocks = [], [], []
    pos = 0
    for no, page in enumerate(pages, 1):
        kept = []
        lns = page.splitlines()
        for i, ln in enumerate(lns):
            s = ln.strip()
            edge = i < 3 or i >= len(lns) - 3
            if s and edge and (_furniture_key(s) in furniture
                               or any(p.fullmatch(thai.to_arabic(s)) for p in patterns)):
                repairs["page_furniture"] += 1
                continue
            kept.append(ln.rstrip())
        text, rep = thai.repair("\n".join(kept).strip("\n"))
        repairs.update(rep)
        starts.append(pos)
        body = text + "\n\n"
        out.append(body)
        full = "".join(out)
        blocks += text_blocks(full, pos, pos + len(text), page=no)
        pos += len(body)
    return Document(doc_id, "".join(out), "pdf", blocks, starts, dict(repairs), used)


def _read_laid_out(doc_id: str, data: bytes, furniture: set[str], patterns) -> Document | None:
    """A PDF with ruled tables: text lines and native table blocks (see ``pdf_layout``)."""
    from assistant.ingest.document import Block, Cell
    from assistant.ingest.readers import pdf_layout
    from assistant.ingest.segment import is_heading

    def keep(page_no, i, n, text):
        s = text.strip()
        edge = i < 2 or i >= n - 2
        return not (edge and (_furniture_key(s) in furniture
                              or any(p.fullmatch(thai.to_arabic(s)) for p in patterns)))

    got = pdf_layout.read_pages(data, keep, thai.repair, is_heading)
    if got is None:
        return None
    pages, repairs = got
    out: list[str] = []
    pos = 0
    blocks: list[Block] = []
    starts: list[int] = []

    def emit(s: str) -> int:
        nonlocal pos
        start = pos
        out.append(s)
        pos += len(s)
        return start

    for no, items in enumerate(pages, 1):
        starts.append(pos)
        for kind, x in items:
            if kind == "blank":
                emit("\n")
                continue
            if kind == "text":
                a = emit(x + "\n")
                blocks += text_blocks("".join(out), a, a + len(x), page=no)
                continue
            tstart = pos
            spans: dict[tuple[int, int], tuple[int, int]] = {}
            rows = []
            for i, row in enumerate(x):
                cells, line_start = [], pos
                texts = [t for t, _ in row]
                p0 = line_start
                for j, t in enumerate(texts):
                    spans[(i, j)] = (p0, p0 + len(t))
                    p0 += len(t) + 1
                emit("\t".join(texts) + "\n")
                for j, (_, origin) in enumerate(row):
                    if origin:
                        a, b = spans.get(origin, (line_start, line_start))
                        cells.append(Cell(a, b, origin))
                    else:
                        a, b = spans[(i, j)]
                        cells.append(Cell(a, b))
                rows.append(cells)
            blocks.append(Block("table", tstart, pos - 1, page=no, rows=rows, continues=kind == "table-cont"))
        emit("\n")
    return Document(doc_id, "".join(out), "pdf", blocks, starts, repairs, "poppler-bbox+pdfplumber")
