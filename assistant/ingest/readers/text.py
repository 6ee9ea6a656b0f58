"""Plain text and Markdown → document. The text is kept as it is; Markdown pipe tables
become native table blocks (the ``|---|`` rule row is skipped)."""

from __future__ import annotations

import re

from assistant.ingest.decoders import content_lines, text_blocks
from assistant.ingest.document import Block, Cell, Document
from assistant.ingest.layouts.base import trim

_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


def read_txt(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, "txt", text_blocks(text))


def _pipe_cells(text: str, start: int, end: int) -> list[Cell]:
    s = text[start:end]
    a, b = 0, len(s)
    if s.startswith("|"):
        a = 1
    if s.endswith("|") and b > a:
        b -= 1
    out, pos = [], start + a
    for part in s[a:b].split("|"):
        x, y = trim(text, pos, pos + len(part))
        out.append(Cell(x, y))
        pos += len(part) + 1
    return out


def read_md(doc_id: str, text: str) -> Document:
    lns = content_lines(text, 0, len(text))
    blocks: list[Block] = []
    pos = 0
    i = 0
    while i < len(lns):
        if not lns[i].text.startswith("|"):
            i += 1
            continue
        j = i
        while j < len(lns) and lns[j].text.startswith("|"):
            j += 1
        rows = [_pipe_cells(text, ln.start, ln.end) for ln in lns[i:j] if not _RULE.match(ln.text)]
        if len(rows) >= 2:
            blocks += text_blocks(text, pos, lns[i].start)
            blocks.append(Block("table", lns[i].start, lns[j - 1].end, rows=_square(rows)))
            pos = lns[j - 1].end
        i = j
    blocks += text_blocks(text, pos, len(text))
    return Document(doc_id, text, "md", blocks)


def _square(rows: list[list[Cell]]) -> list[list[Cell]]:
    width = max(len(r) for r in rows)
    return [r + [Cell(r[-1].end, r[-1].end)] * (width - len(r)) for r in rows]
