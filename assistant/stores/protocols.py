"""Small protocols the service and channels depend on; every backend implements them.

- :class:`PlanStore`: plans and records (SQLite default :class:`assistant.stores.sqlite.Store`,
  server :class:`assistant.stores.postgres.PgStore`), read lazily, per office.
- :class:`VectorStore`: dense search (embedded Chroma or a Chroma server,
  :class:`assistant.stores.chroma.VectorIndex`).
- :class:`LexicalSearch`: BM25 (:class:`assistant.stores.lexical.LexicalIndex`, one shard
  per office with :class:`assistant.stores.lexical.ShardedLexical`).
- :class:`StateStore`: what the server keeps between requests: conversations, feedback,
  proposal drafts and the durable LINE event queue (SQLite default
  :class:`assistant.stores.state.SqliteState`, server :class:`assistant.stores.postgres.PgState`).
  Payloads are plain JSON-able dicts, so a backend never needs to know the domain types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.domain.models import Office, Plan, Span


@dataclass
class DocRecord:
    """One ingested document's metadata (its text is read separately, on demand)."""

    id: str
    file: str
    office_id: str | None
    title: str | None
    years: tuple[int, int] | None
    fiscal_year: int | None
    level: str | None
    layout: str | None
    sha256: str
    meta: dict


@runtime_checkable
class PlanStore(Protocol):
    """Plans and their records. ``plans`` and ``texts`` are mappings by document id whose
    values load on first access; ``plans_of`` asks the database for one office only."""

    docs: dict[str, DocRecord]
    offices: dict[str, Office]
    office_levels: dict[str, str | None]
    plans: Mapping[str, Plan]
    texts: Mapping[str, str]

    def plans_of(self, office_id: str | None) -> list[Plan]: ...
    def plans_in(self, office_ids) -> list[Plan]: ...
    def doc_ids_of(self, office_id: str | None) -> list[str]: ...
    def office_ids_with_plans(self) -> set[str]: ...
    def quote(self, span: Span) -> str: ...
    def manifest(self) -> dict[str, str]: ...
    def counts(self) -> dict[str, int]: ...
    def close(self) -> None: ...


@runtime_checkable
class VectorStore(Protocol):
    """Dense search over chunk vectors with metadata filters: ``(chunk_id, cosine)``."""

    def count(self) -> int: ...
    def search(self, vector: np.ndarray, k: int = 10, *, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None, kinds=None,
               indicator: str | None = None) -> list[tuple[str, float]]: ...


@runtime_checkable
class LexicalSearch(Protocol):
    """BM25 over Thai tokens with the same filters: ``(chunk_id, score)`` best first."""

    def search(self, query: str, k: int = 10, *, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None, kinds=None,
               indicator: str | None = None) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class QueuedEvent:
    """One acknowledged event waiting to be processed (at least once)."""

    event_id: str
    channel: str
    payload: dict
    attempts: int


@runtime_checkable
class StateStore(Protocol):
    # conversations: one JSON document per conversation id, with an owner and an expiry
    def load_conversation(self, conversation_id: str) -> dict | None: ...
    def save_conversation(self, conversation_id: str, data: dict, *, owner: str | None = None) -> None: ...
    def conversations_of(self, owner: str, *, limit: int = 50) -> list[dict]: ...

    # feedback: append-only
    def add_feedback(self, item: dict) -> str: ...
    def feedback(self) -> list[dict]: ...

    # proposal drafts
    def put_draft(self, draft_id: str, data: dict) -> None: ...
    def get_draft(self, draft_id: str) -> dict | None: ...

    # durable event queue with persisted dedupe ids
    def enqueue(self, event_id: str, channel: str, payload: dict) -> bool: ...
    def claim(self, channel: str, *, limit: int = 10, lease_seconds: float = 60) -> list[QueuedEvent]: ...
    def done(self, event_id: str) -> None: ...
    def pending(self, channel: str) -> int: ...

    def purge_expired(self) -> int: ...
    def close(self) -> None: ...
