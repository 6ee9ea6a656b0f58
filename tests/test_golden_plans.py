"""The five bundled plans keep exactly the records frozen in tests/golden/ (ids included)."""

import json
from pathlib import Path

import pytest

from tests.conftest import ALL_DOCS
from tests.golden.freeze import record

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("doc_id", ALL_DOCS)
def test_bundled_plan_records_are_unchanged(doc_id):
    want = json.loads((GOLDEN / f"{doc_id}.json").read_text(encoding="utf-8"))
    assert record(doc_id) == want
