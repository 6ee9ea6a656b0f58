"""The leaf fields in which the one builder's records of a bundled plan differ from its
frozen golden records, counted by kind (run on purpose, not a test):

    .venv/bin/python -m tests.golden.diff [DOC_ID ...] [--show KIND] [--limit N]

Lists of records with ids are matched by id (a record only one side has counts each of
its leaves once); other lists by position. Kinds: the last named part of a path
(``strategies/indicators/targets/value`` → ``targets.value``).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from tests.golden.freeze import CORPUS, _record, metadata_options, metadata_title

HERE = Path(__file__).resolve().parent


def builder_record(doc_id: str) -> dict:
    """The records the one builder gives (no fallback to session 1's layouts)."""
    from assistant.ingest.builder import build
    from assistant.ingest.plans import plan_title
    from assistant.ingest.readers import read_document

    doc = read_document(CORPUS / f"{doc_id}.txt", 10**9, doc_id=doc_id)
    plan = build(doc, metadata_options(doc_id)).plan
    plan.title = metadata_title(doc_id) or plan.title or plan_title(doc.text)
    return _record(plan)


def _key(x, i: int):
    return x.get("id", i) if isinstance(x, dict) else i


def leaves(x, path: tuple = ()):
    """(path, value) of every leaf; list members are keyed by their id."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield from leaves(v, (*path, k))
    elif isinstance(x, list):
        seen: set = set()
        for i, v in enumerate(x):
            k = _key(v, i)
            k = k if k not in seen else (k, i)  # a duplicated id is a difference of its own
            seen.add(k)
            yield from leaves(v, (*path, ("#", k)))
    else:
        yield path, x


def kind(path: tuple) -> str:
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return "?"
    last = names[-1]
    parents = [n for n in names[:-1] if n not in ("span",)]
    if names[-2:-1] == ["span"] or last in ("start", "end", "doc_id") and "span" in names:
        return (parents[-1] if parents else "plan") + ".span"
    return (parents[-1] + "." if parents else "") + last


def diff(got: dict, want: dict) -> list[tuple[tuple, object, object]]:
    g, w = dict(leaves(got)), dict(leaves(want))
    return [(p, g.get(p, "<absent>"), w.get(p, "<absent>")) for p in sorted(set(g) | set(w), key=str)
            if g.get(p, "<absent>") != w.get(p, "<absent>")]


def _fmt(path: tuple) -> str:
    return "/".join(str(p[1]).rsplit("/", 1)[-1] if isinstance(p, tuple) else p for p in path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("docs", nargs="*")
    ap.add_argument("--show", default=None, help="print the differences of this kind")
    ap.add_argument("--limit", type=int, default=20)
    a = ap.parse_args(argv)
    docs = a.docs or sorted(p.stem for p in CORPUS.glob("*.txt"))
    for doc_id in docs:
        want = json.loads((HERE / f"{doc_id}.json").read_text(encoding="utf-8"))
        got = builder_record(doc_id)
        got.pop("layout", None), want.pop("layout", None)
        want["title"] = metadata_title(doc_id) or want["title"]  # ingest stores the metadata title
        d = diff(got, want)
        by = Counter(kind(p) for p, _, _ in d)
        print(f"{doc_id}: {len(d)} differing leaf fields")
        for k, n in by.most_common():
            print(f"  {k:28} {n}")
        if a.show:
            shown = [x for x in d if kind(x[0]) == a.show][: a.limit]
            for p, gv, wv in shown:
                print(f"    {_fmt(p)}\n      builder: {str(gv)[:160]!r}\n      golden:  {str(wv)[:160]!r}")


if __name__ == "__main__":
    main()
