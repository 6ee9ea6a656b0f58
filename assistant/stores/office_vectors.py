"""Exact dense search inside one office (or one document): numpy over that office's vectors.

An approximate (HNSW) index of every office's chunks answers a query filtered to one
office slowly and not always completely: with 1,000 plans (105,600 vectors) Chroma's
filtered search took most of a hybrid answer's time, and it missed part of the exact top
10. One office has a few hundred chunks, so an exact dot product over its vectors is
cheap and complete. :class:`OfficeVectors` reads the build's ``vectors.npy`` (memory
mapped; row ``i`` is the ``i``-th chunk of ``chunks.json``), groups the rows by office
from the chunk metadata, copies an office's rows into memory on its first query and keeps
the ``max_offices`` most recently used. A query with neither an office nor a document
goes to the wrapped store (Chroma: HNSW without an office filter), which also answers
when the vectors file does not match the chunks.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.ingest.chunks import Chunk
from assistant.stores.protocols import VectorStore

MAX_OFFICES = 512  # offices kept in memory (a few hundred chunks each: ~150 KB per office)
_FILTER_KEYS = ("doc_id", "strategy", "kind", "indicator")


@dataclass
class _Group:
    """One office's chunks: ids, unit vectors (rows × dim) and filter columns."""

    ids: list[str]
    vecs: np.ndarray
    columns: dict[str, np.ndarray]


class OfficeVectors:
    """:class:`~assistant.stores.protocols.VectorStore` that searches one office exactly."""

    def __init__(self, fallback: VectorStore, vectors_path: Path, chunks: list[Chunk], *,
                 max_offices: int = MAX_OFFICES):
        self.fallback = fallback
        self.path = Path(vectors_path)
        self.max_offices = max(1, int(max_offices))
        self._chunks = list(chunks)
        self._rows: dict[str, list[int]] = {}
        self._office_of_doc: dict[str, str] = {}
        for i, c in enumerate(self._chunks):  # one pass: a group's columns are built on its first query
            meta = c.metadata
            office = str(meta.get("office_id") or "")
            self._rows.setdefault(office, []).append(i)
            self._office_of_doc.setdefault(str(meta.get("doc_id") or ""), office)
        self._vectors: np.ndarray | None = None
        self._groups: OrderedDict[str, _Group] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------ loading
    def _matrix(self) -> np.ndarray | None:
        """The build's vectors (memory mapped), or ``None`` when they cannot serve."""
        if self._vectors is None:
            try:
                v = np.load(self.path, mmap_mode="r")
            except (OSError, ValueError):
                v = None
            ok = v is not None and v.ndim == 2 and len(v) >= len(self._chunks)
            self._vectors = v if ok else np.zeros((0, 0), dtype=np.float32)
        return self._vectors if len(self._vectors) else None

    def _group(self, office: str) -> _Group | None:
        with self._lock:
            g = self._groups.get(office)
            if g is not None:
                self._groups.move_to_end(office)
                return g
            rows = self._rows.get(office)
            matrix = self._matrix()
            if rows is None or matrix is None:
                return None
            vecs = np.asarray(matrix[rows], dtype=np.float32)
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.where(norms == 0, 1, norms)
            chunks = [self._chunks[i] for i in rows]
            cols = {k: np.array([str(c.metadata.get(k) or "") for c in chunks], dtype=object) for k in _FILTER_KEYS}
            g = self._groups[office] = _Group([c.id for c in chunks], vecs, cols)
            while len(self._groups) > self.max_offices:
                self._groups.popitem(last=False)
            return g

    def loaded(self) -> int:
        """How many offices' vectors are in memory now."""
        return len(self._groups)

    # ------------------------------------------------------------ protocol
    def count(self) -> int:
        return self.fallback.count()

    def search(self, vector: np.ndarray, k: int = 10, *, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None, kinds=None,
               indicator: str | None = None) -> list[tuple[str, float]]:
        """Top-``k`` ``(chunk_id, cosine)``; exact when an office or a document is given."""
        filters = {"office_id": office_id, "doc_id": doc_id, "strategy": strategy, "kinds": kinds,
                   "indicator": indicator}
        if office_id is None and doc_id is None:
            return self.fallback.search(vector, k, **filters)
        office = str(office_id) if office_id is not None else self._office_of_doc.get(str(doc_id))
        if office is None or (office not in self._rows and office_id is not None):
            return []  # an office or document with no chunks
        if self._matrix() is None:
            return self.fallback.search(vector, k, **filters)
        g = self._group(office)
        if g is None or k <= 0:
            return []
        keep = np.ones(len(g.ids), dtype=bool)
        for key, val in (("doc_id", doc_id), ("strategy", strategy), ("indicator", indicator)):
            if val is not None:
                keep &= g.columns[key] == str(val)
        if kinds:
            keep &= np.isin(g.columns["kind"], [str(x) for x in kinds])
        rows = np.flatnonzero(keep)
        if not len(rows):
            return []
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
        n = float(np.linalg.norm(q))
        sims = g.vecs[rows] @ (q / n if n else q)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(g.ids[rows[j]], float(sims[j])) for j in order]
