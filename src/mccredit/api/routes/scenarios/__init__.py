"""Scenarios: contract costing over a workforce, as aggregates only.

```
POST /v1/scenarios                     202: a costing run queued (status URL in `Location`)
GET  /v1/scenarios/{id}                its status, inputs by sha256, links
GET  /v1/scenarios/{id}/result         the costing document (`mccredit scenario`'s JSON)
GET  /v1/scenarios/{id}/report         the HTML report (`report.html`)
GET  /v1/scenarios/{id}/tables/{name}  one CSV table (years, scattergram, vs_baseline, …)
POST /v1/scenarios/cost                one proposal evaluated per educator, year by year
```

A run costs a roster (the stored educators of a jurisdiction, `roster`, or an uploaded
`educators` list) under the assumptions, baseline against each proposal
(`mccredit.scenarios.costing.cost_scenarios`), in the background (`_jobs`): the POST checks
everything it can at once (422 naming each field, 404 outside the key's scope) and answers
202. The result is stored with the sha256 of every input and of itself (`scenario_run`), so a
figure quoted at the table can be found and re-derived later; the same inputs give the same
`result_sha256`. A server starting over the database fails the runs a stopped one left
queued or running (`recover_runs`: `/problems/interrupted`, submit again).

Any role in scope may cost. The documents hold aggregates only; a `union` key always gets the
union view (`mccredit.scenarios.privacy.suppress_small_groups`: groups of fewer than
`MIN_GROUP` people suppressed), of its own runs and of any other run it may read, through
every route (result, report, tables), and its rosters must hold at least `MIN_GROUP`
educators.
"""

from fastapi import APIRouter

from . import _cost, _runs
from ._checks import MIN_GROUP
from ._work import jobs, mark_interrupted, recover_runs

__all__ = ["MIN_GROUP", "jobs", "mark_interrupted", "recover_runs", "router"]

router = APIRouter(tags=["scenarios"])
router.include_router(_runs.router)
router.include_router(_cost.router)
