"""Embedding cache: passage vectors by (model, SHA-256 of the text), kept across builds.

A build embeds only the texts no earlier build embedded with the same model: the cache is
one SQLite file in the index directory (``<index>/embeddings.sqlite``, beside the builds,
so swapping or removing a build keeps it). Identical texts — the same chunk of renamed
copies of one plan, an unchanged plan on re-ingest — are embedded once. Vectors are
stored as raw float32 bytes of the model's dimension; a row of another size is ignored.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

CACHE_FILE = "embeddings.sqlite"
_CHUNK = 500  # keys per SELECT (SQLite's variable limit is far above)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors of one model, looked up and stored by text hash."""

    def __init__(self, path: Path, model: str, dim: int):
        self.path = Path(path)
        self.model = model
        self.dim = int(dim)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(str(self.path), timeout=60)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key TEXT NOT NULL, "
                         "vec BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID")
        self.con.commit()

    @classmethod
    def for_index(cls, index_dir: Path, embedder) -> EmbeddingCache:
        return cls(Path(index_dir) / CACHE_FILE, embedder.name, embedder.dim)

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), _CHUNK):
            part = keys[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            for key, blob in self.con.execute(
                    f"SELECT key, vec FROM vectors WHERE model=? AND key IN ({marks})", (self.model, *part)):
                v = np.frombuffer(blob, dtype=np.float32)
                if v.shape == (self.dim,):
                    out[key] = v
        return out

    def put(self, items: dict[str, np.ndarray]) -> None:
        rows = [(self.model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()]
        with self.con:
            self.con.executemany("INSERT OR REPLACE INTO vectors (model, key, vec) VALUES (?, ?, ?)", rows)

    def count(self) -> int:
        return self.con.execute("SELECT COUNT(*) FROM vectors WHERE model=?", (self.model,)).fetchone()[0]

    def embed(self, embedder, texts: list[str], *, batch: int = 256) -> tuple[np.ndarray, int]:
        """Vectors of ``texts`` (one row each) and how many distinct texts were embedded
        now. New vectors are stored batch by batch, so an interrupted build keeps them."""
        keys = [text_key(t) for t in texts]
        have = self.get(keys)
        todo: dict[str, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in have and k not in todo:
                todo[k] = t
        pending = list(todo.items())
        for i in range(0, len(pending), batch):
            part = pending[i : i + batch]
            vecs = embedder.embed_passages([t for _, t in part])
            new = {k: np.asarray(v, dtype=np.float32) for (k, _), v in zip(part, vecs, strict=True)}
            self.put(new)
            have.update(new)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = have[k]
        return out, len(todo)

    def close(self) -> None:
        self.con.close()
