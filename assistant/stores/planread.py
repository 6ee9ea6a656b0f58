"""Read side shared by every SQL plan store (SQLite, PostgreSQL): plans load lazily.

Only the offices and the document metadata (no text) are read when a store opens, so
opening costs the same at 5 or 1,000 plans. A plan, its text and its records are read
from the database the first time a query needs them (``plans_of(office)`` asks SQL for
that office's documents only) and are kept for the life of the store, so the same object
is returned every time (callers compare plans with ``is``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping

from assistant.domain import lexicon
from assistant.domain.models import (
    Guideline,
    Indicator,
    Office,
    Plan,
    Span,
    Strategy,
    Target,
    TextItem,
    split_qualifier,
)
from assistant.stores.protocols import DocRecord

COUNTED = ("documents", "offices", "strategies", "guidelines", "indicators", "targets")


class _Lazy(Mapping):
    """A read-only mapping over known keys whose values are loaded once, on first use."""

    def __init__(self, keys: list[str], load):
        self._keys = keys
        self._known = set(keys)
        self._load = load
        self._got: dict[str, object] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key):
        got = self._got.get(key)
        if got is not None:
            return got
        if key not in self._known:
            raise KeyError(key)
        with self._lock:
            got = self._got.get(key)
            if got is None:
                got = self._load(key)
                self._got[key] = got
        return got

    def __contains__(self, key) -> bool:
        return key in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def loaded(self) -> int:
        return len(self._got)


class SqlPlanStore:
    """:class:`assistant.stores.protocols.PlanStore` over SQL; subclasses give ``_rows``.

    SQL is written with ``?`` placeholders; a subclass converts them for its driver.
    """

    def _rows(self, sql: str, params: tuple = ()) -> list:
        raise NotImplementedError

    def _open(self) -> None:
        self.docs: dict[str, DocRecord] = {}
        for r in self._rows("SELECT id, file, office_id, title, year_from, year_to, fiscal_year, level, "
                            "layout, sha256, meta FROM documents ORDER BY id"):
            years = (r["year_from"], r["year_to"]) if r["year_from"] else None
            self.docs[r["id"]] = DocRecord(r["id"], r["file"], r["office_id"], r["title"], years,
                                           r["fiscal_year"], r["level"], r["layout"], r["sha256"],
                                           json.loads(r["meta"] or "{}"))
        self.offices: dict[str, Office] = {}
        self.office_levels: dict[str, str | None] = {}
        for r in self._rows("SELECT * FROM offices ORDER BY id"):
            self.offices[r["id"]] = Office(r["id"], r["name"], r["kind"], r["province"], r["area"],
                                           tuple(json.loads(r["aliases"] or "[]")), True)
            self.office_levels[r["id"]] = r["level"]
        ids = list(self.docs)
        self.texts: Mapping[str, str] = _Lazy(ids, self._load_text)
        self.plans: Mapping[str, Plan] = _Lazy(ids, self._load_plan)

    # ------------------------------------------------------------ loading
    def _load_text(self, doc_id: str) -> str:
        return self._rows("SELECT text FROM documents WHERE id=?", (doc_id,))[0]["text"]

    def _load_plan(self, doc_id: str) -> Plan:
        q = self._rows
        doc = self.docs[doc_id]
        plan = Plan(doc_id, doc.title, doc.office_id, doc.years, layout=doc.layout)
        plan.pages = list((doc.meta or {}).get("pages") or [])  # page starts (PDF): citations show the page

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
        quals = lexicon.load().words("plan", "qualifiers")
        for r in q("SELECT t.* FROM targets t JOIN indicators i ON t.indicator_id=i.id "
                   "WHERE i.doc_id=? ORDER BY t.indicator_id, t.ord", (doc_id,)):
            sp = span(r)  # the qualifier (ไม่น้อยกว่า) is read again from the quoted source text
            inds[r["indicator_id"]].targets.append(
                Target(r["id"], r["indicator_id"], r["year"], r["kind"], r["value"], r["numeric"],
                       r["unit"], sp, r["sub_item"], split_qualifier(self.quote(sp), quals)[0]))
        return plan

    # ------------------------------------------------------------ queries
    def manifest(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._rows("SELECT key, value FROM manifest")}

    def quote(self, span: Span) -> str:
        return self.texts[span.doc_id][span.start : span.end]

    def doc_ids_of(self, office_id: str | None) -> list[str]:
        """Document ids of one office (SQL), or of every document when ``office_id`` is None."""
        if office_id is None:
            return list(self.docs)
        return [r["id"] for r in self._rows("SELECT id FROM documents WHERE office_id=? ORDER BY id",
                                            (office_id,))]

    def plans_of(self, office_id: str | None) -> list[Plan]:
        return [self.plans[d] for d in self.doc_ids_of(office_id)]

    def plans_in(self, office_ids) -> list[Plan]:
        """Plans whose office is in ``office_ids`` (``None`` in it: documents without an
        office), in document order; filters on the metadata, loads only those plans."""
        wanted = set(office_ids)
        return [self.plans[d] for d, doc in self.docs.items() if (doc.office_id or None) in wanted]

    def office_ids_with_plans(self) -> set[str]:
        return {r["office_id"] for r in self._rows(
            "SELECT DISTINCT office_id FROM documents WHERE office_id IS NOT NULL")}

    def counts(self) -> dict[str, int]:
        return {t: self._rows(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"] for t in COUNTED}


def _num_key(n: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in n.split("."))
