"""Service benchmark (issue #17): plans per second through the real HTTP service, beside /healthz as its ceiling.

Goal: at least 100 plans/s with 2 workers at 16 clients, p99 at most 300 ms.

The service is started as a deployment starts it: ``smart-audit keys create --role platform`` (which migrates the
database), then ``smart-audit serve --workers N`` on a free local port, in its own process group, configured through
the environment (``SMART_AUDIT_DATABASE_URL``, ...). The database is a fresh SQLite file in a temporary folder, or a
fresh PostgreSQL database on 127.0.0.1:5432 (``--db postgres``), dropped afterwards. The server and its workers are
always stopped at the end (SIGTERM to the group, SIGKILL after 20 s), also on error.

Every client is a thread sending with ``http.client``, on a new connection for every request by default; with
``--keep-alive`` each keeps one connection, and since uvicorn's workers share one listening socket, connections
opened at once may all be accepted by one worker while the other idles (seen in 2 of 3 runs). After a warm-up (one
plan per client, retried while a worker still loads its knowledge base: 503), each phase runs ``--seconds``:

- ``healthz``: ``GET /healthz``, the ceiling of the HTTP stack (no database, no knowledge base);
- ``plans``: ``POST /v1/plans`` with an inline self-inspection, round-robin over ``examples/*.json``; each body is a
  distinct plan (the enterprise's name carries a sequence number) with its own ``Idempotency-Key``, and an answer
  marked ``Idempotent-Replayed`` counts as an error, as does any non-2xx status or a failed connection.

Besides requests/s and latency, each phase reports the CPU seconds the server's processes (per process) and this
client process spent, so that a saturated machine can be told from a waiting service. The rate limit is off by
default (``--rate-limit 0``): all clients share one address here, which a per-address limit would throttle.

Usage: python -m benchmarks.service [--seconds S] [--clients 16] [--workers 2] [--db sqlite|postgres]
       [--keep-alive] [--rate-limit R] [--log-level L] [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
GOAL = {"plans_per_s": 100, "p99_ms": 300, "workers": 2, "clients": 16}
PG_ADMIN_URL = os.environ.get("SMART_AUDIT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
CLI = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]  # = the smart-audit script
_SEQ_MARK = b"@@BENCH_SEQ@@"
_TICK = os.sysconf("SC_CLK_TCK")
_LOADED_LOG = ") loaded from "  # api/kbstate.py logs "knowledge base <version> (<hash>) loaded from <path>"


def _pct(times: list[float], q: float) -> float | None:
    if not times:
        return None
    times = sorted(times)
    return round(times[min(len(times) - 1, int(q * (len(times) - 1) + 0.5))], 1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file in a temporary folder, or a new PostgreSQL database, dropped after."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="smart-audit-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'smart-audit.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from api.db import normalise_url

    admin = create_engine(normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    name = f"smart_audit_bench_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(normalise_url(PG_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _service_env(database_url: str, rate_limit: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMART_AUDIT_") and k != "DATABASE_URL"}
    env.update(
        SMART_AUDIT_DATABASE_URL=database_url,
        SMART_AUDIT_RATE_LIMIT_PER_SECOND=str(rate_limit),
        SMART_AUDIT_UI_SECRET=secrets.token_hex(16),  # README: set it when running several workers
        PYTHONPATH=str(ROOT),
    )
    return env


def create_key(env: dict[str, str]) -> str:
    """A platform key (it may submit for any enterprise), made with ``smart-audit keys create``."""
    cmd = [*CLI, "keys", "create", "--role", "platform", "--name", "service benchmark", "--json"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"smart-audit keys create failed ({done.returncode}): {done.stderr.strip()}")
    secret: str = json.loads(done.stdout)["secret"]
    return secret


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()  # [state, ppid, pgrp, ..., utime (11), stime (12), ...]


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


class Server:
    """``smart-audit serve`` as a subprocess in its own process group (the group id is its pid)."""

    def __init__(self, env: dict[str, str], workers: int, log_level: str, log_path: Path) -> None:
        self.port = _free_port()
        self.workers = workers
        self.log_path = log_path
        self.seen: set[int] = set()
        cmd = [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [*cmd, "--log-level", log_level],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def group(self) -> list[int]:
        """The live processes of the server's group (the parent, its workers and helpers)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat is not None and stat[2] == str(self.proc.pid) and stat[0] not in ("Z", "X"):
                    pids.append(int(entry.name))
        self.seen.update(pids)
        return sorted(pids)

    def cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) of each process of the group so far."""
        out = {}
        for pid in self.group():
            stat = _stat(pid)
            if stat is not None:
                out[pid] = (int(stat[11]) + int(stat[12])) / _TICK
        return out

    def log_tail(self, chars: int = 2000) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]

    def wait_until(self, path: str, timeout: float) -> float:
        """Seconds until ``path`` answers 200; RuntimeError if the server exits or the time runs out."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}):\n{self.log_tail()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            with contextlib.closing(conn), contextlib.suppress(OSError):
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return time.perf_counter() - started
            time.sleep(0.1)
        raise RuntimeError(f"{path} did not answer 200 within {timeout:g} s:\n{self.log_tail()}")

    def roles(self) -> dict[str, str]:
        """Each process of the group: ``serve`` (uvicorn's supervisor), ``worker`` or a helper."""
        out = {}
        for pid in self.group():
            with contextlib.suppress(OSError):
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                helper = "resource_tracker" if "resource_tracker" in cmd else cmd[:80]
                out[str(pid)] = "serve" if pid == self.proc.pid else "worker" if "spawn_main" in cmd else helper
        return out

    def wait_loaded(self, timeout: float) -> int:
        """How many workers logged their knowledge base loaded (waits until all have, or the time runs out)."""
        deadline = time.monotonic() + timeout
        while True:
            loaded = self.log_tail(10**7).count(_LOADED_LOG)
            if loaded >= self.workers or time.monotonic() > deadline:
                return loaded
            time.sleep(0.1)

    def stop(self) -> list[int]:
        """Stop the whole group (SIGTERM, SIGKILL after 20 s); the pids still alive afterwards (none, normally)."""
        self.group()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in self.seen):
            time.sleep(0.1)
        leftover = [p for p in sorted(self.seen) if alive(p)]
        for pid in leftover:  # only processes of our own group
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
        return [p for p in leftover if alive(p)]


