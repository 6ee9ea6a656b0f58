"""Plain text and Markdown → document. The text is kept as it is; Markdown pipe tables
become native table blocks (the ``|---|`` rule row is skipped)."""

from __future__ import annotations

import re

from assistant.ingest.decoders import content_lines, text_blocks
from assistant.ingest.document import Block, Cell, Document
from assistant.ingest.layouts.base import trim
from assistant.ingest.readers import furniture

_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


def read_txt(doc_id: str, text: str) -> Document:
    """Plain text; text extracted from a PDF keeps its pages apart with form feeds: each
    page's blocks carry its number, and the running headers, footers and page numbers
    repeated at the top or bottom of the pages make no block."""
    if "\f" not in text.strip("\f\n "):
        return Document(doc_id, text, "txt", text_blocks(text))
    pages = text.split("\f")
    keys, pats = furniture.repeated(pages), furniture.patterns()
    blocks: list[Block] = []
    starts: list[int] = []
    pos = 0
    for no, page in enumerate(pages, 1):
        starts.append(pos)
        lns = [ln for ln in content_lines(text, pos, pos + len(page))]
        edge = {ln.no for ln in lns[:3] + lns[-3:]}
        cut = [ln for ln in lns if ln.no in edge and furniture.is_furniture(ln.text, keys, pats)]
        a = pos
        for ln in cut:
            blocks += text_blocks(text, a, ln.start, page=no)
            a = ln.end
        blocks += text_blocks(text, a, pos + len(page), page=no)
        pos += len(page) + 1
    return Document(doc_id, text, "txt", blocks, starts)


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


_EMPHASIS = re.compile(r"\*\*(?=\S)|(?<=\S)\*\*")
_MARKER = re.compile(r"[-*+•]\s|[0-9๐-๙]+[.)]\s")


def read_md(doc_id: str, text: str) -> Document:
    text = _EMPHASIS.sub(lambda m: " " * len(m.group()), text)  # **bold** is markup: blanked, offsets kept
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
    _list_depths(text, blocks)
    return Document(doc_id, text, "md", blocks)


def _list_depths(text: str, blocks: list[Block]) -> None:
    """Markdown list items get their nesting depth from indentation (an item indented more
    than the one above is nested in it); a heading or table ends the list."""
    stack: list[int] = []
    for b in blocks:
        raw = text[b.start:b.end]
        if b.kind == "table" or b.kind == "heading" and not _MARKER.match(raw):
            stack = []
            continue
        if b.kind not in ("item", "heading"):
            continue
        k = text.rfind("\n", 0, b.start) + 1
        indent = len(text[k:b.start].replace("\t", "    "))
        while stack and indent <= stack[-1]:
            stack.pop()
        stack.append(indent)
        b.depth = len(stack)


def _square(rows: list[list[Cell]]) -> list[list[Cell]]:
    width = max(len(r) for r in rows)
    return [r + [Cell(r[-1].end, r[-1].end)] * (width - len(r)) for r in rows]
