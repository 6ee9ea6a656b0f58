"""Lexical search: BM25 (bm25s) over Thai word tokens of the chunk texts.

bm25s' own tokenizer mangles Thai, so it is given :func:`lexical_tokens`: pythainlp
words from :func:`assistant.domain.thai.tokenize` (Thai digits → Arabic, lower-cased), split
from punctuation, with Latin acronyms written with a dash joined into one term
(``O-NET``, ``O – NET``, ``O-Net`` → ``onet``) so that exact terms such as O-NET, PISA,
DLTV, coding, PM 2.5 and ITA match whatever way they were typed. Filters are applied
to the scores of the index's chunks, on the chunk metadata saved next to the index.

:class:`ShardedLexical` (what ingest builds) keeps one BM25 shard per office, loaded on
first use, so a question restricted to one office scores only that office's chunks (with
that office's term statistics), plus one index of every chunk for questions that name no
office. Chunk texts of renamed copies of a plan differ only in the office label, so the
texts are tokenized label and body apart, each distinct body once.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import numpy as np

from assistant.domain import thai
from assistant.ingest.chunks import Chunk

BM25_DIR = "bm25"
_META_FILE = "chunks_meta.json"
SHARDS_FILE = "shards.json"
ALL_SHARD = "all"
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
    def build(cls, chunks: list[Chunk], path: Path | None = None,
              tokens: list[list[str]] | None = None) -> LexicalIndex:
        import bm25s

        if tokens is None:
            tokens = chunk_tokens(chunks)
        tokens = [t or [""] for t in tokens]
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


def chunk_tokens(chunks: list[Chunk]) -> list[list[str]]:
    """:func:`lexical_tokens` of every chunk's text; the office label before
    ``embed_from`` (it ends at a space or line break) and the body are tokenized apart,
    and each distinct part once."""
    memo: dict[str, list[str]] = {}

    def toks(text: str) -> list[str]:
        got = memo.get(text)
        if got is None:
            got = memo[text] = lexical_tokens(text)
        return got

    out = []
    for c in chunks:
        cut = c.embed_from if 0 < c.embed_from < len(c.text) and c.text[c.embed_from - 1].isspace() else 0
        out.append(toks(c.text[:cut]) + toks(c.text[cut:]) if cut else list(toks(c.text)))
    return out


class ShardedLexical:
    """BM25 shards per office (``office_id``; ``""`` for chunks of no office) and one
    index of all chunks. ``search`` with ``office_id`` scores that office's shard only."""

    def __init__(self, path: Path, shards: dict[str, str]):
        self.path = Path(path)
        self.shard_dirs = shards
        self._loaded: dict[str, LexicalIndex] = {}
        self._lock = threading.Lock()

    @classmethod
    def build(cls, chunks: list[Chunk], path: Path) -> ShardedLexical:
        path = Path(path)
        tokens = chunk_tokens(chunks)
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(chunks):
            groups.setdefault(str(c.metadata.get("office_id") or ""), []).append(i)
        shards = {ALL_SHARD: ALL_SHARD}
        LexicalIndex.build(chunks, path / ALL_SHARD, tokens)
        for n, (office, idx) in enumerate(sorted(groups.items()), 1):
            name = f"office-{n:05d}"
            LexicalIndex.build([chunks[i] for i in idx], path / name, [tokens[i] for i in idx])
            shards[f"office:{office}"] = name
        (path / SHARDS_FILE).write_text(json.dumps(shards, ensure_ascii=False), encoding="utf-8")
        return cls(path, shards)

    def shard(self, office_id: str | None) -> LexicalIndex | None:
        """The index of ``office_id`` (``None``: all chunks), loaded on first use."""
        key = ALL_SHARD if office_id is None else f"office:{office_id}"
        name = self.shard_dirs.get(key)
        if name is None:
            return None
        with self._lock:
            index = self._loaded.get(key)
            if index is None:
                index = self._loaded[key] = LexicalIndex.load(self.path / name)
            return index

    def search(self, query: str, k: int = 10, *, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None,
               kinds=None, indicator: str | None = None) -> list[tuple[str, float]]:
        index = self.shard(None if office_id is None else str(office_id))
        if index is None:  # an office with no chunks
            return []
        return index.search(query, k, office_id=office_id, doc_id=doc_id, strategy=strategy, kinds=kinds,
                            indicator=indicator)


def open_lexical(path: Path) -> ShardedLexical | LexicalIndex:
    """The lexical index saved at ``path``: sharded, or one index (builds made before
    sharding)."""
    path = Path(path)
    if (path / SHARDS_FILE).exists():
        return ShardedLexical(path, json.loads((path / SHARDS_FILE).read_text(encoding="utf-8")))
    return LexicalIndex.load(path)
