"""The aligner's calibration: scoring idea rows under fitted weights, and the
leave-one-file-out check (``python -m assistant.proposals.align_calibrate --check``).
Fast: synthetic feature rows, no index."""

from __future__ import annotations

from assistant.proposals.align_calibrate import check, fit, score


def _row(want, best, cosine, words, others=("2", "3")):
    """One idea: the strategy ``best`` holds its evidence, the others little."""
    rows = [(best, {"meaning": 2.0, "chunk": 1.0, "words": words, "cosine": cosine, "specific": 0.5})]
    rows += [(n, {"meaning": -0.5, "chunk": 0.0, "words": 0.1, "cosine": cosine - 0.02, "specific": 0.0})
             for n in others]
    return {"want": want, "clear": want, "rows": rows}


def _file(k):
    fits = [_row(["1"], "1", 0.85 + 0.002 * i, 1.0 + 0.1 * (i % 3)) for i in range(12)]
    wrong = [_row(["2"], "1", 0.85, 1.0)]  # the evidence points to another strategy
    nofit = [_row([], "1", 0.80 - 0.002 * i, 0.0) for i in range(k)]
    return fits + wrong + nofit


PARAMS = {"A_DENSE": 1.0, "A_CHUNK": 0.25, "FIT_BIAS": -3.0, "FIT_W_COSINE": 130.0, "FIT_W_WORDS": 1.3,
          "FIT_P": 0.15, "CLEAR_W": (0.0, -5.0, 0.0, 0.0, 10.0)}  # clear: the first, with specific words


def test_score_counts_ranking_fit_and_clear():
    rows = _file(3)
    s = score(rows, PARAMS)
    assert s == {"n": 16, "top1": round(15 / 16, 3), "top3": 1.0, "clear": "12/13", "missed_nofit": 0,
                 "false_nofit": 0}
    # a stricter fit threshold: the ideas with the weakest evidence are said not to fit
    s = score(rows, dict(PARAMS, FIT_BIAS=-6.0))
    assert s["false_nofit"] > 0 and s["missed_nofit"] == 0
    # fitted weights separate these rows as well
    assert score(rows, fit(rows))["top1"] == round(15 / 16, 3)


def test_check_scores_each_file_fitted_without_it():
    lines = check({"a.yaml": _file(2), "b.yaml": _file(3), "c.yaml": _file(4)})
    assert [ln.split(":", 1)[0] for ln in lines] == ["a.yaml", "b.yaml", "c.yaml"]
    assert all("left out {'n'" in ln and "fitted on all" in ln for ln in lines)
