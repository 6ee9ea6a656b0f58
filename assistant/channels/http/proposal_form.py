"""The teacher's fields of a proposal draft: ``GET /api/proposal/{id}/form`` (the draft's
sections with the places to fill marked) and ``POST /api/proposal/{id}/fields`` (a new
draft with the teacher's text in those places)."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import unicodedata
from dataclasses import fields as dc_fields
from dataclasses import is_dataclass

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assistant.channels.http.common import (
    answer_in_thread,
    citation_label,
    current_assistant,
    draft_links,
    json_object,
)
from assistant.channels.http.errors import ApiError

PROPOSAL_PATHS = ("/api/align", "/api/proposal")
FIELD_LIMITS = {"title": 200, "fill": 1000, "budget": 40}
BUDGET_CELLS = (("compensation", "ค่าตอบแทน"), ("operating", "ค่าใช้สอย"), ("materials", "ค่าวัสดุ"), ("total", "รวม"))
# what a draft quotes from the plan, or fixes from it, is never edited
_FIXED = frozenset({"id", "idea", "office_id", "office", "doc_id", "plan_title", "kind", "fiscal_year",
                    "period_start", "period_end", "alignment", "targets", "citations", "headings",
                    "signatures", "notes", "title"})
_MARK = re.compile("\ue000(\\d+)\ue001")


def _text_places(p) -> list[tuple[tuple, str]]:
    """(path, text) of every editable text of a draft: its narrative strings and the
    strings of its rows (activities, budget items, evaluation), never a quote."""
    out = []
    for f in dc_fields(p):
        if f.name in _FIXED:
            continue
        v = getattr(p, f.name)
        if isinstance(v, str):
            out.append(((f.name,), v))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, str):
                    out.append(((f.name, i), x))
                elif is_dataclass(x):
                    out += [((f.name, i, g.name), getattr(x, g.name)) for g in dc_fields(x)
                            if isinstance(getattr(x, g.name), str)]
    return out


def _set_place(p, path: tuple, value: str) -> None:
    if len(path) == 1:
        setattr(p, path[0], value)
    elif len(path) == 2:
        getattr(p, path[0])[path[1]] = value
    else:
        setattr(getattr(p, path[0])[path[1]], path[2], value)


class DraftForm:
    """The places of a draft a teacher fills: the project name (``title``), every
    ``[กรอก: ...]`` (one key per distinct hint, so "ชื่อสถานศึกษา" is typed once; a
    cell that is nothing but a placeholder, like each activity's responsible person,
    has its own key) and the budget cells (``b<row>.<column>``). The project name is
    also mirrored where the narrative repeats it."""

    def __init__(self, p):
        from assistant.proposals.draft import FILL_RE

        self.p = p
        self.fields: dict[str, dict] = {}
        title_is_fill = bool(FILL_RE.fullmatch(p.title.strip()))
        # the name is mirrored where the templates repeat it, never inside the plan's text
        plan_texts = [x.text for x in p.alignment] + [t.text for t in p.targets] + [c.quote for c in p.citations]
        self.title = None if title_is_fill or any(p.title in x for x in plan_texts) else p.title
        self.fields["title"] = {"key": "title", "kind": "title", "label": p.headings.get("title", "ชื่อโครงการ"),
                                "value": "" if title_is_fill else p.title,
                                "placeholder": p.title if title_is_fill else "",
                                "multiline": False}
        ids: dict[tuple, str] = {}
        self.places: list[tuple[tuple, list]] = []
        for path, text in _text_places(p):
            matches = list(FILL_RE.finditer(text))
            if not matches and not (self.title and self.title in text):
                continue
            parts: list = []
            pos = 0
            for n, m in enumerate(matches):
                parts += self._literal(text[pos : m.start()])
                hint = _hint(m.group(0))
                ident = ("at", path, n) if (not hint or text.strip() == m.group(0)) else ("hint", hint)
                key = ids.get(ident)
                if key is None:
                    key = ids[ident] = f"f{len(ids) + 1}"
                    label = hint or text[: m.start()].strip(" :")[-60:] or _place_label(p, path)
                    self.fields[key] = {"key": key, "kind": "fill", "label": label,
                                        "value": "", "placeholder": m.group(0), "multiline": len(hint) > 45}
                parts.append(("f", key, m.group(0)))
                pos = m.end()
            parts += self._literal(text[pos:])
            self.places.append((path, parts))
        for i, b in enumerate(p.budget, 1):
            for attr, label in BUDGET_CELLS:
                key = f"b{i}.{attr}"
                self.fields[key] = {"key": key, "kind": "budget", "label": f"{label} · {_hint_free(b.item)}",
                                    "value": getattr(b, attr), "placeholder": "", "multiline": False}

    def _literal(self, text: str) -> list:
        if not text:
            return []
        if not self.title:
            return [text]
        out: list = []
        for i, piece in enumerate(text.split(self.title)):
            if i:
                out.append(("t",))
            if piece:
                out.append(piece)
        return out

    def apply(self, values: dict[str, str]):
        """A copy of the draft with ``values`` in its places (an empty value keeps the
        place to fill); the draft itself when nothing changes."""
        clean: dict[str, str] = {}
        for key, v in values.items():
            field = self.fields.get(key)
            if field is None:
                raise ApiError("unknown_field", f"ไม่มีช่อง \"{key[:40]}\" ในร่างโครงการนี้",
                               f"No field {key[:40]!r} in this proposal draft.")
            limit = FIELD_LIMITS[field["kind"]]
            text = " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in v).split())
            if len(text) > limit:
                raise ApiError("field_too_long", f"ข้อความในช่อง \"{field['label'][:40]}\" ยาวเกินไป (เกิน {limit} ตัวอักษร)",
                               f"The text of field {key!r} is longer than {limit} characters.")
            if text != field["value"]:
                clean[key] = text
        if not clean:
            return self.p
        q = copy.deepcopy(self.p)
        title = clean.get("title") or self.p.title
        for path, parts in self.places:
            _set_place(q, path, "".join(
                part if isinstance(part, str) else title if part[0] == "t" else (clean.get(part[1]) or part[2])
                for part in parts))
        q.title = title
        for i, b in enumerate(q.budget, 1):
            for attr, _ in BUDGET_CELLS:
                if f"b{i}.{attr}" in clean:
                    setattr(b, attr, clean[f"b{i}.{attr}"])
        digest = hashlib.sha1(json.dumps(sorted(clean.items()), ensure_ascii=False).encode()).hexdigest()[:10]
        q.id = f"{self.p.id.split('-')[0]}-{digest}"
        return q

    def marked(self):
        """A copy of the draft with a marker in each place, and the markers' meaning."""
        markers: list[dict] = []

        def mark(d: dict) -> str:
            markers.append(d)
            return f"\ue000{len(markers) - 1}\ue001"

        q = copy.deepcopy(self.p)
        for path, parts in self.places:
            _set_place(q, path, "".join(
                part if isinstance(part, str) else mark({"field": "title", "mirror": True}) if part[0] == "t"
                else mark({"field": part[1]}) for part in parts))
        q.title = mark({"field": "title"})
        for i, b in enumerate(q.budget, 1):
            for attr, _ in BUDGET_CELLS:
                setattr(b, attr, mark({"field": f"b{i}.{attr}"}))
        return q, markers


