"""Retrieval chunks rendered from the structured plans, not fixed windows.

One chunk per unit a question is about: the vision, the missions, the plan goals, each
strategy (title, strategic goals, description), each guideline and each indicator row
(rendered as a readable Thai passage with its office, strategy, unit and targets by
year). A chunk's id is the id of the record it renders (``<doc>/missions`` and
``<doc>/goals`` for the two lists); a chunk longer than the token budget — counted in the
embedder's own tokens — is split at line, sentence or space boundaries into parts
``<id>``, ``<id>#2``, ``<id>#3`` …, each repeating a short header so it stands alone.

The header names the chunk's office, so renamed copies of one plan differ in every
chunk. :attr:`Chunk.embed_text` is the text a vector is computed from: the chunk without
its office label (the office is a metadata filter of every search anyway), so chunks
whose content is identical share one vector (embedded once, and cached across builds).

``metadata['start']``/``['end']`` is the span of the original document text the chunk
renders (record plus its targets or strategic goals), so ``text[start:end]`` quotes it.

:func:`fixed_chunks` is the evaluation baseline: plain fixed-size windows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant import settings as settings_mod
from assistant.domain import thai
from assistant.domain.models import Indicator, Plan, Span, Strategy, Target, TextItem
from assistant.ingest.passages import passage_id, passages
from assistant.stores.sqlite import Store

KINDS = ("vision", "mission", "goal", "strategy", "guideline", "indicator", "passage")
FIXED = "fixed"
PART_SEP = "#"

TokenCounter = Callable[[str], int]


@dataclass
class Chunk:
    id: str
    text: str
    metadata: dict = field(default_factory=dict)
    embed_from: int = 0  # the vector is computed from ``text[embed_from:]``

    @property
    def record_id(self) -> str:
        return self.metadata.get("record_id") or self.id.split(PART_SEP, 1)[0]

    @property
    def embed_text(self) -> str:
        """The text the chunk's vector is computed from (without the office label)."""
        return self.text[self.embed_from:] if 0 < self.embed_from < len(self.text) else self.text

    def to_dict(self) -> dict:
        d = {"id": self.id, "text": self.text, "metadata": self.metadata}
        if self.embed_from:
            d["embed_from"] = self.embed_from
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        return cls(d["id"], d["text"], dict(d["metadata"]), int(d.get("embed_from") or 0))


@dataclass
class _Piece:
    """One line of a chunk body with the source span it renders (if any)."""

    text: str
    span: Span | None = None


# ---------------------------------------------------------------- rendering helpers


def _office_label(store: Store, plan: Plan) -> str | None:
    office = store.offices.get(plan.office_id) if plan.office_id else None
    if office:
        return office.short
    return None


def _embed_from(text: str, label: str | None) -> int:
    """Where the text to embed starts: after a leading office label and its separator."""
    if not label or not text.startswith(label):
        return 0
    i = len(label)
    while i < len(text) and text[i] in " ·\n":
        i += 1
    return i if i < len(text) else 0


def _header(store: Store, plan: Plan) -> str:
    parts = [p for p in (_office_label(store, plan), _plan_label(plan)) if p]
    return " · ".join(parts)


def _plan_label(plan: Plan) -> str | None:
    if plan.years:
        a, b = plan.years
        return f"แผนปี {a}" if a == b else f"แผนปี {a}–{b}"
    return None


def _strategy_label(s: Strategy) -> str:
    return f"{s.kind}ที่ {s.number} {s.title}".strip()


def _numbered(item: TextItem, i: int) -> str:
    return f"{item.number or i}. {item.text}"


def _fmt_value(t: Target) -> str:
    unit = f" {t.unit}" if t.unit and t.unit not in t.value else ""
    sub = f" ({t.sub_item})" if t.sub_item else ""
    year = f"ปี {t.year}" if t.year is not None else "ไม่ระบุปี"
    return f"{year}{sub}: {t.value}{unit}"


