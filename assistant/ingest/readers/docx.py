"""Word (.docx) → document: headings by style, auto-numbering written into the text,
native tables with gridSpan (column spans) and vMerge (row spans)."""

from __future__ import annotations

import io
import re
import zipfile

from assistant.domain import thai
from assistant.ingest.decoders import text_blocks
from assistant.ingest.document import Block, Document
from assistant.ingest.readers.grid import layout

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


class DocxError(Exception):
    pass


def _fmt(n: int, fmt: str) -> str:
    if fmt == "thaiNumbers":
        return thai.to_thai_digits(str(n))
    if fmt in ("thaiLetters", "thaiCounting"):
        return _THAI_LETTERS[(n - 1) % len(_THAI_LETTERS)]
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "bullet":
        return "•"
    return str(n)


class _Numbering:
    """Counters of Word's automatic numbering: numId → abstract levels → text."""

    def __init__(self, doc):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.count: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for an in root.iter(f"{W}abstractNum"):
            lv = {}
            for lvl in an.iter(f"{W}lvl"):
                il = int(lvl.get(f"{W}ilvl", "0"))
                fmt = _val(lvl.find(f"{W}numFmt")) or "decimal"
                txt = _val(lvl.find(f"{W}lvlText")) or ""
                start = int(_val(lvl.find(f"{W}start")) or 1)
                lv[il] = (fmt, txt, start)
            abstract[an.get(f"{W}abstractNumId")] = lv
        for num in root.iter(f"{W}num"):
            aid = _val(num.find(f"{W}abstractNumId"))
            if aid in abstract:
                self.levels[num.get(f"{W}numId")] = abstract[aid]

    def label(self, num_id: str, ilvl: int) -> str:
        lv = self.levels.get(num_id)
        if not lv or ilvl not in lv:
            return ""
        counts = self.count.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, lv[ilvl][2] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        fmt, txt, _ = lv[ilvl]
        if fmt == "bullet":
            return "•"
        out = txt
        for k in range(ilvl + 1):
            f = lv.get(k, ("decimal", "", 1))[0]
            out = out.replace(f"%{k + 1}", _fmt(counts.get(k, lv.get(k, ("", "", 1))[2]), f))
        return out


def _val(el):
    return None if el is None else el.get(f"{W}val")


def _par_text(p, tabs: bool = False) -> str:
    """A paragraph's text; its tabs kept when ``tabs`` (a tab row typed as a paragraph)."""
    parts = []
    for el in p.iter():
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append("\t" if tabs else " ")
        elif el.tag in (f"{W}br", f"{W}cr"):
            parts.append(" ")
    text = "".join(parts)
    if tabs:
        return "\t".join(re.sub(r" +", " ", c).strip(" ") for c in text.split("\t")).strip(" ")
    return re.sub(r"[ \t]+", " ", text).strip()


def _num_of(numpr) -> tuple[str | None, int]:
    return _val(numpr.find(f"{W}numId")), int(_val(numpr.find(f"{W}ilvl")) or 0)


def _style_numbering(doc) -> dict[str, tuple[str | None, int]]:
    """Numbering that paragraph styles carry ("List Number"), following ``basedOn``."""
    own, based = {}, {}
    for st in doc.styles.element.iter(f"{W}style"):
        sid = st.get(f"{W}styleId")
        numpr = st.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            own[sid] = _num_of(numpr)
        b = st.find(f"{W}basedOn")
        if b is not None:
            based[sid] = _val(b)
    out = {}
    for sid in set(own) | set(based):
        cur, seen = sid, set()
        while cur and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)
        if cur in own:
            out[sid] = own[cur]
    return out


def _list_depth(style: str, num: tuple[str | None, int] | None) -> int | None:
    """A list paragraph's nesting depth: its numbering level (``ilvl`` 0 → 1), or the
    number a list style ends with ("List Bullet 2" → 2); ``None`` for other paragraphs."""
    m = re.match(r"list\b.*?(\d)?$", style.strip(), re.I)
    if not (num and num[0]) and not m:
        return None
    return max(num[1] + 1 if num and num[0] else 1, int(m.group(1)) if m and m.group(1) else 1)