class Bodies:
    """Distinct plan requests: each example once as bytes, the enterprise name marked with a sequence number."""

    def __init__(self, paths: list[Path]) -> None:
        self.templates = []
        for path in paths:
            si = json.loads(path.read_text(encoding="utf-8"))
            si["enterprise"]["name"] = f"{si['enterprise']['name']} · bench {_SEQ_MARK.decode()}"
            self.templates.append(json.dumps({"self_inspection": si}, ensure_ascii=False).encode())
        self._seq = itertools.count(1)
        self.token = secrets.token_hex(6)

    def next(self) -> tuple[int, bytes]:
        seq = next(self._seq)  # atomic under the GIL
        return seq, self.templates[seq % len(self.templates)].replace(_SEQ_MARK, str(seq).encode())


@dataclass
class Tally:  # one client's answers in a phase
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    response_bytes: int = 0
    replayed: int = 0


Request = Callable[[http.client.HTTPConnection], tuple[int, int, bool]]  # -> status, bytes, replayed


def healthz_request(conn: http.client.HTTPConnection) -> tuple[int, int, bool]:
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    return response.status, len(response.read()), False


def plan_request(bodies: Bodies, key: str) -> Request:
    def send(conn: http.client.HTTPConnection) -> tuple[int, int, bool]:
        seq, body = bodies.next()
        headers = {
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"bench-{bodies.token}-{seq}",
        }
        conn.request("POST", "/v1/plans", body=body, headers=headers)
        response = conn.getresponse()
        size = len(response.read())
        return response.status, size, response.getheader("Idempotent-Replayed") == "true"

    return send


