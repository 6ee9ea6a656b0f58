"""Regenerate the golden records of the bundled plans (run only on purpose):

    .venv/bin/python -m tests.golden.freeze
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.ingest.parse import parse_document

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"


# Fields added after the freeze, with their defaults: left out of the comparison only
# while they hold the default (a non-default value is a real difference).
ADDED_PLAN = {"values": [], "pages": []}
ADDED_INDICATOR: dict = {}
ADDED_TARGET = {"qualifier": None}


def _strip(d: dict, added: dict) -> None:
    for k, default in added.items():
        if k in d and d[k] == default:
            del d[k]


def record(doc_id: str) -> dict:
    """The records session 1's layout parser gives (the frozen reference)."""
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    return _record(parse_document(doc_id, text))


def ingest_record(doc_id: str) -> tuple[dict, str]:
    """The records ingest stores (the one builder, or a legacy layout it falls back to),
    and how the plan was read (``builder:...`` or ``layout:...``)."""
    from assistant.ingest.plans import parse_doc, plan_title
    from assistant.ingest.readers import read_document

    path = CORPUS / f"{doc_id}.txt"
    doc = read_document(path, 10**9, doc_id=doc_id)
    plan, how, _ = parse_doc(doc, metadata_options(doc_id))
    plan.title = metadata_title(doc_id) or plan.title or plan_title(doc.text)
    return _record(plan), how


def metadata_options(doc_id: str):
    """The build options corpus/metadata.yaml names for the plan (``parse_options``), as ingest uses them."""
    from assistant.ingest.builder import BuildOptions
    from assistant.ingest.corpus import load_metadata

    meta = load_metadata(CORPUS).documents.get(f"{doc_id}.txt")
    return BuildOptions.from_meta(meta.parse_options if meta else None)


def metadata_title(doc_id: str) -> str | None:
    """The title corpus/metadata.yaml gives the plan (ingest stores it over the one read)."""
    from assistant.ingest.corpus import load_metadata

    meta = load_metadata(CORPUS).documents.get(f"{doc_id}.txt")
    return meta.title if meta else None


def _record(plan) -> dict:
    d = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    _strip(d, ADDED_PLAN)
    for s in d["strategies"]:
        for i in s["indicators"]:
            _strip(i, ADDED_INDICATOR)
            for t in i["targets"]:
                _strip(t, ADDED_TARGET)
    return d


def main() -> None:
    from assistant.ingest.parse import NoPlanStructure

    for p in sorted(CORPUS.glob("*.txt")):
        try:
            rec = record(p.stem)
        except NoPlanStructure:  # its layout is retired: the builder reads it, the record stays frozen
            print("kept", p.stem)
            continue
        out = HERE / f"{p.stem}.json"
        out.write_text(json.dumps(rec, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
        print(out)


if __name__ == "__main__":
    main()