def _heading_level(p, styles) -> int | None:
    ppr = p.find(f"{W}pPr")
    sid = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
    name = styles.get(sid or "", sid or "")
    m = re.search(r"(?:heading|หัวเรื่อง)\s*(\d)", name, re.I)
    return int(m.group(1)) if m else (1 if name.lower() == "title" else None)


def read(doc_id: str, data: bytes) -> Document:
    try:
        from docx import Document as Docx  # python-docx
    except ImportError as e:  # pragma: no cover
        raise DocxError("อ่านไฟล์ .docx ไม่ได้: ยังไม่ได้ติดตั้ง python-docx") from e
    try:
        doc = Docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise DocxError("ไฟล์ .docx เสียหายหรือไม่ใช่ไฟล์ Word") from e
    styles = {s.style_id: s.name for s in doc.styles}
    style_num = _style_numbering(doc)
    numbering = _Numbering(doc)
    out: list[str] = []
    pos = 0
    blocks: list[Block] = []

    def emit(s: str) -> int:
        nonlocal pos
        start = pos
        out.append(s)
        pos += len(s)
        return start

    def walk(children) -> None:
        for child in children:
            if child.tag == f"{W}tbl" and child.find(f".//{W}tc//{W}tbl") is not None:
                # a table used as a frame (its cells hold tables): its content is read in order
                for tr in child.findall(f"{W}tr"):
                    for tc in tr.findall(f"{W}tc"):
                        walk(tc.iterchildren())
            elif child.tag == f"{W}sdt":  # a content control (cover page, form field): its content
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    walk(content.iterchildren())
            else:
                element(child)

    def element(child) -> None:
        if child.tag == f"{W}p":
            text = _par_text(child, tabs=True)
            ppr = child.find(f"{W}pPr")
            numpr = ppr.find(f"{W}numPr") if ppr is not None else None
            sid = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
            num = _num_of(numpr) if numpr is not None else style_num.get(sid or "")
            if num and num[0]:
                label = numbering.label(num[0], num[1])
                if label and text:
                    text = f"{label} {text}"
            if not text:
                return
            start = emit(text + "\n")
            level = _heading_level(child, styles)
            if level:
                blocks.append(Block("heading", start, start + len(text), level=level))
            else:
                new = text_blocks("".join(out), start, start + len(text))
                depth = _list_depth(styles.get(sid or "", sid or ""), num)
                for b in new:
                    b.depth = depth if b.kind in ("item", "heading") else None
                blocks.extend(new)
        elif child.tag == f"{W}tbl":
            rows = []
            open_cells: dict[int, list] = {}  # grid column → the cell a vMerge continues
            tstart = pos
            for tr in child.iter(f"{W}tr"):
                row, col, texts = [], 0, []
                for tc in tr.iter(f"{W}tc"):
                    tcpr = tc.find(f"{W}tcPr")
                    span = int(_val(tcpr.find(f"{W}gridSpan")) or 1) if tcpr is not None else 1
                    vm = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                    txt = " ".join(x for x in (_par_text(p) for p in tc.iter(f"{W}p")) if x)
                    if vm is not None and _val(vm) in (None, "continue") and col in open_cells:
                        open_cells[col][2] += 1
                        texts.append("")
                    else:
                        texts.append(txt)
                        cell = [None, None, 1, span, len(texts) - 1]
                        row.append(cell)
                        if vm is not None:
                            open_cells[col] = cell
                        else:
                            open_cells.pop(col, None)
                    col += span
                # emit the row: cells' text joined by tabs; record each origin cell's span
                starts, p = [], pos
                line = "\t".join(texts)
                for t in texts:
                    starts.append(p)
                    p += len(t) + 1
                for cell in row:
                    cell[0] = starts[cell[4]]
                    cell[1] = cell[0] + len(texts[cell[4]])
                emit(line + "\n")
                rows.append(row)
            if rows:
                grid = layout([[(c[0], c[1], c[2], c[3]) for c in r] for r in rows])
                blocks.append(Block("table", tstart, pos - 1, rows=grid))

    walk(doc.element.body.iterchildren())
    text = "".join(out)
    if not text.strip():
        raise DocxError("ไม่มีข้อความในไฟล์ .docx")
    return Document(doc_id, text, "docx", blocks)
