"""Terminal output for people (issue 14): tables fit 80 columns when stdout is no terminal and
COLUMNS is unset, COLUMNS is respected, and `--wide` prints tables at their natural width."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import mccredit_stdout, synthetic_roster


def run(*args: str, columns: str | None = None) -> list[str]:
    return mccredit_stdout(*args, columns=columns).splitlines()


def widest(lines: list[str]) -> int:
    return max(len(line) for line in lines)


@pytest.mark.parametrize("args", [("validate",), ("demo", "--no-store")])
def test_tables_fit_80_columns_and_follow_columns(args: tuple[str, ...]) -> None:
    narrow = run(*args)
    assert widest(narrow) <= 80
    wide = run("--wide", *args)
    assert widest(wide) > 80  # the same table at its natural width
    assert len(wide) < len(narrow)  # fewer wrapped lines
    at_100 = run(*args, columns="100")
    assert 80 < widest(at_100) <= 100


REPO = Path(__file__).resolve().parents[2]


#: what a rich table's lines start with (box and title lines aside, prose is soft-wrapped: the
#: terminal folds it at words, a pipe keeps it whole)
_BOX = tuple("┏┃┡│└┗┣┠├")


def fits_80_whole(lines: list[str], *, prose: bool = False) -> None:
    """No table line (with `prose`, no line) wider than 80 columns, no cell cut short."""
    table = [line for line in lines if prose or line.startswith(_BOX)]
    assert table and widest(table) <= 80, max(table, key=len)
    assert not any("…" in line for line in lines), [line for line in lines if "…" in line]


def _roster(tmp_path: Path, jurisdiction: str, educators: int) -> Path:
    return synthetic_roster(
        tmp_path / "roster", educators=educators, seed=11, jurisdiction=jurisdiction
    )


def test_costing_table_fits_80_columns_with_every_figure_whole(tmp_path: Path) -> None:
    roster = _roster(tmp_path, "us-va/pwcs", 400)
    out = tmp_path / "cost"
    proposals = [("--proposal", f"pwcs-{p}.yaml") for p in ("ba12", "scale-3pct")]
    files = [(o, str(REPO / "proposals" / f)) for o, f in proposals]
    args = ["scenario", str(roster), *(x for pair in files for x in pair)]
    args += ["--assumptions", str(REPO / "proposals/pwcs-assumptions.yaml"), "--out", str(out)]
    lines = run(*args)
    fits_80_whole(lines, prose=True)
    doc = json.loads((out / "scenario.json").read_text("utf-8"))
    text = "\n".join(lines)
    cells = [c.strip() for line in lines for c in line.split("│")]
    keys = (
        "total_salary",
        "total_compensation",
        "cost_of_1pct",
        "cost_of_a_step",
        "cost_of_lane_movement",
        "cost_of_lane_movement_micro_credentials",
        "base_increases",
    )
    for scen in [doc["baseline"], *doc["proposals"]]:
        for y in scen["years"]:
            for k in keys:
                assert y[k] in cells, (k, y["year"], y[k])
        for v in scen.get("vs_baseline", []):
            assert v["salary_difference"] in cells and v["compensation_difference"] in cells
    for p in doc["proposals"]:
        assert p["contract_term"]["salary_difference"] in text
    assert "`mccredit --wide ...` prints it whole" in text
    wide = run("--wide", *args)
    assert widest(wide) > 80 and sum("┃ scenario ┃" in line for line in wide) == 1  # one table


def test_educator_commands_fit_80_columns(tmp_path: Path) -> None:
    pwcs = str(REPO / "examples/pwcs-ba15.json")
    for args in (
        ("evaluate", pwcs),
        ("salary", pwcs),
        ("payroll", "layouts"),
        ("schema", "matchers"),
        ("demo", "--no-store"),
    ):
        fits_80_whole(run(*args))
    salary = json.loads("\n".join(run("salary", pwcs, "--json")))
    cells = [c.strip() for line in run("salary", pwcs) for c in line.split("│")]
    assert salary["annual"] in cells and salary["new_annual"] in cells


def test_roster_commands_fit_80_columns(tmp_path: Path) -> None:
    roster = _roster(tmp_path, "us-nc", 60)
    for args in (
        ("workforce", str(roster), "--jurisdiction", "us-nc"),
        ("licensure", "worklist", str(roster), "--jurisdiction", "us-nc"),
    ):
        fits_80_whole(run(*args))


def test_keys_list_fits_80_columns(tmp_path: Path) -> None:
    url = ("--url", f"sqlite:///{tmp_path / 'k.db'}")
    name = "bargaining-team-key-" + "x" * 30
    run("keys", "create", "--role", "union", "--scope", "us-il/troy-30c", "--name", name, *url)
    lines = run("keys", "list", *url)
    fits_80_whole(lines)
    assert any(name[:12] in line for line in lines)  # the long name wraps, never cut
