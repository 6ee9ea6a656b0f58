"""Fit the topic-link constants of :mod:`assistant.qa.topics` on evaluation items.

``python -m assistant.qa.calibrate [--fit eval/gold.yaml,eval/dev_s2.yaml] [--check eval/dev_s3.yaml]``

Items used: questions (not conversation turns) understood as a figure or field asked of
one office's indicator named by its wording (no number). The gold indicator is the one
the gold values name, or the one indicator row a gold quote prints; a gold not_found or
clarify item must not be linked. The grid keeps the settings with no wrong link on the
fit sets, then the most right links, and reports the check set with the same settings.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
from pathlib import Path

import numpy as np
import yaml

from assistant import settings
from assistant.qa import topics

GRID = {
    "w_dense": (0.0, 2.0, 5.0, 10.0, 20.0, 40.0),
    "w_lexical": (0.0, 0.15, 0.3, 0.5, 0.75, 1.0),
    "w_words": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0),
    "min_score": tuple(x / 20 for x in range(-20, 61)),
    "margin": tuple(x / 40 for x in range(0, 25)),
}


def gold_indicator(g: dict, plan, records) -> str | None:
    """The indicator id the gold item is about, or None when it cannot be told."""
    vals = [v for v in g.get("values") or [] if v.get("indicator") is not None]
    if vals:
        keys = {(str(v.get("strategy")), str(v["indicator"])) for v in vals}
        hits = [i.id for s in plan.strategies for i in s.indicators if (s.number, i.number) in keys]
        return hits[0] if len(hits) == 1 else None
    text = records.store.texts[plan.doc_id]
    found = set()
    for quote in g.get("gold_quotes") or []:
        if quote.get("doc") != plan.doc_id:
            continue
        at = text.find(quote["quote"])
        if at < 0:
            continue
        end = at + len(quote["quote"])
        for s in plan.strategies:
            for i in s.indicators:
                if i.span.doc_id == plan.doc_id and at <= i.span.start < end:
                    found.add(i.id)
    return next(iter(found)) if len(found) == 1 else None


def collect(assistant, paths: list[Path]) -> list[dict]:
    """Per usable item: its label (indicator id, "none" or "ask") and raw candidates."""
    out = []
    for path in paths:
        for g in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if g.get("conversation"):
                continue
            q = assistant.understand(g["question"])
            if q.intent not in ("numeric", "field") or q.indicator or not q.terms or len(q.corpus_offices) != 1:
                continue
            plans = [p for p in assistant.store.plans_of(q.corpus_offices[0].office.id)]
            if len(plans) != 1:
                continue
            plan = plans[0]
            if g["status"] == "answered":
                label = gold_indicator(g, plan, assistant.records)
                if label is None:
                    continue
            else:
                label = g["status"]
                years = set(assistant.answerer.plan_years(plan))
                if (q.years and years and not set(q.years) & years) or q.field:
                    continue  # not found for its year or its column, whatever indicator is linked
            cands = assistant.answerer.topic_candidates(q, plan)
            if not cands:
                continue
            out.append({"id": g["id"], "set": path.name, "label": label, "question": g["question"],
                        "cands": [(c.strategy, c.indicator, c.cosine, c.bm25, c.words) for c in cands]})
    return out


def _ranked(items: list[dict], w_dense, w_lexical, w_words) -> list[tuple]:
    """Per item: best score (minus infinity when the best holds fewer than ``topics.MIN_WORDS``
    of the question's words: the key-word gate says none), runner-up score, whether the best is
    the gold, the label, the item id."""
    out = []
    for it in items:
        cands = [topics.Candidate(s, i, cos, bm, w) for s, i, cos, bm, w in it["cands"]]
        ranked = topics.score(cands, w_dense, w_lexical, w_words)
        second = ranked[1].score if len(ranked) > 1 else float("-inf")
        best = ranked[0].score if ranked[0].words >= topics.MIN_WORDS else float("-inf")
        out.append((best, second, ranked[0].indicator.id == it["label"], it["label"], it["id"]))
    return out


def _verdicts(ranked, min_score, margin) -> dict:
    res = {"right": 0, "wrong": 0, "asked": 0, "none": 0, "wrong_ids": [], "n": len(ranked)}
    for best, second, is_gold, label, iid in ranked:
        if best < min_score:
            res["none"] += 1
            res["right"] += label == "not_found"
        elif second > best - margin:
            res["asked"] += 1
            res["right"] += label == "clarify"
        elif is_gold:
            res["right"] += 1
        else:
            res["wrong"] += 1
            res["wrong_ids"].append(iid)
    return res


def evaluate(items: list[dict], w_dense, w_lexical, w_words, min_score, margin) -> dict:
    return _verdicts(_ranked(items, w_dense, w_lexical, w_words), min_score, margin)


def bounds(items: list[dict], w_dense, w_lexical, w_words) -> dict:
    """Where the thresholds may go for these weights: the lowest best score of an item
    whose gold is ranked first, the highest of a topic the plan lacks, the narrowest lead."""
    ranked = _ranked(items, w_dense, w_lexical, w_words)
    linked = [r for r in ranked if r[3] not in ("not_found", "clarify")]
    return {"low": min((r[0] for r in linked if r[2] and r[0] > float("-inf")), default=float("nan")),
            "absent": max((r[0] for r in ranked if r[3] == "not_found" and r[0] > float("-inf")),
                          default=float("nan")),
            "gap": min((r[0] - r[1] for r in linked if r[2]), default=float("nan")),
            "misranked": [r[4] for r in linked if not r[2]]}


def fit(items: list[dict]) -> list[tuple[dict, dict]]:
    """Settings with the fewest wrong links, then the most right answers, then the safest
    (widest margin, highest bar), best first."""
    ms = np.array(GRID["min_score"])[:, None, None]
    mg = np.array(GRID["margin"])[None, :, None]
    scored = []
    for wd, wl, ww in itertools.product(GRID["w_dense"], GRID["w_lexical"], GRID["w_words"]):
        if not (wd or wl or ww):
            continue
        ranked = _ranked(items, wd, wl, ww)
        if not ranked:
            continue
        best = np.array([r[0] for r in ranked])[None, None, :]
        second = np.array([r[1] for r in ranked])[None, None, :]
        gold = np.array([r[2] for r in ranked])[None, None, :]
        label = np.array([r[3] for r in ranked], dtype=object)
        found, clarify = (label == "not_found")[None, None, :], (label == "clarify")[None, None, :]
        none = best < ms
        ask = ~none & (second > best - mg)
        link = ~none & ~ask
        right = (none & found) | (ask & clarify) | (link & gold)
        wrong = link & ~gold
        n_right, n_wrong = right.sum(-1), wrong.sum(-1)
        for a in range(ms.shape[0]):
            for b in range(mg.shape[1]):
                params = {"w_dense": wd, "w_lexical": wl, "w_words": ww, "min_score": float(ms[a, 0, 0]),
                          "margin": float(mg[0, b, 0])}
                scored.append((params, {"right": int(n_right[a, b]), "wrong": int(n_wrong[a, b])}))
    scored.sort(key=lambda pr: (pr[1]["wrong"], -pr[1]["right"], -pr[0]["margin"], -pr[0]["min_score"]))
    return [(p, evaluate(items, **p)) for p, _ in scored[:12]]


def main(argv=None) -> int:
    from assistant.service import Assistant

    ap = argparse.ArgumentParser(prog="python -m assistant.qa.calibrate")
    root = settings.PROJECT_ROOT / "eval"
    ap.add_argument("--fit", default=f"{root / 'gold.yaml'},{root / 'dev_s2.yaml'}")
    ap.add_argument("--check", default=str(root / "dev_s3.yaml"))
    ap.add_argument("--cache", default=None, help="a file keeping the collected items between runs")
    args = ap.parse_args(argv)
    a = Assistant(hybrid=not (args.cache and Path(args.cache).exists()))
    a.llm = None
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        fit_items, check_items = pickle.loads(cache.read_bytes())
    else:
        fit_items = collect(a, [Path(p) for p in args.fit.split(",")])
        check_items = collect(a, [Path(p) for p in args.check.split(",")]) if args.check else []
        if cache:
            cache.write_bytes(pickle.dumps((fit_items, check_items)))
    best = fit(fit_items)
    current = {"w_dense": topics.W_DENSE, "w_lexical": topics.W_LEXICAL, "w_words": topics.W_WORDS,
               "min_score": topics.MIN_SCORE, "margin": topics.MARGIN}
    print(f"fit items: {len(fit_items)}; check items: {len(check_items)}")
    for params, r in best[:8]:
        c = evaluate(check_items, **params)
        print(f"{params}: fit right {r['right']}/{r['n']} wrong {r['wrong']} asked {r['asked']} none {r['none']}"
              f" | check right {c['right']}/{c['n']} wrong {c['wrong']} {c['wrong_ids']} asked {c['asked']}"
              f" none {c['none']}")
    for name, items in (("fit", fit_items), ("check", check_items)):
        b = bounds(items, current["w_dense"], current["w_lexical"], current["w_words"])
        print(f"{name} with the current weights: lowest right-link score {b['low']:.2f}, highest score of a "
              f"topic the plan lacks {b['absent']:.2f}, narrowest lead of a right link {b['gap']:.2f}, "
              f"first-ranked not the gold: {b['misranked']}")
    r, c = evaluate(fit_items, **current), evaluate(check_items, **current)
    print(f"current {current}: fit right {r['right']}/{r['n']} wrong {r['wrong']} {r['wrong_ids']} asked "
          f"{r['asked']} none {r['none']} | check right {c['right']}/{c['n']} wrong {c['wrong']} {c['wrong_ids']}"
          f" asked {c['asked']} none {c['none']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
