"""`mccredit batch ROSTER --jurisdiction ID --out FILE`: a whole roster at once.

Exit codes: 0 every row evaluated; 1 some rows rejected (see the rejects file; good rows were
still evaluated); 2 the roster or one of its files cannot be read, an output cannot be written,
or bad arguments; 130 interrupted (Ctrl-C): no output was written, the previous files are kept.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from ._common import console

__all__ = ["register"]

_out = console(markup=True)
_err = console(stderr=True, markup=True)


def register(app: typer.Typer) -> None:
    """Add the `batch` command to the mccredit CLI."""

    @app.command()
    def batch(
        roster: Annotated[
            Path,
            typer.Argument(
                help="Roster folder (educators, credentials, "
                "evaluations tables) or one wide file; see docs/BATCH.md."
            ),
        ],
        jurisdiction: Annotated[
            str, typer.Option("--jurisdiction", "-j", help="Jurisdiction id, e.g. us-tn.")
        ],
        out: Annotated[
            Path, typer.Option("--out", help="Results file (.parquet, .csv or .ndjson).")
        ],
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today).")
        ] = None,
        payroll_out: Annotated[
            Path | None,
            typer.Option("--payroll-out", help="CSV of salary changes (one row per educator)."),
        ] = None,
        ledger_out: Annotated[
            Path | None, typer.Option("--ledger-out", help="Write every ledger entry to this file.")
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="parquet, csv or ndjson (default: from --out)."),
        ] = None,
        engine: Annotated[
            str,
            typer.Option("--engine", help="local (columnar), dask, or reference (per educator)."),
        ] = "local",
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster)."),
        ] = None,
        chunk_size: Annotated[
            int,
            typer.Option("--chunk-size", help="Educator rows per chunk (bounds memory)."),
        ] = 10_000,
        partitions: Annotated[
            int | None,
            typer.Option("--partitions", help="Hash partitions (Dask, or unsorted rosters)."),
        ] = None,
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers",
                min=1,
                help="Processes for the per-educator path (default: every core; 1: none).",
            ),
        ] = None,
        rules_root: Annotated[
            Path | None,
            typer.Option("--rules", help="Rules root (default: bundled).", envvar="MCCREDIT_RULES"),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """Evaluate a whole roster (CSV or Parquet) in bounded memory; write results,
        warnings, rejects and optionally the ledger and a payroll change file."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from .._api import default_rules
        from ..batch._pool import default_workers
        from ..batch._roster import RosterError
        from ..batch._runner import run_batch
        from ..errors import MccreditError
        from ..rules import load_rules
        from ..rules._dated import parse_date

        if fmt not in (None, "parquet", "csv", "ndjson"):
            _err.print(f"error: --format {fmt!r}: expected parquet, csv or ndjson")
            raise typer.Exit(2)
        if engine not in ("local", "dask", "reference"):
            _err.print(f"error: --engine {engine!r}: expected local, dask or reference")
            raise typer.Exit(2)
        try:
            day = dt.date.today() if as_of is None else parse_date(as_of)
        except ValueError as e:
            _err.print(f"error: --as-of: {e}")
            raise typer.Exit(2) from None
        try:
            rules = default_rules() if rules_root is None else load_rules(rules_root)
            progress = Progress(
                TextColumn("[bold]evaluating"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("educator rows"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=_err,
                disable=quiet or not sys.stderr.isatty(),
                transient=True,
            )
            with progress:
                task = progress.add_task("batch", total=None, rate="")
                start = dt.datetime.now()

                def tick(done: int, total: int | None) -> None:
                    secs = (dt.datetime.now() - start).total_seconds() or 1e-9
                    progress.update(task, completed=done, total=total, rate=f"{done / secs:,.0f}/s")

                summary = run_batch(
                    roster,
                    rules=rules,
                    jurisdiction=jurisdiction,
                    as_of=day,
                    out=out,
                    fmt=fmt,  # type: ignore[arg-type]
                    payroll_out=payroll_out,
                    ledger_out=ledger_out,
                    engine=engine,  # type: ignore[arg-type]
                    scheduler=scheduler,
                    chunk_educators=chunk_size,
                    partitions=partitions,
                    workers=workers or default_workers(),
                    progress=tick,
                )
        except ImportError as e:
            _err.print(f"error: {e}; the Dask engine needs: pip install 'mccredit[dask]'")
            raise typer.Exit(2) from None
        except RosterError as e:
            for p in e.problems:
                _err.print(f"error: {p.message}", markup=False)
            raise typer.Exit(2) from None
        except MccreditError as e:
            _err.print(f"error: {e}", markup=False)
            raise typer.Exit(2) from None
        except OSError as e:  # writing an output (reading the roster raises RosterError)
            _err.print(f"error: {e}", markup=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            _err.print("interrupted: no output was written (previous files are kept)")
            raise typer.Exit(130) from None
        for line in summary.lines():
            _out.print(line, markup=False)
        raise typer.Exit(summary.exit_code)
