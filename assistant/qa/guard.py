"""The guard on a language model's text: every claim must be printed in the records.

A claim is a number (with its sign and its decimals exactly as printed: 30.30 is not
30.3, -5.20 is not 5.20), a year, an office, a strategy/indicator/guideline number
("ตัวชี้วัดที่ 3") or a quoted phrase. Thai and Arabic-Indic digits are read as Arabic
first. A sentence with a claim no record prints is dropped; when too many sentences are
dropped the caller uses the deterministic answer. Every rejection is logged and counted.
The words read as claims live in ``prompts/llm.yaml`` (``guard:``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from assistant.domain import thai

log = logging.getLogger("planqa.guard")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\ufe63": "-", "\uff0d": "-"})
_NUMBER = re.compile(r"(?<![\d.,])(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_CITE = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
_BULLET = re.compile(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Arabic digits for Thai and Arabic-Indic ones, ASCII minus, single spaces."""
    return _SPACE.sub(" ", thai.to_arabic(text).translate(_DIGITS).translate(_MINUS)).strip()


def numbers(text: str) -> list[str]:
    """The numbers of a normalised text as printed: sign kept (a minus counts as a sign
    only where no digit stands right before it: 2566-2570 is two years), thousands
    separators dropped, decimals exactly as written."""
    return [num for num, _ in _numbers(text)]


def _numbers(text: str):
    for m in _NUMBER.finditer(text):
        sign = m.group(1)
        if sign and m.start() > 0 and text[m.start() - 1].isdigit():
            sign = ""
        yield sign + m.group(2).replace(",", "") + (m.group(3) or ""), m


def squash(text: str) -> str:
    """For phrase and office matching: no spaces, no dots."""
    return re.sub(r"[\s.]+", "", text)


@dataclass(frozen=True)
class Rejection:
    sentence: str
    reason: str  # number | year | office | numbered | quote | citation
    claim: str


@dataclass
class Checked:
    """The sentences kept and the ones dropped, with why."""

    kept: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    total: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.kept)

    def usable(self, max_rejected_share: float) -> bool:
        """Enough survived to be shown instead of the deterministic answer."""
        if not self.kept or not self.total:
            return False
        dropped = len({r.sentence for r in self.rejected})
        return dropped / self.total <= max_rejected_share


class Stats:
    """Thread-safe counters of the model's calls and the guard's rejections (one per
    Assistant; shown by /metrics and ``planqa eval --llm``)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._c: Counter[str] = Counter()

    def inc(self, name: str, n: int = 1) -> None:
        with self._lock:
            self._c[name] += n

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._c)


@dataclass
class Facts:
    """What a set of records prints, in the guard's terms."""

    numbers: set[str]
    numbered: set[tuple[str, str]]
    squashed: str


