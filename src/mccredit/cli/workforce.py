"""`mccredit workforce ROSTER -j ID [--by school|category|competency]`: the workforce skills
view (issue 15). `--json` prints it; `--out DIR` writes `workforce.json`, one CSV per section
(`holders`, `short`, `gaps`, `coaches`, `trend`) and `workforce.html` (self-contained, charts
inline), under temporary names renamed once all are written. `--aggregate` leaves out named
educators (what a `union` key gets over the API); counts under `--min-bucket` are suppressed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import MccreditError
from ..views import print_table
from ._common import AsOf, RulesOpt, err, fail, find_root, get_rules, out
from ._files import write_or_exit

__all__ = ["register"]

SECTIONS = ("holders", "short", "gaps", "coaches", "trend")


def workforce(
    roster: Annotated[list[Path], typer.Argument(help="Ed-Fi folder, batch roster or files.")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j", help="e.g. us-va/pwcs")],
    by: Annotated[str, typer.Option("--by", help="school, category or competency.")] = "school",
    as_of: AsOf = None,
    min_bucket: Annotated[
        int, typer.Option("--min-bucket", min=1, help="Suppress counts below this.")
    ] = 5,
    aggregate: Annotated[
        bool, typer.Option("--aggregate", help="No named educators (candidate coaches).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON view.")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Write files here.")] = None,
    rules: RulesOpt = None,
) -> None:
    """Which skills the workforce holds and lacks, by school, category or competency."""
    from ..evaluation import as_of_date, evaluate_plan, plan_for
    from ..handoff import read_roster
    from ..reports import workforce_csv, workforce_html, workforce_view

    if by not in ("school", "category", "competency"):
        err.print(f"error: --by: expected school, category or competency, got {by!r}")
        raise typer.Exit(2)
    try:
        ruleset = get_rules(find_root(rules))
        j = ruleset.get(jurisdiction)
        day = as_of_date(as_of)
        plan = plan_for(ruleset, j, day)
        read = read_roster(roster, rules=ruleset, jurisdiction=jurisdiction)
        view = workforce_view(
            ((ed, evaluate_plan(plan, ed)) for ed in read.educators),
            jurisdiction=jurisdiction,
            as_of=day,
            catalog=j.catalog,
            by=by,  # type: ignore[arg-type]
            min_bucket=min_bucket,
            named=not aggregate,
        )
    except MccreditError as e:
        raise fail(e) from None
    for r in read.rejected:
        err.print(f"rejected: {r.get('file')}:{r.get('row') or ''}: {r.get('reason')}")
    text = json.dumps(view, indent=2, ensure_ascii=False) + "\n"
    if out_dir is not None:
        files = {"workforce.json": text, "workforce.html": workforce_html(view)}
        files.update({f"{s}.csv": workforce_csv(view, s) for s in SECTIONS})
        write_or_exit(out_dir, files)
        err.print(f"wrote {len(files)} files to {out_dir} (open workforce.html)")
    if as_json:
        sys.stdout.write(text)
    elif out_dir is None:
        t = Table(title=f"Workforce {jurisdiction} on {view['as_of']} ({view['educators']})")
        for c in ("group", "key", "school", "educators"):
            t.add_column(c)
        for r in view["holders"][:40]:
            n = r["educators"]
            t.add_row(r["group"], r["key"], r["school"], f"<{min_bucket}" if n is None else str(n))
        print_table(out, t, keep=2)


def register(app: typer.Typer) -> None:
    app.command("workforce")(workforce)
