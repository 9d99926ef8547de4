"""What every caller of the pipeline needs around it: the bundled rules loaded once, an
educator validated from a model/dict/file, an `as_of` date parsed, a document serialized."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from threading import Lock
from typing import Any

from ..errors import InputError, Problem
from ..io.educator import Educator, load_educator, parse_educator
from ..result import Evaluation
from ..rules import RuleSet
from ..rules import load_rules as _load_rules
from ..rules._dated import parse_date

__all__ = ["as_of_date", "default_rules", "load_rules", "to_educator", "to_json"]

_DEFAULT: RuleSet | None = None
_LOCK = Lock()


def load_rules(root: Path | str | None = None) -> RuleSet:
    """Load and validate every jurisdiction under `root` (default: the bundled rules)."""
    return _load_rules(root)


def default_rules() -> RuleSet:
    """The bundled rules, loaded once per process."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = _load_rules()
        return _DEFAULT


def to_educator(
    educator: Educator | dict[str, Any] | str | Path, *, rules: RuleSet | None = None
) -> Educator:
    """Validate an educator (a model, a dict, or a JSON/YAML file path); badge documents under
    `badges` become credentials, their issuers matched against the catalogs of `rules`."""
    if isinstance(educator, Educator):
        return educator
    known = (rules if rules is not None else default_rules()).issuer_aliases()
    if isinstance(educator, dict):
        return parse_educator(educator, known_issuers=known)
    return load_educator(educator, known_issuers=known)


def as_of_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as e:
        raise InputError(
            [
                Problem(
                    type="input.as_of",
                    message=str(e),
                    loc=("as_of",),
                    expected="YYYY-MM-DD",
                    got=repr(value),
                )
            ]
        ) from None


def to_json(doc: Evaluation | Mapping[str, Any]) -> str:
    """Deterministic JSON of an evaluation (or of its JSON document): the same input and
    ruleset give byte-identical text."""
    data = doc.to_dict() if isinstance(doc, Evaluation) else doc
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
