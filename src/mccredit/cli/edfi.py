"""`mccredit edfi …`: Ed-Fi interchange (issue 15).

`edfi check FOLDER` validates an Ed-Fi folder against the bundled schemas and lists every
refused document (file, line or index, JSON pointer). `edfi pd ROSTER -j ID --out DIR`
evaluates a roster (Ed-Fi folder, batch roster or educator files) and writes the professional
development the engine credited as Ed-Fi JSON Lines: `professionalDevelopmentEvents.jsonl`
and `professionalDevelopmentEventAttendances.jsonl` (temporary names, renamed when both are
written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import MccreditError
from ._common import AsOf, RulesOpt, err, fail, find_root, get_rules, out
from ._files import write_or_exit

__all__ = ["register"]

edfi_app = typer.Typer(
    name="edfi", help="Ed-Fi interchange: check a folder, write earned PD.", no_args_is_help=True
)


@edfi_app.command("check")
def check(
    folder: Annotated[Path, typer.Argument(help="A folder of Ed-Fi JSON / JSON Lines files.")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j")] = "us-tn",
) -> None:
    """Validate each document against the bundled Ed-Fi schemas; exit 1 if any is refused."""
    from ..handoff import is_edfi_folder, read_edfi

    if not is_edfi_folder(folder):
        err.print(f"error: {folder}: no staffs.json or staffs.jsonl (an Ed-Fi folder)")
        raise typer.Exit(2)
    got = read_edfi(folder, jurisdiction=jurisdiction)
    for p in got.problems:
        err.print(p.one_line())
    out.print(
        f"{len(got.educators)} staff read, {len(got.problems)} document problem(s); "
        f"{sum(len(v) for v in got.schools.values())} school assignment(s)"
    )
    if got.problems:
        raise typer.Exit(1)


@edfi_app.command("pd")
def pd(
    roster: Annotated[list[Path], typer.Argument(help="Ed-Fi folder, batch roster or files.")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the .jsonl files.")],
    as_of: AsOf = None,
    rules: RulesOpt = None,
) -> None:
    """Write the credited professional development as Ed-Fi JSON Lines."""
    from ..evaluation import as_of_date, evaluate_plan, plan_for
    from ..handoff import earned_pd, jsonl, read_roster

    try:
        ruleset = get_rules(find_root(rules))
        plan = plan_for(ruleset, ruleset.get(jurisdiction), as_of_date(as_of))
        read = read_roster(roster, rules=ruleset, jurisdiction=jurisdiction)
        events, atts = earned_pd((ed, evaluate_plan(plan, ed)) for ed in read.educators)
    except MccreditError as e:
        raise fail(e) from None
    for r in read.rejected:
        err.print(f"refused: {r.get('file')}:{r.get('row') or ''}: {r.get('reason')}")
    files = {
        "professionalDevelopmentEvents.jsonl": jsonl(events),
        "professionalDevelopmentEventAttendances.jsonl": jsonl(atts),
    }
    write_or_exit(out_dir, files)
    err.print(
        f"{len(atts)} attendance(s) of {len(events)} event(s) for {len(read.educators)} "
        f"educator(s) → {out_dir}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(edfi_app)
