"""Answer worker processes: ``/api/ask`` answered outside the server's process.

Answering is CPU-bound Python, so the threads of one process share one core's worth of
it (the GIL). With ``PLANQA_WORKERS`` = N > 1 (``planqa serve`` defaults to the cores),
the server keeps everything that must be one (the HTTP connections, the per-client rate
limits, the pools' back-pressure, the LINE queue and its worker threads, /healthz) and
sends each question to one of N answer processes, each with its own Assistant (loaded
from the same index, reloaded on its own when ``planqa ingest`` swaps a build in, writing
conversations to the same state store). The server lets one turn of a conversation run at
a time (its state is read from and written to that store), and sends each question to the
least busy process.

Costly questions (longer than ``PLANQA_HEAVY_CHARS``), in a conversation or not, go to one
more process of their own, run at the lowest CPU priority (SCHED_IDLE, else ``nice`` 19),
so a client sending 2,000-character questions back to back takes CPU only when the normal
users leave some, and never a normal slot or process; when that process is behind, its
small queue fills and they get 503 busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import threading
import time
from multiprocessing import get_context

import anyio

from assistant.channels.http.errors import ApiError

log = logging.getLogger("planqa.server")

HEAVY_NICE = 19  # the lowest priority: CPU weight 15 against a normal process's 1024

# ---------------------------------------------------------------- inside a worker process

_serving = None  # this process's Serving (one per worker process, set by _init)


def _init(s, nice: int) -> None:
    """A worker process starts: the parent's settings, its own Serving."""
    global _serving
    from assistant import settings
    from assistant.service import Serving, load_assistant

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    if nice:
        _lowest_priority(nice)  # before any thread starts: threads inherit it
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="planqa-orphan-watch",
                     daemon=True).start()
    settings._current = s  # the settings the server runs with (CLI flags included)
    _serving = Serving(load=load_assistant, check_every=s.reload_seconds)
    _serving.check(wait=True)


def _lowest_priority(nice: int) -> None:
    """This process runs only on CPU the others leave: Linux's SCHED_IDLE where there is
    one (a core running only such work counts as idle, so a normal answer process that wakes
    up is placed there at once; with nice 19 alone it could wait its turn on a busy core
    behind the server or another answer), else the given ``nice``."""
    try:
        os.nice(nice)
    except OSError:
        pass
    if hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """A server killed without its shutdown (SIGKILL, a crash) leaves no answer process behind."""
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            os._exit(0)


def _ping() -> str | None:
    return _serving.build_id if _serving is not None else None


