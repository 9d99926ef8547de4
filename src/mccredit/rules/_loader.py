"""Load and validate every rule file, resolve `extends` and `uses`, detect conflicts.

Layout (relative to a rules root, by default the repository or the installed package data):
```
rules/catalogs/<id>.yaml              issuer catalogs (accepted issuers, codes, stacks)
rules/layouts/<id>.yaml               payroll export layouts (read by mccredit.handoff)
rules/worklists/<id>.yaml             licensure work list shapes (read by mccredit.handoff)
jurisdictions/<state>/jurisdiction.yaml
jurisdictions/<state>/rules/*.yaml    rule files (sections: awards, caps, stacks, ...)
jurisdictions/<state>/schedules/*.yaml  salary schedules (districts)
jurisdictions/<state>/cases/*.yaml    worked examples (run by `mccredit test`)
jurisdictions/<state>/<district>/...  a district, which `extends` its state
```
Every problem in every file is collected and raised together as a `RuleError`.

The steps, one module each: locating the root and its files (`_locate`), collecting problems
(`_collect`), reading and validating each file (`_read`), resolving `extends`, `uses` and the
merge of rules by level (`_merge`), the reference and conflict checks (`_checks`); what they
build is a `RuleSet` of `Jurisdiction`s (`_ruleset`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem, RuleError
from ._collect import Collector, dedupe
from ._locate import default_root, layout_files, ruleset_sha256, worklist_files, yaml_files
from ._merge import resolve
from ._read import Raw, load_catalogs, load_issuers, load_jurisdiction
from ._ruleset import Jurisdiction, RuleSet

__all__ = [
    "Jurisdiction",
    "RuleSet",
    "default_root",
    "layout_files",
    "load_rules",
    "ruleset_sha256",
    "worklist_files",
]


def load_rules(root: Path | str | None = None) -> RuleSet:
    """Load every catalog and jurisdiction under `root`; raise `RuleError` listing all problems."""
    base = Path(root) if root is not None else default_root()
    col = Collector(base)
    if not (base / "jurisdictions").is_dir():
        raise RuleError(
            [
                Problem(
                    type="rules.no_jurisdictions",
                    message="no jurisdictions/ folder here; point MCCREDIT_RULES or PATH at a "
                    "folder holding rules/ and jurisdictions/",
                    path=str(base),
                )
            ]
        )
    catalogs, catalog_files = load_catalogs(col, base / "rules" / "catalogs")
    issuer_files = yaml_files(base / "rules" / "issuers")
    registry = load_issuers(col, issuer_files)
    raws: dict[str, Raw] = {}
    for jpath in sorted((base / "jurisdictions").rglob("jurisdiction.yaml")):
        raw = load_jurisdiction(col, jpath, base)
        if raw is None:
            continue
        if raw.jfile.id in raws:
            col.problem(
                None, ("id",), "rule.duplicate_jurisdiction", f"jurisdiction {raw.jfile.id!r} twice"
            )
            continue
        raws[raw.jfile.id] = raw
    resolved: dict[str, Jurisdiction] = {}
    for jid in sorted(raws, key=lambda j: j.count("/")):
        j = resolve(col, raws, jid, catalogs, catalog_files, issuer_files)
        if j is not None:
            resolved[jid] = j
    if col.problems:
        raise RuleError(dedupe(col.problems))
    return RuleSet(root=base, jurisdictions=resolved, catalogs=catalogs, registry=registry)
