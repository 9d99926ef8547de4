"""`price_placements`: a roster's placements priced in one join equal the schedule's own cells
(`ScheduleFile.amount`), say why a row is not priced, and keep the rows' order."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import mccredit
from mccredit.salary import compile_salary, price_placements, schedule_cells

DAY = dt.date(2025, 9, 1)


@pytest.mark.parametrize("jid", ["us-va/pwcs", "us-il/troy-30c", "us-wi/muskego-norway"])
def test_every_cell_priced_as_the_schedule_says(jid: str) -> None:
    plan = compile_salary(mccredit.default_rules().get(jid), DAY)
    assert plan is not None
    sched = plan.schedule_on(DAY, "teachers")
    assert sched is not None
    cells = schedule_cells(sched)
    frame = cells.select("lane", "step").with_columns(pl.lit(None, pl.String).alias("schedule"))
    got = price_placements(plan, frame.reverse(), DAY)
    assert got.get_column("unpriced_reason").null_count() == got.height
    assert set(got.get_column("schedule_title")) == {sched.title}
    for lane, step, cents in got.select("lane", "step", "annual_cents").iter_rows():
        amount = sched.amount(lane, step)
        assert amount is not None and cents == int(amount * 100)
    assert got.select("lane", "step").equals(frame.reverse().select("lane", "step"))


def test_unpriced_rows_say_why() -> None:
    plan = compile_salary(mccredit.default_rules().get("us-va/pwcs"), DAY)
    assert plan is not None
    frame = pl.DataFrame(
        {
            "schedule": [None, None, "nurses", None],
            "lane": ["MA", "ZZ", "MA", "BA"],
            "step": [3, 3, 3, 99],
        }
    )
    got = price_placements(plan, frame, DAY).to_dicts()
    assert got[0]["unpriced_reason"] is None and got[0]["annual_cents"] > 0
    assert got[1]["unpriced_reason"] == "lane 'ZZ' is not in schedule 'teachers'"
    assert got[2]["unpriced_reason"] == "no 'nurses' schedule is in force on 2025-09-01"
    assert got[2]["schedule_title"] is None
    assert got[3]["unpriced_reason"] == "step 99 is not in schedule 'teachers'"
    assert [r["annual_cents"] for r in got[1:]] == [None, None, None]
