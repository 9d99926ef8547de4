"""The `mccredit` command line (Typer + rich), a thin layer over the Python API.

Exit codes: 0 success; 1 a case or requirement check failed (`test`); 2 bad input or bad
rules (each problem on its own line as `file:line:col: type: message (field, expected, got)`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import _api
from .errors import MccreditError, ProblemsError, UnknownJurisdictionError
from .rules import RuleSet, load_rules

app = typer.Typer(
    name="mccredit",
    help="Licensure and salary-credit rules engine for K-12 educators.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# markup=False: educator ids, case names and messages are data, never rich markup; colour
# comes from explicit styles (Text), so an id like "E-[/]" prints as written.
out = Console(
    highlight=False, markup=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160
)
err = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from . import __version__
        from .rules import default_root, ruleset_sha256

        root = default_root()
        out.print(f"mccredit {__version__}")
        out.print(f"rules {ruleset_sha256(root)} ({root})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and the bundled ruleset's sha256, then exit.",
        ),
    ] = False,
) -> None:
    """Licensure and salary-credit rules engine for K-12 educators."""


AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD (default: today).")
]
JurisdictionOpt = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="Jurisdiction id, e.g. us-tn or us-va/pwcs (default: the educator's own).",
    ),
]
ProposalOpt = Annotated[
    Path | None,
    typer.Option("--proposal", help="A what-if proposal overlay (YAML/JSON) to apply."),
]
RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules root holding rules/ and jurisdictions/ (default: bundled).",
        envvar="MCCREDIT_RULES",
    ),
]


def fail(exc: MccreditError) -> typer.Exit:
    """Print an error the way every command does and return exit code 2."""
    if isinstance(exc, ProblemsError):
        for p in exc.problems:
            err.print(p.one_line(), markup=False)
        err.print(f"{len(exc.problems)} problem(s); nothing was written.", markup=False)
    else:
        err.print(f"error: {exc}", markup=False)
    return typer.Exit(2)


def find_root(path: Path | None, *, fallback: bool = False) -> Path | None:
    """The rules root at or above `path` (a folder holding jurisdictions/). When there is none:
    None (the bundled rules) if `fallback`, else `path` itself, so loading it says what is
    missing."""
    if path is None:
        return None
    p = path.resolve()
    for cand in [p, *p.parents]:
        if (cand / "jurisdictions").is_dir():
            return cand
    return None if fallback else p


def get_rules(root: Path | None) -> RuleSet:
    if root is None:
        return _api.default_rules()
    return load_rules(root)


@app.command()
def validate(
    path: Annotated[
        Path | None, typer.Argument(help="A rules root, jurisdiction folder or rule file.")
    ] = None,
) -> None:
    """Validate every rule file; list jurisdictions, rule counts and sha256."""
    try:
        rules = load_rules(find_root(path)) if path is not None else _api.default_rules()
    except MccreditError as e:
        raise fail(e) from None
    table = Table(title=f"Rules under {rules.root}")
    for col in ("jurisdiction", "name", "rules", "schedules", "sha256"):
        table.add_column(col)
    for jid in rules.ids:
        j = rules.jurisdictions[jid]
        table.add_row(jid, j.name, str(len(j.all_rules())), str(len(j.schedules)), j.sha256[:12])
    out.print(table)
    out.print(f"OK: {len(rules.ids)} jurisdiction(s) valid.")


def _evaluate(
    file: Path,
    jurisdiction: str | None,
    as_of: str | None,
    rules: Path | None,
    proposal: Path | None = None,
) -> dict[str, Any]:
    from .scenarios import load_proposal

    return _api.evaluate(
        file,
        jurisdiction=jurisdiction,
        as_of=as_of,
        rules=get_rules(find_root(rules)),
        proposal=load_proposal(proposal) if proposal is not None else None,
    )


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="Educator JSON or YAML file.")],
    jurisdiction: JurisdictionOpt = None,
    as_of: AsOf = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stable JSON document.")
    ] = False,
    rules: RulesOpt = None,
    proposal: ProposalOpt = None,
) -> None:
    """Evaluate one educator: totals, renewal, advancement, salary."""
    try:
        doc = _evaluate(file, jurisdiction, as_of, rules, proposal)
    except MccreditError as e:
        raise fail(e) from None
    if as_json:
        sys.stdout.write(_api.to_json(doc))
        return
    print_summary(doc)


def print_summary(doc: dict[str, Any]) -> None:
    out.print(
        Text.assemble(
            (str(doc["educator"]), "bold"),
            f" in {doc['jurisdiction']} as of {doc['as_of']} "
            f"(ruleset {doc['ruleset']['id']}, {doc['ruleset']['sha256'][:12]})",
        )
    )
    if doc.get("proposal"):
        p = doc["proposal"]
        out.print(
            f"Proposal: {p['name']} (effective {p['effective']}, {p['sha256'][:12]})", markup=False
        )
    t = Table(title="Totals")
    t.add_column("unit")
    t.add_column("amount", justify="right")
    for u, a in doc["totals"].items():
        t.add_row(u, a)
    out.print(t)
    if doc["renewal"]:
        r = Table(title="Renewal")
        for c in (
            "license",
            "cycle",
            "required",
            "earned",
            "remaining",
            "categories short",
            "status",
        ):
            r.add_column(c)
        for x in doc["renewal"]:
            r.add_row(
                x["license"],
                f"{x['cycle']['start']} – {x['cycle']['end']}",
                _fmt(x["required"]),
                _fmt(x["earned"]),
                _fmt(x["remaining"]),
                ", ".join(f"{c} {x['categories'][c]['remaining']}" for c in x["short_categories"])
                or "-",
                x["status"],
            )
        out.print(r)
    for a in doc["advancement"]:
        unmet = "; ".join(u["message"] for u in a["unmet"]) or "all conditions met"
        out.print(
            Text.assemble(
                f"Advancement {a['from']} → {a['tier']}: ",
                ("eligible", "green") if a["eligible"] else "not yet",
                f" ({unmet})",
            )
        )
    s = doc.get("salary")
    if s:
        if s.get("new_lane") is not None:
            out.print(
                f"Salary: {s['lane']} step {s['step']} {s['annual']} → {s['new_lane']} step "
                f"{s['new_step']} {s['new_annual']} (+{s['annual_delta']} a year) from "
                f"{s['effective_date']}; this year +{s['this_year_delta']}, retro {s['retro']}"
            )
        else:
            out.print(f"Salary: {s['lane']} step {s['step']} {s['annual']} (no change)")
    for w in doc["warnings"]:
        out.print(Text.assemble(("warning", "yellow"), f" {w['code']}: {w['message']}"))


def _fmt(d: dict[str, str]) -> str:
    return ", ".join(f"{v} {k}" for k, v in d.items())


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="Educator JSON or YAML file.")],
    jurisdiction: JurisdictionOpt = None,
    as_of: AsOf = None,
    rules: RulesOpt = None,
    proposal: ProposalOpt = None,
) -> None:
    """Explain every figure: rule, title, source and file:line."""
    from .views import render_text

    try:
        doc = _evaluate(file, jurisdiction, as_of, rules, proposal)
    except MccreditError as e:
        raise fail(e) from None
    sys.stdout.write(render_text(doc))


@app.command("test")
def test_cases(
    path: Annotated[
        Path | None, typer.Argument(help="A jurisdiction folder, cases folder or case file.")
    ] = None,
    verbose: Annotated[bool, typer.Option("-v", help="List every case.")] = False,
) -> None:
    """Run jurisdiction worked examples (cases/*.yaml); exit 1 if any fails."""
    from .testing import run_cases

    try:
        # a case file outside any rules tree runs against the bundled rules
        rules = get_rules(find_root(path, fallback=True))
        target = path if path is not None else rules.root / "jurisdictions"
        if not target.exists():
            raise typer.BadParameter(f"{target} does not exist")
        results = run_cases(target, rules)
    except MccreditError as e:
        raise fail(e) from None
    failed = [r for r in results if not r.passed]
    for r in results:
        if verbose or not r.passed:
            mark = ("PASSED", "green") if r.passed else ("FAILED", "red")
            out.print(Text.assemble(f"{r.where} {r.name} ", mark))
            for f in r.failures:
                out.print(f"    {f}", markup=False)
    if not results:
        err.print(f"no cases found under {target}")
        raise typer.Exit(1)
    colour = "red" if failed else "green"
    out.print(
        Text.assemble(
            (f"{len(results) - len(failed)} passed, {len(failed)} failed", colour),
            f" in {len({r.file for r in results})} file(s)",
        )
    )
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(
    what: Annotated[
        str, typer.Argument(help="rules | educator | schedule | catalog | jurisdiction | all")
    ] = "all",
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write <name>.schema.json files here.")
    ] = None,
) -> None:
    """Print (or write) the JSON Schema of rule files and of educator input, for editors."""
    from .io.educator import Educator
    from .rules._models import CatalogFile, JurisdictionFile, RuleFile, ScheduleFile

    models: dict[str, type[BaseModel]] = {
        "rules": RuleFile,
        "educator": Educator,
        "schedule": ScheduleFile,
        "catalog": CatalogFile,
        "jurisdiction": JurisdictionFile,
    }
    if what != "all" and what not in models:
        err.print(f"error: unknown schema {what!r}; choose one of: all, {', '.join(models)}")
        raise typer.Exit(2)
    chosen = models if what == "all" else {what: models[what]}
    docs = {name: m.model_json_schema(mode="validation") for name, m in chosen.items()}
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            err.print(f"error: --out {out_dir}: cannot make a folder there ({e.strerror})")
            raise typer.Exit(2) from None
        for name, d in docs.items():
            (out_dir / f"{name}.schema.json").write_text(json.dumps(d, indent=2) + "\n")
            out.print(f"wrote {out_dir / f'{name}.schema.json'}")
        return
    sys.stdout.write(json.dumps(docs if what == "all" else docs[what], indent=2) + "\n")


@app.command()
def demo(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON line per evaluation.")
    ] = False,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Save results in the database.")
    ] = True,
) -> None:
    """Evaluate every bundled example educator and save the results (embedded SQLite by
    default; MCCREDIT_DATABASE_URL picks another database)."""
    from .demo import run_demo

    try:
        run_demo(out, as_json=as_json, store=store)
    except MccreditError as e:
        raise fail(e) from None


# Commands that live beside their subsystem register themselves here.
for _name in (
    "mccredit.salary._cli",
    "mccredit.api._cli",
    "mccredit.store._cli",
    "mccredit.batch._cli",
    "mccredit.scenarios._cli",
):
    try:
        _mod = importlib.import_module(_name)
    except ModuleNotFoundError as _e:
        if _e.name is None or not _name.startswith(_e.name):
            raise
        continue
    _mod.register(app)


def main() -> None:  # pragma: no cover
    try:
        app()
    except UnknownJurisdictionError as e:
        err.print(f"error: {e}")
        raise SystemExit(2) from None


_ = dt
