"""What keeps one client from starving the others: body caps, per-client rate limits,
and bounded worker pools with back-pressure (one pool for the web, one for LINE)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import anyio
import anyio.to_thread

from assistant.channels.http.errors import ApiError, error_response

# ---------------------------------------------------------------- body size

MAX_HEADER_BYTES = 16 * 1024


class BodyLimit:
    """ASGI middleware: reads a request body up to a per-path byte cap (413 beyond it)
    before the app sees it, so no handler ever holds an unbounded body."""

    def __init__(self, app, limits: dict[str, int], default: int, body_timeout: float = 30.0):
        self.app = app
        self.limits = limits
        self.default = default
        self.body_timeout = body_timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(len(k) + len(v) for k, v in scope.get("headers") or []) > MAX_HEADER_BYTES:
            await error_response("headers_too_large", headers={"Connection": "close"})(scope, receive, send)
            return
        if scope.get("http_version") not in HTTP_VERSIONS:
            await error_response("invalid_request", message_en="Unsupported HTTP version.",
                                 headers={"Connection": "close"})(scope, receive, send)
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
        with anyio.move_on_after(self.body_timeout) as deadline:  # a body sent too slowly
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
        if deadline.cancelled_caught:
            await error_response("invalid_request", "ส่งข้อมูลช้าเกินไป กรุณาลองใหม่",
                                 "The request body was sent too slowly.", status=408,
                                 headers={"Connection": "close"})(scope, receive, send)
            return
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
    def _too_large(limit: int):
        kb = limit // 1024
        return error_response("body_too_large", f"ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป (เกิน {kb} KB)",
                              f"The request body is larger than {kb} KB.",
                              headers={"Connection": "close"})


# ---------------------------------------------------------------- rate limits


class TokenBucket:
    """Per-key token buckets: ``rate`` tokens a second up to ``burst``; thread-safe.
    A request costs ``cost`` tokens (long questions cost more)."""

    def __init__(self, rate: float, burst: float, *, max_keys: int = 10_000, clock=time.monotonic):
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, cost: float = 1.0) -> float:
        """0 when allowed, else the seconds to wait before ``cost`` tokens are there."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens = self._tokens(key, now)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            self._prune()
            return (min(cost, self.burst) - tokens) / self.rate

    def owed(self, key: str) -> float:
        """For a budget charged after the fact (:meth:`charge`): 0 while ``key`` has tokens
        left, else the seconds until it has again."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            tokens = self._tokens(key, self.clock())
        return 0.0 if tokens > 0 else (1.0 - tokens) / self.rate

    def charge(self, key: str, cost: float) -> None:
        """Take ``cost`` tokens whatever is left: the balance may go below zero (at most
        ``burst`` below), and :meth:`owed` then says how long until it is paid back."""
        if self.rate <= 0 or cost <= 0:
            return
        now = self.clock()
        with self._lock:
            self._buckets[key] = (max(-self.burst, self._tokens(key, now) - cost), now)
            self._prune()

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)

    def _prune(self) -> None:
        if len(self._buckets) > self.max_keys:  # forget the fullest (idle) buckets
            full = [k for k, (t, _) in self._buckets.items() if t >= self.burst][: self.max_keys // 10]
            for k in full or list(self._buckets)[: self.max_keys // 10]:
                self._buckets.pop(k, None)


def cpu_limited(wait: float) -> ApiError:
    """The client has used its share of answering time (its questions cost much CPU)."""
    seconds = max(1, math.ceil(wait))
    return ApiError("rate_limited", f"คำถามที่ส่งมาใช้เวลาประมวลผลมากเกินไป กรุณารอประมาณ {seconds} วินาทีแล้วลองใหม่ "
                    "หรือถามให้สั้นลง",
                    f"This client's questions used their share of answering time; retry after {seconds} s.",
                    headers={"Retry-After": str(seconds)})


def client_key(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "?"


def rate_limited(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError("rate_limited", f"ส่งคำขอถี่เกินไป กรุณารอประมาณ {seconds} วินาทีแล้วลองใหม่",
                    f"Too many requests from this client; retry after {seconds} s.",
                    headers={"Retry-After": str(seconds)})


# ---------------------------------------------------------------- worker pools


@dataclass
class PoolStats:
    threads: int
    busy: int
    waiting: int
    max_waiting: int

    @property
    def saturated(self) -> bool:
        return self.waiting >= self.max_waiting

    def as_dict(self) -> dict:
        return {"threads": self.threads, "busy": self.busy, "waiting": self.waiting,
                "max_waiting": self.max_waiting, "saturated": self.saturated}


class Pool:
    """At most ``threads`` jobs at once in worker threads; at most ``max_waiting`` wait
    for a slot (more are refused with 503 "busy", never queued without bound)."""

    def __init__(self, name: str, threads: int, max_waiting: int):
        self.name = name
        self.threads = max(1, threads)
        self.max_waiting = max(0, max_waiting)
        self._limiter: anyio.CapacityLimiter | None = None  # created inside the event loop
        self._threads: anyio.CapacityLimiter | None = None  # the threads of the slots held
        self.waiting = 0

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.threads)
        return self._limiter

    def stats(self) -> PoolStats:
        busy = self._limiter.borrowed_tokens if self._limiter else 0
        return PoolStats(self.threads, busy, self.waiting, self.max_waiting)

    yield_to = None  # a callable: True while higher-priority work (LINE) runs
    max_yield = 2.0  # seconds a job waits for it at most

    async def _give_way(self) -> None:
        """Wait (briefly) while higher-priority work runs: with the GIL, threads share
        one core's worth of Python, so LINE's replies go first and the web waits."""
        waited = 0.0
        while self.yield_to is not None and waited < self.max_yield and self.yield_to():
            await anyio.sleep(0.01)
            waited += 0.01

    def _admit(self) -> None:
        lim = self.limiter
        if lim.available_tokens == 0 and self.waiting >= self.max_waiting:
            raise ApiError("busy", headers={"Retry-After": "2"})

    async def run(self, fn, *args):
        """``fn(*args)`` in a worker thread once a slot is free."""
        return await self.call(self._in_thread, fn, *args)

    async def _in_thread(self, fn, *args):
        if self._threads is None:
            self._threads = anyio.CapacityLimiter(self.threads)
        return await anyio.to_thread.run_sync(lambda: fn(*args), limiter=self._threads)

    async def call(self, afn, *args):
        """``await afn(*args)`` once a slot is free (work that waits without a thread,
        such as a request to an answer process)."""
        self._admit()
        self.waiting += 1
        entered = False
        try:
            await self._give_way()
            async with self.limiter:
                self.waiting -= 1
                entered = True
                return await afn(*args)
        finally:
            if not entered:
                self.waiting -= 1

    async def hold(self):
        """Hold one slot (a dependency for routers that run their own thread work)."""
        self._admit()
        self.waiting += 1
        holder = object()  # not the task: the exit may run in another task
        try:
            await self._give_way()
            await self.limiter.acquire_on_behalf_of(holder)
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self.limiter.release_on_behalf_of(holder)


class RateLimit:
    """ASGI middleware: a per-client token bucket on the POSTs that cost CPU (asking,
    aligning, drafting). A request costs 1 token plus 1 per whole KB of body, so long
    questions use the budget faster; beyond it the client gets 429 in Thai with
    Retry-After. The LINE webhook is not limited here (LINE has its own queue)."""

    def __init__(self, app, bucket: TokenBucket, prefixes: tuple[str, ...] = ("/api/",)):
        self.app = app
        self.bucket = bucket
        self.prefixes = prefixes

    async def __call__(self, scope, receive, send):
        if (scope["type"] == "http" and scope.get("method") == "POST" and self.bucket.rate > 0
                and scope["path"].startswith(self.prefixes)):
            declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
            try:
                size = max(0, int(declared))
            except ValueError:
                size = 0
            wait = self.bucket.take(client_key(scope), 1.0 + size // 1024)
            if wait > 0:
                await rate_limited(wait).response()(scope, receive, send)
                return
        await self.app(scope, receive, send)


# ---------------------------------------------------------------- server timing


class ServerTiming:
    """ASGI middleware: ``Server-Timing: app;dur=<ms>`` on every response, the time from
    the request reaching the app to its response headers (queueing for a slot included,
    the network and the client not), so a client can tell the server's share of a wait."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message):
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message = {**message, "headers": [*message.get("headers", []),
                                                   (b"server-timing", f"app;dur={ms:.1f}".encode())]}
            await send(message)

        await self.app(scope, receive, timed)


# ---------------------------------------------------------------- slow clients

HTTP_VERSIONS = frozenset({"1.0", "1.1"})


def guarded_h11(header_timeout: float = 10.0):
    """uvicorn's h11 protocol with a deadline for the request line and headers: a
    client that connects, or starts a request, and does not finish its headers within
    ``header_timeout`` seconds is disconnected (slowloris). Header size is bounded by
    ``h11_max_incomplete_event_size``; idle keep-alive by ``timeout_keep_alive``."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11(H11Protocol):
        _header_timer = None

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(header_timeout, self._headers_expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_expired(self) -> None:
            self._header_timer = None
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm()  # the headers are in; the request runs as long as it needs

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

    return GuardedH11
