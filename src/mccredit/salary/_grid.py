"""Placement priced for a whole roster at once: the schedule in force on a day as a table of
cells, joined to a frame of placements (polars). The same cells `ScheduleFile.amount` reads
one at a time (`_placement`), so a placement priced here equals the engine's.

`price_placements` is what the batch path (`mccredit batch`) and a projection call to price
every placement of a roster-year in one join.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ..rules._models import ScheduleFile
from ._placement import SalaryPlan

__all__ = ["DEFAULT_SCHEDULE", "price_placements", "schedule_cells"]

DEFAULT_SCHEDULE = "teachers"


def schedule_cells(sched: ScheduleFile) -> pl.DataFrame:
    """Every cell of `sched`: `lane` (String), `lane_index` (its position, lowest pay first),
    `step` (Int64) and `annual_cents` (Int64, the amount to the cent as `amount` gives it)."""
    lanes: list[str] = []
    index: list[int] = []
    steps: list[int] = []
    cents: list[int] = []
    for step in sched.steps:
        for i, lane in enumerate(sched.lanes):
            amount = sched.amount(lane, step)
            assert amount is not None
            lanes.append(lane)
            index.append(i)
            steps.append(step)
            cents.append(int(amount.scaleb(2)))
    return pl.DataFrame(
        {"lane": lanes, "lane_index": index, "step": steps, "annual_cents": cents},
        schema={
            "lane": pl.String,
            "lane_index": pl.Int64,
            "step": pl.Int64,
            "annual_cents": pl.Int64,
        },
    )


def price_placements(
    plan: SalaryPlan,
    placements: pl.DataFrame,
    day: dt.date,
    *,
    schedule: str = "schedule",
    lane: str = "lane",
    step: str = "step",
) -> pl.DataFrame:
    """`placements` with each row priced on the schedule in force on `day` under `plan`'s
    rules (`SalaryPlan.schedule_on`: a proposal's own scale wins a tie).

    Reads the columns `schedule` (String; null = `teachers`), `lane` (String) and `step`
    (integer) and adds, row order kept:
    - `annual_cents` (Int64): the cell's annual amount in cents, null where not priced;
    - `schedule_title` (String): the title of the schedule in force (null where none is);
    - `unpriced_reason` (String): null where priced, else why not (no schedule in force that
      day, or a lane or step the schedule lacks: nothing is guessed)."""
    names = (
        placements.get_column(schedule).fill_null(DEFAULT_SCHEDULE).unique().sort().to_list()
        if placements.height
        else []
    )
    cells: list[pl.DataFrame] = []
    for name in names:
        sched = plan.schedule_on(day, name)
        if sched is None:
            continue
        cells.append(
            schedule_cells(sched)
            .drop("lane_index")
            .with_columns(
                pl.lit(name).alias("_pp_schedule"), pl.lit(sched.title).alias("_pp_title")
            )
        )
    grid = (
        pl.concat(cells)
        if cells
        else pl.DataFrame(
            schema={
                "lane": pl.String,
                "step": pl.Int64,
                "annual_cents": pl.Int64,
                "_pp_schedule": pl.String,
                "_pp_title": pl.String,
            }
        )
    )
    titles = grid.select("_pp_schedule", "_pp_title").unique()
    key = pl.col(schedule).fill_null(DEFAULT_SCHEDULE)
    lanes = (
        grid.select("_pp_schedule", "lane").unique().with_columns(pl.lit(True).alias("_pp_lane_ok"))
    )
    out = (
        placements.with_columns(
            key.alias("_pp_schedule"),
            pl.col(lane).cast(pl.String).alias("_pp_lane"),
            pl.col(step).cast(pl.Int64).alias("_pp_step"),
        )
        .join(titles, on="_pp_schedule", how="left", maintain_order="left")
        .join(
            lanes.rename({"lane": "_pp_lane"}),
            on=["_pp_schedule", "_pp_lane"],
            how="left",
            maintain_order="left",
        )
        .join(
            grid.drop("_pp_title").rename({"lane": "_pp_lane", "step": "_pp_step"}),
            on=["_pp_schedule", "_pp_lane", "_pp_step"],
            how="left",
            maintain_order="left",
        )
    )
    reason = (
        pl.when(pl.col("_pp_title").is_null())
        .then(
            pl.format(
                "no '{}' schedule is in force on {}", pl.col("_pp_schedule"), pl.lit(str(day))
            )
        )
        .when(pl.col("_pp_lane_ok").is_null())
        .then(
            pl.format(
                "lane '{}' is not in schedule '{}'", pl.col("_pp_lane"), pl.col("_pp_schedule")
            )
        )
        .when(pl.col("annual_cents").is_null())
        .then(
            pl.format("step {} is not in schedule '{}'", pl.col("_pp_step"), pl.col("_pp_schedule"))
        )
    )
    return out.with_columns(
        pl.col("_pp_title").alias("schedule_title"), reason.otherwise(None).alias("unpriced_reason")
    ).drop("_pp_schedule", "_pp_lane", "_pp_step", "_pp_title", "_pp_lane_ok")
