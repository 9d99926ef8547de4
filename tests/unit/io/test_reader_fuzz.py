"""Fuzz the badge readers (issue 12): arbitrary bytes, arbitrary JSON and damaged real
fixtures never raise anything but the documented `InputError` (a located problem) from the
file readers, and never raise at all from normalization and verification (every problem is a
reported rejection)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from badge_support import bake_png, bake_svg, dp_badge, dp_registry
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mccredit.errors import InputError
from mccredit.io.badge_files import BadgeFile, read_badge
from mccredit.io.badges import intake_badges, normalize_badges, verify_badge
from mccredit.verify import VERIFICATION_STATUSES, verify_credential

ONE = Path(__file__).resolve().parents[2] / "fixtures" / "credentials" / "1edtech"
REGISTRY = dp_registry()
AS_OF = dt.date(2026, 6, 30)
SIGNED = dp_badge(1, "DP-LIT-201", "Close reading", "2025-01-10")
IMAGE = (ONE / "ob20" / "assets" / "robotics-badge.png").read_bytes()
SEEDS = [
    json.dumps(SIGNED).encode(),
    bake_png(IMAGE, json.dumps(SIGNED)),
    bake_png(IMAGE, json.dumps(SIGNED), compress=True),
    bake_svg(json.dumps(SIGNED)),
    (ONE / "ob30" / "simple.jwt").read_bytes(),
    (ONE / "clr20" / "simple.json").read_bytes(),
    (ONE / "ob20" / "simple-badge.png").read_bytes(),
]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "VerifiableCredential",
            "OpenBadgeCredential",
            "ClrCredential",
            "Assertion",
            "DataIntegrityProof",
            "eddsa-rdfc-2022",
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "2025-01-10T00:00:00Z",
            "BitstringStatusListEntry",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "@context",
                    "type",
                    "id",
                    "issuer",
                    "validFrom",
                    "validUntil",
                    "credentialSubject",
                    "achievement",
                    "proof",
                    "credentialStatus",
                    "verifiableCredential",
                    "identifier",
                    "recipient",
                    "badge",
                    "issuedOn",
                    "x",
                ]
            )
            | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _check_file(data: bytes) -> None:
    try:
        f = read_badge(data, source="fuzz")
    except InputError as e:
        assert e.problems and all(
            p.path == "fuzz" and p.type.startswith("badge.") for p in e.problems
        )
        return
    assert f.original == data
    _check_credential(f)


def _check_credential(f: BadgeFile) -> None:
    for _, _, record in verify_badge(f, registry=REGISTRY, as_of=AS_OF):
        assert record.status in VERIFICATION_STATUSES
    (intake,) = intake_badges([f], registry=REGISTRY, as_of=AS_OF)
    for c in intake.credentials:
        assert c["verification"]["status"] in VERIFICATION_STATUSES


@settings(max_examples=100)
@given(st.binary(max_size=2048))
@example(b"")
@example(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0diTXt")
@example(b"<svg><!ENTITY x 'y'></svg>")
def test_arbitrary_bytes(data: bytes) -> None:
    _check_file(data)


@settings(max_examples=100)
@given(st.sampled_from(SEEDS), st.data())
def test_damaged_real_badges(seed: bytes, data: st.DataObject) -> None:
    raw = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "cut":
            del raw[at : at + data.draw(st.integers(1, 64))]
            if not raw:
                raw = bytearray(b" ")
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
    _check_file(bytes(raw))


@settings(max_examples=100)
@given(JSON)
@example({"validFrom": -(2**40)})  # a NumericDate out of the calendar: malformed, not a crash
@example({**SIGNED, "validUntil": 10**20})
def test_arbitrary_json_documents(doc: Any) -> None:
    result = verify_credential(doc if isinstance(doc, dict) else json.dumps(doc), REGISTRY, AS_OF)
    assert result.verification in VERIFICATION_STATUSES
    creds, problems = normalize_badges([doc], registry=REGISTRY, as_of=AS_OF)
    assert all(p.type.startswith("badge.") for p in problems)
    for c in creds:
        assert c["verification"]["status"] in VERIFICATION_STATUSES
    _check_file(json.dumps(doc).encode())
