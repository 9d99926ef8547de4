"""mccredit: a licensure and salary-credit rules engine for K-12 educators."""

from ._api import default_rules, evaluate, explain, load_rules, to_educator, to_json
from .errors import (
    InputError,
    MccreditError,
    Problem,
    ProblemsError,
    RuleError,
    UnknownJurisdictionError,
)
from .io.educator import Credential, Educator, License
from .rules import Jurisdiction, RuleSet

__version__ = "0.1.0"

__all__ = [
    "Credential",
    "Educator",
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
    "explain",
    "load_rules",
    "to_educator",
    "to_json",
]
