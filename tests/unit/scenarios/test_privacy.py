"""The union view: groups under the minimum blanked, one complementary cell where needed."""

from __future__ import annotations

import copy
from typing import Any

from mccredit.scenarios.privacy import suppress_small_groups


def _doc(cells: list[tuple[int, str]], bands: list[int], lanes: list[tuple[int, int, int]]) -> Any:
    sc = [
        {
            "year": 2025,
            "lane": lane,
            "step": 1,
            "fte": str(n),
            "cost": f"{n * 60000}.00",
            "average": "60000.00",
        }
        for n, lane in cells
    ]
    return {
        "baseline": {"scattergram": sc},
        "proposals": [
            {
                "scattergram": copy.deepcopy(sc),
                "gains": {
                    "bands": [
                        {"year": 2025, "band": f"b{i}", "people": n, "total_gain": f"{n}.00"}
                        for i, n in enumerate(bands)
                    ],
                    "by_lane": [
                        {
                            "year": 2025,
                            "lane": f"L{i}",
                            "people": p,
                            "winners": w,
                            "losers": lo,
                            "total_gain": "10.00",
                            "mean_gain": "1.00",
                        }
                        for i, (p, w, lo) in enumerate(lanes)
                    ],
                },
                "largest_gains": [{"educator": "E-1", "gain": "1500.00"}],
            }
        ],
    }


def test_small_groups_are_blanked_with_a_complementary_cell() -> None:
    doc = _doc([(2, "BA"), (30, "MA"), (12, "DOC"), (0, "BA+15")], [0, 3, 40, 7], [(20, 2, 0)])
    before = copy.deepcopy(doc)
    v = suppress_small_groups(doc, 5)
    assert doc == before  # the stored document is untouched
    cells = {c["lane"]: c for c in v["baseline"]["scattergram"]}
    assert cells["BA"]["suppressed"] and cells["BA"]["fte"] is None and cells["BA"]["cost"] is None
    # one small cell alone could be recovered from the year's total: the next smallest goes too
    assert cells["DOC"]["suppressed"] and cells["DOC"]["cost"] is None
    assert not cells["MA"]["suppressed"] and cells["MA"]["fte"] == "30"
    assert not cells["BA+15"]["suppressed"]  # an empty cell singles no one out
    bands = {b["band"]: b for b in v["proposals"][0]["gains"]["bands"]}
    assert bands["b1"]["people"] is None and bands["b3"]["people"] is None  # 3, then 7
    assert bands["b2"]["people"] == 40 and bands["b0"]["people"] == 0
    [lane] = v["proposals"][0]["gains"]["by_lane"]
    # 20 people, 2 winners: the gain figures would be those two people's own
    assert lane["people"] == 20 and lane["winners"] is None and lane["losers"] == 0
    assert lane["total_gain"] is None and lane["mean_gain"] is None and lane["suppressed"]
    assert "largest_gains" not in v["proposals"][0]  # rows about one person: never shown
    assert v["suppression"]["minimum"] == 5


def test_two_small_groups_need_no_complement() -> None:
    v = suppress_small_groups(_doc([(2, "BA"), (3, "MA"), (30, "DOC")], [], []), 5)
    hidden = [c["lane"] for c in v["baseline"]["scattergram"] if c["suppressed"]]
    assert hidden == ["BA", "MA"]
