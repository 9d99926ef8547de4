"""`mccredit scenario PROPOSAL EDUCATORS... --from-year Y --years N`: cost a proposal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .. import cli
from .._yaml import ProblemException, load_file
from ..errors import InputError, MccreditError

__all__ = ["register"]


def _educator_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.suffix in (".json", ".yaml", ".yml")))
        else:
            out.append(p)
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def scenario(
        proposal: Annotated[Path, typer.Argument(help="Proposal overlay (YAML or JSON).")],
        educators: Annotated[
            list[Path], typer.Argument(help="Educator files, or folders of them.")
        ],
        from_year: Annotated[int, typer.Option("--from-year", help="First year to cost.")] = 2026,
        years: Annotated[int, typer.Option("--years", help="How many years.", min=1, max=30)] = 3,
        month_day: Annotated[
            str, typer.Option("--on", help="MM-DD evaluated in each year.")
        ] = "10-01",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        rules: cli.RulesOpt = None,
    ) -> None:
        """Cost a proposal: baseline vs proposal, year by year, across many educators."""
        from ._cost import cost_proposal
        from ._proposal import load_proposal

        try:
            p = load_proposal(proposal)
            raw: list[dict[str, Any]] = []
            problems = []
            for f in _educator_files(educators):
                try:
                    data = load_file(f).data
                except ProblemException as e:
                    problems.append(e.problem)
                    continue
                raw.append(data)
            if problems:
                raise InputError(problems)
            doc = cost_proposal(
                p,
                raw,
                years=range(from_year, from_year + years),
                month_day=month_day,
                rules=cli.get_rules(cli.find_root(rules)),
            )
        except MccreditError as e:
            raise cli.fail(e) from None
        if as_json:
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
            return
        t = Table(
            title=f"{doc['proposal']['name']} — {doc['educators']} educators"
            f" ({doc['proposal']['sha256'][:12]})"
        )
        for c in (
            "year",
            "renewals complete",
            "eligible to advance",
            "salary changes",
            "annual payroll",
            "this-year cost",
        ):
            t.add_column(c, justify="right")
        for row in doc["years"]:
            b, q, d = row["baseline"], row["proposal"], row["delta"]
            t.add_row(
                str(row["year"]),
                f"{b['renewals_complete']} → {q['renewals_complete']}",
                f"{b['eligible_to_advance']} → {q['eligible_to_advance']}",
                f"{b['salary_changes']} → {q['salary_changes']}",
                f"{b['annual_payroll']} → {q['annual_payroll']} (Δ {d['annual_payroll']})",
                f"{b['this_year_cost']} → {q['this_year_cost']} (Δ {d['this_year_cost']})",
            )
        cli.out.print(t)
        for row in doc["years"]:
            n = max(row["baseline"]["unpriced"], row["proposal"]["unpriced"])
            if n:
                cli.out.print(
                    f"{row['year']}: {n} educator(s) unpriced: no salary schedule in "
                    f"force on {row['as_of']} (a proposal may add `schedules`)."
                )
        if doc["skipped_other_jurisdictions"]:
            cli.out.print(
                f"{doc['skipped_other_jurisdictions']} educator(s) of other "
                "jurisdictions were not costed."
            )
