"""The exceptions mccredit raises.

```
MccreditError
 ├── ProblemsError            one or more located problems (file:line:col, field, expected, got)
 │    ├── RuleError           a rule file, catalog or case file is wrong
 │    └── InputError          an educator, roster row or request is wrong
 │         └── RosterError    a batch roster (or one of its files) cannot be read at all
 ├── UnknownJurisdictionError a jurisdiction id that no bundled or loaded rule tree declares
 ├── UnknownLayoutError       a payroll export layout (or work list) id with no file
 ├── LayoutError              a layout cannot write this export (nothing is exported)
 ├── CredentialCheckError     one credential check failed (a reason code and a message)
 ├── StoreError               a store operation that cannot be done as asked
 │    ├── ConflictError       the request conflicts with what is stored
 │    ├── DigestMismatchError stored data no longer matches the digest stored with it
 │    ├── EventsBusyError     another `mccredit events run` holds the store's events lock
 │    └── PostgresUnavailable the PostgreSQL server a test was pointed at cannot be reached
 ├── ClusterError             the local Dask cluster of `batch --engine dask` did not start
 └── SchemaError              the database schema is not one this version knows how to use
ValueError
 └── FieldValueError          a rule's `when` value is wrong; carries where in `when` it is, so
                              pydantic's wrapping keeps the value's own file:line:col
Exception
 └── ProblemException         one located problem met while reading YAML (the loader collects
                              them into a ProblemsError)
```

Private control-flow signals that never leave their module stay beside it (`_yaml._Refused`,
`_yaml._DuplicateKey`, `_yaml._NotPlainJson`, `_yaml._PureDecides`, `batch._compile.Unsupported`,
`batch._roster.Unsorted`, `scenarios._columns.NotColumnar`); the HTTP layer's
`api.problems.ApiProblem` is a response, not an error of the engine, and
`store._writer.WriterClosed` tells the store route the server is shutting down (it answers
503, never leaves the process).
`tests/unit/test_errors.py` checks both lists against the code.

Every problem is reported at once, never just the first: a `ProblemsError` carries the list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ClusterError",
    "ConflictError",
    "CredentialCheckError",
    "EventsBusyError",
    "FieldValueError",
    "DigestMismatchError",
    "InputError",
    "LayoutError",
    "MccreditError",
    "PostgresUnavailable",
    "Problem",
    "ProblemException",
    "ProblemsError",
    "RosterError",
    "RuleError",
    "SchemaError",
    "StoreError",
    "UnknownJurisdictionError",
    "UnknownLayoutError",
]


# every character str.splitlines() breaks on, shown escaped so one problem stays one line
_LINE_BREAKS = {
    ord(c): c.encode("unicode_escape").decode() for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
}


def _plain(key: str) -> bool:
    """A key shown bare in a dotted field path (else quoted, JSON-escaped)."""
    return bool(key) and key.isprintable() and not any(c in key for c in "[] ")


@dataclass(frozen=True)
class Problem:
    """One located problem, shaped like pydantic-core's `ErrorDetails`."""

    type: str
    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None
    loc: tuple[str | int, ...] = field(default_factory=tuple)
    expected: str | None = None
    got: str | None = None

    @property
    def field(self) -> str:
        out = ""
        for part in self.loc:
            if isinstance(part, int):
                out += f"[{part}]"
            elif _plain(str(part)):
                out += ("." if out else "") + str(part)
            else:  # a key with dots, spaces or control characters: quoted, JSON-escaped
                out += f"[{json.dumps(str(part))}]"
        return out

    def where(self) -> str:
        if self.path is None:
            return "<input>"
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"

    def one_line(self) -> str:
        """`path:line:col: type: message (field: x, expected: y, got: z)`."""
        extra = []
        if self.loc:
            extra.append(f"field: {self.field}")
        if self.expected is not None:
            extra.append(f"expected: {self.expected}")
        if self.got is not None:
            extra.append(f"got: {self.got}")
        tail = f" ({', '.join(extra)})" if extra else ""
        text = f"{self.where()}: {self.type}: {self.message}{tail}"
        return text.translate(_LINE_BREAKS)

    def json_pointer(self) -> str:
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.loc)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "msg": self.message,
            "loc": list(self.loc),
            "pointer": self.json_pointer(),
            "file": self.path,
            "line": self.line,
            "col": self.col,
            "expected": self.expected,
            "got": self.got,
        }


class MccreditError(Exception):
    """Base of every error mccredit raises on purpose."""


class ProblemsError(MccreditError):
    """One or more located problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.one_line() for p in self.problems))


class RuleError(ProblemsError):
    """A rule file, catalog, schedule or case file is invalid."""


class InputError(ProblemsError):
    """An educator document, roster row or request body is invalid."""


class UnknownJurisdictionError(MccreditError):
    def __init__(self, jurisdiction: str, *, known: list[str]) -> None:
        self.jurisdiction = jurisdiction
        self.known = known
        super().__init__(
            f"unknown jurisdiction {jurisdiction!r}; known jurisdictions: {', '.join(known)}"
        )


class UnknownLayoutError(MccreditError):
    """A payroll export layout (or licensure work list, `what`) id with no file."""

    def __init__(self, layout: str, *, known: list[str], what: str = "layout") -> None:
        self.layout = layout
        self.known = known
        super().__init__(f"unknown {what} {layout!r}; known {what}s: {', '.join(known)}")


class LayoutError(MccreditError):
    """A payroll export layout cannot write this export (e.g. per-pay-period lines for a
    change whose evaluation lists no pay dates); the export is not made."""

    def __init__(self, layout: str, message: str) -> None:
        self.layout = layout
        self.message = message
        super().__init__(f"layout {layout!r} cannot write this export: {message}")


class CredentialCheckError(MccreditError):
    """A credential check failed: `code` is a stable reason code (`invalid_signature`, ...)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


class FieldValueError(ValueError):
    """A bad value inside a rule's `when`, raised while pydantic validates it. `loc` is the
    path below `when` (e.g. `("any", 0, "kind", "in", 1)`), so the problem points at the value
    itself; `type`, `expected` and `got` fill the `Problem`."""

    def __init__(
        self,
        message: str,
        *,
        loc: tuple[str | int, ...],
        type: str,
        expected: str | None = None,
        got: str | None = None,
    ) -> None:
        self.loc = loc
        self.type = type
        self.expected = expected
        self.got = got
        super().__init__(message)


class RosterError(InputError):
    """The roster (or one of its files) cannot be read at all: exit code 2."""


class StoreError(MccreditError):
    """A store operation that cannot be done as asked."""


class ConflictError(StoreError):
    """The request conflicts with what is stored (a different credential under the same id,
    a payroll change no longer in the status the transition needs); `field` names the
    request field it concerns."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class DigestMismatchError(StoreError):
    """Stored data no longer matches the sha256 stored beside it (an export CSV edited in
    the database behind mccredit's back); it is never served as if it were the original."""


class EventsBusyError(StoreError):
    """Another `mccredit events run` is working on this store; wait for it to finish (a
    killed run releases the lock with its process)."""


class PostgresUnavailable(StoreError):
    """The PostgreSQL server a test run was pointed at (`mccredit.store._testing`) cannot be
    reached; callers skip, or fail under CI."""


class ClusterError(MccreditError):
    """The local Dask cluster of `--engine dask` did not start (`batch._cluster`)."""


class SchemaError(MccreditError):
    """The database schema is not one this version of mccredit knows how to use."""


class ProblemException(Exception):
    """One located problem met while reading a YAML document."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.one_line())
