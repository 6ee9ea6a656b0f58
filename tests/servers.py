"""Start and stop the server backends for tests and benchmarks, on loopback only.

PostgreSQL comes from Debian's packages (``/usr/lib/postgresql/*/bin``), initialised in a
temporary directory (as the ``postgres`` user when we are root: initdb refuses root);
the Chroma server is ``chroma run`` on a free port. Both are stopped by ``stop()``.
Given ``root`` (a directory to keep, as ``bench/scale.py --workdir`` does), a server keeps
its data there after ``stop()`` and a later start reuses it (PostgreSQL is not initialised
again).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def chroma_cmd() -> list[str] | None:
    near = Path(sys.executable).parent / "chroma"
    if near.exists():
        return [str(near)]
    if shutil.which("chroma"):
        return [shutil.which("chroma")]
    try:
        import chromadb.cli.cli  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-c", "import sys; from chromadb.cli.cli import app; sys.exit(app())"]


@dataclass
class Server:
    url: str
    stop_fn: object
    dir: Path
    log: list = field(default_factory=list)

    def stop(self) -> None:
        self.stop_fn()


def _workdir(root: Path | None, prefix: str) -> tuple[Path, bool]:
    """The server's folder: ``root`` kept between runs, or a fresh temporary one."""
    if root is None:
        return Path(tempfile.mkdtemp(prefix=prefix)), False
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root, True


def terminate(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a child process: politely, then by force after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_postgres(root: Path | None = None) -> Server:
    bindir = pg_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL binaries not found (apt-get install postgresql)")
    root, keep = _workdir(root, "planqa-pg-")
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("postgres") if _has_user("postgres") else pwd.getpwnam("nobody")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        os.chmod(root, 0o700)
        as_user = ["runuser", "-u", pw.pw_name, "--"]
    port = free_port()
    run = lambda *a: subprocess.run([*as_user, *a], check=True, capture_output=True, text=True)  # noqa: E731
    if keep and (data / "postmaster.pid").exists():  # left running by an interrupted run
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"],
                       capture_output=True)
    if not (data / "PG_VERSION").exists():
        run(str(bindir / "initdb"), "-D", str(data), "-U", "planqa", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(root / "log"), "start",
        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")

    def stop():
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"],
                       capture_output=True)
        if not keep:
            shutil.rmtree(root, ignore_errors=True)

    return Server(f"postgresql://planqa@127.0.0.1:{port}/postgres", stop, root)


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def start_chroma(timeout: float = 90, root: Path | None = None) -> Server:
    cmd = chroma_cmd()
    if cmd is None:
        raise FileNotFoundError("chroma (chromadb) is not installed")
    root, keep = _workdir(root, "planqa-chroma-")
    port = free_port()
    log = open(root / "log", "ab")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([*cmd, "run", "--path", str(root / "data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)

    def stop():
        terminate(proc)
        log.close()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)

    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                text = (root / "log").read_text(errors="replace")[-2000:]
                stop()
                raise RuntimeError(f"chroma run did not start: {text}") from None
            time.sleep(0.3)
    return Server(url, stop, root)
