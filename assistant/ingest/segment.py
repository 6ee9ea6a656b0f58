"""Split plain text (or a stretch of it) into blocks: headings, items, paragraphs.

Tables written as text are found by the decoders (``assistant.ingest.decoders``) first;
this module classifies every other line. Heading words come from the lexicon.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.domain import lexicon, thai
from assistant.ingest.document import Block
from assistant.ingest.layouts.base import BULLET, lines, trim

# "3.1 ", "๑. ", "(2) ", "2) ", "ส่วนที่ 2 " — printed numbering before a heading or item.
NUMBERING = re.compile(r"^[\s#*]*(?:[(（]?([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)[.)）]?(?=\s|[ก-๙])\s*)")
MD_HEADING = re.compile(r"^\s*(#{1,6})\s+")


@lru_cache(maxsize=4)
def heading_words(lex_path=lexicon.DEFAULT_PATH) -> tuple[str, ...]:
    lex = lexicon.load(lex_path)
    keys = ("vision", "missions", "goals", "values", "strategy", "strategic_goals", "guidelines", "indicators")
    words = {w for k in keys for w in lex.words("plan", k)}
    return tuple(sorted(words, key=len, reverse=True))


def heading_word(text: str) -> str | None:
    """The lexicon heading word ``text`` starts with (after numbering and markup)."""
    s = thai.clean(text).lstrip("#*•-– ")
    m = NUMBERING.match(s)
    if m and m.group(1):
        s = s[m.end():]
    s = s.lstrip("*: ")
    for w in heading_words():
        if s.startswith(w):
            return w
    return None


def is_heading(text: str) -> bool:
    s = thai.one_line(text)
    if MD_HEADING.match(text):
        return True
    w = heading_word(s)
    if not w:
        return False
    rest = s.split(w, 1)[1]
    # "กลยุทธ์ที่ 2 ...", "วิสัยทัศน์", "ตัวชี้วัด:", "วิสัยทัศน์ : text" — not a sentence using the word
    return len(s) <= 160 and (not rest.strip(" :*") or re.match(r"\s*(?:ที่|[:：]|\(|\s*[0-9๐-๙])", rest) is not None
                              or len(rest) < 60)


def segment(text: str, start: int = 0, end: int | None = None, page: int | None = None) -> list[Block]:
    """Blocks for the lines of ``text[start:end]``; wrapped lines join the block above."""
    end = len(text) if end is None else end
    out: list[Block] = []
    prev_blank = True
    for ln in lines(text[start:end]):
        a, b = trim(text, start + ln.start, start + ln.end)
        if a >= b:
            prev_blank = True
            continue
        raw = text[a:b]
        if raw.strip() == "\f":
            continue
        md = MD_HEADING.match(raw)
        num = NUMBERING.match(raw)
        if md or is_heading(raw):
            level = len(md.group(1)) if md else (num.group(1).count(".") + 1 if num and num.group(1) else 1)
            out.append(Block("heading", a, b, level=level, number=_num(num), page=page))
        elif (num and num.group(1) and re.search(r"[ก-๙A-Za-z]", raw[num.end():])) or BULLET.match(raw):
            bullet = BULLET.match(raw)
            if bullet and not (num and num.group(1)):
                # "- 1.2 <text>": a bullet before printed numbering
                num = NUMBERING.match(raw[bullet.end():])
                num = num if num and num.group(1) and re.search(r"[ก-๙A-Za-z]", raw[bullet.end() + num.end():]) else None
            level = (num.group(1).count(".") + 1) if num and num.group(1) else 1
            if bullet and _indent(text, a) >= 2:
                level += 1  # a nested bullet ("  - หน่วยนับ: ...")
            out.append(Block("item", a, b, number=_num(num), level=level, page=page))
        elif out and not prev_blank and out[-1].kind in ("paragraph", "item") and "\t" not in raw:
            out[-1].end = b  # a wrapped line continues the block above
        else:
            out.append(Block("paragraph", a, b, page=page))
        prev_blank = False
    return out


def _indent(text: str, a: int) -> int:
    """Spaces (a tab counts 4) before offset ``a`` on its line."""
    k = text.rfind("\n", 0, a) + 1
    return len(text[k:a].replace("\t", "    "))


def _num(m) -> str | None:
    return thai.to_arabic(m.group(1)).rstrip(".") if m and m.group(1) else None
