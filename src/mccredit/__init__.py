"""mccredit: a licensure and salary-credit rules engine for K-12 educators.

The names below load on first use (PEP 562): `import mccredit` itself is light, so the
`mccredit` command can catch a Ctrl-C while the engine loads (`cli.main`)."""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from ._api import (
        default_rules,
        evaluate,
        evaluation_of,
        explain,
        load_rules,
        to_educator,
        to_json,
    )
    from .errors import (
        InputError,
        MccreditError,
        Problem,
        ProblemsError,
        RuleError,
        UnknownJurisdictionError,
    )
    from .io.educator import Credential, Educator, License
    from .result import Evaluation
    from .rules import Jurisdiction, RuleSet

__version__ = "0.1.0"

__all__ = [
    "Credential",
    "Educator",
    "Evaluation",
    "InputError",
    "Jurisdiction",
    "License",
    "MccreditError",
    "Problem",
    "ProblemsError",
    "RuleError",
    "RuleSet",
    "UnknownJurisdictionError",
    "default_rules",
    "evaluate",
    "evaluation_of",
    "explain",
    "load_rules",
    "to_educator",
    "to_json",
]

_FROM = {
    **dict.fromkeys(
        (
            "default_rules",
            "evaluate",
            "evaluation_of",
            "explain",
            "load_rules",
            "to_educator",
            "to_json",
        ),
        "._api",
    ),
    **dict.fromkeys(
        (
            "InputError",
            "MccreditError",
            "Problem",
            "ProblemsError",
            "RuleError",
            "UnknownJurisdictionError",
        ),
        ".errors",
    ),
    **dict.fromkeys(("Credential", "Educator", "License"), ".io.educator"),
    "Evaluation": ".result",
    **dict.fromkeys(("Jurisdiction", "RuleSet"), ".rules"),
}
"""Where each public name lives."""


if not _typing.TYPE_CHECKING:  # (mypy would take any name as Any otherwise)

    def __getattr__(name: str) -> _typing.Any:
        where = _FROM.get(name)
        if where is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_importlib.import_module(where, __name__), name)
        globals()[name] = value  # once
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
