"""Conversations: a follow-up inherits what it does not restate; "ดูต่อ" pages a list.

A conversation is one JSON document in the state store (``StateStore``: SQLite by
default, with an expiry, surviving restarts): its turns and the last understood
:class:`~assistant.qa.understand.Query` (the *context*). :func:`follow_up` is pure;
:class:`Conversations` loads, applies and saves.

Conversation ids: the web page sends ``web-<browser id>:<conversation>``, LINE uses
``line:<userId>`` / ``line:<groupId>``; the part before the last ``:`` is the owner
whose past conversations are listed.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace

from assistant.domain import lexicon, thai
from assistant.domain.models import Answer
from assistant.domain.offices import OfficeResolver
from assistant.qa.lookup import GROUP_ALIASES
from assistant.qa.understand import _LIST, Query, _terms
from assistant.stores.protocols import StateStore

# "ของเขต 2", "เขต 3 ล่ะ": an area named without its province
_AREA_ONLY = re.compile(r"(?:^|ของ|แล้ว|\s)\s*เขต\s*(\d{1,2})(?![\d.])")
PAGE_SIZE = 10
MAX_TURNS = 100
MAX_ID_CHARS = 200
INHERIT_INTENTS = ("numeric", "list", "strategy", "guideline", "overview", "field", "compare")


def owner_of(conversation_id: str) -> str | None:
    """The owner part of a conversation id (``line:U123`` → ``line:U123``'s owner is the
    id itself when it has one colon and no sub-conversation; ``web-abc:c1`` → ``web-abc``)."""
    if conversation_id.startswith("line:"):
        return conversation_id
    head, sep, _ = conversation_id.rpartition(":")
    return head if sep and head else None


def follow_up(q: Query, prev: Query | None, *, office_given: bool = False, has_more: bool = False,
              after_clarify: bool = False) -> Query:
    """``q`` with the slots of ``prev`` it does not restate (office, strategy, indicator,
    year, topic); ``q.inherited`` names the slots taken. "ดูต่อ" becomes the next page
    of ``prev``."""
    if prev is None or q.intent == "smalltalk":
        return q
    if q.intent == "more":
        if has_more and prev.page_size:
            return replace(prev, text=q.text, page=prev.page + 1, inherited=["page"])
        return q
    if prev.intent == "align" and q.corpus_offices and not q.terms and not (q.strategy or q.indicator) \
            and q.intent in ("open", "compare", "numeric", "strategy"):
        # "แล้วถ้าเป็นเขต ชม.6 ล่ะ": the same project idea, for another office
        norm = prev.norm
        for m in prev.offices:
            norm = norm.replace(m.text, " ")
        return replace(prev, text=q.text, norm=" ".join(norm.split()), offices=list(q.offices), inherited=["idea"])
    if q.intent == "align":  # a project idea: only the conversation's office carries over
        if not q.offices and prev.offices and not office_given:
            return replace(q, offices=list(prev.offices), inherited=["office"])
        return q
    if prev.intent == "pick" and prev.listed and (q.indicator or q.ref) and not q.terms \
            and q.intent in ("open", "numeric", "field", "list"):
        # "ตัวชี้วัดที่ 2" answering "หมายถึงตัวใด?": the question asked before, about that row
        rows = _rows_named(prev, q.ref or q.indicator, q.strategy)
        if len(rows) == 1:
            s_num, i_num = rows[0]
            return replace(prev, text=q.text, norm=q.norm, intent=prev.pending or "numeric", pending=None,
                           strategy=s_num, indicator=i_num, listed=[], terms=[], topic="", pinned=True,
                           years=list(q.years or prev.years), inherited=["office", "indicator"])
    if after_clarify and prev.intent in ("open", "numeric") and not (prev.terms or prev.indicator) and prev.years \
            and not q.years and (q.terms or q.indicator) and q.intent in ("list", "open") and not _LIST.search(q.norm):
        # "แล้วปี 69 ล่ะ" → "ถามเรื่องใด?" → "ตัวชี้วัดเด็กปฐมวัย ชม.6": the year's figure of that row
        q = replace(q, intent="numeric", years=list(prev.years), year_kinds=dict(prev.year_kinds),
                    offices=list(q.offices or ([] if office_given else prev.offices)), inherited=["year"])
        return q
    if (q.which_years or q.met_asked or q.why) and prev.indicator and not (q.strategy or q.indicator or q.guideline or q.ref) \
            and not q.corpus_offices and prev.intent in ("numeric", "field", "list") and q.intent in ("open", "numeric", "list"):
        # "มันขึ้นถึง 90 ปีไหน", "แล้วถึงเป้าไหม", "ทำไมถึงตั้งไว้ 30": asked of the row talked about
        q = replace(q, this_ref=True, terms=[], intent="numeric")
    retopic = _retopic(q, prev, office_given)
    if retopic is not None:
        return retopic
    inherited: list[str] = []
    changes: dict = {}
    if not q.offices and prev.offices and not office_given and not q.unknown_doc:
        changes["offices"] = list(prev.offices)
        changes["unknown_doc"] = prev.unknown_doc
        inherited.append("office")
    elif not q.offices and prev.unknown_doc and not office_given:
        changes["unknown_doc"] = True
        inherited.append("office")
    from_before = q.intent == "compare" and not q.offices and prev.before_offices and prev.offices \
        and not office_given and not q.terms and not (q.indicator or q.strategy)
    if from_before:
        # "ต่างกันไหม" after the same question in two offices: compare those two
        changes["offices"] = [*prev.before_offices, *prev.offices]
        changes["unknown_doc"] = False
        if "office" not in inherited:
            inherited.append("office")
    if q.intent == "compare" and len(q.corpus_offices) == 1 and prev.offices and not office_given \
            and all(m.office.id != q.corpus_offices[0].office.id for m in prev.offices):
        # "แล้วของ ลปลพ ล่ะ ต่างกันไหม": the earlier office against the new one
        changes["offices"] = [*prev.offices, *q.offices]
        inherited.append("office")
    if q.ref_kind == "indicator" and q.ref and q.indicator == q.ref and not q.strategy and prev.listed:
        # "ตัวแรก" / "ตัวที่ 3" after a list: the row numbered so, or the row at that position
        rows = _rows_named(prev, q.ref)
        if len(rows) > 1:
            return _pick(q, prev, rows)
        if rows:
            q = replace(q, strategy=rows[0][0], indicator=rows[0][1])
            inherited.append("indicator")
    last = lexicon.load().query.get("last_refs") or ()
    if prev.listed and not (q.indicator or q.guideline or q.ref) and any(w in q.norm.replace(" ", "") for w in last):
        # "อันสุดท้าย": the last row of the page shown
        shown = prev.listed[:(prev.page + 1) * prev.page_size] if prev.page_size else prev.listed
        s_num, i_num = shown[-1].split("|", 1)
        q = replace(q, strategy=s_num, indicator=i_num, terms=[], intent="numeric" if q.intent in ("open", "list") else q.intent)
        inherited.append("indicator")
    if q.ref_kind == "item" and q.ref and not (q.indicator or q.guideline):
        # "ข้อ 3": the guideline or the indicator, whichever the turn before was about
        about_guidelines = prev.intent == "guideline" or (prev.guideline and not prev.indicator)
        rows = _rows_named(prev, q.ref, q.strategy) if prev.listed and not about_guidelines else []
        if len(rows) > 1:
            # the row numbered 3 and the third row shown differ: ask which
            return _pick(q, prev, rows)
        if rows:
            q = replace(q, strategy=rows[0][0], indicator=rows[0][1])
            inherited.append("indicator")
        else:
            q = replace(q, **({"guideline": q.ref} if about_guidelines else {"indicator": q.ref}))
        if about_guidelines and not q.strategy and prev.strategy:
            q = replace(q, strategy=prev.strategy)  # "ข้อ 2" of the strategy whose guidelines were listed
            inherited.append("strategy")
        if about_guidelines and q.intent in ("field", "numeric"):
            q = replace(q, intent="guideline")  # the guideline's own line carries its responsible unit
    if q.ref and q.intent == "open" and prev.intent in INHERIT_INTENTS:
        # "ข้อ 2 ล่ะ": the question of the turn before, about that record
        q = replace(q, intent=prev.intent if prev.intent in ("numeric", "field", "guideline")
                    else ("guideline" if q.guideline else "numeric"), field=q.field or prev.field)
    names_record = bool(q.strategy or q.indicator or q.guideline)
    if q.this_ref and not names_record and len(prev.listed) > 1 and not q.corpus_offices \
            and q.intent in ("open", "numeric", "field", "list", "compare"):
        # "ตัวนี้ใครรับผิดชอบ" after a list of several rows: which one is not known, so ask
        pending = q.intent if q.intent != "open" else ("field" if q.field else "numeric")
        return replace(q, intent="pick", pending=pending, offices=list(prev.offices), listed=list(prev.listed),
                       inherited=["office"])
    # a bare follow-up restates no record and no topic of its own; a new list or
    # overview question ("ตัวชี้วัดทั้งหมดของ ลปลพ") starts afresh unless written as one
    bare = not names_record and not q.terms and (q.followup or q.same_topic or from_before
                                                 or q.intent in ("open", "numeric", "field"))
    if q.this_ref and not names_record and (prev.strategy or prev.indicator or prev.guideline or prev.terms) \
            and q.intent in ("open", "numeric", "field", "list", "compare"):
        # "ข้อนี้ตั้งเป้าไว้กี่เปอร์เซ็นต์ อิงเกณฑ์ของใคร": the words ask about the record pointed at
        bare = True
        if q.intent == "list" and prev.strategy and not (prev.indicator or prev.guideline or prev.terms):
            # "ข้อนี้มีตัวชี้วัดอะไรบ้าง" after a strategy: that strategy's indicators, listed
            q = replace(q, strategy=prev.strategy)
            inherited.append("strategy")
            bare = False
        elif q.intent == "list":
            q = replace(q, intent="numeric" if q.asks_value else "open")
        if prev.guideline and not prev.indicator and q.intent in ("field", "numeric", "open") \
                and q.field in (None, "responsible", "text"):
            # "ข้อนี้ใครรับผิดชอบ" after a guideline: that guideline's own line (its responsible unit)
            changes["intent"] = "guideline"
            q = replace(q, intent="guideline", terms=[])
    if bare and (q.intent in ("open", "numeric", "compare") or (q.same_topic and q.intent == "list")) \
            and prev.intent in INHERIT_INTENTS:
        intent = prev.intent
        if prev.intent == "compare" and len(changes.get("offices", q.offices)) < 2:
            intent = "numeric" if (prev.indicator or prev.terms) else "strategy"
        if q.intent == "compare" and len(changes.get("offices", q.offices)) >= 2:
            intent = "compare"
        if q.intent == "numeric" and prev.intent not in ("numeric", "field"):
            intent = "numeric"
        if q.same_topic and prev.intent in ("numeric", "field") and q.intent in ("list", "open", "numeric"):
            intent = prev.intent  # "แล้ว ชม.6 มีตัวชี้วัดแบบนี้ไหม": the same question elsewhere
        changes["intent"] = intent
        changes["part"] = prev.part
        if q.kind is None:
            changes["kind"] = prev.kind
        if q.field is None and intent == "field":
            changes["field"] = prev.field
        if q.field in ("responsible", "source", "unit", "which_strategy") and q.intent in ("open", "field"):
            changes["intent"] = "field"  # "ตัวนี้ระดับไหนดูแลบ้าง": the row's own column
    regroup = bare and bool(q.group) and q.group != prev.group and not q.this_ref
    if regroup:
        # "แล้วของโรงเรียนล่ะ": the same topic for another group, so another indicator: the
        # topic (without the words that named the earlier group) is linked again
        bare = False
        terms = [t for t in prev.terms if not _names_group(t)]
        if terms:
            changes.update(terms=terms, topic=" ".join(terms), strategy=None, indicator=None)
            if prev.intent in ("numeric", "field") and q.intent in ("open", "numeric", "field"):
                changes.update(intent=prev.intent, field=q.field or prev.field, kind=q.kind or prev.kind)
            inherited.append("topic")
            if not q.years and prev.years:
                changes.update(years=list(prev.years), year_kinds=dict(prev.year_kinds))
                inherited.append("year")
    regrade = bare and bool(q.grades) and q.grades != prev.grades and bool(prev.terms or prev.topic) \
        and prev.intent in ("numeric", "field", "list") and not q.this_ref
    if regrade:
        # "แล้ว ป.3 ล่ะ" after "เป้า ป.1 อ่านออกเขียนได้": the same question for another grade,
        # so other rows: every row of that grade the earlier topic links to
        bare = False
        topic = prev.topic
        for g in prev.grades:
            topic = topic.replace(g, " ")
        changes.update(terms=list(prev.terms), topic=" ".join(topic.split()), strategy=None, indicator=None,
                       intent=prev.intent, kind=q.kind or prev.kind, field=q.field or prev.field, plural=True,
                       group=q.group or prev.group)
        inherited.append("topic")
        if not q.years and prev.years:
            changes.update(years=list(prev.years), year_kinds=dict(prev.year_kinds))
            inherited.append("year")
    if bare and q.intent == "list" and not q.same_topic and prev.strategy:
        # "แล้วกลยุทธ์นี้มีตัวชี้วัดกี่ตัว": the rows of the strategy talked about, not its one row
        changes["strategy"] = prev.strategy
        inherited.append("strategy")
        bare = False
    elif bare and q.intent == "list" and not q.same_topic:
        bare = False
    if bare and (prev.strategy or prev.indicator or prev.guideline or prev.terms):
        changes.update(strategy=prev.strategy, indicator=prev.indicator, guideline=prev.guideline,
                       topic=prev.topic, terms=list(prev.terms))
        new_office = bool(q.corpus_offices) and {m.office.id for m in q.corpus_offices} != {
            m.office.id for m in prev.offices}
        if prev.pinned and (new_office or from_before) and prev.terms:
            # a number found by topic in one plan means nothing in another: link the topic again
            changes.update(strategy=None, indicator=None)
        elif new_office and prev.indicator and not prev.terms and prev.row_text and not q.unknown_doc:
            # a row named by its number in one plan ("ตัวชี้วัดที่ 17") is another row in another plan:
            # the earlier row's own wording is the topic linked there
            terms = _terms(prev.row_text, q, lexicon.load().query)
            if terms:
                changes.update(strategy=None, indicator=None, terms=terms, topic=prev.row_text, pinned=False)
                inherited.append("topic")
        for cond in ("group", "level", "every_year", "below_target", "unit_not", "no_target", "unit_is",
                     "level_column", "target_equals"):
            if not getattr(q, cond):
                changes[cond] = getattr(prev, cond)
        if changes.get("strategy"):
            inherited.append("strategy")
        if changes.get("indicator"):
            inherited.append("indicator")
        if not changes.get("indicator") and prev.terms:
            inherited.append("topic")
    elif q.intent == "list" and not names_record and not q.terms and not q.offices and prev.strategy \
            and not prev.indicator and prev.intent in ("strategy", "list", "guideline", "overview"):
        # "กลยุทธ์ที่ 3 … ชื่ออะไร" then "มีตัวชี้วัดอะไรบ้าง": that strategy's indicators
        changes["strategy"] = prev.strategy
        inherited.append("strategy")
    elif q.indicator and not q.strategy and prev.strategy and "." not in q.indicator:
        changes["strategy"] = prev.strategy  # "แล้วตัวชี้วัดที่ 3 ล่ะ": the same strategy
        inherited.append("strategy")
    words = lexicon.load().query
    squashed = q.norm.replace(" ", "")
    step = next((off for w, off in (words.get("context_relative_years") or {}).items() if w in squashed), None)
    if step is not None and prev.years:
        # "ปีถัดไปล่ะ": the year after the one talked about, not after this fiscal year
        year = (max(prev.years) if step > 0 else min(prev.years)) + step
        changes.update(years=[year], year_kinds={})
        inherited.append("year")
    elif not q.years and prev.years and "year" not in inherited and not q.year_ref \
            and not any(w in squashed for w in words.get("all_years") or ()) \
            and not (q.intent == "list" and "strategy" in inherited and not q.same_topic) \
            and (bare or q.same_year or (q.followup and q.intent in ("numeric", "field", "list", "compare"))):
        changes["years"] = list(prev.years)
        changes["year_kinds"] = dict(prev.year_kinds)
        inherited.append("year")
    if q.kind is None and bare and set(words.get("result_tokens") or ()) & set(thai.tokenize(q.norm)) \
            and changes.get("intent", q.intent) in ("numeric", "field") \
            and not any(len(k) > 1 for k in q.year_kinds.values()):
        # ("ผลปี 61 ได้เท่าไร ถึงเป้าไหม" asks the result and the target of its year: kept)
        # "แล้วผลล่ะ": the same row and year, what was achieved
        changes.update(kind="result", year_kinds={y: {"result"} for y in changes.get("years", q.years)},
                       intent="numeric", field=None)
    if not inherited:
        return q
    return replace(q, **changes, inherited=inherited)


def _retopic(q: Query, prev: Query, office_given: bool) -> Query | None:
    """"แล้วเรื่องการออมล่ะ", "ไม่ใช่ หมายถึงด้านเทคโนโลยี", "ไม่ใช่ ชม.6 หมายถึง ลปลพ": a turn
    that restates only a topic or an office asks the question of the turn before about it.
    ``None`` when the turn is not of that kind."""
    if prev.intent not in ("numeric", "field", "list") or not (q.correction or q.followup) or q.same_topic:
        return None
    if q.intent not in (("open", "compare") if q.correction else ("open",)) or q.field or q.this_ref \
            or q.indicator or q.strategy or q.guideline or q.ref:
        return None
    offices = list(q.offices)
    if q.correction and len(offices) > 1:  # "ไม่ใช่ ชม.6 หมายถึง ลปลพ": the office of the turn before is the wrong one
        offices = [m for m in offices if all(m.office.id != p.office.id for p in prev.offices)] or offices
    if not q.terms and not (q.correction and offices):
        return None
    inherited = []
    new = replace(prev, text=q.text, norm=q.norm, pending=None, listed=[], page=0, correction=True,
                  own_office=False, inherited=inherited)
    if offices:
        new = replace(new, offices=offices, unknown_doc=False)
    elif office_given:
        new = replace(new, offices=[])
    else:
        inherited.append("office")
    if q.terms:  # another topic: its row is linked again
        new = replace(new, terms=list(q.terms), topic=q.topic, strategy=None, indicator=None, guideline=None,
                      pinned=False, grades=list(q.grades), group=q.group or None, level=q.level or None)
        if prev.intent == "list" and prev.strategy and not offices:
            new = replace(new, strategy=prev.strategy)
    else:
        inherited.append("topic" if prev.terms else "indicator")
        if prev.pinned and prev.terms:  # a row found by topic in one plan means nothing in another
            new = replace(new, strategy=None, indicator=None, pinned=False)
    if q.years:
        new = replace(new, years=list(q.years), year_kinds=dict(q.year_kinds))
    elif prev.years:
        inherited.append("year")
    return new


def _pick(q: Query, prev: Query, rows: list[tuple[str, str]]) -> Query:
    """Ask which of ``rows`` (of the list shown before) the turn means; the question the turn
    asked waits as ``pending`` and is answered once a choice is made."""
    return replace(q, intent="pick", pending=q.intent if q.intent != "open" else prev.intent,
                   offices=list(prev.offices), listed=[f"{s}|{i}" for s, i in rows], inherited=["office"])


def _rows_named(prev: Query, number: str, strategy: str | None = None) -> list[tuple[str, str]]:
    """The rows of ``prev``'s list a bare number names: the row numbered so and the row
    at that position of the page shown ("ข้อ 3": the third row), once each; both when
    they differ (then the user is asked)."""
    rows = [tuple(k.split("|", 1)) for k in prev.listed]
    out = [r for r in rows if r[1] == number and (strategy is None or r[0] == strategy)]
    if len(out) > 1:
        return out
    if number.isdigit() and strategy is None:
        pos = int(number) - prev.page * (prev.page_size or 0) - 1
        if not 0 <= pos < len(rows):
            pos = int(number) - 1
        if 0 <= pos < len(rows) and rows[pos] not in out:
            out.append(rows[pos])
    return out


def _names_group(term: str) -> bool:
    """A word that names a subject group ("สำนักงานเขต", "โรงเรียน", "ครู")."""
    t = term.strip().lower()
    return any(t == w or t == g or (len(w) > 3 and w in t) for w, g in GROUP_ALIASES.items())


def pin_answer(q: Query, answer: Answer) -> Query:
    """The context to keep after ``answer``: when it concerned one indicator (found by
    its topic or number), pin that indicator so "ตัวนี้ใครรับผิดชอบ" finds it. The context
    keeps what was answered: a question read as another kind ("ตั้งเป้ากี่โรง", a count
    the plan lacks) but answered with an indicator's figures was a figure question."""
    if answer.status == "answered" and q.intent in ("absent", "open", "plan_years") \
            and any(v.indicator and v.kind in ("target", "result") for v in answer.values):
        q = replace(q, intent="numeric", absent=None)
    if q.intent == "list" and answer.status == "answered":
        rows = list(dict.fromkeys((c.strategy, c.indicator) for c in answer.citations if c.indicator))
        if len(rows) > 1:
            q = replace(q, listed=[f"{s}|{i}" for s, i in rows])
    pairs = {(v.strategy, v.indicator) for v in answer.values if v.indicator}
    if not pairs:
        pairs = {(c.strategy, c.indicator) for c in answer.citations if c.indicator}
        if len({c.doc for c in answer.citations}) != 1:
            pairs = set()
    if len(pairs) == 1 and answer.status == "answered" and q.intent in ("numeric", "field", "list"):
        # a list of one row pins it too ("มีตัวชี้วัดเรื่อง Active Learning ไหม" → "ขอดูเป้าทุกปี")
        s, i = next(iter(pairs))
        text = next((c.quote for c in answer.citations if (c.strategy, c.indicator) == (s, i)), "")
        q = replace(q, row_text=thai.one_line(text)[:300])
        s, i = pairs.pop()
        if (q.strategy, q.indicator) == (s, i):
            return q
        return replace(q, strategy=s, indicator=i, pinned=True)
    return q


