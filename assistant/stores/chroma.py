"""Dense vector store: a persistent Chroma collection written through llama-index.

The one module that imports chromadb and llama-index. Chunks become llama-index
``TextNode`` objects (with our own embeddings and flat metadata) only here, and query
results come back as ``(chunk_id, cosine)`` pairs. Nothing here can download a model:
every collection is created and opened with ``embedding_function=None`` and always gets
vectors computed by :mod:`assistant.stores.embed`; Chroma telemetry is off; llama-index gets a
mock LLM and our embedder.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from assistant.ingest.chunks import Chunk
from assistant.stores.embed import Embedder

CHROMA_DIR = "chroma"
_FLAT_KEYS = ("record_id", "doc_id", "office_id", "kind", "strategy", "indicator", "guideline")

_lock = threading.Lock()
_clients: dict[str, object] = {}
_configured: set[int] = set()


def _prepare_env() -> None:
    """Offline settings that must be in place before llama-index is imported."""
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        spec = importlib.util.find_spec("llama_index.core")
        if spec and spec.submodule_search_locations:
            cache = Path(list(spec.submodule_search_locations)[0]) / "_static" / "tiktoken_cache"
            os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def configure_llama_index(embedder: Embedder) -> None:
    """Point llama-index's global settings at our embedder and a mock LLM (no network)."""
    _prepare_env()
    with _lock:
        if id(embedder) in _configured:
            return
        from llama_index.core import Settings
        from llama_index.core.llms import MockLLM

        Settings.llm = MockLLM()
        Settings.embed_model = _llama_embedding(embedder)
        _configured.clear()
        _configured.add(id(embedder))


def _llama_embedding(embedder: Embedder):
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class PlanQAEmbedding(BaseEmbedding):
        _emb: Embedder = PrivateAttr()

        def __init__(self, emb: Embedder):
            super().__init__(model_name=emb.name, embed_batch_size=32)
            self._emb = emb

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._emb.embed_query(query).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._emb.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._emb.embed_passages(texts).tolist()

    return PlanQAEmbedding(embedder)


def _server_url() -> str | None:
    from assistant import settings

    return settings.get().chroma_url


def _client(path: Path):
    """The embedded client of ``path``, or the Chroma server's (``PLANQA_CHROMA_URL``)."""
    _prepare_env()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    url = _server_url()
    key = url or str(path.resolve())
    with _lock:
        c = _clients.get(key)
        if c is None:
            if url:
                u = urlsplit(url)
                c = chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                        ssl=u.scheme == "https",
                                        settings=ChromaSettings(anonymized_telemetry=False))
            else:
                path.mkdir(parents=True, exist_ok=True)
                c = chromadb.PersistentClient(path=key, settings=ChromaSettings(anonymized_telemetry=False))
            _clients[key] = c
    return c


def _max_batch(client) -> int:
    try:
        return int(client.get_max_batch_size())
    except Exception:  # older clients: Chroma's smallest documented limit
        return 5461


def collection_name(chroma_dir: Path, name: str) -> str:
    """On a server every build has its own collections, named after the build directory
    (``<build>--chunks``); embedded, the build's own directory holds ``name``."""
    if not _server_url():
        return name
    return f"{Path(chroma_dir).resolve().parent.name}--{name}"


def _prune_server(client, chroma_dir: Path) -> None:
    """Drop server collections of builds that are neither this one nor the live one."""
    build = Path(chroma_dir).resolve().parent
    live = build.parent / "current"
    keep = {build.name}
    if live.exists():
        keep.add(live.resolve().name)
    for c in client.list_collections():
        cname = c.name if hasattr(c, "name") else c
        if "--" in cname and cname.startswith("build-") and cname.split("--", 1)[0] not in keep:
            client.delete_collection(cname)


# ---------------------------------------------------------------- chunk ↔ node


def _flat(meta: dict) -> dict:
    out = {k: ("" if meta.get(k) is None else str(meta[k])) for k in _FLAT_KEYS}
    out["years"] = ",".join(str(y) for y in meta.get("years") or [])
    out["start"] = -1 if meta.get("start") is None else int(meta["start"])
    out["end"] = -1 if meta.get("end") is None else int(meta["end"])
    return out


def _unflat(meta: dict) -> dict:
    out = {k: (meta.get(k) or None) for k in _FLAT_KEYS}
    out["years"] = [int(y) for y in str(meta.get("years") or "").split(",") if y]
    for k in ("start", "end"):
        v = meta.get(k)
        out[k] = None if v is None or int(v) < 0 else int(v)
    return out


