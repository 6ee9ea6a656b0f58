"""PostgreSQL backends (psycopg 3), chosen by ``PLANQA_DATABASE_URL``.

- :class:`PgStore` — the plan store. Each published build is one schema
  (``planqa_b<stamp>``) holding the same tables as the SQLite store; the table
  ``planqa_current`` names the live one. :func:`publish` copies a built SQLite store into a
  new schema and switches the pointer in one transaction, so a failed publish leaves the
  previous build serving, and an open store keeps reading the build it opened.
- :class:`PgState` — the :class:`~assistant.stores.protocols.StateStore` (conversations,
  feedback, drafts, the LINE event queue) shared by every worker. Claims use
  ``FOR UPDATE SKIP LOCKED``, so two workers never lease the same event.

The one module that imports psycopg. Text columns use the "C" collation so that every
``ORDER BY`` gives the same order as SQLite.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from pathlib import Path

from assistant.stores.planread import SqlPlanStore
from assistant.stores.protocols import QueuedEvent
from assistant.stores.sqlite import SCHEMA
from assistant.stores.state import DAY

POINTER = "planqa_current"
_KEEP = 2  # the live build and the one before it (readers may still have it open)


def _connect(url: str, **kw):
    import psycopg
    from psycopg.rows import dict_row

    return psycopg.connect(url, autocommit=True, row_factory=dict_row, **kw)


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def pg_schema_ddl() -> list[str]:
    """The SQLite store's DDL in PostgreSQL: exact floats, C-collated text, quoted ``end``."""
    out = []
    for stmt in SCHEMA.split(";"):
        stmt = stmt.strip()
        if not stmt:
            continue
        stmt = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', stmt)
        stmt = re.sub(r"\bREAL\b", "DOUBLE PRECISION", stmt)
        stmt = re.sub(r"\bend\b", '"end"', stmt)
        out.append(stmt)
    return out


def _tables() -> list[str]:
    return re.findall(r"CREATE TABLE (\w+)", SCHEMA)


def current_schema(con) -> str | None:
    return current_build(con)[0]


def current_build(con) -> tuple[str | None, str | None]:
    """The live schema and the name of the build directory it was published from (its
    retrieval index: chunks, BM25, the Chroma server's ``<build>--chunks``)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {POINTER} (id INTEGER PRIMARY KEY, schema TEXT NOT NULL, "
                "published DOUBLE PRECISION NOT NULL, build TEXT)")
    row = con.execute(f"SELECT * FROM {POINTER} WHERE id=1").fetchone()
    return (row["schema"], row.get("build")) if row else (None, None)


def live_schema(url: str) -> str | None:
    """The published schema now (workers compare it with the one they serve)."""
    with _connect(url) as con:
        if con.execute("SELECT to_regclass(%s) AS t", (POINTER,)).fetchone()["t"] is None:
            return None
        row = con.execute(f"SELECT schema FROM {POINTER} WHERE id=1").fetchone()
    return row["schema"] if row else None


def publish(sqlite_path: Path, url: str) -> str:
    """Copy the SQLite store at ``sqlite_path`` into a new schema and make it live."""
    src = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    schema = f"planqa_b{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:6]}"
    with _connect(url) as con:
        previous = current_schema(con)
        con.execute(f"ALTER TABLE {POINTER} ADD COLUMN IF NOT EXISTS build TEXT")  # pointers made before
        try:
            with con.transaction():
                con.execute(f"CREATE SCHEMA {schema}")
                con.execute(f"SET LOCAL search_path TO {schema}")
                for stmt in pg_schema_ddl():
                    con.execute(stmt)
                for table in _tables():
                    cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
                    names = ", ".join(f'"{c}"' for c in cols)
                    with con.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as cp:
                        for row in src.execute(f"SELECT {names} FROM {table}"):
                            cp.write_row(row)
                for table in _tables():
                    con.execute(f"ANALYZE {table}")
            with con.transaction():
                con.execute(f"INSERT INTO {POINTER} (id, schema, published, build) VALUES (1, %s, %s, %s) "
                            "ON CONFLICT (id) DO UPDATE SET schema=excluded.schema, published=excluded.published, "
                            "build=excluded.build",
                            (schema, time.time(), Path(sqlite_path).resolve().parent.name))
        finally:
            src.close()
        _drop_old(con, keep={schema, previous})
    return schema


def _drop_old(con, keep: set[str | None]) -> None:
    rows = con.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'planqa\\_b%%' "
                       "ORDER BY nspname DESC").fetchall()
    for r in rows:
        if r["nspname"] not in keep:
            con.execute(f"DROP SCHEMA {r['nspname']} CASCADE")


def publish_build(build_dir: Path, store=None, *, url: str | None = None) -> str:
    """An ingest builder (``register_builder``): publish the build's store to PostgreSQL."""
    from assistant import settings

    url = url or settings.get().database_url
    if not url:
        raise ValueError("PLANQA_DATABASE_URL is not set")
    return publish(Path(build_dir) / "plans.sqlite", url)