def _ask(question: str, office_id: str | None, cid: str | None):
    """``("ok", payload, wall ms, CPU ms)`` or ``("error", code, message_th)`` (an unusable index)."""
    from assistant.channels.http.common import ask_payload
    from assistant.errors import IndexCorruptError, PlanQAError

    try:
        a = _serving.current()
    except IndexCorruptError as e:
        return ("error", "index_corrupt", e.message)
    except PlanQAError as e:
        return ("error", "index_missing", e.message)
    wall, cpu = time.perf_counter(), time.thread_time()
    answer = a.ask(question, office_id, conversation_id=cid) if cid else a.ask(question, office_id)
    out = ask_payload(a, answer, office_id)
    if cid:
        out.update(conversation_id=cid, has_more=answer.has_more)
    return ("ok", out, (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000)


def _main(conn, s, nice: int) -> None:
    """A worker process: load the index, then answer one request at a time from ``conn``
    until the server closes it."""
    _init(s, nice)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = {"ping": _ping, "ask": _ask}[fn](*args)
        except Exception as e:  # a bug: the server answers it as its 500
            log.exception("answer worker failed")
            result = ("exception", f"{type(e).__name__}: {e}")
        conn.send(result)


# ---------------------------------------------------------------- in the server


class _Worker:
    """One answer process and the pipe to it. The server's event loop writes a request and
    waits for the pipe to be readable: no thread of the server is involved, so a reply is
    not delayed by thread and GIL hand-offs when the machine is busy."""

    def __init__(self, name: str, s, nice: int):
        self.name = name
        self.settings = s
        self.nice = nice
        self.busy = 0
        self.proc = self.conn = None
        self._lock: asyncio.Lock | None = None  # one request at a time on the pipe

    def spawn(self) -> None:
        ctx = get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_main, args=(child, self.settings, self.nice), name=f"planqa-{self.name}",
                                daemon=True)
        self.proc.start()
        child.close()
        os.set_blocking(self.conn.fileno(), False)  # replies are read on the event loop

    async def call(self, fn: str, *args, entered: list | None = None):
        """``fn(*args)`` in the process; ``entered`` gets the ``perf_counter`` at which this
        request had the pipe (its wait behind the process's previous request ends there)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if entered is not None:
                entered.append(time.perf_counter())
            # shielded: a request given up half-way must not leave its reply in the pipe
            # for the next request to read
            with anyio.CancelScope(shield=True):
                if self.proc is None or not self.proc.is_alive():
                    self.spawn()  # a process that died (killed, out of memory) is replaced
                    if fn != "ping":
                        await self._exchange("ping")
                return await self._exchange(fn, *args)

    async def _exchange(self, fn: str, *args):
        try:
            self.conn.send((fn, args))  # a request is small: the empty pipe takes it at once
            return pickle.loads(await self._receive())
        except (EOFError, OSError, pickle.UnpicklingError):
            log.error("answer worker %s died; it is restarted for the next request", self.name)
            self.stop(0)
            raise ApiError("busy", headers={"Retry-After": "2"}) from None

    async def _receive(self) -> bytes:
        """One message of ``multiprocessing.Connection``'s framing (a 4-byte big-endian
        length, then the pickle), read without blocking the event loop: a large answer
        arrives in several pieces."""
        loop = asyncio.get_running_loop()
        fd = self.conn.fileno()
        buf = bytearray()
        need = None
        while need is None or len(buf) < need:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                ready = loop.create_future()
                loop.add_reader(fd, lambda f=ready: f.done() or f.set_result(None))
                try:
                    await ready
                finally:
                    loop.remove_reader(fd)
                continue
            if not chunk:
                raise EOFError
            buf += chunk
            if need is None and len(buf) >= 4:
                (size,) = struct.unpack("!i", buf[:4])
                if size == -1:  # more than 2 GB: its 8-byte size follows
                    if len(buf) < 12:
                        continue
                    (size,) = struct.unpack("!Q", buf[4:12])
                    del buf[:12]
                else:
                    del buf[:4]
                need = size
        return bytes(buf[:need])

    def stop(self, timeout: float) -> None:
        """Close the pipe (the process exits after its current question, up to ``timeout``),
        then terminate it."""
        if self.conn is not None:
            self.conn.close()
        if self.proc is not None:
            self.proc.join(timeout)
            if self.proc.is_alive():
                self.proc.terminate()
                self.proc.join(2)
        self.proc = self.conn = None


class AnswerWorkers:
    """N answer processes (+ one low-priority process for costly questions)."""

    def __init__(self, n: int, s, *, heavy: bool = True):
        self.settings = s
        self.workers = [_Worker(f"answer-{i}", s, 0) for i in range(max(1, n))]
        self.heavy = _Worker("answer-heavy", s, HEAVY_NICE) if heavy else None
        # one conversation's turns one at a time, whichever process answers each (the
        # conversation is read from and written to the shared state store)
        self._turns: dict[str, list] = {}  # id -> [asyncio.Lock, requests holding or awaiting it]

    @property
    def all(self) -> list[_Worker]:
        return self.workers + ([self.heavy] if self.heavy else [])

    async def start(self, timeout: float = 600) -> None:
        """Start every process and wait until each has loaded the index."""
        for w in self.all:
            w.spawn()
        with anyio.fail_after(timeout):
            builds = await asyncio.gather(*(w.call("ping") for w in self.all), return_exceptions=True)
        for w, build in zip(self.all, builds, strict=True):
            if isinstance(build, Exception):  # it is started again on its first request
                log.error("worker %s did not start: %s", w.name, build)
            else:
                log.info("worker %s ready (build %s)", w.name, build)

    def close(self, timeout: float = 5.0) -> None:
        for w in self.all:  # all pipes first: the processes exit together
            if w.conn is not None:
                w.conn.close()
                w.conn = None
        deadline = time.monotonic() + timeout
        for w in self.all:
            w.stop(max(0.0, deadline - time.monotonic()))

    def _pick(self, heavy: bool) -> _Worker:
        """A costly question goes to the low-priority process (also in a conversation: a
        normal process never holds one while normal questions wait); any other to the
        least busy normal process."""
        if heavy and self.heavy is not None:
            return self.heavy
        return min(self.workers, key=lambda w: w.busy)

    @contextlib.asynccontextmanager
    async def _turn(self, cid: str | None):
        """Hold conversation ``cid``'s turn (nothing without one)."""
        if not cid:
            yield
            return
        entry = self._turns.setdefault(cid, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._turns.pop(cid, None)

    async def ask(self, question: str, office_id: str | None, cid: str | None = None, *,
                  heavy: bool = False, since: float | None = None) -> tuple[dict, str, float]:
        """The /api/ask payload, computed in a worker process, its Server-Timing entries
        (the answer's wall and CPU time in that process: a wall time far above the CPU time
        means the process waited for a core; with ``since``, the ``perf_counter`` the request
        started waiting at, ``wait``: its time until the process took it) and its CPU ms."""
        entered: list[float] = []
        async with self._turn(cid):
            w = self._pick(heavy)
            w.busy += 1
            try:
                result = await w.call("ask", question, office_id, cid, entered=entered)
            finally:
                w.busy -= 1
        if result[0] == "error":
            raise ApiError(result[1], result[2])
        if result[0] == "exception":
            raise RuntimeError(f"answer worker {w.name}: {result[1]}")
        timing = f'answer;dur={result[2]:.1f};desc="{w.name}", cpu;dur={result[3]:.1f}'
        if since is not None and entered:
            timing += f", wait;dur={(entered[0] - since) * 1000:.1f}"
        return result[1], timing, result[3]

    def stats(self) -> dict:
        return {w.name: w.busy for w in self.all}


def worker_count(s) -> int:
    """``PLANQA_WORKERS``, or the cores when unset (0); 1 means answer in the server's process."""
    return s.workers if s.workers > 0 else (os.cpu_count() or 1)
