"""Columns as spaces (PDF text): a header line naming two or more years, then rows that
end in as many values (``1. ร้อยละของ... ร้อยละ 80 85 90``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from assistant.ingest.columns import column, units, year_of
from assistant.ingest.document import Block, Cell
from assistant.ingest.layouts.base import ITEM_NO
from assistant.ingest.segment import is_heading

NAME = "spaced-columns"
_VALUE = r"(?:[-–]|[0-9๐-๙]+(?:[.,][0-9๐-๙]+)*%?)"
_YEAR_TOKEN = re.compile(r"(?:ปี(?:งบประมาณ)?\s*)?(?:พ\.\s?ศ\.\s*)?[0-9๐-๙]{2,4}")


def _header(ln):
    toks = ln.text.split()
    years = [t for t in toks if _YEAR_TOKEN.fullmatch(t) and year_of(t, True)]
    if len(years) < 2 or "\t" in ln.text or ITEM_NO.match(ln.text):
        return None
    head = ln.text[: ln.text.find(years[0])]
    if column(head).role is None:
        return None
    return [year_of(t, True) for t in years], head


def find(text, lns):
    out = []
    i = 0
    while i < len(lns):
        h = _header(lns[i])
        if not h:
            i += 1
            continue
        years, head = h
        n = len(years)
        tail = re.compile(rf"(?:\s+{_VALUE}){{{n}}}\s*$")
        k = i + 1
        rows = []
        hl = lns[i]
        # the header row: label cell, then one cell per year token
        cells, pos = [Cell(hl.start, hl.start + len(head.rstrip()))], hl.start + len(head)
        for m in re.finditer(r"\S+", hl.text[len(head):]):
            cells.append(Cell(pos + m.start(), pos + m.end()))
        rows.append(cells[: n + 1])
        while k < len(lns) and not is_heading(lns[k].text):
            ln = lns[k]
            m = tail.search(ln.text)
            if not m:
                break
            body = ln.text[: m.start()]
            unit = next((u for u in units() if body.rstrip().endswith(" " + u)), None)
            label_end = ln.start + len(body.rstrip()) - (len(unit) + 1 if unit else 0)
            row = [Cell(ln.start, label_end)]
            if unit:
                row.append(Cell(label_end + 1, label_end + 1 + len(unit)))
            for v in re.finditer(r"\S+", ln.text[m.start():]):
                row.append(Cell(ln.start + m.start() + v.start(), ln.start + m.start() + v.end()))
            rows.append(row)
            k += 1
        if len(rows) >= 2:
            if any(len(r) == n + 2 for r in rows[1:]):  # a unit column: widen the header
                h0 = rows[0][0]
                m = re.search(r"หน่วยนับ|หน่วย", text[h0.start:h0.end])
                if m:  # "ตัวชี้วัด หน่วยนับ 2567 ...": the unit word heads its own column
                    unit_cell = Cell(h0.start + m.start(), h0.start + m.end())
                    rows[0] = [Cell(h0.start, h0.start + len(text[h0.start:h0.start + m.start()].rstrip())),
                               unit_cell] + rows[0][1:]
                else:
                    rows[0] = [h0, Cell(h0.start, h0.end, origin=(0, 0))] + rows[0][1:]
                rows[1:] = [r if len(r) == n + 2 else [r[0], Cell(r[0].end, r[0].end)] + r[1:] for r in rows[1:]]
            out.append((i, k - 1, Block("table", lns[i].start, lns[k - 1].end, rows=rows, decoder=NAME)))
        i = k
    return out


# ---------------------------------------------------------------- columns laid out with spaces
@dataclass
class LaidOut:
    """Text whose tables were laid out in columns of spaces, each table written again as
    tab rows (one line per row, a cell's stacked lines joined, Thai damage repaired):
    the document's text. ``tables`` are the rewritten tables' spans in it."""

    text: str
    tables: list[tuple[int, int]]
    repairs: dict[str, int]


def lay_out(text: str, marks: bool | None = None, skip: set[int] = frozenset()) -> LaidOut | None:
    """Tables in columns of spaces (``pdftotext -layout``) read by position
    (:mod:`assistant.ingest.positional`), ``None`` when the text has none. Lines holding
    tabs are left to the tab-rows decoder. ``marks``: whether a Thai combining mark takes
    a column (``None``: the counting under which the columns line up best). ``skip``: the
    offsets of lines that are page furniture (a table reads on over them)."""
    from assistant.domain import lexicon, thai
    from assistant.ingest import positional

    tls = positional.text_lines(text, marks=marks)
    ghosts = [t for k, t in enumerate(tls) if _ghost(tls, k)]
    for t in reversed(ghosts):  # a mark cluster printed again on a line of its own ("ลื่")
        text = text[:t.start] + "\f" * text[t.start:t.end].count("\f") + text[t.end:]
    if ghosts:
        tls = positional.text_lines(text, marks=marks)
    tls = [t for t in tls if "\t" not in text[t.start:t.end]
           and t.start + len(text[t.start:t.end]) - len(text[t.start:t.end].lstrip("\f")) not in skip]
    stops = tuple(lexicon.load().words("plan", "section_breaks"))
    heading = lru_cache(maxsize=None)(lambda s: is_heading(thai.repair(s)[0]))
    found = positional.find_tables([t.line for t in tls], heading, stops)
    found = [f for f in found if f.rows and "\t" not in text[tls[f.first].start:tls[f.end - 1].end]]
    if not found:
        return None
    out: list[str] = []
    size = 0
    pos = 0
    spans: list[tuple[int, int]] = []
    counts: Counter = Counter({"ghost_lines": len(ghosts)} if ghosts else {})

    def cell(t: str) -> str:
        fixed, rep = thai.repair(re.sub(r"\s+", " ", t).strip())
        counts.update(rep)
        return fixed

    for f in found:
        a, z = tls[f.first].start, tls[f.end - 1].end
        out.append(text[pos:a])
        size += a - pos
        rows = ([[cell(c) for c in f.header]] if f.header else []) + [[cell(c) for c in cells] for _, _, cells in f.rows]
        # a table broken by a page stays one table: its page breaks follow it (the rows
        # after a break cite the page the table starts on)
        lead = text[a:tls[f.first].end].count("\f")  # a table starting a page
        body = "\f" * lead + "\n".join("\t".join(r) for r in rows) + "\f" * (text[a:z].count("\f") - lead)
        spans.append((size, size + len(body)))
        out.append(body)
        size += len(body)
        pos = z
    out.append(text[pos:])
    return LaidOut("".join(out), spans, dict(counts))


def _ghost(tls, k: int) -> bool:
    """A line holding only a cluster of one to three letters with a combining mark that
    the line below or above spells at about the same place (``pdftotext -layout`` prints
    a stacked cluster twice)."""
    w = tls[k].line.words
    if len(w) != 1 or not re.fullmatch(r"[ก-ฮ]{1,3}[ัิ-ฺ็-๎]+[ก-ฮ]?", w[0].text):
        return False
    for j in (k - 1, k + 1):
        if 0 <= j < len(tls) and abs(tls[j].line.top - tls[k].line.top) <= 2 * tls[k].line.em:
            for o in tls[j].line.words:
                at = o.text.find(w[0].text)
                if at >= 0 and o.x0 - 4 <= w[0].x0 <= o.x1:
                    return True
    return False


def mark(doc, laid: LaidOut):
    """The document read from a laid-out text: its rewritten tables name this decoder,
    and the repair counts are the document's."""
    for b in doc.blocks:
        if b.kind == "table" and any(a <= b.start < z for a, z in laid.tables):
            b.decoder = NAME
    doc.repairs = {**doc.repairs, **laid.repairs}
    return doc
