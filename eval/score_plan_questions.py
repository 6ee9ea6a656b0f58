"""Answer the gold questions of the plans in eval/plans with an index built from them.

    .venv/bin/python eval/score_plan_questions.py [DIR] [--hybrid]

Builds a structured index (and the vector index with --hybrid) from DIR into a temporary
folder, asks every question as a user of the plan's office (the gold ``office``; the
``conversation`` turns are asked first, in one conversation with the question) and
checks the gold:
status, every gold value (value and year) in the answer's values (a baseline value in
the answer text), every ``must_include`` string in the answer text."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import settings  # noqa: E402
from assistant.domain import thai  # noqa: E402


def main() -> None:
    d = Path(next((a for a in sys.argv[1:] if not a.startswith("-")), ROOT / "eval" / "plans"))
    tmp = Path(tempfile.mkdtemp())
    corpus, index = tmp / "corpus", tmp / "index"
    corpus.mkdir()
    index.mkdir()
    for p in d.iterdir():
        if p.suffix in (".pdf", ".docx", ".html", ".md", ".txt") and p.name != "README.md":
            shutil.copy2(p, corpus / p.name)
    settings.override(corpus_dir=corpus, index_dir=index, state_file=tmp / "state.sqlite")
    from assistant.ingest.pipeline import ingest, register_builder

    if "--hybrid" in sys.argv:
        from assistant.qa.retrieve import build_retrieval_index

        register_builder(build_retrieval_index)
    ingest()
    from assistant.service import Assistant

    a = Assistant(index, hybrid="--hybrid" in sys.argv)
    ok = total = 0
    for g in sorted(d.glob("*.gold.yaml")):
        gold = yaml.safe_load(g.read_text(encoding="utf-8"))
        good = n = 0
        for k, q in enumerate(gold.get("questions") or []):
            office = gold.get("office")  # the asker works at the plan's office
            cid = f"eval-{g.stem}-{k}" if q.get("conversation") else None
            for turn in q.get("conversation") or []:
                a.ask(turn, office=office, conversation_id=cid)
            ans = a.ask(q["question"], office=office, conversation_id=cid)
            text = thai.to_arabic(ans.answer)
            right = ans.status == q.get("status", "answered")
            vals = {(v.value, v.year) for v in ans.values}
            for v in q.get("values") or []:
                if v.get("kind") == "baseline":
                    right &= str(v["value"]) in text
                else:
                    right &= (str(v["value"]), v.get("year")) in vals or (
                        v.get("year") is None and any(x == str(v["value"]) for x, _ in vals))
            for s in q.get("must_include") or []:
                right &= thai.to_arabic(s) in text
            n += 1
            good += bool(right)
            if not right and "-v" in sys.argv:
                print("  MISS", q["question"], "->", ans.status, thai.clip(ans.answer, 160))
        print(f"{g.name}: {good}/{n}")
        ok, total = ok + good, total + n
    print(f"TOTAL {ok}/{total}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
