"""The structured store built from the bundled corpus: counts and exact values."""

import sqlite3

from assistant.ingest.pipeline import store_path
from assistant.qa import lookup
from tests.conftest import DOC_000, DOC_001, DOC_002, DOC_003, DOC_004


def _targets(store, doc, strategy, number, kind="target"):
    plan = store.plans[doc]
    ind = next(i for i in plan.strategy(strategy).indicators if i.number == number)
    return {(t.year, t.sub_item): t.value for t in ind.targets if t.kind == kind}, ind


def test_counts_per_document(store):
    counts = {d: (len(p.strategies), len(p.indicators()), len(p.guidelines())) for d, p in store.plans.items()}
    assert counts[DOC_000] == (4, 17, 55)
    assert counts[DOC_001] == (4, 80, 62)
    assert counts[DOC_002][:2] == (6, 32)
    assert counts[DOC_003] == (4, 0, 0)
    assert counts[DOC_004] == (5, 46, 35)


def test_offices_attached_and_unknown_office_never_attributed(store):
    assert store.plans[DOC_000].office_id == "spp-chiangmai-6"
    assert store.plans[DOC_001].office_id == "spp-yasothon-2"
    assert store.plans[DOC_002].office_id == "spp-trang-2"
    assert store.plans[DOC_004].office_id == "spm-lampang-lamphun"
    assert store.plans[DOC_003].office_id is None


def test_exact_values_from_sqlite(built_index):
    con = sqlite3.connect(store_path(built_index))
    rows = con.execute(
        "SELECT t.year, t.value, t.numeric, t.unit FROM targets t JOIN indicators i ON t.indicator_id = i.id "
        "WHERE i.doc_id = ? AND i.strategy = '2' AND i.number = '2' ORDER BY t.year", (DOC_000,)).fetchall()
    assert rows == [(2566, "90", 90.0, "ร้อยละ"), (2567, "92", 92.0, "ร้อยละ"), (2568, "95", 95.0, "ร้อยละ"),
                    (2569, "98", 98.0, "ร้อยละ"), (2570, "100", 100.0, "ร้อยละ")]
    n = con.execute("SELECT COUNT(*) FROM spans").fetchone()[0]
    assert n > 500


def test_trang_onet_results_as_printed(store):
    values, ind = _targets(store, DOC_002, "2", "12", kind="result")
    assert values == {(2561, "ป.6"): "37.76", (2561, "ม.3"): "30.30", (2561, "ม.6"): "24.57"}


def test_yasothon_sentence_targets(store):
    values, ind = _targets(store, DOC_001, "4", "50")
    assert values == {(2566, None): "300"}
    assert ind.unit == "คะแนน"


def test_lampang_word_targets(store):
    plan = store.plans[DOC_004]
    ind = next(i for i in plan.strategy("5").indicators if i.number == "5")
    assert {t.value for t in ind.targets} == {"ดีมาก"}
    assert ind.unit == "ระดับ"
    assert all(t.numeric is None for t in ind.targets)


def test_every_span_quotes_the_original_text(store):
    for doc, plan in store.plans.items():
        text = store.texts[doc]
        for ind in plan.indicators():
            assert text[ind.span.start:ind.span.end].strip()
            for t in ind.targets:
                assert t.span.doc_id == doc
                assert text[t.span.start:t.span.end]


def test_lookup_filters(store):
    rows = lookup.indicators(store, office="spp-chiangmai-6", year=2568, strategy="3")
    assert [r.indicator.number for r in rows] == ["1", "2", "3", "4", "5"]
    teachers = lookup.indicators(store, office="spm-lampang-lamphun", about="ครู")
    assert [(r.strategy.number, r.indicator.number) for r in teachers] == [("1", "6"), ("3", "5"), ("3", "18"), ("3", "20"), ("5", "3")]
    assert lookup.indicators(store, office="spp-trang-2", year=2568) == []
    early = lookup.indicators(store, office="spp-chiangmai-6", level="ปฐมวัย")
    assert early and all("ปฐมวัย" in r.indicator.levels for r in early)
