"""Shared helpers for layout parsers: lines with offsets, trimmed spans, values.

A layout parser is a module with ``NAME: str``, ``detect(text) -> float`` (0..1, how
well the layout fits) and ``parse(doc: SourceDoc) -> Plan``. Parsers read the original
text as it is and record exact spans; they never edit it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.domain import thai
from assistant.domain.models import Span


@dataclass(frozen=True)
class SourceDoc:
    doc_id: str
    text: str

    def span(self, start: int, end: int) -> Span:
        """A span trimmed of surrounding whitespace (spaces, tabs, newlines, NBSP)."""
        start, end = trim(self.text, start, end)
        return Span(self.doc_id, start, end)

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(frozen=True)
class Line:
    no: int  # 0-based line number
    start: int  # offset of first char
    end: int  # offset after last char (newline excluded)
    text: str  # raw text of the line

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t\u00a0\ufeff\u200b")

    @property
    def blank(self) -> bool:
        return not thai.clean(self.text)

    def cells(self) -> list[tuple[int, int, str]]:
        """Tab-separated cells as (start, end, raw text), offsets absolute."""
        out, pos = [], self.start
        for part in self.text.split("\t"):
            out.append((pos, pos + len(part), part))
            pos += len(part) + 1
        return out


def lines(text: str) -> list[Line]:
    out, pos = [], 0
    for no, raw in enumerate(text.split("\n")):
        body = raw[:-1] if raw.endswith("\r") else raw
        out.append(Line(no, pos, pos + len(body), body))
        pos += len(raw) + 1
    return out


_WS_CHARS = " \t\r\n\u00a0\u2007\u202f\u200b\ufeff"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _WS_CHARS:
        start += 1
    while end > start and text[end - 1] in _WS_CHARS:
        end -= 1
    return start, end


# Leading item number: "๑.", "1.", "1.1", "๑)", "(1)" — group 1 is the number as printed.
ITEM_NO = re.compile(r"^\s*[(（]?([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)[.)）]?\s+")
BULLET = re.compile(r"^\s*[•●▪◦\-–*\uf0b7\uf0a7\uf0d8\uf076\uf0fc○■□➢✓]\s*")  # (private-use: Symbol/Wingdings bullets)


def arabic_no(raw: str) -> str:
    """An item number as an Arabic-digit string without trailing dot: ``"๑๒."`` → ``"12"``."""
    return thai.to_arabic(raw).strip().rstrip(".")
