"""mccredit: a licensure and salary-credit rules engine for K-12 educators."""

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
