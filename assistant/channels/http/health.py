"""``/healthz`` (liveness: the process answers, which build it serves) and ``/readyz``
(readiness: 503 while the index is unusable or the worker pools are saturated)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from assistant.channels.http.errors import ApiError


def health_router() -> APIRouter:
    router = APIRouter(tags=["ops"])

    @router.get("/healthz", summary="สถานะระบบ (health)")
    async def healthz(request: Request):
        app = request.app
        try:
            a = app.state.serving.current()
        except ApiError as e:
            return JSONResponse({"status": "unavailable", "error": e.message_th, "code": e.code}, status_code=503)
        out = await run_in_threadpool(a.health)
        out["build"] = app.state.serving.build_id
        out["line"] = app.state.line_enabled
        return out

    @router.get("/readyz", summary="พร้อมรับงานหรือไม่ (readiness and saturation)")
    async def readyz(request: Request):
        app = request.app
        pools = {name: p.stats() for name, p in app.state.pools.items()}
        out: dict = {"status": "ready", "build": app.state.serving.build_id,
                     "pools": {name: s.as_dict() for name, s in pools.items()}}
        bot = getattr(app.state, "line_bot", None)
        line_saturated = False
        if bot is not None:
            pending = await run_in_threadpool(bot.pending)
            line_saturated = pending >= bot.rules.max_pending
            out["line"] = {"threads": bot.rules.threads, "busy": bot.busy, "pending": pending,
                           "max_pending": bot.rules.max_pending, "saturated": line_saturated}
        try:
            app.state.serving.current()
        except ApiError as e:
            out.update(status="unavailable", error=e.message_th, code=e.code)
            return JSONResponse(out, status_code=503)
        # a full "heavy" pool (costly questions, e.g. a client sending 2,000-character ones)
        # is reported but keeps the server ready: normal users are still served
        if line_saturated or any(s.saturated for name, s in pools.items() if name != "heavy"):
            out["status"] = "saturated"
            return JSONResponse(out, status_code=503, headers={"Retry-After": "2"})
        return out

    return router
