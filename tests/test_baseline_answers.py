"""Baseline (ค่าฐาน) questions are answered from ``Indicator.baseline``, cited from the row."""

from __future__ import annotations

import datetime

import pytest

from assistant.ingest.pipeline import ingest
from assistant.service import Assistant
from tests.test_builder import HTML


@pytest.fixture(scope="module")
def nm_bot(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "nm.html").write_text(HTML, encoding="utf-8")
    index = tmp_path_factory.mktemp("index")
    report = ingest(corpus_dir=corpus, index_dir=index)
    assert report.ok, [f.message() for f in report.failed]
    return Assistant(index, hybrid=False, today=lambda: datetime.date(2024, 12, 1))


def test_baseline_is_the_rows_own_column_with_a_quote(nm_bot):
    ans = nm_bot.ask("ค่าฐานของตัวชี้วัดที่ 1 ประเด็นกลยุทธ์ที่ 1 ของ สพม.นครราชสีมา เท่าไร")
    assert ans.status == "answered"
    assert [(v.strategy, v.indicator, v.value, v.kind) for v in ans.values] == [("1", "1", "70", "baseline")]
    assert ans.answer.endswith("- ค่าฐาน: 70")  # the plan prints no unit: none is added
    assert "๗๐" in ans.citations[0].quote and "แผนเผชิญเหตุ" in ans.citations[0].quote


def test_a_row_without_a_baseline_says_the_plan_has_none(nm_bot):
    ans = nm_bot.ask("ตัวชี้วัดที่ 2 ประเด็นกลยุทธ์ที่ 1 ของ สพม.นครราชสีมา ค่าฐานเท่าไร")
    assert ans.status == "not_found" and ans.values == []
    assert ans.answer.startswith("ไม่มีค่าฐานในแผน")


def test_baseline_of_a_decimal_value(nm_bot):
    ans = nm_bot.ask("สพม.นครราชสีมา ประเด็นกลยุทธ์ที่ 2 ตัวชี้วัดที่ 1 ผลปีฐานเท่าไร")
    assert [(v.value, v.kind) for v in ans.values] == [("55.5", "baseline")]
