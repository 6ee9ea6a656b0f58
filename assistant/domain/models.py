"""Typed domain records of a parsed plan, with deterministic IDs and exact source spans.

Every record keeps the span (character offsets) of the original document text it was
read from, so any quote shown to a user is ``doc.text[span.start:span.end]`` verbatim.
Numbers (strategy/indicator/guideline numbers, years) are Arabic-digit strings or ints;
``*_raw`` fields keep what was printed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

TargetKind = Literal["target", "result"]


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) in a document's original text."""

    doc_id: str
    start: int
    end: int

    def quote(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass
class TextItem:
    """A numbered or bulleted piece of prose: a mission, a goal, a strategic goal."""

    id: str
    number: str | None
    text: str
    span: Span


@dataclass
class Target:
    """One value of an indicator: a yearly target, or an actual result.

    ``value`` is the value as printed with Thai digits turned Arabic (``"30.30"``,
    ``"-5.20"``, ``"ดีเยี่ยม"``); ``numeric`` is its number when it is one.
    ``sub_item`` labels one line of a multi-value cell (e.g. ``"ป.6"``).
    ``qualifier`` is the word printed before the figure (``ไม่น้อยกว่า``, ``ไม่เกิน``,
    ``อย่างน้อย``): the value stays the bare figure, the span quotes both.
    """

    id: str
    indicator_id: str
    year: int | None
    kind: TargetKind
    value: str
    numeric: float | None
    unit: str | None
    span: Span
    sub_item: str | None = None
    qualifier: str | None = None


def split_qualifier(text: str, words) -> tuple[str | None, str]:
    """The qualifier word ``text`` starts with (longest of ``words``) and the rest:
    ``"ไม่น้อยกว่าร้อยละ 85"`` → ``("ไม่น้อยกว่า", "ร้อยละ 85")``."""
    s = text.lstrip()
    for w in sorted(words, key=len, reverse=True):
        if s.startswith(w):
            return w, s[len(w):].lstrip()
    return None, text


@dataclass
class Indicator:
    id: str
    strategy: str
    number: str
    number_raw: str
    text: str
    unit: str | None
    span: Span
    targets: list[Target] = field(default_factory=list)
    responsible: str | None = None
    source: str | None = None
    guideline: str | None = None
    sub_items: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)

    # The baseline (ค่าฐาน) lives in ``attributes`` so every store keeps it unchanged.
    @property
    def baseline(self) -> str | None:
        """The baseline (ค่าฐาน) as printed, Arabic digits; ``None`` when the plan has none."""
        return self.attributes.get("baseline")

    @baseline.setter
    def baseline(self, value: str | None) -> None:
        if value is None:
            self.attributes.pop("baseline", None)
        else:
            self.attributes["baseline"] = value

    @property
    def baseline_year(self) -> int | None:
        y = self.attributes.get("baseline_year")
        return int(y) if y else None

    @baseline_year.setter
    def baseline_year(self, value: int | None) -> None:
        if value is None:
            self.attributes.pop("baseline_year", None)
        else:
            self.attributes["baseline_year"] = str(value)

    @property
    def note(self) -> str | None:
        """What the plan notes about this indicator's targets, verbatim (``ปีงบประมาณ 2569
        เป็นปีนำร่องจึงยังไม่กำหนดค่าเป้าหมาย``, ``ค่าเป้าหมายปี 2571 ... จะทบทวนอีกครั้ง``)."""
        return self.attributes.get("note")

    def add_note(self, text: str) -> None:
        old = self.attributes.get("note")
        if text and (not old or text not in old):
            self.attributes["note"] = f"{old} / {text}" if old else text


@dataclass
class Guideline:
    id: str
    strategy: str
    number: str
    text: str
    span: Span
    responsible: str | None = None
    heading: str | None = None


@dataclass
class Strategy:
    id: str
    number: str
    title: str
    span: Span
    kind: str = "กลยุทธ์"
    description: str | None = None
    goals: list[TextItem] = field(default_factory=list)
    guidelines: list[Guideline] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Plan:
    doc_id: str
    title: str | None = None
    office_id: str | None = None
    years: tuple[int, int] | None = None
    vision: TextItem | None = None
    missions: list[TextItem] = field(default_factory=list)
    goals: list[TextItem] = field(default_factory=list)
    strategies: list[Strategy] = field(default_factory=list)
    layout: str | None = None
    values: list[TextItem] = field(default_factory=list)  # ค่านิยม
    pages: list[int] = field(default_factory=list)  # offset where each page starts (PDF)

    def page_of(self, offset: int) -> int | None:
        """1-based page of an offset in the document text; ``None`` without pages."""
        if not self.pages:
            return None
        return sum(1 for p in self.pages if p <= offset)

    def indicators(self) -> list[Indicator]:
        return [i for s in self.strategies for i in s.indicators]

    def guidelines(self) -> list[Guideline]:
        return [g for s in self.strategies for g in s.guidelines]

    def strategy(self, number: str) -> Strategy | None:
        return next((s for s in self.strategies if s.number == number), None)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Office:
    """An Educational Service Area Office, known from corpus metadata or from its name."""

    id: str
    name: str
    kind: Literal["สพป.", "สพม.", "สพท."]
    province: str
    area: int | None = None
    aliases: tuple[str, ...] = ()
    in_corpus: bool = False

    @property
    def short(self) -> str:
        area = f" เขต {self.area}" if self.area else ""
        return f"{self.kind}{self.province}{area}"


@dataclass
class Citation:
    doc: str
    office: str | None
    section: str
    strategy: str | None
    indicator: str | None
    quote: str
    start: int | None = None
    end: int | None = None
    page: int | None = None  # 1-based page of a document with pages (PDF)


@dataclass
class Value:
    office: str
    strategy: str | None
    indicator: str | None
    year: int | None
    value: str
    unit: str | None
    kind: TargetKind


@dataclass
class Answer:
    question: str
    answer: str
    status: Literal["answered", "not_found", "clarify"]
    values: list[Value] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    has_more: bool = False  # a list was cut for display; "ดูต่อ" shows the next page
    conversation_id: str | None = None

    def contract(self) -> dict:
        """The exact JSON object of the ``planqa ask --json`` contract."""
        return {
            "question": self.question,
            "answer": self.answer,
            "status": self.status,
            "values": [asdict(v) for v in self.values],
            "citations": [
                {k: getattr(c, k) for k in ("doc", "office", "section", "strategy", "indicator", "quote")}
                for c in self.citations
            ],
        }


def strategy_id(doc_id: str, number: str) -> str:
    return f"{doc_id}/s{number}"


def indicator_id(doc_id: str, strategy: str, number: str) -> str:
    return f"{doc_id}/s{strategy}/i{number}"


def guideline_id(doc_id: str, strategy: str, number: str) -> str:
    return f"{doc_id}/s{strategy}/g{number}"


def target_id(ind_id: str, year: int | None, kind: str, sub_item: str | None = None) -> str:
    sub = f"/{sub_item}" if sub_item else ""
    return f"{ind_id}/{kind}/{year if year is not None else '-'}{sub}"
