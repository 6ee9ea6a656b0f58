"""Regenerate the golden records of the bundled plans (run only on purpose):

    .venv/bin/python -m tests.golden.freeze
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.ingest.parse import parse_document

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"


def record(doc_id: str) -> dict:
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    plan = parse_document(doc_id, text)
    return json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))


def main() -> None:
    for p in sorted(CORPUS.glob("*.txt")):
        out = HERE / f"{p.stem}.json"
        out.write_text(json.dumps(record(p.stem), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
        print(out)


if __name__ == "__main__":
    main()
