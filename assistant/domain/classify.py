"""Who and which school levels an indicator concerns, from its own words.

Subject groups: ผู้เรียน, ครู/บุคลากร, ผู้บริหาร, สถานศึกษา, สำนักงานเขต.
School levels: ปฐมวัย, ประถม, มัธยมต้น, มัธยมปลาย (from grade names such as ป.6, ม.3).
"""

from __future__ import annotations

import re

from assistant.domain import thai
from assistant.domain.models import Indicator

GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "ผู้เรียน": ("ผู้เรียน", "นักเรียน", "เด็ก", "ประชากรวัยเรียน", "o-net", "nt", "rt", "pisa", "ผลสัมฤทธิ์"),
    "ครู/บุคลากร": ("ครู", "บุคลากร", "ข้าราชการ"),
    "ผู้บริหาร": ("ผู้บริหาร",),
    "สถานศึกษา": ("สถานศึกษา", "โรงเรียน", "ห้องเรียน"),
    "สำนักงานเขต": ("สำนักงานเขต", "เขตพื้นที่", "สพท", "สพป", "สพม", "หน่วยงาน", "ita"),
}

LEVEL_PATTERNS: dict[str, tuple[str, ...]] = {
    "ปฐมวัย": (r"ปฐมวัย", r"อนุบาล", r"ก่อนประถม"),
    "ประถม": (r"ประถม", r"ป\.\s?[1-6]", r"ชั้น\s?ป\b"),
    "มัธยมต้น": (r"มัธยมศึกษาตอนต้น", r"ม\.\s?[1-3](?![0-9])", r"ม\.ต้น"),
    "มัธยมปลาย": (r"มัธยมศึกษาตอนปลาย", r"ม\.\s?[4-6](?![0-9])", r"ม\.ปลาย"),
}


def groups_of(text: str) -> list[str]:
    s = thai.normalize(text)
    out = []
    for group, words in GROUP_WORDS.items():
        for w in words:
            if w.isascii():
                if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", s):
                    out.append(group)
                    break
            elif w in s:
                # "ครู" must not be found inside "ครุภัณฑ์"; "ผู้บริหาร" also contains no "ครู"
                out.append(group)
                break
    return out


def levels_of(text: str) -> list[str]:
    s = thai.normalize(text)
    out = [lvl for lvl, pats in LEVEL_PATTERNS.items() if any(re.search(p, s) for p in pats)]
    if "มัธยมศึกษา" in s and not any(x in out for x in ("มัธยมต้น", "มัธยมปลาย")) and "ประถม" not in s:
        out += ["มัธยมต้น", "มัธยมปลาย"]
    return out


def classify(indicator: Indicator) -> None:
    """Fill ``groups`` and ``levels`` of an indicator from its text and sub-items."""
    text = " ".join([indicator.text, *indicator.sub_items])
    indicator.groups = groups_of(text)
    indicator.levels = levels_of(text)