class Pool:
    """The clients' connections: one keep-alive connection each, or a new connection for every request."""

    def __init__(self, port: int, clients: int, keep_alive: bool) -> None:
        self.port = port
        self.keep_alive = keep_alive
        self.conns = [self._new() for _ in range(clients)]

    def _new(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def send(self, i: int, request: Request) -> tuple[str, int, bool]:
        """``request`` on client ``i``'s connection: the status (or the exception's name), bytes read, replayed."""
        conn = self.conns[i] if self.keep_alive else self._new()
        try:
            status, size, replayed = request(conn)
            return str(status), size, replayed
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            self.conns[i] = self._new()
            return type(exc).__name__, 0, False
        finally:
            if not self.keep_alive:
                conn.close()

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def warm_up(pool: Pool, send: Request, timeout: float) -> dict[str, Any]:
    """One successful request from every client (503 while a worker still loads its knowledge base)."""
    tries = Counter[str]()
    failed: list[str] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def client(i: int) -> None:
        while True:
            status, _, _ = pool.send(i, send)
            with lock:
                tries[status] += 1
            if status.startswith("2"):
                return
            if status != "503" or time.perf_counter() - started > timeout:
                failed.append(status)
                return
            time.sleep(0.2)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(pool.conns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise RuntimeError(f"warm-up failed: {dict(tries)}")
    return {"seconds": round(time.perf_counter() - started, 2), "statuses": dict(tries)}


def phase(server: Server, pool: Pool, send: Request, seconds: float) -> dict[str, Any]:
    """Every client sends requests back to back for ``seconds``; what came back, how fast, and the CPU spent."""
    tallies = [Tally() for _ in pool.conns]
    barrier = threading.Barrier(len(tallies) + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        tally = tallies[i]
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            started = time.perf_counter()
            status, size, replayed = pool.send(i, send)
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.statuses[status] += 1
            tally.response_bytes += size
            tally.replayed += replayed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(pool.conns))]
    for t in threads:
        t.start()
    server_cpu = server.cpu()
    client_cpu = time.process_time()
    load = os.getloadavg()
    started = time.perf_counter()
    deadline[0] = started + seconds
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu
    server_after = server.cpu()
    per_process = {str(pid): round(cpu - server_cpu.get(pid, 0.0), 2) for pid, cpu in server_after.items()}
    statuses: Counter[str] = sum((t.statuses for t in tallies), Counter())
    ok = sum(n for s, n in statuses.items() if s.startswith("2"))
    replayed = sum(t.replayed for t in tallies)
    total = sum(statuses.values())
    latencies = [x for t in tallies for x in t.latencies_ms]
    server_total = sum(per_process.values())
    return {
        "elapsed_s": round(elapsed, 2),
        "requests": total,
        "ok": ok - replayed,
        "errors": total - ok + replayed,
        "statuses": dict(sorted(statuses.items())),
        "replayed": replayed,
        "requests_per_s": round(total / elapsed, 1),
        "ok_per_s": round((ok - replayed) / elapsed, 1),
        "latency_ms": {"p50": _pct(latencies, 0.5), "p99": _pct(latencies, 0.99), "max": _pct(latencies, 1.0)},
        "response_kb_mean": round(sum(t.response_bytes for t in tallies) / max(total, 1) / 1024, 1),
        "cpu_s": {
            "server": round(server_total, 2),
            "server_per_process": per_process,
            "client": round(client_cpu, 2),
            "server_ms_per_request": round(server_total / max(total, 1) * 1000, 1),
            "machine_busy_share": round((server_total + client_cpu) / (elapsed * (os.cpu_count() or 1)), 2),
        },
        "load_at_start": [round(x, 2) for x in load],
    }


def run(
    seconds: float = 20.0,
    clients: int = 16,
    workers: int = 2,
    db: str = "sqlite",
    *,
    log_level: str = "info",
    rate_limit: float = 0.0,
    keep_alive: bool = False,
    ready_timeout: float = 120.0,
) -> dict[str, Any]:
    """Start the service, measure the /healthz and the plan phases, stop the service; the result as a dict."""
    result: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "setup": {
            "workers": workers,
            "clients": clients,
            "seconds_per_phase": seconds,
            "db": db,
            "log_level": log_level,
            "rate_limit_per_second": rate_limit,
            "examples": [p.name for p in EXAMPLES],
            "connections": "keep-alive" if keep_alive else "new per request",
            "idempotency_key": "unique per request",
        },
    }
    bodies = Bodies(EXAMPLES)
    with database(db) as url, tempfile.TemporaryDirectory(prefix="smart-audit-bench-log-") as logs:
        env = _service_env(url, rate_limit)
        key = create_key(env)
        server = Server(env, workers, log_level, Path(logs) / "serve.log")
        pool: Pool | None = None
        try:
            startup = {"healthz_s": round(server.wait_until("/healthz", ready_timeout), 2)}
            startup["readyz_s"] = round(server.wait_until("/readyz", ready_timeout), 2)
            startup["kb_loaded_in_workers"] = server.wait_loaded(ready_timeout)
            pool = Pool(server.port, clients, keep_alive)
            send_plan = plan_request(bodies, key)
            result["startup"] = {**startup, "warm_up": warm_up(pool, send_plan, ready_timeout)}
            result["server"] = {"pid": server.proc.pid, "processes": server.roles()}
            result["healthz"] = phase(server, pool, healthz_request, seconds)
            result["plans"] = phase(server, pool, send_plan, seconds)
        except Exception as exc:
            raise RuntimeError(f"{exc}\n--- the server's log, last lines ---\n{server.log_tail()}") from exc
        finally:
            if pool is not None:
                pool.close()
            left = server.stop()
            result.setdefault("server", {"pid": server.proc.pid})
            result["server"].update(seen=sorted(server.seen), alive_after_stop=left, exit_code=server.proc.returncode)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    plans, ceiling = result["plans"], result["healthz"]
    rate, p99 = plans["ok_per_s"], plans["latency_ms"]["p99"] or 0.0
    result["goal"] = {
        **GOAL,
        "conditions_as_goal": workers == GOAL["workers"] and clients == GOAL["clients"],
        "plans_per_s": {"measured": rate, "goal": GOAL["plans_per_s"], "ceiling": ceiling["ok_per_s"]},
        "p99_ms": {"measured": p99, "goal": GOAL["p99_ms"], "ceiling": ceiling["latency_ms"]["p99"]},
        "met": plans["errors"] == 0 and rate >= GOAL["plans_per_s"] and p99 <= GOAL["p99_ms"],
    }
    return result


