"""HTTP endpoints for project alignment and proposal drafts, as a FastAPI router.

The server includes it with ``app.include_router(proposal_router(lambda: assistant))``
(any callable returning the loaded Assistant; by default ``app.state.assistant``, else
``service.get_assistant()``). Endpoints (JSON unless noted; errors are
``{"error": {"code", "message_th", "message_en"}}`` like the rest of the API):

  POST /api/align                 {idea, office?, year?, top?} -> ranked strategies with
                                  goals, guidelines, indicators, reasons and citations
  POST /api/proposal              {idea, office?, year?, thai_digits?} -> the draft (Markdown,
                                  model, citations) and its download links; status
                                  "no_fit" (HTTP 200) when no strategy fits the idea
  GET  /api/proposal/{id}.docx    the draft as a Word document
  GET  /api/proposal/{id}.pdf     the draft as PDF (LibreOffice; 503 without it)
  GET  /api/proposal/{id}.md      the draft as Markdown (text/markdown)

Drafts are persisted in the state store (:class:`assistant.stores.state.SqliteState`,
``settings.state_path`` by default), so a download link still works after a restart or
from another worker; the last :data:`KEEP` are also kept in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from assistant.channels.http.common import json_object
from assistant.channels.http.errors import MAX_IDEA_CHARS, ApiError
from assistant.domain import thai
from assistant.errors import PlanQAError
from assistant.proposals.draft import (
    Alignment,
    Proposal,
    alignment_payload,
    build_proposal,
    get_aligner,
    render_markdown,
)

KEEP = 200
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

def _error(code: str, message_th: str | None = None) -> ApiError:
    """An error of the API's one table (assistant/channels/http/errors.py)."""
    return ApiError(code, message_th)


class _Drafts:
    """Drafts by id: persisted in a state store (``put_draft``/``get_draft``), the last
    KEEP also in memory (thread-safe). ``state`` is a store or a callable opening one
    on first use; ``None`` keeps drafts in memory only."""

    def __init__(self, keep: int, state=None):
        self.keep = keep
        self.items: OrderedDict[str, Proposal] = OrderedDict()
        self.lock = threading.Lock()
        self._state = state

    def state(self):
        with self.lock:
            if callable(self._state) and not hasattr(self._state, "put_draft"):
                self._state = self._state()
            return self._state

    def _remember(self, p: Proposal) -> None:
        with self.lock:
            self.items[p.id] = p
            self.items.move_to_end(p.id)
            while len(self.items) > self.keep:
                self.items.popitem(last=False)

    def put(self, p: Proposal) -> None:
        self._remember(p)
        st = self.state()
        if st is not None:
            st.put_draft(p.id, {"kind": "proposal", "draft": p.to_dict()})

    def get(self, pid: str) -> Proposal | None:
        with self.lock:
            p = self.items.get(pid)
        if p is not None:
            return p
        st = self.state()
        data = st.get_draft(pid) if st is not None and isinstance(pid, str) and len(pid) <= 64 else None
        if not data or data.get("kind") != "proposal":
            return None
        try:
            p = Proposal.from_dict(data["draft"])
        except (KeyError, TypeError, ValueError):
            return None  # a draft saved by an older version: made again on request
        self._remember(p)
        return p


def _default_assistant(request: Request):
    a = getattr(request.app.state, "assistant", None)
    if a is not None:
        return a
    from assistant.service import get_assistant

    return get_assistant()


async def _body(request: Request) -> dict:
    try:
        return json_object(await request.body(), request.headers.get("content-type"),
                           '{"idea": "...", "office": "..."}')
    except ApiError as e:
        if e.code == "invalid_request":  # JSON, but not an object
            raise _error("malformed_json") from None
        raise


def _thai_digits(data: dict) -> bool:
    v = data.get("thai_digits", False)
    if not isinstance(v, bool):
        raise _error("invalid_request", "thai_digits ต้องเป็น true หรือ false")
    return v


def _fields(data: dict) -> tuple[str, str | None, int | None]:
    idea, office, year = data.get("idea"), data.get("office"), data.get("year")
    if idea is None or (isinstance(idea, str) and not idea.strip()):
        raise _error("empty_idea")
    if not isinstance(idea, str) or (office is not None and not isinstance(office, str)):
        raise _error("invalid_request", "idea และ office ต้องเป็นข้อความ")
    if len(idea) > MAX_IDEA_CHARS:
        raise _error("idea_too_long")
    y = None
    if year not in (None, ""):
        if not isinstance(year, str | int) or isinstance(year, bool):
            raise _error("invalid_year")
        digits = thai.to_arabic(str(year)).strip()
        ys = thai.find_years(str(year)) or ([thai.be_year(int(digits))]
                                            if digits.isascii() and digits.isdigit() else [])
        if not ys or ys[0] is None:
            raise _error("invalid_year")
        y = ys[0]
    return idea.strip(), (office or None), y


def _body_schema(*, top: bool = False) -> dict:
    props = {"idea": {"type": "string", "maxLength": MAX_IDEA_CHARS, "example": "ซ้อมอพยพหนีไฟ"},
             "office": {"type": "string", "nullable": True, "example": "สพม.ลำปาง ลำพูน"},
             "year": {"type": "string", "nullable": True, "example": "2568"}}
    if top:
        props["top"] = {"type": "integer", "minimum": 1, "maximum": 10, "example": 3}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["idea"], "properties": props}}}}}


