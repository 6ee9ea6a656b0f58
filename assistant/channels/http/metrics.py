"""``GET /metrics``: the language model's calls and the guard's rejections, in the
Prometheus text format (``planqa_llm_enabled``, ``planqa_llm_requests_total``,
``planqa_llm_errors_total``, ``planqa_llm_fallbacks_total``, ``planqa_llm_used_total``,
``planqa_guard_sentences_total``, ``planqa_guard_rejected_total``, with ``use`` and
``reason`` labels). The app includes it with ``app.include_router(metrics_router(get))``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

HELP = {
    "llm_requests_total": "Requests sent to the language model.",
    "llm_errors_total": "Model requests that failed (timeout, budget, rate_limited, http_error, unreachable, malformed).",
    "llm_fallbacks_total": "Times the deterministic answer was kept instead of the model's.",
    "llm_used_total": "Times the model's guarded text or query was used.",
    "guard_sentences_total": "Sentences of model text the guard checked.",
    "guard_rejected_total": "Claims the guard rejected (each drops its sentence).",
}


def render(stats: dict[str, int], enabled: bool) -> str:
    lines = ["# HELP planqa_llm_enabled 1 when a language model is configured.",
             "# TYPE planqa_llm_enabled gauge", f"planqa_llm_enabled {int(enabled)}"]
    for name, text in HELP.items():
        lines += [f"# HELP planqa_{name} {text}", f"# TYPE planqa_{name} counter"]
        series = sorted((k, v) for k, v in stats.items() if k.split("{", 1)[0] == name)
        lines += [f"planqa_{k} {v}" for k, v in series] or [f"planqa_{name} 0"]
    return "\n".join(lines) + "\n"


def metrics_router(get_assistant: Callable) -> APIRouter:
    router = APIRouter(tags=["ops"])

    @router.get("/metrics", summary="ตัวนับการใช้โมเดลภาษาและตัวตรวจตัวเลข (metrics)",
                response_class=PlainTextResponse)
    async def metrics():
        a = get_assistant()
        return PlainTextResponse(render(a.stats.snapshot(), a.llm is not None),
                                 media_type="text/plain; version=0.0.4")

    return router
