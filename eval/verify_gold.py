"""Check eval/gold.yaml against the corpus.

    .venv/bin/python eval/verify_gold.py [--gold PATH] [--records] [--strict]

Checks (any failure is a *problem*; the script exits 1 and lists them):
  * the file is a YAML list of entries with the documented keys; ids unique; questions unique;
  * intent / status are known and consistent (not_found <=> status not_found, clarify <=>
    status clarify, every other intent is answered); values only on numeric entries, and every
    numeric entry has values; clarify entries offer at least two offices;
  * offices are office ids from corpus/metadata.yaml;
  * every gold_quote is an exact substring of corpus/<doc>.txt (Thai digits, tabs, NBSP as printed);
  * every value's figure (value as printed, Thai digits turned Arabic) occurs, as a whole
    number/word, inside at least one gold_quote of that office's document, and its indicator
    record is listed in gold_records;
  * gold_record ids have the shape of assistant/models.py ids (``<doc>/vision``,
    ``<doc>/mission<n>``, ``<doc>/goal<n>``, ``<doc>/s<n>``, ``<doc>/s<n>/i<n>``,
    ``<doc>/s<n>/g<n>[.<n>...]``, ``<doc>/s<n>/goal<n>``), their document exists and the strategy
    number is printed in it (กลยุทธ์ที่ n / นโยบายที่ n);
  * quotes and records of an answered entry come from the documents of its offices (or from a
    document whose office is unknown).

Warnings (printed, not fatal): must_include strings not found in any gold quote (they may be
derived facts such as counts). With ``--records`` the corpus is also parsed with
``assistant.ingest.pipeline`` and gold record ids missing from the parsed plans are reported (as
problems with ``--strict``, else warnings): the layout parsers may still be in progress.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold.yaml"
CORPUS = ROOT / "corpus"

INTENTS = ("numeric", "list", "strategy", "guideline", "overview", "compare", "align", "open", "field",
           "not_found", "clarify")
STATUSES = ("answered", "not_found", "clarify")
REQUIRED = ("id", "question", "intent", "status", "offices", "values", "must_include",
            "gold_records", "gold_quotes")
OPTIONAL = ("note", "conversation")  # conversation: earlier turns of the same conversation
VALUE_KEYS = ("office", "strategy", "indicator", "year", "value", "unit", "kind")
VALUE_OPTIONAL = ("sub_item",)

_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_DIGIT = re.compile("[๐-๙]")
_RECORD = re.compile(
    r"^(?P<doc>[^/\s]+)/(?:vision|mission\d+|goal\d+"
    r"|s(?P<s>\d+)(?:/(?:i\d+|g\d+(?:\.\d+)*|goal\d+))?)$"
)


def to_arabic(text: str) -> str:
    return text.translate(_TO_ARABIC)


def load_corpus(corpus_dir: Path = CORPUS) -> tuple[dict[str, str], dict[str, dict], set[str]]:
    """(doc_id -> text, doc_id -> metadata entry, known office ids) from corpus/metadata.yaml."""
    meta = yaml.safe_load((corpus_dir / "metadata.yaml").read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    doc_meta: dict[str, dict] = {}
    for d in meta["documents"]:
        doc_id = Path(d["file"]).stem
        texts[doc_id] = (corpus_dir / d["file"]).read_text(encoding="utf-8")
        doc_meta[doc_id] = d
    return texts, doc_meta, set(meta["offices"])


def figure_in(value: str, text: str) -> bool:
    """Does ``value`` occur in ``text`` (Thai digits turned Arabic) as a whole figure/word?"""
    text = to_arabic(text)
    if re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        # A whole number: no digit/decimal point around it, and no minus sign glued in front
        # of a positive value ("5.20" must not match "-5.20").
        pat = r"(?<![\d.\-−])" + re.escape(value) + r"(?!\d|\.\d)"
        return re.search(pat, text) is not None
    return value in text


_VALUE_CELL = re.compile(r"^(?:-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?)*|-|ดีเยี่ยม|ดีมาก|ดี|ทุกแห่ง)$")


def year_columns(quote: str, years: tuple[int, int] | None, fiscal_year: int | None) -> dict | None:
    """Read a quoted table row as {(year, kind): cell} when its layout is recognised, else None.

    * one tab-separated line with five value cells after no/indicator/unit: the five plan years
      (the ชม.6 layout);
    * one tab-separated line of a fiscal-year plan: the last three cells are target FY-1,
      result FY-1, target FY (the ตรัง 2 layout; multi-value cells keep their spaces);
    * cell-per-line text (the ลปลพ layout): the first run of five value lines = the plan years.
    """
    text = to_arabic(quote).replace("\u00a0", " ")
    if "\n" not in text and "\t" in text:
        cells = [c.strip() for c in text.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if fiscal_year is None and years and years[1] - years[0] == 4 and len(cells) >= 8 \
                and all(_VALUE_CELL.match(c) for c in cells[3:8]):
            return {(years[0] + k, "target"): cells[3 + k] for k in range(5)}
        if fiscal_year is not None and len(cells) >= 4 and all(_VALUE_CELL.match(c) for c in cells[-3:]):
            t0, r0, t1 = cells[-3:]
            return {(fiscal_year - 1, "target"): t0, (fiscal_year - 1, "result"): r0,
                    (fiscal_year, "target"): t1}
        return None
    if "\t" not in text and years and years[1] - years[0] == 4:
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        for k in range(1, len(lines) - 4):
            if all(_VALUE_CELL.match(c) for c in lines[k : k + 5]):
                return {(years[0] + j, "target"): lines[k + j] for j in range(5)}
    return None


def strategy_printed(text: str, n: str) -> bool:
    thai = n.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    return any(re.search(rf"(?:กลยุทธ์|นโยบาย)ที่\s*{num}(?![\d๐-๙])", text) for num in (n, thai))


def check(gold_path: Path = GOLD, corpus_dir: Path = CORPUS) -> tuple[list[str], list[str], dict]:
    """Run every check. Returns (problems, warnings, stats)."""
    problems: list[str] = []
    warnings: list[str] = []
    texts, doc_meta, offices_known = load_corpus(corpus_dir)
    doc_office = {d: m.get("office") for d, m in doc_meta.items()}
    office_docs: dict[str, set[str]] = {}
    for doc, off in doc_office.items():
        if off:
            office_docs.setdefault(off, set()).add(doc)

    try:
        entries = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [f"cannot load {gold_path}: {exc}"], warnings, {}
    if not isinstance(entries, list):
        return [f"{gold_path}: top level must be a list"], warnings, {}

    seen_ids: set[str] = set()
    seen_q: dict[str, str] = {}
    for n, e in enumerate(entries):
        where = f"entry #{n + 1}"
        if not isinstance(e, dict):
            problems.append(f"{where}: not a mapping")
            continue
        qid = e.get("id")
        where = f"{qid or where}"
        p = problems.append

        missing = [k for k in REQUIRED if k not in e]
        extra = [k for k in e if k not in REQUIRED + OPTIONAL]
        if missing:
            p(f"{where}: missing keys {missing}")
        if extra:
            p(f"{where}: unknown keys {extra}")
        if not isinstance(qid, str) or not re.fullmatch(r"q\d{3,}", qid):
            p(f"{where}: id must look like q001")
        elif qid in seen_ids:
            p(f"{where}: duplicate id")
        else:
            seen_ids.add(qid)

        q = e.get("question")
        if not isinstance(q, str) or not q.strip():
            p(f"{where}: empty question")
        else:
            key = " ".join(q.split())
            if key in seen_q:
                p(f"{where}: same question as {seen_q[key]}")
            seen_q.setdefault(key, where)

        intent, status = e.get("intent"), e.get("status")
        if intent not in INTENTS:
            p(f"{where}: unknown intent {intent!r}")
        if status not in STATUSES:
            p(f"{where}: unknown status {status!r}")
        if intent == "not_found" and status != "not_found":
            p(f"{where}: intent not_found needs status not_found")
        if intent == "clarify" and status != "clarify":
            p(f"{where}: intent clarify needs status clarify")
        if intent in INTENTS and intent not in ("not_found", "clarify") and status != "answered":
            p(f"{where}: intent {intent} needs status answered (got {status})")

        offices = e.get("offices") or []
        if not isinstance(offices, list):
            p(f"{where}: offices must be a list")
            offices = []
        for o in offices:
            if o not in offices_known:
                p(f"{where}: unknown office {o!r}")
        if len(set(offices)) != len(offices):
            p(f"{where}: duplicate offices")
        if status == "clarify" and len(offices) < 2:
            p(f"{where}: clarify must offer at least two offices")

        # ---- quotes
        quotes = e.get("gold_quotes") or []
        if not isinstance(quotes, list):
            p(f"{where}: gold_quotes must be a list")
            quotes = []
        quote_text_by_doc: dict[str, list[str]] = {}
        for i, gq in enumerate(quotes):
            if not isinstance(gq, dict) or set(gq) != {"doc", "quote"}:
                p(f"{where}: gold_quotes[{i}] must be {{doc, quote}}")
                continue
            doc, quote = gq["doc"], gq["quote"]
            if doc not in texts:
                p(f"{where}: gold_quotes[{i}] unknown doc {doc!r}")
                continue
            if not isinstance(quote, str) or not quote.strip():
                p(f"{where}: gold_quotes[{i}] empty quote")
                continue
            if quote not in texts[doc]:
                p(f"{where}: gold_quotes[{i}] is not an exact substring of corpus/{doc}.txt: {quote[:60]!r}")
                continue
            quote_text_by_doc.setdefault(doc, []).append(quote)
            off = doc_office[doc]
            if off and off not in offices and status != "not_found":
                p(f"{where}: gold_quotes[{i}] comes from {doc} (office {off}) which is not in offices")

        # ---- records
        records = e.get("gold_records") or []
        if not isinstance(records, list):
            p(f"{where}: gold_records must be a list")
            records = []
        if len(set(records)) != len(records):
            p(f"{where}: duplicate gold_records")
        for r in records:
            m = _RECORD.match(r) if isinstance(r, str) else None
            if not m:
                p(f"{where}: bad record id {r!r}")
                continue
            doc = m.group("doc")
            if doc not in texts:
                p(f"{where}: record {r} names unknown doc {doc!r}")
                continue
            if m.group("s") and not strategy_printed(texts[doc], m.group("s")):
                p(f"{where}: record {r}: strategy {m.group('s')} is not printed in {doc}")
            off = doc_office[doc]
            if off and off not in offices and status != "not_found":
                p(f"{where}: record {r} belongs to office {off} which is not in offices")
        if status == "answered" and not records and not quotes:
            p(f"{where}: an answered entry needs gold_records or gold_quotes")

        # ---- values
        values = e.get("values") or []
        if not isinstance(values, list):
            p(f"{where}: values must be a list")
            values = []
        if values and intent != "numeric":
            p(f"{where}: values are for numeric entries only (intent {intent})")
        if intent == "numeric" and not values:
            p(f"{where}: numeric entry without values")
        for i, val in enumerate(values):
            vw = f"{where}: values[{i}]"
            if not isinstance(val, dict):
                p(f"{vw} must be a mapping")
                continue
            vmiss = [k for k in VALUE_KEYS if k not in val]
            vextra = [k for k in val if k not in VALUE_KEYS + VALUE_OPTIONAL]
            if vmiss or vextra:
                p(f"{vw} missing {vmiss} / unknown {vextra}")
                continue
            if val["office"] not in offices:
                p(f"{vw} office {val['office']!r} not in the entry's offices")
            if val["kind"] not in ("target", "result"):
                p(f"{vw} kind must be target or result")
            if not isinstance(val["year"], int) or not 2500 <= val["year"] <= 2600:
                p(f"{vw} year must be a Buddhist-era int (got {val['year']!r})")
            for k in ("strategy", "indicator"):
                if not isinstance(val[k], str) or not val[k].isdigit():
                    p(f"{vw} {k} must be a string of Arabic digits (got {val[k]!r})")
            figure = val["value"]
            if not isinstance(figure, str) or not figure.strip():
                p(f"{vw} value must be a non-empty string")
                continue
            if _THAI_DIGIT.search(figure):
                p(f"{vw} value {figure!r} still has Thai digits")
            if val["unit"] is not None and not isinstance(val["unit"], str):
                p(f"{vw} unit must be a string or null")
            docs = office_docs.get(val["office"], set())
            hits = [(d, qt) for d in docs for qt in quote_text_by_doc.get(d, []) if figure_in(figure, qt)]
            if not hits:
                p(f"{vw} figure {figure!r} not found in any gold quote of {sorted(docs) or val['office']}")
            if isinstance(val["year"], int) and docs and not any(
                    str(val["year"]) in to_arabic(texts[d]) for d in docs):
                p(f"{vw} year {val['year']} is not printed in {sorted(docs)}")
            # Where a quote is a recognised table row, the figure must sit in its year/kind column.
            checked = []
            for d, qt in hits:
                m = doc_meta[d]
                yrs = tuple(m["years"]) if m.get("years") else None
                cols = year_columns(qt, yrs, m.get("fiscal_year"))
                if cols is None:
                    continue
                cell = cols.get((val["year"], val["kind"]))
                checked.append(cell is not None and figure in cell.split())
            if checked and not any(checked):
                p(f"{vw} figure {figure!r} is not in the {val['kind']} {val['year']} column of its quoted row")
            ind_ids = {f"{d}/s{val['strategy']}/i{val['indicator']}" for d in docs}
            if not ind_ids & set(records):
                p(f"{vw} indicator s{val['strategy']}/i{val['indicator']} of {val['office']} not in gold_records")

        # ---- must_include
        must = e.get("must_include") or []
        if not isinstance(must, list) or not all(isinstance(m, str) and m.strip() for m in must):
            p(f"{where}: must_include must be a list of non-empty strings")
        else:
            all_quotes = [qt for qs in quote_text_by_doc.values() for qt in qs]
            for m in must:
                if not any(m in qt or to_arabic(m) in to_arabic(qt) for qt in all_quotes):
                    warnings.append(f"{where}: must_include {m!r} not in any gold quote")

    stats = {
        "total": len(entries),
        "intent": Counter(e.get("intent") for e in entries if isinstance(e, dict)),
        "status": Counter(e.get("status") for e in entries if isinstance(e, dict)),
        "office": Counter(o for e in entries if isinstance(e, dict) for o in (e.get("offices") or [])),
        "values": sum(len(e.get("values") or []) for e in entries if isinstance(e, dict)),
    }
    return problems, warnings, stats


def parsed_record_ids(corpus_dir: Path = CORPUS) -> set[str]:
    """Every record id the current parsers produce (vision, missions, goals, strategies, their
    goals, guidelines and indicators)."""
    sys.path.insert(0, str(ROOT))
    import tempfile

    from assistant.ingest.pipeline import ingest
    from assistant.stores.sqlite import Store

    with tempfile.TemporaryDirectory() as tmp:
        ingest(index_dir=Path(tmp))
        store = Store(Path(tmp) / "current" / "plans.sqlite")
        ids: set[str] = set()
        for plan in store.plans.values():
            if plan.vision:
                ids.add(plan.vision.id)
            ids.update(x.id for x in plan.missions + plan.goals)
            for s in plan.strategies:
                ids.add(s.id)
                ids.update(x.id for x in s.goals)
                ids.update(x.id for x in s.guidelines)
                ids.update(x.id for x in s.indicators)
        return ids


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--records", action="store_true",
                    help="also parse the corpus and report gold record ids the parsers do not produce")
    ap.add_argument("--strict", action="store_true", help="with --records: missing ids are problems")
    args = ap.parse_args(argv)

    problems, warnings, stats = check(args.gold)
    if args.records and stats:
        entries = yaml.safe_load(args.gold.read_text(encoding="utf-8"))
        known = parsed_record_ids()
        for e in entries:
            for r in e.get("gold_records") or []:
                if r not in known:
                    (problems if args.strict else warnings).append(
                        f"{e.get('id')}: record {r} not produced by the current parsers")

    if stats:
        print(f"{args.gold}: {stats['total']} questions, {stats['values']} gold values")
        print("per intent: " + ", ".join(f"{k}={stats['intent'][k]}" for k in INTENTS))
        print("per status: " + ", ".join(f"{k}={v}" for k, v in sorted(stats["status"].items())))
        print("per office: " + ", ".join(f"{k}={v}" for k, v in sorted(stats["office"].items())))
    for w in warnings:
        print(f"warning: {w}")
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for pr in problems:
            print(f"  - {pr}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
