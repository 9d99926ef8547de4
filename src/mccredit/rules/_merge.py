"""Resolving a jurisdiction: its `extends` chain (state first), the settings each level adds
or replaces, the catalogs it `uses`, and its rules merged level by level (a district rule
replaces its state's of the same id; `overrides: <id>` removes its target); then the
reference checks (`_checks`) and the sources each rule cites."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .._yaml import Located
from ._checks import check_conflicts, check_declared, check_refs
from ._collect import Collector, rule_problem
from ._models import CatalogEntry, CatalogFile, CatalogStack, Source, SourceRef, UnitDef
from ._read import Raw
from ._ruleset import SECTIONS, Jurisdiction

__all__ = ["extends_chain", "merge_rules", "resolve", "resolve_source"]


def extends_chain(col: Collector, raws: dict[str, Raw], jid: str) -> list[Raw]:
    """The jurisdiction and its ancestors, root (state) first."""
    chain: list[Raw] = []
    cur: str | None = jid
    while cur is not None:
        if cur not in raws:
            child = chain[-1] if chain else raws[jid]
            col.problem(
                child.located,
                ("extends",),
                "rule.unknown_parent",
                f"extends {cur!r}, which no jurisdiction.yaml declares",
                expected=", ".join(sorted(raws)),
                got=cur,
            )
            return []
        if any(r.jfile.id == cur for r in chain):
            col.problem(
                chain[-1].located, ("extends",), "rule.extends_cycle", f"extends cycle at {cur!r}"
            )
            return []
        chain.append(raws[cur])
        cur = raws[cur].jfile.extends
    return list(reversed(chain))


def resolve(
    col: Collector,
    raws: dict[str, Raw],
    jid: str,
    catalogs: dict[str, CatalogFile],
    catalog_files: dict[str, Path],
    issuer_files: list[Path],
) -> Jurisdiction | None:
    chain = extends_chain(col, raws, jid)
    if not chain:
        return None
    me = chain[-1]
    before = len(col.problems)
    units: dict[str, UnitDef] = {}
    sources: dict[str, SourceRef] = {}
    uses: list[str] = []
    files: list[Path] = []
    accept_issuers: list[str] | None = None
    credited: list[str] | None = None
    trusted: list[str] | None = None
    strict = False
    salary = None
    license_types: list[str] = []
    categories: dict[str, str] = {}
    where: dict[int, tuple[Located, tuple[str | int, ...]]] = {}
    payroll_layout = None
    worklist = None
    for level in chain:
        units.update(level.jfile.units)
        license_types.extend(t for t in level.jfile.license_types if t not in license_types)
        categories.update(level.jfile.categories)
        where.update(level.where)
        sources.update(level.jfile.sources)
        uses.extend(u for u in level.jfile.uses if u not in uses)
        files.extend(level.files)
        if level.jfile.accept.issuers is not None:
            accept_issuers = level.jfile.accept.issuers
        acc = level.jfile.accept
        if acc.verification is not None:
            credited = list(acc.verification)
        if acc.registry is not None:
            trusted = list(acc.registry)
        if "approved_codes_only" in acc.model_fields_set:
            strict = acc.approved_codes_only
        elif acc.strict_codes is not None:  # the older spelling
            strict = acc.strict_codes
        if level.jfile.salary is not None:
            salary = level.jfile.salary
        if level.jfile.payroll is not None:
            payroll_layout = level.jfile.payroll.layout
        if level.jfile.licensure is not None:
            worklist = level.jfile.licensure.worklist
    catalog: dict[tuple[str, str], CatalogEntry] = {}
    stacks: dict[str, CatalogStack] = {}
    names: dict[str, str] = {}
    complete: set[str] = set()
    jloc = me.located
    for u in uses:
        cat = catalogs.get(u)
        if cat is None:
            col.problem(
                jloc,
                ("uses",),
                "rule.unknown_catalog",
                f"uses catalog {u!r}, which rules/catalogs/ does not have",
                expected=", ".join(sorted(catalogs)),
                got=u,
            )
            continue
        files.append(catalog_files[u])
        for iid, issuer in cat.issuers.items():
            names[iid] = issuer.name
            if issuer.complete_codes:
                complete.add(iid)
        for e in cat.entries:
            catalog[(e.issuer, e.code)] = e
        for s in cat.stacks:
            stacks[s.id] = s
    files.extend(issuer_files)
    accepted = frozenset(accept_issuers if accept_issuers is not None else names)
    for iss in sorted(accepted - set(names)):
        col.problem(
            jloc,
            ("accept", "issuers"),
            "rule.unknown_issuer",
            f"accepts issuer {iss!r}, which no catalog it uses lists",
            expected=", ".join(sorted(names)),
            got=iss,
        )
    merged, overridden = merge_rules(col, [level.rules for level in chain])
    check_refs(col, merged, None, sources, stacks, me.jfile.id)
    check_declared(col, merged, where, units, license_types, categories, stacks)
    check_conflicts(col, merged["awards"])
    if len(col.problems) > before:
        return None
    merged = {s: [resolve_source(r, sources) for r in rs] for s, rs in merged.items()}
    schedules = [
        sch.model_copy(update={"source": _resolve_src(sch.source, sources)})
        for level in chain
        for sch in level.schedules
    ]
    digest = hashlib.sha256()
    rels = sorted({col.rel(f) for f in files})
    for rel in rels:
        digest.update(rel.encode() + b"\0")
        digest.update((col.root / rel).read_bytes() if (col.root / rel).exists() else rel.encode())
        digest.update(b"\0")
    return Jurisdiction(
        id=me.jfile.id,
        name=me.jfile.name,
        version=me.jfile.version,
        file=me.jfile,
        origin=me.origin,
        parent=me.jfile.extends,
        units=units,
        sources=sources,
        awards=merged["awards"],
        caps=merged["caps"],
        stacks=merged["stacks"],
        requirements=merged["requirements"],
        advancement=merged["advancement"],
        lanes=merged["lanes"],
        base_increases=merged["base_increases"],
        schedules=schedules,
        accepted_issuers=accepted,
        issuer_names=names,
        catalog=catalog,
        catalog_stacks=stacks,
        catalog_codes_by_issuer={
            iss: frozenset(code for (i, code) in catalog if i == iss) for iss in names
        },
        strict_codes=strict,
        complete_code_issuers=frozenset(complete),
        credited_verification=frozenset(credited if credited is not None else ["verified"]),
        trusted_registry=None if trusted is None else frozenset(trusted),
        license_types=tuple(license_types),
        categories=categories,
        files=rels,
        sha256=digest.hexdigest(),
        salary=salary,
        payroll_layout=payroll_layout,
        worklist=worklist,
        overridden=overridden,
    )


def merge_rules(
    col: Collector, levels: list[dict[str, list[Any]]]
) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """Merge rules level by level (state first): a deeper level's rule with the same id
    replaces the inherited one; then every `overrides: <id>` removes its target, whatever
    the file order (a rule may override one written later or in another file). Returns the
    merged sections and what was overridden (target id → the id that replaced it)."""
    merged: dict[str, list[Any]] = {s: [] for s in SECTIONS}
    overridden: dict[str, str] = {}
    depth_of: dict[str, int] = {}
    for depth, level in enumerate(levels):
        for section in SECTIONS:
            current = merged[section]
            for rule in level[section]:
                same = [i for i, r in enumerate(current) if r.id == rule.id]
                if same:
                    if depth_of[rule.id] < depth:  # a district rule replaces its state's
                        overridden[rule.id] = rule.id
                        current.pop(same[0])
                    else:
                        other = current[same[0]]
                        rule_problem(
                            col,
                            rule,
                            "rule.duplicate_id",
                            f"rule id {rule.id!r} is already used at {other.origin}",
                        )
                        continue
                current.append(rule)
                depth_of[rule.id] = depth
    overriders = [r for rules in merged.values() for r in rules if r.overrides is not None]
    for rule in overriders:
        target = rule.overrides
        hit = False
        for rules in merged.values():
            for i, r in enumerate(rules):
                if r.id == target and r is not rule:
                    overridden[target] = rule.id
                    rules.pop(i)
                    hit = True
                    break
        if not hit and target not in overridden:
            rule_problem(
                col,
                rule,
                "rule.unknown_override",
                f"overrides {target!r}, which this jurisdiction does not have",
            )
    return merged, overridden


def _resolve_src(src: Source, sources: dict[str, SourceRef]) -> Source:
    if src.ref is None or src.ref not in sources:
        return src
    ref = sources[src.ref]
    return src.model_copy(
        update={
            "document": src.document or ref.title,
            "address": src.address or ref.address,
        }
    )


def resolve_source(rule: Any, sources: dict[str, SourceRef]) -> Any:
    update: dict[str, Any] = {"source": _resolve_src(rule.source, sources)}
    alts = getattr(rule, "alternatives", None)
    if alts:
        update["alternatives"] = [
            a.model_copy(update={"source": _resolve_src(a.source or rule.source, sources)})
            for a in alts
        ]
    return rule.model_copy(update=update)
