"""What every command module of the `mccredit` CLI shares: the consoles, the common options,
the error printer and how a rules root and an educator file are read.

Exit codes: 0 success; 1 a case or requirement check failed (`test`); 2 bad input or bad
rules (each problem on its own line as `file:line:col: type: message (field, expected, got)`).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .. import _api
from ..errors import MccreditError, ProblemsError
from ..result import Evaluation
from ..rules import RuleSet, load_rules

# markup=False: educator ids, case names and messages are data, never rich markup; colour
# comes from explicit styles (Text), so an id like "E-[/]" prints as written.
#: Width when stdout is no terminal and COLUMNS is unset: tables fit an 80-column screen or
#: page (issue 14); `mccredit --wide ...` lifts it.
PIPE_WIDTH = 80
#: `--wide`: tables keep every column at its natural width, whatever the screen.
WIDE = 1000


def screen_width() -> int | None:
    """COLUMNS when set (terminal or not), else the terminal's own width (None lets rich ask
    it), else 80."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return int(cols)
    return None if sys.stdout.isatty() else PIPE_WIDTH


#: Every console the CLI prints with (`--wide` widens them all).
CONSOLES: list[Console] = []


def console(*, stderr: bool = False, markup: bool = False) -> Console:
    """A console for the CLI: no highlighting, soft wrap, the width of `screen_width()`."""
    c = Console(stderr=stderr, highlight=False, markup=markup, soft_wrap=True, width=screen_width())
    CONSOLES.append(c)
    return c


def go_wide() -> None:
    """Print tables at their natural width (the `--wide` option)."""
    for c in CONSOLES:
        c.width = WIDE


out = console()
err = console(stderr=True)

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Evaluation date YYYY-MM-DD (default: today).")
]
JurisdictionOpt = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="Jurisdiction id, e.g. us-tn or us-va/pwcs (default: the educator's own).",
    ),
]
ProposalOpt = Annotated[
    Path | None,
    typer.Option("--proposal", help="A what-if proposal overlay (YAML/JSON) to apply."),
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="Database URL (default: $MCCREDIT_DATABASE_URL, else the SQLite "
        "file in the user data dir).",
        show_default=False,
    ),
]
RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules root holding rules/ and jurisdictions/ (default: bundled).",
        envvar="MCCREDIT_RULES",
    ),
]


#: Problems printed one per line; the rest are counted by type (a file with one mistake
#: repeated in 20,000 credentials should not print 20,000 lines).
SHOWN_PROBLEMS = 50


def fail(exc: MccreditError) -> typer.Exit:
    """Print an error the way every command does and return exit code 2."""
    if isinstance(exc, ProblemsError):
        for p in exc.problems[:SHOWN_PROBLEMS]:
            err.print(p.one_line(), markup=False)
        rest = exc.problems[SHOWN_PROBLEMS:]
        if rest:
            kinds = Counter(p.type for p in rest)
            err.print(
                f"... and {len(rest)} more: "
                + ", ".join(f"{k} x{n}" for k, n in kinds.most_common()),
                markup=False,
            )
        err.print(f"{len(exc.problems)} problem(s); nothing was written.", markup=False)
    else:
        err.print(f"error: {exc}", markup=False)
    return typer.Exit(2)


def find_root(path: Path | None, *, fallback: bool = False) -> Path | None:
    """The rules root at or above `path` (a folder holding jurisdictions/). When there is none:
    None (the bundled rules) if `fallback`, else `path` itself, so loading it says what is
    missing."""
    if path is None:
        return None
    p = path.resolve()
    for cand in [p, *p.parents]:
        if (cand / "jurisdictions").is_dir():
            return cand
    return None if fallback else p


def get_rules(root: Path | None) -> RuleSet:
    if root is None:
        return _api.default_rules()
    return load_rules(root)


def evaluate_file(
    file: Path,
    jurisdiction: str | None,
    as_of: str | None,
    rules: Path | None,
    proposal: Path | None = None,
    trace: bool = False,
) -> Evaluation:
    from ..scenarios import load_proposal

    return _api.evaluation_of(
        file,
        jurisdiction=jurisdiction,
        as_of=as_of,
        rules=get_rules(find_root(rules)),
        proposal=load_proposal(proposal) if proposal is not None else None,
        trace=trace,
    )


def store_errors(fn: Any) -> Any:
    """Wrap a command that uses the database: a database or I/O error becomes one line on
    stderr and exit 2, never a traceback (issue 14)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return fn(*args, **kwargs)
        except SQLAlchemyError as e:
            cause = getattr(e, "orig", None) or e
            first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(e).__name__
            err.print(f"error: database unavailable or refused the request: {first}")
            raise typer.Exit(2) from None
        except OSError as e:
            err.print(f"error: {e}")
            raise typer.Exit(2) from None

    return wrapper
