"""The `mccredit` command line (Typer + rich), the top layer over the Python API.

One module per command group, each importing downward only and adding its commands with
`register(app)`: `rules` (validate, evaluate, explain, test, demo), `schema` (the matcher
table, JSON Schemas), `salary`,
`scenario`, `batch`, `store` (db, keys), `payroll` (export, show, layouts), `licensure`
(worklist), `edfi` (check, pd), `workforce`, `serve`, `events`, `badges` (verify, ingest). The
heavy stacks (SQLAlchemy, FastAPI, polars) load inside the command functions, so `mccredit
--help` starts fast.

`main` (the `mccredit` command) loads the application inside its guard: a Ctrl-C while the
command starts (importing the rules engine takes about half a second) is one line,
`interrupted`, and exit code 130, not a KeyboardInterrupt traceback; one during a command is
exit code 130 (Typer's; `batch` says what it kept). Importing this package (and `mccredit`
itself) is light: `app` loads on first use.

Exit codes: 0 success; 1 a case or requirement check failed (`test`); 2 bad input or bad
rules (each problem on its own line as `file:line:col: type: message (field, expected, got)`).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import app

__all__ = ["app", "main"]


if not TYPE_CHECKING:  # (mypy would take any name as Any otherwise)

    def __getattr__(name: str) -> Any:
        """`app`, and what the application module exports or its loading binds here (the
        command groups' modules): loaded on first use."""
        if name.startswith("_"):  # (`from . import x` asks for `x` first: no recursion)
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        _app = importlib.import_module(f"{__name__}._app")
        if name in _app.__all__:
            return getattr(_app, name)
        if name in globals():  # a command group's module, bound by loading `_app`
            return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:  # pragma: no cover - the console script (tests run it in a subprocess)
    try:
        from ._app import run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    run()
