"""``POST /api/ask/stream``: the answer as server-sent events, for the web page when a
language model is on. Body as ``/api/ask``. Events:

  event: sentence   data: {"text": ...}   a sentence of the model's answer that passed the guard
  event: answer     data: the ``/api/ask`` payload (always last; the page shows this one, so a
                    streamed answer the guard later rejects as a whole is replaced by the
                    deterministic answer)

Without a model the only event is ``answer``. Errors before the stream starts are the
usual JSON errors. The app includes it with ``app.include_router(stream_router(app))``.
"""

from __future__ import annotations

import json
import logging
import time

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import StreamingResponse

from assistant.channels.http.ask import parse_ask
from assistant.channels.http.common import (
    ask_payload,
    check_question,
    current_assistant,
    resolve_office,
)
from assistant.channels.http.limits import client_key, cpu_limited

log = logging.getLogger("planqa.http")


def _event(name: str, data) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def stream_router(app: FastAPI) -> APIRouter:
    router = APIRouter(tags=["api"])

    @router.post("/api/ask/stream", summary="ถามคำถาม แบบทยอยส่งคำตอบ (ask, server-sent events)")
    async def ask_stream(request: Request):
        a = current_assistant(app)
        question, office, _ = parse_ask(await request.body(), request.headers.get("content-type"))
        question = check_question(a, question)
        office_id = resolve_office(a, office)
        heavy = len(question) > a.settings.heavy_chars  # costly: its own pool, as on /api/ask
        pool = app.state.pools["heavy" if heavy else "web"]
        budget, key = app.state.cpu_budget, client_key(request.scope)
        owed = budget.owed(key)  # as on /api/ask: this client's share of answering time
        if owed > 0:
            raise cpu_limited(owed)
        workers = app.state.answer_workers
        if workers is not None and a.llm is None:
            # no model, so no sentences to stream: answered by an answer process like /api/ask
            # (a costly question by the low-priority one), never in this process, where it
            # would hold the GIL the event loop needs; errors (busy) before the stream starts
            payload, _, cpu_ms = await pool.call(lambda: workers.ask(question, office_id, heavy=heavy))
            budget.charge(key, cpu_ms)

            async def one_answer():
                yield _event("answer", payload)

            return StreamingResponse(one_answer(), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        send, receive = anyio.create_memory_object_stream(64)

        def put(chunk: bytes) -> None:
            try:
                anyio.from_thread.run(send.send, chunk)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass  # the page went away; the answer is still computed, then dropped

        def work():
            cpu = time.thread_time()
            try:
                answer = a.ask(question, office_id, on_sentence=lambda text: put(_event("sentence", {"text": text})))
                put(_event("answer", ask_payload(a, answer, office_id)))
            except Exception:
                log.exception("streamed answer failed")
                put(_event("error", {"code": "internal_error"}))
            finally:
                budget.charge(key, (time.thread_time() - cpu) * 1000)
                anyio.from_thread.run(send.aclose)

        async def events():
            async with anyio.create_task_group() as tg:
                tg.start_soon(pool.run, work)
                async with receive:
                    async for chunk in receive:
                        yield chunk

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router
