"""What every step shares: `Facts` (a credential as matchers see it), the educator and license
getters of the requirement/advancement conditions, `_warn`, and the sort orders."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from ..io.educator import Credential, Educator, License
from ..result import (
    Warning,
    WarningCode,
)
from ._plan import Plan

ZERO = Decimal(0)
# sort keys: credentials by earned date then id; the ledger by date, credential, rule, unit
_EARNED_ID = attrgetter("earned", "id")
_LEDGER_ORDER = attrgetter("date", "credential", "rule", "unit")


class Facts:
    """A credential as matchers see it: its own fields plus catalog-derived ones."""

    __slots__ = (
        "cred",
        "categories",
        "contact_hours",
        "accepted",
        "in_catalog",
        "stack",
        "verification",
        "unknown_code",
    )

    def __init__(
        self, cred: Credential, plan: Plan, memo: dict[Any, CatalogFacts] | None = None
    ) -> None:
        """`memo`: `plan.memo("facts")`, when the caller has it at hand."""
        self.cred = cred
        key = (cred.issuer, cred.code, cred.kind)
        if memo is None:
            memo = plan.memo("facts")
        found = memo.get(key)
        if found is None:
            found = _catalog_facts(cred, plan)
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = found
        extra, hours, accepted, in_catalog, stack, unknown = found
        self.accepted: bool = accepted
        self.in_catalog: bool = in_catalog
        self.stack: tuple[str, ...] = stack
        # a micro-credential whose code its issuer's catalog (which lists codes) does not list
        self.unknown_code: bool = unknown
        if extra is not None:
            cats = list(cred.categories)
            cats.extend(c for c in extra if c not in cats)
            self.categories: tuple[str, ...] = tuple(cats)
        else:
            self.categories = tuple(cred.categories)
        own = cred.contact_hours
        self.contact_hours = hours if own is None else own
        v = cred.verification
        self.verification: str | None = None if v is None else v.status

    def get(self, name: str) -> Any:
        if name in _OWN_FIELDS:
            return getattr(self, name)
        return getattr(self.cred, name)


_MEMO_SIZE = 4096
# what a credential's (issuer, code, kind) decides of its `Facts`: the catalog entry's
# categories (None without an entry) and contact hours, accepted, in_catalog, stack and
# unknown_code
CatalogFacts = tuple[tuple[str, ...] | None, Decimal | None, bool, bool, tuple[str, ...], bool]


def _catalog_facts(cred: Credential, plan: Plan) -> CatalogFacts:
    """The part of a credential's `Facts` its issuer, code and kind decide (once per plan)."""
    j = plan.jurisdiction
    entry = j.catalog.get((cred.issuer, cred.code)) if cred.issuer and cred.code else None
    # a micro-credential whose code its issuer's catalog (which lists codes) does not list
    unknown = False
    if cred.kind == "micro_credential" and cred.code is not None and cred.issuer is not None:
        codes = j.catalog_codes_by_issuer.get(cred.issuer)
        unknown = codes is not None and bool(codes) and cred.code not in codes
    return (
        None if entry is None else tuple(entry.categories),
        None if entry is None else entry.contact_hours,
        cred.issuer is not None and cred.issuer in j.accepted_issuers,
        entry is not None,
        plan.stacks_of(cred.code) if cred.code else (),
        unknown,
    )


# the fields a `Facts` answers itself; every other field is the credential's
_OWN_FIELDS = frozenset(
    ("categories", "contact_hours", "accepted", "in_catalog", "stack", "verification")
)


def _educator_getter(ed: Educator) -> Callable[[str], Any]:
    return lambda name: getattr(ed, name)


def _license_getter(lic: License) -> Callable[[str], Any]:
    return lambda name: getattr(lic, name)


def _warn(
    what: WarningCode,
    /,
    *,
    credential: str | None = None,
    rule: str | None = None,
    **params: object,
) -> Warning:
    """A warning: its code, what it is about, and the code's message filled with `params`."""
    return Warning.of(what, credential=credential, rule=rule, **params)
