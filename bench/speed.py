"""Speed benchmark (not a test): warm answer latency by kind, cold start of
`planqa ask`, and ingest times. Prints a table with the machine it ran on.

Usage: .venv/bin/python bench/speed.py [--rounds 3] [--index DIR] [--gold FILE] [--profile N]

``--index DIR`` measures an index already built (no ingest timings); ``--gold FILE``
times another question set; ``--profile N`` prints the N costliest functions of the
warm answers (cProfile, cumulative time).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import settings  # noqa: E402
from assistant.ingest.pipeline import ingest, register_builder  # noqa: E402
from assistant.qa.evaluate import STRUCTURED, load_gold  # noqa: E402
from assistant.qa.retrieve import build_retrieval_index  # noqa: E402
from assistant.service import Assistant  # noqa: E402


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--index", type=Path, help="an index already built: skip the ingest timings")
    ap.add_argument("--gold", type=Path, default=ROOT / "eval" / "gold.yaml", help="the questions timed")
    ap.add_argument("--profile", type=int, default=0, help="print the N costliest functions (cProfile)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="planqa-bench-"))
    full = again = None
    if args.index:
        index = args.index
        settings.override(index_dir=index)
    else:
        index = tmp / "index"
        settings.override(index_dir=index)
        register_builder(build_retrieval_index)
        t0 = time.perf_counter()
        ingest()
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        ingest()
        again = time.perf_counter() - t0

    bot = Assistant(index)
    bot.warm()
    gold = load_gold(args.gold)
    lat: dict[str, list[float]] = {"structured": [], "hybrid": []}
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
    for _ in range(args.rounds):
        for g in gold:
            if g.get("conversation"):
                continue  # single questions only: turns depend on their conversation
            if prof:
                prof.enable()
            t = time.perf_counter()
            bot.ask(g["question"])
            dt = time.perf_counter() - t
            if prof:
                prof.disable()
            lat["structured" if (g.get("intent") or g.get("status")) in STRUCTURED else "hybrid"].append(dt)

    env = dict(os.environ, PLANQA_INDEX=str(index))
    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant.channels.cli", "ask",
                        "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        cold.append(time.perf_counter() - t)

    print(f"machine: {machine()}")
    print(f"questions: {len(gold)} gold questions x {args.rounds} rounds, warm")
    print("| measure | value |")
    print("|---|---|")
    for kind, xs in lat.items():
        print(f"| {kind} answers p50 / p95 (n={len(xs)}) | {1000 * pct(xs, .5):.1f} ms / {1000 * pct(xs, .95):.1f} ms |")
    print(f"| `planqa ask` cold start, median of 3 | {statistics.median(cold):.2f} s |")
    if full is not None:
        print(f"| ingest of the 5 documents, empty index (vectors + BM25 + SQLite) | {full:.1f} s |")
        print(f"| re-ingest of the 5 documents (unchanged chunks reuse vectors) | {again:.1f} s |")
    if prof:
        import pstats

        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
