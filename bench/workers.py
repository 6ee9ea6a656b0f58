"""Smoke check (not a test): N uvicorn workers serving from PostgreSQL.

Starts PostgreSQL on loopback (tests/servers.py), ingests the bundled corpus (structured
store only: search uses the lexical fallback), publishes it, runs
``uvicorn --factory assistant.channels.http.app:create_app --workers N`` against it, asks
one question 12 times and prints how many distinct answers came back (1 expected); then
stops everything. Usage: .venv/bin/python bench/workers.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import servers  # noqa: E402

from assistant.ingest.pipeline import ingest, store_path  # noqa: E402
from assistant.stores.postgres import publish  # noqa: E402

pg = servers.start_postgres()
tmp = Path(tempfile.mkdtemp(prefix="planqa-workers-"))
proc = None
try:
    ingest(corpus_dir=ROOT / "corpus", index_dir=tmp / "index")
    print("published", publish(store_path(tmp / "index"), pg.url))
    port = servers.free_port()
    env = {**os.environ, "PLANQA_INDEX": str(tmp / "index"), "PLANQA_DATABASE_URL": pg.url}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "assistant.channels.http.app:create_app", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", "2", "--log-level", "warning"], env=env,
                            start_new_session=True, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            urllib.request.urlopen(url + "/api/offices", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("uvicorn exited") from None
            time.sleep(0.5)
    q = "ค่าเป้าหมายตัวชี้วัดที่ 2 กลยุทธ์ที่ 2 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
    answers = set()
    for _ in range(12):
        req = urllib.request.Request(url + "/api/ask", data=json.dumps({"question": q}).encode(),
                                     headers={"Content-Type": "application/json"})
        body = json.loads(urllib.request.urlopen(req, timeout=60).read())
        answers.add(json.dumps(body.get("values"), ensure_ascii=False))
    print("distinct answers over 12 requests:", len(answers), list(answers)[0][:200])
    print("worker processes:", subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split())
finally:
    if proc:
        os.killpg(proc.pid, 15)
        proc.wait(30)
    pg.stop()
    shutil.rmtree(tmp, ignore_errors=True)
