"""The columnar category decision (`batch/_categories.decide`) against the engine's own
allocation (`ledger.allocate`): whenever it decides a license, its short categories and
"all met" are the allocator's; and it decides every license whose answer no solver choice
can change (all met, a unique least-cost flow, every category short or met in every
maximum flow)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from mccredit.batch._categories import decide
from mccredit.ledger import allocate

STEP = Decimal("0.01")
ALL = ["digital_learning", "general", "literacy", "subject"]


@st.composite
def licenses(draw: Any) -> tuple[dict[str, Decimal], list[str], list[tuple[Decimal, list[str]]]]:
    cats = draw(st.lists(st.sampled_from(ALL), min_size=1, max_size=4, unique=True))
    mins = {c: Decimal(draw(st.integers(0, 60))) / 10 for c in cats}
    opens = draw(st.lists(st.sampled_from(cats), max_size=2, unique=True))
    items = draw(
        st.lists(
            st.tuples(
                st.integers(1, 400).map(lambda n: Decimal(n) / 100),
                st.lists(st.sampled_from([*ALL, "other"]), max_size=3, unique=True),
            ),
            max_size=8,
        )
    )
    return mins, opens, items


def _groups(
    mins: dict[str, Decimal], opens: list[str], items: list[tuple[Decimal, list[str]]]
) -> tuple[pl.DataFrame, list[str], list[int]]:
    """`decide`'s input for one license, built the way `_categories._groups` builds it."""
    cats = sorted(mins)
    k = len(cats)
    open_mask = sum(1 << i for i, c in enumerate(cats) if c in opens)
    row: dict[str, Any] = {"educator_id": "e", "_lic": 0, "_amb": False}
    row.update({f"_m{m}": 0 for m in range(1, 1 << k)})
    row.update({f"_l{i}": 0 for i in range(k)})
    for amount, own_cats in items:
        cap = int(amount / STEP)
        own = sum(1 << i for i, c in enumerate(cats) if c in own_cats)
        targets = own | open_mask
        if cap == 0 or targets == 0:
            continue
        row[f"_m{targets}"] += cap
        cheap = own or targets
        if cheap & (cheap - 1):
            row["_amb"] = True
        else:
            row[f"_l{cheap.bit_length() - 1}"] += cap
    need = [int(mins[c] / STEP) for c in cats]
    return pl.DataFrame([row]), cats, need


@given(licenses())
def test_decided_licenses_match_the_allocator(
    lic: tuple[dict[str, Decimal], list[str], list[tuple[Decimal, list[str]]]],
) -> None:
    mins, opens, items = lic
    groups, cats, need = _groups(mins, opens, items)
    got = decide(groups, cats, need, list(mins)).row(0, named=True)
    keyed = [(f"{i}", a, c) for i, (a, c) in enumerate(items)]
    filled: dict[str, Decimal] = dict.fromkeys(mins, Decimal(0))
    for _key, cat, amt in allocate(keyed, mins, opens, STEP):
        filled[cat] += amt
    short = [c for c in mins if mins[c] - filled[c] > 0]
    if got["_decided"]:
        assert got["_cats_met"] == (not short)
        assert got["short_categories"] == (";".join(short) or None)
    if not short:  # all met: nothing for a solver to choose
        assert got["_decided"] and got["_cats_met"]


def test_worked_example_nc_k5() -> None:
    """NC K-5 from 2024-06-30: subject 3.0, literacy 3.0, general 2.0 (open). 2.0 subject,
    4.0 literacy and 1.0 with no category: subject stays short (1.0 literacy spills into
    general with the uncategorised 1.0); no solver choice changes that."""
    mins = {"subject": Decimal("3.0"), "literacy": Decimal("3.0"), "general": Decimal("2.0")}
    items = [
        (Decimal("2.0"), ["subject"]),
        (Decimal("4.0"), ["literacy"]),
        (Decimal("1.0"), []),
    ]
    groups, cats, need = _groups(mins, ["general"], items)
    got = decide(groups, cats, need, list(mins)).row(0, named=True)
    assert got == {
        "educator_id": "e",
        "_lic": 0,
        "_decided": True,
        "_cats_met": False,
        "short_categories": "subject",
    }


def test_a_solver_choice_is_left_to_the_engine() -> None:
    """One 1.0 credit in both subject and literacy, each needing 1.0: either could stay
    short, and which one is the solver's choice: not decided in columns."""
    mins = {"subject": Decimal("1.0"), "literacy": Decimal("1.0")}
    groups, cats, need = _groups(mins, [], [(Decimal("1.0"), ["subject", "literacy"])])
    got = decide(groups, cats, need, list(mins)).row(0, named=True)
    assert got["_decided"] is False
