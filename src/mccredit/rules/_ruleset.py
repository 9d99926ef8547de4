"""What loading gives: a `RuleSet` of resolved `Jurisdiction`s (a jurisdiction with its
ancestors' rules merged in), and the rule sections in file order (`SECTIONS`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import UnknownJurisdictionError
from ..verify import TrustRegistry
from ._models import (
    AdvancementRule,
    AwardRule,
    BaseIncreaseRule,
    CapRule,
    CatalogEntry,
    CatalogFile,
    CatalogStack,
    JurisdictionFile,
    LaneRule,
    Origin,
    RequirementRule,
    ScheduleFile,
    SourceRef,
    StackRule,
    UnitDef,
)

__all__ = ["SECTIONS", "Jurisdiction", "Rule", "RuleSet"]

SECTIONS = ("awards", "caps", "stacks", "requirements", "advancement", "lanes", "base_increases")
Rule = (
    AwardRule
    | CapRule
    | StackRule
    | RequirementRule
    | AdvancementRule
    | LaneRule
    | BaseIncreaseRule
)


@dataclass
class Jurisdiction:
    """A jurisdiction with its ancestors' rules merged in (district rules win over state)."""

    id: str
    name: str
    version: str
    file: JurisdictionFile
    origin: Origin
    parent: str | None
    units: dict[str, UnitDef]
    sources: dict[str, SourceRef]
    awards: list[AwardRule]
    caps: list[CapRule]
    stacks: list[StackRule]
    requirements: list[RequirementRule]
    advancement: list[AdvancementRule]
    lanes: list[LaneRule]
    base_increases: list[BaseIncreaseRule]
    schedules: list[ScheduleFile]
    accepted_issuers: frozenset[str]
    issuer_names: dict[str, str]
    catalog: dict[tuple[str, str], CatalogEntry]
    catalog_stacks: dict[str, CatalogStack]
    catalog_codes_by_issuer: dict[str, frozenset[str]]
    strict_codes: bool  # approved_codes_only: refuse codes not in the catalog
    files: list[str]
    sha256: str
    salary: Any = None
    # the export layout id its payroll system imports (`payroll.layout`, nearest level wins)
    payroll_layout: str | None = None
    # the licensure work list shape its state portal asks for (`licensure.worklist`)
    worklist: str | None = None
    overridden: dict[str, str] = field(default_factory=dict)
    proposal: dict[str, Any] | None = None
    # issuers whose catalog code list is complete (an unknown code is refused)
    complete_code_issuers: frozenset[str] = frozenset()
    # accept.verification: the badge verification results credited (issue 12)
    credited_verification: frozenset[str] = frozenset({"verified"})
    # accept.registry: the trust-registry entries that vouch here (None: any)
    trusted_registry: frozenset[str] | None = None
    # declared by the jurisdiction and its state: what rules may name
    license_types: tuple[str, ...] = ()
    categories: dict[str, str] = field(default_factory=dict)

    def verification_refusal(self, status: str, registry_entry: str | None) -> str | None:
        """Why a badge with this verification result earns nothing here (issue 12), or None:
        `status` when `accept.verification` does not credit it, `registry` when the badge
        verified against a registry entry `accept.registry` does not trust."""
        if status not in self.credited_verification:
            return "status"
        trusted = self.trusted_registry
        if status == "verified" and trusted is not None and registry_entry not in trusted:
            return "registry"
        return None

    def all_rules(self) -> list[Rule]:
        out: list[Rule] = []
        for name in SECTIONS:
            out.extend(getattr(self, name))
        return out

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.all_rules()}

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "extends": self.parent,
            "sha256": self.sha256,
            "units": {k: v.title for k, v in sorted(self.units.items())},
            "accepted_issuers": sorted(self.accepted_issuers),
            "files": self.files,
            "sources": {
                k: {"title": v.title, "address": v.address} for k, v in sorted(self.sources.items())
            },
            "rules": [
                {
                    "id": r.id,
                    "title": r.title,
                    "section": _section_of(r),
                    "source": r.source.cite(),
                    "effective": None
                    if r.effective is None
                    else {
                        "from": _iso(r.effective.start),
                        "until": _iso(r.effective.until),
                    },
                    "file": str(r.origin) if r.origin else None,
                }
                for r in self.all_rules()
            ],
            "schedules": [
                {
                    "schedule": s.schedule,
                    "title": s.title,
                    "from": _iso(s.effective.start),
                    "until": _iso(s.effective.until),
                    "lanes": s.lanes,
                    "file": str(s.origin) if s.origin else None,
                }
                for s in self.schedules
            ],
        }


def _iso(d: Any) -> str | None:
    return None if d is None else str(d.isoformat())


def _section_of(rule: Rule) -> str:
    return {
        AwardRule: "awards",
        CapRule: "caps",
        StackRule: "stacks",
        RequirementRule: "requirements",
        AdvancementRule: "advancement",
        LaneRule: "lanes",
        BaseIncreaseRule: "base_increases",
    }[type(rule)]


@dataclass
class RuleSet:
    """Every jurisdiction under one root, validated and resolved; immutable once loaded."""

    root: Path
    jurisdictions: dict[str, Jurisdiction]
    catalogs: dict[str, CatalogFile]
    registry: TrustRegistry = field(default_factory=TrustRegistry)

    def get(self, jurisdiction_id: str) -> Jurisdiction:
        try:
            return self.jurisdictions[jurisdiction_id]
        except KeyError:
            raise UnknownJurisdictionError(
                jurisdiction_id, known=sorted(self.jurisdictions)
            ) from None

    @property
    def ids(self) -> list[str]:
        return sorted(self.jurisdictions)

    def issuer_aliases(self) -> dict[str, tuple[str, ...]]:
        """Catalog issuer id → the names, addresses and profile ids that identify it."""
        out: dict[str, tuple[str, ...]] = {}
        for cat in self.catalogs.values():
            for iid, issuer in cat.issuers.items():
                names = [iid, issuer.name, *(issuer.profile_ids)]
                if issuer.address:
                    names.append(issuer.address)
                out[iid] = tuple(dict.fromkeys(out.get(iid, ()) + tuple(names)))
        return out
