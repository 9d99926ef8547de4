"""`mccredit licensure worklist ROSTER --jurisdiction ID`: the licensure office's work list.

Per educator: the credit entries ready to approve, in the columns the state portal asks for
(the jurisdiction's `licensure.worklist` shape, `rules/worklists/`), the entries held back and
why, the renewals at risk this cycle, the educators eligible to advance and, where the shape
batches by license expiration (NC), one batch per cohort. `--json` prints the whole document;
`--out DIR` writes `entries.csv` (and `entries-<cohort>.csv` per cohort), `held.csv`,
`at_risk.csv`, `advancement_eligible.csv` and `worklist.json`, each under a temporary name
first, renamed once all are written.
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

licensure_app = typer.Typer(
    name="licensure", help="Licensure office hand-offs: the work list.", no_args_is_help=True
)


@licensure_app.command("worklist")
def worklist(
    roster: Annotated[
        list[Path],
        typer.Argument(help="Batch roster (folder or wide file) or educator files / folders."),
    ],
    jurisdiction: Annotated[
        str, typer.Option("--jurisdiction", "-j", help="The licensing jurisdiction, e.g. us-tn.")
    ],
    as_of: AsOf = None,
    shape: Annotated[
        str | None,
        typer.Option(
            "--worklist",
            help="Work list shape id (rules/worklists/; default: the jurisdiction's own).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the CSV and JSON files here.")
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """Credit entries ready to approve, renewals at risk, advancement-eligible educators."""
    from ..evaluation import as_of_date
    from ..handoff import SECTION_COLUMNS, build_worklist, choose_worklist, entries_csv, read_roster
    from ..handoff import section_csv as to_csv

    try:
        ruleset = get_rules(find_root(rules))
        day = as_of_date(as_of)
        wl = choose_worklist(ruleset, jurisdiction, shape)
        read = read_roster(roster, rules=ruleset, jurisdiction=jurisdiction)
        doc = build_worklist(
            read.educators,
            rules=ruleset,
            jurisdiction=jurisdiction,
            as_of=day,
            worklist=wl,
            rejected=read.rejected,
        )
    except MccreditError as e:
        raise fail(e) from None
    data = doc.as_dict()
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if out_dir is not None:
        files = {"entries.csv": entries_csv(doc)}
        for c in data["cohorts"]:
            files[f"entries-{c['cohort']}.csv"] = entries_csv(doc, c["cohort"])
        for section, cols in SECTION_COLUMNS.items():
            files[f"{section}.csv"] = to_csv(data[section], cols)
        files["worklist.json"] = text
        write_or_exit(out_dir, files, what="the work list")
        err.print(f"wrote {len(files)} files to {out_dir}")
    if as_json:
        sys.stdout.write(text)
    elif out_dir is None:
        _summary(data)
    for r in read.rejected:
        err.print(f"rejected: {r.get('file')}:{r.get('row')}: {r.get('reason')}")


def _summary(data: dict[str, object]) -> None:
    t = Table(title=f"Work list {data['jurisdiction']} on {data['as_of']}")
    t.add_column("section")
    t.add_column("rows", justify="right")
    for key in ("entries", "held", "at_risk", "advancement_eligible", "cohorts", "rejected"):
        rows = data[key]
        t.add_row(key, str(len(rows) if isinstance(rows, list) else 0))
    print_table(out, t)
    out.print(f"{data['educators']} educator(s); --json or --out DIR for the lists.")


def register(app: typer.Typer) -> None:
    app.add_typer(licensure_app)
