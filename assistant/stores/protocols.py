"""Small protocols the service and channels depend on; every backend implements them.

The plan store (records), vectors and lexical search have their own modules; this file
holds the protocol of the *state* the server keeps between requests: conversations,
feedback, proposal drafts and the durable LINE event queue. Its embedded default is
:class:`assistant.stores.state.SqliteState`. Payloads are plain JSON-able dicts, so a
backend never needs to know the domain types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


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
