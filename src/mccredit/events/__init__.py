"""Event layer (issue 13, layer 8): derive notifications from an evaluation and the previous state.

Event rules are data (`events:` in jurisdiction.yaml, validated by `mccredit.rules`); this package
turns an evaluation document (the engine's JSON output) plus what was raised before into new
events. Time is injected (`now`), never read from the clock here.
"""

from mccredit.events._plain import KINDS, Event, derive, settings_for

__all__ = ["KINDS", "Event", "derive", "settings_for"]