def _hint(placeholder: str) -> str:
    inner = placeholder.strip()[1:-1]  # กรอก: ...
    return inner.split(":", 1)[1].strip() if ":" in inner else ""


def _hint_free(text: str) -> str:
    from assistant.proposals.draft import FILL_RE

    return " ".join(FILL_RE.sub(" ", text).split())[:60]


def _place_label(p, path: tuple) -> str:
    heading = {"responsible": "responsible", "activities": "activities", "budget": "budget",
               "evaluation": "evaluation", "expected": "expected"}.get(path[0])
    return p.headings.get(heading, "ช่องที่ต้องกรอก") if heading else "ช่องที่ต้องกรอก"


def fill_draft(p, values: dict[str, str]):
    return DraftForm(p).apply(values)


def form_payload(assistant, p) -> dict:
    """The editable view of a draft (GET /api/proposal/{id}/form)."""
    from assistant.proposals.draft import layout

    form = DraftForm(p)
    q, markers = form.marked()

    def segs(text: str) -> list:
        out: list = []
        pos = 0
        for m in _MARK.finditer(text):
            if m.start() > pos:
                out.append(text[pos : m.start()])
            out.append(markers[int(m.group(1))])
            pos = m.end()
        if pos < len(text):
            out.append(text[pos:])
        return out

    sections = []
    for sec in layout(q):
        blocks = []
        for b in sec.blocks:
            if b.kind in ("para", "note", "subheading"):
                if b.text:
                    blocks.append({"kind": b.kind, "text": segs(b.text)})
            elif b.kind in ("bullets", "numbered"):
                blocks.append({"kind": b.kind, "items": [segs(x) for x in b.items]})
            elif b.kind == "table":
                blocks.append({"kind": "table", "columns": list(b.columns),
                               "rows": [[segs(c) for c in row] for row in b.rows]})
        sections.append({"key": sec.key, "heading": sec.heading, "blocks": blocks})
    H = p.headings
    sources = [{"n": i, "doc": c.doc, "office": c.office, "section": c.section, "quote": c.quote,
                "start": c.start, "end": c.end, "label": citation_label(assistant, c)}
               for i, c in enumerate(p.citations, 1)]
    fields = list(form.fields.values())
    return {"id": p.id, "title": p.title, "office": p.office, "fiscal_year": p.fiscal_year,
            "document": H.get("document", ""), "note": H.get("note", ""), "sources_heading": H.get("sources", ""),
            "sections": sections, "fields": fields, "sources": sources, "downloads": draft_links(p)}


