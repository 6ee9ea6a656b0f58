"""HTTP API, offline web chat page and LINE webhook: one FastAPI app over the Assistant.

Endpoints (all JSON unless noted; every error is ``{"error": {"code", "message_th",
"message_en"}}`` with a 4xx/5xx status):

  POST /api/ask            {question, office?} -> answer.contract() + extra keys
  GET  /api/offices        offices that have a plan in the index
  GET  /api/strategies     ?office=
  GET  /api/indicators     ?office=&year=&strategy=&about=&level=
  GET  /api/sources/{doc}  ?start=&end= the exact source passage around a citation
  GET  /healthz            index loaded, record counts
  GET  /                   the web chat page (assistant/web, no external resources)
  GET  /docs               API documentation (offline), /openapi.json the schema
  POST /line/webhook       LINE Messaging API webhook (assistant/line.py)

Project proposals (assistant/proposal_api.py, included here; same limits and errors):

  POST /api/align                      {idea, office?, year?, top?} -> ranked strategies
  POST /api/proposal                   {idea, office?, year?} -> draft + download links,
                                       or status "no_fit" with the closest strategies
  GET  /api/proposal/{id}.docx | .md   the draft
  GET  /api/proposal/{id}/form         the draft's sections with its teacher-fillable
                                       fields marked (the web tab's editable preview)
  POST /api/proposal/{id}/fields       {fields: {key: text}} -> a new draft id with the
                                       teacher's text in those places (downloads as above)

The Assistant is loaded once at start-up; answering runs in the thread pool so
embedding and search never block the event loop.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import fields as dc_fields
from dataclasses import is_dataclass
from pathlib import Path

import anyio
from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.domain.models import Answer, Citation
from assistant.errors import PlanQAError

log = logging.getLogger("planqa.server")

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
ASK_BODY_LIMIT = 64 * 1024
WEBHOOK_BODY_LIMIT = 1024 * 1024
DEFAULT_BODY_LIMIT = 64 * 1024
SOURCE_CONTEXT = 600  # characters of context shown before/after a cited passage
SOURCE_MAX_SPAN = 20_000
MAX_FOLLOWUPS = 4
# Answering is CPU-bound Python: a few worker threads answer at once and the rest wait
# their turn without holding the GIL, so the event loop (health checks, the page, the
# webhook's 200) stays responsive under load. PLANQA_ANSWER_THREADS overrides.
ANSWER_THREADS = int(os.environ.get("PLANQA_ANSWER_THREADS", "0")) or min(4, max(2, os.cpu_count() or 2))

# Content-Security-Policy of the web page: nothing is loaded from outside the server.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


# ---------------------------------------------------------------- errors

ERRORS: dict[str, tuple[int, str, str]] = {
    "malformed_json": (400, "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง กรุณาส่งในรูปแบบ {\"question\": \"...\"}",
                       "The request body is not valid JSON; send {\"question\": \"...\"}."),
    "invalid_encoding": (400, "ข้อมูลที่ส่งมาไม่ใช่ข้อความ UTF-8 (อาจเป็นไฟล์หรือข้อมูลไบนารี)",
                         "The request body is not UTF-8 text (binary data?)."),
    "invalid_request": (400, "รูปแบบคำขอไม่ถูกต้อง", "The request is not valid."),
    "empty_question": (400, "กรุณาพิมพ์คำถาม", "The question is empty."),
    "question_too_long": (400, "คำถามยาวเกินไป กรุณาถามให้สั้นลง", "The question is too long."),
    "unknown_office": (400, "ไม่รู้จักหน่วยงานนี้", "Unknown office."),
    "invalid_parameter": (422, "พารามิเตอร์ไม่ถูกต้อง", "Invalid parameter."),
    "invalid_range": (400, "ช่วงตำแหน่งข้อความไม่ถูกต้อง", "Invalid start/end range."),
    "unknown_document": (404, "ไม่พบเอกสารนี้ในคลังเอกสาร", "No such document in the index."),
    "unknown_proposal": (404, "ไม่พบร่างโครงการนี้ (อาจหมดอายุแล้ว) กรุณาสร้างใหม่",
                         "No such proposal draft (it may have expired); create it again."),
    "unknown_field": (400, "ไม่มีช่องนี้ในร่างโครงการ", "No such field in this proposal draft."),
    "field_too_long": (400, "ข้อความที่กรอกยาวเกินไป", "A field's text is too long."),
    "not_found": (404, "ไม่พบหน้าหรือบริการที่เรียก", "No such page or endpoint."),
    "method_not_allowed": (405, "ไม่รองรับวิธีเรียกนี้", "Method not allowed for this endpoint."),
    "body_too_large": (413, "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป", "The request body is too large."),
    "unsupported_media_type": (415, "กรุณาส่งข้อมูลแบบ application/json",
                               "Unsupported content type; send application/json."),
    "missing_signature": (400, "ไม่มีลายเซ็น X-Line-Signature", "Missing X-Line-Signature header."),
    "invalid_signature": (401, "ลายเซ็น X-Line-Signature ไม่ถูกต้อง", "Invalid X-Line-Signature."),
    "line_disabled": (503, "ยังไม่ได้เปิดใช้งาน LINE (ต้องตั้งค่า LINE_CHANNEL_SECRET และ LINE_CHANNEL_ACCESS_TOKEN)",
                      "LINE is not enabled: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN."),
    "index_missing": (503, "ยังไม่มีดัชนีของเอกสาร กรุณาสั่ง `planqa ingest` ก่อน",
                      "The index is not built yet: run `planqa ingest`."),
    "internal_error": (500, "ระบบขัดข้อง กรุณาลองใหม่อีกครั้ง", "Internal server error; please try again."),
}


class ApiError(Exception):
    """An error answered as ``{"error": {...}}``; messages default to ERRORS[code]."""

    def __init__(self, code: str, message_th: str | None = None, message_en: str | None = None,
                 status: int | None = None):
        default_status, th, en = ERRORS.get(code, ERRORS["invalid_request"])
        self.code = code
        self.status = status or default_status
        self.message_th = message_th or th
        self.message_en = message_en or en
        super().__init__(self.message_en)

    def response(self) -> JSONResponse:
        return error_response(self.code, self.message_th, self.message_en, self.status)


def error_response(code: str, message_th: str | None = None, message_en: str | None = None,
                   status: int | None = None, headers: dict | None = None) -> JSONResponse:
    default_status, th, en = ERRORS.get(code, ERRORS["invalid_request"])
    body = {"error": {"code": code, "message_th": message_th or th, "message_en": message_en or en}}
    return JSONResponse(body, status_code=status or default_status, headers=headers)


class BodyLimit:
    """ASGI middleware: reads a request body up to a per-path byte cap (413 beyond it)
    before the app sees it, so no handler ever holds an unbounded body."""

    def __init__(self, app, limits: dict[str, int], default: int):
        self.app = app
        self.limits = limits
        self.default = default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                n = int(declared)
            except ValueError:
                await error_response("invalid_request", message_en="Invalid Content-Length.")(scope, receive, send)
                return
            if n > limit:
                await self._too_large(limit)(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(limit)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _too_large(limit: int) -> JSONResponse:
        kb = limit // 1024
        return error_response("body_too_large", f"ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป (เกิน {kb} KB)",
                              f"The request body is larger than {kb} KB.",
                              headers={"Connection": "close"})


# ---------------------------------------------------------------- shared helpers (web + LINE)


def office_short(assistant, office_id: str | None) -> str:
    o = assistant.store.offices.get(office_id) if office_id else None
    return o.short if o else assistant.templates("no_office_doc")


def citation_label(assistant, c: Citation) -> str:
    """What a citation chip shows: office · กลยุทธ์/นโยบาย · ตัวชี้วัด."""
    return f"{office_short(assistant, c.office)} · " + " · ".join(p.strip() for p in c.section.split("›"))


def _office_by_short(assistant, name: str):
    return next((o for o in assistant.store.offices.values() if o.short == name), None)


def choice_requests(assistant, answer: Answer, office_id: str | None = None) -> list[dict]:
    """The request each clarify choice stands for: an office choice re-asks the same
    question for that office; any other choice is added to the question."""
    out = []
    for c in answer.choices:
        o = _office_by_short(assistant, c)
        if o:
            out.append({"label": c, "question": answer.question, "office": o.id})
        else:
            out.append({"label": c, "question": f"{answer.question} {c}", "office": office_id})
    return out


def _strategy_kind(assistant, office_id: str, number: str) -> str:
    for p in assistant.store.plans_of(office_id):
        s = p.strategy(number)
        if s:
            return s.kind
    return "กลยุทธ์"


def followups(assistant, answer: Answer) -> list[dict]:
    """Suggested next questions about the same office (and strategy) as the answer."""
    if answer.status != "answered" or not answer.citations:
        return []
    offices = {c.office for c in answer.citations}
    if len(offices) != 1 or None in offices:
        return []
    office_id = offices.pop()
    short = office_short(assistant, office_id)
    first = next((c for c in answer.citations if c.strategy), None)
    items: list[tuple[str, str]] = []
    if first:
        s = first.strategy
        kind = _strategy_kind(assistant, office_id, s)
        inds = {(v.strategy, v.indicator) for v in answer.values}
        if first.indicator and len(inds) == 1 and len({v.year for v in answer.values}) == 1:
            items.append(("ค่าเป้าหมายทุกปี", f"ค่าเป้าหมายตัวชี้วัดที่ {first.indicator} {kind}ที่ {s} ของ {short}"))
        items.append((f"ตัวชี้วัด {kind} {s}", f"ตัวชี้วัดของ{kind}ที่ {s} ของ {short}"))
        items.append((f"แนวทาง {kind} {s}", f"แนวทางการพัฒนา {kind}ที่ {s} ของ {short}"))
    kind = next((p.strategies[0].kind for p in assistant.store.plans_of(office_id) if p.strategies), "กลยุทธ์")
    items.append((f"{kind}ทั้งหมด", f"{kind}ทั้งหมดของ {short}"))
    items.append(("วิสัยทัศน์", f"วิสัยทัศน์ของ {short}"))
    out = []
    for label, q in items:
        if q != answer.question and all(q != f["question"] for f in out):
            out.append({"label": label, "question": q, "office": None})
    return out[:MAX_FOLLOWUPS]


def ask_payload(assistant, answer: Answer, office_id: str | None = None) -> dict:
    """``answer.contract()`` exactly, plus extra keys the clients use:
    ``choices`` (clarify options), ``choice_requests`` (what each choice asks),
    ``followups`` (suggested next questions) and ``spans`` (per citation: start, end
    and the chip label)."""
    out = answer.contract()
    out["choices"] = list(answer.choices)
    out["choice_requests"] = choice_requests(assistant, answer, office_id)
    out["followups"] = followups(assistant, answer)
    out["spans"] = [{"start": c.start, "end": c.end, "label": citation_label(assistant, c)}
                    for c in answer.citations]
    return out


def check_question(assistant, question: str) -> str:
    """The cleaned question, or ApiError (empty, too long, only control characters)."""
    from assistant.service import BadQuestion

    if not question.strip():
        raise ApiError("empty_question", assistant.templates("empty_question"))
    limit = assistant.settings.max_question_chars
    if len(question) > limit:
        raise ApiError("question_too_long", assistant.templates("too_long", limit=limit),
                       f"The question is longer than {limit} characters.")
    try:
        return assistant.check_question(question)
    except BadQuestion as e:
        raise ApiError("empty_question", e.message) from None


def resolve_office(assistant, name: str | None) -> str | None:
    """An office id from an id or a typed name; ApiError when unknown or without a plan."""
    if name is None or not str(name).strip():
        return None
    from assistant.channels.cli import _office_id

    try:
        return _office_id(assistant.store, str(name).strip())
    except PlanQAError as e:
        raise ApiError("unknown_office", e.message, f"Unknown office or no plan for it: {name!r}.") from None


# ---------------------------------------------------------------- proposal drafts: the teacher's fields

PROPOSAL_PATHS = ("/api/align", "/api/proposal")
FIELD_LIMITS = {"title": 200, "fill": 1000, "budget": 40}
BUDGET_CELLS = (("compensation", "ค่าตอบแทน"), ("operating", "ค่าใช้สอย"), ("materials", "ค่าวัสดุ"), ("total", "รวม"))
# what a draft quotes from the plan, or fixes from it, is never edited
_FIXED = frozenset({"id", "idea", "office_id", "office", "doc_id", "plan_title", "kind", "fiscal_year",
                    "period_start", "period_end", "alignment", "targets", "citations", "headings",
                    "signatures", "notes", "title"})
_MARK = re.compile("\ue000(\\d+)\ue001")


def draft_links(p) -> dict:
    return {"docx": f"/api/proposal/{p.id}.docx", "md": f"/api/proposal/{p.id}.md"}


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


# ---------------------------------------------------------------- app


def _state_assistant(app: FastAPI):
    a = app.state.assistant
    if a is None:
        # lifespan not run (e.g. a bare TestClient): load now, once
        with app.state.load_lock:
            if app.state.assistant is None and app.state.startup_error is None:
                _load(app)
        a = app.state.assistant
    if a is None:
        raise ApiError("index_missing", app.state.startup_error)
    return a


def _load(app: FastAPI) -> None:
    from assistant.service import get_assistant

    try:
        app.state.assistant = get_assistant()
        app.state.assistant.warm()  # models load once, at start-up
    except PlanQAError as e:
        app.state.startup_error = e.message
        log.error("cannot load the index: %s", e.message)


def create_app(assistant=None, *, line_config=None) -> FastAPI:
    """The app. ``assistant`` defaults to ``get_assistant()`` loaded once at start-up;
    ``line_config`` (assistant.channels.line.LineConfig) defaults to the LINE_* environment."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if app.state.assistant is None:
            await run_in_threadpool(_load, app)
        yield

    app = FastAPI(
        title="planqa",
        summary="ผู้ช่วยตอบคำถามแผนพัฒนาการศึกษา พร้อมอ้างอิงเอกสาร (Thai education plan assistant)",
        version="0.1.0",
        docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.assistant = assistant
    app.state.answer_limiter = None  # created on first use, inside the event loop
    app.state.startup_error = None
    app.state.load_lock = threading.Lock()
    limits = {"/api/ask": ASK_BODY_LIMIT, "/line/webhook": WEBHOOK_BODY_LIMIT}
    limits.update({path: ASK_BODY_LIMIT for path in PROPOSAL_PATHS})
    app.add_middleware(BodyLimit, limits=limits, default=DEFAULT_BODY_LIMIT)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return exc.response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return error_response("not_found", message_en=f"No such page or endpoint: {request.url.path}")
        if exc.status_code == 405:
            return error_response("method_not_allowed",
                                  message_en=f"{request.method} is not allowed on {request.url.path}.",
                                  headers=exc.headers)
        return error_response("invalid_request", message_en=str(exc.detail), status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{loc}: {e.get('msg')}")
        return error_response("invalid_parameter", f"พารามิเตอร์ไม่ถูกต้อง ({'; '.join(parts)})",
                              "Invalid parameter: " + "; ".join(parts))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response("internal_error")

    # ------------------------------------------------------------ API
    @app.post("/api/ask", tags=["api"], summary="ถามคำถาม (ask a question)",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["question"],
                  "properties": {"question": {"type": "string", "maxLength": 2000,
                                              "example": "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"},
                                 "office": {"type": "string", "nullable": True, "example": "spp-chiangmai-6"}}}}}}})
    async def ask(request: Request):
        """Answer a Thai question. The response is the exact `planqa ask --json` contract
        (question, answer, status, values, citations) plus: choices (clarify options),
        choice_requests (the question/office each choice asks), followups (suggested next
        questions) and spans (per citation: start, end and the chip label)."""
        from assistant.channels.http.conversations import ConversationError, conversation_id_of

        a = _state_assistant(app)
        raw = await request.body()
        question, office = _parse_ask(raw, request.headers.get("content-type"))
        try:
            cid = conversation_id_of(raw)
        except ConversationError as e:
            return e.response()
        question = check_question(a, question)
        office_id = resolve_office(a, office)
        ask_fn = (lambda q, o: a.ask(q, o, conversation_id=cid)) if cid else a.ask
        answer = await answer_in_thread(app, ask_fn, question, office_id)
        extra = {"conversation_id": cid, "has_more": answer.has_more} if cid else {}
        return JSONResponse({**ask_payload(a, answer, office_id), **extra})

    @app.get("/api/offices", tags=["api"], summary="หน่วยงานที่มีแผน (offices with a plan)")
    async def offices():
        a = _state_assistant(app)
        out = []
        for o in a.offices():
            plans = a.store.plans_of(o.id)
            out.append({"id": o.id, "name": o.name, "short": o.short, "kind": o.kind,
                        "province": o.province, "area": o.area,
                        "docs": [p.doc_id for p in plans],
                        "years": [list(p.years) if p.years else None for p in plans]})
        return out

    @app.get("/api/strategies", tags=["api"], summary="กลยุทธ์/นโยบาย (strategies)")
    async def strategies(office: str | None = Query(None, max_length=200, description="office id or name")):
        from assistant.qa import lookup

        a = _state_assistant(app)
        pairs = lookup.strategies(a.store, resolve_office(a, office))
        return [{"office": p.office_id, "office_name": office_short(a, p.office_id), "doc": p.doc_id,
                 "kind": s.kind, "number": s.number, "title": s.title,
                 "indicators": len(s.indicators), "guidelines": len(s.guidelines)} for p, s in pairs]

    @app.get("/api/indicators", tags=["api"], summary="ตัวชี้วัด (indicators)")
    async def indicators(office: str | None = Query(None, max_length=200),
                         year: str | None = Query(None, max_length=20, description="e.g. 2568"),
                         strategy: str | None = Query(None, max_length=20),
                         about: str | None = Query(None, max_length=50, description="e.g. ครู, นักเรียน"),
                         level: str | None = Query(None, max_length=50, description="e.g. ประถม")):
        from assistant.channels.cli import _year
        from assistant.domain import thai
        from assistant.qa import lookup

        a = _state_assistant(app)
        try:
            y = _year(year)
        except PlanQAError as e:
            raise ApiError("invalid_parameter", e.message, f"Cannot read the year {year!r}.", status=400) from None
        rows = lookup.indicators(a.store, office=resolve_office(a, office), year=y,
                                 strategy=thai.to_arabic(strategy).strip() if strategy else None,
                                 about=about, level=level)
        out = []
        for r in rows:
            ind = r.indicator
            out.append({
                "office": r.plan.office_id, "office_name": office_short(a, r.plan.office_id),
                "doc": r.plan.doc_id, "strategy": r.strategy.number, "kind": r.strategy.kind,
                "indicator": ind.number, "text": ind.text, "unit": ind.unit,
                "responsible": ind.responsible, "source": ind.source, "groups": ind.groups,
                "levels": ind.levels, "start": ind.span.start, "end": ind.span.end,
                "targets": [{"year": t.year, "kind": t.kind, "value": t.value, "unit": t.unit,
                             "sub_item": t.sub_item} for t in r.targets(y)],
            })
        return out

    @app.get("/api/sources/{doc}", tags=["api"], summary="ข้อความต้นฉบับ (source passage)")
    async def source(doc: str, start: int = Query(..., ge=0), end: int = Query(..., ge=0),
                     context: int = Query(SOURCE_CONTEXT, ge=0, le=5000)):
        """The exact text [start, end) of a document (a citation's quote, from spans) with
        some context before and after, cut at line boundaries."""
        a = _state_assistant(app)
        text = a.store.texts.get(doc)
        if text is None:
            raise ApiError("unknown_document", message_en=f"No document {doc!r} in the index.")
        if not start < end <= len(text) or end - start > SOURCE_MAX_SPAN:
            raise ApiError("invalid_range", message_en=f"Need 0 <= start < end <= {len(text)} "
                                                       f"and at most {SOURCE_MAX_SPAN} characters.")
        return source_passage(a, doc, text, start, end, context)

    @app.get("/healthz", tags=["ops"], summary="สถานะระบบ (health)")
    async def healthz():
        try:
            a = _state_assistant(app)
        except ApiError as e:
            return JSONResponse({"status": "unavailable", "error": e.message_th}, status_code=503)
        out = await run_in_threadpool(a.health)
        out["line"] = app.state.line_enabled
        return out

    from assistant.channels.http.conversations import conversation_router  # conversations, feedback
    app.include_router(conversation_router(lambda: _state_assistant(app)))

    # ------------------------------------------------------------ proposals
    from assistant.channels.http.proposals import proposal_router

    proposals = proposal_router(lambda: _state_assistant(app))
    drafts = proposals.drafts
    app.state.proposal_drafts = drafts  # the LINE bot stores its drafts here too
    # its aligning and drafting take a slot of the answer threads, like /api/ask
    app.include_router(proposals, dependencies=[Depends(_answer_slot)])

    def draft_of(pid: str):
        p = drafts.get(pid)
        if p is None:
            raise ApiError("unknown_proposal", message_en=f"No proposal draft {pid!r} (it may have expired).")
        return p

    @app.get("/api/proposal/{pid}/form", tags=["proposal"], summary="ช่องที่กรอกได้ของร่างโครงการ (editable draft)")
    async def proposal_form(pid: str):
        """The draft's sections as the documents draw them, each text split into plain
        parts and ``{"field": key}`` places the teacher fills (``mirror``: shows the
        project name), with the fields, the numbered sources and the download links."""
        a = _state_assistant(app)
        p = draft_of(pid)
        return JSONResponse(await answer_in_thread(app, form_payload, a, p))

    @app.post("/api/proposal/{pid}/fields", tags=["proposal"], summary="กรอกช่องในร่างโครงการ (fill the draft)",
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                  "type": "object", "required": ["fields"],
                  "properties": {"fields": {"type": "object", "additionalProperties": {"type": "string"},
                                            "example": {"title": "โครงการซ้อมอพยพหนีไฟ ปีการศึกษา 2569"}}}}}}}})
    async def proposal_fields(pid: str, request: Request):
        """A new draft with the teacher's text in the given places (keys from
        ``/form``; an empty text leaves the place to fill). Everything quoted from the
        plan stays as it is. Answers the new draft's id and download links."""
        p = draft_of(pid)
        data = _json_object(await request.body(), request.headers.get("content-type"), '{"fields": {"title": "..."}}')
        values = data.get("fields")
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise ApiError("invalid_request", "fields ต้องเป็นออบเจกต์ของข้อความ เช่น {\"fields\": {\"title\": \"...\"}}",
                           "\"fields\" must be an object of strings.")
        q = await answer_in_thread(app, fill_draft, p, values)
        if q is not p:
            drafts.put(q)
        return {"id": q.id, "base": p.id, "title": q.title, "downloads": draft_links(q)}

    # ------------------------------------------------------------ web page and docs
    if not (WEB_DIR / "index.html").exists():  # pragma: no cover - a broken install
        log.error("web page files are missing from %s", WEB_DIR)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    page_headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8", headers=page_headers)

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return FileResponse(WEB_DIR / "docs.html", media_type="text/html; charset=utf-8", headers=page_headers)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon():
        return FileResponse(WEB_DIR / "icon.svg", media_type="image/svg+xml")

    # ------------------------------------------------------------ LINE
    from assistant.channels import line

    config = line_config if line_config is not None else line.LineConfig.from_env()
    app.state.line_enabled = config.enabled
    line.install(app, lambda: _state_assistant(app), config)
    return app


