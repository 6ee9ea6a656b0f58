"""The contract every reader, decoder and builder option keeps: spans quote the text,
ids are unique, target years lie within the plan's years, and detection picks the
decoder that fits the document."""

import json
from pathlib import Path

import pytest

from assistant.domain import thai
from assistant.ingest.builder import BuildOptions, build
from assistant.ingest.plans import parse_file
from assistant.ingest.readers import read_document
from tests.conftest import DOC_000, DOC_002
from tests.variants import render

GOLDEN = Path(__file__).resolve().parent / "golden"
PLANS = Path(__file__).resolve().parent.parent / "eval" / "plans"

# form → the decoder detection must pick for it
FORMS = {"tab": "builder:tab-rows", "cells": "builder:cell-lines", "md": "builder:native-md",
         "html": "builder:native-html", "docx": "builder:native-docx"}


def _records(plan):
    yield from ([plan.vision] if plan.vision else [])
    yield from plan.missions
    yield from plan.goals
    for s in plan.strategies:
        yield s
        yield from s.goals
        yield from s.guidelines
        for i in s.indicators:
            yield i
            yield from i.targets


def check_contract(res):
    plan, text = res.plan, res.document.text
    ids = [r.id for r in _records(plan)]
    assert len(ids) == len(set(ids)), "ids are unique"
    for r in _records(plan):
        q = text[r.span.start:r.span.end]
        assert 0 <= r.span.start <= r.span.end <= len(text)
        assert q == q.strip(), f"span of {r.id} is trimmed"
    for i in plan.indicators():
        assert thai.one_line(i.text) in thai.one_line(text[i.span.start:i.span.end]) or "\n" in text[i.span.start:]
        for t in i.targets:
            assert thai.printed_value(text[t.span.start:t.span.end]).endswith(t.value) or t.value in text[t.span.start:t.span.end]
            if t.year is not None and plan.years:
                assert plan.years[0] <= t.year <= plan.years[1], f"{t.id} within the plan's years"
    for b in res.document.blocks:
        assert 0 <= b.start <= b.end <= len(text)
        for row in b.rows:
            for c in row:
                assert 0 <= c.start <= c.end <= len(text)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("doc_id", [DOC_000, DOC_002])
def test_every_decoder_keeps_the_contract_and_is_detected(doc_id, form, tmp_path):
    d = json.loads((GOLDEN / f"{doc_id}.json").read_text(encoding="utf-8"))
    res = parse_file(render(d, form, tmp_path))
    assert res.decoder == FORMS[form]
    check_contract(res)


@pytest.mark.parametrize("path", sorted(p for p in PLANS.glob("*") if p.suffix in (".md", ".html", ".docx", ".pdf", ".txt")
                                        and p.name != "README.md"), ids=lambda p: p.name)
def test_new_plans_keep_the_contract(path):
    check_contract(parse_file(path))


def test_cell_text_quotes_are_exact_in_native_tables(tmp_path):
    d = json.loads((GOLDEN / f"{DOC_002}.json").read_text(encoding="utf-8"))
    for form in ("md", "html", "docx"):
        doc = read_document(render(d, form, tmp_path), 10**8)
        tables = [b for b in doc.blocks if b.kind == "table"]
        assert tables and all(len({len(r) for r in t.rows}) == 1 for t in tables), "rows are square grids"


def test_options_are_named_and_checked():
    assert BuildOptions.from_meta({"strategy_words": ["นโยบาย"]}).strategy_words == ("นโยบาย",)
    with pytest.raises(ValueError, match="unknown parse options"):
        BuildOptions.from_meta({"no_such_option": True})


def test_strategy_words_option_limits_what_opens_a_strategy(tmp_path):
    p = tmp_path / "p.md"
    p.write_text("## ยุทธศาสตร์ที่ 1 พัฒนาผู้เรียน\n\n### ตัวชี้วัด\n\n1. ร้อยละของนักเรียนที่อ่านคล่อง ปี 2567 = 80 ปี 2568 = 85\n\n"
                 "## นโยบายที่ 9 ของรัฐบาล\n\nข้อความ\n", encoding="utf-8")
    doc = read_document(p, 10**6)
    assert [s.number for s in build(doc).plan.strategies] == ["1", "9"]
    only = build(doc, BuildOptions(strategy_words=("ยุทธศาสตร์",))).plan
    assert [s.number for s in only.strategies] == ["1"]
    assert [(t.year, t.value) for t in only.indicators()[0].targets] == [(2567, "80"), (2568, "85")]
