"""`mccredit salary FILE --jurisdiction ID [--as-of DATE]`: placement, change, effective date,
pay this year and retro, and the ledger lines that justify them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..views import annual_change, print_table
from . import _common as cli

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command()
    def salary(
        file: Annotated[Path, typer.Argument(help="Educator JSON or YAML file with `salary`.")],
        jurisdiction: cli.JurisdictionOpt = None,
        as_of: cli.AsOf = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the salary object as JSON.")
        ] = False,
        rules: cli.RulesOpt = None,
    ) -> None:
        """Salary placement and change for a district educator."""
        import json

        from ..errors import MccreditError

        try:
            doc = cli.evaluate_file(file, jurisdiction, as_of, rules)
        except MccreditError as e:
            raise cli.fail(e) from None
        s = doc.salary
        if as_json:
            sys.stdout.write(json.dumps(None if s is None else s.to_dict(), indent=2) + "\n")
            return
        out = cli.out
        if s is None:
            out.print(f"No salary for {doc.educator} in {doc.jurisdiction} on {doc.as_of}.")
            for w in doc.warnings:
                out.print(f"warning {w.code.value}: {w.message}", markup=False)
            raise typer.Exit(0)
        out.print(
            Text.assemble(
                (doc.educator, "bold"),
                f" in {doc.jurisdiction} as of {doc.as_of} ({s.schedule_title})",
            )
        )
        t = Table(show_header=True)
        for c in ("", "lane", "step", "annual"):
            t.add_column(c)
        t.add_row("now", s.lane, str(s.step), str(s.annual))
        if s.new_lane is not None:
            new_annual = "unpriced" if s.new_annual is None else str(s.new_annual)
            t.add_row("new", s.new_lane, str(s.new_step), new_annual)
        print_table(out, t)
        if s.new_lane is None:
            out.print("No change.")
        else:
            this_year = s.this_year_delta
            retro = s.retro
            out.print(
                f"Change: {annual_change(s)} from {s.effective_date}; "
                f"this school year {'unknown' if this_year is None else f'+{this_year}'}; "
                f"retro owed {'unknown' if retro is None else retro}",
                markup=False,
            )
            for ch in s.changes:
                out.print(
                    f"  {ch.kind} ({ch.rule}): filed {ch.filed}, pay {ch.pay} "
                    f"from {ch.effective_date}, {annual_change(ch)}",
                    markup=False,
                )
                out.print(f"    {ch.title} — {ch.source} at {ch.file}:{ch.line}", markup=False)
        lines = [e for e in doc.ledger if e.kind == "salary"]
        if lines:
            lt = Table(title="Ledger lines behind it")
            for c in ("date", "credential", "amount", "unit", "rule", "consumed by", "at"):
                lt.add_column(c)
            for line in lines:
                lt.add_row(
                    str(line.date),
                    line.credential,
                    str(line.amount),
                    line.unit,
                    line.rule,
                    line.consumed_by or "available",
                    f"{line.file}:{line.line}",
                )
            print_table(out, lt)
        for w in doc.warnings:
            out.print(f"warning {w.code.value}: {w.message}", markup=False)
