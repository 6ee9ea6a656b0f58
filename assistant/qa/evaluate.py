"""``planqa eval``: score the development set and, when present, the held-out set.

``eval/gold.yaml`` is the development set (tuned on); ``eval/heldout.yaml``, written by
someone who never read the rules, is scored separately in the same table format. An
item may carry ``conversation``: earlier questions asked first in the same conversation.

Per group (intent, or status for held-out items; conversation items also on their own):
answer accuracy, citation accuracy; then numbers stated that no citation supports,
*confidently wrong* answers (a figure stated for the wrong indicator/year, or any figure
where the answer should be not_found/clarify: target 0), retrieval hit@1/5 next to a
baseline (plain vector retrieval over fixed-size chunks with the same embedder, given
the same office/strategy/kind filters) and latency p50/p95; then project alignment
top-1 / top-3 accuracy on ``eval/align_gold.yaml``.

Scoring is strict: the figures stated must be exactly the gold figures, each with its
own year and kind (and office/strategy/indicator when the gold names them); a
not_found / clarify answer must state no figure.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant import settings
from assistant.channels.textui import table
from assistant.domain import thai
from assistant.domain.models import Answer

# the record kinds the answerer searches for each understood intent
SEARCH_KINDS = {
    "numeric": ["indicator"],
    "list": ["indicator"],
    "guideline": ["guideline"],
    "strategy": ["strategy", "strategic_goal"],
    "overview": ["vision", "mission", "goal", "passage"],
}
STRUCTURED = {"numeric", "list", "strategy", "guideline", "overview", "not_found", "clarify"}


@dataclass
class Result:
    gold: dict
    answer: Answer
    seconds: float
    correct: bool
    why: list[str] = field(default_factory=list)
    cited: bool | None = None
    unsupported: int = 0
    hit1: bool | None = None
    hit5: bool | None = None
    base1: bool | None = None
    base5: bool | None = None
    wrong_figure: bool = False


def load_gold(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


VALUE_FIELDS = ("office", "strategy", "indicator", "year", "value", "kind")


def _value_key(v, keys: tuple[str, ...] = VALUE_FIELDS) -> tuple:
    get = v.get if isinstance(v, dict) else lambda k: getattr(v, k, None)
    out = []
    for k in keys:
        x = get(k)
        if k == "value":
            x = thai.to_arabic(str(x))
        elif k in ("strategy", "indicator") and x is not None:
            x = str(x)
        out.append(x)
    return tuple(out)


def _gold_keys(gold: dict) -> tuple[str, ...]:
    """The value fields the gold names (held-out items give year/value/kind, maybe unit)."""
    vals = gold.get("values") or []
    return tuple(k for k in VALUE_FIELDS if all(k in v for v in vals)) if vals else VALUE_FIELDS


def _matches(stated: tuple, gold: tuple) -> bool:
    """A stated value's key matches a gold key; a gold field that is None (a held-out
    ``year: null``: the same target every year) matches any stated value of that field."""
    return all(g is None or s == g for s, g in zip(stated, gold, strict=True))


def wrong_figure(gold: dict, ans: Answer) -> bool:
    """Confidently wrong: figures stated as fact that are not the gold's (another
    indicator's or year's), or any figure where the answer should be not_found/clarify."""
    if not ans.values:
        return False
    if gold["status"] != "answered":
        return True
    keys = _gold_keys(gold)
    want = {_value_key(v, keys) for v in gold.get("values") or []}
    offices = set(gold.get("offices") or [])

    def right(v) -> bool:
        return any(_matches(_value_key(v, keys), w) for w in want)

    # a row one of whose stated figures is the gold's is the row asked: its other years are
    # the document's own figures for that row (extra, so not a right answer, but not wrong)
    # (a gold year of None, "the same every year", covers every year: another figure contradicts it)
    right_rows = {(v.office, v.strategy, v.indicator) for v in ans.values if v.indicator and right(v)}
    gold_slots = [(g.get("year"), g.get("kind")) for g in gold.get("values") or []]

    def extra_of_right_row(v) -> bool:
        return (v.office, v.strategy, v.indicator) in right_rows and not any(
            (y is None or y == v.year) and (k is None or k == v.kind) for y, k in gold_slots)

    for v in ans.values:
        if offices and v.office and v.office not in offices:
            return True
        if want and not right(v) and not extra_of_right_row(v):
            return True
    return False


def judge(gold: dict, ans: Answer, office_names: dict[str, str]) -> tuple[bool, list[str]]:
    why = []
    if ans.status != gold["status"]:
        why.append(f"status {ans.status} != {gold['status']}")
    keys = _gold_keys(gold)
    want = {_value_key(v, keys) for v in gold.get("values") or []}
    got = {_value_key(v, keys) for v in ans.values}
    if gold["status"] == "answered" and want and (
            any(not any(_matches(g, w) for g in got) for w in want)
            or any(not any(_matches(g, w) for w in want) for g in got)):
        why.append(f"values {sorted(got, key=str)} != {sorted(want, key=str)}")
    if gold["status"] != "answered" and ans.values:
        why.append(f"states figures {sorted(got, key=str)} in a {gold['status']} answer")
    for v in gold.get("values") or []:
        unit = v.get("unit")
        if unit and gold["status"] == "answered" and not any(
                _matches(_value_key(a, keys), _value_key(v, keys)) and (a.unit or "") == unit for a in ans.values):
            why.append(f"value {v.get('value')} not stated with unit {unit}")
    for s in gold.get("must_include") or []:
        if thai.to_arabic(s) not in thai.to_arabic(ans.answer):
            why.append(f"missing '{s}'")
    if gold["status"] == "clarify":
        names = {office_names.get(o, o) for o in gold.get("offices") or []}
        if not names <= set(ans.choices):
            why.append(f"choices {ans.choices} lack {sorted(names - set(ans.choices))}")
    return not why, why


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def gold_spans(gold: dict, texts: dict[str, str], records) -> list[tuple[str, int, int]]:
    spans = []
    for q in gold.get("gold_quotes") or []:
        text = texts.get(q["doc"], "")
        i = text.find(q["quote"])
        if i >= 0:
            spans.append((q["doc"], i, i + len(q["quote"])))
    for rid in gold.get("gold_records") or []:
        rec = records.get(rid)
        if rec:
            spans.append((rec.plan.doc_id, rec.span.start, rec.span.end))
    return spans


def unsupported_numbers(ans: Answer) -> int:
    quotes = " ".join(thai.to_arabic(c.quote) for c in ans.citations)
    return sum(1 for v in ans.values if thai.to_arabic(v.value) not in quotes)


def pct(xs: list[bool]) -> str:
    xs = [x for x in xs if x is not None]
    return f"{100 * sum(xs) / len(xs):.1f}% ({sum(xs)}/{len(xs)})" if xs else "-"


def ms(xs: list[float], q: float) -> str:
    if not xs:
        return "-"
    xs = sorted(xs)
    return f"{1000 * xs[min(len(xs) - 1, int(q * len(xs)))]:.0f} ms"


def run(assistant, gold: list[dict], baseline: bool = True) -> list[Result]:
    store = assistant.store
    office_names = {oid: o.short for oid, o in store.offices.items()}
    assistant.warm()
    retriever = assistant.retriever
    results = []
    run_id = uuid.uuid4().hex[:8]
    for g in gold:
        cid = None
        if g.get("conversation"):
            cid = f"eval-{run_id}:{g['id']}"
            for earlier in g["conversation"]:
                assistant.ask(earlier, conversation_id=cid)
        t0 = time.perf_counter()
        ans = assistant.ask(g["question"], conversation_id=cid)
        dt = time.perf_counter() - t0
        ok, why = judge(g, ans, office_names)
        r = Result(g, ans, dt, ok, why, unsupported=unsupported_numbers(ans), wrong_figure=wrong_figure(g, ans))
        spans = gold_spans(g, store.texts, assistant.records)
        if spans and g["status"] == "answered":
            cites = [(c.doc, c.start, c.end) for c in ans.citations if c.start is not None]
            r.cited = any(_overlaps(c, s) for c in cites for s in spans)
            if retriever is not None and not g.get("conversation"):
                q = assistant.understand(g["question"])
                # the metadata filters the question names (office, strategy), as the system uses them
                office = q.corpus_offices[0].office.id if len(q.corpus_offices) == 1 else None
                doc = None
                if q.unknown_doc and not q.corpus_offices:
                    doc = next((p.doc_id for p in store.plans.values() if not p.office_id), None)
                kinds = SEARCH_KINDS.get(q.intent)
                hits = retriever.search(g["question"], k=5, office_id=office, doc_id=doc, strategy=q.strategy,
                                        kinds=kinds, indicator=q.indicator if q.indicator and "." not in q.indicator else None)
                hs = [(h.metadata["doc_id"], h.metadata["start"], h.metadata["end"]) for h in hits]
                r.hit1 = any(_overlaps(h, s) for h in hs[:1] for s in spans)
                r.hit5 = any(_overlaps(h, s) for h in hs[:5] for s in spans)
                if baseline:
                    bh = _filtered_baseline(retriever, store, g["question"], office, doc, q.strategy, kinds)
                    bs = [(h.metadata["doc_id"], h.metadata["start"], h.metadata["end"]) for h in bh]
                    r.base1 = any(_overlaps(h, s) for h in bs[:1] for s in spans)
                    r.base5 = any(_overlaps(h, s) for h in bs[:5] for s in spans)
        results.append(r)
    return results


def _filtered_baseline(retriever, store, question: str, office, doc, strategy, kinds, k: int = 5):
    """The baseline with the filters the product uses: fixed windows of the same office /
    document only (windows carry no strategy or kind, so those cannot filter them)."""
    hits = retriever.baseline_search(question, k=max(50, 10 * k))
    docs = None
    if doc:
        docs = {doc}
    elif office:
        docs = {p.doc_id for p in store.plans.values() if p.office_id == office}
    if docs is not None:
        hits = [h for h in hits if h.metadata.get("doc_id") in docs]
    return hits[:k]


def group_of(r: Result) -> str:
    return r.gold.get("intent") or r.gold["status"]


def report(results: list[Result]) -> str:
    by_intent: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_intent[group_of(r)].append(r)
    conv = [r for r in results if r.gold.get("conversation")]
    rows = [[intent, str(len(rs)), pct([r.correct for r in rs]), pct([r.cited for r in rs])]
            for intent, rs in sorted(by_intent.items())]
    if conv:
        rows.append(["(conversation turns)", str(len(conv)), pct([r.correct for r in conv]),
                     pct([r.cited for r in conv])])
    rows.append(["ALL", str(len(results)), pct([r.correct for r in results]), pct([r.cited for r in results])])
    out = [table(["intent", "n", "answers correct", "citations correct"], rows)]
    lat_s = [r.seconds for r in results if group_of(r) in STRUCTURED]
    lat_h = [r.seconds for r in results if group_of(r) not in STRUCTURED]
    summary = [
        ["confidently wrong (a wrong figure stated; target 0)", str(sum(r.wrong_figure for r in results)), ""],
        ["numbers stated with no supporting citation", str(sum(r.unsupported for r in results)), ""],
        ["retrieval hit@1", pct([r.hit1 for r in results]), pct([r.base1 for r in results])],
        ["retrieval hit@5", pct([r.hit5 for r in results]), pct([r.base5 for r in results])],
        ["latency p50 / p95, structured", f"{ms(lat_s, .5)} / {ms(lat_s, .95)}", ""],
        ["latency p50 / p95, hybrid", f"{ms(lat_h, .5)} / {ms(lat_h, .95)}", ""],
    ]
    out.append("")
    out.append(table(["measure", "planqa", "baseline (fixed chunks, vectors only, same office filter)"], summary))
    wrong = [r for r in results if not r.correct]
    if wrong:
        out.append("")
        out.append("wrong answers:")
        for r in wrong:
            flag = " CONFIDENTLY WRONG" if r.wrong_figure else ""
            out.append(f"  {r.gold['id']} [{group_of(r)}]{flag} {r.gold['question']}: {'; '.join(r.why)}")
    return "\n".join(out)


def main(args) -> int:
    from assistant.service import Assistant

    if getattr(args, "ideas", None):  # alignment idea files only
        from assistant.proposals.align_eval import run_files

        print(run_files(Assistant(), [Path(p) for p in args.ideas]))
        return 0
    if getattr(args, "gold", None):
        sets = [("gold set", Path(args.gold))]
    else:
        sets = [("development set", settings.PROJECT_ROOT / "eval" / "gold.yaml")]
        # dev_sN.yaml: session N's held-out set, tuned on since (development material now)
        for dev in sorted((settings.PROJECT_ROOT / "eval").glob("dev_s*.yaml")):
            session = dev.stem.removeprefix("dev_s")
            sets.append((f"development set {session} (session {session}'s held-out, tuned on since)", dev))
        # conversations_sN.yaml: session N's own conversations (written and tuned on by its engineer)
        for conv in sorted((settings.PROJECT_ROOT / "eval").glob("conversations_s*.yaml")):
            session = conv.stem.removeprefix("conversations_s")
            sets.append((f"conversation set {session} (session {session}'s own conversations, tuned on)", conv))
        heldout = settings.PROJECT_ROOT / "eval" / "heldout.yaml"
        if heldout.exists():
            sets.append(("held-out set", heldout))
    t0 = time.perf_counter()
    assistant = Assistant()
    load_s = time.perf_counter() - t0
    use_llm = bool(getattr(args, "llm", False))
    if use_llm and assistant.llm is None:
        print("planqa eval --llm: no language model configured; set PLANQA_LLM_BASE_URL and PLANQA_LLM_MODEL",
              file=sys.stderr)
        return 2
    if not use_llm:
        assistant.llm = None  # the rules' answers only, even where a model is configured
    for n, (label, gold_path) in enumerate(sets):
        gold = load_gold(gold_path) or []
        if getattr(args, "limit", None):
            gold = gold[: args.limit]
        results = run(assistant, gold, baseline=not getattr(args, "no_baseline", False))
        if n:
            print()
        print(f"{label}: {gold_path} ({len(gold)} questions); assistant loaded in {load_s:.2f} s; "
              f"hybrid retrieval: {'on' if assistant.retriever else 'off'}")
        print(report(results))
        if results:
            print(f"\nmean latency {1000 * statistics.mean(r.seconds for r in results):.0f} ms")
    if use_llm:
        print()
        print(llm_report(assistant.stats.snapshot(), assistant.llm.config.model))
    print()
    print(align_report(assistant))
    return 0


def llm_report(stats: dict[str, int], model: str) -> str:
    """The model's calls and the guard's rejections during the run (``--llm``)."""
    def total(prefix: str, **labels) -> int:
        want = [f'{k}="{v}"' for k, v in labels.items()]
        return sum(v for k, v in stats.items() if k.split("{", 1)[0] == prefix and all(w in k for w in want))

    rows = []
    for use in ("understand", "answer", "narrative"):
        rows.append([use, str(total("llm_requests_total", use=use)), str(total("llm_used_total", use=use)),
                     str(total("llm_fallbacks_total", use=use)), str(total("llm_errors_total", use=use)),
                     str(total("guard_sentences_total", use=use)), str(total("guard_rejected_total", use=use))])
    out = [f"language model: {model}",
           table(["use", "requests", "used", "deterministic kept", "errors", "sentences checked",
                  "guard rejections"], rows)]
    reasons = sorted({re.search(r'reason="([^"]+)"', k).group(1) for k in stats
                      if k.startswith(("guard_rejected_total", "llm_errors_total"))})
    if reasons:
        out.append("by reason: " + ", ".join(
            f"{r}: {total('guard_rejected_total', reason=r)} rejected / {total('llm_errors_total', reason=r)} errors"
            for r in reasons))
    return "\n".join(out)


def align_eval(assistant, gold: list[dict]) -> list[dict]:
    """Run ``planqa align`` over a project-idea gold set (``eval/align_gold.yaml``): per
    entry the ranked strategies, whether one fits, and top-1 / top-3 correctness (an
    entry whose ``strategies`` is empty is correct when no strategy is claimed)."""
    from assistant.proposals.draft import get_aligner

    aligner = get_aligner(assistant)
    out = []
    for g in gold:
        t0 = time.perf_counter()
        al = aligner.align(g["idea"], g["office"])
        dt = time.perf_counter() - t0
        ranked = [sf.number for sf in al.strategies]
        want = [str(x) for x in g.get("strategies") or []]
        if want:
            top1 = al.fits and ranked[:1] != [] and ranked[0] in want
            top3 = al.fits and any(x in want for x in ranked[:3])
        else:
            top1 = top3 = not al.fits
        out.append({"gold": g, "ranked": ranked, "fits": al.fits, "top1": top1, "top3": top3, "seconds": dt})
    return out


def align_report(assistant, path: Path | None = None) -> str:
    """Top-1 / top-3 and "สอดคล้องชัดเจน" precision on an idea file (default
    ``eval/align_gold.yaml``), by office: see :mod:`assistant.proposals.align_eval`."""
    from assistant.proposals.align_eval import run_files

    return run_files(assistant, [path or settings.PROJECT_ROOT / "eval" / "align_gold.yaml"])
