"""`mccredit events …`: derive notifications from what changed (`run`), and webhooks.

`events run` is safe to schedule (cron, a timer): one run at a time per store, each batch
committed whole, a killed run resumed by the next (see `mccredit.events._run`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from ._common import RulesOpt, UrlOpt, err, fail, find_root, get_rules, out

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
    max_attempts: Annotated[
        int,
        typer.Option("--max-attempts", min=1, max=100, help="Failed attempts before dead."),
    ] = 6,
    engine_name: Annotated[
        str,
        typer.Option(
            "--engine",
            help="durable (durable_rules), plain, or auto: durable_rules where installed.",
        ),
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
    rules: RulesOpt = None,
    url: UrlOpt = None,
) -> None:
    """Derive the events of everything that changed since the last run (credential intake,
    rule versions, the passing of dates), write them to the outbox once each, then deliver
    the due webhooks."""
    from ..errors import MccreditError
    from ..events import DeliveryPolicy, run_events
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
            policy=DeliveryPolicy(max_attempts=max_attempts),
            engine_name=engine_name,
        )
    except MccreditError as e:
        raise fail(e) from None
    except (RuntimeError, ValueError) as e:  # an unknown or uninstalled --engine
        err.print(f"error: --engine: {e}")
        raise typer.Exit(2) from None
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


webhooks_app = typer.Typer(
    name="webhooks", help="Webhooks: add, list, disable.", no_args_is_help=True
)


@webhooks_app.command("add")
def webhooks_add(
    target: Annotated[str, typer.Argument(help="The receiver's http(s) URL.", metavar="URL")],
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="Jurisdiction id (repeatable), e.g. a district us-va/pwcs."),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help="Follow this API key's scope instead (its id).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only these event kinds (repeatable).")
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(
            "--secret",
            envvar="MCCREDIT_WEBHOOK_SECRET",
            help="Signing secret (default: generated and printed once).",
        ),
    ] = None,
    url: UrlOpt = None,
) -> None:
    """Register a webhook; its signing secret is printed alone on the last line, once."""
    from ..errors import StoreError
    from ..events._webhooks import create_webhook
    from ..store import make_engine, upgrade, write_session

    engine = make_engine(url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            hook, signing = create_webhook(
                session=session,
                url=target,
                scopes=scope or [],
                key_id=key,
                kinds=kind or [],
                secret=secret,
            )
            session.commit()
    except StoreError as e:
        raise fail(e) from None
    finally:
        engine.dispose()
    covers = f"key {hook.key_id}" if hook.key_id else f"scope {hook.scope}"
    err.print(
        f"webhook {hook.id} → {hook.url} ({covers}; kinds: {hook.kinds or 'all'}); "
        "signing secret (HMAC-SHA256, header X-Mccredit-Signature):"
    )
    out.print(signing)


@webhooks_app.command("list")
def webhooks_list(url: UrlOpt = None) -> None:
    """Every webhook with its deliveries by status (secrets are never printed again)."""
    from ..events._webhooks import delivery_counts, list_webhooks
    from ..store import make_engine, read_session

    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            hooks = list_webhooks(session=session)
            counts = delivery_counts(session=session)
    finally:
        engine.dispose()
    if not hooks:
        out.print("no webhooks")
    for h in hooks:
        state = "disabled" if h.disabled_at else "active"
        covers = f"key {h.key_id}" if h.key_id else f"scope {h.scope}"
        tally = ", ".join(
            f"{s} {counts[(h.id or 0, s)]}"
            for s in ("pending", "delivered", "dead")
            if (h.id or 0, s) in counts
        )
        out.print(
            f"{h.id}  {state}  {h.url}  {covers}  kinds: {h.kinds or 'all'}  "
            f"deliveries: {tally or 'none'}"
        )


@webhooks_app.command("disable")
def webhooks_disable(
    webhook_id: Annotated[int, typer.Argument(help="The webhook's id.", metavar="ID")],
    url: UrlOpt = None,
) -> None:
    """Stop delivering to a webhook (what is queued stays, unsent)."""
    from ..events._webhooks import disable_webhook
    from ..store import make_engine, write_session

    engine = make_engine(url)
    try:
        with write_session(engine) as session:
            hook = disable_webhook(session=session, webhook_id=webhook_id)
            session.commit()
    finally:
        engine.dispose()
    if hook is None:
        err.print(f"error: no webhook {webhook_id}")
        raise typer.Exit(2)
    out.print(f"webhook {webhook_id} disabled")


@events_app.command("deliveries")
def events_deliveries(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, delivered or dead.")
    ] = None,
    webhook: Annotated[int | None, typer.Option("--webhook", help="One webhook's id.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 100,
    url: UrlOpt = None,
) -> None:
    """Webhook deliveries: attempts, last status or error, next attempt (dead letters with
    `--status dead`)."""
    from ..events._webhooks import list_deliveries
    from ..store import make_engine, read_session

    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            rows = list_deliveries(session=session, status=status, webhook_id=webhook, limit=limit)
    finally:
        engine.dispose()
    if not rows:
        out.print("no deliveries")
    for d in rows:
        last = d.last_error or (f"HTTP {d.last_status}" if d.last_status else "-")
        when = (
            f"delivered {d.delivered_at:%Y-%m-%dT%H:%M:%SZ}"
            if d.delivered_at
            else f"next {d.next_attempt:%Y-%m-%dT%H:%M:%SZ}"
        )
        out.print(
            f"{d.id}  webhook {d.webhook_id}  event {d.outbox_id}  {d.status}  "
            f"attempts {d.attempts}  {when}  last: {last}"
        )


def register(app: typer.Typer) -> None:
    from ._common import store_errors

    for group in (events_app, webhooks_app):
        for command in group.registered_commands:
            command.callback = store_errors(command.callback)
    events_app.add_typer(webhooks_app)
    app.add_typer(events_app)
