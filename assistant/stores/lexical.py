"""Lexical search: BM25 (bm25s) over Thai word tokens of the chunk texts.

bm25s' own tokenizer mangles Thai, so it is given :func:`lexical_tokens`: pythainlp
words from :func:`assistant.domain.thai.tokenize` (Thai digits → Arabic, lower-cased), split
from punctuation, with Latin acronyms written with a dash joined into one term
(``O-NET``, ``O – NET``, ``O-Net`` → ``onet``) so that exact terms such as O-NET, PISA,
DLTV, coding, PM 2.5 and ITA match whatever way they were typed. Filters are applied
to the scores of all chunks (the corpus is small), on the chunk metadata saved next
to the index.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from assistant.domain import thai
from assistant.ingest.chunks import Chunk

BM25_DIR = "bm25"
_META_FILE = "chunks_meta.json"
_FILTER_KEYS = ("doc_id", "office_id", "strategy", "kind", "indicator")

# "O-NET", "O – NET", "PM-2.5": a Latin/digit run, a dash, a Latin run → one term
_DASHED = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]{1,6})\s*[-–—]\s*([A-Za-z]{2,})(?![A-Za-z])")
# a number keeps its decimal point; other punctuation separates tokens
_TOKEN_PART = re.compile(r"\d+(?:\.\d+)+|[0-9A-Za-z\u0e00-\u0e7f]+")
_ALIASES = {"โอเน็ต": "onet", "เอ็นที": "nt", "ปิซ่า": "pisa", "พิซ่า": "pisa"}


def lexical_tokens(text: str) -> list[str]:
    """Search terms of ``text`` for BM25 (same function for chunks and queries)."""
    text = _DASHED.sub(lambda m: m.group(1) + m.group(2), thai.to_arabic(text))
    out: list[str] = []
    for tok in thai.tokenize(text):
        for part in _TOKEN_PART.findall(tok):
            out.append(_ALIASES.get(part, part))
    return out


class LexicalIndex:
    """A BM25 index of chunks; ``search`` returns ``(chunk_id, score)`` best first."""

    def __init__(self, retriever, ids: list[str], meta: list[dict]):
        self.bm25 = retriever
        self.ids = ids
        self.meta = meta
        self._columns = {k: np.array([m.get(k) or "" for m in meta], dtype=object) for k in _FILTER_KEYS}

    @classmethod
    def build(cls, chunks: list[Chunk], path: Path | None = None) -> LexicalIndex:
        import bm25s

        tokens = [lexical_tokens(c.text) or [""] for c in chunks]
        retriever = bm25s.BM25()
        if chunks:
            retriever.index(tokens, show_progress=False)
        ids = [c.id for c in chunks]
        meta = [{k: c.metadata.get(k) for k in _FILTER_KEYS} for c in chunks]
        index = cls(retriever, ids, meta)
        if path is not None:
            index.save(path)
        return index

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self.bm25.save(str(path))
        (path / _META_FILE).write_text(
            json.dumps({"ids": self.ids, "meta": self.meta}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        import bm25s

        data = json.loads((path / _META_FILE).read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(path)) if data["ids"] else bm25s.BM25()
        return cls(retriever, data["ids"], data["meta"])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (zeros when no term is known)."""
        if not self.ids:
            return np.zeros(0, dtype=np.float32)
        ids = self.bm25.get_tokens_ids(lexical_tokens(query))
        if not ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)

    def mask(self, *, office_id: str | None = None, doc_id: str | None = None,
             strategy: str | None = None, kinds=None, indicator: str | None = None) -> np.ndarray:
        keep = np.ones(len(self.ids), dtype=bool)
        for key, val in (("office_id", office_id), ("doc_id", doc_id), ("strategy", strategy),
                         ("indicator", indicator)):
            if val is not None:
                keep &= self._columns[key] == str(val)
        if kinds:
            keep &= np.isin(self._columns["kind"], list(kinds))
        return keep

    def search(self, query: str, k: int = 10, *, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None,
               kinds=None, indicator: str | None = None) -> list[tuple[str, float]]:
        s = self.scores(query)
        if not len(s):
            return []
        s = np.where(self.mask(office_id=office_id, doc_id=doc_id, strategy=strategy, kinds=kinds,
                               indicator=indicator),
                     s, 0.0)
        hits = np.flatnonzero(s > 0)
        if not len(hits):
            return []
        order = hits[np.argsort(-s[hits], kind="stable")][:k]
        return [(self.ids[i], float(s[i])) for i in order]
