"""Thai text layer: digits, numbers, years, cleaning and tokenising.

This is the only module that imports pythainlp. Cleaning functions never touch the
original text that spans point into; they produce normalised copies for matching,
indexing and display.
"""

from __future__ import annotations

import html
import os
import re
from bisect import bisect_left
from functools import lru_cache

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

NBSP_LIKE = "\u00a0\u2007\u202f\u200b\ufeff"
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_WS = re.compile(r"[ \t\u00a0\u2007\u202f\u200b\ufeff]+")

DIGIT = r"[0-9๐-๙]"
# A number as printed: optional sign, digits with optional thousands commas, decimals.
NUMBER_RE = re.compile(rf"[-−–]?\s?{DIGIT}{{1,3}}(?:,{DIGIT}{{3}})+(?:\.{DIGIT}+)?|[-−–]?\s?{DIGIT}+(?:\.{DIGIT}+)?")


def to_arabic(text: str) -> str:
    """Turn Thai digits (๐–๙) into Arabic digits; everything else unchanged."""
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    return text.translate(_TO_THAI)


def clean(text: str) -> str:
    """Normalised copy for display/matching: HTML tags and entities removed, NBSP and
    runs of spaces/tabs folded to one space, lines stripped. Digits are kept as printed."""
    text = _HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = _WS.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def one_line(text: str) -> str:
    """Like :func:`clean` but also folds newlines: one line of text."""
    return re.sub(r"\s+", " ", clean(text)).strip()


def normalize(text: str) -> str:
    """Index/search form: cleaned, one line, Arabic digits, lower-cased Latin."""
    return to_arabic(one_line(text)).lower()


def squash(text: str) -> str:
    """Comparison key that ignores spaces, dots, digit script and case: ``"ป. 6"`` and
    ``"ป.6"`` and ``"ป๖"`` all become ``"ป6"``."""
    return re.sub(r"[\s.]", "", to_arabic(text)).lower()