def chunk_to_node(chunk: Chunk, vector: np.ndarray):
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    meta = _flat(chunk.metadata)
    return TextNode(
        id_=chunk.id,
        text=chunk.text,
        metadata=meta,
        embedding=[float(x) for x in vector],
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=meta["doc_id"] or "-")},
        excluded_embed_metadata_keys=list(meta),
        excluded_llm_metadata_keys=list(meta),
    )


def node_to_chunk(node) -> Chunk:
    return Chunk(node.node_id, node.get_content(), _unflat(node.metadata))


# ---------------------------------------------------------------- store


def write_collection(chroma_dir: Path, name: str, chunks: list[Chunk], vectors: np.ndarray,
                     embedder: Embedder) -> None:
    """Create collection ``name`` in ``chroma_dir`` holding ``chunks`` with ``vectors``."""
    if len(chunks) != len(vectors):
        raise ValueError("one vector per chunk is required")
    configure_llama_index(embedder)
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = _client(chroma_dir)
    if _server_url():
        _prune_server(client, chroma_dir)
    name = collection_name(chroma_dir, name)
    if name in [c.name if hasattr(c, "name") else c for c in client.list_collections()]:
        client.delete_collection(name)
    col = client.create_collection(
        name,
        configuration={"hnsw": {"space": "cosine", "ef_search": 200, "ef_construction": 200}},
        metadata={"embedder": embedder.name, "dim": int(embedder.dim)},
        embedding_function=None,
    )
    if not chunks:
        return
    store = ChromaVectorStore(chroma_collection=col)
    nodes = [chunk_to_node(c, v) for c, v in zip(chunks, vectors, strict=True)]
    step = max(1, min(_max_batch(client), 4096))  # Chroma refuses larger batches (5,461 embedded)
    for i in range(0, len(nodes), step):
        store.add(nodes[i : i + step])


class VectorIndex:
    """Read side of one collection: dense search with metadata filters."""

    def __init__(self, chroma_dir: Path, name: str, embedder: Embedder):
        self.embedder = embedder
        self.collection = _client(chroma_dir).get_collection(collection_name(chroma_dir, name),
                                                             embedding_function=None)
        self._store = None
        meta = self.collection.metadata or {}
        self.embedder_name = meta.get("embedder")
        self.dim = meta.get("dim")

    def count(self) -> int:
        return self.collection.count()

    def search(self, vector: np.ndarray, k: int = 10, *, office_id: str | None = None,
               doc_id: str | None = None, strategy: str | None = None,
               kinds: list[str] | tuple[str, ...] | None = None,
               indicator: str | None = None) -> list[tuple[str, float]]:
        """Top-``k`` ``(chunk_id, cosine)`` for a query vector, filtered on metadata."""
        # Queries go to the Chroma collection directly (the chunks were written through
        # llama-index's ChromaVectorStore, whose metadata keys are the chunk's own):
        # importing llama-index costs ~1.6 s of every cold start.
        res = self.collection.query(query_embeddings=[[float(x) for x in vector]], n_results=k,
                                    where=_where(office_id, doc_id, strategy, kinds, indicator),
                                    include=["distances"])
        ids = (res.get("ids") or [[]])[0]
        dists = (res.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=False)]  # cosine distance = 1 - cos

    @property
    def store(self):
        """The collection as a llama-index ChromaVectorStore (loaded on first use)."""
        if self._store is None:
            configure_llama_index(self.embedder)
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._store = ChromaVectorStore(chroma_collection=self.collection)
        return self._store

    def chunks(self) -> list[Chunk]:
        """Every stored chunk, read back through llama-index nodes."""
        return [node_to_chunk(n) for n in self.store.get_nodes(None)]

    def embeddings(self) -> np.ndarray:
        got = self.collection.get(include=["embeddings"])
        return np.asarray(got["embeddings"], dtype=np.float32)


def _where(office_id, doc_id, strategy, kinds, indicator=None) -> dict | None:
    """The same filters as a Chroma ``where`` clause."""
    conds: list[dict] = []
    for key, val in (("office_id", office_id), ("doc_id", doc_id), ("strategy", strategy),
                     ("indicator", indicator)):
        if val is not None:
            conds.append({key: {"$eq": str(val)}})
    if kinds:
        kinds = list(kinds)
        conds.append({"kind": {"$eq": kinds[0]}} if len(kinds) == 1 else {"kind": {"$in": kinds}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}
