"""HTTP API benchmark: POST /v1/evaluate for a 20-credential educator, with and without storing.

    python benchmarks/api.py [--requests 2000] [--concurrency 16] [--workers 1]
                             [--databases sqlite,postgresql] [--url DB_URL]

For each database (by default a throw-away SQLite file, then a throw-away schema on the test
PostgreSQL at 127.0.0.1:5432, skipped with a note when it is unreachable; `--url` names one
instead) starts `mccredit serve` (uvicorn) on 127.0.0.1 in a subprocess, then drives a
bounded load from a second process (asyncio keep-alive connections,
a fixed number of requests at a fixed concurrency) and prints requests/s and p50/p99 for

  1. evaluate only (`POST /v1/evaluate`),
  2. evaluate and store (`POST /v1/evaluate?store=true`: one new evaluation row per request),

each with its ratio to a baseline measured in the same run: the engine alone, in process
(`mccredit.evaluate` on one core, no HTTP). With `--workers` > 1 it prints how the requests,
connections and CPU split over the workers (`mccredit serve`'s own counts, /proc): a worker
that took most connections is the bottleneck while another core idles. Every request uses a
distinct educator id so stored evaluations are real inserts, not de-duplicated. Targets
(issue 14.2, 2 workers): evaluate only >= 1,000 req/s and p99 < 10 ms; storing each result
>= 500 req/s and p99 < 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AS_OF = "2026-06-30"


def educator(i: int) -> dict[str, Any]:
    """A Tennessee educator with 20 credentials of mixed kinds."""
    creds: list[dict[str, Any]] = []
    issuers = ["digital-promise", "bloomboard", "nea", "ctq"]
    for k in range(20):
        month = k % 12 + 1
        if k % 4 == 0:
            creds.append(
                {
                    "id": f"mc-{k}",
                    "kind": "micro_credential",
                    "issuer": issuers[k % 4],
                    "earned": f"2023-{month:02d}-10",
                }
            )
        elif k % 4 == 1:
            creds.append(
                {
                    "id": f"ws-{k}",
                    "kind": "workshop",
                    "earned": f"2024-{month:02d}-05",
                    "contact_hours": 6,
                    "categories": ["literacy"],
                }
            )
        elif k % 4 == 2:
            creds.append(
                {
                    "id": f"gc-{k}",
                    "kind": "graduate_course",
                    "earned": f"2022-{month:02d}-20",
                    "semester_credits": 3,
                }
            )
        else:
            creds.append(
                {
                    "id": f"cf-{k}",
                    "kind": "conference",
                    "earned": f"2025-{month:02d}-01",
                    "contact_hours": 4,
                }
            )
    return {
        "id": f"B-{i:07d}",
        "jurisdiction": "us-tn",
        "licenses": [{"type": "professional", "issued": "2021-09-01", "expires": "2027-08-31"}],
        "credentials": creds,
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


# ── the load process ───────────────────────────────────────────────────────────────────────


async def _load(
    base: str, token: str, n: int, concurrency: int, store: bool, offset: int
) -> dict[str, Any]:
    """`concurrency` keep-alive HTTP/1.1 connections, each sending its share of `n` requests
    one after another. A minimal asyncio client, so the load process costs the machine far less
    than the server does (an httpx client costs about as much CPU per request as the server)."""
    host, port = base.removeprefix("http://").split(":")
    path = "/v1/evaluate?store=true" if store else "/v1/evaluate"
    requests = []
    for i in range(n):
        body = json.dumps({"educator": educator(offset + i), "as_of": AS_OF}).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append(head.encode() + body)
    latencies: list[float] = []
    errors = 0

    async def connection(share: list[bytes]) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for req in share:
                t0 = time.perf_counter()
                writer.write(req)
                status = await reader.readline()
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - t0)
                if b" 200 " not in status:
                    errors += 1
        finally:
            writer.close()

    shares = [requests[i::concurrency] for i in range(concurrency)]
    t0 = time.perf_counter()
    await asyncio.gather(*(connection(share) for share in shares if share))
    wall = time.perf_counter() - t0
    return {
        "n": n,
        "wall": wall,
        "rps": n / wall,
        "p50_ms": pct(latencies, 0.50) * 1000,
        "p99_ms": pct(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "errors": errors,
    }


def load_main(argv: list[str]) -> None:
    base, token, n, conc, store, offset = argv
    res = asyncio.run(_load(base, token, int(n), int(conc), store == "1", int(offset)))
    sys.stdout.write(json.dumps(res) + "\n")


def run_load(
    base: str, token: str, n: int, concurrency: int, store: bool, offset: int
) -> dict[str, Any]:
    """The load runs in a second process so client work does not share the server's GIL."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--load",
            base,
            token,
            str(n),
            str(concurrency),
            "1" if store else "0",
            str(offset),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# ── the driver ─────────────────────────────────────────────────────────────────────────────


