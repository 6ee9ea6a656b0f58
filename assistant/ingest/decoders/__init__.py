"""Decoders: text encodings of tables → table blocks.

Each decoder module has ``NAME`` and ``find(text, lines) -> list[(first, last, Block)]``
(line indexes, inclusive) over the non-blank lines of a stretch of text. Lines no
decoder claims are segmented into headings, items and paragraphs.
"""

from __future__ import annotations

from importlib import import_module

from assistant.ingest.document import Block
from assistant.ingest.layouts.base import Line, lines, trim
from assistant.ingest.segment import segment

DECODERS = (
    "assistant.ingest.decoders.tab_rows",
    "assistant.ingest.decoders.cell_lines",
    "assistant.ingest.decoders.spaced_columns",
)


def decoders():
    return [import_module(n) for n in DECODERS]


def content_lines(text: str, start: int, end: int) -> list[Line]:
    """Non-blank lines of ``text[start:end]`` with absolute, trimmed offsets."""
    out = []
    for ln in lines(text[start:end]):
        a, b = trim(text, start + ln.start, start + ln.end)
        if a < b and text[a:b] != "\f":
            out.append(Line(len(out), a, b, text[a:b]))
    return out


def text_blocks(text: str, start: int = 0, end: int | None = None, page: int | None = None,
                only: tuple[str, ...] | None = None) -> list[Block]:
    """Blocks of a stretch of plain text: decoded tables, then everything else."""
    end = len(text) if end is None else end
    lns = content_lines(text, start, end)
    claimed: list[tuple[int, int, Block]] = []
    for mod in decoders():
        if only is not None and mod.NAME not in only:
            continue
        for first, last, block in mod.find(text, lns):
            if all(last < a or first > b for a, b, _ in claimed):
                block.page = page
                claimed.append((first, last, block))
    claimed.sort(key=lambda t: t[0])
    out: list[Block] = []
    pos = start
    for first, last, block in claimed:
        out += segment(text, pos, lns[first].start, page)
        out.append(block)
        pos = lns[last].end
    out += segment(text, pos, end, page)
    return out
