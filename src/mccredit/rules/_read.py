"""Reading: the catalogs, the trust registry and each jurisdiction's files (jurisdiction.yaml,
rule files, schedules), validated against the models and placed (each rule's `Origin`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._yaml import Located, locate
from ..errors import RuleError
from ..verify import TrustRegistry, load_registry
from ._collect import Collector
from ._locate import yaml_files
from ._models import CatalogFile, JurisdictionFile, Origin, RuleFile, ScheduleFile
from ._ruleset import SECTIONS

__all__ = ["Raw", "load_catalogs", "load_issuers", "load_jurisdiction"]


@dataclass
class Raw:
    jfile: JurisdictionFile
    origin: Origin
    folder: Path
    rules: dict[str, list[Any]]
    schedules: list[ScheduleFile]
    files: list[Path]
    located: Located
    # id(rule) -> (the rule file, the rule's path in it): to locate a field of a merged rule
    where: dict[int, tuple[Located, tuple[str | int, ...]]] = field(default_factory=dict)


def load_issuers(col: Collector, files: list[Path]) -> TrustRegistry:
    """The trust registry under `rules/issuers/` (issue 12), validated like rule files. Its
    files count in every jurisdiction's sha256: they decide which badges verify."""
    if not files:
        return TrustRegistry()
    try:
        return load_registry(*files)
    except RuleError as e:
        col.problems.extend(e.problems)
        return TrustRegistry()


def load_catalogs(col: Collector, folder: Path) -> tuple[dict[str, CatalogFile], dict[str, Path]]:
    catalogs: dict[str, CatalogFile] = {}
    files: dict[str, Path] = {}
    for path in yaml_files(folder):
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


def load_jurisdiction(col: Collector, jpath: Path, base: Path) -> Raw | None:
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
    for rpath in yaml_files(folder / "rules"):
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
    for spath in yaml_files(folder / "schedules"):
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
    return Raw(
        jfile=jfile,
        origin=Origin(path=located.path, line=1),
        folder=folder,
        rules=rules,
        schedules=schedules,
        files=files,
        located=located,
        where=where,
    )


def _check_named(
    col: Collector,
    located: Located,
    base: Path,
    folder: str,
    loc: tuple[str, str],
    name: str,
) -> None:
    known = {p.stem for p in yaml_files(base / "rules" / folder)}
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
