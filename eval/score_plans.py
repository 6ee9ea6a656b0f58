"""Score the plan builder on plans with gold records (``*.gold.yaml`` beside each plan).

    .venv/bin/python eval/score_plans.py [DIR]      (default: eval/plans)
    .venv/bin/python eval/score_plans.py --gold G.gold.yaml FILE|DIR ...   (other files against one gold)

Prints, per plan and in total: yearly targets exact, their qualifiers (ไม่น้อยกว่า), indicators (text/unit/baseline/
responsible), strategies, guidelines, vision and office, as found / gold."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.domain import thai  # noqa: E402
from assistant.domain.offices import OfficeResolver  # noqa: E402
from assistant.ingest.plans import parse_file  # noqa: E402


def _n(s) -> str:
    return thai.squash(thai.one_line(str(s or "")))


def _same_office(office, gold_name) -> bool:
    """The office the plan was attached to is the one the gold names, by identity: a gold
    file may name it in full or in short (สพป.อุดรธานี เขต 1)."""
    if _n(office.name) == _n(gold_name):
        return True
    mentions = OfficeResolver([office]).resolve(str(gold_name or ""))
    return any(m.office.id == office.id for m in mentions)


def _same_word(got, want: str, unit, gold_unit) -> bool:
    """A word target read with its unit word (``ระดับมาก``, unit ระดับ) is the gold's word
    with that unit (``มาก``, unit ระดับ): gold writers put the unit word on either side."""
    if not got or thai.parse_number(want) is not None:
        return False
    return any(u and (got == u + want or want == u + got) for u in {unit, gold_unit})


# a qualifier printed as a sign means the words gold writers put for it ("≥ 80": ไม่น้อยกว่า 80);
# the record keeps the sign as printed
_SIGNS = {"≥": "ไม่น้อยกว่า", ">=": "ไม่น้อยกว่า", "≤": "ไม่เกิน", "<=": "ไม่เกิน"}


def _same_qualifier(got, want) -> bool:
    return got == want or (got in _SIGNS and _SIGNS[got] == want)


def score(plan_path: Path, gold: dict) -> Counter:
    c = Counter()
    res = parse_file(plan_path)
    plan = res.plan
    inds = {(_n(i.text)): i for i in plan.indicators()}
    by_no = {i.number: i for i in plan.indicators()}
    for gs in gold.get("strategies") or []:
        ps = plan.strategy(str(gs["number"]))
        c["strategies"] += 1
        c["strategies_ok"] += bool(ps and _n(ps.title) == _n(gs["title"]))
        for gi in gs.get("indicators") or []:
            pi = inds.get(_n(gi["text"])) or by_no.get(str(gi.get("number")))
            c["indicators"] += 1
            c["indicators_ok"] += bool(pi and _n(pi.text) == _n(gi["text"]) and pi.strategy == str(gs["number"]))
            c["units"] += 1
            c["units_ok"] += bool(pi and _n(pi.unit) == _n(gi.get("unit")))
            if "baseline" in gi:
                c["baselines"] += 1
                c["baselines_ok"] += bool(pi and _n(pi.baseline) == _n(gi["baseline"]))
            if "responsible" in gi:
                c["responsible"] += 1
                c["responsible_ok"] += bool(pi and _n(pi.responsible) == _n(gi["responsible"]))
            got = {(t.year, t.sub_item): t.value for t in (pi.targets if pi else []) if t.kind == "target"}
            quals = {t.year: t.qualifier for t in (pi.targets if pi else []) if t.kind == "target" and not t.sub_item}
            for y, q in (gi.get("qualifiers") or {}).items():
                c["qualifiers"] += 1
                c["qualifiers_ok"] += _same_qualifier(quals.get(int(y)), q)
            for y, v in (gi.get("targets") or {}).items():
                c["targets"] += 1
                want = thai.to_arabic(str(v))
                # "-": the plan sets no target that year (none read, or the dash itself)
                ok = got.get((int(y), None)) in ((None, "-") if want == "-" else (want,)) \
                    or _same_word(got.get((int(y), None)), want, pi.unit if pi else None, gi.get("unit"))
                c["targets_ok"] += ok
                if not ok and "-v" in sys.argv:
                    print("   miss", gs["number"], gi.get("number"), y, repr(v), "got", got.get((int(y), None)))
        gg = gs.get("guidelines") or []
        pg = [_n(g.text) for g in (ps.guidelines if ps else [])]
        c["guidelines"] += len(gg)
        c["guidelines_ok"] += sum(_n(g if isinstance(g, str) else g.get("text")) in pg for g in gg)
    c["vision"] += 1
    c["vision_ok"] += bool(plan.vision and _n(plan.vision.text).strip('"“”') == _n(gold.get("vision")).strip('"“”'))
    c["office"] += 1
    c["office_ok"] += bool(res.office and _same_office(res.office, gold.get("office")))
    return c


def main() -> None:
    if "--gold" in sys.argv:  # score other files (a plan rendered in another form) against one gold file
        k = sys.argv.index("--gold")
        gold = yaml.safe_load(Path(sys.argv[k + 1]).read_text(encoding="utf-8"))
        total = Counter()
        for a in (a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("-") and i != k + 1):
            for p in sorted(Path(a).iterdir()) if Path(a).is_dir() else [Path(a)]:
                c = score(p, gold)
                total += c
                print(p.name, _fmt(c))
        print("TOTAL", _fmt(total))
        return
    d = Path(next((a for a in sys.argv[1:] if not a.startswith("-")), ROOT / "eval" / "plans"))
    total = Counter()
    for g in sorted(d.glob("*.gold.yaml")):
        stem = g.name[: -len(".gold.yaml")]
        docs = [p for p in d.iterdir() if p.stem == stem and not p.name.endswith(".yaml")]
        for p in docs:
            c = score(p, yaml.safe_load(g.read_text(encoding="utf-8")))
            total += c
            print(p.name, _fmt(c))
    print("TOTAL", _fmt(total))


def _fmt(c: Counter) -> str:
    keys = ["targets", "qualifiers", "indicators", "units", "baselines", "responsible", "strategies", "guidelines",
            "vision", "office"]
    return "  ".join(f"{k} {c[k + '_ok']}/{c[k]}" for k in keys if c[k])


if __name__ == "__main__":
    main()
