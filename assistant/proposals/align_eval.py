"""Alignment quality on an idea file (``eval/align_gold.yaml`` format, any number of them).

An idea file is a YAML list of entries ``{id, office, idea, strategies, clear?}``:
``strategies`` are the strategy numbers that fit (the first is the best; ``[]`` when the
plan has none), ``clear`` the ones that fit *clearly* (default: ``strategies``).

Reported per office and overall:

* top-1 / top-3 — the first / any of the first three ranked strategies is in
  ``strategies`` (an entry with ``[]`` counts when no strategy is claimed);
* clear precision — of all strategies labelled "สอดคล้องชัดเจน" among the first three,
  the share that are in the entry's ``clear`` list;
* "no fit" on a correct first — entries whose first-ranked strategy is right but the
  answer says nothing fits (must be 0);
* "no fit" precision / recall — of the ideas answered "no fit", the share whose entry is
  ``[]``; of the ``[]`` entries, the share answered "no fit".
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from pathlib import Path

import yaml

TARGETS = {"top1": 0.90, "top3": 0.98, "clear": 0.95}


def load_ideas(path: Path) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if isinstance(data, dict):  # {ideas: [...]} also accepted
        data = data.get("ideas") or []
    return [g for g in data if isinstance(g, dict) and g.get("idea") and g.get("office")]


def evaluate(aligner, ideas: list[dict]) -> list[dict]:
    """Align every idea; per entry the ranking, labels and correctness."""
    out = []
    for g in ideas:
        t0 = time.perf_counter()
        al = aligner.align(str(g["idea"]), str(g["office"]))
        dt = time.perf_counter() - t0
        ranked = [sf.number for sf in al.strategies]
        labels = [sf.label for sf in al.strategies]
        want = [str(x) for x in g.get("strategies") or []]
        clear_ok = [str(x) for x in (g["clear"] if g.get("clear") is not None else want)]
        if want:
            top1 = al.fits and ranked[:1] != [] and ranked[0] in want
            top3 = al.fits and any(x in want for x in ranked[:3])
        else:
            top1 = top3 = not al.fits
        claimed = [n for n, lab in zip(ranked[:3], labels[:3], strict=True) if lab == "clear"]
        out.append({
            "gold": g, "ranked": ranked, "labels": labels, "fits": al.fits, "top1": top1, "top3": top3,
            "clear": claimed, "clear_right": [n for n in claimed if n in clear_ok],
            "nofit_on_right": bool(want) and not al.fits and ranked[:1] != [] and ranked[0] in want,
            "seconds": dt, "unsure": list(getattr(al, "unsure", []) or []),
        })
    return out


def _pct(xs: list[bool]) -> str:
    return f"{100 * sum(xs) / len(xs):.1f}%" if xs else "-"


def _precision(rows: list[dict]) -> tuple[str, int]:
    n = sum(len(r["clear"]) for r in rows)
    right = sum(len(r["clear_right"]) for r in rows)
    return (f"{100 * right / n:.1f}% ({right}/{n})" if n else "- (0)"), n


def summary(rows: list[dict]) -> dict:
    n = sum(len(r["clear"]) for r in rows)
    return {
        "n": len(rows),
        "top1": sum(r["top1"] for r in rows) / len(rows) if rows else 0.0,
        "top3": sum(r["top3"] for r in rows) / len(rows) if rows else 0.0,
        "clear_precision": sum(len(r["clear_right"]) for r in rows) / n if n else 1.0,
        "clear_claimed": n,
        "nofit_on_right": sum(r["nofit_on_right"] for r in rows),
        "nofit_said": sum(not r["fits"] for r in rows),
        "nofit_right": sum(not r["fits"] and not r["gold"].get("strategies") for r in rows),
        "nofit_gold": sum(not r["gold"].get("strategies") for r in rows),
    }


def nofit_text(s: dict) -> str:
    """'no fit' precision and recall of a :func:`summary`."""
    said, right, gold = s["nofit_said"], s["nofit_right"], s["nofit_gold"]
    prec = f"{100 * right / said:.1f}% ({right}/{said})" if said else "- (0)"
    rec = f"{100 * right / gold:.1f}% ({right}/{gold})" if gold else "- (0)"
    return f"'no fit' precision {prec}, recall {rec}"


def table(head: list[str], rows: list[list[str]]) -> str:
    """A plain Markdown table."""
    return "\n".join("| " + " | ".join(r) + " |" for r in [head, ["---"] * len(head), *rows])


def report(rows: list[dict], path: Path | str) -> str:
    by_office: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_office[str(r["gold"]["office"])].append(r)
    body = [[o, str(len(rs)), _pct([r["top1"] for r in rs]), _pct([r["top3"] for r in rs]), _precision(rs)[0]]
            for o, rs in sorted(by_office.items())]
    body.append(["ALL", str(len(rows)), _pct([r["top1"] for r in rows]), _pct([r["top3"] for r in rows]),
                 _precision(rows)[0]])
    s = summary(rows)
    secs = sorted(r["seconds"] for r in rows)
    lines = [f"project alignment: {path} ({len(rows)} ideas; targets top-1 >= {TARGETS['top1']:.0%}, "
             f"top-3 >= {TARGETS['top3']:.0%}, สอดคล้องชัดเจน precision >= {TARGETS['clear']:.0%})",
             table(["office", "n", "top-1", "top-3", "clear precision"], body),
             f"first-ranked right but said 'no fit': {s['nofit_on_right']}", nofit_text(s)]
    unsure = [r for r in rows if r.get("unsure")]
    if unsure:
        want = [[str(x) for x in r["gold"].get("strategies") or []] for r in unsure]
        first = sum(r["unsure"][0] in w for r, w in zip(unsure, want, strict=True))
        either = sum(any(n in w for n in r["unsure"]) for r, w in zip(unsure, want, strict=True))
        lines.append(f"'ไม่แน่ใจ' between the first two: {len(unsure)} ideas; the first right {first}, "
                     f"one of the two right {either}")
    if secs:
        lines.append(f"latency p50 / max: {1000 * statistics.median(secs):.0f} / {1000 * secs[-1]:.0f} ms")
    wrong = [r for r in rows if not r["top1"]]
    if wrong:
        lines.append("alignment misses (top-1):")
        for r in wrong:
            g = r["gold"]
            lines.append(f"  {g.get('id', '?')} {g['office']} \"{' '.join(str(g['idea']).split())[:60]}\": "
                         f"got {list(zip(r['ranked'][:3], r['labels'][:3], strict=True))} (fits={r['fits']}), "
                         f"want {g.get('strategies') or 'no fit'}")
    bad = [r for r in rows if len(r["clear_right"]) < len(r["clear"])]
    if bad:
        lines.append("wrong 'สอดคล้องชัดเจน':")
        for r in bad:
            g = r["gold"]
            extra = [n for n in r["clear"] if n not in r["clear_right"]]
            lines.append(f"  {g.get('id', '?')} {g['office']} \"{' '.join(str(g['idea']).split())[:60]}\": "
                         f"clear {extra}, want {g.get('clear', g.get('strategies'))}")
    return "\n".join(lines)


def run_files(assistant, paths: list[Path]) -> str:
    from assistant.proposals.align import get_aligner

    aligner = get_aligner(assistant)
    return "\n\n".join(report(evaluate(aligner, load_ideas(p)), p) for p in paths)


__all__ = ["load_ideas", "evaluate", "summary", "nofit_text", "report", "run_files", "TARGETS"]
