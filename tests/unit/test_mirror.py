"""tests/unit/ mirrors src/mccredit/: each folder here is the tests of the package of the same
name (tests/unit/salary tests mccredit.salary, ...), so a package's tests are found by its
name. Tests that cross the layers stay beside this folder: api (HTTP), cli, store (both
databases), golden, properties, browser."""

from __future__ import annotations

from pathlib import Path

UNIT = Path(__file__).resolve().parent
SRC = UNIT.parents[1] / "src" / "mccredit"


def test_every_unit_folder_is_a_package_of_src() -> None:
    folders = {p.name for p in UNIT.iterdir() if p.is_dir() and p.name != "__pycache__"}
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    assert folders - packages == set()
    for name in folders:
        assert (UNIT / name / "__init__.py").is_file(), name


def test_no_package_tests_outside_the_mirror() -> None:
    tests = UNIT.parent
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    crossing = {"api", "cli", "store"}
    assert {p.name for p in tests.iterdir() if p.is_dir()} & (packages - crossing) == set()
