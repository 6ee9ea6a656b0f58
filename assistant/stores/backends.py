"""Pick each store's backend from the settings: embedded by default, servers when set.

``PLANQA_DATABASE_URL`` → PostgreSQL for plans (:class:`~assistant.stores.postgres.PgStore`)
and state (:class:`~assistant.stores.postgres.PgState`); otherwise the SQLite files of the
index. ``PLANQA_CHROMA_URL`` is read by :mod:`assistant.stores.chroma` itself.
"""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings
from assistant.stores.protocols import PlanStore, StateStore


def open_plan_store(s: Settings, sqlite_path: Path) -> PlanStore:
    if s.database_url:
        from assistant.stores.postgres import PgStore

        return PgStore(s.database_url)
    from assistant.stores.sqlite import Store

    return Store(sqlite_path)


def open_state(s: Settings, **kw) -> StateStore:
    if s.database_url:
        from assistant.stores.postgres import PgState

        return PgState(s.database_url, **kw)
    from assistant.stores.state import SqliteState

    return SqliteState(s.state_path, **kw)