def _plan_years(plan: Plan) -> list[int]:
    if not plan.years:
        return []
    a, b = plan.years
    return list(range(a, b + 1)) if 0 <= b - a <= 20 else [a, b]


def _union(spans: Iterable[Span | None]) -> tuple[int, int] | None:
    spans = [s for s in spans if s is not None]
    if not spans:
        return None
    return min(s.start for s in spans), max(s.end for s in spans)


def _meta(plan: Plan, kind: str, record_id: str, *, strategy: str | None = None,
          indicator: str | None = None, guideline: str | None = None,
          years: list[int] | None = None) -> dict:
    return {
        "record_id": record_id,
        "doc_id": plan.doc_id,
        "office_id": plan.office_id,
        "kind": kind,
        "strategy": strategy,
        "indicator": indicator,
        "guideline": guideline,
        "years": years if years is not None else _plan_years(plan),
        "start": None,
        "end": None,
    }


# ---------------------------------------------------------------- splitting

_SENTENCE_BREAK = re.compile(r"(?<=[.!?ฯ])\s+|\n+|\s{2,}")


def _split_text(text: str, limit: int, count: TokenCounter) -> list[str]:
    """Split ``text`` so each part counts at most ``limit`` tokens: at line/sentence
    breaks first, then at spaces, then (for one very long word) by characters."""
    if count(text) <= limit:
        return [text]
    for splitter in (_SENTENCE_BREAK, re.compile(r"\s+")):
        units = [u for u in splitter.split(text) if u and u.strip()]
        if len(units) > 1:
            out: list[str] = []
            cur = ""
            for u in units:
                cand = f"{cur} {u}" if cur else u
                if count(cand) <= limit:
                    cur = cand
                    continue
                if cur:
                    out.append(cur)
                if count(u) <= limit:
                    cur = u
                else:
                    out.extend(_split_text(u, limit, count))
                    cur = ""
            if cur:
                out.append(cur)
            return out
    # a single unbreakable run: cut by characters (binary search on the cut point)
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return [text[:lo], *_split_text(text[lo:], limit, count)] if lo < len(text) else [text]


