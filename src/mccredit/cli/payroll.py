"""`mccredit payroll …`: export approved payroll changes in a layout, re-deliver an earlier
export, list the layouts.

`payroll export` does what `POST /v1/payroll/exports` does (issue 15): every approved change
(optionally of one jurisdiction, effective on or before a date) is exported exactly once and
audited, in `--layout` or else the layout the jurisdiction names in its jurisdiction.yaml, else
generic-csv. The file is written under a temporary name, the export committed, then the file
renamed: a failed export writes no file, and a file that cannot be renamed after the commit is
still in the store (`payroll show ID` writes it again, the same bytes).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import MccreditError
from ..views import print_table
from ._common import RulesOpt, UrlOpt, err, fail, find_root, get_rules, out
from ._files import temp_file

if TYPE_CHECKING:
    from ..handoff import Delivery

__all__ = ["register"]

payroll_app = typer.Typer(
    name="payroll",
    help="Payroll change files: export approved changes in a layout, show an earlier export.",
    no_args_is_help=True,
)

LayoutOpt = Annotated[
    str | None,
    typer.Option(
        "--layout",
        "-l",
        help="Export layout id (`mccredit payroll layouts`); default: the one the "
        "jurisdiction names in its jurisdiction.yaml, else generic-csv.",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Write the file here ('-' for stdout; default: EXPORT_ID.LAYOUT.csv|xlsx in the "
        "current folder).",
        show_default=False,
    ),
]


def _write_atomically(path: Path, data: bytes) -> Path:
    """A temporary file beside `path` holding `data`, flushed to disk; the caller renames it."""
    return temp_file(path, data)


def _stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _check_binary_to_tty(target: Path | None, media_type: str) -> None:
    if target == Path("-") and not media_type.startswith("text/") and sys.stdout.isatty():
        err.print("error: an .xlsx file is binary: write it with --out FILE, or pipe stdout")
        raise typer.Exit(2)


@payroll_app.command("export")
def export(
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction", "-j", help="Only this jurisdiction's changes (and its layout)."
        ),
    ] = None,
    effective_through: Annotated[
        str | None,
        typer.Option("--effective-through", help="Only changes effective on or before YYYY-MM-DD."),
    ] = None,
    layout: LayoutOpt = None,
    out_path: OutOpt = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="Who exports, for the audit log (default: cli:$USER)."),
    ] = None,
    url: UrlOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Export every approved change once, in a layout; print the export id."""
    from ..errors import LayoutError
    from ..handoff import choose_layout, export_in_layout
    from ..store._config import make_engine, write_session
    from ..store._migrate import SchemaError, upgrade
    from ..store.repositories import StoreError

    through = None
    if effective_through is not None:
        try:
            through = dt.date.fromisoformat(effective_through)
        except ValueError:
            err.print(f"error: --effective-through: not a date YYYY-MM-DD: {effective_through!r}")
            raise typer.Exit(2) from None
    try:
        ruleset = get_rules(find_root(rules))
        chosen = choose_layout(ruleset, layout, jurisdiction)  # before anything is exported
    except MccreditError as e:
        raise fail(e) from None
    _check_binary_to_tty(out_path, chosen.media_type)
    who = actor or f"cli:{_user()}"
    engine = make_engine(url)
    tmp: Path | None = None
    try:
        upgrade(engine)
        with write_session(engine) as session:
            delivery = export_in_layout(
                session=session,
                rules=ruleset,
                scopes=("*",),
                actor=who,
                layout=chosen.id,
                jurisdiction=jurisdiction,
                effective_through=through,
            )
            if delivery is None:
                err.print("nothing approved to export; no file written")
                return
            target = out_path or Path(delivery.filename)
            if target != Path("-"):
                tmp = _write_atomically(target, delivery.data)
            session.commit()
    except (StoreError, SchemaError, LayoutError) as e:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        err.print(f"error: {e}; nothing was exported")
        raise typer.Exit(2) from None
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()
    _hand_over(delivery, target, tmp)


def _hand_over(delivery: Delivery, target: Path, tmp: Path | None) -> None:
    if tmp is None:
        _stdout(delivery.data)
    else:
        try:
            os.replace(tmp, target)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            err.print(
                f"error: export {delivery.export_id} is stored but {target} could not be "
                f"written ({e}); write it again with `mccredit payroll show "
                f"{delivery.export_id} --layout {delivery.layout} --out FILE`"
            )
            raise typer.Exit(2) from None
    where = "stdout" if tmp is None else str(target)
    err.print(
        f"exported {delivery.count} change(s) as {delivery.export_id} in layout "
        f"{delivery.layout} → {where}"
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return "unknown"


@payroll_app.command("show")
def show(
    export_id: Annotated[str, typer.Argument(help="The export id (exp_…).")],
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout",
            "-l",
            help="Render in this layout (default: the stored generic CSV itself).",
            show_default=False,
        ),
    ] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the file here (default: stdout)."),
    ] = None,
    url: UrlOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Write an earlier export again, byte for byte (the same bytes in a layout each time)."""
    from ..errors import LayoutError
    from ..handoff import choose_layout, deliver
    from ..store._config import make_engine, read_session
    from ..store._migrate import SchemaError, upgrade
    from ..store.repositories import get_payroll_export

    try:
        chosen = None if layout is None else choose_layout(get_rules(find_root(rules)), layout)
    except MccreditError as e:
        raise fail(e) from None
    target = out_path or Path("-")
    if chosen is not None:
        _check_binary_to_tty(target, chosen.media_type)
    engine = make_engine(url)
    try:
        upgrade(engine)
        with read_session(engine) as session:
            export = get_payroll_export(session=session, export_id=export_id, scopes=("*",))
            if export is None:
                err.print(f"error: no export {export_id!r}")
                raise typer.Exit(2)
            delivery = deliver(export, chosen, session)
    except (SchemaError, LayoutError) as e:
        err.print(f"error: {e}")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    if target == Path("-"):
        _stdout(delivery.data)
        return
    tmp = _write_atomically(target, delivery.data)
    os.replace(tmp, target)
    err.print(f"{delivery.export_id} in layout {delivery.layout} → {target}")


@payroll_app.command("layouts")
def layouts(rules: RulesOpt = None) -> None:
    """List the export layouts: id, system, file type, title."""
    from ..handoff import layouts_in

    try:
        ruleset = get_rules(find_root(rules))
        found = layouts_in(ruleset.root)
    except MccreditError as e:
        raise fail(e) from None
    defaults: dict[str, list[str]] = {}
    for jid in ruleset.ids:
        lid = ruleset.get(jid).payroll_layout
        if lid is not None:
            defaults.setdefault(lid, []).append(jid)
    t = Table()
    for c in ("id", "system", "file", "rows", "default for", "title"):
        t.add_column(c)
    for lid, lay in found.items():
        t.add_row(
            lid,
            lay.system,
            lay.file,
            "change" if lay.retro == "inline" else "change + retro",
            ", ".join(defaults.get(lid, [])),
            lay.title,
        )
    print_table(out, t)


def register(app: typer.Typer) -> None:
    from ._common import store_errors

    for command in payroll_app.registered_commands:
        if command.name in ("export", "show"):
            command.callback = store_errors(command.callback)
    app.add_typer(payroll_app)