def clip(text: str, n: int) -> str:
    """One line of at most ``n`` characters, an ellipsis marking a cut."""
    text = one_line(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def parse_number(raw: str) -> float | None:
    """The number a printed value stands for (``"๘๐"`` → 80.0, ``"-5.20"`` → -5.2,
    ``"1,234"`` → 1234.0); ``None`` for words like ``ดีเยี่ยม`` or ``-``."""
    s = to_arabic(raw).strip().replace("−", "-").replace("–", "-").replace(",", "")
    s = re.sub(r"^-\s+", "-", s)
    try:
        return float(s)
    except ValueError:
        return None


def printed_value(raw: str) -> str:
    """A value as printed, with Thai digits turned Arabic and outer space removed.
    Never rounds: ``"30.30"`` stays ``"30.30"``."""
    return to_arabic(one_line(raw))


# ---------------------------------------------------------------- years

_BE_MIN, _BE_MAX = 2400, 2700
_CE_MIN, _CE_MAX = 1950, 2150


def be_year(n: int) -> int | None:
    """Normalise a year number to Buddhist Era: 2568 → 2568, 2025 → 2568, 68 → 2568."""
    if _BE_MIN <= n <= _BE_MAX:
        return n
    if _CE_MIN <= n <= _CE_MAX:
        return n + 543
    if 0 <= n <= 99:
        return 2500 + n
    return None


_YEAR_PATTERNS = [
    # พ.ศ. 2568 / พ.ศ.๒๕๖๘ / ปีงบประมาณ 2568 / ปีงบ 68 / ปี 68 / ปี พ.ศ. 68 / ค.ศ. 2025
    re.compile(r"(?:ปีงบประมาณ|ปีงบฯ?|งบปี|ปีการศึกษา|ปี)\s*(?:พ\.?\s?ศ\.?)?\s*(\d{2,4})(?!\d)"),
    re.compile(r"พ\.?\s?ศ\.?\s*(\d{2,4})(?!\d)"),
    re.compile(r"(?:ค\.?\s?ศ\.?|fy|FY|year)\s*(\d{2,4})(?!\d)"),
    re.compile(r"(?<![\d.])(2[45]\d\d|20\d\d)(?![\d.])"),
]


def find_years(text: str) -> list[int]:
    """Every year a user wrote, as Buddhist Era, in order of appearance, de-duplicated."""
    s = to_arabic(text)
    found: list[tuple[int, int]] = []
    taken: list[tuple[int, int]] = []
    for pat in _YEAR_PATTERNS:
        for m in pat.finditer(s):
            if any(a <= m.start(1) < b for a, b in taken):
                continue
            y = be_year(int(m.group(1)))
            if y is not None and (len(m.group(1)) != 3):
                found.append((m.start(1), y))
                taken.append((m.start(1), m.end(1)))
    out: list[int] = []
    for _, y in sorted(found):
        if y not in out:
            out.append(y)
    # a range "2566-2570", "66-70", "2566 ถึง 2570" means every year in it
    for m in _YEAR_RANGE.finditer(s):
        a, b = be_year(int(m.group(1))), be_year(int(m.group(2)))
        if a and b and 2550 <= a < b <= a + 10 and len(m.group(1)) == len(m.group(2)):
            span = list(range(a, b + 1))
            i = out.index(a) if a in out else len(out)
            out = out[:i] + span + [y for y in out[i:] if y not in span]
    return out


_YEAR_RANGE = re.compile(r"(?<![\d.])(\d{2}|\d{4})\s*(?:-|–|ถึง|จนถึง)\s*(?:ปี\s*)?(?:พ\.?\s?ศ\.?\s*)?(\d{2}|\d{4})(?![\d.])")


def fiscal_year_of(year_ce: int, month: int) -> int:
    """Thai fiscal year (BE) of a calendar date: October starts the next fiscal year."""
    return year_ce + 543 + (1 if month >= 10 else 0)


# ---------------------------------------------------------------- pythainlp


class WordPrefixes:
    """pythainlp's word dictionary in the form ``newmm`` reads it (``prefixes``), as one
    sorted list of the words searched by bisection. It answers exactly as pythainlp's
    ``Trie`` of the same words, and is built in a sort (~0.05 s) instead of one node object
    per letter (~1.5 s), so the first tokenize of a process is cheap; a tokenize is ~20%
    slower than on the trie."""

    __slots__ = ("_words",)

    def __init__(self, words):
        self._words = sorted({w.strip() for w in words} - {""})  # stripped, as Trie.add

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """Every word of the dictionary that starts at ``start`` in ``text``, shortest first."""
        out, words, lo = [], self._words, 0
        n = len(words)
        for end in range(start + 1, len(text) + 1):
            head = text[start:end]
            lo = bisect_left(words, head, lo)
            if lo == n or not words[lo].startswith(head):
                break  # no word goes on with this head
            if words[lo] == head:
                out.append(head)
        return out

    def __contains__(self, word: str) -> bool:
        i = bisect_left(self._words, word)
        return i < len(self._words) and self._words[i] == word

    def __len__(self) -> int:
        return len(self._words)


@lru_cache(maxsize=1)
def _word_tokenize():
    """pythainlp's ``word_tokenize`` on the bundled dictionary, as :class:`WordPrefixes`
    (built on the first call: a process that never tokenizes never builds it)."""
    from functools import partial

    from pythainlp.tokenize import word_tokenize

    return partial(word_tokenize, custom_dict=WordPrefixes(_dictionary()))


def tokenize(text: str) -> list[str]:
    """Search tokens: pythainlp ``newmm`` words of the normalised text, spaces and
    punctuation dropped, Latin lower-cased, Thai digits Arabic."""
    words = _word_tokenize()(normalize(text), engine="newmm", keep_whitespace=False)
    return [w for w in (w.strip() for w in words) if w and re.search(r"[\wก-๙]", w)]


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Thai function words (pythainlp's bundled stopword list: ไม่, บน, อยู่, ไว้, ผ่าน …)."""
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


@lru_cache(maxsize=1)
def provinces() -> tuple[tuple[str, str, str], ...]:
    """Thai provinces as (Thai name, Thai abbreviation, English name), from pythainlp's
    bundled list, longest Thai name first."""
    from pythainlp.corpus import provinces as _provinces

    rows = {(p["name_th"], p.get("abbr_th") or "", p.get("name_en") or "") for p in _provinces(details=True)}
    return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (small strings: province names)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# ---------------------------------------------------------------- repair of extracted text

# Private-use glyphs of SarabunPSK-style fonts (shifted/low forms) → the real characters.
_PUA = {
    0xF700: "ฐ", 0xF701: "ิ", 0xF702: "ี", 0xF703: "ึ", 0xF704: "ื",
    0xF705: "่", 0xF706: "้", 0xF707: "๊", 0xF708: "๋", 0xF709: "์",
    0xF70A: "่", 0xF70B: "้", 0xF70C: "๊", 0xF70D: "๋", 0xF70E: "์",
    0xF70F: "ญ", 0xF710: "ั", 0xF711: "ํ", 0xF712: "็",
    0xF713: "่", 0xF714: "้", 0xF715: "๊", 0xF716: "๋", 0xF717: "์",
    0xF718: "ุ", 0xF719: "ู", 0xF71A: "ฺ",
}
# Marks that sit on (or under) the consonant before them; never start a word.
MARKS = "ัิีึืฺุู็่้๊๋์ํ"
_FOLLOW = "ะาำๅ"  # following vowels: never start a word
_LEAD = "เแโใไ"  # leading vowels: never end a word


def _dictionary():
    from pythainlp.corpus.common import thai_words

    return thai_words()


def repair_pua(text: str) -> tuple[str, int]:
    n = sum(text.count(chr(c)) for c in _PUA)
    return (text.translate({c: v for c, v in _PUA.items()}) if n else text), n


def repair_sara_am(text: str) -> tuple[str, int]:
    """``ํ`` + ``า`` (and ``ํ`` + tone + ``า``) → ``ำ``; ``า`` + ``ํ`` typed in reverse too."""
    pat = re.compile(r"ํ([่้๊๋]?)า|([่้๊๋]?)าํ")
    n = len(pat.findall(text))
    return (pat.sub(lambda m: (m.group(1) or m.group(2) or "") + "ำ", text) if n else text), n


def repair_detached_marks(text: str) -> tuple[str, int]:
    """Spaces or line breaks put before a mark or a following vowel, or after a leading
    vowel, are removed (``ตัวชีว⏎้ ัด`` → ``ตัวชี้วัด`` needs both this and reordering)."""
    pat = re.compile(rf"(?<=[ก-ฮ{MARKS}])[ \t]*\n?[ \t]*(?=[{MARKS}])|(?<=[ก-ฮ{MARKS}])[ \t]+(?=[{_FOLLOW}])|(?<=[{_LEAD}])[ \t]+(?=[ก-ฮ])")
    n = sum(1 for m in pat.finditer(text) if m.group(0))
    return (pat.sub("", text) if n else text), n


_MARK_AFTER_VOWEL = re.compile(r"([ก-ฮ][ัิีึืุู]?)([ะาๅ])[ \t]?([่้๊๋็์])")


def repair_mark_order(text: str) -> tuple[str, int]:
    """A tone mark after a following vowel (``อา่``) belongs on the consonant (``อ่า``):
    Thai never writes a tone after ``า``."""
    n = len(_MARK_AFTER_VOWEL.findall(text))
    return (_MARK_AFTER_VOWEL.sub(r"\1\3\2", text) if n else text), n


_TONE_AFTER = re.compile(r"([ก-ฮ])([ัิีึื])([ก-ฮ])([่้๊๋์])")
_VOWEL_AFTER = re.compile(r"([ก-ฮ])([่้๊๋])([ก-ฮ])([ัิีึื])")  # ข้นั → ขั้น too
_BOTH_AFTER = re.compile(r"([ก-ฮ])([ก-ฮ])([ัิีึื])([่้๊๋])")  # ตงั้ → ตั้ง: vowel and tone one too late


def repair_tone_order(text: str) -> tuple[str, int]:
    """A tone mark drawn one consonant too late (``ตัวชีว้ัด``, ``ขัน้``) or a vowel one too
    late (``พ้นืฐาน``) is put back where the dictionary knows the result better."""
    words = _dictionary()
    tok = _word_tokenize()
    n = 0

    def known(run: str) -> int:
        return sum(len(t) for t in tok(run, engine="newmm") if t in words)

    def fix(m: re.Match) -> str:
        nonlocal n
        run_start = m.start()
        while run_start > 0 and "ก" <= text[run_start - 1] <= "๙":
            run_start -= 1
        run_end = m.end()
        while run_end < len(text) and "ก" <= text[run_end] <= "๙":
            run_end += 1
        before = text[run_start : m.start()]
        after = text[m.end() : run_end]
        nxt = re.match(r" ([ก-๙]+)", text[run_end:])
        if nxt:  # the word may go on past a stray space ("เลีย้ ง")
            after += nxt.group(1)
        if m.re is _TONE_AFTER:  # ชีว้ → ชี้ว
            moved = m.group(1) + m.group(2) + m.group(4) + m.group(3)
        elif m.re is _BOTH_AFTER:  # ชนั้ → ชั้น
            moved = m.group(1) + m.group(3) + m.group(4) + m.group(2)
        else:  # พ้นื → พื้น
            moved = m.group(1) + m.group(4) + m.group(2) + m.group(3)
        if known(before + moved + after) > known(before + m.group(0) + after):
            n += 1
            return moved
        return m.group(0)

    text = _TONE_AFTER.sub(fix, text)
    text = _VOWEL_AFTER.sub(fix, text)
    text = _BOTH_AFTER.sub(fix, text)
    return text, n


def repair_stray_spaces(text: str) -> tuple[str, int]:
    """A space between two Thai letters is removed where the dictionary knows the joined
    word and does not know one of the two pieces (``เป็ น`` → ``เป็น``)."""
    words = _dictionary()
    tok = _word_tokenize()
    out, n, last = [], 0, 0
    for m in re.finditer(r"(?<=[ก-๙]) (?=[ก-๙])", text):
        left = re.search(r"[ก-๙]+$", text[: m.start()])
        right = re.match(r"[ก-๙]+", text[m.end():])
        if not left or not right:
            continue
        lt = tok(left.group(0), engine="newmm")[-1]
        rt = tok(right.group(0), engine="newmm")[0]
        # the piece after the space may be cut short by the tokenizer ("อ่า นออก"): try prefixes
        heads = [rt] + [right.group(0)[:k] for k in range(1, min(4, len(right.group(0))) + 1)]
        joined = next((h for h in heads if lt + h in words and (lt not in words or h not in words)), None)
        if joined is not None and len(lt + joined) >= 3:
            out.append(text[last : m.start()])
            last = m.end()
            n += 1
    out.append(text[last:])
    return "".join(out), n


def repair(text: str) -> tuple[str, dict[str, int]]:
    """Every repair of Thai extraction damage, in order; the counts of each."""
    report: dict[str, int] = {}
    for name, fn in (("pua", repair_pua), ("sara_am", repair_sara_am),
                     ("detached_marks", repair_detached_marks), ("mark_order", repair_mark_order),
                     ("tone_order", repair_tone_order),
                     ("stray_spaces", repair_stray_spaces)):
        text, n = fn(text)
        if n:
            report[name] = n
    return text, report
