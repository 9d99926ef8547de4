"""Warning codes, each with the one message template both evaluation paths render.

The per-educator engine fills a template with `WarningCode.render(**params)`; the columnar
batch path fills the same template with polars expressions (`batch._warnings.message_expr`),
so the two paths cannot drift. A placeholder is `{name}`; quoting is part of the template
(`'{credential}'`), never Python's `repr`. A few codes say one thing about two kinds of
subject (a credential or an evaluation year, a schedule missing at placement or at a later
change): their template takes the differing words as parameters, and the helpers below
(`accepted_clause`, `code_refusal`, `requirements_clause`) build the shared ones once.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from enum import StrEnum
from functools import cache

__all__ = [
    "WarningCode",
    "accepted_clause",
    "code_refusal",
    "placeholders",
    "requirements_clause",
]


class WarningCode(StrEnum):
    """A stable warning id (the `code` of a warning in the evaluation document)."""

    # the issuer/catalog gate and the award step (engine and batch)
    ISSUER_MISSING = "issuer_missing"
    ISSUER_NOT_ACCEPTED = "issuer_not_accepted"
    CODE_NOT_IN_CATALOG = "code_not_in_catalog"
    EARNED_AFTER_AS_OF = "earned_after_as_of"
    DUPLICATE_CREDENTIAL = "duplicate_credential"
    MEASURE_MISSING = "measure_missing"
    NO_RULE = "no_rule"
    # badge verification (issue 12; engine only: batch rosters carry no badges)
    VERIFICATION_NOT_CREDITED = "verification_not_credited"
    REGISTRY_ENTRY_NOT_TRUSTED = "registry_entry_not_trusted"
    UNVERIFIED_CREDITED = "unverified_credited"
    # renewal and the document (engine and batch)
    NO_REQUIREMENT = "no_requirement"
    RULE_REVIEW_DUE = "rule_review_due"
    # salary (engine only: the batch path hands salary to the engine)
    NO_PLACEMENT = "no_placement"
    NO_SALARY_CALENDAR = "no_salary_calendar"
    NO_SCHEDULE = "no_schedule"
    SUBMITTED_MISSING = "submitted_missing"
    EVIDENCE_LATE = "evidence_late"
    LANE_UNKNOWN = "lane_unknown"
    LANE_DEFERRED = "lane_deferred"
    BASE_INCREASE_CAPPED = "base_increase_capped"
    RETRO_EARLIER_YEARS = "retro_earlier_years"
    TOP_STEP = "top_step"
    PRIOR_APPROVAL_MISSING = "prior_approval_missing"
    SALARY_CREDIT_CAPPED = "salary_credit_capped"
    SALARY_CREDIT_EXPIRED = "salary_credit_expired"

    @property
    def template(self) -> str:
        return TEMPLATES[self]

    def render(self, **params: object) -> str:
        """The message: the template with every placeholder filled (a missing one is a
        `KeyError`, an unknown one a `ValueError`, so a call site cannot drift silently)."""
        extra = set(params) - set(placeholders(self))
        if extra:
            raise ValueError(f"{self.value}: no placeholder {', '.join(sorted(extra))}")
        return self.template.format_map(params)


TEMPLATES: dict[WarningCode, str] = {
    WarningCode.ISSUER_MISSING: "micro-credential '{credential}' names no issuer; {jurisdiction} "
    "credits micro-credentials only from accepted issuers ({accepted})",
    WarningCode.ISSUER_NOT_ACCEPTED: "issuer '{issuer}' is not an accepted micro-credential "
    "issuer in {jurisdiction} ({accepted}); not credited",
    WarningCode.CODE_NOT_IN_CATALOG: "code '{code}' is not in {catalog}'s catalog and {why}; "
    "not credited",
    WarningCode.EARNED_AFTER_AS_OF: "{subject} on {day}, after the evaluation date {as_of}; "
    "not counted",
    WarningCode.DUPLICATE_CREDENTIAL: "micro-credential '{code}' of {issuer} was already earned "
    "as '{first}': a credential counts once",
    WarningCode.MEASURE_MISSING: "rule '{rule}' credits {measure} but credential '{credential}' "
    "has no {per}",
    WarningCode.NO_RULE: "no rule of {jurisdiction} in force on {as_of} credits {kind} "
    "'{credential}'; not credited",
    WarningCode.VERIFICATION_NOT_CREDITED: "credential '{credential}': verification {status} "
    "({reasons}); {jurisdiction} credits badges only when {credited}; not credited",
    WarningCode.REGISTRY_ENTRY_NOT_TRUSTED: "credential '{credential}' verified against registry "
    "entry '{entry}', which {jurisdiction} does not trust (accept.registry: {trusted}); "
    "not credited",
    WarningCode.UNVERIFIED_CREDITED: "credential '{credential}' is credited with verification "
    "{status} ({reason}): {jurisdiction}'s accept.verification allows it; check it by hand",
    WarningCode.NO_REQUIREMENT: "{jurisdiction} has no renewal requirement in force on {as_of} "
    "for a '{license}' license ({reason})",
    WarningCode.RULE_REVIEW_DUE: "rule '{rule}' was due for review by {review_by}: it may be stale",
    WarningCode.NO_PLACEMENT: "{jurisdiction} pays from a salary schedule but the educator has "
    "no `salary` placement (lane, step)",
    WarningCode.NO_SALARY_CALENDAR: "{jurisdiction} has no `salary` settings in "
    "jurisdiction.yaml; salary not evaluated",
    WarningCode.NO_SCHEDULE: "no '{schedule}' salary schedule of {jurisdiction} is in force on "
    "{day}: {outcome}",
    WarningCode.SUBMITTED_MISSING: "credential '{credential}' has no `submitted` date; taken as "
    "filed on its earned date",
    WarningCode.EVIDENCE_LATE: "credential '{credential}' was filed {days} days after it was "
    "earned; {rule} needs evidence within {limit} days: not counted toward salary",
    WarningCode.LANE_UNKNOWN: "{rule} moves to lane '{lane}', which schedule '{schedule}' lacks",
    WarningCode.LANE_DEFERRED: "{rule}: at most {most} lane move(s) a school year; "
    "{from_lane} → {to_lane} takes effect on {effective}",
    WarningCode.BASE_INCREASE_CAPPED: "{rule}: at most {most} credentials raise the base; "
    "'{credential}' does not",
    WarningCode.RETRO_EARLIER_YEARS: "{label} took effect on {effective}, in an earlier school "
    "year: this year's figures are priced on {schedule}; pay owed for school years before "
    "{school_year} is not computed here",
    WarningCode.TOP_STEP: "step {target} is not in {schedule}; the step stays {step}",
    WarningCode.PRIOR_APPROVAL_MISSING: "credential '{credential}' has {found}; {rule} counts a "
    "credential toward salary only with the district's approval before it is earned: not "
    "counted toward salary",
    WarningCode.SALARY_CREDIT_CAPPED: "credential '{credential}': {rule} counts at most {most} "
    "salary credit a year (the year from {year}); {over} of its {full} not counted",
    WarningCode.SALARY_CREDIT_EXPIRED: "credential '{credential}': {amount} salary credit of "
    "{rule} left the bank on {until} ({years} years after it was earned) unused by a lane move; "
    "not counted",
}


@cache
def placeholders(code: WarningCode) -> tuple[str, ...]:
    """The placeholder names of a code's template, in order (each once)."""
    seen: list[str] = []
    for _, name, _, _ in string.Formatter().parse(code.template):
        if name is not None and name not in seen:
            seen.append(name)
    return tuple(seen)


def accepted_clause(accepted: Iterable[str]) -> str:
    """`{accepted}` of ISSUER_NOT_ACCEPTED: the accepted issuers, or that there are none."""
    names = ", ".join(sorted(accepted))
    return f"accepted: {names}" if names else "it accepts no micro-credential issuers"


def code_refusal(jurisdiction: str, strict_codes: bool) -> str:
    """`{why}` of CODE_NOT_IN_CATALOG: why an unknown code is refused."""
    if strict_codes:
        return f"{jurisdiction} credits only approved codes (approved_codes_only)"
    return "that catalog lists every code the issuer issues"


def requirements_clause(license_types: Iterable[str]) -> str:
    """`{reason}` of NO_REQUIREMENT when no requirement names the license's type."""
    return f"requirements exist for: {', '.join(sorted(set(license_types))) or 'none'}"
