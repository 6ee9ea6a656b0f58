"""The HTTP app: one FastAPI app over the Assistant, built from one router per feature.

Routers (every error is ``{"error": {"code", "message_th", "message_en"}}`` from the one
table in :mod:`assistant.channels.http.errors`):

  ask.py            POST /api/ask            {question, office?} -> answer.contract() + extras
  browse.py         GET  /api/offices, /api/strategies, /api/indicators, /api/sources/{doc}
  proposals.py      POST /api/align, POST /api/proposal, GET /api/proposal/{id}.docx | .md
  proposal_form.py  GET  /api/proposal/{id}/form, POST /api/proposal/{id}/fields
  health.py         GET  /healthz (liveness, build id), GET /readyz (saturation)
  pages.py          GET  /, /docs, /static/* (offline web chat and API docs)
  ../line.py        POST /line/webhook       (LINE Messaging API)

Every POST body must be ``application/json`` (415 otherwise). Bodies are capped per path
(413), costly POSTs are rate-limited per client (429), each client's questions are charged
their answers' CPU time against a budget (429 when used up), and answering runs on bounded
worker pools, one for the web and one for LINE, that refuse work (503 "busy") instead of
queueing without bound; questions longer than ``PLANQA_HEAVY_CHARS`` wait for a one-slot
pool of their own. ``planqa serve`` answers /api/ask in worker processes (one per core,
plus one at the lowest CPU priority for the long questions; see workers.py), so answering
is not bound to one core by the GIL. The index is reloaded between requests when ``planqa ingest``
swaps in a new build; a missing or corrupt index is a Thai 503 that says what to run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager

from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool

from assistant import settings as settings_mod
from assistant.channels.http.common import (  # noqa: F401  (re-exported for the channels)
    MAX_FOLLOWUPS,
    answer_in_thread,
    ask_payload,
    check_question,
    choice_requests,
    citation_label,
    current_assistant,
    draft_links,
    followups,
    json_object,
    office_short,
    resolve_office,
    web_slot,
)
from assistant.channels.http.errors import ERRORS, ApiError, error_response, install_handlers  # noqa: F401
from assistant.channels.http.limits import (
    BodyLimit,
    Pool,
    RateLimit,
    ServerTiming,
    TokenBucket,
    guarded_h11,
)
from assistant.channels.http.pages import CSP, WEB_DIR  # noqa: F401
from assistant.channels.http.proposal_form import DraftForm, fill_draft, form_payload  # noqa: F401

log = logging.getLogger("planqa.server")

ASK_BODY_LIMIT = 64 * 1024
WEBHOOK_BODY_LIMIT = 1024 * 1024
DEFAULT_BODY_LIMIT = 64 * 1024
PROPOSAL_PATHS = ("/api/align", "/api/proposal")
# Answering is CPU-bound Python: a few worker threads answer at once and the rest wait
# their turn without holding the GIL, so the event loop (health checks, the page, the
# webhook's 200) stays responsive under load. PLANQA_WEB_THREADS overrides (read when the
# app is created, so a malformed value is a clear error, not an import-time traceback).
ANSWER_THREADS: int | None = None  # tests may pin it


def answer_threads(s) -> int:
    return ANSWER_THREADS or s.web_threads or min(4, max(2, os.cpu_count() or 2))
_json_object = json_object  # the old private name


class _ServingErrors:
    """``app.state.serving``: the service's Serving, its errors as the API's 503s."""

    def __init__(self, serving):
        self.serving = serving

    def __getattr__(self, name):
        return getattr(self.serving, name)

    def current(self):
        from assistant.errors import IndexCorruptError, PlanQAError

        try:
            return self.serving.current()
        except IndexCorruptError as e:
            raise ApiError("index_corrupt", e.message) from None
        except PlanQAError as e:
            raise ApiError("index_missing", e.message) from None


def create_app(assistant=None, *, line_config=None, rate_per_minute: float | None = None,
               state=None, workers: int = 1) -> FastAPI:
    """The app. ``assistant`` (fixed, never reloaded) defaults to the current index
    build, loaded at start-up and reloaded between requests when a new build is swapped
    in; ``line_config`` (assistant.channels.line.LineConfig) defaults to the LINE_*
    environment; ``rate_per_minute`` to the settings; ``state`` (a StateStore) to
    SqliteState at settings.state_path, opened when LINE is enabled. ``workers`` > 1
    (with no fixed ``assistant``): /api/ask is answered by that many worker processes
    plus one low-priority process for costly questions (assistant/channels/http/workers.py)."""
    from assistant.service import Serving, load_assistant

    s = settings_mod.get()
    serving = (Serving(assistant=assistant) if assistant is not None
               else Serving(load=load_assistant, check_every=s.reload_seconds))
    answer_workers = None
    if workers > 1 and assistant is None:
        from assistant.channels.http.workers import AnswerWorkers

        answer_workers = AnswerWorkers(workers, s)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if serving.reloads:
            await run_in_threadpool(serving.check, wait=True)
        if answer_workers is not None:
            await answer_workers.start()
        bot = app.state.line_bot
        if bot is not None:
            bot.start()
        try:
            yield
        finally:
            if bot is not None:
                bot.stop()
            if answer_workers is not None:
                await run_in_threadpool(answer_workers.close)

    app = FastAPI(
        title="planqa",
        summary="ผู้ช่วยตอบคำถามแผนพัฒนาการศึกษา พร้อมอ้างอิงเอกสาร (Thai education plan assistant)",
        version="0.1.0",
        docs_url=None, redoc_url=None, lifespan=lifespan,
    )
    app.state.serving = _ServingErrors(serving)
    # the web's pool; LINE has its own worker threads (assistant/channels/line.py)
    app.state.answer_workers = answer_workers
    threads = max(answer_threads(s), workers if answer_workers else 0)
    # costly (long) questions have a pool of their own: they never take a normal slot
    app.state.pools = {"web": Pool("web", threads, s.web_queue), "heavy": Pool("heavy", 1, s.heavy_queue)}
    rate = s.rate_per_minute if rate_per_minute is None else rate_per_minute
    app.state.rate_bucket = TokenBucket(rate / 60.0, s.rate_burst)
    # what a client's questions cost (answer CPU ms), charged after each answer: a client
    # sending costly questions runs out long before its request count does (off with the rate)
    app.state.cpu_budget = TokenBucket(s.cpu_ms_per_second if rate > 0 else 0.0, s.cpu_burst_ms)
    limits = {"/api/ask": ASK_BODY_LIMIT, "/line/webhook": WEBHOOK_BODY_LIMIT}
    limits.update({path: ASK_BODY_LIMIT for path in PROPOSAL_PATHS})
    limits["/api/admin/plans/preview"] = s.max_file_bytes  # a plan file uploaded by planning staff
    app.add_middleware(RateLimit, bucket=app.state.rate_bucket)
    app.add_middleware(BodyLimit, limits=limits, default=DEFAULT_BODY_LIMIT)
    app.add_middleware(ServerTiming)  # outermost: its time covers the limits too
    install_handlers(app)

    from assistant.channels.http.ask import ask_router
    from assistant.channels.http.browse import browse_router
    from assistant.channels.http.conversations import conversation_router
    from assistant.channels.http.health import health_router
    from assistant.channels.http.metrics import metrics_router
    from assistant.channels.http.pages import install_pages
    from assistant.channels.http.plans import plans_router
    from assistant.channels.http.proposal_form import form_router
    from assistant.channels.http.proposals import proposal_router
    from assistant.channels.http.stream import stream_router

    app.include_router(ask_router())
    app.include_router(browse_router())
    app.include_router(health_router())
    proposals = proposal_router(lambda: app.state.serving.current())
    app.state.proposal_drafts = proposals.drafts  # the LINE bot stores its drafts here too
    # its aligning and drafting take a slot of the web pool, like /api/ask
    app.include_router(proposals, dependencies=[Depends(web_slot)])
    app.include_router(form_router())
    app.include_router(plans_router(app))
    app.include_router(conversation_router(lambda: app.state.serving.current()))  # conversations, feedback
    app.include_router(metrics_router(lambda: app.state.serving.current()))  # GET /metrics
    app.include_router(stream_router(app))  # POST /api/ask/stream (SSE)
    install_pages(app)

    from assistant.channels import line

    config = line_config if line_config is not None else line.LineConfig.from_env()
    app.state.line_enabled = config.enabled
    bot = line.install(app, lambda: app.state.serving.current(), config, state=state)
    if bot is not None:
        # LINE replies first: web jobs wait while a LINE event is answered (LINE answers in
        # this process; with answer processes too, busy ones would take the CPU it needs)
        app.state.pools["web"].yield_to = lambda: bot.busy > 0
    return app


# ---------------------------------------------------------------- running


def uvicorn_limits(header_timeout: float = 10.0) -> dict:
    """uvicorn's limits: request line + headers at most 16 KB and 10 s (slow clients are
    dropped), idle keep-alive 5 s, at most 200 connections (503 beyond)."""
    return {"http": guarded_h11(header_timeout), "h11_max_incomplete_event_size": 16 * 1024, "timeout_keep_alive": 5,
            "limit_concurrency": 200, "backlog": 512, "timeout_graceful_shutdown": 10}


def quiet_openmp() -> None:
    """The embedder's C engine uses OpenMP, whose threads spin-wait for work by default.
    In a server that answers many requests at once on few cores (and shares them), the
    spinning threads take the CPU the answering threads need: one short query embedded
    in 5 s instead of 0.13 s, measured at load 14 on 2 cores. A server embeds one short
    query per request, so it runs OpenMP with one passive thread per process (its
    answer processes inherit this); an explicit OMP_NUM_THREADS / OMP_WAIT_POLICY wins.
    Must run before the engine is loaded."""
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def serve(host: str | None = None, port: int | None = None) -> None:
    """Run the app with uvicorn (``planqa serve``); HOST and PORT are the defaults."""
    import uvicorn

    s = settings_mod.get()
    host = host or s.host
    port = port or s.port
    quiet_openmp()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("planqa").setLevel(logging.INFO)
    log.info("planqa on http://%s:%d/ (API docs: /docs)", host, port)
    from assistant.channels.http.workers import worker_count

    n = worker_count(s)
    log.info("answering with %s", f"{n} worker processes (+1 for costly questions)" if n > 1 else "threads")
    uvicorn.run(create_app(workers=n), host=host, port=port, log_level="info", proxy_headers=False,
                **uvicorn_limits())


@contextmanager
def running(app: FastAPI, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 30,
            header_timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread (tests, benchmarks); yields
    the base URL and stops the server on exit. ``port=0`` picks a free port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           **uvicorn_limits(header_timeout)))
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
