"""Understanding a Thai question, once, into one typed :class:`Query`.

The query carries the intent, the offices and years, the strategy / indicator /
guideline references, the field asked, the list conditions and a confidence. Every
entry point answers from it; nothing downstream classifies the text again. New
vocabulary goes in the ``query:`` section of ``assistant/domain/lexicon.yaml``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from dataclasses import dataclass, field

from assistant.domain import lexicon, thai
from assistant.domain.offices import OfficeMention, OfficeResolver
from assistant.qa.lookup import GROUP_ALIASES, LEVEL_ALIASES

INTENTS = ("numeric", "list", "strategy", "guideline", "overview", "compare", "align", "open", "budget", "whose",
           "date", "field", "smalltalk", "more", "absent", "plan_years", "pick")
FIELDS = ("target", "result", "baseline", "unit", "responsible", "source", "text", "which_strategy")

_STRATEGY = re.compile(r"(?:กลยุทธ์|กลยุทธ|กยท\.?|(?<![ก-๙])ยท\.|นโยบาย|ยุทธศาสตร์|strategy|policy)\s*(?:ที่|no\.?|#)?\s*(\d{1,2})(?![\d.])"
                       r"(?!\s*(?:ข้อ(?!\s*\d)|ด้าน|ประการ))", re.I)  # "กลยุทธ์ 4 ข้อ": a count, not strategy 4
_INDICATOR = re.compile(r"(?:ตัวชี้วัด|ตัวชีวัด|ตชว\.?|kpi|indicator)\s*(?:ที่|ข้อ(?:ที่)?|no\.?|#)?\s*(\d{1,3}(?:\.\d{1,2})?)(?![\d])", re.I)
_GUIDELINE = re.compile(r"แนวทาง(?:การพัฒนา|ในการพัฒนา|พัฒนา)?\s*(?:ข้อ|ที่)?\s*(?:ที่)?\s*(\d{1,2}(?:\.\d{1,2}){0,2})(?![\d])")
_RESULT = re.compile(r"ผล\s*(?:o-?net|onet|nt|rt|pisa|การทดสอบ|สอบ|ประเมิน|ปี|จริง|ออก|เท่า|ได้|เป็น|คือ)|ได้ผล|ผลการดำเนินงาน|ผลปฏิบัติ|ผลการปฏิบัติ|ผลจริง|ทำได้จริง|ได้จริง|ผลลัพธ์|ผลที่ได้|ผลสอบ|ผลคะแนน|result|actual", re.I)
# the test a result word names ("ผล onet"): a topic word, kept when the result word is removed
_RESULT_SUBJECT = re.compile(r"o-?net|onet|nt|rt|pisa", re.I)
_TARGET = re.compile(r"ค่าเป้าหมาย|เป้าหมาย|เป้า|target|ตั้งเป้า|ค่าเป้า", re.I)
_HOW_MUCH = re.compile(r"เท่า(?:ไร|ไหร่|ใด|ไร่)|(?<!เ)กี่(?!ตัว|ข้อ|กลยุทธ์|นโยบาย|ด้าน|เรื่อง)|ร้อยละเท่|ได้เท่า|ค่า(?:ของ)?ตัวชี้วัด", re.I)
_LIST = re.compile(r"อะไรบ้าง|มีอะไร|ทั้งหมด|มีกี่ตัว|(?<!เ)กี่ตัว|(?<!เ)กี่ข้อ|รายการ|ลิสต์|list|บ้าง|ไหนบ้าง|ใดบ้าง|ทุกตัว", re.I)
_BUDGET = re.compile(
    r"(?<!ปี)งบ(?:ประมาณ)?(?!ประมาณ).{0,40}?(?:เท่า(?:ไร|ไหร่|ใด)|กี่|ทั้งหมด|ที่ได้รับ|จัดสรร)|"
    r"(?<!เ)กี่บาท|จำนวนเงิน|วงเงิน|\d[\d,]*\s*บาท|ใช้เงิน|ค่าใช้จ่าย|budget",
    re.I,
)
_ALIGN = re.compile(r"สอดคล้อง|เข้ากับ|เข้า(?:กลยุทธ์|นโยบาย|ตัวชี้วัด)|ตรงกับ|ตอบ(?:กลยุทธ์|นโยบาย|ตัวชี้วัด)|อยู่(?:กลยุทธ์|นโยบาย)|ควรอยู่|จัดอยู่|ลง(?:กลยุทธ์|นโยบาย)|ไปอยู่|เข้าข่าย|align", re.I)
_PROJECT = re.compile(r"โครงการ|กิจกรรม|project|ไอเดีย|ค่าย|อบรม|จัดทำ|จะทำ|อยากทำ|ทำโครง", re.I)
_WHICH = re.compile(r"ไหน|ใด|อะไร|ข้อไหน|ตัวไหน")
_COMPARE = re.compile(r"เปรียบเทียบ|เทียบ(?!กับเป้า|เป้า)|ต่างกัน|แตกต่าง|เหมือนกัน|ต่างจาก|ทุกเขต|แต่ละเขต|ทุกสำนักงาน|แต่ละสำนักงาน|"
                      r"เขตไหน|หน่วยงานไหน|สำนักงานไหน|ที่ไหนบ้าง|compare|vs\.?|กับของ", re.I)
_UNKNOWN_DOC = re.compile(r"ไม่(?:ได้)?(?:ระบุ|บอก|มี)\s*(?:ชื่อ)?\s*(?:ว่าเป็นของ)?(?:หน่วยงาน|เขต|สำนักงาน|ว่า)|ไม่มีชื่อ(?:หน่วยงาน|เขต)|ไฟล์ที่\s*003|เอกสาร(?:ที่)?\s*003")
_WHOSE = re.compile(r"(?:เป็น)?ของ\s*(?:(?:สพป|สพม|สพท)\.?\s*(?:หรือ\s*(?:สพป|สพม)\.?\s*)?)?(?:เขต|หน่วยงาน|สำนักงาน)?\s*(?:ไหน|ใด)"
                    r"|ใครเป็นเจ้าของ|ใครออก|หน่วยงานใดออก")
_OTHER_TEXT = re.compile(r"ค่านิยม|4a|5q|smart\s*teacher|ลงนาม|ผู้อำนวยการ(?:สำนักงาน)?เขต|ผอ\.?\s*เขต|อัตลักษณ์|เอกลักษณ์|วัฒนธรรมองค์กร", re.I)
_DATE_Q = re.compile(r"(?:ประกาศ|ลงนาม|อนุมัติ|ใช้|ออก)[^?]{0,20}(?:วันที่|วันไหน|เมื่อไร|เมื่อไหร่|เมื่อใด)|วันที่ประกาศ|วันที่ลงนาม")
_BELOW = re.compile(r"ไม่ถึงเป้า|ต่ำกว่าเป้า|ไม่บรรลุ|ไม่ผ่านเป้า|ไม่ได้ตามเป้า|พลาดเป้า")
_TARGET_WORD = re.compile(r"ค่าเป้าหมาย|เป้าหมาย|ตั้งเป้า|เป้า|target", re.I)
_VISION = re.compile(r"วิสัยทัศน์|vision", re.I)
_MISSION = re.compile(r"พันธกิจ|mission", re.I)
_GOAL = re.compile(r"เป้าประสงค์|goals?\b", re.I)
_STRAT_WORD = re.compile(r"กลยุทธ์|กลยุทธ|นโยบาย|ยุทธศาสตร์|strategy|strategies|policy", re.I)
_GUIDE_WORD = re.compile(r"แนวทาง|guideline", re.I)
_IND_WORD = re.compile(r"ตัวชี้วัด|ตัวชีวัด|ตชว|kpi|indicator", re.I)
_EVERY_YEAR = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|เปอร์เซ็นต์)?\s*(?:เท่ากัน|เหมือนกัน|คงที่|เท่าเดิม)?\s*ทุกปี")
# list condition on the targets themselves: "ปี 2570 ยังตั้งไม่ถึง 100%", "เป้าต่ำกว่า 80"
_TARGET_BELOW = re.compile(r"(?:ไม่ถึง|(?<!ไม่)ต่ำกว่า|(?<!ไม่)น้อยกว่า)\s*(?:ร้อยละ\s*)?(\d+(?:\.\d+)?)\s*(?:%|เปอร์เซ็นต์)?")


# a passage the user quotes ("แผนที่วิสัยทัศน์ว่า 'คนไทยทุกคน…'"): it names the document
_QUOTED = re.compile(r"['\"“‘]([^'\"”’]{8,300})['\"”’]")
# the words that introduce a quote, or name a document by its parts ("เอกสารวิสัยทัศน์ พันธกิจ"):
# they say which document, not what is asked
_QUOTE_INTRO = re.compile(r"(?:วิสัยทัศน์|พันธกิจ|เป้าประสงค์|ข้อความ)?\s*(?:ที่)?\s*(?:เขียน|ระบุ)?\s*ว่า\s*['\"“‘][^'\"”’]{8,300}['\"”’]")
_DOC_BY_PARTS = re.compile(r"(?:เอกสาร|ไฟล์)\s*(?:เรื่อง)?\s*['\"“‘]?\s*วิสัยทัศน์\s*(?:,|และ)?\s*(?:พันธกิจ)?\s*['\"”’]?")

# "วิสัยทัศน์ว่า คนไทยทุกคน…", "ขึ้นต้นว่าคนไทยทุกคน...": the words after ว่า, up to a space (checked against the plans)
_SAYS = re.compile(r"(?:(?:วิสัยทัศน์|พันธกิจ|เป้าประสงค์|ข้อความ)\s*(?:ที่)?\s*(?:เขียน|ระบุ|ขึ้นต้น)?|ขึ้นต้น|เขียน|ระบุ)\s*(?:ไว้)?\s*ว่า\s*([ก-๙A-Za-z0-9]{10,200}(?:\.\.\.|…)?)")
# numbers that name records, never years ("ตัวชี้วัด 60 ถึง 66", "ตัวที่ 63")
_RECORD_NUMBERS = re.compile(r"(?:ตัวชี้วัด|ตัวชีวัด|ตชว\.?|ตัว|ข้อ)\s*(?:ที่|ข้อ)?\s*\d{1,3}(?:\s*(?:-|–|ถึง|และ|,)\s*\d{1,3})*(?!\d)")
_ALSO_INDICATOR = re.compile(r"\s*(?:และ|กับ|,|/|หรือ)\s*(?:ตัวชี้วัด|ตัวชีวัด|ตชว\.?)?\s*(?:ที่)?\s*(\d{1,3}(?:\.\d{1,2})?)(?![\d])")
_TONE_MARKS = re.compile("[\u0e48-\u0e4b]")
_YEAR_RUN = re.compile(r"ปี(?:งบประมาณ|งบ)?\s*(\d{2,4})((?:\s*(?:,|/|\s)\s*\d{2,4}(?![\d.%]|\s*(?:%|เปอร์|คน|โรง|คะแนน|ข้อ|ตัว|แห่ง)))+)")
_YEAR_PAIR = re.compile(r"ปี(?:งบประมาณ|งบ)?\s*(\d{2,4})\s*(?:กับ|และ|,|หรือ)\s*(\d{2,4})(?!\d)")


def _toneless(s: str) -> str:
    """Thai without tone marks: users often type "เท่าไหร" / "รอยละ" / "เปาหมาย"."""
    return _TONE_MARKS.sub("", s)


_TONELESS_NUMERIC = [
    re.compile(_toneless(p.pattern), re.I) for p in (_TARGET, _HOW_MUCH, _RESULT)
] + [re.compile(r"รอยละ|เปอรเซ็นต|%")]


@dataclass
class Query:
    """One understood question. ``to_dict()`` / ``from_dict()`` give its JSON form and
    :meth:`json_schema` the schema of that form (an optional LLM may produce it)."""

    text: str
    norm: str
    offices: list[OfficeMention] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    strategy: str | None = None
    indicator: str | None = None
    guideline: str | None = None
    group: str | None = None
    level: str | None = None
    kind: str | None = None
    intent: str = "open"
    part: str | None = None  # for overview: vision | mission | goal
    every_year: str | None = None  # list condition: value equal in every year
    target_not_every: bool = False  # with target_not: "ไม่ได้ตั้ง 100 ทุกปี" (some year is another value)
    target_step: str | None = None  # list condition: "เพิ่มขึ้นปีละ 2": the target rises by this every year
    below_target: bool = False  # list condition: result below target
    target_below: str | None = None  # list condition: a target of the asked years below this
    no_target_years: list[int] = dataclasses.field(default_factory=list)  # no target in these (others asked: some)
    unknown_doc: bool = False  # the user means the document whose office is not stated
    year_kinds: dict[int, set[str]] = field(default_factory=dict)  # kinds asked per year
    terms: list[str] = field(default_factory=list)  # content words, for filtering lists
    unit_not: str | None = None  # list condition: unit other than this
    no_target: bool = False  # list condition: no target printed for the year
    target_words: bool = False  # list condition: a target written in words ("ดีเยี่ยม"), not a number
    topic: str = ""
    field: str | None = None  # the column asked: one of FIELDS
    also_field: str | None = None  # a second column asked in the same question
    unit_is: str | None = None  # list condition: unit equal to this
    level_column: str | None = None  # list condition: the responsible/level column names this
    target_equals: str | None = None  # list condition: some year's target equals this
    responsible_is: str | None = None  # list condition: the responsible column names this unit ("กลุ่มแผน")
    target_not: str | None = None  # list condition: the asked years' targets are not this ("ไม่ได้ตั้งไว้ 100")
    extreme: str | None = None  # list condition: the row(s) with the lowest ("min") / highest ("max") target
    year_change: str | None = None  # list condition: the other year's target "lower" / "higher" than year_change_from's
    year_change_from: int | None = None  # the year compared against ("เป้าปี 67 ต่ำกว่าปี 66": 2566)
    followup: bool = False  # written as a follow-up ("แล้วปี 69 ล่ะ")
    absent: str | None = None  # a fact plans do not hold (signer, school_count, ...)
    own_office: bool = False  # "ของเรา": the user's own office, which the text does not name
    confidence: float = 1.0
    same_year: bool = False  # "ปีเดียวกัน": the year of the turn before
    pinned: bool = False  # strategy/indicator were set from the answer (a topic link), not written
    inherited: list[str] = dataclasses.field(default_factory=list)  # slots taken from the conversation
    also_indicators: list[str] = dataclasses.field(default_factory=list)  # "ตัวชี้วัดที่ 1 และ 3"
    item: str | None = None  # overview: the numbered mission/goal asked ("พันธกิจข้อ 2")
    year_ref: str | None = None  # "ปีสุดท้ายของแผน": first | last year of the plan answered
    asks_value: bool = False  # a figure is asked too ("มีตัวชี้วัดอะไรบ้าง ตั้งเป้าเท่าไหร่")
    same_topic: bool = False  # "ตัวที่คล้ายๆ กัน", "แบบนี้": the topic of the turn before
    grades: list[str] = dataclasses.field(default_factory=list)  # "ป.3", "ม.6": the school grades named
    plural: bool = False  # a figure asked of every row on the topic ("ตั้งเป้าไว้ยังไงบ้าง")
    listed: list[str] = dataclasses.field(default_factory=list)  # "s|i" of the rows the turn's answer listed
    quoted: list[str] = dataclasses.field(default_factory=list)  # passages the question quotes ("วิสัยทัศน์ว่า 'X'")
    this_ref: bool = False  # "ตัวนี้", "ข้อนั้น": the record of the turn before, whatever else is written
    ref: str | None = None  # a bare record number ("ตัวที่ 6", "ข้อ 3"): resolved by the conversation
    ref_kind: str | None = None  # what the reference word names: indicator | item (either)
    correction: bool = False  # "ไม่ใช่ หมายถึง…": the turn corrects what the turn before understood
    before_offices: list[OfficeMention] = dataclasses.field(default_factory=list)  # the conversation's office before the last change
    pending: str | None = None  # a "pick" turn: the intent of the question its choice answers
    page: int = 0  # list page shown (set by the conversation for "ดูต่อ")
    page_size: int | None = None  # None: the whole list
    which_years: str | None = None  # "เป้าเป็น 90 ปีไหน": the value whose years are asked; "flat": from which year it stops changing
    met_asked: bool = False  # "ถึงเป้าไหม": whether the result reached the target is asked
    why: bool = False  # "ทำไมถึงตั้งไว้ 30": the reason for a figure is asked (plans state none)
    row_text: str = ""  # the wording of the one row the turn's answer was about (kept by the conversation)

    @property
    def corpus_offices(self) -> list[OfficeMention]:
        return [m for m in self.offices if m.office.in_corpus]

    @property
    def outside_offices(self) -> list[OfficeMention]:
        return [m for m in self.offices if not m.office.in_corpus]

    # ------------------------------------------------------------ JSON form
    def to_dict(self) -> dict:
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name in ("offices", "before_offices"):
                v = [{"id": m.office.id, "text": m.text} for m in v]
            elif f.name == "year_kinds":
                v = {str(y): sorted(k) for y, k in v.items()}
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: dict, resolver: OfficeResolver) -> Query:
        """The query back from :meth:`to_dict` (unknown keys ignored, office ids resolved
        through ``resolver``; an unknown office id is dropped)."""
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        by_id = {o.id: o for o in resolver.offices}
        for key in ("offices", "before_offices"):
            kw[key] = [OfficeMention(by_id[m["id"]], m.get("text") or by_id[m["id"]].short)
                       for m in data.get(key) or [] if m.get("id") in by_id]
        kw["year_kinds"] = {int(y): set(k) for y, k in (data.get("year_kinds") or {}).items()}
        kw.setdefault("norm", thai.to_arabic(" ".join(str(kw.get("text", "")).split())))
        return cls(**kw)

    @classmethod
    def json_schema(cls) -> dict:
        """JSON schema of :meth:`to_dict`, derived from the dataclass fields."""
        hints = typing.get_type_hints(cls)
        props = {}
        for f in dataclasses.fields(cls):
            props[f.name] = _schema_of(hints[f.name])
        props["offices"] = {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "text": {"type": "string"}}}}
        props["before_offices"] = props["offices"]
        props["year_kinds"] = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
        props["intent"]["enum"] = list(INTENTS)
        props["field"] = {"type": ["string", "null"], "enum": [*FIELDS, None]}
        props["confidence"].update(minimum=0, maximum=1)
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "planqa query",
                "type": "object", "required": ["text", "intent"], "properties": props}


Question = Query  # the older name


def _schema_of(tp) -> dict:
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and type(None) in args:
        inner = _schema_of(next(a for a in args if a is not type(None)))
        t = inner.get("type")
        return {**inner, "type": [t, "null"] if isinstance(t, str) else t}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if origin is list:
        return {"type": "array", "items": _schema_of(args[0]) if args else {}}
    if origin is dict:
        return {"type": "object"}
    return {}


def understand(text: str, resolver: OfficeResolver, *, fiscal_year: int | None = None,
               lex: lexicon.Lexicon | None = None, quoted_in=None) -> Query:
    """Understand ``text``. ``fiscal_year`` (BE) resolves "ปีนี้" / "ปีหน้า"; without
    it a relative year is left unresolved (and the confidence drops). ``quoted_in``
    (quotes → the office ids of the documents that print them, ``None`` for a document
    with no office) lets a quoted passage name the document."""
    lex = lex or lexicon.load()
    words = lex.query
    norm = thai.to_arabic(" ".join(text.split()))
    norm = _number_words(norm, words)
    q = Query(text=text, norm=norm)
    q.offices = resolver.resolve(norm)
    # remove office names before looking for numbers, so "เขต 6" is not an indicator
    rest = norm
    for m in q.offices:
        rest = rest.replace(m.text, " ")
    q.years = thai.find_years(_RECORD_NUMBERS.sub(" ", rest))
    if q.years:
        # "ปี 66 กับ 67": the bare number joined to a year is a year too
        for m in _YEAR_PAIR.finditer(_RECORD_NUMBERS.sub(" ", rest)):
            more = thai.find_years(f"ปี {m.group(2)}")
            if thai.find_years(f"ปี {m.group(1)}") and more and more[0] not in q.years:
                q.years.append(more[0])
        # "เป้าปี 69 70 71": the bare numbers written right after a year, near it, are years too
        for m in _YEAR_RUN.finditer(_RECORD_NUMBERS.sub(" ", rest)):
            first = thai.find_years(f"ปี {m.group(1)}")
            for n in re.findall(r"\d{2,4}", m.group(2)):
                more = thai.find_years(f"ปี {n}")
                if first and more and abs(more[0] - first[0]) <= 10 and more[0] not in q.years:
                    q.years.append(more[0])
    for y in q.years:
        rest = re.sub(rf"(?:ปีงบประมาณ|ปีงบฯ?|ปีการศึกษา|ปี|พ\.?\s?ศ\.?)?\s*(?:พ\.?\s?ศ\.?)?\s*{y}|ปี\s*{y % 100}(?!\d)", " ", rest)
    if (m := _STRATEGY.search(rest)):
        q.strategy = m.group(1)
    if (m := _INDICATOR.search(rest)):
        q.indicator = m.group(1)
        tail = rest[m.end():]
        while (more := _ALSO_INDICATOR.match(tail)):
            if more.group(1) != q.indicator and more.group(1) not in q.also_indicators:
                q.also_indicators.append(more.group(1))
            tail = tail[more.end():]
        for m2 in list(_INDICATOR.finditer(rest))[1:]:
            if m2.group(1) != q.indicator and m2.group(1) not in q.also_indicators:
                q.also_indicators.append(m2.group(1))
    if (m := _GUIDELINE.search(rest)):
        q.guideline = m.group(1)
    if not (q.indicator or q.guideline) and (ref := _bare_ref(re.sub(r"^\s*(?:แล้ว|ส่วน)", " ", rest), words)):
        q.ref_kind, q.ref = ref
        if q.ref_kind == "indicator":
            q.indicator = q.ref  # "ตัวที่ 6": ตัว counts indicators
    # "เป็น ผอ.รร. ในสังกัด ชม.6 ค่ะ …": who the user is, not the subject of the question
    subject = _without_self_intro(rest, words)
    low = subject.lower()
    for word, group in sorted(GROUP_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if word in low and len(word) > 2 and word not in ("เขต", "สำนักงาน"):
            q.group = group
            break
    if re.search(r"ผู้บริหาร|ผอ\.|ผู้อำนวยการ", subject):
        q.group = "ผู้บริหาร"  # more specific than the school they run
    for word in ("ผู้เรียน", "สถานศึกษา"):
        if word in subject and not q.group:
            q.group = word
    for word, level in sorted(LEVEL_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if word in rest:
            q.level = level
            break
    if _RESULT.search(norm) and not _TARGET_WORD.search(norm):
        q.kind = "result"
    elif _TARGET.search(norm) and not _RESULT.search(norm) and not _GOAL.search(norm):
        q.kind = "target"
    if q.kind is None and not _TARGET_WORD.search(norm) and \
            any(w in rest.replace(" ", "") for w in words.get("result_phrases") or ()):
        q.kind = "result"  # "ทำได้เท่าไหร่": what was achieved
    if q.kind is None and not _TARGET_WORD.search(norm):
        toks = set(thai.tokenize(rest))
        if set(words.get("result_tokens") or ()) & toks and set(words.get("achieved_tokens") or ()) & toks:
            q.kind = "result"  # "ผลอ่านออกเขียนได้ ป.1 ได้เท่าไร": ผล on its own, asked as achieved
    if q.kind == "result" and any(w in rest.replace(" ", "") for w in words.get("required_words", ())) \
            and not any(w in rest.replace(" ", "") for w in words.get("result_phrases", ())):
        q.kind = "target"  # "ผลประเมิน PA ต้องได้กี่คะแนน": what must be reached is the target
    if (m := _EVERY_YEAR.search(norm)):  # "ทุกปี 66-70": the year words are part of the phrase
        q.every_year = m.group(1)
    if (m := _target_step(tuple(words.get("step_each_year", ()))).search(rest)):
        q.target_step, q.every_year = m.group(1), None  # "เป้าเพิ่มขึ้นปีละ 2 เท่าๆ กันทุกปี": the same step
    q.below_target = bool(_BELOW.search(rest))
    q.unknown_doc = bool(_UNKNOWN_DOC.search(rest))
    quotes = [m.group(1).strip() for m in _QUOTED.finditer(norm)]
    # "เอกสารที่วิสัยทัศน์ว่า คนไทยทุกคน…", "วิสัยทัศน์ขึ้นต้นว่าคนไทยทุกคน...": a passage quoted without quote marks
    unquoted = [(m.group(0), m.group(1).rstrip(".…ฯ")) for m in _SAYS.finditer(norm)
                if not _QUOTED.search(norm[m.start():m.end() + 1])]
    if (quotes or unquoted) and quoted_in is not None and not q.offices:
        by_id = {o.id: o for o in resolver.offices}
        for said, group in ([(None, quotes)] if quotes else []) + [(w, [u]) for w, u in unquoted]:
            owners = set(quoted_in(group))
            if owners == {None}:
                q.unknown_doc = True
            elif len(owners) == 1 and next(iter(owners)) in by_id:
                q.offices = [OfficeMention(by_id[next(iter(owners))], group[0])]
            else:
                continue
            if said:  # the words that quote it say which document, not what is asked
                rest = rest.replace(said, " ")
                quotes.append(group[0])
            break
    q.quoted = quotes or [u for _w, u in unquoted]
    if quotes or q.unknown_doc:
        rest = _DOC_BY_PARTS.sub(" ", _QUOTE_INTRO.sub(" ", rest))
    q.year_kinds = _year_kinds(norm, q.years, words.get("met_target") or (), words.get("result_phrases") or ())
    if (m := re.search(r"หน่วยนับ(?:ไม่ใช่|ไม่เป็น|อื่นที่ไม่ใช่)\s*([ก-๙]+?)(?=บ้าง|ไหม|มั้ย|หรือ|ครับ|ค่ะ|คะ|มี|ที่|ตัว|ข้อ|อะไร|\s|$)", rest)):
        q.unit_not = m.group(1)
    nt = re.search(r"ไม่มีค่าเป้าหมาย|ไม่มีเป้า|ไม่ได้ตั้งเป้า|ขีด\s*-", rest)
    q.no_target = bool(nt)
    if nt and len(q.years) > 1:
        # "ปี 61 ยังไม่มีเป้า … เพิ่งมาตั้งปี 62": the year written before the phrase lacks one
        at = norm.find(nt.group(0))
        before = sorted((p, y) for y in q.years if (p := _year_pos(norm, y)) is not None and p < at)
        q.no_target_years = [before[-1][1]] if before and (len(before) < len(q.years) or not _joined_years(
            norm, q.years)) else []  # ("ที่เพิ่งมีในปี 62 (ปี 61 ยังไม่มีเป้า)": 61, the year right before it)
    # "ข้อไหนที่เป้าหมายเป็นข้อความ ไม่ใช่ตัวเลข": rows whose target is words
    q.target_words = any(w.replace(" ", "") in rest.replace(" ", "") for w in words.get("target_in_words") or ())
    if (m := _TARGET_BELOW.search(rest)) and not q.below_target and not q.indicator and _LIST.search(rest):
        q.target_below = m.group(1)
    if len(q.years) == 2 and not q.indicator:  # "เป้าปี 67 ต่ำกว่าปี 66": one year's target against another's
        for change, ws in (words.get("target_vs_year") or {}).items():
            for w in ws:
                m = re.search(re.escape(w) + r"\s*ปี(?:งบ(?:ประมาณ)?)?\s*(?:พ\.?\s?ศ\.?\s*)?(?:25)?(\d\d)(?!\d)", norm)
                if m and (y := 2500 + int(m.group(1))) in q.years:
                    q.year_change, q.year_change_from = change, y
    if len(q.years) > 1 and not q.year_change and not re.search(r"\d\s*(?:-|–|ถึง)\s*(?:ปี\s*)?\d", norm):
        q.years = _asked_years(norm, q.years, words.get("met_target") or ())
    q.year_ref = next((v for w, v in (words.get("relative_years") or {}).items()
                       if w in rest and v in ("first", "last")), None) if not q.years else None
    q.same_topic = any(w in rest.replace(" ", "") for w in words.get("same_topic", ()))
    q.asks_value = q.kind == "target" or bool(_HOW_MUCH.search(rest)) or any(
        w in rest.replace(" ", "") for w in words.get("value_asked", ()))
    relative = _relative_years(rest, words, fiscal_year)
    if relative and not q.years:
        q.years = relative
    asked = _fields(rest, words, lex.plan.get("strategy") or ())
    q.field = asked[0] if asked else None
    q.also_field = asked[1] if len(asked) > 1 else None
    q.level_column = _level_column(rest, words)
    if (joined := _level_choices(rest, words)):
        if _LIST.search(rest) and "หรือ" not in joined:
            # "ตัวชี้วัดไหนบ้างที่ระดับเป็น สพฐ./สพท./รร.": rows whose column names all of them
            q.level_column = joined
        else:
            # "อยู่ระดับไหน (สพฐ./สพท./รร.)", "สพฐ. หรือ สพท.": the level column is asked, not a condition
            q.level_column, q.field = None, q.field or "responsible"
        if q.group == "สำนักงานเขต":
            q.group = None
    elif not q.level_column and (m := _RESPONSIBLE_UNIT.search(rest)) and _LIST.search(rest):
        q.responsible_is = m.group(1).strip()  # "ตัวชี้วัดที่กลุ่มบุคคลรับผิดชอบ": the column names this unit
    elif not q.level_column and _LIST.search(rest) and (said := _column_says(rest, words)):
        q.responsible_is = said  # "ที่ช่องผู้รับผิดชอบเขียนว่า แผนภาค 15": the column names these words
    if q.level_column and q.group == "สำนักงานเขต":
        q.group = None  # "ที่ สพท. รับผิดชอบ" is a column condition, not the subject group
    if (m := re.search(r"หน่วยนับ(?:เป็น|คือ|ว่า)?\s*['\"“‘]?\s*(?!ไม่)([ก-๙]+?)(?=['\"”’]|บ้าง|ไหม|มั้ย|หรือ|ครับ|ค่ะ|คะ|\s|$)", rest)):
        if m.group(1) not in ("อะไร", "ไหน", "ใด") and not m.group(1).startswith("ของ"):
            q.unit_is = m.group(1)  # ("หน่วยนับของตัวชี้วัด X คืออะไร" asks the unit, no condition)
    if (m := _target_is(tuple(words.get("target_equal_links", ()))).search(rest)) \
            and (m.group(1) or m.group(2) or m.group(4)) \
            and not re.fullmatch(r"25\d\d", m.group(3)) and not q.every_year \
            and not re.match(r"\s*ปี", rest[m.end():]):  # "ตั้งเป้าไว้ 3 ปี": a span of years, not a value
        if _LIST.search(rest) or _IND_WORD.search(rest) or _which_row(rest, words):
            q.target_equals = m.group(3)
    elif _which_row(rest, words) and not q.every_year and (m := _target_set(tuple(words.get("target_set_verbs", ()))).search(rest)) \
            and not re.fullmatch(r"25\d\d", m.group(1)) and not re.match(r"\s*ปี", rest[m.end():]):
        q.target_equals = m.group(1)  # "ข้อไหนที่ตั้งไว้ 80": the row whose target is that value
    if (m := _target_not(tuple(words.get("target_not_links", ()))).search(rest)) and not q.indicator \
            and not re.fullmatch(r"25\d\d", m.group(1)):
        q.target_not, q.target_equals, q.no_target, q.no_target_years = m.group(1), None, False, []
        # "ไม่ได้ตั้ง 100 ทุกปี": not that value every year (some year's target is another)
        q.target_not_every = bool(q.every_year) or bool(re.match(r"\s*(?:%|เปอร์เซ็นต์)?\s*ทุกปี", rest[m.end():]))
        q.every_year = None
    squashed_rest = rest.replace(" ", "")
    value_years = None  # "ตั้งเป้าไว้ 80 ตั้งแต่ปีไหน": the value whose years are asked (which_years)
    if any(w in squashed_rest for w in words.get("which_year_asks") or ()) and not q.years:
        # "ตัวนี้เป้าขยับขึ้นเป็น 90 ปีไหน", "ตั้งเป้าไว้ 80 ตั้งแต่ปีไหน": the years whose target is that value
        links = "|".join(sorted((re.escape(w) for w in words.get("target_equal_links") or () if w != "ที่"),
                                key=len, reverse=True))
        bare = _RECORD_NUMBERS.sub(" ", rest)  # ("กลยุทธ์ที่ 2 ตัวชี้วัดที่ 3" names rows, no value)
        if links and (m := re.search(rf"(?:{links})\s*(?:ร้อยละ\s*)?(\d+(?:\.\d+)?)(?!\d)\s*(?:%|เปอร์เซ็นต์)?", bare)) \
                and not re.fullmatch(r"25\d\d", m.group(1)) and (q.target_equals in (None, m.group(1))):
            q.target_equals = value_years = m.group(1)
    if not q.indicator and (_IND_WORD.search(rest) or _which_row(rest, words)):
        q.extreme = next((k for k, ws in (words.get("extremes") or {}).items()
                          if any(w in squashed_rest for w in ws)), None)
    squashed = rest.replace(" ", "")
    q.followup = any(w in squashed for w in words.get("followup", ()))
    q.correction = any(w in squashed for w in words.get("correction", ())) and not q.target_words
    # ("เป้าเป็นข้อความ ไม่ใช่ตัวเลข": ไม่ใช่ belongs to the condition, it corrects no turn before)
    q.grades = _grades(norm, words)
    q.this_ref = any(w in squashed for w in words.get("demonstratives", ()))
    q.own_office = any(w in squashed for w in words.get("own_office", ()))
    q.same_year = any(w in squashed for w in words.get("same_year", ()))
    q.met_asked = any(w in squashed for w in words.get("met_target", ()))
    q.why = any(w in squashed for w in words.get("why_asks", ()))
    if any(w in squashed for w in words.get("trend_asks", ())):
        q.which_years = "trend"
    elif any(w in squashed for w in words.get("which_year_asks", ())):
        extreme = next((k for k, ws in (words.get("extremes") or {}).items() if any(w in squashed for w in ws)), None)
        if any(w in squashed for w in words.get("flat_from", ())):
            q.which_years = "flat"
        elif extreme:  # "เป้าสูงสุดอยู่ปีไหน"
            q.which_years = extreme
        elif value_years:
            q.which_years = value_years
        elif (m := re.search(r"(?:เป็น|ถึง|แตะ|เท่ากับ|ที่|ได้|ไว้)\s*(?:ร้อยละ\s*)?(\d+(?:\.\d+)?)(?![\d.])\s*(?:%|เปอร์เซ็นต์)?"
                             r"(?!\s*(?:ปี(?!ไหน|ใด|อะไร)|คน|โรง|แห่ง|ตัว|ข้อ))", _RECORD_NUMBERS.sub(" ", rest))):
            q.which_years = m.group(1)  # ("ตัวชี้วัดที่ 1.1" names a row, no value)
    q.absent = next((k for k, ws in (words.get("absent_facts") or {}).items()
                     if any(w in squashed for w in ws)), None)
    q.intent, q.part = _intent(q, rest)
    if q.intent == "overview" and (m := re.search(r"(?:พันธกิจ|เป้าประสงค์)\s*(?:ข้อ|ที่)?\s*(?:ที่)?\s*(\d{1,2})(?!\d)", rest)):
        q.item = m.group(1)
    if q.intent in ("open", "numeric", "strategy") and not q.indicator and not q.strategy \
            and any(w in squashed for w in words.get("plan_years", ())):
        q.intent = "plan_years"
    if q.intent == "compare" and (q.field in ("responsible", "source") or q.also_field in ("responsible", "source")) \
            and len(q.corpus_offices) <= 1 \
            and re.search(r"(?:หน่วยงาน|กลุ่ม(?:งาน)?|ฝ่าย)\s*(?:ไหน|ใด)\s*(?:เป็น(?:ผู้)?)?\s*(?:รับผิดชอบ|ดูแล)", rest):
        q.intent = "open"  # "หน่วยงานไหนรับผิดชอบ" asks the row's column, not a comparison
    if q.intent not in ("align", "compare", "whose", "date", "budget"):
        if (q.unit_is or q.level_column or q.target_equals or q.target_not or q.extreme or q.responsible_is
                or q.target_words) \
                and (_IND_WORD.search(rest) or _LIST.search(rest) or _which_row(rest, words)) and not q.indicator:
            q.intent = "list"
        elif q.field in ("responsible", "source", "unit", "which_strategy") and not _LIST.search(rest) \
                and (not (q.intent == "guideline" or _GUIDE_WORD.search(rest))
                     or (q.field in ("responsible", "which_strategy") and not q.guideline and not q.strategy)):
            q.intent = "field"  # a guideline named by its wording is looked up by the field path too
        elif q.field == "baseline":
            q.intent = "numeric"
    if q.absent and q.intent in ("open", "numeric", "list", "overview", "compare") and not q.indicator:
        q.intent = "absent"
    if _is_more(norm, words):
        q.intent = "more"
    elif _is_smalltalk(norm, words):
        q.intent = "smalltalk"
    q.topic = _topic(_without_self_intro(rest, words))
    office_words = _office_words(resolver)
    said = q.topic
    for w in words.get("same_topic", ()) if q.same_topic else ():  # "มีเรื่องเดียวกันไหม": no topic word of its own
        said = re.sub(r"(?:มี)?\s*(?:เรื่อง|ตัวชี้วัด|ตัว|อัน)?\s*" + re.escape(w), " ", said)
    q.terms = [t for t in _terms(said, q, words) if not _in_office_name(thai.squash(t), office_words)]
    if q.target_words:  # the condition's own words ("เป้าเชิงคุณภาพ ไม่ใช่ตัวเลข") are no topic words
        said = " ".join(words.get("target_in_words") or ()).replace(" ", "")
        q.terms = [t for t in q.terms if t.replace(" ", "") not in said and t not in ("ข้อความ", "ตัวเลข")]
    if q.responsible_is:  # the unit's name is the condition, not a topic word
        q.terms = [t for t in q.terms if t not in q.responsible_is]
    if q.level_column or _level_choices(rest, words):  # level words ("สพฐ./สพท./รร.") are no topic words
        levels = {thai.squash(w) for w in (words.get("level_column") or {})}
        q.terms = [t for t in q.terms if thai.squash(t) not in levels and t not in ("ครบ", "สาม", "ทั้งสาม")]
    for role in _roles(subject, words):  # "ผอ.โรงเรียน": the plan's "ผู้อำนวยการสถานศึกษา", one term
        if role not in q.terms:
            q.terms.append(role)
    q.confidence = _confidence(q, words, fiscal_year, bool(relative))
    return q


# "ที่กลุ่มนโยบายและแผนรับผิดชอบ", "ซึ่งฝ่ายบุคคลดูแล": a unit named as the row's responsible column
_RESPONSIBLE_UNIT = re.compile(r"(?:ที่|ซึ่ง)\s*(?:กลุ่ม(?:งาน)?|ฝ่าย|งาน)\s*([ก-๙A-Za-z/ ]{2,30}?)\s*(?:เป็นผู้|เป็น)?\s*(?:รับผิดชอบ|ดูแล)")


def _column_says(s: str, words) -> str | None:
    """The words a list asks the responsible/source column to hold ("ที่ช่องผู้รับผิดชอบเขียนว่า
    แผนภาค 15 มีอะไรบ้าง" -> "แผนภาค 15"): lexicon ``column_names`` then ``column_says``."""
    cols, says = words.get("column_names") or (), words.get("column_says") or ()
    if not cols or not says:
        return None
    alt = lambda ws: "|".join(sorted(map(re.escape, ws), key=len, reverse=True))  # noqa: E731
    m = re.search(rf"(?:{alt(cols)})\s*(?:{alt(says)})\s*['\"“‘]?\s*(.{{2,40}}?)\s*['\"”’]?\s*"
                  rf"(?:มีอะไรบ้าง|มีอะไร|มีข้อไหน|มีตัวไหน|มีกี่|มีบ้าง|บ้าง|ครับ|ค่ะ|คะ|$)", s)
    said = m.group(1).strip() if m else ""
    return said if len(said.replace(" ", "")) >= 2 and said not in ("อะไร", "ใคร", "ไหน") else None


def _without_self_intro(s: str, words) -> str:
    """The question without a self-introduction ("เป็น ผอ.รร. ในสังกัด ชม.6 ค่ะ", "ผมเป็นครู
    ป.4 ครับ"): a clause opening with the lexicon's ``self_intro`` words and closed by a polite word."""
    intro = words.get("self_intro") or ()
    if not intro:
        return s
    alt = "|".join(sorted(map(re.escape, intro), key=len, reverse=True))
    return re.sub(rf"^\s*(?:{alt})[^?]{{1,50}}?(?:ครับ|ค่ะ|คะ|นะคะ|นะครับ|คับ)(?=\s+\S{{4}})", " ", s, count=1)


def _level_choices(s: str, words) -> str | None:
    """Two or more level-column words joined ("(สพฐ./สพท./รร.)", "สพฐ. หรือ สพท."), as written;
    None when there are none or nothing asks which."""
    cols = words.get("level_column") or {}
    alt = "|".join(sorted(map(re.escape, cols), key=len, reverse=True))
    if not alt:
        return None
    m = re.search(rf"(?:{alt})\.?(?:\s*(?:/|หรือ)\s*(?:{alt})\.?)+", s)
    return m.group(0) if m and re.search(r"ไหน|ใด|อะไร|หรือ", s) else None


def _roles(s: str, words) -> list[str]:
    """The plan's wording of the roles a question names ("ผอ.โรงเรียน" → "ผู้อำนวยการสถานศึกษา"),
    from the lexicon's ``roles`` (longest form first; a form inside a longer one counts once)."""
    squashed = thai.squash(s)
    forms = sorted(((thai.squash(f), canon) for canon, fs in (words.get("roles") or {}).items() for f in fs),
                   key=lambda x: -len(x[0]))
    out = []
    for form, canon in forms:
        if form and form in squashed:
            squashed = squashed.replace(form, " ")
            if canon not in out:
                out.append(canon)
    return out


@functools.lru_cache(maxsize=8)
def _target_set(verbs: tuple[str, ...]) -> re.Pattern:
    """"ตั้งไว้ 80", "กำหนดไว้ร้อยละ 90": a value set as a target, with the lexicon's ``target_set_verbs``."""
    alts = "|".join(re.escape(w) for w in sorted(verbs, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<!ไม่ได้)(?:{alts})\s*(?:ที่|แค่|เท่ากับ)?\s*(?:ร้อยละ\s*)?(\d+(?:\.\d+)?)(?![\d.])")


@functools.lru_cache(maxsize=8)
def _target_step(words: tuple[str, ...]) -> re.Pattern:
    """"เพิ่มขึ้นปีละ 2", "ขยับทีละร้อยละ 5": a step each year (the lexicon's ``step_each_year``)."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?:{alts})\s*(?:ร้อยละ\s*)?(\d+(?:\.\d+)?)(?![\d.])")


def _which_row(s: str, words) -> bool:
    """"ข้อไหนที่ตั้งไว้ 80", "ตัวไหนต่ำที่สุด": a question asking which row, without the word ตัวชี้วัด."""
    return any(w in s.replace(" ", "") for w in words.get("which_row", ()))


@functools.lru_cache(maxsize=8)
def _target_not(links: tuple[str, ...]) -> re.Pattern:
    """"ไม่ได้ตั้งไว้ 100", "เป้าไม่ใช่ร้อยละ 100": a target other than a value (the lexicon's
    ``target_not_links``), compiled once per lexicon."""
    alts = "|".join(re.escape(w) for w in sorted(links, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?:{alts})\s*(?:ที่|แค่)?\s*(?:ร้อยละ\s*)?(\d+(?:\.\d+)?)(?![\d.])")


def _bare_ref(s: str, words) -> tuple[str, str] | None:
    """A record named by a number with no record word ("ตัวที่ 6" → indicator, "ข้อ 3" →
    item: an indicator or guideline, whichever the conversation was about)."""
    for kind, ws in (words.get("bare_refs") or {}).items():
        alt = "|".join(sorted(map(re.escape, ws), key=len, reverse=True))
        if alt and (m := re.search(rf"(?<![ก-๙])(?:{alt})\s*(\d{{1,3}}(?:\.\d{{1,2}})?)(?![\d])", s)):
            return kind, m.group(1)
    return None


def _strip_polite(s: str) -> str:
    return re.sub(r"(?:ครับ|ค่ะ|คะ|นะ|จ้า|จ้ะ|ค่า|คับ|ฮะ|[\s!?.,~]|555+)+$", "", s.strip().lower())


def _is_more(norm: str, words) -> bool:
    core = _strip_polite(norm).replace(" ", "")
    return bool(core) and any(core == w or core == f"ขอ{w}" or core == f"{w}อีก" for w in words.get("more", ()))


def _is_smalltalk(norm: str, words) -> bool:
    core = _strip_polite(re.sub(r"[^\u0e00-\u0e7fA-Za-z0-9\s.,!?~]", " ", norm))  # emoji and symbols carry no question
    limit = int(words.get("smalltalk_max_chars", 24))
    if re.search(r"\d", core) or len(core) > 3 * limit:
        return False
    if len(core) > limit and (re.search(r"[?？]|ไหม|มั้ย|อะไร|อย่างไร|ยังไง|เท่า(?:ไร|ไหร่)|กี่|ไหน|ใคร|ขอ(?!บคุณ|บใจ)", core)
                              or not any(core.startswith(w) for w in words.get("smalltalk", ()))):
        return False  # a longer line is small talk only when it opens with a courtesy and asks nothing
    return any(w in core for w in words.get("smalltalk", ())) and not re.search(
        r"ตัวชี้วัด|กลยุทธ์|เป้า|นโยบาย|แผน|โครงการ|วิสัยทัศน์|พันธกิจ", core)


def _number_words(norm: str, words) -> str:
    """"ตัวชี้วัดแรก" / "กลยุทธ์ที่หนึ่ง" / "ข้อ ๑" → digits after the record word."""
    ords = words.get("ordinals") or {}
    if not ords:
        return norm
    alt = "|".join(sorted(map(re.escape, ords), key=len, reverse=True))
    # words that may follow the ordinal ("กลยุทธ์แรกว่าด้วยอะไร"): the lexicon's, with the built-in ones
    more = "".join(f"|{re.escape(w)}" for w in words.get("ordinal_followers") or ())
    pat = re.compile(rf"(กลยุทธ์|กลยุทธ|นโยบาย|ยุทธศาสตร์|ตัวชี้วัด|ตัวชีวัด|แนวทาง|(?<![ก-๙])(?:ข้อ|ตัว|อัน))\s*(ที่|ข้อ)?\s*({alt})(?=$|[^ก-๙]|ของ|ใน|ปี|เป้า|ค่า|ล่ะ|คือ|มี|ตั้ง|ได้|เท่า|กี่|อะไร"
                     rf"|ระดับ|ใคร|อยู่|หน่วย|รับผิดชอบ|ดูแล|ที่มา|แหล่ง|ผล|ชื่อ|ครับ|ค่ะ|คะ|นะ|หน่อย|เลย{more})")
    return pat.sub(lambda m: f"{m.group(1)}ที่ {ords[m.group(3)]}", norm)


def _relative_years(s: str, words, fiscal_year: int | None) -> list[int]:
    if fiscal_year is None:
        return []
    out = []
    for w, off in (words.get("relative_years") or {}).items():
        if w in s and isinstance(off, int):
            out.append(fiscal_year + off)
    return out


def _field(s: str, words) -> str | None:
    found = _fields(s, words)
    return found[0] if found else None


def _fields(s: str, words, strategy_words=()) -> list[str]:
    """Every field a question asks, in the lexicon's order ("อยู่กลยุทธ์ไหน ใครรับผิดชอบ").
    "Which strategy" is also asked by any of the plan's strategy heading words between
    "อยู่(ใน)" and a question word ("อยู่ประเด็นยุทธศาสตร์ที่เท่าไหร่", "อยู่จุดเน้นไหน")."""
    squashed = s.replace(" ", "")
    found = [name for name, ws in (words.get("fields") or {}).items()
             if any(w.replace(" ", "") in squashed for w in ws)]
    asks = words.get("which_strategy_asks") or ()
    if "which_strategy" not in found and strategy_words and asks:
        heads = "|".join(sorted(map(re.escape, strategy_words), key=len, reverse=True))
        alt = "|".join(sorted(map(re.escape, asks), key=len, reverse=True))
        if re.search(rf"อยู่(?:ใน)?(?:{heads})(?:ข้อ|ที่)?(?:{alt})", squashed):
            found.insert(0, "which_strategy")
    return found


def _level_column(s: str, words) -> str | None:
    """A list condition on the level/responsible column ("ตัวชี้วัดที่ สพท. รับผิดชอบ")."""
    if not re.search(r"รับผิดชอบ|ระดับ\s*(?:สพฐ|สพท|รร)|ของ\s*(?:สพฐ|สพท)", s) or not _LIST.search(s) and "ตัวชี้วัด" not in s:
        return None
    for w, col in (words.get("level_column") or {}).items():
        if re.search(rf"(?<![ก-๙]){re.escape(w)}\.?(?![ก-๙])", s):
            return col
    return None


def _confidence(q: Query, words, fiscal_year: int | None, relative: bool) -> float:
    """How sure the reading is: lowered by a relative year that could not be placed,
    an open question with no content words, or a topic-only indicator reference."""
    c = 1.0
    if any(w in q.norm for w in (words.get("relative_years") or {})) and not relative and not q.years \
            and not q.year_ref:
        c -= 0.5
    if q.intent == "open" and not q.terms:
        c -= 0.4
    if q.intent == "numeric" and not q.indicator:
        c -= 0.2  # linked by topic: the search must be sure
    return round(max(0.0, c), 2)


def _year_pos(norm: str, y: int) -> int | None:
    m = re.search(rf"{y}|(?<!\d){y % 100}(?!\d)", norm)
    return m.start() if m else None


_JUST_YEAR_WORDS = re.compile(r"\s*(?:ของ|ใน|ประจำ)?\s*(?:ปี(?:งบ(?:ประมาณ)?|การศึกษา)?)?\s*(?:พ\.?\s?ศ\.?)?\s*(?:25)?")


def _year_kinds(norm: str, years: list[int], met_target=(), result_phrases=()) -> dict[int, set[str]]:
    """Which kinds (target/result) the user asks for each year: each kind word belongs
    to the year written nearest to it ("ผลปี 61 กับเป้าปี 62")."""
    if not years:
        return {}
    pos = {}
    for y in years:
        m = re.search(rf"{y}|(?<!\d){y % 100}(?!\d)", norm)
        if m:
            pos[y] = m.start()
    if not pos:
        return {}
    out: dict[int, set[str]] = {y: set() for y in pos}
    met = re.compile("|".join(map(re.escape, met_target))) if met_target else None
    # "แล้วปี 61 ทำได้เท่าไร": a phrase asking what was achieved names its year's result
    done = re.compile("|".join(map(re.escape, result_phrases))) if result_phrases else None
    for kind, pat in (("result", _RESULT), ("target", _TARGET_WORD), ("result", met), ("result", done)):
        if pat is None:
            continue
        for m in pat.finditer(norm):
            # a kind word names the year written right after it ("เป้าปี 62"),
            # otherwise the nearest year before it ("ปี 61 ผลออกมา")
            after = [y for y in pos if pos[y] >= m.end() and _JUST_YEAR_WORDS.fullmatch(norm[m.end() : pos[y]])]
            before = [y for y in pos if pos[y] < m.start()]
            if after:
                out[min(after, key=lambda y: pos[y])].add(kind)
            elif before:
                out[max(before, key=lambda y: pos[y])].add(kind)
            else:
                out[min(pos, key=lambda y: abs(pos[y] - m.start()))].add(kind)
    return {y: k for y, k in out.items() if k}


def _grades(norm: str, words: dict) -> list[str]:
    """The school grades a question names ("ป.3", "ม 6", "ประถมศึกษาปีที่ 3"), as "ป.3"."""
    out: list[str] = []
    for abbr, full in (words.get("grades") or {}).items():
        for m in re.finditer(rf"(?<![ก-๙]){abbr}\.?\s*([1-6])(?!\d)|{full}\s*([1-6])(?!\d)", norm):
            g = f"{abbr}.{m.group(1) or m.group(2)}"
            if g not in out:
                out.append(g)
    return out


def grade_forms(grade: str, words: dict) -> list[str]:
    """The ways a plan prints ``grade`` ("ป.3" → "ป.3", "ประถมศึกษาปีที่ 3")."""
    abbr, _, n = grade.partition(".")
    full = (words.get("grades") or {}).get(abbr)
    return [grade, f"{abbr}{n}"] + ([f"{full} {n}", f"{full}{n}"] if full else [])


def _intent(q: Query, s: str) -> tuple[str, str | None]:
    whose = list(_WHOSE.finditer(s))
    if (q.unknown_doc or _QUOTED.search(q.norm) or re.search(r"(?:เขียน|ระบุ)ว่า", q.norm)) and whose \
            and len(re.sub(r"[\s?ครับค่ะคะนะ]+$", "", s[whose[-1].end():])) <= 3:
        return "whose", None  # "วิสัยทัศน์ 'X' เป็นของเขตไหน": whose plan prints the text
    if _DATE_Q.search(s):
        return "date", None
    if _BUDGET.search(s) and not re.search(r"ร้อยละ|%|kpi|ตัวชี้วัด|เบิกจ่าย", s, re.I):
        return "budget", None
    if _OTHER_TEXT.search(s):
        return "open", None
    about_records = bool(_GUIDE_WORD.search(s) or _IND_WORD.search(s))
    # "X อยู่กลยุทธ์ไหน" with no project word asks where the plan prints X (a field), not
    # where a new idea would fit
    printed_item = q.field == "which_strategy" and not _PROJECT.search(s)
    if _ALIGN.search(s) and (_PROJECT.search(s) or (_WHICH.search(s) and not about_records)) and not q.indicator \
            and not printed_item:
        return "align", None
    if _PROJECT.search(s) and _WHICH.search(s) and _STRAT_WORD.search(s) and not q.strategy:
        return "align", None
    if (_COMPARE.search(s) and (not q.unknown_doc or q.corpus_offices)) or len(q.corpus_offices) > 1:
        return "compare", None
    if re.search(r"สรุป|ภาพรวม|เน้นเรื่อง|เน้นอะไร|มุ่งเน้น", s) and not q.indicator and not _IND_WORD.search(s):
        return "strategy", None
    if q.strategy and _STRAT_WORD.search(s) and not q.indicator and not _GUIDE_WORD.search(s) \
            and not _IND_WORD.search(s) and not (_HOW_MUCH.search(s) and _TARGET_WORD.search(s)):
        return "strategy", None  # ("นโยบาย 4 … ร้อยละนักเรียน… ปี 68 เป้ากี่" asks a row's figure)
    if _VISION.search(s):
        return "overview", "vision"
    if _MISSION.search(s):
        return "overview", "mission"
    if _GOAL.search(s) and not q.strategy:
        return "overview", "goal"
    tl = _toneless(q.norm)
    numeric_words = bool(
        any(p.search(s) for p in (_TARGET, _HOW_MUCH, _RESULT))
        or any(p.search(tl) for p in _TONELESS_NUMERIC)
        or (q.years and q.corpus_offices and not _STRAT_WORD.search(s) and not _GUIDE_WORD.search(s))
    )
    listy = bool(_LIST.search(s))
    if q.indicator and (not listy or not re.search(r"(?:ไหน|อะไร|ใด)บ้าง|ทั้งหมด|รายการ|ทุกตัว|มีกี่", s)):
        return "numeric", None  # "ตัวชี้วัดที่ 14 ผลปี 61 เป็นยังไงบ้าง": that row's figures
    if q.every_year or q.below_target or q.unit_not or q.target_below or q.year_change or q.target_step \
            or (q.no_target and _IND_WORD.search(s)):
        return "list", None
    if numeric_words and not listy and not _GUIDE_WORD.search(s):
        return "numeric", None
    if numeric_words and listy and (_TARGET_WORD.search(s) or _RESULT.search(s)) and not _IND_WORD.search(s) \
            and not _GUIDE_WORD.search(s) and not _STRAT_WORD.search(s):
        # "ความพึงพอใจต่อการให้บริการ ตั้งเป้าไว้ยังไงบ้าง": the targets of each row on the topic
        q.plural = True
        return "numeric", None
    if _IND_WORD.search(s) and (listy or q.group or q.level):
        return "list", None
    if _GUIDE_WORD.search(s):
        return "guideline", None
    if _IND_WORD.search(s):
        return "list", None
    if _STRAT_WORD.search(s):
        return "strategy", None
    return "open", None


_TERM_STOP = set(
    "ของ ใน ที่ คือ อะไร บ้าง ไหน ใด เท่าไร เท่าไหร่ กี่ ครับ ค่ะ คะ นะ หน่อย ขอ อยาก ทราบ รู้ ช่วย บอก ค่า เป้าหมาย "
    "เป้า ตัวชี้วัด ชี้วัด ตัว กลยุทธ์ นโยบาย ปี มี ได้ ว่า ๆ เขียน ชื่อ อยู่ ด้วย ข้อ แผน เรื่อง เกี่ยวกับ ด้าน ไหม มั้ย "
    "ทั้งหมด รายการ และ หรือ กับ ให้ เป็น ไว้ ตั้ง ทุก แต่ละ ซึ่ง โดย จาก สำหรับ การ ความ อยู่ด้วย เขต สพป สพม "
    "หน่วยงาน สำนักงาน ระดับ ร้อยละ หน่วยนับ ไม่ใช่ ไม่ ค่าเป้า list kpi "
    "ยว เกี่ยว รวม แต่ หน่วย นี้ นั้น แล้ว ล่ะ ละ ทั้ง เท่ากับ เท่า กัน ดู อัน ๆ "
    "ไร ไห ไหร่ ยังไง เปอร์เซ็นต์ เปอร์ เซ็น เซ็นต์ จริง ต้อง ไว ตอ เท่ากัน "
    "งบ ปีงบ เดียวกัน เยอะ มาก น้อย ช่อง กลุ่ม อย่างไร ต่างกัน ตัวนั้น ตัวเดิม ข้างบน ถึง มั้ย ไหม เปล่า หรือเปล่า เลย สุดท้าย แรก ปัจจุบัน หน้า ถัดไป ก่อน ที่แล้ว แบบนี้ แบบ คล้าย คล้ายๆ "
    "ทำนองนี้ ประมาณนี้ ของแผน ถ้า เป็น เกี่ยวข้อง ทุกปี รายปี แต่ละปี "
    # words of asking and of who asks ("อยากได้ตัวเลข…", "ของเขตผม"): never the topic
    "พร้อม อยากได้ อยาก ตัวเลข ราย ผม ดิฉัน หนู ฉัน กระผม ช่วยบอก ขอดู ขอทราบ "
    # words about the page the user looks at ("เห็นหัวตารางเขียนว่า…")
    "เห็น หัว ตาราง หัวตาราง คอลัมน์ แถว เอกสาร ไฟล์ "
    # words that ask a name ("กลยุทธ์ที่ 2 ชื่อว่าอะไร")
    "ชื่อว่า เรียกว่า ว่าด้วย ชื่ออะไร".split()
)


@functools.lru_cache(maxsize=8)
def _target_is(links: tuple[str, ...]) -> re.Pattern:
    """"ตั้งเป้า(ปี 2570) ไว้ 100%", "เป้าแค่ร้อยละ 60", "เป้าหมายเท่ากับ 80": a target equal to a
    value, with the lexicon's linking words (``target_equal_links``). A linking word, ร้อยละ
    or % is needed, so "เป้าปี 68" or "เป้า 2570" is not a value. Compiled once per lexicon."""
    alts = "|".join(re.escape(w) for w in sorted(links, key=len, reverse=True)) or "(?!)"
    return re.compile(
        r"(?:เป้า(?:หมาย)?|ค่าเป้าหมาย)\s*(?:(?:ปี(?:งบประมาณ|งบ)?|พ\.?ศ\.?)\s*\d{2,4}\s*)?"
        rf"((?:(?:{alts})\s*)+)?(ร้อยละ\s*)?(\d+(?:\.\d+)?)(?![\d.])\s*(%|เปอร์เซ็นต์)?")


@functools.lru_cache(maxsize=8)
def _vocabulary_stop(followup: tuple, more: tuple, smalltalk: tuple, field_words: tuple) -> frozenset[str]:
    """Words that are never a topic: the stop list, the lexicon's conversation words and
    the tokens of its field phrases (tokenized once per lexicon, not per question)."""
    skip = set(_TERM_STOP) | set(followup) | set(more) | set(smalltalk)
    for w in field_words:
        skip |= set(thai.tokenize(w))
    skip |= {"ครู", "นักเรียน", "ผู้เรียน", "ผู้บริหาร", "สถานศึกษา", "โรงเรียน", "บุคลากร", "ผอ", "ผอ."}
    return frozenset(skip)


@functools.lru_cache(maxsize=8)
def _office_words(resolver: OfficeResolver) -> frozenset[str]:
    """Every office name and alias, squashed (computed once per resolver)."""
    return frozenset(thai.squash(a) for o in resolver.offices for a in (o.short, *o.aliases))


def _in_office_name(squashed: str, office_words: frozenset[str]) -> bool:
    """Whether a (squashed) word is part of an office name or alias."""
    return any(squashed in a for a in office_words)


def _terms(topic: str, q: Query, words=None) -> list[str]:
    """Content words of a list question that can filter indicators literally."""
    w = words or {}
    skip = set(_vocabulary_stop(tuple(w.get("followup", ())) + tuple(w.get("correction_words", ())),
                                tuple(w.get("more", ())), tuple(w.get("smalltalk", ())),
                                tuple(x for ws in (w.get("fields") or {}).values() for x in ws)
                                + tuple(w.get("met_target", ())) + tuple(w.get("result_phrases", ()))
                                + tuple(w.get("flat_from", ())) + tuple(w.get("which_year_asks", ()))
                                + tuple(w.get("context_relative_years") or ()) + tuple(w.get("relative_years") or ())
                                + tuple(w.get("pair_words", ())) + tuple(w.get("why_asks", ()))
                                + tuple(w.get("trend_asks", ()))))
    for group_words in (q.group or "", q.level or ""):
        skip |= set(thai.tokenize(group_words))
    topic = _RESULT.sub(lambda m: " " + " ".join(_RESULT_SUBJECT.findall(m.group(0))) + " ", topic)
    if parts := sorted(w.get("particles") or (), key=len, reverse=True):  # "ตัวไหนคะ" tokenizes as ไห + นคะ
        topic = re.sub("(?:" + "|".join(map(re.escape, parts)) + r")(?=[\s?!.]|$)", " ", topic)
    for pat in (_IND_WORD, _TARGET, _BELOW, _HOW_MUCH, _LIST, _STRAT_WORD, _GUIDE_WORD, _COMPARE):
        topic = pat.sub(" ", topic)
    out = []
    for key in sorted(w.get("synonyms") or {}, key=len, reverse=True):
        if re.search(r"[ก-๙]", key) and key in topic:  # "โค้ดดิ้ง": one lexicon word, not "โค้ด" + "ดิ้ง"
            out.append(key)
            topic = topic.replace(key, " ")
    for t in thai.tokenize(topic):
        if t in skip or len(t) < 2 or re.fullmatch(r"[\d.\-/]+", t) or not re.search(r"[ก-๙a-z]", t):
            continue
        out.append(t)
    return out


def _asked_years(norm: str, years: list[int], met_target=()) -> list[int]:
    """When a question quotes more years than it asks about ("หัวตารางเขียนว่า…ปี ๒๕๗๐
    งั้น…ปี 2567 เป้าเท่าไร"), keep the year written nearest before each question word."""
    asks = [m.start() for p in (_HOW_MUCH, _RESULT) for m in p.finditer(norm)]
    asks += [m.start() for w in met_target for m in re.finditer(re.escape(w), norm)]  # "ปี 61 ถึงเป้าไหม"
    asks += [m.start() for m in _TARGET_WORD.finditer(norm) if re.search(r"^.{0,12}(?:เท่า|กี่)", norm[m.start():])]
    merged: list[int] = []
    for a in sorted(set(asks)):  # "เป้าเท่าไร" is one question, not two
        if not merged or a - merged[-1] > 15:
            merged.append(a)
    asks = merged
    if not asks or len(asks) >= len(years):
        return years
    if _joined_years(norm, years):
        return years  # "ปี 66 กับ ปี 67 ตั้งไว้เท่าไหร่": both asked by one question word
    pos = {}
    for y in years:
        found = [m.start() for m in re.finditer(rf"{y}|(?<!\d){y % 100}(?!\d)", norm)]
        if found:
            pos[y] = found[-1]
    keep = []
    for a in sorted(set(asks)):
        before = [y for y in pos if pos[y] < a]
        if before:
            y = max(before, key=lambda y: pos[y])
            if y not in keep:
                keep.append(y)
    return keep or years


def _joined_years(norm: str, years: list[int]) -> bool:
    """Every year written next to the one before, joined only by "กับ / และ / หรือ / ,"."""
    pos = []
    for y in years:
        m = re.search(rf"{y}|(?<!\d){y % 100}(?!\d)", norm)
        if not m:
            return False
        pos.append((m.start(), m.end()))
    pos.sort()
    return all(re.fullmatch(r"\s*(?:กับ|และ|หรือ|,|/|\s)\s*(?:ปี(?:งบ(?:ประมาณ)?)?)?\s*(?:พ\.?\s?ศ\.?)?\s*", norm[a[1]:b[0]])
               for a, b in zip(pos, pos[1:], strict=False))


def _topic(s: str) -> str:
    """The subject words of a question (numbers of strategies/indicators removed)."""
    s = _STRATEGY.sub(" ", s)
    s = _INDICATOR.sub(" ", s)
    return " ".join(s.split())
