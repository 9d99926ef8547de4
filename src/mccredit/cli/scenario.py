"""`mccredit scenario PROPOSAL EDUCATORS... --from-year Y --years N`: cost a proposal."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .._yaml import ProblemException, load_file
from ..errors import InputError, MccreditError
from ..scenarios.roster import educator_files as _educator_files
from ..views import print_table, print_text
from . import _common as cli

__all__ = ["register"]


#: The costing table's columns, the figures a negotiator reads first leading: on a narrow
#: screen the table is stacked (`_tables.print_table`), scenario and year repeated.
_COSTING_COLUMNS = (
    "scenario",
    "year",
    "total salary",
    "Δ salary",
    "cost of 1%",
    "lane movement",
    "of it micro-credentials",
    "base increases",
    "cost of a step",
    "total compensation",
    "Δ compensation",
)


def _costing_row(name: str, y: dict[str, Any], v: dict[str, Any] | None) -> list[str]:
    return [
        name,
        str(y["year"]),
        y["total_salary"],
        v["salary_difference"] if v else "",
        y["cost_of_1pct"],
        y["cost_of_lane_movement"],
        y["cost_of_lane_movement_micro_credentials"],
        y["base_increases"],
        y["cost_of_a_step"],
        y["total_compensation"],
        v["compensation_difference"] if v else "",
    ]


def _costing(
    roster: list[Path],
    proposals: list[Path],
    assumptions: Path,
    out_dir: Path | None,
    rules: Path | None,
) -> None:
    from ..reports import write_costing_report
    from ..scenarios.costing import run_costing

    if out_dir is None:
        raise typer.BadParameter("--out DIR is required with --assumptions", param_hint="--out")
    try:
        doc = run_costing(
            roster, proposals, assumptions, out_dir, rules=cli.get_rules(cli.find_root(rules))
        )
    except MccreditError as e:
        raise cli.fail(e) from None
    doc["files"].append(write_costing_report(doc, out_dir / "report.html").name)
    t = Table(
        title=f"{doc['ruleset']['id']} — {doc['educators']} educators, assumptions "
        f"{doc['assumptions']['sha256'][:12]}"
    )
    for c in _COSTING_COLUMNS:
        t.add_column(c, justify="right", no_wrap=True)
    for y in doc["baseline"]["years"]:
        t.add_row(*_costing_row("baseline", y, None))
    for k, p in enumerate(doc["proposals"], 1):
        for y, v in zip(p["years"], p["vs_baseline"], strict=True):
            t.add_row(*_costing_row(f"P{k}", y, v))
    print_table(cli.out, t, keep=2)
    for k, p in enumerate(doc["proposals"], 1):
        ct = p["contract_term"]
        print_text(
            cli.out,
            f"P{k} {p['proposal']['name']} ({p['proposal']['sha256'][:12]}): contract term "
            f"Δ salary {ct['salary_difference']}, Δ compensation {ct['compensation_difference']}",
        )
    print_text(cli.out, f"wrote {', '.join(doc['files'])} to {out_dir}")


def register(app: typer.Typer) -> None:
    @app.command()
    def scenario(
        proposal: Annotated[
            Path,
            typer.Argument(
                help="Proposal overlay (YAML or JSON); with --assumptions: the roster "
                "(educator files or folders of them)."
            ),
        ],
        educators: Annotated[
            list[Path] | None, typer.Argument(help="Educator files, or folders of them.")
        ] = None,
        from_year: Annotated[int, typer.Option("--from-year", help="First year to cost.")] = 2026,
        years: Annotated[int, typer.Option("--years", help="How many years.", min=1, max=30)] = 3,
        month_day: Annotated[
            str, typer.Option("--on", help="MM-DD evaluated in each year.")
        ] = "10-01",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        rules: cli.RulesOpt = None,
        proposals: Annotated[
            list[Path] | None,
            typer.Option("--proposal", help="With --assumptions: a proposal to cost (repeat)."),
        ] = None,
        assumptions: Annotated[
            Path | None,
            typer.Option("--assumptions", help="Costing assumptions YAML (multi-year costing)."),
        ] = None,
        out_dir: Annotated[
            Path | None, typer.Option("--out", help="With --assumptions: output folder.")
        ] = None,
    ) -> None:
        """Cost a proposal: baseline vs proposal, year by year, across many educators.

        `mccredit scenario ROSTER --proposal P.yaml [--proposal Q.yaml] --assumptions A.yaml
        --out DIR` projects the roster over the assumptions' years and writes JSON and CSV
        tables (see mccredit.scenarios.costing) and report.html, a self-contained report
        (mccredit.reports.costing)."""
        if assumptions is not None:
            _costing([proposal, *(educators or [])], proposals or [], assumptions, out_dir, rules)
            return
        educators = educators or []
        from ..scenarios._cost import cost_proposal
        from ..scenarios._proposal import load_proposal

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
        print_table(cli.out, t)
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
