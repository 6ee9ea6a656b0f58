"""HTTP endpoints for conversations and feedback, as a FastAPI router.

The server includes it with ``app.include_router(conversation_router(lambda: assistant))``.
``POST /api/ask`` takes an optional ``conversation_id`` (read with
:func:`conversation_id_of`) and returns it with ``has_more``. Endpoints (JSON; errors
are ``{"error": {"code", "message_th", "message_en"}}`` like the rest of the API):

  GET  /api/conversations?owner=ID    past conversations of an owner (newest first):
                                      [{id, title, updated, turns}]
  GET  /api/conversations/{id}        one conversation: {id, title, turns: [{question,
                                      answer, status, has_more, time, choices, citations}]}
  POST /api/feedback                  {rating: "up"|"down", comment?, question?, answer?,
                                      conversation_id?, turn?} -> {id}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

MAX_ID_CHARS = 200
MAX_COMMENT_CHARS = 2000
MAX_TEXT_CHARS = 8000
_ID = re.compile(r"^[\w\-:.@]{1,200}$")

_ERRORS = {
    "invalid_request": (400, "รูปแบบคำขอไม่ถูกต้อง", "The request is not valid."),
    "malformed_json": (400, "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง กรุณาส่งเช่น {\"rating\": \"up\"}",
                       "The request body is not valid JSON; send e.g. {\"rating\": \"up\"}."),
    "invalid_conversation_id": (400, "รหัสบทสนทนา (conversation_id) ไม่ถูกต้อง: ใช้ตัวอักษร ตัวเลข - _ : . ไม่เกิน 200 ตัว",
                                "conversation_id must be 1-200 letters, digits or - _ : . @"),
    "invalid_rating": (400, "กรุณาเลือก 👍 หรือ 👎 (rating ต้องเป็น \"up\" หรือ \"down\")",
                       "rating must be \"up\" or \"down\"."),
    "comment_too_long": (400, f"ความคิดเห็นยาวเกินไป (เกิน {MAX_COMMENT_CHARS} ตัวอักษร)", "The comment is too long."),
    "unknown_conversation": (404, "ไม่พบบทสนทนานี้ (อาจหมดอายุแล้ว) เริ่มบทสนทนาใหม่ได้เลย",
                             "No such conversation (it may have expired)."),
}


class ConversationError(Exception):
    def __init__(self, code: str):
        self.code = code
        self.status, self.message_th, self.message_en = _ERRORS[code]

    def response(self) -> JSONResponse:
        return JSONResponse({"error": {"code": self.code, "message_th": self.message_th,
                                       "message_en": self.message_en}}, status_code=self.status)


def check_id(value) -> str | None:
    """A conversation id as sent (None when absent); ConversationError when malformed."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _ID.match(value):
        raise ConversationError("invalid_conversation_id")
    return value


def conversation_id_of(body: bytes) -> str | None:
    """The ``conversation_id`` of an /api/ask body (already checked to be a JSON object)."""
    try:
        data = json.loads(body.decode("utf-8-sig")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return check_id(data.get("conversation_id")) if isinstance(data, dict) else None


def _text(value, limit: int = MAX_TEXT_CHARS) -> str:
    return value[:limit] if isinstance(value, str) else ""


def conversation_router(get_assistant: Callable[[], object]) -> APIRouter:
    router = APIRouter(tags=["conversations"])

    def call(fn, *args):
        try:
            return fn(*args)
        except ConversationError as e:
            return e.response()

    @router.get("/api/conversations", summary="บทสนทนาที่ผ่านมา (past conversations)")
    async def list_conversations(owner: str = Query(..., max_length=MAX_ID_CHARS)):
        a = get_assistant()
        try:
            owner_id = check_id(owner)
        except ConversationError as e:
            return e.response()
        if owner_id is None:
            return ConversationError("invalid_conversation_id").response()
        items = await run_in_threadpool(a.conversations.of_owner, owner_id)
        return {"conversations": items}

    @router.get("/api/conversations/{conversation_id:path}", summary="ประวัติบทสนทนา (one conversation)")
    async def get_conversation(conversation_id: str):
        a = get_assistant()
        try:
            cid = check_id(conversation_id)
        except ConversationError as e:
            return e.response()
        if cid is None:
            return ConversationError("invalid_conversation_id").response()
        out = await run_in_threadpool(a.conversations.history, cid)
        if out is None:
            return ConversationError("unknown_conversation").response()
        return out

    @router.post("/api/feedback", summary="ความคิดเห็นต่อคำตอบ (feedback on an answer)")
    async def feedback(request: Request):
        a = get_assistant()
        raw = await request.body()
        try:
            data = json.loads(raw.decode("utf-8-sig")) if raw.strip() else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return ConversationError("malformed_json").response()
        rating = data.get("rating")
        if rating not in ("up", "down"):
            return ConversationError("invalid_rating").response()
        comment = data.get("comment")
        if comment is not None and not isinstance(comment, str):
            return ConversationError("invalid_request").response()
        if comment and len(comment) > MAX_COMMENT_CHARS:
            return ConversationError("comment_too_long").response()
        try:
            cid = check_id(data.get("conversation_id"))
        except ConversationError as e:
            return e.response()
        turn = data.get("turn")
        item = {"rating": rating, "comment": (comment or "").strip(), "conversation_id": cid,
                "turn": turn if isinstance(turn, int) and not isinstance(turn, bool) else None,
                "question": _text(data.get("question"), 2000), "answer": _text(data.get("answer"))}
        fid = await run_in_threadpool(a.state.add_feedback, item)
        return {"id": fid}

    return router


__all__ = ["ConversationError", "check_id", "conversation_id_of", "conversation_router"]
