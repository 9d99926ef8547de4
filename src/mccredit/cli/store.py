"""`mccredit db …` (schema migrations) and `mccredit keys …` (API keys)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from ..views import print_table
from ._common import UrlOpt, console

# The store's modules (SQLAlchemy, Alembic) load inside each command, so that `mccredit
# --help` and the engine commands start fast.
ROLES = ("licensure", "payroll", "union", "admin")  # = repositories.ROLES (a test checks)

__all__ = ["register"]

out = console(markup=True)
err = console(stderr=True, markup=True)


db_app = typer.Typer(
    name="db",
    help="Database schema: upgrade, downgrade, current; grant (the server's least-privilege "
    "PostgreSQL role).",
    no_args_is_help=True,
)
keys_app = typer.Typer(name="keys", help="API keys: create, list, revoke.", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    url: UrlOpt = None,
) -> None:
    """Apply pending migrations (creates the SQLite file on first use)."""
    from ..store._config import database_url, display_url, make_engine
    from ..store._migrate import SchemaError, migration_state, upgrade

    engine = make_engine(url)
    try:
        before = migration_state(engine).current
        state = upgrade(engine, revision)
    except SchemaError as e:
        raise _fail(str(e)) from None
    finally:
        engine.dispose()
    out.print(f"{display_url(database_url(url))}: {before or 'empty'} → {state.current}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision ('-1' = one step back, 'base' = empty).")
    ] = "-1",
    url: UrlOpt = None,
) -> None:
    """Step the schema back (data in dropped tables is lost)."""
    from ..store._config import database_url, display_url, make_engine
    from ..store._migrate import downgrade, migration_state

    engine = make_engine(url)
    try:
        before = migration_state(engine).current
        if before is None:
            raise _fail("the database has no schema to downgrade")
        state = downgrade(engine, revision)
    finally:
        engine.dispose()
    out.print(f"{display_url(database_url(url))}: {before} → {state.current or 'empty'}")


@db_app.command("grant")
def db_grant(
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL role the server logs in as.")],
    url: UrlOpt = None,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the statements instead of running them.")
    ] = False,
) -> None:
    """Give a PostgreSQL role exactly what `mccredit serve` needs: read and write the tables,
    insert-only on the append-only ones (audit log, payroll transitions and exports), no
    TRUNCATE, no DDL. Run as the schema's owner after `db upgrade`; then serve with a URL that
    logs in as that role."""
    from ..store._config import database_url, display_url, make_engine
    from ..store._roles import grant_server_role, grant_statements

    engine = make_engine(url)
    try:
        stmts = grant_statements(engine, role) if print_only else grant_server_role(engine, role)
    except ValueError as e:
        raise _fail(str(e), 2) from None
    finally:
        engine.dispose()
    if print_only:
        for stmt in stmts:
            out.print(f"{stmt};", markup=False, soft_wrap=True)
        return
    out.print(
        f"{display_url(database_url(url))}: {role} may now serve ({len(stmts)} grants; "
        "append-only tables insert-only, no TRUNCATE, no DDL)",
        markup=False,
    )


@db_app.command("current")
def db_current(url: UrlOpt = None) -> None:
    """Print the database, its schema revision and whether migrations are pending."""
    from ..store._config import database_url, display_url, make_engine
    from ..store._migrate import migration_state

    engine = make_engine(url)
    try:
        state = migration_state(engine)
    finally:
        engine.dispose()
    note = (
        "up to date"
        if not state.pending
        else (
            f"pending: upgrade to {state.head}"
            if state.known
            else "unknown revision (newer mccredit?)"
        )
    )
    out.print(f"{display_url(database_url(url))}: {state.current or 'empty'} ({note})")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope", help="Jurisdiction id (repeatable); covers the ones beneath it; '*' for all."
        ),
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="A label to recognise the key.")
    ] = None,
    url: UrlOpt = None,
) -> None:
    """Create an API key; the key itself is printed alone on the last line, once."""
    from ..store._config import make_engine, write_session
    from ..store._migrate import SchemaError, upgrade
    from ..store.repositories import StoreError, create_api_key

    engine = make_engine(url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            key, token = create_api_key(session=session, role=role, scopes=scope, name=name)
            session.commit()
    except (StoreError, SchemaError) as e:
        raise _fail(str(e), 2) from None
    finally:
        engine.dispose()
    _warn_unknown_scopes(key.scopes)
    err.print(
        f"created key {key.key_id} (role {key.role}, scope {key.scope}); it is shown "
        "once, only its hash is stored:",
        markup=False,
    )
    sys.stdout.write(token + "\n")


def _warn_unknown_scopes(scopes: tuple[str, ...]) -> None:
    """A scope naming no bundled jurisdiction (a typo?) gives a key that sees nothing."""
    from .. import _api

    try:
        ids = _api.default_rules().ids
    except Exception:  # rules that fail to load are reported by `mccredit validate`
        return
    for s in scopes:
        if s != "*" and not any(j == s or j.startswith(s + "/") for j in ids):
            err.print(
                f"warning: scope {s!r} matches no bundled jurisdiction (known: "
                f"{', '.join(ids)}); the key will see nothing there until one exists",
                markup=False,
            )


@keys_app.command("list")
def keys_list(url: UrlOpt = None) -> None:
    """List keys (never their secrets)."""
    from ..store._config import make_engine, read_session
    from ..store._migrate import SchemaError, upgrade
    from ..store.repositories import list_api_keys

    engine = make_engine(url)
    try:
        upgrade(engine)
        with read_session(engine) as session:
            keys = list_api_keys(session=session)
    except SchemaError as e:
        raise _fail(str(e)) from None
    finally:
        engine.dispose()
    t = Table()
    for c in ("id", "role", "scope", "name", "created", "revoked"):
        t.add_column(c)
    for k in keys:
        t.add_row(
            k.key_id,
            k.role,
            k.scope,
            k.name or "",
            k.created.isoformat(timespec="seconds"),
            k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "",
        )
    print_table(out, t)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`.")],
    url: UrlOpt = None,
) -> None:
    """Revoke a key: it stops working at once."""
    from ..store._config import make_engine, write_session
    from ..store._migrate import SchemaError, upgrade
    from ..store.repositories import revoke_api_key

    engine = make_engine(url)
    try:
        upgrade(engine)
        with write_session(engine) as session:
            key = revoke_api_key(session=session, key_id=key_id)
            session.commit()
    except SchemaError as e:
        raise _fail(str(e)) from None
    finally:
        engine.dispose()
    if key is None:
        raise _fail(f"no key {key_id!r}", 2)
    out.print(
        f"revoked {key.key_id}: refused from now on (running servers may accept it for "
        "up to 2 more seconds, their key cache)"
    )


def register(app: typer.Typer) -> None:
    from ._common import store_errors

    for group in (db_app, keys_app):
        for command in group.registered_commands:
            command.callback = store_errors(command.callback)
    app.add_typer(db_app)
    app.add_typer(keys_app)
