"""Page furniture: running headers, footers and page numbers repeated on every page.

Shared by the PDF reader and the plain-text reader (text extracted from a PDF keeps
its pages apart with form feeds). Furniture lines are left in the text (spans stay
verbatim) but no block is made of them."""

from __future__ import annotations

import re
from collections import Counter

from assistant.domain import lexicon, thai


def key(line: str) -> str:
    """A line compared across pages: digits (page numbers) and spaces ignored."""
    return re.sub(r"\s+", "", re.sub(r"[0-9๐-๙]+", "#", line))


def repeated(pages: list[str]) -> set[str]:
    """Keys of lines at the top or bottom of most pages: headers and footers."""
    if len(pages) < 2:
        return set()
    seen = Counter()
    for p in pages:
        lns = [ln.strip() for ln in p.splitlines() if ln.strip()]
        seen.update({key(x) for x in lns[:2] + lns[-2:]})
    need = max(2, int(0.6 * len(pages) + 0.5))
    return {k for k, v in seen.items() if v >= need}


def patterns() -> list[re.Pattern]:
    return [re.compile(p) for p in lexicon.load().words("plan", "page_furniture")]


def is_furniture(line: str, keys: set[str], pats: list[re.Pattern]) -> bool:
    s = line.strip()
    return bool(s) and (key(s) in keys or any(p.fullmatch(thai.to_arabic(s)) for p in pats))
