"""Columns as spaces (PDF text): a header line naming two or more years, then rows that
end in as many values (``1. ร้อยละของ... ร้อยละ 80 85 90``)."""

from __future__ import annotations

import re

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