def _limiter(app: FastAPI) -> anyio.CapacityLimiter:
    if app.state.answer_limiter is None:
        app.state.answer_limiter = anyio.CapacityLimiter(ANSWER_THREADS)
    return app.state.answer_limiter


async def answer_in_thread(app: FastAPI, fn, *args):
    """Run ``fn(*args)`` in a worker thread, at most ANSWER_THREADS at once."""
    return await anyio.to_thread.run_sync(lambda: fn(*args), limiter=_limiter(app))


async def _answer_slot(request: Request):
    """A dependency holding one of the ANSWER_THREADS slots while a request is handled
    (for routers that run their own work in the thread pool)."""
    limiter = _limiter(request.app)
    holder = object()  # not the task: the exit may run in another task
    await limiter.acquire_on_behalf_of(holder)
    try:
        yield
    finally:
        limiter.release_on_behalf_of(holder)


def _json_object(body: bytes, content_type: str | None, example: str = '{"question": "..."}') -> dict:
    """The request body as a JSON object, or ApiError (type, encoding, syntax)."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype != "application/json" and not (ctype.startswith("application/") and ctype.endswith("+json")):
        raise ApiError("unsupported_media_type",
                       message_en=f"Unsupported content type {ctype or '(none)'!r}; send application/json.")
    if not body.strip():
        raise ApiError("malformed_json", f"ไม่มีข้อมูลที่ส่งมา กรุณาส่งในรูปแบบ {example}",
                       f"The request body is empty; send {example}.")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError("invalid_encoding") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError("malformed_json", f"ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง กรุณาส่งในรูปแบบ {example}",
                       f"The request body is not valid JSON; send {example}.") from None
    if not isinstance(data, dict):
        raise ApiError("invalid_request", f"ข้อมูลต้องเป็นออบเจกต์ JSON เช่น {example}",
                       f"The body must be a JSON object like {example}.")
    return data


def _parse_ask(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    data = _json_object(body, content_type)
    question = data.get("question")
    if question is None:
        raise ApiError("empty_question", message_en="Missing \"question\".")
    if not isinstance(question, str):
        raise ApiError("invalid_request", "คำถาม (question) ต้องเป็นข้อความ", "The \"question\" field must be a string.")
    office = data.get("office")
    if office is not None and not isinstance(office, str):
        raise ApiError("invalid_request", "หน่วยงาน (office) ต้องเป็นข้อความ", "The \"office\" field must be a string.")
    return question, office


def source_passage(assistant, doc: str, text: str, start: int, end: int, context: int) -> dict:
    lo = max(0, start - context)
    if lo > 0:
        nl = text.find("\n", lo, start)
        lo = nl + 1 if nl != -1 else lo
    hi = min(len(text), end + context)
    if hi < len(text):
        nl = text.rfind("\n", end, hi)
        hi = nl if nl != -1 else hi
    rec = assistant.store.docs.get(doc)
    office_id = rec.office_id if rec else None
    return {
        "doc": doc, "office": office_id, "office_name": office_short(assistant, office_id),
        "title": rec.title if rec else None, "file": rec.file if rec else None,
        "start": start, "end": end, "context_start": lo, "context_end": hi, "length": len(text),
        "before": text[lo:start], "quote": text[start:end], "after": text[end:hi],
    }


# ---------------------------------------------------------------- running


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn (``planqa serve``)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("planqa").setLevel(logging.INFO)
    log.info("planqa on http://%s:%d/ (API docs: /docs)", host, port)
    uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=False)


@contextmanager
def running(app: FastAPI, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 30) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread (tests, benchmarks); yields
    the base URL and stops the server on exit. ``port=0`` picks a free port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


__all__ = ["ApiError", "ask_payload", "citation_label", "create_app", "followups", "running", "serve"]
