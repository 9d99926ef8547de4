"""`mccredit events …`: derive notifications from what changed (`run`), and webhooks.

`events run` is safe to schedule (cron, a timer): one run at a time per store, each batch
committed whole, a killed run resumed by the next (see `mccredit.events._run`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from ._common import RulesOpt, err, fail, find_root, get_rules, out
from .store import UrlOpt

__all__ = ["register"]

events_app = typer.Typer(
    name="events",
    help="Notifications: derive what changed (run), webhooks and their deliveries.",
    no_args_is_help=True,
)


def _day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        err.print(f"error: --today: {value!r} is not a date YYYY-MM-DD")
        raise typer.Exit(2) from None


@events_app.command("run")
def events_run(
    today: Annotated[
        str | None,
        typer.Option("--today", help="The day to evaluate for, YYYY-MM-DD (default: today)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100_000, help="Educators per batch.")
    ] = 200,
    max_batches: Annotated[
        int | None,
        typer.Option(
            "--max-batches", min=1, help="Stop after this many batches; the next run resumes."
        ),
    ] = None,
    deliver: Annotated[
        bool, typer.Option("--deliver/--no-deliver", help="Attempt due webhook deliveries.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
    rules: RulesOpt = None,
    url: UrlOpt = None,
) -> None:
    """Derive the events of everything that changed since the last run (credential intake,
    rule versions, the passing of dates), write them to the outbox once each, then deliver
    the due webhooks."""
    from ..errors import MccreditError
    from ..events import run_events
    from ..store import make_engine, upgrade

    day = _day(today)
    ruleset = get_rules(find_root(rules))
    engine = make_engine(url)
    try:
        upgrade(engine)
        report = run_events(
            engine,
            rules=ruleset,
            today=day,
            batch_size=batch_size,
            max_batches=max_batches,
            deliver=deliver,
        )
    except MccreditError as e:
        raise fail(e) from None
    finally:
        engine.dispose()
    if as_json:
        out.print(json.dumps(report.as_json(), indent=2, sort_keys=True))
        return
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(report.by_kind.items())) or "none new"
    state = "finished" if report.finished else "stopped (the next run resumes it)"
    out.print(
        f"run {report.run_id} for {day}{' (resumed)' if report.resumed else ''}: "
        f"{report.educators} educator(s) in {report.batches} batch(es), "
        f"{report.events} event(s): {kinds}; {report.payroll_proposed} payroll change(s) "
        f"proposed; {state}"
    )
    for educator, why in sorted(report.skipped.items()):
        err.print(f"warning: {educator}: not evaluated: {why}")
    if report.delivery is not None and report.delivery.attempted:
        d = report.delivery
        out.print(
            f"webhooks: {d.attempted} attempt(s): {d.delivered} delivered, {d.failed} to "
            f"retry, {d.dead} dead"
        )


def register(app: typer.Typer) -> None:
    from ._common import store_errors

    for command in events_app.registered_commands:
        command.callback = store_errors(command.callback)
    app.add_typer(events_app)
