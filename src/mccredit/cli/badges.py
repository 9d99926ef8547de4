"""`mccredit verify` and `mccredit ingest`: digital credentials, offline (issue 12).

- `verify FILE|DIR… [--trust FILE] [--as-of DATE] [--json]` checks every badge file (JSON,
  VC-JWT, baked PNG/SVG; folders searched recursively) against the trust registry: the rules
  root's `rules/issuers/`, or, given `--trust` (repeatable), those registry files instead.
  One line per credential (a CLR gives the bundle, then each credential inside it); `--json`
  prints one JSON object per credential and line: `file`, `id`, `issuer`, `status`,
  `reasons` (each `code`, `message`, `field`). Exit 0 when every credential is `verified`,
  1 when any is not, 2 when an input cannot be read (its problem on stderr) or the registry
  is invalid.
- `ingest FILE|DIR --educator ID [--as-of DATE] [--trust FILE] [--json] [--url URL]` takes
  the badges into the store for a stored educator (see `mccredit.store.ingest_badges`): the
  file byte for byte, the normalized credential and its verification, idempotent by
  credential id; per file it prints `accepted` with what each credential earned and where,
  `replay`, or `rejected` and why. Exit 0 when every file was accepted or a replay, 1 when any
  was rejected, 2 for an unknown educator or an unusable database or registry.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError, MccreditError
from ._common import AsOf, RulesOpt, UrlOpt, err, fail, find_root, get_rules, out

if TYPE_CHECKING:
    from ..verify import TrustRegistry

__all__ = ["register"]

TrustOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--trust",
        help="A trust registry file (YAML, like rules/issuers/*.yaml) to verify against "
        "instead of the rules' own registry; repeatable.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def _as_of(value: str | None) -> dt.date:
    from ..evaluation import as_of_date

    return as_of_date(value)


def _registry(trust: list[Path] | None, rules: Path | None) -> TrustRegistry:
    from ..verify import load_registry

    if trust:
        missing = [p for p in trust if not p.exists()]
        if missing:
            err.print(f"error: no trust registry file {missing[0]}", markup=False)
            raise typer.Exit(2)
        return load_registry(*trust)
    return get_rules(find_root(rules, fallback=True)).registry


def verify(
    paths: Annotated[list[Path], typer.Argument(help="Badge files or folders of them.")],
    trust: TrustOpt = None,
    as_of: AsOf = None,
    as_json: JsonOpt = False,
    rules: RulesOpt = None,
) -> None:
    """Verify badges offline: signatures, issuer trust, dates, types; one result each."""
    from ..io.badge_files import read_badge_paths
    from ..io.badges import verify_badge

    try:
        day = _as_of(as_of)
        registry = _registry(trust, rules)
    except MccreditError as e:
        raise fail(e) from None
    files, unreadable = read_badge_paths(paths)
    if not files and not unreadable:
        err.print("error: no badge files found", markup=False)
        raise typer.Exit(2)
    all_verified = True
    for f in files:
        for cid, issuer, record in verify_badge(f, registry=registry, as_of=day):
            all_verified &= record.status == "verified"
            reasons = [r.model_dump(mode="json") for r in record.reasons]
            if as_json:
                row = {
                    "file": f.source,
                    "id": cid,
                    "issuer": issuer,
                    "status": record.status,
                    "reasons": reasons,
                }
                out.print(json.dumps(row, ensure_ascii=False), markup=False, soft_wrap=True)
            else:
                why = "; ".join(f"{r.code}: {r.message}" for r in record.reasons)
                out.print(
                    f"{f.source}: {record.status}  {cid or '(no id)'}"
                    + (f"  [{why}]" if why else f"  ({record.method})"),
                    markup=False,
                )
    for p in unreadable:
        err.print(p.one_line(), markup=False)
    if unreadable:
        raise typer.Exit(2)
    raise typer.Exit(0 if all_verified else 1)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Badge files or folders of them.")],
    educator: Annotated[str, typer.Option("--educator", help="The stored educator's id.")],
    as_of: AsOf = None,
    trust: TrustOpt = None,
    as_json: JsonOpt = False,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="Who takes them in, for the audit log (default: cli:$USER)."),
    ] = None,
    url: UrlOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Take badges into the store for an educator; per file: accepted (and credited where),
    a replay, or rejected and why."""
    from ..io.badge_files import read_badge_paths
    from ..store import ingest_badges, make_engine, write_session

    try:
        day = _as_of(as_of)
        ruleset = get_rules(find_root(rules, fallback=True))
        registry = _registry(trust, rules) if trust else None
    except MccreditError as e:
        raise fail(e) from None
    files, unreadable = read_badge_paths(paths)
    if not files and not unreadable:
        err.print("error: no badge files found", markup=False)
        raise typer.Exit(2)
    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            report = ingest_badges(
                session=session,
                educator_id=educator,
                files=files,
                unreadable=unreadable,
                scopes=["*"],
                actor=actor or f"cli:{getpass.getuser()}",
                rules=ruleset,
                registry=registry,
                as_of=day,
            )
            if report is None:
                err.print(f"error: no stored educator {educator!r}", markup=False)
                raise typer.Exit(2)
            session.commit()
    except InputError as e:
        raise fail(e) from None
    finally:
        engine.dispose()
    for o in report:
        if as_json:
            out.print(json.dumps(o.as_dict(), ensure_ascii=False), markup=False, soft_wrap=True)
            continue
        out.print(f"{o.file}: {o.status}", markup=False)
        for r in o.reasons:
            where = f" ({r['field']})" if r.get("field") else ""
            out.print(f"  {r['code']}: {r['message']}{where}", markup=False)
        for c in o.credentials:
            v = (c.verification or {}).get("status", "-")
            out.print(f"  {c.id}: {c.status}, verification {v}", markup=False)
            for line in c.credited:
                out.print(
                    f"    credited {line['amount']} {line['unit']} by {line['rule']}", markup=False
                )
            for r in c.reasons:
                out.print(f"    {r['code']}: {r['message']}", markup=False)
            for w in c.warnings:
                out.print(f"    warning {w['code']}: {w['message']}", markup=False)
    raise typer.Exit(1 if any(o.status == "rejected" for o in report) else 0)


def register(app: typer.Typer) -> None:
    from ._common import store_errors

    app.command("verify")(verify)
    app.command("ingest")(store_errors(ingest))
