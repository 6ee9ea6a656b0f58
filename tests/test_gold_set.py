"""The gold question set (eval/gold.yaml) is well-formed and grounded in the corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INTENTS = ("numeric", "list", "strategy", "guideline", "overview", "compare", "align", "open",
           "not_found", "clarify")


def _load_verifier():
    spec = importlib.util.spec_from_file_location("verify_gold", ROOT / "eval" / "verify_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def result():
    vg = _load_verifier()
    return vg.check(ROOT / "eval" / "gold.yaml", ROOT / "corpus")


def test_gold_set_has_no_problems(result):
    problems, _warnings, _stats = result
    assert not problems, "gold.yaml problems:\n" + "\n".join(problems)


def test_gold_set_size(result):
    _problems, _warnings, stats = result
    assert stats["total"] >= 120


def test_every_intent_covered(result):
    _problems, _warnings, stats = result
    thin = {i: stats["intent"].get(i, 0) for i in INTENTS if stats["intent"].get(i, 0) < 3}
    assert not thin, f"intents with fewer than 3 questions: {thin}"


def test_numeric_lookups_dominate(result):
    _problems, _warnings, stats = result
    assert stats["intent"]["numeric"] >= 40


def test_verifier_catches_a_wrong_figure(tmp_path):
    """A value moved to the wrong year column, or a quote that is not in the text, is a problem."""
    import yaml

    vg = _load_verifier()
    entries = yaml.safe_load((ROOT / "eval" / "gold.yaml").read_text(encoding="utf-8"))
    numeric = next(e for e in entries if e["intent"] == "numeric" and e["values"])
    numeric["values"][0]["value"] = "12345"
    quoted = next(e for e in entries if e["gold_quotes"] and e is not numeric)
    quoted["gold_quotes"][0]["quote"] += " ไม่มีในเอกสาร"
    bad = tmp_path / "gold.yaml"
    bad.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems, _w, _s = vg.check(bad, ROOT / "corpus")
    assert any(numeric["id"] in p and "12345" in p for p in problems)
    assert any(quoted["id"] in p and "exact substring" in p for p in problems)