class PgStore(SqlPlanStore):
    """The live published build, read lazily (offices and metadata at open)."""

    def __init__(self, url: str):
        self.url = url
        self.con = _connect(url)
        schema, self.build = current_build(self.con)
        if schema is None:
            self.con.close()
            from assistant.errors import IndexMissingError

            raise IndexMissingError()
        self.schema = schema
        self.con.execute(f"SET search_path TO {schema}")
        self._lock = threading.Lock()
        self._open()

    def _rows(self, sql: str, params: tuple = ()) -> list:
        with self._lock:
            return self.con.execute(_pg(sql), params).fetchall()

    def close(self) -> None:
        self.con.close()


STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS state_conversations (
  id TEXT PRIMARY KEY, owner TEXT, data JSONB NOT NULL, updated DOUBLE PRECISION NOT NULL,
  expires DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS state_conversations_owner ON state_conversations(owner, updated);
CREATE TABLE IF NOT EXISTS state_feedback (id TEXT PRIMARY KEY, created DOUBLE PRECISION NOT NULL,
  seq BIGSERIAL, data JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS state_drafts (
  id TEXT PRIMARY KEY, data JSONB NOT NULL, updated DOUBLE PRECISION NOT NULL,
  expires DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS state_events (
  id TEXT PRIMARY KEY, channel TEXT NOT NULL, payload JSONB NOT NULL,
  created DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  lease_until DOUBLE PRECISION NOT NULL DEFAULT 0, done DOUBLE PRECISION);
CREATE INDEX IF NOT EXISTS state_events_todo ON state_events(channel, done, lease_until);
"""


class PgState:
    """:class:`assistant.stores.protocols.StateStore` in PostgreSQL, shared by all workers."""

    def __init__(self, url: str, *, conversation_ttl: float = 30 * DAY, draft_ttl: float = 180 * DAY,
                 event_ttl: float = 7 * DAY, clock=time.time):
        self.url = url
        self.conversation_ttl = conversation_ttl
        self.draft_ttl = draft_ttl
        self.event_ttl = event_ttl
        self.clock = clock
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        with self._db().transaction():
            self._db().execute("SELECT pg_advisory_xact_lock(7713)")  # workers create it once
            for stmt in STATE_SCHEMA.split(";"):
                if stmt.strip():
                    self._db().execute(stmt)

    def _db(self):
        db = getattr(self._local, "db", None)
        if db is None or db.closed:
            db = _connect(self.url)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    @staticmethod
    def _json(data) -> str:
        return json.dumps(data, ensure_ascii=False)

    # conversations
    def load_conversation(self, conversation_id: str) -> dict | None:
        row = self._db().execute("SELECT data, expires FROM state_conversations WHERE id=%s",
                                 (conversation_id,)).fetchone()
        if row is None or row["expires"] < self.clock():
            return None
        return row["data"]

    def save_conversation(self, conversation_id: str, data: dict, *, owner: str | None = None) -> None:
        now = self.clock()
        self._db().execute(
            "INSERT INTO state_conversations(id, owner, data, updated, expires) VALUES (%s,%s,%s,%s,%s) "
            "ON CONFLICT(id) DO UPDATE SET data=excluded.data, updated=excluded.updated, "
            "expires=excluded.expires, owner=COALESCE(excluded.owner, state_conversations.owner)",
            (conversation_id, owner, self._json(data), now, now + self.conversation_ttl))

    def conversations_of(self, owner: str, *, limit: int = 50) -> list[dict]:
        rows = self._db().execute(
            "SELECT id, data, updated FROM state_conversations WHERE owner=%s AND expires>=%s "
            "ORDER BY updated DESC LIMIT %s", (owner, self.clock(), limit)).fetchall()
        return [{"id": r["id"], "updated": r["updated"], "data": r["data"]} for r in rows]

    # feedback
    def add_feedback(self, item: dict) -> str:
        fid = uuid.uuid4().hex
        self._db().execute("INSERT INTO state_feedback(id, created, data) VALUES (%s,%s,%s)",
                           (fid, self.clock(), self._json(item)))
        return fid

    def feedback(self) -> list[dict]:
        rows = self._db().execute("SELECT id, created, data FROM state_feedback ORDER BY created, seq").fetchall()
        return [{"id": r["id"], "created": r["created"], **r["data"]} for r in rows]

    # drafts
    def put_draft(self, draft_id: str, data: dict) -> None:
        now = self.clock()
        self._db().execute(
            "INSERT INTO state_drafts(id, data, updated, expires) VALUES (%s,%s,%s,%s) "
            "ON CONFLICT(id) DO UPDATE SET data=excluded.data, updated=excluded.updated, expires=excluded.expires",
            (draft_id, self._json(data), now, now + self.draft_ttl))

    def get_draft(self, draft_id: str) -> dict | None:
        row = self._db().execute("SELECT data, expires FROM state_drafts WHERE id=%s", (draft_id,)).fetchone()
        if row is None or row["expires"] < self.clock():
            return None
        return row["data"]

    # events
    def enqueue(self, event_id: str, channel: str, payload: dict) -> bool:
        """Store an event before it is acknowledged; False when the id was seen already."""
        cur = self._db().execute(
            "INSERT INTO state_events(id, channel, payload, created) VALUES (%s,%s,%s,%s) "
            "ON CONFLICT (id) DO NOTHING", (event_id, channel, self._json(payload), self.clock()))
        return cur.rowcount == 1

    def claim(self, channel: str, *, limit: int = 10, lease_seconds: float = 60) -> list[QueuedEvent]:
        """Lease up to ``limit`` unfinished events; a lease that runs out makes them claimable again."""
        now = self.clock()
        db = self._db()
        with db.transaction():
            rows = db.execute(
                "SELECT id, payload, attempts FROM state_events WHERE channel=%s AND done IS NULL "
                "AND lease_until<%s ORDER BY created, id LIMIT %s FOR UPDATE SKIP LOCKED",
                (channel, now, limit)).fetchall()
            if rows:
                db.execute("UPDATE state_events SET attempts=attempts+1, lease_until=%s WHERE id = ANY(%s)",
                           (now + lease_seconds, [r["id"] for r in rows]))
        return [QueuedEvent(r["id"], channel, r["payload"], r["attempts"] + 1) for r in rows]

    def done(self, event_id: str) -> None:
        self._db().execute("UPDATE state_events SET done=%s WHERE id=%s", (self.clock(), event_id))

    def pending(self, channel: str) -> int:
        return self._db().execute("SELECT COUNT(*) AS n FROM state_events WHERE channel=%s AND done IS NULL",
                                  (channel,)).fetchone()["n"]

    def purge_expired(self) -> int:
        """Drop expired conversations and drafts, and finished events past their dedupe window."""
        now = self.clock()
        db = self._db()
        with db.transaction():
            n = db.execute("DELETE FROM state_conversations WHERE expires<%s", (now,)).rowcount
            n += db.execute("DELETE FROM state_drafts WHERE expires<%s", (now,)).rowcount
            n += db.execute("DELETE FROM state_events WHERE done IS NOT NULL AND done<%s",
                            (now - self.event_ttl,)).rowcount
        return n

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()


def main(argv: list[str] | None = None) -> int:
    """``python -m assistant.stores.postgres publish``: publish the live index to PostgreSQL."""
    import argparse

    from assistant import settings
    from assistant.ingest.pipeline import store_path

    p = argparse.ArgumentParser(prog="python -m assistant.stores.postgres")
    p.add_argument("command", choices=["publish", "status"])
    p.add_argument("--url", default=None, help="PostgreSQL URL (default: PLANQA_DATABASE_URL)")
    args = p.parse_args(argv)
    url = args.url or settings.get().database_url
    if not url:
        p.error("set PLANQA_DATABASE_URL or pass --url")
    if args.command == "publish":
        print(publish(store_path(), url))
    else:
        with _connect(url) as con:
            print(current_schema(con) or "(nothing published)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
