"""The rule language: models, dated values, matchers and the loader."""

from ._dated import DatedDecimal, DatedSeries
from ._loader import (
    Jurisdiction,
    RuleSet,
    default_root,
    layout_files,
    load_rules,
    ruleset_sha256,
    worklist_files,
)
from ._matchers import Matcher, parse_matcher

__all__ = [
    "DatedDecimal",
    "DatedSeries",
    "Jurisdiction",
    "Matcher",
    "RuleSet",
    "default_root",
    "layout_files",
    "load_rules",
    "parse_matcher",
    "ruleset_sha256",
    "worklist_files",
]
