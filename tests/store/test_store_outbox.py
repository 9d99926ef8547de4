"""Issue 13 step 3 (part): the outbox writes each (kind, educator, subject, period) once,
however often the same event is re-derived, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Engine

import mccredit
from mccredit.events import derive, settings_for
from mccredit.events._outbox import outbox_keys, write_events

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_rederived_event_is_written_once(db: Engine) -> None:
    rs = mccredit.default_rules()
    settings = settings_for(rs.get("us-tn"))
    doc = mccredit.evaluate(EXAMPLES / "tn-renewal.json", as_of="2027-06-01", rules=rs)
    events = derive(doc, settings, now=dt.date(2027, 6, 1))
    assert [e.kind for e in events] == ["renewal_at_risk"]
    assert write_events(db, events) == 1
    # derived again without knowing the outbox (a crash before the cursor moved): not doubled
    assert write_events(db, derive(doc, settings, now=dt.date(2027, 6, 1))) == 0
    assert outbox_keys(db) == {e.key for e in events}
    # knowing the outbox, nothing new is derived at all
    later = derive(doc, settings, now=dt.date(2027, 7, 1), previous=outbox_keys(db))
    assert later == []


def test_the_same_event_of_the_same_id_in_two_jurisdictions_is_written_for_each(
    db: Engine,
) -> None:
    """Educator ids are namespaced by jurisdiction (issue 14): the same id elsewhere is another
    educator, whose events are its own (not taken as already written)."""
    rs = mccredit.default_rules()
    doc = mccredit.evaluate(EXAMPLES / "tn-renewal.json", as_of="2027-06-01", rules=rs)
    (event,) = derive(doc, settings_for(rs.get("us-tn")), now=dt.date(2027, 6, 1))
    other = dataclasses.replace(event, jurisdiction="us-tn/elsewhere")
    assert write_events(db, [event, other]) == 2
    assert write_events(db, [other]) == 0
    assert outbox_keys(db, jurisdiction="us-tn/elsewhere") == {other.key}
    assert outbox_keys(db, jurisdiction="us-va") == set()
