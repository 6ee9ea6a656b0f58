"""A PDF's records keep their page through the index: the plan export and the citation
a user sees show it ("หน้า N")."""

import json
import shutil
from pathlib import Path

from assistant.channels.cli import main
from assistant.ingest.pipeline import ingest, store_path
from assistant.qa.records import Records
from assistant.stores.sqlite import Store

FIX = Path(__file__).resolve().parent / "fixtures"


def test_pdf_records_carry_their_page_through_the_index(isolated, tmp_path, capsys):
    corpus, index = isolated
    shutil.copy(FIX / "mini-plan.pdf", tmp_path / "mini-plan.pdf")
    report = ingest([tmp_path / "mini-plan.pdf"])
    assert "mini-plan.pdf" in report.ingested, report.failed
    store = Store(store_path(index))
    plan = store.plans["mini-plan"]
    ind = plan.strategy("1").indicators[0]
    guide = plan.strategy("2").guidelines[0]
    assert (plan.page_of(ind.span.start), plan.page_of(guide.span.start)) == (1, 2)
    recs = Records(store)
    c1, c2 = recs.citation(recs.get(ind.id)), recs.citation(recs.get(guide.id))
    assert (c1.page, c2.page) == (1, 2)
    assert c1.section.endswith(" หน้า 1") and c2.section.endswith(" หน้า 2")
    # a plan without pages (plain text) shows none
    other = next(p for d, p in store.plans.items() if d != "mini-plan")
    c3 = recs.citation(recs.get(other.strategies[0].id))
    assert c3.page is None and "หน้า" not in c3.section
    capsys.readouterr()
    assert main(["plan", "mini-plan", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["strategies"][0]["indicators"][0]["page"] == 1
    assert data["strategies"][1]["guidelines"][0]["page"] == 2
