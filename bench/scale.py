"""Scale benchmark (not a test): synthetic corpora of N plans on both backends.

A corpus of N plans is the five bundled plans plus renamed copies of them: copy ``i`` is
attributed (in ``metadata.yaml``, the text is never edited) to a synthetic office named
after a real province and area, so every copy is a separate office and plan. For each size
it reports, for the embedded backend (SQLite + embedded Chroma + bm25s) and the server
backend (PostgreSQL + a Chroma server, started here on loopback and stopped at the end):

- ingest time and ``embedded``, the passages actually embedded: a chunk's vector is
  computed from its text without the office label, so the chunks of a renamed copy reuse
  the original's vectors, and the embedding cache of the index dir makes the server build
  reuse the embedded build's, as a re-ingest does; index size;
- cold start: wall time of ``planqa ask`` on a structured question (median of 5, after one
  unmeasured run that compiles the bytecode, as an installed package has it);
- in a fresh worker process: p50/p95 of structured answers and of hybrid (search) answers,
  the time to load the hybrid retriever, whether it loaded (``hybrid_on``; otherwise the
  answers used the lexical fallback), ``dense_recall_at_10`` (the vector store's
  office-filtered top 10 against exact search over that office's vectors), and peak
  memory (max RSS); ``dense_recall_at_10`` is that of the dense search the retriever runs
  (exact per office, :mod:`assistant.stores.office_vectors`), ``hnsw_recall_at_10`` that
  of the Chroma collection's own office-filtered search; ``hybrid_cpu_p50_ms`` /
  ``hybrid_cpu_p95_ms`` the worker's CPU time per hybrid answer (less sensitive to other
  load than wall time); ``load_avg`` is the 1-minute load average when the row finished
  (figures under load are indicative only).

Usage: .venv/bin/python bench/scale.py --sizes 5,100 [--backends embedded,server]
       [--vectors-up-to 100] [--queries 40] [--json out.json] [--embedding-cache FILE]
       [--workdir DIR]
With ``--workdir`` the corpora and the embedded indexes are kept in DIR and a later run
reuses them (no ingest; the row repeats the first run's ingest figures, ``reused`` True);
the server backend keeps its data in DIR/servers (PostgreSQL's data directory, the Chroma
server's) and its build in DIR/index-N-server, so a later run restarts the servers on that
data and reuses the build too; without ``--workdir`` it is ingested in every run, starting
from the embedded index's embedding cache.
With ``--embedding-cache`` (an ``embeddings.sqlite`` of an index of the bundled plans) the
passages it holds are not embedded again: the ingest time then leaves out the embedding
that the 5-plan row measures (a renamed copy adds no new text to embed).
Sizes above --vectors-up-to are ingested without the vector index (structured store only;
hybrid figures are then "-"). Sizes above --stand-in-above embed passages with a stand-in
(``StandIn``: deterministic hash vectors, the real model's tokenizer so the chunks are the
same; queries still run the real model, so query latency includes real query embedding):
it measures search at that size without hours of passage embedding; its ingest time
excludes embedding (the real rate is the smaller sizes' ``embedded`` / embed seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402

BIN = Path(sys.executable).parent
BASE_OFFICE = "spp-chiangmai-6"
STRUCTURED_Q = "ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2568 ของ {office}"
STRUCTURED_EXPECT = "95"
# questions answered through search (guideline, open and align answers call the retriever)
HYBRID_Q = ["แนวทางเรื่อง{topic}ของ {office} มีอะไรบ้าง",
            "{office} เขียนเรื่อง{topic}ไว้อย่างไร",
            "โครงการ{topic} สอดคล้องกับกลยุทธ์ใดของ {office}"]
TOPICS = ["การพัฒนาครูด้านเทคโนโลยีดิจิทัล", "การลดความเหลื่อมล้ำทางการศึกษา", "โรงเรียนขนาดเล็ก",
          "สุขภาวะของนักเรียน", "ความปลอดภัยของนักเรียน", "การอ่านออกเขียนได้", "ทักษะอาชีพ",
          "ภาษาอังกฤษ", "ฝุ่น PM 2.5", "การศึกษาปฐมวัย", "การนิเทศภายใน", "ผลสัมฤทธิ์ O-NET"]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file() and not f.is_symlink())


# ---------------------------------------------------------------- corpus


def make_corpus(n: int, dest: Path) -> tuple[list[str], list[str]]:
    """Write a corpus of ``n`` plans; returns the aliases of the copies of the Chiang Mai
    plan and the aliases of every office with a plan."""
    from assistant.domain import thai

    src = ROOT / "corpus"
    meta = yaml.safe_load((src / "metadata.yaml").read_text(encoding="utf-8"))
    dest.mkdir(parents=True)
    docs = meta["documents"]
    offices = dict(meta["offices"])
    out_docs = []
    for d in docs[:n]:
        shutil.copy2(src / d["file"], dest / d["file"])
        out_docs.append(d)
    provinces = sorted({p[0] for p in thai.provinces()})
    aliases = [offices[BASE_OFFICE]["aliases"][0]]
    every = [offices[d["office"]]["aliases"][0] for d in docs[:n] if d.get("office")]
    for i in range(len(docs), n):
        base = docs[i % len(docs)]
        prov, area = provinces[i % len(provinces)], 1 + i // len(provinces)
        oid = f"spp-syn-{i:04d}"
        offices[oid] = {"name": f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{prov} เขต {area}", "kind": "สพป.",
                        "province": prov, "area": area, "level": "ประถม",
                        "aliases": [f"สพป.{prov} เขต {area}"]}
        stem, ext = os.path.splitext(base["file"])
        file = f"syn{i:04d}-{stem}{ext}"
        shutil.copy2(src / base["file"], dest / file)
        out_docs.append({**base, "file": file, "office": oid})
        if base.get("office") == BASE_OFFICE:
            aliases.append(f"สพป.{prov} เขต {area}")
        every.append(f"สพป.{prov} เขต {area}")
    (dest / "metadata.yaml").write_text(yaml.safe_dump({"offices": offices, "documents": out_docs},
                                                       allow_unicode=True, sort_keys=False), encoding="utf-8")
    return aliases, every


# ---------------------------------------------------------------- ingest


class StandIn:
    """The real embedder's tokenizer and query vectors' cost, hash vectors for passages."""

    def __init__(self, real):
        self.real = real
        self.name = f"{real.name}+bench-hash"
        self.dim = real.dim
        self.max_tokens = real.max_tokens

    def token_count(self, text: str) -> int:
        return self.real.token_count(text)

    def _hash(self, text: str):
        import hashlib

        import numpy as np

        seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_query(self, text: str):
        self.real.embed_query(text)  # pay the real query cost
        return self._hash(text)

    def embed_passages(self, texts: list[str]):
        import numpy as np

        return np.vstack([self._hash(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def use_stand_in() -> None:
    from assistant.qa import retrieve
    from assistant.stores import embed

    real = embed.get_embedder()
    stand_in = StandIn(real)
    retrieve.get_embedder = lambda *a, **k: stand_in


def ingest(corpus: Path, index: Path, *, vectors: bool, chroma_url: str | None = None,
           stand_in: bool = False) -> dict:
    from assistant import settings
    from assistant.ingest import pipeline
    from assistant.qa import retrieve

    if stand_in:
        use_stand_in()

    settings.override(corpus_dir=corpus, index_dir=index, chroma_url=chroma_url)
    stats: dict = {}

    def builder(build, store):
        stats.update(retrieve.build_retrieval_index(build, store))

    if vectors:
        pipeline.register_builder(builder)
    try:
        t0 = time.perf_counter()
        report = pipeline.ingest(corpus_dir=corpus, index_dir=index)
        took = time.perf_counter() - t0
    finally:
        pipeline.unregister_builder(builder)
        settings.reset()
    assert report.ok, [f.message() for f in report.failed]
    return {"ingest_s": round(took, 1), "documents": len(report.ingested), **stats}


# ---------------------------------------------------------------- worker


def worker(args) -> int:
    """Run in a fresh process: answer the questions, print latencies and peak memory."""
    from assistant import service
    from assistant.service import Assistant

    searches = [0]
    search_fn = service.Assistant.search_fn

    def counted(self, *a, **k):
        searches[0] += 1
        return search_fn(self, *a, **k)

    service.Assistant.search_fn = counted
    qs = json.loads(Path(args.worker).read_text(encoding="utf-8"))
    if qs.get("stand_in"):
        use_stand_in()
    t0 = time.perf_counter()
    a = Assistant(hybrid=bool(qs["hybrid"]))
    open_s = time.perf_counter() - t0
    out: dict = {"open_s": round(open_s, 3)}
    lat, ok = [], 0
    a.ask(qs["structured"][0])  # first answer: part of the cold start, not of the latencies
    for q in qs["structured"]:
        t = time.perf_counter()
        ans = a.ask(q)
        lat.append(time.perf_counter() - t)
        ok += ans.status == "answered" and [v.value for v in ans.values] == [STRUCTURED_EXPECT]
    out.update(structured_p50_ms=round(1000 * pct(lat, 0.5), 1), structured_p95_ms=round(1000 * pct(lat, 0.95), 1),
               structured_exact=f"{ok}/{len(lat)}", plans_loaded=a.store.plans.loaded())
    if qs["hybrid"]:
        t = time.perf_counter()
        a.warm()
        out["hybrid_load_s"] = round(time.perf_counter() - t, 2)
        out["hybrid_on"] = a.retriever is not None
        lat, cpu, answered, searched = [], [], 0, 0
        for q in qs["hybrid"]:
            searches[0] = 0
            t, c = time.perf_counter(), time.process_time()
            ans = a.ask(q)
            took, took_cpu = time.perf_counter() - t, time.process_time() - c
            answered += ans.status == "answered"
            if searches[0]:  # only answers that went through hybrid search count
                searched += 1
                lat.append(took)
                cpu.append(took_cpu)
        out.update(hybrid_p50_ms=round(1000 * pct(lat, 0.5), 1) if lat else None,
                   hybrid_p95_ms=round(1000 * pct(lat, 0.95), 1) if lat else None,
                   # CPU time of this process per answer: less sensitive to other load than wall time
                   hybrid_cpu_p50_ms=round(1000 * pct(cpu, 0.5), 1) if cpu else None,
                   hybrid_cpu_p95_ms=round(1000 * pct(cpu, 0.95), 1) if cpu else None,
                   hybrid_searched=f"{searched}/{len(qs['hybrid'])}",
                   hybrid_answered=f"{answered}/{len(qs['hybrid'])}")
        if a.retriever is not None:
            out["dense_recall_at_10"] = dense_recall(a.retriever, qs["hybrid"])
            out["hnsw_recall_at_10"] = dense_recall(a.retriever, qs["hybrid"], hnsw=True)
    out["max_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))
    return 0


def dense_recall(retriever, questions: list[str], k: int = 10, *, hnsw: bool = False) -> float:
    """Recall of the retriever's office-filtered dense top ``k`` (``hnsw``: of the Chroma
    collection's) against exact search over the same office's vectors (vectors.npy):
    renamed copies make many identical vectors, which an approximate (HNSW) index could
    lose under a filter."""
    import numpy as np

    ids = list(retriever.chunks)
    vecs = np.load(retriever.path / "vectors.npy", mmap_mode="r")[: len(ids)]
    offices = sorted({c.metadata.get("office_id") or "" for c in retriever.chunks.values()} - {""})
    rows: dict[str, list[int]] = {}
    for i, cid in enumerate(ids):
        rows.setdefault(retriever.chunks[cid].metadata.get("office_id") or "", []).append(i)
    rng = random.Random(7)
    found = total = 0
    for q in questions:
        office = rng.choice(offices)
        qv = retriever.embedder.embed_query(q)
        idx = np.asarray(rows[office])
        sims = np.asarray(vecs[idx]) @ qv
        exact = {ids[idx[j]] for j in np.argsort(-sims, kind="stable")[:k]}
        store = retriever.vectors if hnsw else getattr(retriever, "dense", retriever.vectors)
        got = {cid for cid, _ in store.search(qv, k, office_id=office)}
        found += len(exact & got)
        total += len(exact)
    return round(found / total, 3) if total else None


def peak_rss_mb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent across fork + exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_worker(env: dict, questions: dict, tmp: Path) -> dict:
    qfile = tmp / f"q-{time.time_ns()}.json"
    qfile.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    res = subprocess.run([sys.executable, __file__, "--worker", str(qfile)], env=env, capture_output=True,
                         text=True, timeout=3600)
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def cold_start(env: dict, question: str, rounds: int = 5) -> dict:
    """Median wall time and CPU time (user + system, less sensitive to other load) of
    ``planqa ask`` answering a structured question in a new process, as an installed
    package runs: with its bytecode compiled (PYTHONDONTWRITEBYTECODE is dropped and one
    unmeasured run writes it; compiling the sources costs ~0.4 s per start otherwise)."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([str(BIN / "planqa"), "ask", question], env=env, capture_output=True, text=True)
    times, cpu = [], []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        res = subprocess.run([str(BIN / "planqa"), "ask", question], env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if res.returncode or STRUCTURED_EXPECT not in res.stdout:
            raise RuntimeError(f"planqa ask failed: {res.stdout[-500:]} {res.stderr[-1500:]}")
    return {"cold_start_s": round(statistics.median(times), 2), "cold_start_cpu_s": round(statistics.median(cpu), 2)}


def published_build(url: str) -> str | None:
    """The build directory name the PostgreSQL pointer was published from."""
    from assistant.stores.postgres import _connect, current_build

    with _connect(url) as con:
        return current_build(con)[1]


def _build_name(index: Path) -> str | None:
    cur = index / "current"
    return cur.resolve().name if cur.exists() else None


def pg_size(url: str, schema: str) -> int:
    import psycopg

    with psycopg.connect(url) as con:
        return int(con.execute("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                           (schema,)).fetchone()[0])


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5,100")
    ap.add_argument("--backends", default="embedded,server")
    ap.add_argument("--vectors-up-to", type=int, default=100)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--stand-in-above", type=int, default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--embedding-cache", default=None,
                    help="an index's embeddings.sqlite to start every index with: texts it holds "
                         "are not embedded again (the row's `embedded` counts the others)")
    ap.add_argument("--workdir", default=None,
                    help="keep corpora and embedded indexes here and reuse them in later runs")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    for k in ("PYTHAINLP_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(k, "1")
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    # the corpora are renamed copies: vectors from text without the office label are shared
    # across copies (PLANQA_SHARE_VECTORS; off by default, as the label helps retrieval)
    os.environ.setdefault("PLANQA_SHARE_VECTORS", "1")
    backends = args.backends.split(",")
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on kill too
    tmp = Path(tempfile.mkdtemp(prefix="planqa-scale-"))
    work = Path(args.workdir).resolve() if args.workdir else tmp
    work.mkdir(parents=True, exist_ok=True)
    servers = []
    rows = []
    try:
        pg = ch = None
        if "server" in backends:
            import servers as srv

            keep = work / "servers" if args.workdir else None  # their data outlive the run with --workdir
            pg = srv.start_postgres(keep / "pg" if keep else None)
            ch = srv.start_chroma(root=keep / "chroma" if keep else None)
            servers += [pg, ch]
        for n in [int(x) for x in args.sizes.split(",")]:
            corpus, index = work / f"corpus-{n}", work / f"index-{n}"
            made = corpus / ".bench-corpus.json"  # hidden: ingest skips dot files
            if made.exists():
                aliases, every = json.loads(made.read_text(encoding="utf-8"))
            else:
                shutil.rmtree(corpus, ignore_errors=True)
                aliases, every = make_corpus(n, corpus)
                made.write_text(json.dumps([aliases, every], ensure_ascii=False), encoding="utf-8")
            rng = random.Random(n)
            vectors = n <= args.vectors_up_to
            stand_in = vectors and args.stand_in_above is not None and n > args.stand_in_above
            questions = {"structured": [STRUCTURED_Q.format(office=rng.choice(aliases)) for _ in range(args.queries)],
                         "hybrid": [rng.choice(HYBRID_Q).format(topic=rng.choice(TOPICS), office=rng.choice(every))
                                    for _ in range(args.queries)] if vectors else [],
                         "stand_in": stand_in}
            base_env = {**os.environ, "PLANQA_CORPUS": str(corpus), "PLANQA_INDEX": str(index)}
            from assistant.stores.vector_cache import CACHE_FILE

            if args.embedding_cache and not (index / CACHE_FILE).exists():
                index.mkdir(parents=True, exist_ok=True)
                shutil.copy2(args.embedding_cache, index / CACHE_FILE)
            for backend in backends:
                print(f"[{time.strftime('%H:%M:%S')}] {n} plans, {backend}: ingest", file=sys.stderr, flush=True)
                env = dict(base_env)
                stamp = index / f"bench-{'vectors' if vectors else 'plain'}-{stand_in}.json"
                if backend == "embedded" and stamp.exists() and (index / "current").exists():
                    got = {**json.loads(stamp.read_text(encoding="utf-8")), "reused": True}
                    size = du(index / "current")
                elif backend == "embedded":
                    got = ingest(corpus, index, vectors=vectors, stand_in=stand_in)
                    size = du(index / "current")
                    for old in index.glob("bench-*.json"):
                        old.unlink()
                    stamp.write_text(json.dumps(got), encoding="utf-8")
                else:
                    sindex = work / f"index-{n}-server"
                    sstamp = sindex / f"bench-{'vectors' if vectors else 'plain'}-{stand_in}.json"
                    env["PLANQA_INDEX"] = str(sindex)
                    from assistant.ingest.pipeline import store_path
                    from assistant.stores.postgres import publish

                    if args.workdir and sstamp.exists() and published_build(pg.url) == _build_name(sindex):
                        got = {**json.loads(sstamp.read_text(encoding="utf-8")), "reused": True}
                        schema = got.pop("schema")
                    else:
                        shutil.rmtree(sindex, ignore_errors=True)
                        sindex.mkdir(parents=True)
                        if (index / CACHE_FILE).exists():  # as a re-ingest: the embedded build's vectors
                            shutil.copy2(index / CACHE_FILE, sindex / CACHE_FILE)
                        got = ingest(corpus, sindex, vectors=vectors, chroma_url=ch.url, stand_in=stand_in)
                        t = time.perf_counter()
                        schema = publish(store_path(sindex), pg.url)
                        got["publish_s"] = round(time.perf_counter() - t, 1)
                        sstamp.write_text(json.dumps({**got, "schema": schema}), encoding="utf-8")
                    size = du(sindex / "current") - (sindex / "current" / "plans.sqlite").stat().st_size \
                        + pg_size(pg.url, schema) + du(ch.dir / "data")
                    env.update(PLANQA_DATABASE_URL=pg.url, PLANQA_CHROMA_URL=ch.url)
                print(f"[{time.strftime('%H:%M:%S')}] {n} plans, {backend}: queries", file=sys.stderr, flush=True)
                row = {"plans": n, "backend": backend, "stand_in": stand_in, **got, "index_mb": round(size / 2**20, 1),
                       **cold_start(env, questions["structured"][0])}
                row.update(run_worker(env, questions, tmp))
                row["load_avg"] = round(os.getloadavg()[0], 2)
                if backend != "embedded" and not args.workdir:
                    shutil.rmtree(work / f"index-{n}-server", ignore_errors=True)
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    cols = ["plans", "backend", "stand_in", "ingest_s", "embedded", "index_mb", "cold_start_s", "cold_start_cpu_s",
            "structured_p50_ms",
            "structured_p95_ms", "structured_exact", "hybrid_load_s", "hybrid_on", "hybrid_p50_ms", "hybrid_p95_ms",
            "hybrid_cpu_p50_ms", "hybrid_cpu_p95_ms", "hybrid_searched", "dense_recall_at_10", "hnsw_recall_at_10", "max_rss_mb", "load_avg"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "-")) for c in cols) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