def markdown(result: dict[str, Any]) -> str:
    """The result as a RESULTS.md table: each phase beside the goal."""
    s = result["setup"]
    lines = [
        f"{s['workers']} workers, {s['clients']} clients, {s['seconds_per_phase']:g} s per phase, {s['db']}; "
        f"load average {' / '.join(map(str, result['load_before']))} before, "
        f"{' / '.join(map(str, result['load_after']))} after",
        "",
        "| phase | requests | errors | ok/s | p50 | p99 | server CPU per request | machine busy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("healthz", "plans"):
        p = result[name]
        lines.append(
            f"| {name} | {p['requests']} | {p['errors']} | {p['ok_per_s']} | {p['latency_ms']['p50']} ms | "
            f"{p['latency_ms']['p99']} ms | {p['cpu_s']['server_ms_per_request']} ms | "
            f"{p['cpu_s']['machine_busy_share']:.0%} |"
        )
    lines.append(f"| goal (plans) | | 0 | {GOAL['plans_per_s']} | | {GOAL['p99_ms']} ms | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.service")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each phase")
    parser.add_argument("--clients", type=int, default=GOAL["clients"])
    parser.add_argument("--workers", type=int, default=GOAL["workers"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    parser.add_argument("--rate-limit", type=float, default=0.0, help="SMART_AUDIT_RATE_LIMIT_PER_SECOND (0: off)")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="one keep-alive connection per client (opened at once, they may all land on one worker)",
    )
    parser.add_argument("--markdown", action="store_true", help="also print the summary as a Markdown table")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.workers < 1:
        parser.error("--seconds, --clients and --workers must be positive")
    options = {"log_level": args.log_level, "rate_limit": args.rate_limit, "keep_alive": args.keep_alive}
    result = run(args.seconds, args.clients, args.workers, args.db, **options)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.markdown:
        print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
