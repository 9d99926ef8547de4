"""Where the rules are: the rules root (`default_root`), the sha256 `mccredit --version`
prints, and the YAML files of a folder (rule files, layouts, work lists)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["default_root", "layout_files", "ruleset_sha256", "worklist_files", "yaml_files"]


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


def yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def layout_files(root: Path) -> dict[str, Path]:
    """The payroll export layouts under a rules root (`rules/layouts/<id>.yaml`), by id. Their
    contents are checked by `mccredit.handoff`; the loader checks only that a named one exists."""
    return {p.stem: p for p in yaml_files(root / "rules" / "layouts")}


def worklist_files(root: Path) -> dict[str, Path]:
    """The licensure work list shapes under a rules root (`rules/worklists/<id>.yaml`), by id;
    checked by `mccredit.handoff`."""
    return {p.stem: p for p in yaml_files(root / "rules" / "worklists")}
