"""The structured store: plans in SQLite, answering numeric questions exactly.

Tables: offices, documents (with the original text every span points into),
strategies, goals (vision, missions, plan goals, strategic goals), guidelines,
indicators, targets (value as printed, numeric value, unit), spans, manifest.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from assistant.domain.models import Office, Plan, Span
from assistant.stores.planread import SqlPlanStore
from assistant.stores.protocols import DocRecord

__all__ = ["SCHEMA", "DocRecord", "Store", "write_store"]

SCHEMA = """
CREATE TABLE offices (id TEXT PRIMARY KEY, name TEXT, kind TEXT, province TEXT, area INTEGER,
  aliases TEXT, level TEXT);
CREATE TABLE documents (id TEXT PRIMARY KEY, file TEXT, office_id TEXT, title TEXT,
  year_from INTEGER, year_to INTEGER, fiscal_year INTEGER, level TEXT, layout TEXT,
  sha256 TEXT, meta TEXT, text TEXT);
CREATE TABLE strategies (id TEXT PRIMARY KEY, doc_id TEXT, number TEXT, kind TEXT, title TEXT,
  description TEXT, start INTEGER, end INTEGER, ord INTEGER);
CREATE TABLE goals (id TEXT PRIMARY KEY, doc_id TEXT, strategy_id TEXT, kind TEXT, number TEXT,
  text TEXT, start INTEGER, end INTEGER, ord INTEGER);
CREATE TABLE guidelines (id TEXT PRIMARY KEY, doc_id TEXT, strategy_id TEXT, strategy TEXT,
  number TEXT, text TEXT, responsible TEXT, heading TEXT, start INTEGER, end INTEGER, ord INTEGER);
CREATE TABLE indicators (id TEXT PRIMARY KEY, doc_id TEXT, strategy_id TEXT, strategy TEXT,
  number TEXT, number_raw TEXT, text TEXT, unit TEXT, responsible TEXT, source TEXT,
  guideline TEXT, sub_items TEXT, attributes TEXT, groups TEXT, levels TEXT,
  start INTEGER, end INTEGER, ord INTEGER);
CREATE TABLE targets (id TEXT PRIMARY KEY, indicator_id TEXT, year INTEGER, kind TEXT,
  value TEXT, numeric REAL, unit TEXT, sub_item TEXT, start INTEGER, end INTEGER, ord INTEGER);
CREATE TABLE spans (record_id TEXT PRIMARY KEY, doc_id TEXT, start INTEGER, end INTEGER);
CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX ind_doc ON indicators(doc_id, strategy);
CREATE INDEX tgt_ind ON targets(indicator_id, year);
CREATE INDEX doc_office ON documents(office_id);
CREATE INDEX str_doc ON strategies(doc_id);
CREATE INDEX goal_doc ON goals(doc_id);
CREATE INDEX gl_doc ON guidelines(doc_id);
"""


def write_store(
    path: Path,
    plans: list[Plan],
    docs: list[DocRecord],
    texts: dict[str, str],
    offices: list[tuple[Office, str | None]],
    manifest: dict[str, str],
) -> None:
    """Write a complete store to ``path`` (which must not exist yet)."""
    con = sqlite3.connect(path)
    try:
        con.executescript(SCHEMA)
        con.executemany(
            "INSERT INTO offices VALUES (?,?,?,?,?,?,?)",
            [(o.id, o.name, o.kind, o.province, o.area, json.dumps(list(o.aliases), ensure_ascii=False), lvl)
             for o, lvl in offices],
        )
        for d in docs:
            con.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (d.id, d.file, d.office_id, d.title, d.years[0] if d.years else None,
                 d.years[1] if d.years else None, d.fiscal_year, d.level, d.layout, d.sha256,
                 json.dumps(d.meta, ensure_ascii=False), texts[d.id]),
            )
        for plan in plans:
            _write_plan(con, plan)
        con.executemany("INSERT INTO manifest VALUES (?,?)", sorted(manifest.items()))
        con.commit()
    finally:
        con.close()


def _span_row(record_id: str, span: Span):
    return (record_id, span.doc_id, span.start, span.end)


def _write_plan(con: sqlite3.Connection, plan: Plan) -> None:
    d = plan.doc_id
    spans = []
    items = []
    if plan.vision:
        items.append((plan.vision, None, "vision", 0))
    items += [(m, None, "mission", i) for i, m in enumerate(plan.missions)]
    items += [(g, None, "goal", i) for i, g in enumerate(plan.goals)]
    for s in plan.strategies:
        items += [(g, s.id, "strategic_goal", i) for i, g in enumerate(s.goals)]
    for item, sid, kind, i in items:
        con.execute("INSERT OR REPLACE INTO goals VALUES (?,?,?,?,?,?,?,?,?)",
                    (item.id, d, sid, kind, item.number, item.text, item.span.start, item.span.end, i))
        spans.append(_span_row(item.id, item.span))
    for si, s in enumerate(plan.strategies):
        con.execute("INSERT INTO strategies VALUES (?,?,?,?,?,?,?,?,?)",
                    (s.id, d, s.number, s.kind, s.title, s.description, s.span.start, s.span.end, si))
        spans.append(_span_row(s.id, s.span))
        for gi, g in enumerate(s.guidelines):
            con.execute("INSERT OR REPLACE INTO guidelines VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                        (g.id, d, s.id, s.number, g.number, g.text, g.responsible, g.heading,
                         g.span.start, g.span.end, gi))
            spans.append(_span_row(g.id, g.span))
        for ii, ind in enumerate(s.indicators):
            con.execute(
                "INSERT OR REPLACE INTO indicators VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ind.id, d, s.id, s.number, ind.number, ind.number_raw, ind.text, ind.unit,
                 ind.responsible, ind.source, ind.guideline,
                 json.dumps(ind.sub_items, ensure_ascii=False),
                 json.dumps(ind.attributes, ensure_ascii=False),
                 json.dumps(ind.groups, ensure_ascii=False),
                 json.dumps(ind.levels, ensure_ascii=False),
                 ind.span.start, ind.span.end, ii),
            )
            spans.append(_span_row(ind.id, ind.span))
            for ti, t in enumerate(ind.targets):
                con.execute("INSERT OR REPLACE INTO targets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            (t.id, ind.id, t.year, t.kind, t.value, t.numeric, t.unit, t.sub_item,
                             t.span.start, t.span.end, ti))
                spans.append(_span_row(t.id, t.span))
    con.executemany("INSERT OR REPLACE INTO spans VALUES (?,?,?,?)", spans)


class Store(SqlPlanStore):
    """Read access to a built SQLite store: offices and document metadata at open, plans
    and texts on first use (:class:`assistant.stores.planread.SqlPlanStore`)."""

    def __init__(self, path: Path):
        self.path = path
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.con.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._open()

    def _rows(self, sql: str, params: tuple = ()) -> list:
        with self._lock:  # one connection shared by the server's threads
            return self.con.execute(sql, params).fetchall()

    def close(self) -> None:
        self.con.close()
