"""Reliability run (issue 14): re-runs the schemathesis, scope, fault and fuzz checks that found
the issue's holes, on SQLite and PostgreSQL, and prints what it tried and what went wrong.

    python benchmarks/reliability.py [--examples 20] [--fuzz 300] [--seed 14] [--sqlite-only]

1. schemathesis: every operation of /openapi.json, `--examples` generated cases each, an admin
   key, stored educators in two jurisdictions: counts cases and 5xx answers.
2. scope: every key (role x scope) against every stored educator on every educator route and
   the audit log: counts attempts, and leaks (an answer that shows or changes an educator, an
   audit row or a payroll change outside the key's scope, or a payroll proposal from a role
   that may not make one).
3. faults: the issue's measured faults (NUL, lone surrogates, deep nesting, non-Latin-1 ids,
   ids outside the character set, an unreachable database) sent as requests: counts 5xx and
   answers other than the documented refusal.
4. fuzz: `--fuzz` mutated educator and rule files through the CLI (`evaluate`, `validate`):
   counts tracebacks and exit codes other than 0/1/2, and files that took over three times as
   long as the unmutated file (plus a second) to refuse.

Exit status 1 when anything went wrong, so the script can gate a release; the figures are for
the issue's note. Nothing here is a timed assertion.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# the API tests' own educators (one TN, one PWCS with five graduate courses), under ids of
# their own so a stored educator is never confused with a request's
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "api"))
import api_support  # noqa: E402

TN: dict[str, Any] = dict(api_support.TN, id="E-TN")


def pwcs(educator_id: str = "E-PWCS") -> dict[str, Any]:
    return api_support.pwcs(educator_id)


KEYS = {
    "admin": ("admin", ["*"]),
    "admin_tn": ("admin", ["us-tn"]),
    "licensure_tn": ("licensure", ["us-tn"]),
    "licensure_va": ("licensure", ["us-va"]),
    "payroll_pwcs": ("payroll", ["us-va/pwcs"]),
    "payroll_other": ("payroll", ["us-va/other"]),
    "union": ("union", ["us-tn", "us-va"]),
}


@dataclass
class Tally:
    tried: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def attempt(self, what: str, ok: bool, detail: str = "") -> None:
        self.tried[what] += 1
        if not ok:
            self.failed[what] += 1
            shown = self.examples.setdefault(what, [])
            if len(shown) < 3:
                shown.append(detail[:300])


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'reliability.db'}"
        return
    from mccredit.store._testing import postgres_schema_url

    with postgres_schema_url() as url:
        yield url


def in_scope(jurisdiction: str, scopes: list[str]) -> bool:
    return any(s == "*" or jurisdiction == s or jurisdiction.startswith(s + "/") for s in scopes)


def app_for(url: str) -> tuple[Any, Any, dict[str, str]]:
    import mccredit
    from mccredit.api import create_app
    from mccredit.store import make_engine, upgrade, write_session
    from mccredit.store.repositories import create_api_key, put_educator

    engine = make_engine(url)
    upgrade(engine)
    tokens = {}
    with write_session(engine) as s:
        for name, (role, scopes) in KEYS.items():
            tokens[name] = create_api_key(session=s, role=role, scopes=scopes, name=name)[1]
        for data in (TN, pwcs()):
            put_educator(session=s, educator=mccredit.to_educator(data), scopes=["*"], actor="r")
        s.commit()
    return engine, create_app(engine=engine), tokens


def run_schemathesis(app: Any, token: str, examples: int, t: Tally) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for result in schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            resp = case.call(headers={"Authorization": f"Bearer {token}"})
            t.attempt(
                "schemathesis",
                resp.status_code < 500,
                f"{case.method} {case.formatted_path} -> {resp.status_code}",
            )

        check()


def _count(client: Any, sql: str, **params: Any) -> int:
    import sqlalchemy as sa

    with client.app.state.engine.connect() as conn:
        return int(conn.execute(sa.text(sql), params).scalar_one())


def run_scope(client: Any, tokens: dict[str, str], t: Tally) -> None:
    educators = {"E-TN": TN, "E-PWCS": pwcs()}
    for name, (role, scopes) in KEYS.items():
        h = {"Authorization": f"Bearer {tokens[name]}"}
        for eid, doc in educators.items():
            inside = in_scope(doc["jurisdiction"], scopes)
            for method, path, body in (
                ("GET", f"/v1/educators/{eid}", None),
                ("GET", f"/v1/educators/{eid}/evaluation?as_of=2024-12-01", None),
                ("GET", f"/v1/educators/{eid}/evaluations", None),
                ("PUT", f"/v1/educators/{eid}", doc),
                ("POST", f"/v1/educators/{eid}/credentials", doc["credentials"][0]),
            ):
                changes = _count(client, "SELECT count(*) FROM payroll_change")
                r = client.request(method, path, headers=h, json=body)
                leaked = not inside and r.status_code < 400
                t.attempt("scope", not leaked and r.status_code < 500, f"{name} {method} {path}")
                if role not in ("payroll", "admin"):  # only these may propose payroll
                    after = _count(client, "SELECT count(*) FROM payroll_change")
                    t.attempt("scope", after == changes, f"{name} {method} {path} proposed")
            if not inside and "*" not in scopes:
                # an evaluation stored under an id the key cannot see, in its own jurisdiction:
                # ids are namespaced by jurisdiction (issue 14.4), so it is stored as the key's
                # own jurisdiction's educator of that id, never as the other one's. A leak is
                # a row added under the owner's (id, jurisdiction), or one row not in the
                # key's own jurisdiction
                q = "SELECT count(*) FROM evaluation WHERE educator_id = :e AND jurisdiction = :j"
                before = _count(client, q, e=eid, j=doc["jurisdiction"])
                own_before = _count(client, q, e=eid, j=scopes[0])
                body = {"educator": dict(doc, jurisdiction=scopes[0]), "as_of": "2024-12-01"}
                r = client.post("/v1/evaluate?store=true", headers=h, json=body)
                after = _count(client, q, e=eid, j=doc["jurisdiction"])
                own_after = _count(client, q, e=eid, j=scopes[0])
                # (a 200 may add none: the same evaluation stored before is not stored twice)
                added = own_after - own_before
                stored_as_own = added in ((0, 1) if r.status_code == 200 else (0,))
                t.attempt(
                    "scope",
                    after == before and stored_as_own and r.status_code < 500,
                    f"{name} -> {eid} (stored {after - before} under {doc['jurisdiction']})",
                )
        audit = client.get("/v1/audit?limit=500", headers=h)
        if audit.status_code == 200:
            for row in audit.json().get("data", []):
                j = row.get("jurisdiction")
                ok = "*" in scopes or (j is not None and in_scope(j, scopes))
                t.attempt("scope", ok, f"{name} audit row {row.get('action')} {j}")
        listed = client.get("/v1/payroll/changes", headers=h)
        if listed.status_code == 200:
            for row in listed.json().get("data", []):
                t.attempt("scope", in_scope(row["jurisdiction"], scopes), f"{name} change")


def run_faults(client: Any, token: str, t: Tally) -> None:
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    deep = lambda n: "[" * n + "]" * n  # noqa: E731
    bodies: list[tuple[str, str, str, set[int]]] = [
        (
            "NUL in a value",
            "PUT",
            json.dumps(
                dict(TN, id="E-TN", licenses=[dict(TN["licenses"][0], type="pro\u0000fessional")])
            ),
            {422},
        ),
        ("lone surrogate", "PUT", json.dumps(TN).replace("us-tn", "us-tn\\ud800"), {422}),
    ]
    for n in (64, 500, 970, 5000, 50_000):
        bodies.append((f"nesting {n}", "PUT", '{"id": "E-TN", "x": ' + deep(n) + "}", {422}))
    for what, method, body, expect in bodies:
        r = client.request(
            method, "/v1/educators/E-TN", headers=h, content=body.encode("utf-8", "surrogatepass")
        )
        t.attempt("faults", r.status_code in expect, f"{what}: {r.status_code}")
    for bad in ("教师-1", "a b", "x" * 200, "..", "-lead"):
        doc = dict(TN, id=bad)
        r = client.put(f"/v1/educators/{bad}", headers=h, json=doc)
        t.attempt("faults", r.status_code in (404, 422), f"id {bad!r}: {r.status_code}")
        r = client.put(f"/v1/educators/{bad}", headers=h, json=doc)  # retried: same answer
        t.attempt("faults", r.status_code in (404, 422), f"id {bad!r} again: {r.status_code}")


def run_unreachable(t: Tally) -> None:
    from fastapi.testclient import TestClient

    from mccredit.api import create_app
    from mccredit.store import make_engine

    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    with TestClient(create_app(engine=engine), raise_server_exceptions=False) as c:
        h = {"Authorization": "Bearer mcc_x"}
        for path in ("/v1/educators", "/v1/educators/E-1", "/v1/audit", "/v1/payroll/changes"):
            t0 = time.perf_counter()
            r = c.get(path, headers=h)
            took = time.perf_counter() - t0
            t.attempt("faults", r.status_code == 503 and took < 10, f"{path}: {r.status_code}")
        r = c.get("/healthz")
        t.attempt("faults", r.status_code == 200, f"/healthz: {r.status_code}")
    engine.dispose()


def mutate(rng: random.Random, text: str) -> str:
    ops: list[Callable[[str], str]] = [
        lambda s: s[: rng.randrange(len(s) + 1)],
        lambda s: s.replace(":", ": &a [*a, *a]", 1),
        lambda s: s + "\n" + "x: " + "[" * rng.choice([10, 100, 1000]),
        lambda s: s.replace("e", chr(rng.choice([0, 7, 0x1B, 0xFEFF, 0xD800 - 1])), 3),
        lambda s: "a: &a [*a]\n" + s,
        lambda s: "".join(c for c in s if rng.random() > 0.02),
        lambda s: s.replace("20", "99", 2),
        lambda s: s + "\n" + "\n".join(f"k{i}: &k{i} [*k{i - 1}, *k{i - 1}]" for i in range(1, 9)),
    ]
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(ops)(text)
    return text


def run_fuzz(n: int, seed: int, tmp: Path, t: Tally) -> None:
    from typer.testing import CliRunner

    from mccredit.cli import app

    rng = random.Random(seed)
    runner = CliRunner()
    educator = json.dumps(TN, indent=2)
    rule_files = sorted(
        p.relative_to(ROOT)
        for p in (ROOT / "jurisdictions" / "us-tn").rglob("*.yaml")
        if "cases" not in p.parts
    ) + [Path("rules/catalogs/teacher-micro-credentials.yaml")]
    # the slowness check is relative to the same commands on unmutated files, in this run
    plain = tmp / "plain.json"
    plain.write_text(educator)
    for part in ("rules", "jurisdictions"):
        shutil.copytree(ROOT / part, tmp / "plain-rules" / part)
    base = {}
    for name, cmd in (
        ("evaluate", ["evaluate", str(plain), "--as-of", "2024-06-30"]),
        ("validate", ["validate", str(tmp / "plain-rules")]),
    ):
        t0 = time.perf_counter()
        runner.invoke(app, cmd)
        base[name] = time.perf_counter() - t0
    slow_label = f"fuzz (under 3x unmutated + 1 s: {base['evaluate']:.1f}/{base['validate']:.1f} s)"
    for i in range(n):
        if i % 2 == 0:
            f = tmp / f"fuzz-{i}.yaml"
            f.write_text(mutate(rng, educator), encoding="utf-8", errors="surrogatepass")
            args = ["evaluate", str(f), "--as-of", "2024-06-30"]
        else:
            tree = tmp / f"rules-{i}"
            for part in ("rules", "jurisdictions"):
                shutil.copytree(ROOT / part, tree / part)
            victim = tree / rng.choice(rule_files)
            victim.write_text(
                mutate(rng, victim.read_text()), encoding="utf-8", errors="surrogatepass"
            )
            args = ["validate", str(tree)]
        t0 = time.perf_counter()
        r = runner.invoke(app, args)
        took = time.perf_counter() - t0
        crashed = r.exception is not None and not isinstance(r.exception, SystemExit)
        ok = not crashed and r.exit_code in (0, 1, 2) and "Traceback" not in r.output
        t.attempt("fuzz", ok, f"{args[0]} #{i}: exit {r.exit_code} {r.exception!r}")
        t.attempt(slow_label, took < 3 * base[args[0]] + 1, f"{args[0]} #{i}: {took:.1f} s")
        if i % 2 == 1:
            shutil.rmtree(tmp / f"rules-{i}", ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=20, help="schemathesis cases per operation")
    ap.add_argument("--fuzz", type=int, default=300, help="mutated files through the CLI")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--sqlite-only", action="store_true")
    args = ap.parse_args()
    from fastapi.testclient import TestClient

    t = Tally()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mccredit-reliability-") as d:
        tmp = Path(d)
        for kind in ("sqlite",) if args.sqlite_only else ("sqlite", "postgresql"):
            with database(kind, tmp) as url:
                engine, app, tokens = app_for(url)
                with TestClient(app, raise_server_exceptions=False) as client:
                    run_schemathesis(app, tokens["admin"], args.examples, t)
                    run_scope(client, tokens, t)
                    run_faults(client, tokens["admin"], t)
                engine.dispose()
                print(f"{kind}: done after {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        run_unreachable(t)
        run_fuzz(args.fuzz, args.seed, tmp, t)
    width = max(len(k) for k in t.tried)
    print(f"{'check':<{width}}  {'tried':>7}  {'failed':>6}")
    for what in t.tried:
        print(f"{what:<{width}}  {t.tried[what]:>7}  {t.failed[what]:>6}")
    for what, shown in t.examples.items():
        for line in shown:
            print(f"  {what}: {line}")
    print(f"{time.perf_counter() - t0:.0f} s in all")
    return 1 if sum(t.failed.values()) else 0


if __name__ == "__main__":
    os.environ.setdefault("MCCREDIT_LOG_LEVEL", "warning")
    raise SystemExit(main())
