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
"""

from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .._yaml import Located, ProblemException, load_file, locate, pydantic_problems
from ..errors import Problem, RuleError, UnknownJurisdictionError
from ..verify import TrustRegistry, load_registry
from ._matchers import Matcher
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
    RuleFile,
    ScheduleFile,
    Source,
    SourceRef,
    StackRule,
    UnitDef,
)

__all__ = [
    "Jurisdiction",
    "RuleSet",
    "default_root",
    "layout_files",
    "load_rules",
    "worklist_files",
    "ruleset_sha256",
]

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


def default_root() -> Path:
    """The rules root: `$MCCREDIT_RULES`; else the checkout holding this package (a source
    checkout or an editable install: the folder with pyproject.toml, rules/ and jurisdictions/);
    else the copy the wheel carries in `mccredit/_bundled/` (pyproject's force-include)."""
    env = os.environ.get("MCCREDIT_RULES")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (
            (parent / "pyproject.toml").is_file()
            and (parent / "jurisdictions").is_dir()
            and (parent / "rules").is_dir()
        ):
            return parent
    return here.parent.parent / "_bundled"


def ruleset_sha256(root: Path | None = None) -> str:
    """The sha256 of every file under `root`'s rules/ and jurisdictions/ (relative path and
    bytes, in path order): what `mccredit --version` prints. Reads bytes only, loads nothing."""
    root = default_root() if root is None else root
    digest = hashlib.sha256()
    files = sorted(
        f.relative_to(root).as_posix()
        for top in ("rules", "jurisdictions")
        for f in (root / top).rglob("*")
        if f.is_file() and "__pycache__" not in f.parts
    )
    for rel in files:
        digest.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return digest.hexdigest()


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


@dataclass
class _Raw:
    jfile: JurisdictionFile
    origin: Origin
    folder: Path
    rules: dict[str, list[Any]]
    schedules: list[ScheduleFile]
    files: list[Path]
    located: Located
    # id(rule) -> (the rule file, the rule's path in it): to locate a field of a merged rule
    where: dict[int, tuple[Located, tuple[str | int, ...]]] = field(default_factory=dict)


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def load(self, path: Path) -> Located | None:
        try:
            return load_file(path, display=self.rel(path))
        except ProblemException as e:
            self.problems.append(e.problem)
            return None

    def validate(
        self, model: type[BaseModel], data: Any, located: Located, loc: tuple[Any, ...] = ()
    ) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as e:
            self.problems.extend(pydantic_problems(e, located=located, prefix=loc, kind="rule"))
            return None

    def problem(
        self, located: Located | None, loc: tuple[Any, ...], type_: str, message: str, **kw: Any
    ) -> None:
        line, col = locate(located, loc)
        self.problems.append(
            Problem(
                type=type_,
                message=message,
                path=located.path if located else None,
                line=line,
                col=col,
                loc=loc,
                **kw,
            )
        )


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_rules(root: Path | str | None = None) -> RuleSet:
    """Load every catalog and jurisdiction under `root`; raise `RuleError` listing all problems."""
    base = Path(root) if root is not None else default_root()
    col = _Collector(base)
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
    catalogs, catalog_files = _load_catalogs(col, base / "rules" / "catalogs")
    issuer_files = _yaml_files(base / "rules" / "issuers")
    registry = _load_issuers(col, issuer_files)
    raws: dict[str, _Raw] = {}
    for jpath in sorted((base / "jurisdictions").rglob("jurisdiction.yaml")):
        raw = _load_jurisdiction(col, jpath, base)
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
        j = _resolve(col, raws, jid, catalogs, catalog_files, issuer_files)
        if j is not None:
            resolved[jid] = j
    if col.problems:
        raise RuleError(_dedupe(col.problems))
    return RuleSet(root=base, jurisdictions=resolved, catalogs=catalogs, registry=registry)


def _load_issuers(col: _Collector, files: list[Path]) -> TrustRegistry:
    """The trust registry under `rules/issuers/` (issue 12), validated like rule files. Its
    files count in every jurisdiction's sha256: they decide which badges verify."""
    if not files:
        return TrustRegistry()
    try:
        return load_registry(*files)
    except RuleError as e:
        col.problems.extend(e.problems)
        return TrustRegistry()


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        key = p.one_line()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _load_catalogs(col: _Collector, folder: Path) -> tuple[dict[str, CatalogFile], dict[str, Path]]:
    catalogs: dict[str, CatalogFile] = {}
    files: dict[str, Path] = {}
    for path in _yaml_files(folder):
        located = col.load(path)
        if located is None:
            continue
        cat = col.validate(CatalogFile, located.data, located)
        if cat is None:
            continue
        if cat.id != path.stem:
            col.problem(
                located,
                ("id",),
                "rule.catalog_id",
                "a catalog's id must be its file name",
                expected=path.stem,
                got=cat.id,
            )
        for i, entry in enumerate(cat.entries):
            if entry.issuer not in cat.issuers:
                col.problem(
                    located,
                    ("entries", i, "issuer"),
                    "rule.unknown_issuer",
                    "entry names an issuer the catalog does not list",
                    expected=", ".join(sorted(cat.issuers)),
                    got=entry.issuer,
                )
        catalogs[cat.id] = cat
        files[cat.id] = path
    return catalogs, files


def _load_jurisdiction(col: _Collector, jpath: Path, base: Path) -> _Raw | None:
    located = col.load(jpath)
    if located is None:
        return None
    data = located.data
    jfile = col.validate(JurisdictionFile, data, located)
    if jfile is None:
        return None
    folder = jpath.parent
    expected_id = folder.relative_to(base / "jurisdictions").as_posix()
    if jfile.id != expected_id:
        col.problem(
            located,
            ("id",),
            "rule.jurisdiction_id",
            "a jurisdiction's id must be its folder path under jurisdictions/",
            expected=expected_id,
            got=jfile.id,
        )
    if jfile.payroll is not None:
        _check_named(col, located, base, "layouts", ("payroll", "layout"), jfile.payroll.layout)
    if jfile.licensure is not None:
        _check_named(
            col, located, base, "worklists", ("licensure", "worklist"), jfile.licensure.worklist
        )
    rules: dict[str, list[Any]] = {s: [] for s in SECTIONS}
    where: dict[int, tuple[Located, tuple[str | int, ...]]] = {}
    files = [jpath]
    for rpath in _yaml_files(folder / "rules"):
        files.append(rpath)
        rl = col.load(rpath)
        if rl is None:
            continue
        if not isinstance(rl.data, dict):
            col.problem(
                rl,
                (),
                "rule.file_shape",
                "a rule file is a mapping of sections",
                expected=", ".join(SECTIONS),
                got=type(rl.data).__name__,
            )
            continue
        rf = col.validate(RuleFile, rl.data, rl)
        if rf is None:
            continue
        for section in SECTIONS:
            for i, rule in enumerate(getattr(rf, section)):
                line, c = locate(rl, (section, i))
                placed = rule.model_copy(
                    update={"origin": Origin(path=rl.path, line=line or 1, col=c or 1)}
                )
                rules[section].append(placed)
                where[id(placed)] = (rl, (section, i))
    schedules: list[ScheduleFile] = []
    lanes_seen: dict[str, tuple[list[str], str]] = {}
    for spath in _yaml_files(folder / "schedules"):
        files.append(spath)
        sl = col.load(spath)
        if sl is None:
            continue
        sch = col.validate(ScheduleFile, sl.data, sl)
        if sch is not None and sch.schedule in lanes_seen:
            lanes, first = lanes_seen[sch.schedule]
            if sch.lanes != lanes:
                col.problem(
                    sl,
                    ("lanes",),
                    "rule.schedule_lanes",
                    f"schedule {sch.schedule!r} lists its lanes differently from {first}",
                    expected=", ".join(lanes),
                    got=", ".join(sch.lanes),
                )
        elif sch is not None:
            lanes_seen[sch.schedule] = (sch.lanes, sl.path)
        if sch is not None:
            schedules.append(sch.model_copy(update={"origin": Origin(path=sl.path, line=1)}))
    return _Raw(
        jfile=jfile,
        origin=Origin(path=located.path, line=1),
        folder=folder,
        rules=rules,
        schedules=schedules,
        files=files,
        located=located,
        where=where,
    )


def layout_files(root: Path) -> dict[str, Path]:
    """The payroll export layouts under a rules root (`rules/layouts/<id>.yaml`), by id. Their
    contents are checked by `mccredit.handoff`; the loader checks only that a named one exists."""
    return {p.stem: p for p in _yaml_files(root / "rules" / "layouts")}


def worklist_files(root: Path) -> dict[str, Path]:
    """The licensure work list shapes under a rules root (`rules/worklists/<id>.yaml`), by id;
    checked by `mccredit.handoff`."""
    return {p.stem: p for p in _yaml_files(root / "rules" / "worklists")}


def _check_named(
    col: _Collector,
    located: Located,
    base: Path,
    folder: str,
    loc: tuple[str, str],
    name: str,
) -> None:
    known = {p.stem for p in _yaml_files(base / "rules" / folder)}
    if name not in known:
        what = "payroll export layout" if folder == "layouts" else "licensure work list"
        col.problem(
            located,
            loc,
            "rule.unknown_layout" if folder == "layouts" else "rule.unknown_worklist",
            f"no {what} of that id under rules/{folder}/",
            expected=", ".join(sorted(known)) or f"a file rules/{folder}/<id>.yaml",
            got=name,
        )


def _chain(col: _Collector, raws: dict[str, _Raw], jid: str) -> list[_Raw]:
    """The jurisdiction and its ancestors, root (state) first."""
    chain: list[_Raw] = []
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


def _resolve(
    col: _Collector,
    raws: dict[str, _Raw],
    jid: str,
    catalogs: dict[str, CatalogFile],
    catalog_files: dict[str, Path],
    issuer_files: list[Path],
) -> Jurisdiction | None:
    chain = _chain(col, raws, jid)
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
    # Merge rules level by level (state first): a deeper level's rule with the same id
    # replaces the inherited one; then every `overrides: <id>` removes its target, whatever
    # the file order (a rule may override one written later or in another file).
    merged: dict[str, list[Any]] = {s: [] for s in SECTIONS}
    overridden: dict[str, str] = {}
    depth_of: dict[str, int] = {}
    for depth, level in enumerate(chain):
        for section in SECTIONS:
            current = merged[section]
            for rule in level.rules[section]:
                same = [i for i, r in enumerate(current) if r.id == rule.id]
                if same:
                    if depth_of[rule.id] < depth:  # a district rule replaces its state's
                        overridden[rule.id] = rule.id
                        current.pop(same[0])
                    else:
                        other = current[same[0]]
                        _rule_problem(
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
            _rule_problem(
                col,
                rule,
                "rule.unknown_override",
                f"overrides {target!r}, which this jurisdiction does not have",
            )
    _check_refs(col, merged, None, sources, stacks, me.jfile.id)
    check_declared(col, merged, where, units, license_types, categories)
    _check_conflicts(col, merged["awards"])
    if len(col.problems) > before:
        return None
    merged = {s: [_resolve_source(r, sources) for r in rs] for s, rs in merged.items()}
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


def _rule_problem(col: _Collector, rule: Any, type_: str, message: str, **kw: Any) -> None:
    o = rule.origin
    col.problems.append(
        Problem(
            type=type_,
            message=message,
            path=o.path if o else None,
            line=o.line if o else None,
            col=o.col if o else None,
            loc=(rule.id,),
            **kw,
        )
    )


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


def _resolve_source(rule: Any, sources: dict[str, SourceRef]) -> Any:
    update: dict[str, Any] = {"source": _resolve_src(rule.source, sources)}
    alts = getattr(rule, "alternatives", None)
    if alts:
        update["alternatives"] = [
            a.model_copy(update={"source": _resolve_src(a.source or rule.source, sources)})
            for a in alts
        ]
    return rule.model_copy(update=update)


def _check_refs(
    col: _Collector,
    merged: dict[str, list[Any]],
    units: dict[str, UnitDef] | None,
    sources: dict[str, SourceRef],
    stacks: dict[str, CatalogStack],
    jid: str,
) -> None:
    """Sources, stacks, capped rules and (with `units`; the loader checks units where they are
    written, in `check_declared`) units."""
    ids = {r.id for rs in merged.values() for r in rs}
    unit_names = ", ".join(sorted(units or ())) or "(none declared)"
    alt_ids: set[str] = set()
    for rules in merged.values():
        for rule in rules:
            for alt in getattr(rule, "alternatives", None) or ():
                if alt.id in ids or alt.id in alt_ids:
                    _rule_problem(
                        col,
                        rule,
                        "rule.duplicate_id",
                        f"alternative id {alt.id!r} is already used by a rule or alternative",
                        got=alt.id,
                    )
                alt_ids.add(alt.id)
                if alt.source is not None and alt.source.ref is not None:
                    if alt.source.ref not in sources:
                        _rule_problem(
                            col,
                            rule,
                            "rule.unknown_source",
                            f"alternative {alt.id!r}: source.ref {alt.source.ref!r} is not a "
                            f"source of {jid}",
                            expected=", ".join(sorted(sources)),
                            got=alt.source.ref,
                        )
                if units is not None:
                    for u in alt.requires:
                        if u not in units:
                            _rule_problem(
                                col,
                                rule,
                                "rule.unknown_unit",
                                f"alternative {alt.id!r}: unit {u!r} is not declared by {jid}",
                                expected=unit_names,
                                got=u,
                            )
    for section, rules in merged.items():
        for rule in rules:
            used: list[str] = []
            if units is None:
                pass
            elif section in ("awards", "caps", "stacks"):
                used = [rule.unit]
            elif section in ("requirements", "advancement"):
                used = list(rule.requires)
                if section == "requirements" and rule.category_unit:
                    used.append(rule.category_unit)
            for u in used:
                if units is not None and u not in units:
                    _rule_problem(
                        col,
                        rule,
                        "rule.unknown_unit",
                        f"unit {u!r} is not declared by {jid} or the state it extends",
                        expected=unit_names,
                        got=u,
                    )
            if rule.source.ref is not None and rule.source.ref not in sources:
                _rule_problem(
                    col,
                    rule,
                    "rule.unknown_source",
                    f"source.ref {rule.source.ref!r} is not a source of {jid}",
                    expected=", ".join(sorted(sources)),
                    got=rule.source.ref,
                )
            if section == "stacks" and isinstance(rule.require, int):
                count = len(stacks[rule.stack].members) if rule.stack in stacks else 0
                if count and rule.require > count:
                    _rule_problem(
                        col,
                        rule,
                        "rule.stack_require",
                        f"require: {rule.require} is more than the stack's {count} members",
                        expected=f"1..{count} or all",
                        got=str(rule.require),
                    )
            if section == "stacks" and rule.stack is not None and rule.stack not in stacks:
                _rule_problem(
                    col,
                    rule,
                    "rule.unknown_stack",
                    f"stack {rule.stack!r} is in no catalog this jurisdiction uses",
                    expected=", ".join(sorted(stacks)),
                    got=rule.stack,
                )
            if section == "caps" and rule.rules:
                for rid in rule.rules:
                    if rid not in ids:
                        _rule_problem(
                            col,
                            rule,
                            "rule.unknown_rule",
                            f"cap names rule {rid!r}, which does not exist",
                            got=rid,
                        )


Loc = tuple[str | int, ...]


def _matcher_values(raw: Any, fld: str, loc: Loc) -> list[tuple[Loc, Any]]:
    """Where a raw `when` matcher names `fld`: (path below the rule, value) for each value."""
    out: list[tuple[Loc, Any]] = []
    if not isinstance(raw, dict):
        return out
    for key, val in raw.items():
        here = (*loc, key)
        if key in ("all", "any") and isinstance(val, list):
            for i, kid in enumerate(val):
                out.extend(_matcher_values(kid, fld, (*here, i)))
        elif key == "not":
            out.extend(_matcher_values(val, fld, here))
        elif key == fld:
            if isinstance(val, dict):
                for op, arg in val.items():
                    if op == "exists":
                        continue
                    if isinstance(arg, list):
                        out.extend(((*here, op, i), a) for i, a in enumerate(arg))
                    else:
                        out.append(((*here, op), arg))
            else:
                out.append((here, val))
    return out


def _listed(raw: dict[str, Any], key: str) -> list[tuple[Loc, Any]]:
    """A field written as a value or a list of values: (path, value) for each."""
    val = raw.get(key)
    if val is None:
        return []
    if isinstance(val, list):
        return [((key, i), v) for i, v in enumerate(val)]
    return [((key,), val)]


def _keys(raw: dict[str, Any], key: str) -> list[tuple[Loc, Any]]:
    val = raw.get(key)
    return [((key, k), k) for k in val] if isinstance(val, dict) else []


def _matcher_raw(m: Matcher) -> Any:
    """A compiled matcher written back as the mapping it was parsed from."""
    if m.op == "true":
        return {}
    if m.op in ("all", "any"):
        return {m.op: [_matcher_raw(c) for c in m.children]}
    if m.op == "not":
        return {"not": _matcher_raw(m.children[0])}
    value = list(m.value) if isinstance(m.value, tuple) else m.value
    return {m.field: {m.cmp or "eq": value}}


def _plain_data(v: Any) -> Any:
    if isinstance(v, Matcher):
        return _matcher_raw(v)
    if isinstance(v, dict):
        return {k: _plain_data(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain_data(x) for x in v]
    return v


def _raw_of(rule: Any) -> dict[str, Any]:
    """A rule model as the raw mapping `_references` reads (aliases, matchers as mappings)."""
    out: dict[str, Any] = _plain_data(rule.model_dump(by_alias=True, exclude={"origin"}))
    return out


def _references(section: str, raw: dict[str, Any]) -> dict[str, list[tuple[Loc, Any]]]:
    """The units, license types and categories a raw rule names, each with its path."""
    units: list[tuple[Loc, Any]] = []
    types: list[tuple[Loc, Any]] = []
    cats: list[tuple[Loc, Any]] = []
    for w in ("when", "when_license"):
        if w == "when_license":
            types.extend(_matcher_values(raw.get(w), "type", (w,)))
        else:
            cats.extend(_matcher_values(raw.get(w), "categories", (w,)))
    if section in ("awards", "caps", "stacks"):
        units.extend(_listed(raw, "unit"))
    if section in ("requirements", "advancement"):
        units.extend(_keys(raw, "requires"))
        units.extend(_listed(raw, "category_unit"))
    if section == "requirements":
        types.extend(_listed(raw, "license"))
        cats.extend(_keys(raw, "categories"))
        cats.extend(_listed(raw, "open_categories"))
    if section == "advancement":
        types.extend(_listed(raw, "from"))
        types.extend(_listed(raw, "tier"))
    if section == "awards":
        cats.extend(_listed(raw, "categories"))
    if section == "caps":
        cats.extend(_listed(raw, "category"))
    if section == "lanes":
        cats.extend(_keys(raw, "category_minimums"))
        for j, item in enumerate(raw.get("credit") or []):
            if isinstance(item, dict):
                cats.extend(((("credit", j, *p), v) for p, v in _listed(item, "categories")))
                cats.extend(_matcher_values(item.get("when"), "categories", ("credit", j, "when")))
    for k, alt in enumerate(raw.get("alternatives") or []):
        if isinstance(alt, dict):
            base: Loc = ("alternatives", k)
            units.extend(((*base, *p), v) for p, v in _keys(alt, "requires"))
    return {"unit": units, "license type": types, "category": cats}


def check_declared(
    col: _Collector,
    merged: dict[str, list[Any]],
    where: dict[int, tuple[Located, Loc]],
    units: dict[str, UnitDef],
    license_types: list[str],
    categories: dict[str, str],
) -> None:
    """Every unit, license type and category a rule names must be declared by the
    jurisdiction (or the state it extends): a misspelt `litercy` would otherwise make a
    minimum no credit can ever fill. Reported at the value's own file:line:col."""
    declared: dict[str, tuple[set[str], str, str]] = {
        "unit": (set(units), "unit", "units"),
        "license type": (set(license_types), "license_type", "license_types"),
        "category": (set(categories), "category", "categories"),
    }
    for section, rules in merged.items():
        for rule in rules:
            placed = where.get(id(rule))
            located: Located | None
            base: Loc
            raw: Any
            if placed is None:  # a rule with no file (a proposal's): its model, its id
                located, base, raw = None, (rule.id,), _raw_of(rule)
            else:
                located, base = placed
                raw = located.data
                for part in base:
                    raw = raw[part]
            if not isinstance(raw, dict):
                continue
            for what, refs in _references(section, raw).items():
                known, slug, key = declared[what]
                for sub, value in refs:
                    if not isinstance(value, str) or value in known:
                        continue
                    if what == "unit" and placed is None:
                        continue  # `_check_refs` reports a model's units
                    loc = (*base, *sub)
                    line, c = locate(located, loc)
                    if located is None and rule.origin is not None:
                        line, c = rule.origin.line, rule.origin.col
                    near = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
                    hint = f"; did you mean {near[0]!r}?" if near else ""
                    col.problems.append(
                        Problem(
                            type=f"rule.unknown_{slug}",
                            message=(
                                f"rule {rule.id!r} names {what} {value!r}, which its "
                                f"jurisdiction does not declare: list it under `{key}:` in "
                                f"jurisdiction.yaml (a district inherits its state's){hint}"
                            ),
                            path=located.path if located else None,
                            line=line,
                            col=c,
                            loc=loc,
                            expected=", ".join(sorted(known)) or "(none declared)",
                            got=value,
                        )
                    )


def _check_conflicts(col: _Collector, awards: list[AwardRule]) -> None:
    """Two award rules for the same unit that could both match one credential (or one
    evaluation) collide unless one `overrides` the other or both say `combines: true`."""
    for i, a in enumerate(awards):
        for b in awards[i + 1 :]:
            if a.unit != b.unit or (a.per == "evaluation") != (b.per == "evaluation"):
                continue
            if a.overrides == b.id or b.overrides == a.id or (a.combines and b.combines):
                continue
            if not _may_overlap(a, b):
                continue
            col.problems.append(
                Problem(
                    type="rule.conflict",
                    message=(
                        f"rules {a.id!r} ({a.origin}) and {b.id!r} ({b.origin}) both award "
                        f"{a.unit!r} for the same credentials with no precedence: add "
                        "`overrides: <id>` to one, narrow a `when`, or mark both `combines: true`"
                    ),
                    path=b.origin.path if b.origin else None,
                    line=b.origin.line if b.origin else None,
                    col=b.origin.col if b.origin else None,
                    loc=(b.id,),
                )
            )


def _may_overlap(a: AwardRule, b: AwardRule) -> bool:
    if a.effective and b.effective:
        lo = max(a.effective.start or _MIN, b.effective.start or _MIN)
        hi = min(a.effective.until or _MAX, b.effective.until or _MAX)
        if lo > hi:
            return False
    for fld in ("kind", "issuer", "code", "audited", "accepted"):
        va, vb = a.when.values_for(fld), b.when.values_for(fld)
        if va is not None and vb is not None and not (va & vb):
            return False
        if va is not None and va <= b.when.excluded_for(fld):
            return False
        if vb is not None and vb <= a.when.excluded_for(fld):
            return False
    return True


import datetime as _dt  # noqa: E402

_MIN = _dt.date.min
_MAX = _dt.date.max
