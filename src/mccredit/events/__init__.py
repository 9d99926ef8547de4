"""Event layer (issue 13): notifications derived from evaluations, written to an outbox once.

Event rules are data (`events:` in jurisdiction.yaml, validated by `mccredit.rules`; a
district inherits its state's kinds). `derive` turns an evaluation document plus what was
raised before into new events (time injected, never read here); `run_events` (`mccredit events
run`) derives for every educator whose inputs, rules or day changed, in resumable batches;
`deliver_due` POSTs them, signed, to webhooks.
"""

from mccredit.events._deliver import (
    DeliveryPolicy,
    DeliveryReport,
    Sender,
    deliver_due,
    http_sender,
    notification_body,
    sign,
    verify_signature,
)
from mccredit.events._durable import DurableEvents
from mccredit.events._durable import available as durable_available
from mccredit.events._outbox import outbox_keys, write_events
from mccredit.events._plain import KINDS, Event, derive, review_dates, settings_for
from mccredit.events._run import RunReport, run_events

__all__ = [
    "KINDS",
    "DeliveryPolicy",
    "DeliveryReport",
    "DurableEvents",
    "Event",
    "RunReport",
    "Sender",
    "deliver_due",
    "derive",
    "durable_available",
    "http_sender",
    "notification_body",
    "outbox_keys",
    "review_dates",
    "run_events",
    "settings_for",
    "sign",
    "verify_signature",
    "write_events",
]
