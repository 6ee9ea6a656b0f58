"""The eval's judge: strict figures, held-out ``year: null`` (the same target every year)."""

from __future__ import annotations

from assistant.domain.models import Answer, Value
from assistant.qa.evaluate import judge, wrong_figure

EVERY_YEAR = {"status": "answered", "offices": ["spm-lampang-lamphun"],
              "values": [{"value": "100", "unit": "ร้อยละ", "year": None, "kind": "target"}]}


def _ans(*pairs, status="answered"):
    vals = [Value("spm-lampang-lamphun", "1", "2", y, v, "ร้อยละ", "target") for y, v in pairs]
    return Answer("q", "ปี 2566: ร้อยละ 100", status, values=vals)


def test_a_null_gold_year_matches_the_target_stated_for_every_year():
    ans = _ans(*((y, "100") for y in range(2566, 2571)))
    assert judge(EVERY_YEAR, ans, {}) == (True, [])
    assert wrong_figure(EVERY_YEAR, ans) is False


def test_another_figure_is_still_confidently_wrong():
    ans = _ans((2566, "100"), (2567, "90"))
    ok, why = judge(EVERY_YEAR, ans, {})
    assert not ok and why[0].startswith("values ")
    assert wrong_figure(EVERY_YEAR, ans) is True


def test_a_year_bound_gold_value_needs_its_own_year():
    gold = {"status": "answered", "values": [{"value": "90", "unit": "ร้อยละ", "year": 2568, "kind": "target"}]}
    assert judge(gold, _ans((2568, "90")), {})[0] is True
    assert judge(gold, _ans((2569, "90")), {})[0] is False
    assert wrong_figure(gold, _ans((2569, "90"))) is True


def test_figures_in_a_not_found_answer_are_confidently_wrong():
    gold = {"status": "not_found", "values": []}
    ans = _ans((2568, "90"), status="answered")
    assert wrong_figure(gold, ans) is True
    assert judge(gold, Answer("q", "ไม่พบในเอกสาร", "not_found"), {}) == (True, [])


def test_another_year_of_the_row_asked_is_extra_not_confidently_wrong():
    # the gold lists the 2562 target; the answer also states the same row's printed 2561
    # figure: not the right answer (extra values), but no wrong row's figure either
    gold = {"status": "answered", "values": [{"value": "ทุกแห่ง", "unit": None, "year": 2562, "kind": "target"}]}
    ans = _ans((2561, "ทุกแห่ง"), (2562, "ทุกแห่ง"))
    assert judge(gold, ans, {})[0] is False
    assert wrong_figure(gold, ans) is False
    # another row's figure beside the right one is still confidently wrong
    other = Value("spm-lampang-lamphun", "1", "3", 2561, "50", "ร้อยละ", "target")
    ans.values.append(other)
    assert wrong_figure(gold, ans) is True
