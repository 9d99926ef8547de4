"""Any JSON under `badges` is schema-valid input: evaluation either succeeds or raises a
located `InputError`, never anything else."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

import mccredit
from mccredit import InputError

from .strategies import PROPERTY

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.text(max_size=12)
    | st.sampled_from(["2025-03-14", "2025-02-30", "MicroCredential", "Course", "hour", "15"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
OB3: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://digitalpromise.org", "name": "Digital Promise"},
    "validFrom": "2025-03-14",
    "credentialSubject": {
        "achievement": {
            "id": "urn:x",
            "name": "Deeper learning",
            "humanCode": "DP-DL-101",
            "achievementType": "MicroCredential",
            "creditsAvailable": 15,
            "tag": ["general"],
        }
    },
}
OB2: dict[str, Any] = {
    "type": "Assertion",
    "issuedOn": "2025-03-14",
    "badge": {"name": "Deeper learning", "issuer": {"name": "Digital Promise"}},
}
CLR: dict[str, Any] = {
    "type": ["ClrCredential"],
    "credentialSubject": {"verifiableCredential": [OB3]},
}
PATHS = [
    ("type",),
    ("issuer",),
    ("issuer", "id"),
    ("issuer", "name"),
    ("validFrom",),
    ("credentialSubject",),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "achievement", "id"),
    ("credentialSubject", "achievement", "humanCode"),
    ("credentialSubject", "achievement", "achievementType"),
    ("credentialSubject", "achievement", "creditsAvailable"),
    ("credentialSubject", "achievement", "tag"),
    ("issuedOn",),
    ("badge",),
    ("badge", "issuer"),
    ("credentialSubject", "verifiableCredential"),
]


@st.composite
def badge(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from([OB3, OB2, CLR])))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(PATHS))
        node: Any = doc
        for key in path[:-1]:
            if not isinstance(node, dict):
                break
            node = node.setdefault(key, {})
        if isinstance(node, dict):
            node[path[-1]] = draw(JSON)
    return doc


@PROPERTY
@given(st.lists(badge(), min_size=1, max_size=3), st.sampled_from(["us-tn", "us-nc", "us-md"]))
@example([{**OB3, "issuer": []}], "us-tn")
def test_any_badge_json_evaluates_or_is_an_input_error(badges, jurisdiction) -> None:
    if jurisdiction not in mccredit.default_rules().ids:
        return
    ed = {"id": "E", "jurisdiction": jurisdiction, "badges": badges}
    try:
        doc = mccredit.evaluate(ed, as_of="2026-06-30")
    except InputError as e:
        assert e.problems
        assert all(p.loc for p in e.problems)
        return
    mccredit.to_json(doc)