def form_router() -> APIRouter:
    router = APIRouter(tags=["proposal"])

    def draft_of(request: Request, pid: str):
        p = request.app.state.proposal_drafts.get(pid)
        if p is None:
            raise ApiError("unknown_proposal", message_en=f"No proposal draft {pid[:80]!r} (it may have expired).")
        return p

    @router.get("/api/proposal/{pid}/form", summary="ช่องที่กรอกได้ของร่างโครงการ (editable draft)")
    async def proposal_form(request: Request, pid: str):
        """The draft's sections as the documents draw them, each text split into plain
        parts and ``{"field": key}`` places the teacher fills (``mirror``: shows the
        project name), with the fields, the numbered sources and the download links."""
        a = current_assistant(request.app)
        p = draft_of(request, pid)
        return JSONResponse(await answer_in_thread(request.app, form_payload, a, p))

    @router.post("/api/proposal/{pid}/fields", summary="กรอกช่องในร่างโครงการ (fill the draft)",
                 openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["fields"],
                     "properties": {"fields": {"type": "object", "additionalProperties": {"type": "string"},
                                               "example": {"title": "โครงการซ้อมอพยพหนีไฟ ปีการศึกษา 2569"}}}}}}}})
    async def proposal_fields(request: Request, pid: str):
        """A new draft with the teacher's text in the given places (keys from
        ``/form``; an empty text leaves the place to fill). Everything quoted from the
        plan stays as it is. Answers the new draft's id and download links."""
        p = draft_of(request, pid)
        data = json_object(await request.body(), request.headers.get("content-type"), '{"fields": {"title": "..."}}')
        values = data.get("fields")
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise ApiError("invalid_request", "fields ต้องเป็นออบเจกต์ของข้อความ เช่น {\"fields\": {\"title\": \"...\"}}",
                           "\"fields\" must be an object of strings.")
        q = await answer_in_thread(request.app, fill_draft, p, values)
        if q is not p:
            request.app.state.proposal_drafts.put(q)
        return {"id": q.id, "base": p.id, "title": q.title, "downloads": draft_links(q)}

    return router