def process_cpu(pid: int) -> dict[int, float] | None:
    """CPU seconds (user + system) so far of the server process and of each of its workers,
    by pid, from /proc (None where there is no /proc)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    out: dict[int, float] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # the server or one of its workers
            out[int(entry)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return out or None


def server_cpu(pid: int) -> float | None:
    """CPU seconds of the server and its workers so far: per request, a figure that other
    load on the machine changes far less than latency."""
    per = process_cpu(pid)
    return None if per is None else sum(per.values())


def worker_split(
    counters: str, before: list[dict[str, int]], cpu0: dict[int, float] | None, pid: int
) -> str:
    """Requests (and connections) each worker served since `before`, from the server's own
    counts (`mccredit.api._server.read_counters`), and each worker's CPU seconds since
    `cpu0`: an uneven split is a worker that was the bottleneck while another idled."""
    parts = []
    if os.path.exists(counters):
        from mccredit.api._server import read_counters

        was = {c["pid"]: c for c in before}
        for c in read_counters(counters):
            old = was.get(c["pid"], {"requests": 0, "connections": 0})
            reqs, conns = c["requests"] - old["requests"], c["connections"] - old["connections"]
            if reqs or conns:
                parts.append(f"{reqs} requests / {conns} connections")
    cpu1 = process_cpu(pid)
    if cpu0 is not None and cpu1 is not None:
        cpus = sorted((cpu1[p] - cpu0.get(p, 0.0) for p in cpu1 if p != pid), reverse=True)
        parts.append("CPU " + " / ".join(f"{c:.1f} s" for c in cpus if c >= 0.05))
    return "per worker: " + ("; ".join(parts) if parts else "n/a")


def counters_now(counters: str) -> list[dict[str, int]]:
    if not os.path.exists(counters):
        return []
    from mccredit.api._server import read_counters

    return read_counters(counters)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def engine_baseline(seconds: float = 2.0) -> dict[str, Any]:
    import mccredit

    rules = mccredit.default_rules()
    docs = [educator(i) for i in range(200)]
    for d in docs[:20]:
        mccredit.to_json(mccredit.evaluate(d, as_of=AS_OF, rules=rules))
    n, t0 = 0, time.perf_counter()
    lat: list[float] = []
    while time.perf_counter() - t0 < seconds:
        t1 = time.perf_counter()
        mccredit.to_json(mccredit.evaluate(docs[n % len(docs)], as_of=AS_OF, rules=rules))
        lat.append(time.perf_counter() - t1)
        n += 1
    wall = time.perf_counter() - t0
    return {
        "n": n,
        "rps": n / wall,
        "p50_ms": pct(lat, 0.5) * 1000,
        "p99_ms": pct(lat, 0.99) * 1000,
    }


def store_cost(url: str, n: int = 300) -> dict[str, float]:
    """Storing alone, in process, CPU and wall ms per evaluation: `store_evaluation` + commit
    per educator (one transaction each, as before issue 14.2), and the evaluation writer's way
    (`evaluation_values`, then `insert_evaluations` + commit per batch of 8: group commit)."""
    import mccredit
    from mccredit import _api
    from mccredit.store import make_engine, upgrade, write_session
    from mccredit.store.repositories import (
        educator_document,
        evaluation_values,
        insert_evaluations,
        store_evaluation,
    )

    engine = make_engine(url)
    upgrade(engine)
    rules = mccredit.default_rules()
    items = []
    for i in range(2 * n):
        ed = mccredit.to_educator({**educator(i), "id": f"S-{i}"})
        doc = _api.evaluation_of(ed, jurisdiction=None, as_of=AS_OF, rules=rules)
        items.append((educator_document(ed), doc, _api.to_json(doc)))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for inp, doc, text in items[:n]:
        with write_session(engine) as s:
            store_evaluation(
                session=s,
                educator_input=inp,
                result=doc,
                result_json=text,
                actor="bench",
                propose_payroll=False,
            )
            s.commit()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    rest = items[n:]
    for k in range(0, len(rest), 8):
        rows = [
            evaluation_values(educator_input=inp, result=doc, result_json=text, actor="bench")
            for inp, doc, text in rest[k : k + 8]
        ]
        with write_session(engine) as s:
            insert_evaluations(s, rows)
            s.commit()
    bcpu, bwall = time.process_time() - cpu0, time.perf_counter() - wall0
    engine.dispose()
    return {
        "cpu_ms": cpu / n * 1000,
        "wall_ms": wall / n * 1000,
        "batch_cpu_ms": bcpu / len(rest) * 1000,
        "batch_wall_ms": bwall / len(rest) * 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument(
        "--only",
        choices=("evaluate", "store"),
        help="Run one part: evaluate only (issue 14.2: >= 1,000 req/s, p99 < 10 ms on 2 "
        "workers) or evaluate+store.",
    )
    ap.add_argument("--url", default=None, help="Database URL (default: a temporary SQLite file).")
    ap.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="Comma-separated: sqlite (a temporary file), postgresql (a throw-away schema on "
        "the test PostgreSQL); ignored with --url.",
    )
    ap.add_argument(
        "--postgres", action="store_true", help="Only PostgreSQL (= --databases postgresql)."
    )
    args = ap.parse_args()
    if args.url:
        bench(args)
        return
    kinds = ["postgresql"] if args.postgres else [k.strip() for k in args.databases.split(",")]
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} cores)")
    for kind in kinds:
        if kind == "sqlite":
            args.url = None
            bench(args)
        elif kind == "postgresql":
            from mccredit.store._testing import PostgresUnavailable, postgres_schema_url

            try:
                with postgres_schema_url() as url:
                    args.url = url
                    bench(args)
            except PostgresUnavailable as e:
                print(f"postgresql: skipped ({e})")
        else:
            raise SystemExit(f"unknown database {kind!r}: choose sqlite, postgresql")
        print()


def bench(args: argparse.Namespace) -> None:

    from mccredit.store import make_engine, upgrade, write_session
    from mccredit.store.repositories import create_api_key

    tmp = Path(tempfile.mkdtemp(prefix="mccredit-bench-"))
    url = args.url or f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as s:
        token = create_api_key(session=s, role="admin", scopes=["*"], name="bench")[1]
        s.commit()
    engine.dispose()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    counters = str(tmp / "workers.counters")  # the workers' own counts (mccredit serve)
    env = {**os.environ, "MCCREDIT_DATABASE_URL": url, "MCCREDIT_SERVE_COUNTERS": counters}
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from mccredit.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise SystemExit(
                    f"server exited: {server.stderr.read().decode() if server.stderr else ''}"
                )
            time.sleep(0.1)
        base_line = engine_baseline()
        print(
            f"cores: {os.cpu_count()}  server workers: {args.workers}  database: "
            f"{url.split(':', 1)[0].split('+')[0]}  educator: 20 credentials (us-tn)"
        )
        print(
            f"baseline (engine in process, 1 core): {base_line['rps']:8.0f} evals/s  "
            f"p50 {base_line['p50_ms']:.2f} ms  p99 {base_line['p99_ms']:.2f} ms"
        )
        cost = store_cost(url)
        print(
            f"storing alone (store_evaluation + commit, in process): {cost['cpu_ms']:.2f} ms "
            f"CPU, {cost['wall_ms']:.2f} ms wall per request; group commit (batches of 8): "
            f"{cost['batch_cpu_ms']:.2f} ms CPU, {cost['batch_wall_ms']:.2f} ms wall per row"
        )
        run_load(base, token, 200, args.concurrency, False, 0)  # warm-up
        results = {}
        parts = (("evaluate", False), ("evaluate+store", True))
        if args.only:
            parts = parts[:1] if args.only == "evaluate" else parts[1:]
        for i, (label, store) in enumerate(parts):
            split0, per0 = counters_now(counters), process_cpu(server.pid)
            cpu0 = server_cpu(server.pid)
            r = run_load(base, token, args.requests, args.concurrency, store, (i + 1) * 10**6)
            cpu1 = server_cpu(server.pid)
            split = worker_split(counters, split0, per0, server.pid)
            results[label] = r
            cpu = (
                f"  server CPU {(cpu1 - cpu0) / r['n'] * 1000:.2f} ms/request"
                if cpu0 is not None and cpu1 is not None
                else ""
            )
            print(
                f"{label:<15} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                f"p99 {r['p99_ms']:6.2f} ms  ({r['n']} requests, concurrency "
                f"{args.concurrency}, {r['errors']} errors)  "
                f"ratio to baseline {r['rps'] / base_line['rps']:.2f}{cpu}"
            )
            if args.workers > 1:
                print(f"  {split}")
        load = f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        ev, st = results.get("evaluate"), results.get("evaluate+store")
        if ev is not None:
            ok = ev["p99_ms"] < 10 and ev["rps"] >= 1000
            print(
                f"issue-14.2 evaluate-only target (>= 1,000 req/s, p99 < 10 ms, 2 workers): "
                f"{'met' if ok else 'not met'} with {args.workers} worker(s) {load}"
            )
        if st is not None:
            ok = st["p99_ms"] < 20 and st["rps"] >= 500
            print(
                f"issue-14.2 store target (>= 500 req/s, p99 < 20 ms, 2 workers): "
                f"{'met' if ok else 'not met'} with {args.workers} worker(s) {load}"
            )
        if ev is not None and st is not None:
            print(
                f"store/no-store throughput ratio: {st['rps'] / ev['rps']:.2f}; "
                f"p99 ratio: {st['p99_ms'] / ev['p99_ms']:.2f}"
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if server.stderr:
            server.stderr.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        load_main(sys.argv[2:])
    else:
        main()
