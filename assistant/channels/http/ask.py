"""``POST /api/ask``: answer a Thai question (the ``planqa ask --json`` contract plus
the extra keys the web page uses)."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assistant.channels.http.common import (
    ask_payload,
    check_question,
    current_assistant,
    json_object,
    resolve_office,
)
from assistant.channels.http.conversations import check_id
from assistant.channels.http.errors import ApiError
from assistant.channels.http.limits import client_key, cpu_limited

ASK_SCHEMA = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["question"],
    "properties": {"question": {"type": "string", "maxLength": 2000,
                                "example": "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"},
                   "office": {"type": "string", "nullable": True, "example": "spp-chiangmai-6"}}}}}}}


def parse_ask(body: bytes, content_type: str | None) -> tuple[str, str | None, str | None]:
    """The question, the office and the conversation id of an /api/ask body."""
    data = json_object(body, content_type)
    question = data.get("question")
    if question is None:
        raise ApiError("empty_question", message_en="Missing \"question\".")
    if not isinstance(question, str):
        raise ApiError("invalid_request", "คำถาม (question) ต้องเป็นข้อความ", "The \"question\" field must be a string.")
    office = data.get("office")
    if office is not None and not isinstance(office, str):
        raise ApiError("invalid_request", "หน่วยงาน (office) ต้องเป็นข้อความ", "The \"office\" field must be a string.")
    return question, office, check_id(data.get("conversation_id"))


def ask_router() -> APIRouter:
    router = APIRouter(tags=["api"])

    @router.post("/api/ask", summary="ถามคำถาม (ask a question)", openapi_extra=ASK_SCHEMA)
    async def ask(request: Request):
        """Answer a Thai question. The response is the exact `planqa ask --json` contract
        (question, answer, status, values, citations) plus: choices (clarify options),
        choice_requests (the question/office each choice asks), followups (suggested next
        questions) and spans (per citation: start, end and the chip label)."""
        a = current_assistant(request.app)
        question, office, cid = parse_ask(await request.body(), request.headers.get("content-type"))
        question = check_question(a, question)
        office_id = resolve_office(a, office)
        heavy = len(question) > a.settings.heavy_chars  # costly: its own pool, never a normal slot
        pool = request.app.state.pools["heavy" if heavy else "web"]
        budget, key = request.app.state.cpu_budget, client_key(request.scope)
        owed = budget.owed(key)  # this client's questions used its share of answering time
        if owed > 0:
            raise cpu_limited(owed)
        workers = request.app.state.answer_workers
        if workers is not None:  # answered in a worker process (not bound to this one's GIL)
            since = time.perf_counter()  # Server-Timing "wait": for a slot and for the process
            payload, timing, cpu_ms = await pool.call(
                lambda: workers.ask(question, office_id, cid, heavy=heavy, since=since))
            budget.charge(key, cpu_ms)
            return JSONResponse(payload, headers={"Server-Timing": timing})

        def answer_timed(q, o):
            cpu = time.thread_time()
            try:
                return a.ask(q, o, conversation_id=cid) if cid else a.ask(q, o)
            finally:
                budget.charge(key, (time.thread_time() - cpu) * 1000)

        answer = await pool.run(answer_timed, question, office_id)
        extra = {"conversation_id": cid, "has_more": answer.has_more} if cid else {}
        return JSONResponse({**ask_payload(a, answer, office_id), **extra})

    return router