class Guard:
    def __init__(self, rules: dict):
        self.max_rejected_share = float(rules.get("max_rejected_share", 0.5))
        links = "|".join(re.escape(w) for w in sorted(rules.get("number_links", ["ที่"]), key=len, reverse=True))
        self._numbered = []
        for kind, words in (rules.get("numbered_words") or {}).items():
            alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
            self._numbered.append((kind, re.compile(rf"(?:{alt})\s*(?:{links})?\s*(\d{{1,3}}(?:\.\d{{1,3}})*)(?![\d])")))
        prefixes = sorted(rules.get("office_prefixes") or [], key=len, reverse=True)
        self._office = re.compile("(?:" + "|".join(re.escape(p) for p in prefixes) + r")\s*([^\s\[\]()“”\"',]+(?:\s*เขต\s*\d+)?)") \
            if prefixes else None
        self._quotes = [re.compile(re.escape(q[0]) + r"([^" + re.escape(q[-1]) + r"\n]{2,300})" + re.escape(q[-1]))
                        for q in rules.get("quotes") or [] if q]
        yw = "|".join(re.escape(w) for w in sorted(rules.get("year_words") or [], key=len, reverse=True))
        self._short_year = re.compile(rf"(?:{yw})\s*(\d{{2}})(?![\d.])") if yw else None

    # ------------------------------------------------------------ facts
    def facts(self, records: list[str]) -> Facts:
        text = _CITE.sub(" ", normalise("\n".join(records)))  # the [n] of the prompt is no fact
        pairs = {(kind, m.group(1)) for kind, pat in self._numbered for m in pat.finditer(text)}
        return Facts(set(numbers(text)), pairs, squash(text))

    # ------------------------------------------------------------ checking
    def check(self, text: str, records: list[str], *, cite: bool = True, stats: Stats | None = None,
              use: str = "answer") -> Checked:
        """Split the model's text into sentences and keep those whose every claim a record
        prints. ``cite``: each sentence must carry valid [n] markers (1..len(records)) and
        its claims must be printed in the records it cites; otherwise in any record."""
        per_record = [self.facts([r]) for r in records] if cite else []
        union = self.facts(records)
        out = Checked()
        for sentence in sentences(text):
            out.total += 1
            why = self.reject_reason(sentence, union, per_record if cite else None)
            if why is None:
                out.kept.append(sentence)
                continue
            rej = Rejection(sentence, *why)
            out.rejected.append(rej)
            log.warning("guard rejected a %s sentence (%s %r): %s", use, rej.reason, rej.claim, sentence)
            if stats is not None:
                stats.inc(f"guard_rejected_total{{reason=\"{rej.reason}\",use=\"{use}\"}}")
        if stats is not None:
            stats.inc(f"guard_sentences_total{{use=\"{use}\"}}", out.total)
        return out

    def reject_reason(self, sentence: str, facts: Facts, per_record: list[Facts] | None = None) -> tuple[str, str] | None:
        """Why ``sentence`` fails (reason, claim), or ``None``. With ``per_record`` the
        sentence must cite records by [n] and is checked against those it cites."""
        s = normalise(sentence)
        if per_record is not None:
            cites = [int(n) for m in _CITE.finditer(s) for n in m.group(1).split(",")]
            if not cites:
                return "citation", ""
            bad = [n for n in cites if not 1 <= n <= len(per_record)]
            if bad:
                return "citation", f"[{bad[0]}]"
            cited = [per_record[n - 1] for n in dict.fromkeys(cites)]
            facts = Facts(set().union(*(f.numbers for f in cited)), set().union(*(f.numbered for f in cited)),
                          "\n".join(f.squashed for f in cited))
        body = _BULLET.sub("", _CITE.sub(" ", s))
        for q in self._quotes:
            for m in q.finditer(body):
                if squash(m.group(1)) not in facts.squashed:
                    return "quote", m.group(1)
        if self._office:
            for m in self._office.finditer(body):
                if office_claim(m.group(1)) not in facts.squashed:
                    return "office", m.group(0)
        for kind, pat in self._numbered:
            for m in pat.finditer(body):
                if (kind, m.group(1)) not in facts.numbered:
                    return "numbered", m.group(0)
        short_years = {m.start(1) for m in self._short_year.finditer(body)} if self._short_year else set()
        for num, m in _numbers(body):
            if num in facts.numbers:
                continue
            if m.start(2) in short_years and f"25{num}" in facts.numbers:
                continue
            return ("year" if re.fullmatch(r"25\d\d", num) else "number"), num
        return None

    def check_values(self, values: dict, sources: list[str]) -> tuple[str, str] | None:
        """For a query the model mapped: every number in it must be one the user wrote
        (a Buddhist year may be written short or as the Common Era year)."""
        nums = set(numbers(normalise("\n".join(sources))))
        for key, v in values.items():
            for item in v if isinstance(v, list) else [v]:
                if isinstance(item, bool) or item is None:
                    continue
                for num in numbers(normalise(str(item))):
                    if num in nums:
                        continue
                    if re.fullmatch(r"25\d\d", num) and (num[2:] in nums or str(int(num) - 543) in nums):
                        continue
                    return key, num
        return None


def office_claim(name: str) -> str:
    """The squashed province (+ area) an office mention names; the raw name when no
    province starts it."""
    flat = squash(name)
    for th, _abbr, _en in thai.provinces():
        if flat.startswith(th):
            area = re.match(r"เขต\d+", flat[len(th):])
            return th + (area.group(0) if area else "")
    return flat


def sentences(text: str) -> list[str]:
    """One sentence a line; a line holding several cited sentences is split after each
    citation marker."""
    out = []
    for line in (text or "").splitlines():
        for part in re.split(r"(?<=\])\s+(?=[^\s\[])", line):
            part = part.strip()
            if part and re.search(r"[\wก-๙]", part):
                out.append(part)
    return out
