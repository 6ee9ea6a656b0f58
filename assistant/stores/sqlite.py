"""The structured store: plans in SQLite, answering numeric questions exactly.

Tables: offices, documents (with the original text every span points into),
strategies, goals (vision, missions, plan goals, strategic goals), guidelines,
indicators, targets (value as printed, numeric value, unit), spans, manifest.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from assistant.domain.models import (
    Guideline,
    Indicator,
    Office,
    Plan,
    Span,
    Strategy,
    Target,
    TextItem,
)

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
"""


@dataclass
class DocRecord:
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


class Store:
    """Read access to a built store. Loads every plan into memory once (the corpus is
    small); SQL is used for filtered listings."""

    def __init__(self, path: Path):
        self.path = path
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.con.row_factory = sqlite3.Row
        self.texts: dict[str, str] = {}
        self.docs: dict[str, DocRecord] = {}
        for r in self.con.execute("SELECT * FROM documents ORDER BY id"):
            self.texts[r["id"]] = r["text"]
            years = (r["year_from"], r["year_to"]) if r["year_from"] else None
            self.docs[r["id"]] = DocRecord(r["id"], r["file"], r["office_id"], r["title"], years,
                                           r["fiscal_year"], r["level"], r["layout"], r["sha256"],
                                           json.loads(r["meta"] or "{}"))
        self.offices: dict[str, Office] = {}
        self.office_levels: dict[str, str | None] = {}
        for r in self.con.execute("SELECT * FROM offices ORDER BY id"):
            self.offices[r["id"]] = Office(r["id"], r["name"], r["kind"], r["province"], r["area"],
                                           tuple(json.loads(r["aliases"] or "[]")), True)
            self.office_levels[r["id"]] = r["level"]
        self.plans: dict[str, Plan] = {d: self._load_plan(d) for d in self.docs}

    def close(self) -> None:
        self.con.close()

    def manifest(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.con.execute("SELECT key, value FROM manifest")}

    # ------------------------------------------------------------ loading
    def _load_plan(self, doc_id: str) -> Plan:
        q = self.con.execute
        doc = self.docs[doc_id]
        plan = Plan(doc_id, doc.title, doc.office_id, doc.years, layout=doc.layout)

        def span(r) -> Span:
            return Span(doc_id, r["start"], r["end"])

        strategies = {}
        for r in q("SELECT * FROM strategies WHERE doc_id=? ORDER BY ord", (doc_id,)):
            s = Strategy(r["id"], r["number"], r["title"], span(r), r["kind"], r["description"])
            strategies[s.id] = s
            plan.strategies.append(s)
        for r in q("SELECT * FROM goals WHERE doc_id=? ORDER BY kind, ord", (doc_id,)):
            item = TextItem(r["id"], r["number"], r["text"], span(r))
            if r["kind"] == "vision":
                plan.vision = item
            elif r["kind"] == "mission":
                plan.missions.append(item)
            elif r["kind"] == "goal":
                plan.goals.append(item)
            elif r["strategy_id"] in strategies:
                strategies[r["strategy_id"]].goals.append(item)
        for r in q("SELECT * FROM guidelines WHERE doc_id=? ORDER BY ord", (doc_id,)):
            strategies[r["strategy_id"]].guidelines.append(
                Guideline(r["id"], r["strategy"], r["number"], r["text"], span(r), r["responsible"], r["heading"]))
        inds = {}
        for r in q("SELECT * FROM indicators WHERE doc_id=? ORDER BY strategy_id, ord", (doc_id,)):
            ind = Indicator(r["id"], r["strategy"], r["number"], r["number_raw"], r["text"], r["unit"],
                            span(r), [], r["responsible"], r["source"], r["guideline"],
                            json.loads(r["sub_items"]), json.loads(r["attributes"]),
                            json.loads(r["groups"]), json.loads(r["levels"]))
            inds[ind.id] = ind
            strategies[r["strategy_id"]].indicators.append(ind)
        for s in plan.strategies:
            s.indicators.sort(key=lambda i: _num_key(i.number))
        for r in q("SELECT t.* FROM targets t JOIN indicators i ON t.indicator_id=i.id "
                   "WHERE i.doc_id=? ORDER BY t.indicator_id, t.ord", (doc_id,)):
            inds[r["indicator_id"]].targets.append(
                Target(r["id"], r["indicator_id"], r["year"], r["kind"], r["value"], r["numeric"],
                       r["unit"], span(r), r["sub_item"]))
        return plan

    # ------------------------------------------------------------ queries
    def quote(self, span: Span) -> str:
        return self.texts[span.doc_id][span.start : span.end]

    def plans_of(self, office_id: str | None) -> list[Plan]:
        return [p for p in self.plans.values() if office_id is None or p.office_id == office_id]

    def counts(self) -> dict[str, int]:
        out = {}
        for t in ("documents", "offices", "strategies", "guidelines", "indicators", "targets"):
            out[t] = self.con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        return out


def _num_key(n: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in n.split("."))
