"""Table column vocabulary: what a header cell means (role and year), from the lexicon."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.domain import lexicon, thai

ROLES = ("strategy", "indicators", "guidelines", "target", "baseline", "result", "unit", "responsible",
         "source", "number")


@dataclass(frozen=True)
class Column:
    role: str | None  # one of ROLES, None when not understood
    year: int | None = None
    label: str = ""
    years: tuple[int, ...] = ()  # every year one header cell names ("ค่าเป้าหมาย 2568/2569/2570")


def years_in(label: str) -> tuple[int, ...]:
    """The years one header cell lists (``2568/2569/2570``, ``2568, 2569``, ``2568 - 2570``):
    two or more, else ``()``."""
    s = thai.to_arabic(thai.one_line(label))
    found = [int(y) for y in _YEAR4.findall(s)]
    if len(found) == 2 and re.search(rf"{found[0]}\s*[-–]\s*{found[1]}", s) and 0 < found[1] - found[0] <= 10:
        return tuple(range(found[0], found[1] + 1))
    return tuple(found) if len(found) >= 2 and found == sorted(set(found)) else ()


@lru_cache(maxsize=4)
def _words(lex_path=lexicon.DEFAULT_PATH) -> tuple[tuple[str, str], ...]:
    lex = lexicon.load(lex_path)
    pairs = [(w, r) for r in ROLES for w in lex.words("plan", r)]
    return tuple(sorted(pairs, key=lambda t: len(t[0]), reverse=True))


@lru_cache(maxsize=4)
def units(lex_path=lexicon.DEFAULT_PATH) -> tuple[str, ...]:
    return tuple(sorted(lexicon.load(lex_path).words("plan", "units"), key=len, reverse=True))


_YEAR4 = re.compile(r"(?<!\d)(25[4-9]\d)(?!\d)")
_YEAR2 = re.compile(r"(?:ปีงบประมาณ|ปีการศึกษา|ปีงบ|พ\.\s?ศ\.|ปี)\s*(?:พ\.\s?ศ\.)?\s*(\d{2})(?!\d)")
_BARE2 = re.compile(r"\s*(\d{2})\s*")
_WORD2 = re.compile(r"[^\d]*[ก-๙]\s+(\d{2})\s*")


def year_of(label: str, bare_two_digit: bool = False) -> int | None:
    """The Buddhist Era year a header names: ``2567``, ``๒๕๖๗``, ``ปี 67``, ``ปีงบประมาณ 2568``;
    a bare ``67`` only when ``bare_two_digit`` (a header row of years)."""
    s = thai.to_arabic(thai.one_line(label))
    m = _YEAR4.search(s) or _YEAR2.search(s)
    if not m and bare_two_digit:
        # a bare "68", or a column word with it ("เป้าหมาย 68", "ค่าฐาน 67")
        m = _BARE2.fullmatch(s) or (_WORD2.fullmatch(s) if role_of(s) in ("target", "baseline", "result") else None)
        if m and not 40 <= int(m.group(1)) <= 99:
            m = None
    return thai.be_year(int(m.group(1))) if m else None


def role_of(label: str) -> str | None:
    s = thai.one_line(label)
    for w, r in _words():
        if w in s:
            return r
    return None


def column(label: str, bare_two_digit: bool = False) -> Column:
    year = year_of(label, bare_two_digit)
    role = role_of(label)
    if year is not None and role in (None, "number"):
        role = "target"
    if role == "indicators" and year is not None:
        role = "target"
    return Column(role, year, thai.one_line(label))


def is_header_label(label: str) -> bool:
    """A cell that can only be a header: a column word or a year, and short."""
    s = thai.one_line(label)
    if not s or len(s) > 40:
        return False
    if re.fullmatch(r"[0-9๐-๙]{2}", s):
        return True
    if re.fullmatch(r"[(（]?\s*(?:ปี(?:งบประมาณ|การศึกษา)?\s*)?(?:พ\.\s?ศ\.\s*)?[0-9๐-๙]{2,4}\s*[)）]?", s):
        return year_of(s.strip("()（） "), True) is not None  # "2568", "ปี 68", "(ปี 67)"
    if re.search(r"ที่\s*[0-9๐-๙]", s):  # a numbered heading ("กลยุทธ์ที่ 1 ...")
        return False
    return role_of(s) is not None and not re.match(r"^[0-9๐-๙]+[.)]", s)
