"""Embedding cache: passage vectors by (model, SHA-256 of the text), kept across builds.

A build embeds only the texts no earlier build embedded with the same model: the cache is
one SQLite file in the index directory (``<index>/embeddings.sqlite``, beside the builds,
so swapping or removing a build keeps it). Identical texts — the same chunk of renamed
copies of one plan, an unchanged plan on re-ingest — are embedded once. Vectors are
stored as raw float32 bytes of the model's dimension; a row of another size is ignored.

:class:`StoredPassages` is the read side of the passage vectors a build keeps for texts
that have no chunk (``passage_vectors.npy`` + ``.json``, written by
:func:`save_passages`): an embedder whose ``embed_passages`` returns those vectors and
embeds only other texts.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np

CACHE_FILE = "embeddings.sqlite"
PASSAGES_FILE = "passage_vectors.npy"
PASSAGE_KEYS_FILE = "passage_vectors.json"
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


def save_passages(build_dir: Path, model: str, texts: list[str], vectors: np.ndarray) -> None:
    """Keep ``vectors`` of ``texts`` in the build (one row per distinct text)."""
    if len(texts) != len(vectors):
        raise ValueError("one vector per text is required")
    keys = [text_key(t) for t in texts]
    np.save(Path(build_dir) / PASSAGES_FILE, np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))
    (Path(build_dir) / PASSAGE_KEYS_FILE).write_text(json.dumps({"embedder": model, "keys": keys}),
                                                     encoding="utf-8")


class StoredPassages:
    """An :class:`~assistant.stores.embed.Embedder` that answers ``embed_passages`` from a
    build's stored passage vectors and embeds only texts the build did not store (all of
    them when the files are missing or from another model)."""

    def __init__(self, embedder, build_dir: Path):
        self.embedder = embedder
        self.name, self.dim, self.max_tokens = embedder.name, embedder.dim, embedder.max_tokens
        self._rows: dict[str, int] = {}
        self._vecs = np.zeros((0, int(embedder.dim)), dtype=np.float32)
        try:
            head = json.loads((Path(build_dir) / PASSAGE_KEYS_FILE).read_text(encoding="utf-8"))
            vecs = np.load(Path(build_dir) / PASSAGES_FILE)
        except (OSError, ValueError):
            return
        if head.get("embedder") == embedder.name and vecs.shape == (len(head["keys"]), int(embedder.dim)):
            self._rows = {k: i for i, k in enumerate(head["keys"])}
            self._vecs = vecs.astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self._rows)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def token_count(self, text: str) -> int:
        return self.embedder.token_count(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), int(self.dim)), dtype=np.float32)
        todo = []
        for i, t in enumerate(texts):
            row = self._rows.get(text_key(t))
            if row is None:
                todo.append(i)
            else:
                out[i] = self._vecs[row]
        if todo:
            out[todo] = self.embedder.embed_passages([texts[i] for i in todo])
        return out
