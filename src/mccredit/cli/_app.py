"""The `mccredit` Typer application (see the package doc): every command group registered."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UnknownJurisdictionError
from . import (
    badges,
    batch,
    edfi,
    events,
    licensure,
    payroll,
    rules,
    salary,
    scenario,
    schema,
    serve,
    store,
    workforce,
)
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
    go_wide,
    out,
)

__all__ = [
    "AsOf",
    "JurisdictionOpt",
    "ProposalOpt",
    "RulesOpt",
    "app",
    "err",
    "evaluate_file",
    "fail",
    "find_root",
    "get_rules",
    "out",
    "run",
]

app = typer.Typer(
    name="mccredit",
    help="Licensure and salary-credit rules engine for K-12 educators.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__
        from ..rules import default_root, ruleset_sha256

        root = default_root()
        out.print(f"mccredit {__version__}")
        out.print(f"rules {ruleset_sha256(root)} ({root})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[  # noqa: ARG001 (handled eagerly by its callback)
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and the bundled ruleset's sha256, then exit.",
        ),
    ] = False,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            help="Print tables at their natural width instead of fitting the screen "
            "(COLUMNS, the terminal, else 80 columns).",
        ),
    ] = False,
) -> None:
    """Licensure and salary-credit rules engine for K-12 educators."""
    if wide:
        go_wide()


for _group in (
    rules,
    schema,
    salary,
    serve,
    store,
    batch,
    scenario,
    events,
    payroll,
    licensure,
    edfi,
    workforce,
    badges,
):
    _group.register(app)


def run() -> None:  # pragma: no cover
    try:
        app()
    except UnknownJurisdictionError as e:
        err.print(f"error: {e}")
        raise SystemExit(2) from None
