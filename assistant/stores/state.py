"""The embedded state store: conversations, feedback, drafts and the event queue in SQLite.

It lives beside the index builds (``index/state.sqlite`` by default), never inside one, so
a rebuild or swap of the plan index never loses a conversation, a draft or an acknowledged
event. Safe for several threads and processes (WAL, one short transaction per call).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path

from assistant.stores.protocols import QueuedEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, owner TEXT, data TEXT NOT NULL, updated REAL NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations(owner, updated);
CREATE TABLE IF NOT EXISTS feedback (id TEXT PRIMARY KEY, created REAL NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drafts (
  id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL NOT NULL, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, channel TEXT NOT NULL, payload TEXT NOT NULL, created REAL NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, lease_until REAL NOT NULL DEFAULT 0, done REAL);
CREATE INDEX IF NOT EXISTS events_todo ON events(channel, done, lease_until);
"""

DAY = 86400.0


class SqliteState:
    """:class:`assistant.stores.protocols.StateStore` on one SQLite file."""

    def __init__(self, path: Path, *, conversation_ttl: float = 30 * DAY, draft_ttl: float = 180 * DAY,
                 event_ttl: float = 7 * DAY, clock=time.time):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conversation_ttl = conversation_ttl
        self.draft_ttl = draft_ttl
        self.event_ttl = event_ttl
        self.clock = clock
        self._local = threading.local()
        self._db().executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db):
            self.db = db

        def __enter__(self):
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, *_):
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self):
        return self._Tx(self._db())

    # conversations
    def load_conversation(self, conversation_id: str) -> dict | None:
        row = self._db().execute("SELECT data, expires FROM conversations WHERE id=?",
                                 (conversation_id,)).fetchone()
        if row is None or row[1] < self.clock():
            return None
        return json.loads(row[0])

    def save_conversation(self, conversation_id: str, data: dict, *, owner: str | None = None) -> None:
        now = self.clock()
        with self._tx() as db:
            db.execute(
                "INSERT INTO conversations(id, owner, data, updated, expires) VALUES (?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET data=excluded.data, updated=excluded.updated, "
                "expires=excluded.expires, owner=COALESCE(excluded.owner, conversations.owner)",
                (conversation_id, owner, json.dumps(data, ensure_ascii=False), now, now + self.conversation_ttl))

    def conversations_of(self, owner: str, *, limit: int = 50) -> list[dict]:
        rows = self._db().execute(
            "SELECT id, data, updated FROM conversations WHERE owner=? AND expires>=? "
            "ORDER BY updated DESC LIMIT ?", (owner, self.clock(), limit)).fetchall()
        return [{"id": r[0], "updated": r[2], "data": json.loads(r[1])} for r in rows]

    # feedback
    def add_feedback(self, item: dict) -> str:
        fid = uuid.uuid4().hex
        with self._tx() as db:
            db.execute("INSERT INTO feedback(id, created, data) VALUES (?,?,?)",
                       (fid, self.clock(), json.dumps(item, ensure_ascii=False)))
        return fid

    def feedback(self) -> list[dict]:
        rows = self._db().execute("SELECT id, created, data FROM feedback ORDER BY created, id").fetchall()
        return [{"id": r[0], "created": r[1], **json.loads(r[2])} for r in rows]

    # drafts
    def put_draft(self, draft_id: str, data: dict) -> None:
        now = self.clock()
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO drafts(id, data, updated, expires) VALUES (?,?,?,?)",
                       (draft_id, json.dumps(data, ensure_ascii=False), now, now + self.draft_ttl))

    def get_draft(self, draft_id: str) -> dict | None:
        row = self._db().execute("SELECT data, expires FROM drafts WHERE id=?", (draft_id,)).fetchone()
        if row is None or row[1] < self.clock():
            return None
        return json.loads(row[0])

    # events
    def enqueue(self, event_id: str, channel: str, payload: dict) -> bool:
        """Store an event before it is acknowledged; False when the id was seen already."""
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO events(id, channel, payload, created) VALUES (?,?,?,?)",
                             (event_id, channel, json.dumps(payload, ensure_ascii=False), self.clock()))
            return cur.rowcount == 1

    def claim(self, channel: str, *, limit: int = 10, lease_seconds: float = 60) -> list[QueuedEvent]:
        """Lease up to ``limit`` unfinished events; a lease that runs out makes them claimable again."""
        now = self.clock()
        with self._tx() as db:
            rows = db.execute(
                "SELECT id, payload, attempts FROM events WHERE channel=? AND done IS NULL AND lease_until<? "
                "ORDER BY created, id LIMIT ?", (channel, now, limit)).fetchall()
            for r in rows:
                db.execute("UPDATE events SET attempts=attempts+1, lease_until=? WHERE id=?",
                           (now + lease_seconds, r[0]))
        return [QueuedEvent(r[0], channel, json.loads(r[1]), r[2] + 1) for r in rows]

    def done(self, event_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE events SET done=? WHERE id=?", (self.clock(), event_id))

    def pending(self, channel: str) -> int:
        return self._db().execute("SELECT COUNT(*) FROM events WHERE channel=? AND done IS NULL",
                                  (channel,)).fetchone()[0]

    def purge_expired(self) -> int:
        """Drop expired conversations and drafts, and finished events past their dedupe window."""
        now = self.clock()
        with self._tx() as db:
            n = db.execute("DELETE FROM conversations WHERE expires<?", (now,)).rowcount
            n += db.execute("DELETE FROM drafts WHERE expires<?", (now,)).rowcount
            n += db.execute("DELETE FROM events WHERE done IS NOT NULL AND done<?",
                            (now - self.event_ttl,)).rowcount
        return n

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
