"""Abusive clients and LINE under a saturated web, on loopback, against `planqa serve`.

    .venv/bin/python bench/abuse.py                      # 60 s phases, as issue 11 asks
    .venv/bin/python bench/abuse.py --duration 30 --unloaded 15

Starts its own `planqa serve` on 127.0.0.1 (LINE enabled against a fake Messaging API in
this process, a temporary state file) and runs three bounded phases:

  1. unloaded   one normal client, one question at a time, 0.5 s apart, every question
                of QUESTIONS once per round in a shuffled order, for --unloaded seconds and
                at least --rounds rounds (default 10: 140 answers): the reference p95;
  2. abusive    50 normal clients (think 1-3 s between questions, like office users; each
                starts within its first 3 s) plus 4 abusive clients sending 2,000-character
                questions back to back; each client has its own loopback address
                (127.0.x.y), so per-client limits apply as they would to real users. Goal:
                normal p95 <= 2 x the unloaded p95 and 0 errors for normal clients;
  3. line       the web saturated by 30 clients without think time while LINE events
                arrive once a second: the time from the webhook POST to the reply at the
                (fake) LINE API. Goal: p95 <= 2 s.

Before measuring, every question is asked once per answer process (warm-up). Each phase
prints, besides the client's latencies, the server's own (Server-Timing: its time, the
answer's wall and CPU time in its process, the wait for a slot and a process), latencies
per question ("by_question": index in QUESTIONS -> [answers, p50, p95]), what the answers
at or above the p95 are and where their time went ("tail"), the CPU the abusive answers
took, and the CPU of the server and of each of its processes.

Only loopback; every phase stops after its duration (at most 600 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import MAX_DURATION, QUESTIONS, ROOT, free_port, percentile, wait_healthy  # noqa: E402

SECRET = "bench-secret"
TOKEN = "bench-token"
LONG_BASE = ("ขอทราบค่าเป้าหมายตัวชี้วัดทุกตัวของทุกกลยุทธ์ทุกปีของทุกสำนักงานเขตพื้นที่การศึกษา "
             "พร้อมรายละเอียดผู้รับผิดชอบ แหล่งข้อมูล และแนวทางการพัฒนาทั้งหมด ")


def long_question(rng: random.Random) -> str:
    words = LONG_BASE.split()
    out = []
    while sum(len(w) + 1 for w in out) < 2000:
        out.append(rng.choice(words))
    return " ".join(out)[:2000]


FAKE_LINE = r"""
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
out = open(sys.argv[1], "a", buffering=1)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        sent = []
        if self.path == "/v2/bot/message/reply":
            body = json.loads(raw)
            out.write(f"{body['replyToken']} {time.monotonic()}\n")
            sent = [{"id": str(i), "quoteToken": "q"} for i, _ in enumerate(body["messages"])]
        data = json.dumps({"sentMessages": sent}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(httpd.server_address[1], flush=True)
httpd.serve_forever(poll_interval=0.05)
"""


class FakeLine:
    """The Messaging API on 127.0.0.1, in its own process (as the real one is not in
    ours): records when each reply token is answered (CLOCK_MONOTONIC is system-wide)."""

    def __init__(self, tmp: str):
        self.log = Path(tmp) / "replies.txt"
        self.proc = subprocess.Popen([sys.executable, "-c", FAKE_LINE, str(self.log)], stdout=subprocess.PIPE,
                                     text=True)
        self.url = f"http://127.0.0.1:{int(self.proc.stdout.readline())}"

    @property
    def replied(self) -> dict[str, float]:
        if not self.log.exists():
            return {}
        out = {}
        for line in self.log.read_text().splitlines():
            token, _, t = line.partition(" ")
            out.setdefault(token, float(t))
        return out

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def server_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) used so far by process ``pid`` and by each of its
    descendants (the answer processes), from /proc; empty where /proc is not there."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    for d in Path("/proc").glob("[0-9]*"):
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d.name)] = int(fields[1])
        cpu[int(d.name)] = (int(fields[11]) + int(fields[12])) / tick
    out = {}
    for p in cpu:
        q = p
        while q and q != pid:
            q = parent.get(q, 0)
        if q == pid:
            out[p] = cpu[p]
    return out


def client(url: str, n: int, timeout: float) -> httpx.AsyncClient:
    """A client with its own loopback source address (127.0.1.n)."""
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.{1 + n // 250}.{1 + n % 250}")
    return httpx.AsyncClient(base_url=url, timeout=timeout, transport=transport)


def server_ms(r: httpx.Response, name: str = "app") -> float | None:
    """One entry of the response's ``Server-Timing`` headers (``app``: the server's own time;
    with answer processes also ``answer`` and ``cpu``: wall and CPU time of the answer)."""
    for head in r.headers.get_list("server-timing"):
        for entry in head.split(","):
            key, *params = (p.strip() for p in entry.split(";"))
            dur = next((p[4:] for p in params if p.startswith("dur=")), None)
            if key == name and dur is not None:
                try:
                    return float(dur)
                except ValueError:
                    return None
    return None


TIMINGS = ("app", "answer", "cpu", "wait")  # the Server-Timing entries a normal answer carries


async def normal_user(http, deadline, rng, lat, outcomes, think: tuple[float, float], server=None,
                      order=None, start_within: float = 0.0) -> None:
    """Questions until ``deadline``: random ones, or those of ``order`` (an iterator of
    indexes into QUESTIONS) while it lasts; ``server`` gets, per answer, the question's index,
    the client's latency and the Server-Timing entries (TIMINGS). ``start_within``: the
    first question comes after a random pause up to that many seconds (office users do not
    all press "send" in the same millisecond)."""
    if start_within > 0:
        await asyncio.sleep(rng.uniform(0, start_within))
    while time.monotonic() < deadline:
        qi = rng.randrange(len(QUESTIONS)) if order is None else next(order, None)
        if qi is None:
            return
        t = time.perf_counter()
        try:
            r = await http.post("/api/ask", json=QUESTIONS[qi])
            outcomes["ok" if r.status_code == 200 else f"http {r.status_code}"] += 1
            if r.status_code == 200:
                lat.append(time.perf_counter() - t)
                if server is not None:
                    server.append((qi, lat[-1] * 1000, *(server_ms(r, k) for k in TIMINGS)))
        except httpx.HTTPError as e:
            outcomes[f"error {type(e).__name__}"] += 1
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))


async def abuser(http, deadline, rng, outcomes, heavy: list | None = None) -> None:
    while time.monotonic() < deadline:
        try:
            r = await http.post("/api/ask", json={"question": long_question(rng)})
            outcomes[f"http {r.status_code}"] += 1
            if r.status_code == 200 and heavy is not None:
                heavy.append(tuple(server_ms(r, k) for k in TIMINGS))
            if r.status_code == 429:  # a hostile client ignores Retry-After; a short pause only
                await asyncio.sleep(0.05)
        except httpx.HTTPError as e:
            outcomes[f"error {type(e).__name__}"] += 1


def summary(lat: list[float], outcomes: Counter, elapsed: float, server: list[tuple] | None = None) -> dict:
    s = sorted(lat)
    errors = sum(n for k, n in outcomes.items() if k != "ok")
    out = {"requests": len(s), "errors": errors, "rps": round(len(s) / elapsed, 2) if elapsed else 0,
           "p50_ms": round(percentile(s, 50) * 1000, 1), "p95_ms": round(percentile(s, 95) * 1000, 1),
           "max_ms": round((s[-1] if s else 0) * 1000, 1), "outcomes": dict(outcomes)}
    # the same requests as the server timed them (Server-Timing): "server" its whole time (the
    # client's and the network's share is the rest), "answer"/"answer_cpu" the answer's wall and
    # CPU time in an answer process, "wait" its wait for a slot and for that process
    for i, key in enumerate(("server", "answer", "answer_cpu", "wait"), 2):
        vals = sorted(t[i] for t in server or () if t[i] is not None)
        if vals:
            out[f"{key}_p50_ms"] = round(percentile(vals, 50), 1)
            out[f"{key}_p95_ms"] = round(percentile(vals, 95), 1)
    if server:
        out.update(breakdown(server))
    return out


def breakdown(server: list[tuple]) -> dict:
    """Where the slowest 5% come from: per question (its index in QUESTIONS) the answers,
    p50 and p95 (client ms); and for the answers at or above the p95, which questions they
    are and their mean time by part (client - server: the network and both event loops;
    wait: for a slot and a process; answer - cpu: the answer process waiting for a core)."""
    by_q: dict[int, list[float]] = {}
    for t in server:
        by_q.setdefault(t[0], []).append(t[1])
    per_q = {qi: [len(v), round(percentile(sorted(v), 50), 1), round(percentile(sorted(v), 95), 1)]
             for qi, v in sorted(by_q.items())}
    p95 = percentile(sorted(t[1] for t in server), 95)
    tail = [t for t in server if t[1] >= p95]

    def mean(vals):
        vals = [v for v in vals if v is not None]
        return round(sum(vals) / len(vals), 1) if vals else None

    parts = {"client": mean(t[1] for t in tail),
             "outside_server": mean(t[1] - t[2] for t in tail if t[2] is not None),
             "wait": mean(t[5] for t in tail),
             "answer_minus_cpu": mean(t[3] - t[4] for t in tail if t[3] is not None and t[4] is not None),
             "cpu": mean(t[4] for t in tail)}
    return {"by_question": per_q, "tail": {"n": len(tail), "questions": dict(Counter(t[0] for t in tail)),
                                           "mean_ms": parts}}


async def warm_up(url: str, concurrent: int = 4) -> None:
    """Every question once per answer process before measuring (first answers load
    dictionaries; a process's first project idea builds its aligner): each question is
    sent by ``concurrent`` clients at once, so that each of the server's (up to
    ``concurrent``) answer processes gets it. Sent one at a time, they all went to the
    first process, and the second answered its first project idea (~0.7 s of CPU) while
    being measured."""
    clients = [client(url, 300 + i, 120) for i in range(concurrent)]
    try:
        for body in QUESTIONS:
            await asyncio.gather(*(c.post("/api/ask", json=body) for c in clients))
    finally:
        for c in clients:
            await c.aclose()


async def phase_unloaded(url: str, duration: float, timeout: float, rounds: int) -> dict:
    """One client, one question at a time, 0.5 s apart (within the per-client rate limit of 2
    a second), for ``duration`` seconds and at least ``rounds`` rounds: each round asks every
    question once in a shuffled order, so the reference has each question as often as the
    loaded phase's random choice does on average (a 20 s phase drew only ~39 answers, ~3 of
    the costliest question, whose count alone moved the p95 between 38 and 46 ms)."""
    lat: list[float] = []
    server: list[tuple] = []
    outcomes: Counter = Counter()
    rng = random.Random(0)

    def order():
        n = 0
        while n < rounds or time.monotonic() < start + duration:
            qs = list(range(len(QUESTIONS)))
            rng.shuffle(qs)
            yield from qs
            n += 1

    async with client(url, 0, timeout) as http:
        start = time.monotonic()
        await normal_user(http, start + MAX_DURATION, rng, lat, outcomes, (0.5, 0.5), server, order=order())
        return summary(lat, outcomes, time.monotonic() - start, server)


async def phase_abusive(url: str, duration: float, timeout: float, normals: int, abusers: int) -> dict:
    lat: list[float] = []
    server: list[tuple] = []
    outcomes: Counter = Counter()
    bad: Counter = Counter()
    heavy: list[tuple] = []
    clients = [client(url, 1 + i, timeout) for i in range(normals + abusers)]
    try:
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(
            *(normal_user(clients[i], deadline, random.Random(10 + i), lat, outcomes, (1.0, 3.0), server,
                          start_within=3.0)
              for i in range(normals)),
            *(abuser(clients[normals + i], deadline, random.Random(900 + i), bad, heavy) for i in range(abusers)))
        elapsed = time.monotonic() - start
        out = summary(lat, outcomes, elapsed, server)
        out["abusive_outcomes"] = dict(bad)
        # what the abusive questions that were answered cost: CPU in their (low-priority) process
        cpu = [t[2] for t in heavy if t[2] is not None]
        if cpu:
            out["abusive_answered_cpu_ms"] = {"mean": round(sum(cpu) / len(cpu), 1), "max": round(max(cpu), 1),
                                              "cores": round(sum(cpu) / 1000 / elapsed, 3)}
        return out
    finally:
        for c in clients:
            await c.aclose()


def line_body(n: int) -> tuple[bytes, str]:
    from assistant.channels.line import signature_of

    ev = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
          "source": {"type": "user", "userId": f"Ubench{n:027d}"}, "webhookEventId": f"01BENCH{n:019d}-{os.getpid()}",
          "deliveryContext": {"isRedelivery": False}, "replyToken": f"bench-{n}",
          "message": {"id": str(n), "type": "text", "quoteToken": "q",
                      "text": QUESTIONS[n % len(QUESTIONS)]["question"]}}
    body = json.dumps({"destination": "Ubot", "events": [ev]}, ensure_ascii=False).encode()
    return body, signature_of(SECRET, body)


async def phase_line(url: str, duration: float, timeout: float, fake: FakeLine, saturators: int) -> dict:
    web_lat: list[float] = []
    web: Counter = Counter()
    sent: dict[str, float] = {}
    statuses: Counter = Counter()
    clients = [client(url, 100 + i, timeout) for i in range(saturators)]
    line_http = client(url, 200, timeout)
    readyz: list[str] = []

    async def line_sender(deadline):
        n = 0
        while time.monotonic() < deadline:
            body, sig = line_body(n)
            sent[f"bench-{n}"] = time.monotonic()
            r = await line_http.post("/line/webhook", content=body,
                                     headers={"Content-Type": "application/json", "X-Line-Signature": sig})
            statuses[r.status_code] += 1
            n += 1
            rz = await line_http.get("/readyz")
            readyz.append(rz.json().get("status", "?"))
            await asyncio.sleep(1.0)

    try:
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(line_sender(deadline),
                             *(normal_user(c, deadline, random.Random(500 + i), web_lat, web, (0, 0))
                               for i, c in enumerate(clients)))
        await asyncio.sleep(min(10.0, timeout))  # the last replies
        elapsed = time.monotonic() - start
    finally:
        for c in clients:
            await c.aclose()
        await line_http.aclose()
    replied = fake.replied
    waits = sorted(replied[t] - s for t, s in sent.items() if t in replied)
    return {"events": len(sent), "replied": len(waits), "webhook_status": dict(statuses),
            "reply_p50_ms": round(percentile(waits, 50) * 1000, 1),
            "reply_p95_ms": round(percentile(waits, 95) * 1000, 1),
            "reply_max_ms": round((waits[-1] if waits else 0) * 1000, 1),
            "readyz": dict(Counter(readyz)), "web": summary(web_lat, web, elapsed)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the abusive and LINE phases")
    ap.add_argument("--unloaded", type=float, default=20.0, help="seconds of the unloaded phase (at least)")
    ap.add_argument("--rounds", type=int, default=10,
                    help="the unloaded phase asks every question at least this many times")
    ap.add_argument("--normal", type=int, default=50)
    ap.add_argument("--abusive", type=int, default=4)
    ap.add_argument("--saturate", type=int, default=30, help="web clients without think time (LINE phase)")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--startup-timeout", type=float, default=240.0)
    ap.add_argument("--phases", default="unloaded,abusive,line")
    args = ap.parse_args(argv)
    for v in (args.duration, args.unloaded):
        if not 0 < v <= MAX_DURATION:
            ap.error(f"durations must be in (0, {MAX_DURATION}]")
    if not 1 <= args.rounds <= 40:
        ap.error("--rounds 1..40")
    if not (1 <= args.normal <= 200 and 0 <= args.abusive <= 20 and 1 <= args.saturate <= 100):
        ap.error("--normal 1..200, --abusive 0..20, --saturate 1..100")

    tmp = tempfile.mkdtemp(prefix="planqa-bench-")
    fake = FakeLine(tmp)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(tmp) / "serve.log"
    env = dict(os.environ, PYTHAINLP_OFFLINE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=TOKEN, LINE_API_HOST=fake.url,
               PLANQA_STATE=str(Path(tmp) / "state.sqlite"), HOST="127.0.0.1", PORT=str(port))
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.channels.cli", "serve"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    results: dict = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    try:
        health = wait_healthy(url, proc, args.startup_timeout)
        results["hybrid"] = health.get("hybrid")
        print(f"target {url}  build {health.get('build')}  hybrid {health.get('hybrid')}  "
              f"load {results['load_before']:.1f} on {results['cpus']} cpus", flush=True)
        asyncio.run(warm_up(url))
        phases = args.phases.split(",")

        def measured(name, coro):
            # the server's own CPU (it and its answer processes) and the machine's load per phase
            cpu0, t0, mine0 = server_cpu(proc.pid), time.monotonic(), time.process_time()
            out = asyncio.run(coro)
            cpu1, elapsed = server_cpu(proc.pid), max(time.monotonic() - t0, 0.001)
            out["client_cpu_cores"] = round((time.process_time() - mine0) / elapsed, 2)  # this process
            used = {p: c - cpu0.get(p, 0.0) for p, c in cpu1.items()}
            cpu = sum(used.values())
            out["server_cpu_cores"] = round(cpu / elapsed, 2)
            # the server process itself, then its answer processes (busiest first)
            out["cpu_cores_by_process"] = [round(used.get(proc.pid, 0.0) / elapsed, 2)] + sorted(
                (round(c / elapsed, 2) for p, c in used.items() if p != proc.pid and c > 0.05), reverse=True)
            n = out.get("requests", 0) + sum(out.get("abusive_outcomes", {}).values())
            if n:
                out["server_cpu_ms_per_request"] = round(cpu * 1000 / n, 1)
            out["load_avg"] = round(os.getloadavg()[0], 1)
            results[name] = out
            print(f"{name:<10}", json.dumps(out, ensure_ascii=False), flush=True)

        if "unloaded" in phases:
            measured("unloaded", phase_unloaded(url, args.unloaded, args.timeout, args.rounds))
        if "abusive" in phases:
            measured("abusive", phase_abusive(url, args.duration, args.timeout, args.normal, args.abusive))
        if "line" in phases:
            measured("line", phase_line(url, args.duration, args.timeout, fake, args.saturate))
    except SystemExit:
        print("server log (last lines):\n" + "\n".join(log_path.read_text(errors="replace").splitlines()[-30:]),
              file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        fake.close()
    results["load_after"] = os.getloadavg()[0]
    ok = True
    if "unloaded" in results and "abusive" in results:
        ratio = results["abusive"]["p95_ms"] / max(results["unloaded"]["p95_ms"], 0.001)
        results["normal_p95_ratio"] = round(ratio, 2)
        ok &= ratio <= 2 and results["abusive"]["errors"] == 0
        print(f"normal p95 {results['abusive']['p95_ms']} ms vs unloaded {results['unloaded']['p95_ms']} ms: "
              f"x{ratio:.2f} (goal <= 2), normal errors {results['abusive']['errors']} (goal 0)")
    if "line" in results:
        ok &= results["line"]["reply_p95_ms"] <= 2000 and results["line"]["replied"] == results["line"]["events"]
        print(f"LINE reply p95 {results['line']['reply_p95_ms']} ms (goal <= 2000), "
              f"{results['line']['replied']}/{results['line']['events']} replied")
    print(f"load average {results['load_before']:.1f} -> {results['load_after']:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