def _assemble(chunk_id: str, header: str, pieces: list[_Piece], meta: dict, limit: int,
              count: TokenCounter, record_span: Span | None) -> list[Chunk]:
    """Pack ``header`` + pieces into chunks of at most ``limit`` tokens."""
    full = "\n".join([header, *(p.text for p in pieces)] if header else [p.text for p in pieces])
    whole = _union([record_span, *(p.span for p in pieces)])
    if count(full) <= limit:
        return [_chunk(chunk_id, full, meta, whole)]
    # the header repeats in every part; keep it to at most half of the budget
    if header and count(header) > limit // 2:
        header = _split_text(header, limit // 2, count)[0]
    room = limit - (count(header) - count("") if header else 0)
    units: list[_Piece] = []
    for p in pieces:
        if count(p.text) <= room:
            units.append(p)
        else:
            units.extend(_Piece(t, p.span) for t in _split_text(p.text, room, count))
    parts: list[list[_Piece]] = []
    cur: list[_Piece] = []
    for u in units:
        cand = "\n".join([header, *(x.text for x in cur), u.text] if header else [*(x.text for x in cur), u.text])
        if cur and count(cand) > limit:
            parts.append(cur)
            cur = [u]
        else:
            cur.append(u)
    if cur:
        parts.append(cur)
    out = []
    for i, part in enumerate(parts, 1):
        text = "\n".join([header, *(x.text for x in part)] if header else [x.text for x in part])
        if count(text) > limit:  # a unit that only fits without the header
            text = "\n".join(x.text for x in part)
        cid = chunk_id if i == 1 else f"{chunk_id}{PART_SEP}{i}"
        # the first part also quotes the record itself (its title is in the header)
        span = _union([*(x.span for x in part), record_span if i == 1 else None]) or whole
        out.append(_chunk(cid, text, meta, span))
    return out


def _chunk(cid: str, text: str, meta: dict, span: tuple[int, int] | None) -> Chunk:
    m = dict(meta)
    if span:
        m["start"], m["end"] = span
    return Chunk(cid, text, m)


# ---------------------------------------------------------------- plan → chunks


def plan_chunks(plan: Plan, store: Store, limit: int, count: TokenCounter, share_vectors: bool = False) -> list[Chunk]:
    """The structure-aware chunks of one plan."""
    head = _header(store, plan)
    out: list[Chunk] = []
    d = plan.doc_id

    if plan.vision:
        v = plan.vision
        out += _assemble(v.id, head, [_Piece(f"วิสัยทัศน์: {v.text}", v.span)],
                         _meta(plan, "vision", v.id), limit, count, v.span)
    if plan.missions:
        rid = f"{d}/missions"
        pieces = [_Piece("พันธกิจ")] + [_Piece(_numbered(m, i), m.span) for i, m in enumerate(plan.missions, 1)]
        out += _assemble(rid, head, pieces, _meta(plan, "mission", rid), limit, count, None)
    if plan.goals:
        rid = f"{d}/goals"
        pieces = [_Piece("เป้าประสงค์ของแผน")] + [_Piece(_numbered(g, i), g.span) for i, g in enumerate(plan.goals, 1)]
        out += _assemble(rid, head, pieces, _meta(plan, "goal", rid), limit, count, None)

    for s in plan.strategies:
        s_head = "\n".join(x for x in (head, _strategy_label(s)) if x)
        pieces = []
        if s.goals:
            pieces.append(_Piece("เป้าประสงค์"))
            pieces += [_Piece(_numbered(g, i), g.span) for i, g in enumerate(s.goals, 1)]
        if s.description:
            pieces.append(_Piece(s.description, s.span))
        out += _assemble(s.id, s_head, pieces,
                         _meta(plan, "strategy", s.id, strategy=s.number), limit, count, s.span)

        for g in s.guidelines:
            pieces = []
            if g.heading and g.heading != g.text:
                pieces.append(_Piece(f"แนวทางหลัก: {g.heading}"))
            pieces.append(_Piece(f"แนวทางที่ {g.number}: {g.text}", g.span))
            if g.responsible:
                pieces.append(_Piece(f"ผู้รับผิดชอบ: {g.responsible}"))
            out += _assemble(g.id, s_head, pieces,
                             _meta(plan, "guideline", g.id, strategy=s.number, guideline=g.number),
                             limit, count, g.span)

        for ind in s.indicators:
            out += _assemble(ind.id, s_head, _indicator_pieces(ind),
                             _meta(plan, "indicator", ind.id, strategy=s.number,
                                   indicator=ind.number, guideline=ind.guideline,
                                   years=sorted({t.year for t in ind.targets if t.year is not None})
                                   or _plan_years(plan)),
                             limit, count, ind.span)

    # text no record covers (values, narratives, signatures): passages, for open questions
    for span in passages(plan, store.texts[d]):
        rid = passage_id(d, span.start)
        text = thai.one_line(store.texts[d][span.start : span.end])
        out += _assemble(rid, head, [_Piece(text, span)], _meta(plan, "passage", rid), limit, count, span)
    if share_vectors:  # renamed copies of one plan then share every vector
        label = _office_label(store, plan)
        for c in out:
            c.embed_from = _embed_from(c.text, label)
    return out


def _indicator_pieces(ind: Indicator) -> list[_Piece]:
    pieces = [_Piece(f"ตัวชี้วัดที่ {ind.number}: {ind.text}", ind.span)]
    if ind.unit:
        pieces.append(_Piece(f"หน่วยนับ: {ind.unit}"))
    for kind, label in (("target", "ค่าเป้าหมาย"), ("result", "ผลการดำเนินงาน")):
        ts = [t for t in ind.targets if t.kind == kind]
        if ts:
            pieces.append(_Piece(f"{label} " + "; ".join(_fmt_value(t) for t in ts),
                                 Span(ind.span.doc_id, *_union(t.span for t in ts))))
    if ind.sub_items:
        pieces.append(_Piece("รายการย่อย: " + ", ".join(ind.sub_items)))
    if ind.responsible:
        pieces.append(_Piece(f"ผู้รับผิดชอบ: {ind.responsible}"))
    if ind.source:
        pieces.append(_Piece(f"แหล่งข้อมูล: {ind.source}"))
    return pieces


def build_chunks(store: Store, count: TokenCounter, limit: int | None = None,
                 share_vectors: bool = False) -> list[Chunk]:
    """Every structure-aware chunk of every plan in the store, ids unique; with
    ``share_vectors`` the vectors are computed without the office label."""
    limit = limit or settings_mod.get().chunk_tokens
    out: list[Chunk] = []
    seen: set[str] = set()
    for doc_id in sorted(store.plans):
        for c in plan_chunks(store.plans[doc_id], store, limit, count, share_vectors):
            if c.id in seen:  # a parser that emitted a duplicate record id
                n = 2
                while f"{c.id}{PART_SEP}{n}" in seen:
                    n += 1
                c.id = f"{c.id}{PART_SEP}{n}"
            seen.add(c.id)
            out.append(c)
    return out


# ---------------------------------------------------------------- baseline


def fixed_chunks(store: Store, size: int, count: TokenCounter | None = None,
                 overlap: int = 0) -> list[Chunk]:
    """Baseline: consecutive windows over each document's original text.

    With ``count`` a window holds at most ``size`` tokens of that counter; without it,
    ``size`` characters. Windows end at whitespace when there is some; ``overlap`` is in
    characters.
    """
    out: list[Chunk] = []
    for doc_id in sorted(store.texts):
        text = store.texts[doc_id]
        doc = store.docs.get(doc_id)
        office_id = doc.office_id if doc else None
        years = list(range(doc.years[0], doc.years[1] + 1)) if doc and doc.years else []
        start, n = 0, len(text)
        while start < n:
            while start < n and text[start].isspace():
                start += 1
            if start >= n:
                break
            end = _window_end(text, start, size, count)
            piece = text[start:end]
            out.append(Chunk(f"{doc_id}@{start}", piece, {
                "record_id": f"{doc_id}@{start}", "doc_id": doc_id, "office_id": office_id,
                "kind": FIXED, "strategy": None, "indicator": None, "guideline": None,
                "years": years, "start": start, "end": end}))
            start = max(end - overlap, start + 1) if end < n else n
    return out


def _window_end(text: str, start: int, size: int, count: TokenCounter | None) -> int:
    n = len(text)
    if count is None:
        end = min(n, start + size)
    else:
        # characters per token vary: grow a guess, then binary-search the longest fit
        lo, hi = start + 1, min(n, start + size * 8)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(text[start:mid]) <= size:
                lo = mid
            else:
                hi = mid - 1
        end = lo
    if end < n:
        cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end), text.rfind("\t", start, end))
        if cut > start + (end - start) // 2:
            end = cut
    return end


# ---------------------------------------------------------------- texts without a chunk


def goal_texts(store: Store) -> list[str]:
    """Texts of the records that have no chunk of their own but are compared with a
    question by meaning (the plan goals and each strategy's goals, as the aligner does):
    their vectors are computed at ingest, so no answer has to embed them. Distinct, in
    document order."""
    out: dict[str, None] = {}
    for doc_id in sorted(store.plans):
        plan = store.plans[doc_id]
        for g in plan.goals:
            out.setdefault(g.text, None)
        for s in plan.strategies:
            for g in s.goals:
                out.setdefault(g.text, None)
    return [t for t in out if t]
