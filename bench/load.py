"""Load run against POST /api/ask on loopback: concurrent clients asking mixed questions.

    .venv/bin/python bench/load.py                       # starts `planqa serve` itself
    .venv/bin/python bench/load.py --clients 20 --duration 60
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --duration 15

Bounded: stops after --duration seconds (at most 600) or --max-requests, whichever is
first. Only loopback addresses (127.0.0.0/8, localhost, ::1) are accepted as targets.
Prints requests, throughput, error count and p50/p95/p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
MAX_DURATION = 600

# Real questions about the corpus plans, the way users type them: numeric targets,
# a clarify, listings, guidelines, vision, project alignment, a budget not_found,
# typos/abbreviations, and one with an explicit office.
QUESTIONS: list[dict] = [
    {"question": "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"},
    {"question": "เชียงใหม่ เขต 6 กลยุทธ์ 2 ตัวชี้วัดที่ 4 เป้าปี ๒๕๗๐ กี่เปอร์เซ็นต์"},
    {"question": "เป้าเด็กออกกลางคัน เด็กตกหล่นกลับเข้าระบบ ของ สพป.เชียงใหม่6 ปี 67 เท่าไรครับ"},
    {"question": "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568"},
    {"question": "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568", "office": "spm-lampang-lamphun"},
    {"question": "วิสัยทัศน์ของ สพป.ตรัง เขต 2"},
    {"question": "แนวทางการพัฒนา นโยบายที่ 2 ของ สพม.ลำปาง ลำพูน"},
    {"question": "ตัวชี้วัดเกี่ยวกับครู ของ สพป.ยโสธร เขต 2"},
    {"question": "กลยุทธ์ทั้งหมดของ สพป.ตรัง เขต 2"},
    {"question": "โครงการส่งเสริมการอ่าน สอดคล้องกับกลยุทธ์ใด ของ สพป.ยโสธร เขต 2"},
    {"question": "ผลการดำเนินงานตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2561 ของ สพป.ตรัง เขต 2"},
    {"question": "งบประมาณโครงการพัฒนาครูของ สพป.เชียงใหม่ เขต 6 กี่บาท"},
    {"question": "พันธกิจของ สพป.เชียงใหม่ เขต 6"},
    {"question": "ตัวชี้วัดของนโยบายที่ 3 ของ สพม.ลำปาง ลำพูน"},
]


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                return json.loads(r.read())
        except Exception as e:  # not up yet
            last = e
            time.sleep(0.25)
    raise SystemExit(f"the server did not become healthy in {timeout:.0f} s ({last})")


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


async def client_loop(http: httpx.AsyncClient, deadline: float, budget: list[int], rng: random.Random,
                      latencies: list[float], outcomes: Counter) -> None:
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        body = rng.choice(QUESTIONS)
        t = time.perf_counter()
        try:
            r = await http.post("/api/ask", json=body)
            dt = time.perf_counter() - t
            if r.status_code == 200:
                outcomes[r.json().get("status", "?")] += 1
            else:
                outcomes[f"http {r.status_code}"] += 1
        except httpx.HTTPError as e:
            dt = time.perf_counter() - t
            outcomes[f"error {type(e).__name__}"] += 1
        latencies.append(dt)


async def probe_health(http: httpx.AsyncClient, deadline: float, out: list[float]) -> None:
    """/healthz every 0.5 s during the run: its latency shows whether answering blocks
    the event loop (it should stay a few ms however busy the answer threads are)."""
    while time.monotonic() < deadline:
        t = time.perf_counter()
        try:
            await http.get("/healthz")
            out.append(time.perf_counter() - t)
        except httpx.HTTPError:
            out.append(float("inf"))
        await asyncio.sleep(0.5)


async def run_load(url: str, clients: int, duration: float, max_requests: int, timeout: float,
                   seed: int) -> dict:
    latencies: list[float] = []
    outcomes: Counter = Counter()
    budget = [max_requests]
    health: list[float] = []
    # each client has its own loopback source address (127.0.1.x), as real users have
    # their own: the server's per-client rate limit applies to each, not to all at once
    https = [httpx.AsyncClient(base_url=url, timeout=timeout, transport=httpx.AsyncHTTPTransport(
        local_address=f"127.0.{1 + i // 250}.{1 + i % 250}")) for i in range(clients)]
    try:
        async with httpx.AsyncClient(base_url=url, timeout=timeout) as probe:  # its own connection
            start = time.monotonic()
            deadline = start + duration
            await asyncio.gather(probe_health(probe, deadline, health),
                                 *(client_loop(https[i], deadline, budget, random.Random(seed + i), latencies,
                                               outcomes) for i in range(clients)))
            elapsed = time.monotonic() - start
    finally:
        for http in https:
            await http.aclose()
    lat = sorted(latencies)
    errors = sum(n for k, n in outcomes.items() if k.startswith(("http", "error")))
    return {
        "clients": clients, "duration_s": round(elapsed, 2), "requests": len(lat),
        "throughput_rps": round(len(lat) / elapsed, 2) if elapsed else 0.0, "errors": errors,
        "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1), "max_ms": round((lat[-1] if lat else 0) * 1000, 1),
        "healthz_p95_ms": round(percentile(sorted(health), 95) * 1000, 1),
        "outcomes": dict(outcomes),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running server on loopback (default: start `planqa serve` here)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help=f"seconds (at most {MAX_DURATION})")
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    ap.add_argument("--startup-timeout", type=float, default=180.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 500:
        ap.error("--clients must be 1..500")
    if not 0 < args.duration <= MAX_DURATION:
        ap.error(f"--duration must be in (0, {MAX_DURATION}]")

    proc = None
    log_file = None
    url = args.url
    if url:
        url = url.rstrip("/")
        if not is_loopback(url):
            ap.error("only loopback targets (127.0.0.1, localhost, ::1) are allowed")
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log_file = tempfile.NamedTemporaryFile("w+", prefix="planqa-serve-", suffix=".log", delete=False)
        # raw capacity: no per-client rate limit here (bench/abuse.py measures the limits)
        env = dict(os.environ, PYTHAINLP_OFFLINE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   PLANQA_RATE_PER_MINUTE="0")
        proc = subprocess.Popen([sys.executable, "-m", "assistant.channels.cli", "serve", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=log_file,
                                stderr=subprocess.STDOUT)
    try:
        try:
            health = wait_healthy(url, proc, args.startup_timeout)
        except SystemExit:
            if log_file is not None:
                log_file.flush()
                tail = Path(log_file.name).read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
                print("server log (last lines):\n" + "\n".join(tail), file=sys.stderr)
            raise
        print(f"target {url}  index: {health.get('counts')}  hybrid: {health.get('hybrid')}", flush=True)
        print(f"{args.clients} clients for {args.duration:g} s …", flush=True)
        res = asyncio.run(run_load(url, args.clients, args.duration, args.max_requests, args.timeout, args.seed))
        res["hybrid"] = health.get("hybrid")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if log_file is not None:
            log_file.close()
            os.unlink(log_file.name)
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"requests   {res['requests']}  in {res['duration_s']} s")
        print(f"throughput {res['throughput_rps']} req/s")
        print(f"errors     {res['errors']}")
        print(f"latency    p50 {res['p50_ms']} ms   p95 {res['p95_ms']} ms   p99 {res['p99_ms']} ms   "
              f"max {res['max_ms']} ms")
        print(f"healthz    p95 {res['healthz_p95_ms']} ms while loaded")
        print("outcomes   " + ", ".join(f"{k}: {v}" for k, v in sorted(res["outcomes"].items())))
    return 0 if res["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
