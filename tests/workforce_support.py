"""A hand-made roster for the workforce view whose figures are known (the handoff and API
workforce tests both read it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def educator(i: int, school: str, cats: list[list[str]]) -> dict[str, Any]:
    return {
        "id": f"T-{i:02d}",
        "jurisdiction": "us-nc",
        "school": school,
        "grade_band": "k-5",
        "licenses": [{"type": "professional", "issued": "2022-07-01", "expires": "2027-06-30"}],
        "credentials": [
            {
                "id": f"c{k}",
                "kind": "workshop",
                "earned": f"{2023 + k % 2}-01-{10 + k:02d}",
                "contact_hours": 10,
                "categories": c,
            }
            for k, c in enumerate(cats)
        ],
    }


def write_roster(folder: Path) -> Path:
    """North: 6 educators with literacy (T-00 with three literacy credentials); South: 5 with
    general only."""
    folder.mkdir()
    # North: 6 educators with literacy (one with three literacy credentials); South: 5, none
    for i in range(6):
        cats = [["literacy"]] * (3 if i == 0 else 1)
        (folder / f"n{i}.json").write_text(json.dumps(educator(i, "North", cats)))
    for i in range(6, 11):
        (folder / f"s{i}.json").write_text(json.dumps(educator(i, "South", [["general"]])))
    return folder
