"""Answer worker processes: ``/api/ask`` answered outside the server's process.

Answering is CPU-bound Python, so the threads of one process share one core's worth of
it (the GIL). With ``PLANQA_WORKERS`` = N > 1 (``planqa serve`` defaults to the cores),
the server keeps everything that must be one (the HTTP connections, the per-client rate
limits, the pools' back-pressure, the LINE queue and its worker threads, /healthz) and
sends each question to one of N answer processes, each with its own Assistant (loaded
from the same index, reloaded on its own when ``planqa ingest`` swaps a build in, writing
conversations to the same state store). A turn of a conversation always goes to the same
process, so the conversation lock still holds; other questions go to the least busy one.

Costly questions (longer than ``PLANQA_HEAVY_CHARS``) go to one more process of their own,
run at the lowest CPU priority (``nice`` 19), so a client sending 2,000-character
questions back to back takes CPU only when the normal users leave some, and never a
normal slot; when that process is behind, its small queue fills and they get 503 busy.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

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
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="planqa-orphan-watch",
                     daemon=True).start()
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    settings._current = s  # the settings the server runs with (CLI flags included)
    _serving = Serving(load=load_assistant, check_every=s.reload_seconds)
    _serving.check(wait=True)


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


# ---------------------------------------------------------------- in the server


class _Worker:
    def __init__(self, name: str, s, nice: int):
        self.name = name
        self.settings = s
        self.nice = nice
        self.busy = 0
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_init,
                                   initargs=(self.settings, self.nice))

    def restart(self) -> None:
        old, self.executor = self.executor, self._new()
        old.shutdown(wait=False, cancel_futures=True)

    def stop(self, timeout: float) -> None:
        """Stop the process: it finishes its current question (up to ``timeout``), then is
        terminated."""
        procs = list((getattr(self.executor, "_processes", None) or {}).values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + timeout
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.terminate()
                p.join(2)


class AnswerWorkers:
    """N answer processes (+ one low-priority process for costly questions)."""

    def __init__(self, n: int, s, *, heavy: bool = True):
        self.settings = s
        self.workers = [_Worker(f"answer-{i}", s, 0) for i in range(max(1, n))]
        self.heavy = _Worker("answer-heavy", s, HEAVY_NICE) if heavy else None
        self._lock = threading.Lock()

    @property
    def all(self) -> list[_Worker]:
        return self.workers + ([self.heavy] if self.heavy else [])

    def start(self, timeout: float = 600) -> None:
        """Start every process and wait until each has loaded the index (blocking)."""
        futures = [w.executor.submit(_ping) for w in self.all]
        for w, f in zip(self.all, futures, strict=True):
            log.info("worker %s ready (build %s)", w.name, f.result(timeout=timeout))

    def close(self, timeout: float = 5.0) -> None:
        for w in self.all:
            w.stop(timeout)

    def _pick(self, cid: str | None, heavy: bool) -> _Worker:
        if heavy and self.heavy is not None and not cid:
            return self.heavy
        if cid:  # one conversation, one process: its turns stay in order under its lock
            return self.workers[zlib.crc32(cid.encode("utf-8", "replace")) % len(self.workers)]
        return min(self.workers, key=lambda w: w.busy)

    def ask(self, question: str, office_id: str | None, cid: str | None = None, *,
            heavy: bool = False) -> tuple[dict, str]:
        """The /api/ask payload, computed in a worker process (blocks: call it in a thread),
        and its Server-Timing entries (the answer's wall and CPU time in that process: a
        wall time far above the CPU time means the process waited for a core)."""
        with self._lock:
            w = self._pick(cid, heavy)
            w.busy += 1
        try:
            result = w.executor.submit(_ask, question, office_id, cid).result()
        except BrokenProcessPool:  # the process died (killed, out of memory): a fresh one
            log.error("answer worker %s died; restarting it", w.name)
            with self._lock:
                w.restart()
            raise ApiError("busy", headers={"Retry-After": "2"}) from None
        finally:
            with self._lock:
                w.busy -= 1
        if result[0] == "error":
            raise ApiError(result[1], result[2])
        return result[1], f"answer;dur={result[2]:.1f}, cpu;dur={result[3]:.1f}"

    def stats(self) -> dict:
        return {w.name: w.busy for w in self.all}


def worker_count(s) -> int:
    """``PLANQA_WORKERS``, or the cores when unset (0); 1 means answer in the server's process."""
    return s.workers if s.workers > 0 else (os.cpu_count() or 1)
