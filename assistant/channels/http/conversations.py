"""HTTP endpoints for conversations and feedback, as a FastAPI router.

The server includes it with ``app.include_router(conversation_router(lambda: assistant))``.
``POST /api/ask`` takes an optional ``conversation_id`` (checked with :func:`check_id`)
and returns it with ``has_more``. Endpoints (JSON; errors
are ``{"error": {"code", "message_th", "message_en"}}`` like the rest of the API):

  GET  /api/conversations?owner=ID    past conversations of an owner (newest first):
                                      [{id, title, updated, turns}]
  GET  /api/conversations/{id}        one conversation: {id, title, turns: [{question,
                                      answer, status, has_more, time, choices, citations}]}
  POST /api/feedback                  {rating: "up"|"down", comment?, question?, answer?,
                                      conversation_id?, turn?} -> {id}
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from assistant.channels.http.common import json_object
from assistant.channels.http.errors import MAX_COMMENT_CHARS, ApiError

MAX_ID_CHARS = 200
MAX_TEXT_CHARS = 8000
_ID = re.compile(r"^[\w\-:.@]{1,200}$")


class ConversationError(ApiError):
    """An error of the conversation endpoints (codes in the one table, errors.py)."""


def check_id(value, *, required: bool = False) -> str | None:
    """A conversation id as sent (None when absent and not ``required``); ConversationError
    when malformed or missing."""
    if value is None or value == "":
        if required:
            raise ConversationError("invalid_conversation_id")
        return None
    if not isinstance(value, str) or not _ID.match(value):
        raise ConversationError("invalid_conversation_id")
    return value


def _text(value, limit: int = MAX_TEXT_CHARS) -> str:
    return value[:limit] if isinstance(value, str) else ""


def conversation_router(get_assistant: Callable[[], object]) -> APIRouter:
    router = APIRouter(tags=["conversations"])

    @router.get("/api/conversations", summary="บทสนทนาที่ผ่านมา (past conversations)")
    async def list_conversations(owner: str = Query(..., max_length=MAX_ID_CHARS)):
        a = get_assistant()
        items = await run_in_threadpool(a.conversations.of_owner, check_id(owner, required=True))
        return {"conversations": items}

    @router.get("/api/conversations/{conversation_id:path}", summary="ประวัติบทสนทนา (one conversation)")
    async def get_conversation(conversation_id: str):
        a = get_assistant()
        out = await run_in_threadpool(a.conversations.history, check_id(conversation_id, required=True))
        if out is None:
            raise ConversationError("unknown_conversation")
        return out

    @router.post("/api/feedback", summary="ความคิดเห็นต่อคำตอบ (feedback on an answer)")
    async def feedback(request: Request):
        a = get_assistant()
        data = json_object(await request.body(), request.headers.get("content-type"), '{"rating": "up"}')
        rating = data.get("rating")
        if rating not in ("up", "down"):
            raise ConversationError("invalid_rating")
        comment = data.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise ConversationError("invalid_request")
        if comment and len(comment) > MAX_COMMENT_CHARS:
            raise ConversationError("comment_too_long")
        cid = check_id(data.get("conversation_id"))
        turn = data.get("turn")
        item = {"rating": rating, "comment": (comment or "").strip(), "conversation_id": cid,
                "turn": turn if isinstance(turn, int) and not isinstance(turn, bool) else None,
                "question": _text(data.get("question"), 2000), "answer": _text(data.get("answer"))}
        fid = await run_in_threadpool(a.state.add_feedback, item)
        return {"id": fid}

    return router


__all__ = ["ConversationError", "check_id", "conversation_router"]