class Conversations:
    """Load, continue and save conversations in a :class:`StateStore`."""

    def __init__(self, state: StateStore, resolver: OfficeResolver, *, page_size: int = PAGE_SIZE,
                 clock=time.time):
        self.state = state
        self.resolver = resolver
        self.page_size = page_size
        self.clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, conversation_id: str) -> threading.Lock:
        """One lock per conversation: its turns are answered in order."""
        with self._guard:
            return self._locks.setdefault(conversation_id, threading.Lock())

    def context(self, conversation_id: str) -> Query | None:
        data = self.state.load_conversation(conversation_id) or {}
        ctx = data.get("context")
        return Query.from_dict(ctx, self.resolver) if ctx else None

    def continue_query(self, q: Query, conversation_id: str, *, office_given: bool = False) -> Query:
        data = self.state.load_conversation(conversation_id) or {}
        ctx = data.get("context")
        prev = Query.from_dict(ctx, self.resolver) if ctx else None
        turns = data.get("turns") or []
        has_more = bool(turns and turns[-1].get("has_more"))
        after_clarify = bool(turns and turns[-1].get("status") == "clarify")
        if prev is not None and not q.offices and not office_given and len(prev.corpus_offices) == 1 \
                and (m := _AREA_ONLY.search(q.norm)):
            # "ของเขต 2 ล่ะ": area 2 of the province talked about (often an office with no plan here)
            o = prev.corpus_offices[0].office
            q = replace(q, offices=self.resolver.resolve(f"{o.kind}{o.province} เขต {m.group(1)}")[:1])
        asked = q
        q = follow_up(q, prev, office_given=office_given, has_more=has_more, after_clarify=after_clarify)
        if prev is not None and len(prev.listed) > 1 and q.intent in ("numeric", "field") and not asked.offices \
                and not (q.indicator or q.guideline or q.terms or q.also_indicators):
            # a figure asked after a list of several rows, naming none of them: ask which, never guess
            q = _pick(q, prev, [tuple(k.split("|", 1)) for k in prev.listed])
        if prev is not None and prev.offices and q.offices and q.intent != "compare" \
                and {m.office.id for m in q.offices} != {m.office.id for m in prev.offices}:
            q = replace(q, before_offices=list(prev.offices))  # "ต่างกันไหม" later compares the two
        elif prev is not None and not q.before_offices and q.intent != "compare":
            q = replace(q, before_offices=list(prev.before_offices))
        if q.page_size is None:
            q = replace(q, page_size=self.page_size)
        return q

    def record(self, conversation_id: str, q: Query, answer: Answer) -> None:
        data = self.state.load_conversation(conversation_id) or {"turns": []}
        turns = data.get("turns") or []
        turns.append({"question": answer.question, "answer": answer.answer, "status": answer.status,
                      "has_more": answer.has_more, "time": self.clock(),
                      "choices": list(answer.choices),
                      "citations": [{"doc": c.doc, "section": c.section, "quote": c.quote,
                                     "start": c.start, "end": c.end, "office": c.office}
                                    for c in answer.citations]})
        data["turns"] = turns[-MAX_TURNS:]
        data.setdefault("title", answer.question[:80])
        if q.intent not in ("smalltalk", "more") or "page" in q.inherited:
            keep = pin_answer(q, answer)
            prev = data.get("context") or {}
            if not keep.offices and prev.get("offices") and answer.status == "clarify":
                keep = replace(keep, offices=Query.from_dict(prev, self.resolver).offices)
            data["context"] = keep.to_dict()
        self.state.save_conversation(conversation_id, data, owner=owner_of(conversation_id))

    def history(self, conversation_id: str) -> dict | None:
        data = self.state.load_conversation(conversation_id)
        if data is None:
            return None
        return {"id": conversation_id, "title": data.get("title", ""), "turns": data.get("turns") or []}

    def of_owner(self, owner: str, limit: int = 50) -> list[dict]:
        return [{"id": c["id"], "updated": c["updated"], "title": c["data"].get("title", ""),
                 "turns": len(c["data"].get("turns") or [])} for c in self.state.conversations_of(owner, limit=limit)]


def context_label(q: Query, office_short: dict[str, str], kind_of=None) -> str:
    """"สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 2 · ปี 2569": what the turn is about."""
    parts = []
    if q.offices:
        parts.append(", ".join(office_short.get(m.office.id, m.office.short) for m in q.offices))
    rec = []
    if q.strategy:
        kind = kind_of(q) if kind_of else "กลยุทธ์"
        rec.append(f"{kind}ที่ {q.strategy}")
    if q.indicator:
        rec.append(f"ตัวชี้วัดที่ {q.indicator}")
    elif q.guideline:
        rec.append(f"แนวทางข้อ {q.guideline}")
    elif "topic" in q.inherited and q.terms:
        rec.append(f"เรื่อง \"{' '.join(q.terms[:4])}\"")
    if rec:
        parts.append(" › ".join(rec))
    if q.years:
        parts.append("ปี " + ", ".join(map(str, q.years)))
    return " · ".join(parts)
