"""One plan builder: document blocks → the typed :class:`Plan`.

Headings open sections (vision, missions, goals, values, strategies with their goals,
guidelines and indicators); items and paragraphs fill them; tables are read by their
header row(s): each column's role and year come from the lexicon words and years in
its header cells (spanning cells included). Targets inside sentences (``ปี 2567 = 80``)
are read too. Options (:class:`BuildOptions`) hold the quirks of single documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.domain import lexicon, thai
from assistant.domain.models import (
    Guideline,
    Indicator,
    Plan,
    Span,
    Strategy,
    Target,
    TextItem,
    guideline_id,
    indicator_id,
    split_qualifier,
    strategy_id,
    target_id,
)
from assistant.ingest.columns import (
    Column,
    column,
    is_header_label,
    role_of,
    units,
    year_of,
    years_in,
)
from assistant.ingest.document import Block, Cell, Document
from assistant.ingest.layouts.base import BULLET, ITEM_NO, trim
from assistant.ingest.segment import NUMBERING, heading_word


@dataclass(frozen=True)
class BuildOptions:
    """Named quirks of one document (set in corpus metadata ``parse_options``)."""

    strategy_words: tuple[str, ...] = ()  # only these words open a strategy (default: the lexicon's)
    implicit_strategy: bool = True  # indicators before any strategy go to a strategy "1" (warned)
    sentence_targets: bool = True  # read "ปี 2567 = 80" inside indicator text
    word_targets: bool = True  # accept words (ดีเยี่ยม) as target values
    unit_words: bool = True  # a word value keeps the unit printed before it (ระดับดีมาก, not ดีมาก)
    # a column's role by its header label, over the lexicon's (``{"ผู้รับผิดชอบ": "source"}``: a
    # column headed "responsible" that holds the figures' sources)
    column_roles: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_meta(cls, raw: dict | None) -> BuildOptions:
        raw = dict(raw or {})
        if "strategy_words" in raw:
            raw["strategy_words"] = tuple(raw["strategy_words"])
        if "column_roles" in raw:
            raw["column_roles"] = tuple(sorted(dict(raw["column_roles"]).items()))
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown parse options: {sorted(unknown)}")
        return cls(**raw)


@dataclass
class BuildResult:
    plan: Plan
    warnings: list[str] = field(default_factory=list)


EVERY_YEAR = -1  # the year of a target set "per year" with no years named: each of the plan's years

_SECTION_OF = {"vision": "vision", "missions": "missions", "goals": "goals", "values": "values",
               "strategy": "strategy", "strategic_goals": "sgoals", "guidelines": "guidelines",
               "indicators": "indicators"}
_RESP = re.compile(r"[(（]\s*(?:หน่วยงาน(?:ที่)?|กลุ่ม|ผู้)รับผิดชอบ\s*[:：]?\s*([^)）\n]+)[)）]\s*$"
                   r"|\s(?:หน่วยงาน(?:ที่)?|กลุ่ม|ผู้)รับผิดชอบ\s*[:：]\s*([^\n]+)$")


class _Builder:
    def __init__(self, doc: Document, opts: BuildOptions, lex: lexicon.Lexicon):
        self.doc, self.opts, self.lex = doc, opts, lex
        self.plan = Plan(doc.doc_id)
        self.numbered_into: set[str] = set()  # strategies given rows by the rows' own numbers
        self.warnings: list[str] = []
        self.section: str | None = None
        self.strategy: Strategy | None = None
        self.ind_ids: set[str] = set()
        self.last_cols: list[Column] | None = None
        self.last_ind: Indicator | None = None
        self.open_ind: Indicator | None = None  # an indicator block whose labelled lines may follow
        self.open_fields = False  # the open indicator block has had a labelled line
        self.open_title: Strategy | None = None  # a strategy heading whose title may wrap onto the next line
        self.guessed_units: set[str] = set()  # indicators whose unit is a word of their text
        self.labelled: set[str] = set()  # indicators with labelled lines below them
        self.unit_labels = False  # the plan prints units as labelled lines (หน่วยนับ ...)
        self.list_word: str | None = None  # the heading word of a list of strategies ("ยุทธศาสตร์การพัฒนา")
        self.list_child: str | None = None  # the role of items right below each strategy of a list
        self.prev_end = 0  # end of the previous block
        self.open_depth: int | None = None  # list depth of the open indicator's block (items nested deeper are its own)
        self.open_label: str | None = None  # the role of a labelled line with no value (ค่าเป้าหมาย) whose values follow
        self.open_year: int | None = None  # a block that is only a year (<dt>ปี 2569</dt>): its value follows
        self.top_guideline: tuple[Guideline, int] | None = None  # the last guideline of a nested list, its depth
        self.list_section = False  # the current section's content so far came as list items
        self.numbered_list = False  # ... and the last of them was numbered
        self.child_section = False  # the section is the role a list of strategies named for its items
        self.is_furniture = web_furniture(lex)
        self.last_item: TextItem | Guideline | None = None  # the list item read last
        self.labels = _label_pattern(lex)
        self.label_role = _label_roles(lex)
        self.breaks = tuple(lex.words("plan", "section_breaks"))
        self.roles = {}
        for key in _SECTION_OF:
            for w in lex.words("plan", key):
                self.roles.setdefault(w, _SECTION_OF[key])
        if opts.strategy_words:
            for w in [w for w, r in self.roles.items() if r == "strategy"]:
                if w not in opts.strategy_words:
                    del self.roles[w]

    # ------------------------------------------------------------ helpers
    def span(self, a: int, b: int) -> Span:
        """A trimmed span; Markdown emphasis around the whole text is left out."""
        a, b = trim(self.doc.text, a, b)
        t = self.doc.text
        while a < b and t[a] in "*_" and t[b - 1] in "*_":
            a, b = trim(t, a + 1, b - 1)
        return Span(self.doc.doc_id, a, b)

    def quote(self, a: int, b: int) -> str:
        return self.doc.text[a:b]

    def _role(self, text: str) -> tuple[str | None, str | None]:
        w = heading_word(text)
        if w is None:
            return None, None
        r = self.roles.get(w)
        if r == "goals" and self.strategy is not None:
            r = "sgoals"
        if r == "sgoals" and self.strategy is None:
            r = "goals"
        return r, w

    # ------------------------------------------------------------ blocks
    def run(self) -> Plan:
        card: Indicator | None = None
        note = _table_note_pattern(self.lex)
        table_rows: list = []  # indicators of the table just read (its parts broken by pages), for a note under it
        pending: str | None = None  # a responsible note above a table, for its rows
        group_unit: str | None = None  # the unit a note above gave the table being read
        after_table = False
        for b in self.doc.blocks:
            if b.kind == "table":
                held, self.open_ind, self.open_title = self.open_ind or card, None, None
                self.last_item = None  # a paragraph after a table is no rest of an item above it
                card = None  # an indicator heading's card holds one table of its years
                before = {i.id for i in self.plan.indicators()}
                if held is None or not self.year_rows(held, b.rows):
                    self.table(b)
                new = [i for i in self.plan.indicators() if i.id not in before]
                if not after_table:
                    table_rows, group_unit = [], None
                table_rows += new
                if pending and new:  # a note above the table: its parts broken by pages too
                    group_unit, pending = pending, None
                if group_unit:
                    _table_responsible(new, group_unit)
                after_table = True
                self.prev_end = b.end
                continue
            elif b.furniture or self.is_furniture(self.quote(b.start, b.end)):
                continue
            after_label, after_table = after_table, False
            m = _table_note(note, thai.one_line(self.quote(b.start, b.end)), self.lex) \
                if note and b.kind != "heading" and self.open_ind is None else None
            if m:  # "หน่วยงานรับผิดชอบหลัก : X" under (or above) a table (no field of an indicator read from text)
                if table_rows and group_unit is None:
                    _table_responsible(table_rows, m.group(1))
                    table_rows = []
                else:
                    pending = m.group(1)
                self.prev_end = b.end
                continue
            if b.kind == "heading" and after_label and is_header_label(self.quote(b.start, b.end)):
                after_table = True  # a header's label left between a table's parts by a page keeps them one
            elif b.kind == "heading":
                table_rows, pending = [], None
            if b.kind in ("heading", "paragraph", "item"):
                self.text_block(b)
                if b.kind == "heading":
                    card = self.open_ind  # an indicator heading opens its card: a note may stand before its table
            else:
                continue
            self.prev_end = b.end
        for ind in self.plan.indicators():
            if ind.id in self.guessed_units and ind.id in self.labelled:
                # labelled lines below the indicator name no unit: the word of its text is none
                for t in ind.targets:
                    t.unit = None if t.unit == ind.unit else t.unit
                ind.unit = None
        self._spread_every_year()
        self._fiscal_year()
        for ind in self.plan.indicators():
            us = {t.unit for t in ind.targets if t.kind == "target"}
            if ind.unit is None and len(us) == 1 and None not in us and all(t.numeric is not None for t in ind.targets):
                ind.unit = us.pop()  # an empty unit cell, every figure printed with one unit ("ร้อยละ ๘๒")
        for ind in self.plan.indicators():
            if ind.id in self.guessed_units and ind.targets and all(t.numeric is None for t in ind.targets) \
                    and (self.unit_labels or not all(t.value.startswith(ind.unit or "\0") for t in ind.targets)):
                # targets that are words ("ทุกโรงเรียน"): a word of the text is no unit of theirs, unless
                # each one starts with it ("ระดับมาก") in a plan that prints no unit labels
                for t in ind.targets:
                    t.unit = None if t.unit == ind.unit else t.unit
                ind.unit = None
        years = sorted({t.year for i in self.plan.indicators() for t in i.targets if t.year and t.kind == "target"})
        if years:
            self.plan.years = (years[0], years[-1])
        return self.plan

    def _spread_every_year(self) -> None:
        """Targets set "per year" with no years named (``ไม่เกิน 3 คน ต่อปี``) become one
        target for each year of the plan's yearly targets (one without a year when the
        plan names none)."""
        every = [(i, t) for i in self.plan.indicators() for t in i.targets if t.year == EVERY_YEAR]
        if not every:
            return
        years = sorted({t.year for i in self.plan.indicators() for t in i.targets
                        if t.year and t.year != EVERY_YEAR and t.kind == "target"})
        for ind, t in every:
            ind.targets.remove(t)
            for y in range(years[0], years[-1] + 1) if years else [None]:
                tid = target_id(ind.id, y, t.kind, t.sub_item)
                if not any(x.id == tid for x in ind.targets):
                    ind.targets.append(Target(tid, ind.id, y, t.kind, t.value, t.numeric, t.unit, t.span, t.sub_item,
                                              t.qualifier))
            ind.targets.sort(key=lambda x: (x.kind != "target", x.year or 0))

    def text_block(self, b: Block) -> None:
        raw = self.quote(b.start, b.end)
        if self._indicator_note(raw):
            self.section = self.open_ind = None  # a note ends the section, as หมายเหตุ does
            return
        title, self.open_title = self.open_title, None
        if self.section in ("vision", "missions", "goals", "values") and self._empty_paragraph_before(b):
            self.section = None  # a web page's empty paragraph (<p>&nbsp;</p>) ends a plan-level section
        role, word = self._role(raw)
        if role is None and self.strategy is not None and self._goal_heading(raw):
            # "1.1 เป้าหมาย" inside a strategy: its goals follow
            self.section, self.open_ind, self.child_section, self.list_section = "sgoals", None, False, False
            return
        if role and (b.kind == "heading" or self._heading_like(raw, word)):
            self.open_ind = None
            self.heading(b, raw, role, word)
            return
        if self.breaks and self._caption_heading(b, raw):
            return
        if self.breaks and _strip_number(thai.clean(raw)).startswith(self.breaks):
            self.section, self.open_ind = None, None  # a table caption or notes end the section
            return
        if title is not None and b.kind == "paragraph" and self._wrapped(b) and not self._part_line(raw):
            title.title = f"{title.title}{_glue(title.title, raw)}{thai.one_line(raw)}"
            return
        if self.open_ind is not None and b.kind in ("paragraph", "item") and self.indicator_lines(b):
            return
        self.open_ind = None
        if self.last_item is not None and b.kind == "paragraph" and self._page_goes_on(b):
            item = self.last_item  # a list item broken across a page
            item.text = f"{item.text}{_glue(item.text, raw)}{thai.one_line(raw)}"
            return
        self.last_item = None
        self.content(b, raw)

    def _indicator_note(self, raw: str) -> bool:
        """A note line naming an indicator (``* ค่าเป้าหมายปี 2571 ของตัวชี้วัด 4.3 จะทบทวน...``,
        ``หมายเหตุ : ตัวชี้วัด 1.3 กำหนดค่าเป้าหมายเท่ากันทุกปี / ...``) is that indicator's note:
        the part of the line naming it (up to a ``/``)."""
        s = thai.one_line(raw)
        marks = tuple(self.lex.words("plan", "note_marks"))
        if not s.startswith(marks):
            return False
        found = False
        words = "|".join(map(re.escape, self.lex.words("plan", "indicators")))
        for part in re.split(r"\s/\s", s.lstrip("".join(m for m in marks if len(m) == 1)).strip()):
            part = re.sub(r"^(?:หมายเหตุ)\s*[:：]?\s*", "", part).strip()
            m = re.search(rf"(?:{words})\s*(?:ที่\s*)?([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)", part) if words else None
            if not m:
                continue
            no = thai.to_arabic(m.group(1))
            pool = (self.strategy.indicators if self.strategy else []) + self.plan.indicators()
            ind = next((i for i in pool if i.number == no), None)
            if ind is not None:
                ind.add_note(part)
                found = True
            elif self._note_words(part):
                found = True  # a footnote about an indicator not read (another numbering): no indicator of its own
        return found

    def _note_words(self, part: str) -> bool:
        """A note's sentence: it says a target is not set yet (lexicon ``no_target``), without
        figures of its own."""
        return any(w in part for w in self.lex.words("plan", "no_target")) and not self._has_targets(part)

    def _caption_heading(self, b: Block, raw: str) -> bool:
        """A table caption that names a strategy (``ตารางที่ 1 กลยุทธ์ที่ 1 <title>``): the
        strategy's heading, for plans that name their strategies only in captions."""
        words = "|".join(map(re.escape, self.breaks))
        m = re.match(rf"[\s#*_]*(?:{words})\s*[0-9๐-๙.]*\s*[:：.\-–]?\s*", raw)  # "**ตารางที่ 2 ...**" too
        if not m or m.end() >= len(raw):
            return False
        rest = raw[m.end():]
        role, word = self._role(rest)
        if role != "strategy" or not re.search(r"ที่\s*[0-9๐-๙]", thai.one_line(rest).split(word, 1)[-1][:8]):
            return False
        self.open_ind = None
        self.heading(Block("heading", b.start + m.end(), b.end), rest, role, word)
        return True

    def _page_goes_on(self, b: Block) -> bool:
        """The block starts a page and the previous page ended mid-paragraph (no blank
        line before the page break)."""
        if not self.doc.page_starts or self.doc.page_of(b.start) == self.doc.page_of(self.prev_end):
            return False
        gap = self.doc.text[self.prev_end:b.start]
        before = gap.split("\f", 1)[0] if "\f" in gap else gap[: gap.find("\n") + 1]
        return not re.search(r"\n[ \t]*\n", before)
    def _empty_paragraph_before(self, b: Block) -> bool:
        """A line of only no-break spaces between the previous block and ``b`` (text of a web
        page, where blank lines separate every paragraph)."""
        gap = self.doc.text[self.prev_end:b.start].split("\n")[1:-1]
        return any(ln.strip(" \t\u00a0") == "" and "\u00a0" in ln for ln in gap)

    def _goal_heading(self, raw: str) -> bool:
        """A numbered line that is only a word of lexicon ``goal_headings_alone`` ("1.1 เป้าหมาย"),
        with no indicator open (whose labelled line "เป้าหมาย:" it would be)."""
        m = NUMBERING.match(raw)
        if not m or not m.group(1) or self.open_ind is not None:
            return False
        return thai.one_line(raw[m.end():]).strip(" *#") in self.lex.words("plan", "goal_headings_alone")

    def _part_line(self, raw: str) -> bool:
        """A line opening a numbered part of the document (lexicon ``part_words``: ``ส่วนที่ 2 …``)."""
        words = "|".join(map(re.escape, self.lex.words("plan", "part_words")))
        return bool(words and re.match(rf"[\s#*]*(?:{words})\s*[0-9๐-๙]", raw))

    def _wrapped(self, b: Block) -> bool:
        """A single line right below the previous block in text laid out by lines (plain
        text, PDF): the previous block's line wrapped."""
        gap = self.doc.text[self.prev_end:b.start]
        return (self.doc.format in ("txt", "pdf") and "\n" not in self.quote(b.start, b.end)
                and gap.count("\n") == 1 and not gap.strip() and len(thai.one_line(self.quote(b.start, b.end))) <= 80)

    # ------------------------------------------------------------ indicator blocks
    def indicator_lines(self, b: Block) -> bool:
        """Lines below an indicator (``หน่วยนับ ร้อยละ``, ``ค่าฐาน (ปี 2566) = 70``,
        ``ค่าเป้าหมาย ปี 2567 = 85 ...``, ``ผู้รับผิดชอบ ...``), and the wrapped rest of its
        text before them. False when the block is not part of the indicator."""
        ind = self.open_ind
        sub = self.quote(b.start, b.end)
        marks = list(self.labels.finditer(sub))
        first = marks[0].start(1) if marks else None
        if not marks and self._nested(b) and self._keyed_line(ind, b, sub):
            return True  # "2568 ร้อยละ 60" nested under the indicator (or under its ค่าเป้าหมาย line)
        if not marks and self._label_value(ind, b, sub):
            return True  # the value of the label block above it (<dt>หน่วยนับ</dt><dd>ร้อยละ</dd>)
        if first is None and b.number is None and "." in ind.number_raw and self._note(b, sub) \
                and not self._has_targets(sub):
            return True  # "* ปี 2568 ยังไม่กำหนดค่าเป้าหมาย": a note under the indicator
        if (b.kind == "paragraph" or b.kind == "item" and b.number is None) and self._continue_values(ind, b, sub, marks):
            return True  # a sentence or an unnumbered sub-item of values ("ปี 2568: 75")
        if first is None or sub[:first].strip(" \t-–•*"):
            # text before any label: the indicator's text wrapped onto this line
            if self.open_fields or (b.kind != "paragraph" and not self._wrapped_number(b, sub, first)) \
                    or (first is None and not self._wrapped(b)):
                return False
            head = sub[:first] if first is not None else sub
            ind.text = f"{ind.text}{_glue(ind.text, head)}{thai.one_line(head)}"
        if marks:
            self.fields(ind, b.start, sub, marks)
            self.open_fields = True
        return True

    def _label_value(self, ind: Indicator, b: Block, sub: str) -> bool:
        """A label and its value in two blocks (a definition list, a label paragraph): a block
        that is only a year (``ปี 2569``) or a label with no value (``หน่วยนับ``) is followed by
        the value it labels."""
        s = thai.to_arabic(thai.one_line(sub))
        year = re.fullmatch(r"(?:ปี(?:งบประมาณ|การศึกษา)?\s*)?(?:พ\.\s?ศ\.\s*)?(25\d\d)\s*[:：]?", s)
        if year and b.kind == "paragraph":
            self.open_year = int(year.group(1))
            return True
        role, y = self.open_label, self.open_year
        if (role is None and y is None) or b.kind == "heading" or b.number or len(s) > 120 or heading_word(s):
            return False
        a, z = trim(self.doc.text, b.start, b.end)
        self.open_year = None
        if y is not None:
            self.add_target(ind, y, "target", a, z, ind.unit)
            return True
        self.open_label = None
        keyed = self._keyed_values(sub, b.start)
        if role not in ("target", "result") and (keyed or self._has_targets(sub)):
            return False  # an empty หน่วยนับ line, then the yearly values: no unit
        if role in ("target", "result"):
            vals = [(yy, va, vz, va, "target") for yy, va, vz in keyed] or \
                [v for v in self._sentence_values(sub, b.start) if v[4] != "baseline"]
            for yy, va, vz, _, _kind in vals:
                self.add_target(ind, yy, role, va, vz, ind.unit)
            if keyed:
                self.open_label = role  # more year-keyed lines may follow
            return bool(vals)
        if role == "unit" and len(s) <= 20:
            ind.unit = s
            self.guessed_units.discard(ind.id)
            for t in ind.targets:
                t.unit = t.unit or s
        elif role == "baseline" and thai.parse_number(s.split()[0]) is not None:
            ind.baseline = thai.printed_value(s.split()[0])
        elif role in ("responsible", "source"):
            setattr(ind, role, s)
        else:
            return False
        return True

    def _nested(self, b: Block) -> bool:
        """The block is a list item nested below the open indicator's own block."""
        return b.kind == "item" and b.depth is not None and self.open_depth is not None and b.depth > self.open_depth

    def _keyed_line(self, ind: Indicator, b: Block, sub: str) -> bool:
        """A line of year-keyed values below an indicator: the values of the labelled line
        above it that had none (``ค่าเป้าหมาย`` → ``2568 ร้อยละ 60``), targets otherwise."""
        lead = BULLET.match(sub)
        k = lead.end() if lead else 0
        vals = self._keyed_values(sub[k:], b.start + k)
        if not vals:
            return False
        kind = self.open_label if self.open_label in ("target", "result") else "target"
        for year, a, z in vals:
            self.add_target(ind, year, kind, a, z, ind.unit)
        return True

    def _keyed_values(self, raw: str, base: int) -> list[tuple[int, int, int]]:
        """(year, value start, value end) of year-keyed values, the year first and the value
        after it with or without a separator: ``2568 ร้อยละ 60``, ``2568 – 70 | 2569 – 75``,
        ``ปี 2569 = ดีเลิศ / ปี 2570 = ยอดเยี่ยม``. Each value ends at a separator (``|`` ``/``
        ``,`` ``;``) or the next year; the whole text must be such pairs."""
        s = thai.to_arabic(raw)
        year_word = r"(?:ปี(?:งบประมาณ|การศึกษา)?\s*(?:พ\.\s?ศ\.\s*)?)?"
        # separators: dashes and the lexicon's (= : เท่ากับ จำนวน ...), not units (ร้อยละ stays with its value)
        seps = "|".join(["[-–—]", *(re.escape(w) for w in sorted(self.lex.words("plan", "year_value_sep"), key=len, reverse=True)
                                   if w not in units())])
        pair = re.compile(rf"\s*{year_word}(?<![0-9.,])(?P<y>25\d\d)(?![0-9])\s*(?:{seps})?\s*"
                          rf"(?P<v>[^|/,;\s](?:[^|/,;]*?[^|/,;\s])?)\s*(?=[|/,;]|$|{year_word}25\d\d(?![0-9]))"
                          r"[|/,;]?")
        out, pos = [], 0
        while pos < len(s.rstrip()):
            m = pair.match(s, pos)
            if not m or len(m.group("v")) > 40:
                return []
            out.append((int(m.group("y")), base + m.start("v"), base + m.end("v")))
            pos = m.end()
        return out

    def _continue_values(self, ind: Indicator, b: Block, sub: str, marks: list) -> bool:
        """A sentence of yearly values under an indicator block (``ตั้งเป้าปี 2568 ไว้ร้อยละ
        95 ปี 2569 ร้อยละ 96``, ``ผลการดำเนินงานปี 2567 (ค่าฐาน) อยู่ที่ ร้อยละ 45``): its
        values are the indicator's, and the sentence is no indicator of its own."""
        if marks and (len(marks) > 1 or self.label_role[marks[0].group(1)] not in ("baseline", "result")
                      or self.open_fields):
            return False  # labelled lines (หน่วยนับ ..., ค่าเป้าหมาย ...) are read as fields
        vals = self._sentence_values(sub, b.start)
        if not vals or marks and not any(v[4] == "target" for v in vals) \
                or NUMBERING.match(sub) and NUMBERING.match(sub).group(1) and not sub.lstrip().startswith("ปี"):
            return False
        lead = thai.to_arabic(sub)[: vals[0][3] - b.start]
        words = [*self.lex.words("plan", "target_intro"), *self.lex.words("plan", "baseline"),
                 *self.lex.words("plan", "result")]
        if b.kind == "item" and len(BULLET.sub("", lead).strip()) > 15:
            return False  # an item with text before its values: an indicator of its own
        if len(lead.strip()) > 30 and not any(w in lead for w in words) \
                and not re.search(r"ปี(?:งบประมาณ|การศึกษา)?\s*(?:พ\.\s?ศ\.\s*)?25\d\d", lead):
            return False  # a sentence of its own before the values: no part of the indicator
        unit = self._value_unit(sub, vals, b.start)
        if unit and (ind.unit is None or ind.id in self.guessed_units):
            ind.unit = unit
            self.guessed_units.discard(ind.id)
        if not any(v[4] == "baseline" for v in vals) and ind.baseline is None:
            vals = vals + self._lead_baseline(sub, b.start, vals)
        self._add_values(ind, vals, ind.unit)
        resp = self._responsible(sub)
        if resp and not ind.responsible:
            ind.responsible = resp
        self._no_target_note(ind, sub)
        return True

    def _no_target_note(self, ind: Indicator, sub: str) -> None:
        """A sentence saying a year's target is not set (``ส่วนปี 2570 จะกำหนดค่าเป้าหมาย
        ภายหลัง...``) is kept as the indicator's note (without a trailing responsible unit)."""
        words = self.lex.words("plan", "no_target")
        s = thai.one_line(sub)
        if not words or not any(w in s for w in words):
            return
        resp = _RESP.search(s)
        s = s[: resp.start()].rstrip() if resp else s
        tail = re.search(r"\s*[(（][^()（）]*[)）]$", s)
        if tail and self._responsible(tail.group()):
            s = s[: tail.start()]  # "(กลุ่มพัฒนาครูฯ)"
        ind.add_note(s)

    def _lead_baseline(self, sub: str, base: int, vals) -> list:
        """The starting figure a sentence gives before its targets, as a baseline: the
        figure right before a baseline word (``ร้อยละ 31.20 ซึ่งใช้เป็นค่าฐาน``), else the last
        figure of the lead when the lead names an earlier year (``ในปีการศึกษา 2567 มีนักเรียน
        ... 22 คน ตั้งเป้าหมาย...``) or a result word (``จากผลการดำเนินงาน...อยู่ที่ร้อยละ 96.50``)."""
        targets = [v for v in vals if v[4] == "target"]
        if not targets:
            return []
        s = thai.to_arabic(sub)
        lead = s[: min(v[3] for v in targets) - base]
        unit_words = "|".join(map(re.escape, units()))
        figs = list(re.finditer(rf"(?:(?:{unit_words})\s*)(?P<v>[0-9]+(?:[.,][0-9]+)?)(?![0-9.])"
                                rf"|(?<![0-9.])(?P<w>[0-9]+(?:[.,][0-9]+)?)\s*(?:{unit_words})", lead))
        if not figs:
            return []
        base_words = "|".join(map(re.escape, self.lex.words("plan", "baseline")))
        first = min(v[0] for v in targets if v[0] and v[0] > 0) if any(v[0] and v[0] > 0 for v in targets) else None
        years = [int(y) for y in re.findall(r"(?<![0-9])25\d\d(?![0-9])", lead)]
        earlier = [y for y in years if first and y < first]
        pick = None
        for f in figs:
            if base_words and re.match(rf"\s*(?:ซึ่ง)?(?:ใช้)?(?:เป็น)?\s*(?:{base_words})", lead[f.end():]):
                pick = f
        results = self.lex.words("plan", "result")
        if pick is None and (earlier or any(w in lead for w in results)):
            pick = figs[-1]
        if pick is None:
            return []
        g = "v" if pick.group("v") else "w"
        return [(earlier[0] if earlier else None, base + pick.start(g), base + pick.end(g), base + pick.start(), "baseline")]

    def _responsible(self, sub: str) -> str | None:
        """The responsible unit a sentence names at its end: ``(ผู้รับผิดชอบ: ...)`` or a
        unit's name in parentheses (``(กลุ่มอำนวยการ)``, lexicon ``responsible_units``)."""
        resp = _RESP.search(sub)
        if resp:
            return thai.one_line(resp.group(1) or resp.group(2))
        heads = "|".join(map(re.escape, self.lex.words("plan", "responsible_units")))
        m = re.search(rf"[(（]\s*((?:{heads})[^()（）\n]+)[)）]\s*$", sub.rstrip(" .")) if heads else None
        return thai.one_line(m.group(1)) if m else None

    def _note(self, b: Block, sub: str) -> bool:
        """A note below an indicator: a line marked with a note mark (lexicon ``note_marks``),
        unnumbered and without values, below indicators numbered ``1.2`` (so a list of
        bulleted indicators is no list of notes)."""
        s = sub.lstrip()
        return any(s.startswith(m) and not s.startswith(m * 2) for m in self.lex.words("plan", "note_marks"))

    def _add_values(self, ind: Indicator, vals, unit: str | None) -> None:
        for year, a, z, _, kind in vals:
            if kind == "baseline":
                if ind.baseline is None:
                    ind.baseline, ind.baseline_year = self._strip_unit(thai.printed_value(self.quote(a, z))), year
            else:
                self.add_target(ind, year, kind, a, z, unit)

    @staticmethod
    def _strip_unit(value: str) -> str:
        """A figure without the unit printed before it (``ร้อยละ 45`` → ``45``)."""
        for u in units():
            if value.startswith(u) and thai.parse_number(value[len(u):].strip()) is not None:
                return value[len(u):].strip()
        return value

    def _wrapped_number(self, b: Block, sub: str, first: int | None) -> bool:
        """An "item" that is the indicator's text wrapped at a number (``ปีที่⏎๓ ด้าน...``):
        a bare number (no ``.`` or ``)``) right below, with the labelled lines under it."""
        gap = self.doc.text[self.prev_end:b.start]
        return (first is not None and gap.count("\n") == 1 and not gap.strip()
                and re.match(r"[0-9๐-๙]+\s", sub) is not None and self.doc.format in ("txt", "pdf"))

    def fields(self, ind: Indicator, base: int, sub: str, marks: list) -> None:
        """Read the labelled fields of an indicator from ``sub`` (at offset ``base``)."""
        self.labelled.add(ind.id)
        guessed = ind.id in self.guessed_units
        self.open_label = None
        for k, m in enumerate(marks):
            role = self.label_role[m.group(1)]
            if role == "unit":
                self.guessed_units.discard(ind.id)
                self.unit_labels = True
            nxt = marks[k + 1].start(1) if k + 1 < len(marks) else len(sub)
            end = nxt if role in ("target", "responsible") else min(nxt, _line_end(sub, m.end(1)))
            a, z = base + m.end(1), base + end
            value = thai.one_line(self.quote(a, z)).strip(" :：;,|")
            if not value and k == len(marks) - 1:
                self.open_label = role  # "ค่าเป้าหมาย" with its values on the lines below
            if role == "unit":
                # an empty หน่วยนับ line: the indicator has no unit (not a word guessed from its text)
                ind.unit = value or (None if guessed else ind.unit)
            elif role == "baseline":
                results = "|".join(map(re.escape, self.lex.words("plan", "result")))
                v = re.match(r"\(?\s*(?:(?:" + results + r")?\s*ปี(?:งบประมาณ|การศึกษา)?\s*(?:พ\.\s?ศ\.\s*)?([0-9๐-๙]{2,4}))?\s*\)?\s*"
                             r"(?:[=:：]|เท่ากับ)?\s*(?:ร้อยละ)?\s*([^\s()]+)"
                             r"(?:\s*[(（]\s*ปี(?:งบประมาณ|การศึกษา)?\s*(?:พ\.\s?ศ\.\s*)?([0-9๐-๙]{2,4})\s*[)）])?", value)
                if v and v.group(2) not in ("-", "–", "—"):
                    ind.baseline = thai.printed_value(v.group(2))
                    y = v.group(1) or v.group(3)  # "ค่าฐาน (ปี 2566) 70", "ค่าฐาน 70 (ปี 2566)"
                    ind.baseline_year = thai.be_year(int(thai.to_arabic(y))) if y else None
            elif role == "target":
                vals = self._sentence_values(self.quote(base + m.start(1), z), base + m.start(1))
                if not any(v[0] for v in vals):  # "ค่าเป้าหมาย : 2568 – 70 | 2569 – 75"
                    keyed = self._keyed_values(self.quote(a, z).lstrip(" :：=").rstrip(" |;"),
                                               a + len(self.quote(a, z)) - len(self.quote(a, z).lstrip(" :：=")))
                    vals = [(y, va, vz, va, "target") for y, va, vz in keyed] or vals
                for year, va, vz, _, kind in vals:
                    if kind != "baseline":
                        self.add_target(ind, year, kind, va, vz, ind.unit)
            elif role in ("responsible", "source") and value:
                setattr(ind, role, value)
        for t in ind.targets:
            t.unit = t.unit or ind.unit
        if self.doc.page_of(base) == self.doc.page_of(ind.span.start):
            ind.span = self.span(ind.span.start, base + len(sub))

    @staticmethod
    def _heading_like(raw: str, word: str) -> bool:
        rest = thai.one_line(raw).split(word, 1)[-1]
        return not rest.strip(" :*") or bool(re.match(r"\s*ที่\s*[0-9๐-๙]", rest)) or rest.lstrip().startswith(":")

    def _after_word(self, b: Block, raw: str, word: str) -> tuple[int, str]:
        """Offset and text after the heading word (and ``ที่ N`` and a colon)."""
        k = raw.find(word) + len(word)
        m = re.match(r"\s*(?:ที่\s*([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)\.?|([0-9๐-๙]+(?:\.[0-9๐-๙]+)+)\.?(?=\s))?\s*"
                     r"(?:\([A-Za-z ]+\))?[*\s]*[:：.\-–]?\s*", raw[k:])
        # "ตัวชี้วัดที่ 3.1", and "ตัวชี้วัด 3.1" (a dotted number needs no ที่)
        return b.start + k + m.end(), m.group(1) or m.group(2) or ""

    def heading(self, b: Block, raw: str, role: str, word: str) -> None:
        self.list_section, self.top_guideline, self.child_section = False, None, False
        pos, number = self._after_word(b, raw, word)
        rest = self.quote(pos, b.end).strip(" *#:")
        if role in ("goals", "sgoals", "missions", "values") and number and rest and self.section == role:
            self.add_item(role, Block("item", pos, b.end, number=number), rest)
            return
        if role == "guidelines" and not number and b.number and rest and self.strategy is not None \
                and self.section == "guidelines":
            # "๑.๒ มาตรการเฝ้าระวังฝุ่น" in a list of guidelines: an item starting with the word
            self.add_item("guidelines", Block("item", b.start, b.end, number=b.number), raw)
            return
        if role in ("guidelines", "indicators") and number and rest and self.strategy is not None:
            # "แนวทางที่ ๑ <text>", "ตัวชี้วัดที่ ๒ <text>": the heading is the item
            self.section = role
            item = Block("item", pos, b.end, number=thai.to_arabic(number), depth=b.depth)
            if role == "indicators":
                self.sentence_indicator(self.strategy, item, self.quote(pos, b.end), item.number, number)
            else:
                self.add_item(role, item, self.quote(pos, b.end))
            return
        if role == "strategy" and not number and rest:
            other = self._other_role(rest)
            if other in ("guidelines", "indicators", "sgoals") and self.strategy is not None \
                    and re.match(r"[\s/,]", rest[:1] or " ") and heading_word(rest.lstrip(" /,")):
                self.section = other  # "จุดเน้น / แนวทางการดำเนินงาน" inside a strategy
                return
            if heading_word(rest) or other:
                # "ยุทธศาสตร์ ตัวชี้วัด และแนวทาง", "นโยบายและมาตรการ/โครงการสำคัญ": a section title;
                # items right below each strategy of the list are of the role it names next
                self.section, self.list_child = "strategy-list", other if other in ("guidelines", "sgoals") else None
                self.list_word = word
                return
        if role == "strategy":
            if number or (rest and b.number and self.section == "strategy-list"):
                n = thai.to_arabic(number or b.number or "")
                self.new_strategy(n, rest, b, word, pos)
                lead = re.search(r"\s(?:มี|ประกอบด้วย)(\S.*?)\s*ดังนี้\s*$", rest)
                if self.section is None and lead and self._other_role(lead.group(1)) in ("guidelines", "sgoals"):
                    # "กลยุทธ์ที่ 2 <title> มีแนวทางในการพัฒนาตามกลยุทธ์ ดังนี้": the items below are its guidelines
                    self.section = self._other_role(lead.group(1))
            elif rest and self.strategy is None and not number and b.number:
                self.new_strategy(thai.to_arabic(b.number), rest, b, word, pos)
            else:
                self.section, self.list_word = "strategy-list", word
            return
        if rest and role in ("vision", "missions", "goals", "values") and not number \
                and self._role(rest)[0] in ("vision", "missions", "goals", "values") and len(rest) <= 40:
            # "วิสัยทัศน์ พันธกิจ": a title naming sections, not a vision whose text is พันธกิจ
            self.section = None
            return
        self.section = role
        if rest and role == "vision" and self.plan.vision is None:
            sp = self.span(pos, b.end)
            self.plan.vision = TextItem(f"{self.doc.doc_id}/vision", None, thai.one_line(self.quote(sp.start, sp.end)), sp)
        elif rest and role in ("missions", "goals", "values", "sgoals") and raw.find(":") >= 0:
            self.add_item(role, Block("item", pos, b.end), self.quote(pos, b.end))

    def _other_role(self, rest: str) -> str | None:
        """The first section word of another role than strategy inside a heading's rest."""
        found = []
        for w, r in self.roles.items():
            k = rest.find(w)
            if k >= 0 and r != "strategy":
                found.append((k, -len(w), r))
        r = min(found)[2] if found else None
        return "sgoals" if r == "goals" else r

    def new_strategy(self, number: str, title: str, b: Block, word: str, pos: int) -> None:
        if not number:
            number = str(len(self.plan.strategies) + 1)
        existing = self.plan.strategy(number)
        if existing:
            self.strategy = existing
            if b.kind == "heading" and not (existing.indicators or existing.guidelines or existing.goals
                                            or existing.description):
                # the strategy's own heading after a list naming it: it is cited there, by its word,
                # number and the title the list gave it (not the lead-in words after the title,
                # "… มีแนวทางในการพัฒนาตามกลยุทธ์ ดังนี้")
                a, z = b.start, b.end
                k = self.doc.text.find(existing.title, pos, b.end) if existing.title else -1
                w = self.doc.text.rfind(word, b.start, pos)
                if k >= 0 and w >= 0 and not self.doc.text[pos:k].strip(" *:："):
                    a, z = w, k + len(existing.title)
                existing.span = self.span(a, z)
                existing.kind = word
        else:
            self.strategy = Strategy(strategy_id(self.doc.doc_id, number), number, thai.one_line(title),
                                     self.span(b.start, b.end), kind=word)
            self.plan.strategies.append(self.strategy)
            if title.strip() and b.kind in ("heading", "item"):
                self.open_title = self.strategy
        self.section = self.list_child
        self.child_section = self.list_child is not None
        self.last_ind = None
        self.list_section, self.top_guideline = False, None

    def content(self, b: Block, raw: str) -> None:
        sec = self.section
        if sec == "vision":
            if self.plan.vision is None:
                sp = self.span(b.start, b.end)
                self.plan.vision = TextItem(f"{self.doc.doc_id}/vision", None, thai.one_line(self.quote(sp.start, sp.end)), sp)
            return
        if sec == "strategy-list" and b.kind == "item":
            title = self._item_text(raw)
            self.new_strategy(thai.to_arabic(b.number or ""), title, b, self.list_word or "กลยุทธ์", b.start)
            self.section = "strategy-list"
            return
        if sec is not None and self.child_section and b.kind == "paragraph" and not b.number:
            # the role a list of strategies names is its items' ("๑. …" below each one): a
            # paragraph there is prose about the list ("ซึ่งแต่ละกลยุทธ์ มีแนวทาง… ดังนี้")
            self.section = None
            return
        if sec in ("missions", "goals", "values", "sgoals", "guidelines", "indicators"):
            if sec == "indicators" and b.kind == "paragraph" and not self._has_targets(raw) \
                    and self.strategy and self.strategy.indicators:
                return
            if sec != "indicators" and b.kind == "paragraph" and self.list_section \
                    and (self.doc.format in ("html", "docx") or self.numbered_list):
                # a paragraph after a native list, or after numbered items (a plain text's
                # "๑. …" lines): the list (and its section) ended
                self.section = None
                return
            self.add_item(sec, b, raw)
            self.list_section = self.list_section or b.kind == "item"
            self.numbered_list = b.kind == "item" and b.number is not None
            return
        st = self.strategy
        if st is not None and self.section is None and b.kind == "paragraph" \
                and not (st.indicators or st.guidelines or st.goals):
            # the prose of a strategy with nothing else yet: its description, every paragraph
            # of it (sub-topic lines included), and the strategy is cited with it
            text = thai.one_line(raw)
            if st.description is None:
                st.description = text
            else:
                st.description = thai.one_line(st.description + " " + text)
            if st.span.end <= b.start:
                st.span = self.span(st.span.start, b.end)

    def _item_text(self, raw: str) -> str:
        s = BULLET.sub("", raw)
        m = ITEM_NO.match(s)
        return thai.one_line(s[m.end():] if m else s)

    def add_item(self, sec: str, b: Block, raw: str) -> None:
        text = self._item_text(raw)
        no = thai.to_arabic(b.number) if b.number else None
        span = self.span(b.start, b.end)
        doc = self.doc.doc_id
        if sec in ("missions", "goals", "values"):
            lst = getattr(self.plan, sec)
            n = no or str(len(lst) + 1)
            lst.append(TextItem(f"{doc}/{sec[:-1]}{n}", n, text, span))
            self.last_item = lst[-1]
            return
        s = self.strategy or self._implicit(b)
        if s is None:
            return
        if sec == "sgoals":
            n = no or str(len(s.goals) + 1)
            s.goals.append(TextItem(f"{s.id}/goal{len(s.goals) + 1}", n, text, span))
            self.last_item = s.goals[-1]
        elif sec == "guidelines":
            top = self.top_guideline
            if top is not None and b.depth is not None and b.depth > top[1] and s.guidelines and s.guidelines[-1] is top[0]:
                top[0].span = self.span(top[0].span.start, b.end)  # a nested sub-item is part of its guideline
                self.last_item = top[0]
                return
            n = no or str(len(s.guidelines) + 1)
            n, text = _split_number(n, text, [g.number for g in s.guidelines])
            resp = _RESP.search(text)
            if resp:
                text = text[: resp.start()].strip()
            who = thai.one_line(resp.group(1) or resp.group(2)) if resp else None
            s.guidelines.append(Guideline(guideline_id(doc, s.number, n), s.number, n, text, span, responsible=who))
            self.last_item = s.guidelines[-1]
            self.top_guideline = (s.guidelines[-1], b.depth) if b.depth is not None else None
        elif sec == "indicators":
            self.sentence_indicator(s, b, raw, no)

    def _implicit(self, b: Block) -> Strategy | None:
        if not self.opts.implicit_strategy:
            return None
        self.warnings.append("พบตัวชี้วัดก่อนหัวข้อกลยุทธ์ จึงจัดไว้ในกลยุทธ์ที่ 1")
        self.strategy = Strategy(strategy_id(self.doc.doc_id, "1"), "1", "", self.span(b.start, b.start), kind="กลยุทธ์")
        self.plan.strategies.append(self.strategy)
        return self.strategy

    # ------------------------------------------------------------ indicators from sentences
    def _has_targets(self, raw: str) -> bool:
        return bool(self._sentence_values(raw, 0))

    def _sentence_values(self, raw: str, base: int) -> list[tuple[int | None, int, int, int, str]]:
        """(year, value start, value end, phrase start, kind) for ``ปี 2567 = 80``,
        ``ตั้งเป้าหมายปี 2568 ไว้ที่ร้อยละ 85``, a figure before its year (``ร้อยละ 85 ในปี
        2569``, ``80 (ปี 2568)``) and ``ค่าเป้าหมาย ร้อยละ 80``; a year after a baseline word
        (``ค่าฐานปี 2567 ร้อยละ 82.40``) is a "baseline", after a result word
        (``ผลการดำเนินงานปี 2566``) a "result". A qualifier before the figure
        (``ไม่น้อยกว่า``) is inside the value's span."""
        if not self.opts.sentence_targets:
            return []
        s = thai.to_arabic(raw)
        out = []
        words = "|".join(map(re.escape, sorted(self.lex.words("plan", "word_targets"), key=len, reverse=True)))
        unit_words = "|".join(map(re.escape, sorted(units(), key=len, reverse=True)))
        quals = "|".join(map(re.escape, sorted(self.lex.words("plan", "qualifiers"), key=len, reverse=True)))
        # a word value may carry its unit before it ("ระดับดีมาก")
        # a word ends where a word may end ("ปี 2567 มีนักเรียน" has no value มี)
        val = (rf"(?P<v>(?:(?:{unit_words})\s?)?(?:[0-9]+(?:[.,][0-9]+)*\s?%?"
               + (f"|(?:{words})(?:(?![ก-๙])|(?=และ|ใน|ปี))" if self.opts.word_targets else "") + "))")
        qv = rf"(?:(?P<q>{quals})\s*)?" + val if quals else val
        seps = "|".join(map(re.escape, sorted(self.lex.words("plan", "year_value_sep"), key=len, reverse=True)))
        before = {k: "|".join(map(re.escape, sorted(self.lex.words("plan", k), key=len, reverse=True)))
                  for k in ("baseline", "result")}
        year_word = r"ปี(?:งบประมาณ|การศึกษา)?\s*(?:พ\.\s?ศ\.\s*)?"
        links = "|".join(map(re.escape, sorted(self.lex.words("plan", "value_year_links"), key=len, reverse=True))) or "ใน"
        per_year = "|".join(map(re.escape, sorted(self.lex.words("plan", "per_year"), key=len, reverse=True)))
        per = rf"(?:\s*(?P<per>{per_year}))?" if per_year else ""
        # more years of the same figure: "ในปีงบประมาณ 2569 และ 2570", "ทั้งในปี 2569 และปี 2570"
        # (a year followed by a figure of its own is not one of them)
        more = (rf"(?P<more>(?:\s*(?:และ|,)\s*(?:{year_word})?25\d\d(?!\d)"
                rf"(?!\s*(?:(?:{unit_words}|{quals})\s*)?[0-9]))*)" if quals else "(?P<more>)")
        # the figure first: "ร้อยละ 85 ในปี 2569", "ไม่เกิน 3 คน ในปีงบประมาณ 2570", "80 (ปี 2568)"
        back = re.compile(qv + rf"(?:\s*(?P<u>{unit_words}))?{per}\s*(?:(?:{links})\s*{year_word}|[(（]\s*{year_word}"
                          r"|[(（]\s*(?=25\d\d\s*[)）]))"  # "ร้อยละ 80 (2568)": a bare year in parentheses
                          r"(?P<y>25\d\d|\d\d)(?!\d)" + more + r"\s*[)）]?")
        masked = s
        out, masked = self._respectively(s, base, qv, year_word, out, masked)
        lead_words = tuple(self.lex.words("plan", "target_intro")) + tuple(self.lex.words("plan", "year_value_sep")) \
            + ("และ", ",", "/", "(", "（")
        from_words = tuple(self.lex.words("plan", "baseline_from"))
        for m in back.finditer(masked):  # (masked: the pairs read above)
            a = m.start("q") if m.group("q") else m.start("v")
            pre = s[:a].rstrip()
            paren = "ใน" not in s[m.end("v"):m.start("y")] and re.search(r"[(（]", s[m.end("v"):m.start("y")])
            kind = "baseline" if from_words and pre.endswith(from_words) else "target"
            if not (m.group("q") or re.match(unit_words, m.group("v")) or not pre or pre.endswith(lead_words)
                    or paren and not re.search(r"(?:ที่|\.)$", pre) or kind == "baseline"):
                continue  # "ชั้นประถมศึกษาปีที่ 3 ในปีการศึกษา 2568": a number of the text, not a figure
            years = [int(m.group("y"))] + [int(y) for y in re.findall(r"25\d\d", m.group("more") or "")]
            for y in years:
                out.append((thai.be_year(y), base + a, base + m.end("v"), base + m.start(), kind))
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
        if per_year:
            # "ไม่เกิน 3 คน ต่อปี ตลอดช่วงแผน (ปีงบประมาณ 2569 – 2570)": every year of the range,
            # or of the plan (year "every") when no range follows in the sentence
            every = re.compile(qv + rf"(?:\s*(?P<u>{unit_words}))?\s*(?P<per>{per_year})"
                               rf"(?:[^0-9()（）]{{0,30}}[(（]?\s*{year_word}(?P<y1>25\d\d)\s*[-–]\s*(?:{year_word})?(?P<y2>25\d\d))?")
            for m in every.finditer(masked):
                a = m.start("q") if m.group("q") else m.start("v")
                pre = masked[:a].rstrip()
                if not (m.group("q") or m.group("u") or re.match(unit_words, m.group("v")) or not pre
                        or pre.endswith(lead_words)):
                    continue
                if m.group("y1") and int(m.group("y1")) <= int(m.group("y2")) <= int(m.group("y1")) + 10:
                    for y in range(int(m.group("y1")), int(m.group("y2")) + 1):
                        out.append((y, base + a, base + m.end("v"), base + m.start(), "target"))
                else:
                    out.append((EVERY_YEAR, base + a, base + m.end("v"), base + m.start(), "target"))
                masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
        # "ปี 2567 = 80", or a bare year with "=" / ":" ("เป้าหมาย 2569 = 55 / 2570 = 60"); a
        # baseline word in parentheses after the year ("ปี 2567 (ค่าฐาน) อยู่ที่ 45") makes a baseline
        pat = re.compile(rf"(?:{year_word}(?P<y>25\d\d|\d\d)|(?<![0-9./])(?P<by>25\d\d)(?=\s*[=:：]))"
                         r"(?!\d)\s*\)?(?:\s*[(（](?P<bw>" + before["baseline"] + r")[)）])?(?:\s*(?:" + seps + r"))*\s*" + qv)
        last = 0
        for m in pat.finditer(masked):
            y = thai.be_year(int(m.group("y") or m.group("by")))
            kind, start = "target", m.start()
            for k, kw in before.items():
                w = re.search(r"(" + kw + r")\s*[(（]?\s*$", masked[last:m.start()]) if kw else None
                if w:
                    kind, start = k, last + w.start()
            if m.group("bw"):
                kind = "baseline"
            a = m.start("q") if m.group("q") else m.start("v")
            out.append((y, base + a, base + m.end("v"), base + start, kind))
            last = m.end()
        out.sort(key=lambda v: v[1])
        if out and not any(v[4] == "baseline" for v in out) and before["baseline"]:
            # "(ค่าฐาน 9)", "ผลการดำเนินงาน (ค่าฐาน) 6 โรงเรียน": a baseline without its year
            m = re.search(r"(?:" + before["baseline"] + r")\s*[)）]?\s*(?:[:：=]|อยู่ที่|เท่ากับ)?\s*(?:ร้อยละ\s*)?"
                          r"(?P<v>[0-9]+(?:[.,][0-9]+)*)(?![0-9])(?!\s*[)）]?\s*ปี)", masked)
            if m and not any(a <= base + m.start("v") < z for _, a, z, _, _ in out):
                out.append((None, base + m.start("v"), base + m.end("v"), base + m.start(), "baseline"))
                out.sort(key=lambda v: v[1])
        if not out:
            m = re.search(r"(?:ค่าเป้าหมาย|เป้าหมาย)\s*[:：]?\s*(?:ร้อยละ)?\s*" + qv, s)
            if m:
                a = m.start("q") if m.group("q") else m.start("v")
                out.append((None, base + a, base + m.end("v"), base + m.start(), "target"))
        return out

    def _respectively(self, s: str, base: int, qv: str, year_word: str, out: list, masked: str) -> tuple[list, str]:
        """Figures then years paired in order (lexicon ``respectively``): ``ร้อยละ 80, 85 และ
        90 ในปี 2568, 2569 และ 2570 ตามลำดับ``. Counts that differ give nothing (no guess)."""
        words = "|".join(map(re.escape, self.lex.words("plan", "respectively")))
        if not words or not re.search(words, s):
            return out, masked
        join = r"\s*(?:,|และ|/)\s*"
        val = qv.replace("(?P<q>", "(?:").replace("(?P<v>", "(?:")
        pat = re.compile(rf"(?P<vals>{val}(?:{join}{val})+)\s*(?:ใน|ของ)?\s*(?P<ys>{year_word}25\d\d(?:{join}(?:{year_word})?25\d\d)+)"
                         rf"\s*(?:{words})")
        for m in pat.finditer(s):
            years = [int(y) for y in re.findall(r"25\d\d", m.group("ys"))]
            vals = list(re.finditer(qv, m.group("vals")))
            if len(vals) == len(years):
                for y, v in zip(years, vals, strict=True):
                    a = m.start("vals") + (v.start("q") if v.group("q") else v.start("v"))
                    out.append((y, base + a, base + m.start("vals") + v.end("v"), base + m.start(), "target"))
            # (counts that differ: the phrase gives no figure, rather than a wrong pairing)
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
        return out, masked

    def sentence_indicator(self, s: Strategy, b: Block, raw: str, no: str | None,
                           number_raw: str | None = None) -> None:
        marks = [m for m in self.labels.finditer(raw) if m.start(1) > 0 and "\n" in raw[:m.start(1)]]
        if marks:  # "1. <text>" then labelled lines (หน่วยนับ ..., ค่าเป้าหมาย ...)
            cut = marks[0].start(1)
            text = self._item_text(raw[:cut])
            number_raw = number_raw or (_printed_number(raw) if no else None)
            ind = self.indicator(s, no, number_raw, text, b.start, b.start + len(raw[:cut].rstrip()), None)
            self.fields(ind, b.start, raw, marks)
            self.open_ind, self.open_fields, self.open_depth, self.open_year = ind, True, b.depth, None
            return
        vals = self._sentence_values(raw, b.start)
        resp = _RESP.search(raw)
        cut = min([v[3] for v in vals] + ([b.start + resp.start()] if resp else []) + [b.end])
        text = self._item_text(self.quote(b.start, cut)).rstrip(" (:,")
        intro = self.lex.words("plan", "target_intro")
        if vals and intro:  # "... ตั้งเป้าหมายปี 2568 ..." : the words that lead to the targets
            words = "|".join(r"\s?".join(map(re.escape, w)) for w in intro)  # a stray space may split them
            seps = "|".join(map(re.escape, sorted(self.lex.words("plan", "year_value_sep"), key=len, reverse=True)))
            text = re.sub(r"(?:\s*(?:โดย)?(?:" + words + r")(?:\s*(?:" + seps + r"))?)+\s*[:：]?$", "", text).rstrip(" (:,")
        unit = self._value_unit(raw, vals, b.start)
        words = "|".join(map(re.escape, sorted(self.lex.words("plan", "unit"), key=len, reverse=True)))
        labelled = re.search(rf"\s*[(（]\s*(?:{words})\s*[:：]?\s*([^()（）:：]{{1,20}}?)\s*[)）]\s*$", text) if words else None
        if labelled:  # "<text> (หน่วยนับ: ร้อยละ)"
            text, unit = text[: labelled.start()], unit or labelled.group(1)
        guessed = unit is None
        unit = unit or next((u for u in units() if u in raw), None)
        number_raw = number_raw or (_printed_number(self.quote(b.start, b.end)) if no else None)
        ind = self.indicator(s, no, number_raw, text, b.start, b.end, unit)
        if guessed and unit:
            self.guessed_units.add(ind.id)
        for year, a, z, _, kind in vals:
            if kind == "baseline":
                if ind.baseline is None:
                    ind.baseline, ind.baseline_year = thai.printed_value(self.quote(a, z)), year
            else:
                self.add_target(ind, year, kind, a, z, unit)
        if resp:
            ind.responsible = thai.one_line(resp.group(1) or resp.group(2))
        self.open_ind, self.open_fields, self.open_depth, self.open_label, self.open_year = ind, False, b.depth, None, None

    def _value_unit(self, raw: str, vals, base: int) -> str | None:
        """The unit printed with the first target (``ร้อยละ 85``, ``12 โรงเรียน``)."""
        for _, a, z, start, kind in vals:
            if kind != "target":
                continue
            after = raw[z - base:z - base + 20].lstrip()
            before = raw[start - base:a - base]
            inner = split_qualifier(raw[a - base:z - base], self.lex.words("plan", "qualifiers"))[1]
            for u in units():
                if after.startswith(u) or before.rstrip().endswith(u) \
                        or inner.startswith(u) and thai.parse_number(inner[len(u):].strip()) is not None:
                    return u
            return None
        return None

    def _strategy_of_number(self, s: Strategy, no: str) -> Strategy:
        """The strategy an indicator's own number names ("ตัวชี้วัด 2.1" in one table of every
        strategy's indicators, printed after the strategies' sections): the strategy numbered
        2, when ``s`` is another and that strategy has no indicators of its own section (none
        yet, or only rows given to it by their numbers); else ``s``."""
        head = no.split(".")[0] if "." in no else None
        if head is None or head == s.number:
            return s
        other = next((x for x in self.plan.strategies if x.number == head), None)
        if other is None or (other.indicators and head not in self.numbered_into):
            return s
        self.numbered_into.add(head)
        return other

    # ------------------------------------------------------------ records
    def indicator(self, s: Strategy, no: str | None, raw_no: str | None, text: str, a: int, b: int,
                  unit: str | None) -> Indicator:
        n = no or str(len(s.indicators) + 1)
        iid = indicator_id(self.doc.doc_id, s.number, n)
        k = 2
        while iid in self.ind_ids:
            iid = indicator_id(self.doc.doc_id, s.number, f"{n}_{k}")
            k += 1
        self.ind_ids.add(iid)
        raw = (raw_no or n).rstrip(".")
        ind = Indicator(iid, s.number, n, raw, text, unit, self.span(a, b))
        s.indicators.append(ind)
        return ind

    def add_target(self, ind: Indicator, year: int | None, kind: str, a: int, b: int, unit: str | None,
                   sub: str | None = None) -> None:
        a, b = trim(self.doc.text, a, b)
        raw = self.doc.text[a:b]
        note = re.match(r"(.*?[0-9๐-๙]%?)\s*[(（]([^()（）]+)[)）]\s*$", raw, re.S)
        if note and not re.search(r"(?:25|๒๕)[0-9๐-๙]{2}", note.group(2)) \
                and thai.parse_number(re.sub(r"^\D*", "", thai.printed_value(note.group(1))).rstrip("%")) is not None:
            # "๖๐ (นำร่อง ๒๐ โรงเรียน)", "42.00⏎(เพิ่มขึ้นจากปีก่อน ๒ คะแนน)": a remark in brackets after the
            # figure is no part of the value (a bracketed year is: "80 (2568)")
            b = a + len(note.group(1))
            raw = self.doc.text[a:b]
        qualifier, value = split_qualifier(thai.printed_value(raw), self.lex.words("plan", "qualifiers"))
        if not value or value in ("-", "–", "—"):
            return
        for u in units():
            if value.startswith(u) and (thai.parse_number(value[len(u):].strip().rstrip("%")) is not None
                                        or not self.opts.unit_words):
                unit, value = u, value[len(u):].strip()
                break
        value = value.rstrip("%").strip() if value.endswith("%") else value
        if not value:
            return
        numeric = thai.parse_number(value)
        if numeric is None and not (self.opts.word_targets and len(value) <= 30 and re.search(r"[ก-๙A-Za-z]", value)):
            return
        tid = target_id(ind.id, year, kind, sub)
        if any(t.id == tid for t in ind.targets):
            return
        if numeric is None and not (unit or ind.unit):
            # a word target that names what it counts ("ทุกโรงเรียน", "ครบทุกคน"): that is its unit
            unit = next((u for u in units() if u in value), None)
        ind.targets.append(Target(tid, ind.id, year, kind, value, numeric, unit or ind.unit, Span(self.doc.doc_id, a, b), sub,
                                  qualifier))

    # ------------------------------------------------------------ tables
    def columns(self, rows: list[list[Cell]]) -> tuple[list[Column], int]:
        """Column roles/years from the header rows; the number of header rows."""
        n_head = 1
        while n_head < min(len(rows) - 1, 4):
            row = rows[n_head]
            if all(c.merged or c.start == c.end or is_header_label(self.doc.cell_text(c)) for c in row) \
                    and any(not c.merged and c.start < c.end for c in row):
                n_head += 1
            else:
                break
        cols = []
        for j in range(len(rows[0])):
            labels, year = [], None
            for r in rows[:n_head]:
                t = self.doc.cell_text(r[j]) if j < len(r) else ""
                if t and t not in labels:
                    labels.append(t)
                y = year_of(t, bare_two_digit=True) if t else None
                year = y or year  # the lowest header row's year: "ค่าเป้าหมายปี 2570" over 2566 … 2570
            c = column(" ".join(labels))
            role = c.role
            if re.fullmatch(r"\S{1,12}ที่", c.label) and year is None and _bare_numbers(self.doc, rows[n_head:], j):
                role = "number"  # "ตัวชี้วัดที่", "ข้อที่": the number of the row's record
            elif role is None and year is None and c.label and _ticks(self.doc, rows[n_head:], j):
                role = "attribute"  # a column of check marks (S/M/A/R/T): the indicator's attribute
            if year is not None and role in (None, "number", "indicators"):
                role = "target"
            if role is None and year is None and c.label in self.lex.words("plan", "year"):
                role = "year"  # a column of years: one row per indicator and year
            role = dict(self.opts.column_roles).get(c.label, role)
            cols.append(Column(role, year, c.label, years_in(c.label) if role in ("target", "result") else ()))
        if not any(c.role == "indicators" for c in cols):
            # "ตัวชี้วัดและค่าเป้าหมายตัวชี้วัด": a column naming indicators (and their targets) with no year
            words = self.lex.words("plan", "indicators")
            for j, c in enumerate(cols):
                if c.role in ("target", None) and c.year is None and any(w in c.label for w in words):
                    cols[j] = Column("indicators", None, c.label)
                    break
        if not any(c.role == "indicators" for c in cols) and any(c.role == "target" and c.year for c in cols):
            # a table of yearly targets whose text column says รายการ (not ตัวชี้วัด)
            item_words = self.lex.words("plan", "indicator_columns")
            for j, c in enumerate(cols):
                if c.role is None and c.label in item_words:
                    cols[j] = Column("indicators", None, c.label)
                    break
        return cols, n_head

    def card(self, b: Block, rows: list[list[Cell]]) -> bool:
        """A table that is one indicator's card: every row a label cell (ตัวชี้วัด, หน่วยนับ,
        ค่าฐาน (ปี 2568), ค่าเป้าหมาย [ปี 2569], ผู้รับผิดชอบ; a label spanning rows labels
        each of them) and its value. Year labels give each year's target; a target label
        without a year reads the years its value names (``ปี 2569 : 35``)."""
        if len(rows) < 3 or any(len({(c.start, c.end) for c in r}) > 2 for r in rows):
            return False
        fields = []
        for r in rows:
            label = thai.one_line(self.doc.cell_text(r[0]))
            vals = [c for c in r[1:] if (c.start, c.end) != (r[0].start, r[0].end) and not c.merged]
            role = role_of(label) if label and len(label) <= 40 else None
            if role is None or role == "number" and not re.fullmatch(r"\S*ที่", label) or not vals:
                return False
            fields.append((role if role != "number" else "indicators", label, vals[0]))
        roles = [f[0] for f in fields]
        if roles.count("indicators") != 1 or not any(r in ("target", "result") for r in roles):
            return False
        s = self.strategy or self._implicit(b)
        if s is None:
            return True
        label, cell = next((lab, c) for r, lab, c in fields if r == "indicators")
        text = self.doc.cell_text(cell)
        no = raw_no = None
        m = NUMBERING.match(text)
        if m and m.group(1):
            no, raw_no, text = thai.to_arabic(m.group(1)).rstrip("."), m.group(1).rstrip("."), text[m.end():]
        elif (ml := re.search(r"([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)\s*$", label)):
            no, raw_no = thai.to_arabic(ml.group(1)), ml.group(1)  # "ตัวชี้วัดที่ 1.1" | <text>
        unit = next((_filled(self.doc.cell_text(c)) for r, _, c in fields if r == "unit"), None)
        ind = self.indicator(s, no, raw_no, thai.one_line(text), b.start, b.end, unit)
        self.last_ind = ind
        for role, label, c in fields:
            value = _filled(self.doc.cell_text(c))
            if role in ("target", "result"):
                year = year_of(label)
                keyed = [] if year else self._keyed_values(self.doc.cell_text(c), c.start)
                if keyed:
                    for y, va, vz in keyed:
                        self.add_target(ind, y, role, va, vz, ind.unit)
                elif year or not self._cell_years(ind, c):
                    self.add_target(ind, year, role, c.start, c.end, ind.unit)
            elif role == "baseline" and value and ind.baseline is None:
                ind.baseline, ind.baseline_year = thai.printed_value(value), year_of(label)
            elif role in ("responsible", "source") and value:
                setattr(ind, role, value)
        return True

    def year_rows(self, ind: Indicator, rows: list[list[Cell]]) -> bool:
        """A small table under an indicator's heading (its card) with one row per year: the
        first cell a year (``2568``, ``ปี พ.ศ. ๒๕๖๙``), then its value (``ไม่น้อยกว่า 50``);
        the header names the kind of the value column (ค่าเป้าหมาย, ผลการดำเนินงาน)."""
        if not rows or len(rows) < 2 or len(rows[0]) < 2:
            return False
        year_cell = re.compile(r"(?:ปี\S*\s*)?(?:พ\.\s?ศ\.\s*)?(?:25|๒๕)[0-9๐-๙]{2}")
        n_head = next((k for k, r in enumerate(rows) if year_cell.fullmatch(thai.one_line(self.doc.cell_text(r[0])))), 0)
        body = rows[n_head:]
        if not n_head or len(body) > 12 or not all(
                len(r) >= 2 and year_cell.fullmatch(thai.one_line(self.doc.cell_text(r[0]))) for r in body):
            return False
        cols, _ = self.columns(rows[:n_head] + body[:1])
        if any(c.role == "indicators" for c in cols[1:]):
            return False
        kinds = [c.role if c.role in ("target", "result") else None for c in cols[1:]]
        if not any(kinds):
            return False
        unit = ind.unit
        for c in cols[1:]:
            if c.role == "target" and (m := re.search(r"[(（]\s*(" + "|".join(map(re.escape, units())) + r")\s*[)）]", c.label)):
                unit = ind.unit or m.group(1)  # "ค่าเป้าหมาย (ร้อยละ)"
        if ind.unit is None and unit:
            ind.unit = unit
        words = self.lex.words("plan", "qualifiers")
        qual = next((j for j, k in enumerate(kinds, 1) if k is None and any(
            thai.one_line(self.doc.cell_text(r[j])) for r in body if j < len(r)) and all(
            thai.one_line(self.doc.cell_text(r[j])) in (*words, "") for r in body if j < len(r))), None)
        for r in body:
            year = year_of(self.doc.cell_text(r[0]))
            for j, kind in enumerate(kinds, 1):
                if kind and j < len(r):
                    n = len(ind.targets)
                    self.add_target(ind, year, kind, r[j].start, r[j].end, ind.unit)
                    q = thai.one_line(self.doc.cell_text(r[qual])) if qual is not None and qual < len(r) else ""
                    for t in ind.targets[n:]:
                        t.qualifier = t.qualifier or q or None  # "| 2569 | ไม่น้อยกว่า | 12 |": its own column
        self.last_cols = None
        return True

    def _transposed(self, rows: list[list[Cell]]) -> bool:
        """A table with one row per year (or unit / baseline) and one column per indicator:
        the first cells below the header are years or column words, every other header cell
        names an indicator."""
        if len(rows) < 3 or len(rows[0]) < 2:
            return False
        firsts = [thai.one_line(self.doc.cell_text(r[0])) for r in rows[1:]]
        if sum(1 for t in firsts if year_of(t, bare_two_digit=True)) < 2:
            return False
        if not all(year_of(t, bare_two_digit=True) or is_header_label(t) for t in firsts):
            return False
        heads = [thai.one_line(self.doc.cell_text(c)) for c in rows[0][1:] if not c.merged]
        numbered = re.compile(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)+|ที่\s*[0-9๐-๙]")
        return bool(heads) and all(len(h) > 10 and year_of(h) is None and (not is_header_label(h) or numbered.search(h))
                                   for h in heads)

    def table(self, b: Block) -> None:
        rows = b.rows
        if not rows or not rows[0]:
            return
        if self.card(b, rows):
            return
        transposed = self._transposed(rows)
        if transposed:
            width = max(len(r) for r in rows)
            rows = [[r[j] if j < len(r) else Cell(r[-1].end, r[-1].end) for r in rows] for j in range(width)]
        cols, n_head = self.columns(rows)
        if transposed:
            cols[0] = Column("indicators", None, cols[0].label)
        prev_cols = self.last_cols
        if self.last_cols and len(self.last_cols) == len(rows[0]) and (b.continues or not any(
                is_header_label(self.doc.cell_text(c)) for c in rows[0] if c.start < c.end)):
            cols, n_head = self.last_cols, 0  # a table continued (on the next page) without its header
        self.last_cols = cols
        continued = n_head == 0 or cols == prev_cols  # a page's table goes on (its header repeated or not)
        roles = [c.role for c in cols]
        if "indicators" not in roles:
            # a table of guidelines, or of strategies only
            if "guidelines" in roles:
                self.guideline_table(rows[n_head:], cols)
            elif "strategy" in roles:
                for r in rows[n_head:]:
                    self.strategy_cell(r, cols)
            elif any(self.table_row_strategy(r) for r in rows):
                pass
            return
        if not any(c.role in ("target", "result", "baseline") and c.year for c in cols) and "year" not in roles:
            if any(c.role == "target" for c in cols):
                self.warnings.append("อ่านปีของคอลัมน์ค่าเป้าหมายไม่ได้ (ไม่พบปีในหัวตาราง)")
        ind_col = roles.index("indicators")
        unit_words = "|".join(map(re.escape, units()))
        head_unit = next((m.group(1) for c in cols if c.role == "target"
                          and (m := re.search(rf"[(（]\s*({unit_words})\s*[)）]", c.label))), None)
        # "ตัวชี้วัดและค่าเป้าหมาย" over sentences, with no column of values: each sentence
        # holds its target (``ร้อยละ ๘๐ ของผู้เรียน ...``)
        text_targets = not any(c.role in ("target", "result", "baseline", "unit", "year") for c in cols) \
            and (any(w in cols[ind_col].label for w in self.lex.words("plan", "target"))
                 or any(c.role == "attribute" for c in cols)) \
            and all(c.role in ("indicators", "number", "attribute") for c in cols)
        # a table continued without its header continues the indicator above it, too
        last: Indicator | None = self.last_ind if continued else None
        if "year" in roles and any(c.role in ("target", "result") and c.year is None for c in cols):
            self.long_table(b, rows[n_head:], cols, last)
            return
        for r in rows[n_head:]:
            if self.table_row_strategy(r):
                last = None
                continue
            self.strategy_cell(r, cols)
            cell = r[ind_col]
            if cell.merged and last is not None:
                continue
            text = self.doc.cell_text(cell)
            if not text.strip():
                continue
            s = self.strategy or self._implicit(b)
            if s is None:
                return
            sub = None
            if last is not None and self._continues(r, cols, ind_col):
                last.text = f"{last.text}{_glue(last.text, text)}{thai.one_line(text)}"
                for j, c in enumerate(cols):  # the other text cells go on too
                    more = _filled(self.doc.cell_text(r[j])) if c.role in ("responsible", "source") else None
                    if more:
                        old = getattr(last, c.role) or ""
                        setattr(last, c.role, f"{old}{_glue(old, more)}{more}" if old else more)
                continue
            if last is not None and (BULLET.match(text) or re.match(r"^\s*[(（][0-9๐-๙]+[)）]", text)):
                sub = thai.one_line(BULLET.sub("", text))
                last.sub_items.append(sub)
                ind = last
            else:
                no = raw_no = None
                if "number" in roles:
                    nc = r[roles.index("number")]
                    t = self.doc.cell_text(nc).strip()
                    if re.fullmatch(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?", t):
                        no, raw_no = thai.to_arabic(t).rstrip("."), t.rstrip(".")
                m = NUMBERING.match(text)
                if not no and m and m.group(1):
                    no, raw_no = thai.to_arabic(m.group(1)).rstrip("."), m.group(1)
                hw = heading_word(text)
                if hw and self.roles.get(hw) == "indicators":
                    # "ตัวชี้วัด 1.1 <text>": heads a transposed table's column; in a row's cell, the
                    # row's number written into its text
                    pos, number = self._after_word(Block("item", cell.start, cell.end), text, hw)
                    m2 = re.match(r"\s*([0-9๐-๙]+(?:\.[0-9๐-๙]+)*)\.?\s+", self.doc.text[pos:cell.end]) if not number else None
                    number = number or (m2.group(1) if m2 else "")
                    if transposed or (number and not no):
                        text = self.doc.text[pos + (m2.end() if m2 else 0):cell.end]
                    if number and not no:
                        no, raw_no = thai.to_arabic(number), number
                        s = self._strategy_of_number(s, no)
                ind_text = self._item_text(text)
                unit = None
                if "unit" in roles:
                    unit = _filled(self.doc.cell_text(r[roles.index("unit")]))
                elif (m := re.search(r"\s*[(（]\s*(" + "|".join(map(re.escape, units())) + r")\s*[)）]$", ind_text)):
                    unit, ind_text = m.group(1), ind_text[: m.start()]  # "ร้อยละของ... (ร้อยละ)"
                elif cu := self._cell_unit(ind_text):
                    ind_text, unit = cu  # "<text> หน่วยนับ : ร้อยละ" in the indicator's cell
                elif head_unit:
                    unit = head_unit  # "ค่าเป้าหมาย (ร้อยละ)" over the year columns
                a, z = cell.start, cell.end
                if not transposed and not text_targets:
                    # an indicator's span is its row (number, text, values, who); a sentence holding
                    # its own target, with only its number and check marks around it, is its text
                    # (not its source: where the figure comes from is no part of the indicator)
                    filled = [c for j, c in enumerate(r) if c.start < c.end and not c.merged
                              and not (j < len(cols) and cols[j].role == "source")]
                    after = next((c for c in filled if c.start >= cell.end), None)
                    gap = self.doc.text[cell.end:after.start] if after else ""
                    if "\n" not in gap or "\t" in gap:
                        a, z = min(a, filled[0].start), max(z, filled[-1].end)
                    else:  # a row of one cell per line: its number and text
                        a = min(a, filled[0].start)
                ind = self.indicator(s, no, raw_no, ind_text, a, z, unit)
                last = ind
                self.last_ind = ind
                if text_targets:
                    self.text_figures(ind, cell)
            for j, c in enumerate(cols):
                if j >= len(r) or r[j].merged and c.role in ("target", "result") and not self._spans_years(r, cols, j):
                    continue
                cl = r[j]
                if c.role in ("target", "result") and c.years and self._year_parts(ind, c, cl, sub):
                    continue
                if c.role in ("target", "result") and c.year is None and sub is None and self._cell_years(ind, cl):
                    continue
                if c.role in ("target", "result"):
                    self.add_target(ind, c.year, c.role, cl.start, cl.end, ind.unit, sub)
                elif c.role == "baseline" and sub is None:
                    v = thai.printed_value(self.doc.cell_text(cl))
                    u = next((u for u in units() if v.startswith(u) and thai.parse_number(v[len(u):].strip()) is not None), None)
                    if u:  # "ร้อยละ ๗๙.๕๐": the figure, with the unit printed before it
                        v, ind.unit = v[len(u):].strip(), ind.unit or u
                    if v and v != "-":
                        ind.baseline = v
                        ind.baseline_year = c.year
                elif c.role == "responsible" and sub is None:
                    ind.responsible = _filled(self.doc.cell_text(cl)) or ind.responsible
                elif c.role == "source" and sub is None:
                    ind.source = _filled(self.doc.cell_text(cl)) or ind.source
                elif c.role == "attribute" and sub is None and _filled(self.doc.cell_text(cl)):
                    ind.attributes[c.label] = _filled(self.doc.cell_text(cl))

    def text_figures(self, ind: Indicator, cell: Cell) -> None:
        """The target a sentence states without a year (``ร้อยละ ๘๐ ของผู้เรียน``, ``คะแนนไม่ต่ำกว่า
        ๓๐๐ คะแนน``, ``๕ โรงเรียน``): its first figure with a unit; a further threshold
        (``๘๐ คะแนนขึ้นไป``, lexicon ``threshold_after``) is a second target of the same year.
        Year-forms (``ปี 2567 = 80``) are read as in any sentence. The year is given later
        (:meth:`_fiscal_year`)."""
        raw = self.doc.text[cell.start:cell.end]
        vals = self._sentence_values(raw, cell.start)
        if vals:
            for year, a, z, _, kind in vals:
                if kind != "baseline":
                    self.add_target(ind, year, kind, a, z, ind.unit)
            return
        num = r"[0-9๐-๙]+(?:,[0-9๐-๙]{3})*(?:\.[0-9๐-๙]+)?"
        us = "|".join(map(re.escape, units()))
        pats = [(re.compile(rf"ร้อยละ\s*(?P<num>{num})(?![0-9๐-๙])"), "ร้อยละ"),
                (re.compile(rf"(?<![0-9๐-๙.])(?P<num>{num})\s*(?:%|เปอร์เซ็นต์)"), "ร้อยละ"),
                (re.compile(rf"ระดับ\s*(?P<num>{num})(?![0-9๐-๙])"), "ระดับ"),
                (re.compile(rf"จำนวน\s*(?P<num>{num})\s*(?P<unit>{us})?"), None),
                # a number of the text is no figure: "ที่ ๖", "ทั้ง ๔ ด้าน", "ม.๓"
                (re.compile(rf"(?<![0-9๐-๙.])(?<!ที่\s)(?<!ที่)(?<!ทั้ง\s)(?<!ทั้ง)(?<![ก-ฮ]\.)(?<![ก-ฮ]\.\s)"
                            rf"(?P<num>{num})\s*(?P<unit>{us})"), None)]
        found = [(m, u) for p, u in pats if (m := p.search(raw))]
        if not found:
            return
        m, unit = min(found, key=lambda f: f[0].start())
        unit = unit or m.groupdict().get("unit")
        ind.unit = ind.unit or unit
        figures = [(m, unit)]
        after = "|".join(map(re.escape, self.lex.words("plan", "threshold_after")))
        if after:
            extra = re.compile(rf"(?<![0-9๐-๙.])(?P<num>{num})\s*(?P<unit>{us})\s*(?:{after})")
            figures += [(x, x.group("unit")) for x in extra.finditer(raw, m.end())]
        quals = tuple(self.lex.words("plan", "qualifiers"))
        for n, (f, u) in enumerate(figures, 1):
            value = thai.printed_value(f.group("num"))
            before = raw[:f.start()].rstrip()
            qualifier = next((q for q in sorted(quals, key=len, reverse=True) if before.endswith(q)), None)
            tid = target_id(ind.id, None, "target") + (f"/{n}" if n > 1 else "")
            ind.targets.append(Target(tid, ind.id, None, "target", value, thai.parse_number(value), u,
                                      self.span(cell.start + f.start(), cell.start + f.end()), None, qualifier))

    def _fiscal_year(self) -> None:
        """Targets without a year in a plan whose head names one fiscal year and no range of
        years (``ประจำปีงบประมาณ พ.ศ. ๒๕๖๖``), when no target of the plan has a year: that year."""
        inds = self.plan.indicators()
        if not any(t.year is None for i in inds for t in i.targets) \
                or any(t.year is not None for i in inds for t in i.targets):
            return
        head = thai.to_arabic(self.doc.text[:6000])
        if re.search(r"(?:พ\.\s?ศ\.?|ปี(?:งบประมาณ)?)\s*(?:พ\.\s?ศ\.?)?\s*25\d\d\s*[-–]\s*(?:พ\.\s?ศ\.?)?\s*25\d\d", head):
            return
        # the plan's own year (ประจำปีงบประมาณ), else a fiscal year that is no horizon (ภายในปีงบประมาณ ๒๕๗๐)
        fy = set(re.findall(r"ประจำปีงบประมาณ\s*(?:พ\.\s?ศ\.?)?\s*(25\d\d)", head)) \
            or set(re.findall(r"(?<!ภายใน)ปีงบประมาณ\s*(?:พ\.\s?ศ\.?)?\s*(25\d\d)", head))
        if len(fy) != 1:
            return
        year = int(fy.pop())
        for ind in inds:
            for t in ind.targets:
                if t.year is None:
                    rest = t.id[len(target_id(ind.id, None, t.kind, t.sub_item)):]
                    t.year, t.id = year, target_id(ind.id, year, t.kind, t.sub_item) + rest

    def _cell_unit(self, text: str) -> tuple[str, str] | None:
        """An indicator cell that ends with its unit as a labelled line (``... หน่วยนับ : คน``)."""
        words = "|".join(map(re.escape, sorted(self.lex.words("plan", "unit"), key=len, reverse=True)))
        m = re.search(rf"\s(?:{words})\s*[:：]\s*([^\s:：]{{1,20}})$", text) if words else None
        return (text[: m.start()].rstrip(), m.group(1)) if m else None

    def _year_parts(self, ind: Indicator, c: Column, cl: Cell, sub: str | None) -> bool:
        """A cell under a header naming several years (``2568/2569/2570``) that holds one
        value per year, split the same way (``80/85/90``): each part is its year's value."""
        raw = self.doc.cell_text(cl)
        parts = [(m.start(), m.end()) for m in re.finditer(r"[^/|,]+", raw)]
        if len(parts) != len(c.years):
            return False
        for y, (a, z) in zip(c.years, parts, strict=True):
            self.add_target(ind, y, c.role, cl.start + a, cl.start + z, ind.unit, sub)
        return True

    def _cell_years(self, ind: Indicator, cl: Cell) -> bool:
        """A target cell under a header with no year that names its years itself
        (``ปี 2569 = 83 / ปี 2570 = 86``): the sentence forms give each year's value."""
        vals = [v for v in self._sentence_values(self.doc.text[cl.start:cl.end], cl.start) if v[0] is not None]
        if not vals:
            return False
        self._add_values(ind, vals, ind.unit)
        return True

    @staticmethod
    def _spans_years(r: list[Cell], cols: list[Column], j: int) -> bool:
        """A merged cell that spans year columns of its own row (one value for several years:
        a colspan, or a rowspan of a transposed table): it is the value of each of them."""
        c = r[j]
        return any(r[k].start == c.start and r[k].end == c.end and cols[k].role == cols[j].role and cols[k].year
                   for k in range(j)) and cols[j].year is not None

    def long_table(self, b: Block, rows: list[list[Cell]], cols: list[Column], last: Indicator | None) -> None:
        """A table with one row per indicator and year (a ปีงบประมาณ column): rows whose
        indicator cell is empty, merged or repeats the indicator add its next year."""
        roles = [c.role for c in cols]
        ind_col, year_col = roles.index("indicators"), roles.index("year")
        for r in rows:
            if self.table_row_strategy(r):
                last = None
                continue
            self.strategy_cell(r, cols)
            s = self.strategy or self._implicit(b)
            if s is None:
                return
            cell = r[ind_col]
            text = self._item_text(self.doc.cell_text(cell))
            no = None
            if "number" in roles:
                t = self.doc.cell_text(r[roles.index("number")]).strip()
                if re.fullmatch(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?", t):
                    no = t.rstrip(".")
            m = NUMBERING.match(self.doc.cell_text(cell))
            if no is None and m and m.group(1):
                no = m.group(1).rstrip(".")
            same = last is not None and (not text or thai.squash(text) == thai.squash(last.text)) \
                and (no is None or thai.to_arabic(no) == last.number)
            if not same:
                if not text:
                    continue
                unit = _filled(self.doc.cell_text(r[roles.index("unit")])) if "unit" in roles else None
                last = self.indicator(s, thai.to_arabic(no) if no else None, no, text, cell.start, cell.end, unit)
                self.last_ind = last
            year_text = self.doc.cell_text(r[year_col])
            year = year_of(year_text, bare_two_digit=True)
            if any(w in year_text for w in self.lex.words("plan", "baseline")):
                # "ค่าฐาน ปี ๒๕๖๘": the row's value is the baseline, not a target
                for j, c in enumerate(cols):
                    v = _filled(self.doc.cell_text(r[j])) if c.role == "target" and not r[j].merged else None
                    if v and last.baseline is None:
                        last.baseline, last.baseline_year = thai.printed_value(v), year
                continue
            for j, c in enumerate(cols):
                cl = r[j]
                if c.role in ("target", "result"):
                    self.add_target(last, c.year or year, c.role, cl.start, cl.end, last.unit)
                elif c.role in ("responsible", "source", "unit") and getattr(last, c.role) is None:
                    setattr(last, c.role, _filled(self.doc.cell_text(cl)))
                elif c.role == "baseline" and last.baseline is None:
                    v = _filled(self.doc.cell_text(cl))
                    if v:
                        last.baseline, last.baseline_year = thai.printed_value(v), c.year

    def _continues(self, r: list[Cell], cols: list[Column], ind_col: int) -> bool:
        """A row with indicator text only (no number, no values) continues the row above
        (a cell broken across a page)."""
        roles = [c.role for c in cols]
        if "number" not in roles:
            return False
        filled = {j for j, c in enumerate(r) if c.start < c.end and not c.merged}
        text_cols = {j for j, c in enumerate(cols) if c.role in ("responsible", "source", "unit")}
        return ind_col in filled and filled <= {ind_col} | text_cols

    def table_row_strategy(self, r: list[Cell]) -> bool:
        """A row that is one cell across the table naming a strategy switches to it."""
        texts = {(c.start, c.end) for c in r if c.start < c.end}
        if len(texts) != 1:
            return False
        a, z = texts.pop()
        raw = self.quote(a, z)
        role, word = self._role(raw)
        if role == "sgoals" and self.strategy is not None:
            # "เป้าประสงค์ที่ 1.1 <text>" across an indicator table: the strategy's goal
            pos, number = self._after_word(Block("heading", a, z), raw, word)
            if not self.quote(pos, z).strip():
                return False
            self.add_item("sgoals", Block("item", pos, z, number=thai.to_arabic(number) if number else None),
                          self.quote(pos, z))
            return True
        if role != "strategy":
            return False
        pos, number = self._after_word(Block("heading", a, z), raw, word)
        if not number:
            return False
        self.new_strategy(thai.to_arabic(number), self.quote(pos, z), Block("heading", a, z), word, pos)
        return True

    def strategy_cell(self, r: list[Cell], cols: list[Column]) -> None:
        for j, c in enumerate(cols):
            if c.role != "strategy" or j >= len(r) or r[j].merged or r[j].start == r[j].end:
                continue
            raw = self.doc.cell_text(r[j])
            word = heading_word(raw) or "กลยุทธ์"
            m = re.match(r"\s*(?:[^\s0-9๐-๙]*?ที่\s*)?([0-9๐-๙]+)\.?\s*[:：.\-–]?\s*", raw)
            if m:
                self.new_strategy(thai.to_arabic(m.group(1)), raw[m.end():], Block("heading", r[j].start, r[j].end),
                                  word, r[j].start + m.end())

    def guideline_table(self, rows, cols) -> None:
        """Rows of guidelines; a header row repeated inside the table is skipped, and a row
        of one cell in a table with a number column (``● การสนับสนุนโครงสร้างพื้นฐาน``) heads
        the guidelines below it. A guideline's span is its row."""
        roles = [c.role for c in cols]
        g = roles.index("guidelines")
        heading = None
        for r in rows:
            self.strategy_cell(r, cols)
            cell = r[g]
            text = self.doc.cell_text(cell)
            filled = [c for c in r if c.start < c.end and not c.merged]
            if filled and all(is_header_label(self.doc.cell_text(c)) for c in filled):
                continue  # the header repeated (a table continued)
            if "number" in roles and len({(c.start, c.end) for c in filled}) == 1 \
                    and not _filled(self.doc.cell_text(r[roles.index("number")]) if filled[0] is not r[roles.index("number")]
                                    else ""):
                heading = _heading_text(self.doc.cell_text(filled[0])) or heading
                continue
            if cell.merged or not text.strip() or self.strategy is None:
                continue
            m = NUMBERING.match(text)
            no = thai.to_arabic(m.group(1)).rstrip(".") if m and m.group(1) else None
            if no is None and "number" in roles:
                t = self.doc.cell_text(r[roles.index("number")]).strip()
                no = thai.to_arabic(t).rstrip(".") if re.fullmatch(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?", t) else None
            s = self.strategy
            n = no or str(len(s.guidelines) + 1)
            resp = None
            if "responsible" in roles:
                resp = thai.one_line(self.doc.cell_text(r[roles.index("responsible")])) or None
            s.guidelines.append(Guideline(guideline_id(self.doc.doc_id, s.number, n), s.number, n,
                                          self._item_text(text), self.span(filled[0].start, filled[-1].end), resp,
                                          heading))


def web_furniture(lex: lexicon.Lexicon):
    """A test for a web page's lines that are no part of the plan: a breadcrumb (``หน้าแรก >
    ข้อมูลหน่วยงาน > แผนงาน``) or a short share / download / post line matching two of the
    lexicon's ``web_furniture`` patterns (``ดาวน์โหลดเอกสาร | แชร์ : Facebook``)."""
    pats = [re.compile(p) for p in lex.words("plan", "web_furniture")]
    seps = "".join(map(re.escape, lex.words("plan", "breadcrumb_separators")))
    crumb = re.compile(rf"^[^{seps}]{{1,40}}(?:\s[{seps}]\s*[^{seps}]{{1,60}}){{2,}}$") if seps else None

    def test(raw: str) -> bool:
        s = thai.one_line(raw)
        if len(s) > 150:
            return False
        if crumb is not None and crumb.match(s):
            return True
        return sum(1 for p in pats if p.search(s)) >= 2

    return test


def _label_pattern(lex: lexicon.Lexicon) -> re.Pattern:
    """Field labels of an indicator block, at a line's start, after a wide gap or after a
    semicolon or bar (``หน่วยนับ: ร้อยละ ; ค่าฐาน ปี 2568: 48.72``, ``หน่วยนับ : คน | ค่าฐาน : 9``)."""
    words = sorted(_label_roles(lex), key=len, reverse=True)
    return re.compile(r"(?:^[ \t\u00a0•\-–]*|(?<=\s\s)|(?<=\t)|(?<=;\s)|(?<=;)|(?<=\|\s)|(?<=\|))("
                      + "|".join(map(re.escape, words)) + r")(?=[\s:：(]|$)", re.M)


def _label_roles(lex: lexicon.Lexicon) -> dict[str, str]:
    unit_words = set(lex.words("plan", "units"))
    out = {}
    for role in ("unit", "baseline", "target", "responsible", "source"):
        for w in lex.words("plan", role):
            if w not in unit_words:
                out.setdefault(w, role)
    return out


def _split_number(n: str, text: str, before: list[str]) -> tuple[str, str]:
    """A number printed with a stray space ("3.2.1 1 ส่งเสริม…" after 3.2.10): the number that
    continues the list, when the one read repeats an earlier one and its text starts with
    the missing digits."""
    m = re.match(r"([0-9๐-๙]+)\s+(?=\S)", text)
    if not m or n not in before or not before:
        return n, text
    joined = n + thai.to_arabic(m.group(1))
    last = before[-1].rsplit(".", 1)
    head, tail = (last[0] + ".", last[1]) if len(last) == 2 else ("", last[0])
    if tail.isdigit() and joined == f"{head}{int(tail) + 1}":
        return joined, text[m.end():]
    return n, text


def _printed_number(raw: str) -> str:
    """The numbering printed at the start of an item, after a bullet (``- 1.2 ...`` → ``1.2``)."""
    m = ITEM_NO.match(BULLET.sub("", raw, count=1))
    return m.group(1) if m else raw.split()[0]


def _table_note_pattern(lex: lexicon.Lexicon) -> re.Pattern | None:
    """A note line naming the responsible unit of a table's rows (lexicon
    ``table_responsible_notes``): ``หน่วยงานรับผิดชอบหลัก : X``, ``ผู้รับผิดชอบ: X``."""
    words = sorted(lex.words("plan", "table_responsible_notes"), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\s*(?:" + "|".join(map(re.escape, words)) + r")\s*[:：]\s*(\S.{0,120}?)\s*")


def _table_note(note: re.Pattern, raw: str, lex: lexicon.Lexicon) -> re.Match | None:
    """The responsible note of a paragraph: the whole paragraph, or its end after a note
    (``หมายเหตุ … ผู้รับผิดชอบ : X``: a PDF's lines joined into one paragraph)."""
    m = note.fullmatch(raw)
    if m is None and raw.startswith(tuple(lex.words("plan", "note_marks"))):
        m = re.compile(note.pattern + "$").search(raw, 1)
    return m


def _table_responsible(rows: list, unit: str) -> None:
    """A table-level responsible note gives its unit to the table's rows that name none."""
    for ind in rows:
        if not ind.responsible:
            ind.responsible = unit


def _line_end(s: str, pos: int) -> int:
    k = s.find("\n", pos)
    return len(s) if k < 0 else k


def _strip_number(s: str) -> str:
    m = NUMBERING.match(s)
    return s[m.end():] if m and m.group(1) else s.lstrip("#* ")


def _glue(left: str, right: str) -> str:
    """No space between Thai letters across a break (Thai has no spaces between words)."""
    return "" if re.search(r"[ก-๙]$", left) and re.match(r"\s*[ก-๙]", right) else " "


def _heading_text(raw: str) -> str | None:
    """A group heading's text without markup left over from a web page or its bullet
    (``<p>● ดูแล ส่งเสริม...</p>`` → ``ดูแล ส่งเสริม...``)."""
    s = thai.one_line(re.sub(r"<[^>]*>", " ", raw)).strip(" ●•▪◦-–*")
    return s or None


def _bare_numbers(doc: Document, rows: list[list[Cell]], j: int) -> bool:
    """The column's body cells are bare numbers (``1``, ``๑.๒``) or empty."""
    texts = [thai.one_line(doc.cell_text(r[j])) for r in rows if j < len(r) and not r[j].merged]
    return any(texts) and all(not t or re.fullmatch(r"[0-9๐-๙]+(?:\.[0-9๐-๙]+)*\.?", t) for t in texts)


_TICK = re.compile(r"[✓✔☑√✗xX/●•*]")


def _ticks(doc: Document, rows: list[list[Cell]], j: int) -> bool:
    """The column's body cells are check marks or empty, with at least one mark."""
    texts = [thai.one_line(doc.cell_text(r[j])) for r in rows if j < len(r) and not r[j].merged]
    return any(texts) and all(not t or _TICK.fullmatch(t) for t in texts)


def _filled(raw: str) -> str | None:
    """A cell's text, ``None`` when empty or a dash placeholder."""
    s = thai.one_line(raw)
    return None if s in ("", "-", "–", "—") else s


def build(doc: Document, options: BuildOptions | None = None, lex: lexicon.Lexicon | None = None) -> BuildResult:
    b = _Builder(doc, options or BuildOptions(), lex or lexicon.load())
    plan = b.run()
    plan.layout = "builder"
    return BuildResult(plan, b.warnings)