def _default_state():
    from assistant import settings
    from assistant.stores.backends import open_state

    s = settings.get()
    return lambda: open_state(s)  # PostgreSQL when PLANQA_DATABASE_URL is set: shared by every worker


def proposal_router(get_assistant: Callable[[], object] | None = None, *, keep: int = KEEP,
                    state=...) -> APIRouter:
    """``state``: the drafts' store (default: the settings' state store, SqliteState at
    ``settings.state_path`` or PostgreSQL with PLANQA_DATABASE_URL, opened on first use;
    ``None``: memory only)."""
    router = APIRouter(tags=["proposal"])
    drafts = _Drafts(keep, _default_state() if state is ... else state)

    def assistant_of(request: Request):
        try:
            return get_assistant() if get_assistant else _default_assistant(request)
        except PlanQAError as e:
            raise _error("index_missing", e.message) from None

    def aligned(a, idea: str, office: str | None, top: int) -> Alignment:
        try:
            return get_aligner(a).align(idea, office, top=top)
        except PlanQAError as e:
            raise _error("unknown_office", e.message) from None

    def links(p: Proposal) -> dict:
        return {"docx": f"/api/proposal/{p.id}.docx", "pdf": f"/api/proposal/{p.id}.pdf",
                "md": f"/api/proposal/{p.id}.md"}

    @router.post("/api/align", summary="โครงการนี้สอดคล้องกับกลยุทธ์ใด (align a project idea)",
                 openapi_extra=_body_schema(top=True))
    async def align(request: Request):
        """Rank the office's strategies (with their goals, guidelines and indicators)
        for a project idea; every item has a one-line reason and an exact quote."""
        try:
            data = await _body(request)
            idea, office, year = _fields(data)
            top = data.get("top", 3)
            top = top if isinstance(top, int) and 1 <= top <= 10 else 3
            a = assistant_of(request)
            al = await run_in_threadpool(aligned, a, idea, office, top)
            return JSONResponse(alignment_payload(al, get_aligner(a).T, year))
        except ApiError as e:
            return e.response()

    @router.post("/api/proposal", summary="ร่างโครงการ (draft a project proposal)",
                 openapi_extra=_body_schema())
    async def proposal(request: Request):
        """Draft a proposal for the best-fitting strategy. ``status`` is "draft", or
        "no_fit" (with ``message`` and the closest strategies) when no strategy fits."""
        try:
            data = await _body(request)
            idea, office, year = _fields(data)
            thai_digits = _thai_digits(data)
            a = assistant_of(request)
            al = await run_in_threadpool(aligned, a, idea, office, 3)
            T = get_aligner(a).T
            if not al.fits:
                return JSONResponse({"status": "no_fit", "message": al.message,
                                     "alignment": alignment_payload(al, T, year)})
            p = await run_in_threadpool(build_proposal, al, get_aligner(a), year, None, thai_digits)
            await run_in_threadpool(drafts.put, p)
            return JSONResponse({
                "status": "draft", "id": p.id, "title": p.title, "office": p.office,
                "fiscal_year": p.fiscal_year, "notes": p.notes, "markdown": render_markdown(p),
                "downloads": links(p), "alignment": alignment_payload(al, T, p.fiscal_year),
                "draft": p.to_dict(),
            })
        except ApiError as e:
            return e.response()

    def _filename(p: Proposal, ext: str) -> dict:
        name = f"{p.title.strip('[]') or 'proposal'}-{p.fiscal_year}.{ext}"
        return {"Content-Disposition": f"attachment; filename=\"proposal-{p.id}.{ext}\"; "
                                       f"filename*=UTF-8''{quote(name)}"}

    @router.get("/api/proposal/{pid}.pdf", summary="ดาวน์โหลดร่างโครงการ (PDF)")
    async def download_pdf(pid: str):
        p = await run_in_threadpool(drafts.get, pid)
        if p is None:
            return _error("unknown_proposal").response()
        from assistant.proposals.pdf import PdfUnavailable, render_pdf

        try:
            data = await run_in_threadpool(render_pdf, p)
        except PdfUnavailable as e:
            return _error("pdf_unavailable", e.message).response()
        return Response(data, media_type="application/pdf", headers=_filename(p, "pdf"))

    @router.get("/api/proposal/{pid}.docx", summary="ดาวน์โหลดร่างโครงการ (.docx)")
    async def download_docx(pid: str):
        p = await run_in_threadpool(drafts.get, pid)
        if p is None:
            return _error("unknown_proposal").response()
        from assistant.proposals.docx import render_docx

        data = await run_in_threadpool(render_docx, p)
        return Response(data, media_type=DOCX_TYPE, headers=_filename(p, "docx"))

    @router.get("/api/proposal/{pid}.md", summary="ดาวน์โหลดร่างโครงการ (Markdown)")
    async def download_md(pid: str):
        p = await run_in_threadpool(drafts.get, pid)
        if p is None:
            return _error("unknown_proposal").response()
        return Response(render_markdown(p), media_type="text/markdown; charset=utf-8", headers=_filename(p, "md"))

    router.drafts = drafts  # type: ignore[attr-defined]  (tests, the web tab)
    return router


__all__ = ["proposal_router", "KEEP"]
