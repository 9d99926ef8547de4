"""`mccredit validate | evaluate | explain | test | demo`: the rules and one educator."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from .. import _api
from ..errors import MccreditError, RuleError
from ..result import Evaluation
from ..rules import load_rules
from ..views import annual_change, print_table
from ._common import (
    AsOf,
    JurisdictionOpt,
    ProposalOpt,
    RulesOpt,
    err,
    evaluate_file,
    fail,
    find_root,
    get_rules,
    out,
    store_errors,
)

__all__ = ["register"]


def validate(
    path: Annotated[
        Path | None, typer.Argument(help="A rules root, jurisdiction folder or rule file.")
    ] = None,
) -> None:
    """Validate every rule file and payroll export layout; list jurisdictions, rule counts
    and sha256."""
    from ..handoff import layouts_in, worklists_in
    from ..rules import default_root

    root = find_root(path) if path is not None else None
    base = root if root is not None else default_root()
    layout_error: RuleError | None = None
    layouts: dict[str, object] = {}
    shapes: dict[str, object] = {}
    for read, into in ((layouts_in, layouts), (worklists_in, shapes)):
        try:
            into.update(read(base))
        except RuleError as e:
            layout_error = RuleError((layout_error.problems if layout_error else []) + e.problems)
    try:
        rules = load_rules(root) if root is not None else _api.default_rules()
    except RuleError as e:
        raise fail(
            RuleError(e.problems + (layout_error.problems if layout_error else []))
        ) from None
    except MccreditError as e:
        raise fail(e) from None
    if layout_error is not None:
        raise fail(layout_error)
    table = Table(title=f"Rules under {rules.root}")
    for col in ("jurisdiction", "name", "rules", "schedules", "sha256"):
        table.add_column(col)
    for jid in rules.ids:
        j = rules.jurisdictions[jid]
        table.add_row(jid, j.name, str(len(j.all_rules())), str(len(j.schedules)), j.sha256[:12])
    print_table(out, table)
    out.print(f"OK: {len(rules.ids)} jurisdiction(s) valid.")
    out.print(f"OK: {len(layouts)} payroll export layout(s), {len(shapes)} work list(s) valid.")


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
        doc = evaluate_file(file, jurisdiction, as_of, rules, proposal)
    except MccreditError as e:
        raise fail(e) from None
    if as_json:
        sys.stdout.write(_api.to_json(doc))
        return
    print_summary(doc)


def print_summary(doc: Evaluation) -> None:
    out.print(
        Text.assemble(
            (doc.educator, "bold"),
            f" in {doc.jurisdiction} as of {doc.as_of} "
            f"(ruleset {doc.ruleset.id}, {doc.ruleset.sha256[:12]})",
        )
    )
    if doc.proposal is not None:
        p = doc.proposal
        out.print(f"Proposal: {p.name} (effective {p.effective}, {p.sha256[:12]})", markup=False)
    t = Table(title="Totals")
    t.add_column("unit")
    t.add_column("amount", justify="right")
    for u, a in doc.totals.items():
        t.add_row(u, str(a))
    print_table(out, t)
    if doc.renewal:
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
        for x in doc.renewal:
            r.add_row(
                x.license,
                f"{x.cycle.start} – {x.cycle.end}",
                _fmt(x.required),
                _fmt(x.earned),
                _fmt(x.remaining),
                ", ".join(f"{c} {x.categories[c].remaining}" for c in x.short_categories) or "-",
                x.status,
            )
        print_table(out, r)
    for adv in doc.advancement:
        unmet = "; ".join(u.message for u in adv.unmet) or "all conditions met"
        out.print(
            Text.assemble(
                f"Advancement {adv.from_} → {adv.tier}: ",
                ("eligible", "green") if adv.eligible else "not yet",
                f" ({unmet})",
            )
        )
    s = doc.salary
    if s is not None:
        if s.new_lane is not None:
            ty, retro = s.this_year_delta, s.retro
            out.print(
                f"Salary: {s.lane} step {s.step} {s.annual} → {s.new_lane} step "
                f"{s.new_step}{'' if s.new_annual is None else f' {s.new_annual}'} "
                f"({annual_change(s)}) from "
                f"{s.effective_date}; this year {'unknown' if ty is None else f'+{ty}'}, "
                f"retro {'unknown' if retro is None else retro}",
                markup=False,
            )
        else:
            out.print(f"Salary: {s.lane} step {s.step} {s.annual} (no change)")
    for w in doc.warnings:
        out.print(Text.assemble(("warning", "yellow"), f" {w.code.value}: {w.message}"))


def _fmt(d: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{v} {k}" for k, v in d.items())


def explain(
    file: Annotated[Path, typer.Argument(help="Educator JSON or YAML file.")],
    jurisdiction: JurisdictionOpt = None,
    as_of: AsOf = None,
    rules: RulesOpt = None,
    proposal: ProposalOpt = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="The evaluation document with the account under `trace`, as JSON."
        ),
    ] = False,
) -> None:
    """Explain every figure: rule, title, source and file:line; then what did not count
    toward each figure and why (outside the window, capped, not accepted, ...)."""
    from ..evaluation import to_json
    from ..views import render_text, render_trace

    try:
        doc = evaluate_file(file, jurisdiction, as_of, rules, proposal, trace=True)
    except MccreditError as e:
        raise fail(e) from None
    if as_json:
        sys.stdout.write(to_json(doc))
        return
    assert doc.trace is not None  # evaluated with trace=True
    sys.stdout.write(render_text(doc) + render_trace(doc.trace))


def test_cases(
    path: Annotated[
        Path | None, typer.Argument(help="A jurisdiction folder, cases folder or case file.")
    ] = None,
    verbose: Annotated[bool, typer.Option("-v", help="List every case.")] = False,
) -> None:
    """Run jurisdiction worked examples (cases/*.yaml); exit 1 if any fails."""
    from ..testing import run_cases

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
    from ..demo import run_demo

    try:
        run_demo(out, as_json=as_json, store=store)
    except MccreditError as e:
        raise fail(e) from None


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(evaluate)
    app.command()(explain)
    app.command("test")(test_cases)
    app.command()(store_errors(demo))
