"""End to end (issue 12): a folder of real badge files (1EdTech fixtures as they are, and
Digital-Promise-shaped micro-credentials signed with a TEST key, as JSON, baked PNG and baked
SVG) is read, verified and evaluated; the credits show with `verification` on their ledger lines
and everything else is reported with its reason."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from badge_support import DP_VERIFIED, bake_png, bake_svg, dp_badge, dp_registry

import mccredit
from mccredit.io.badge_files import read_badge_paths
from mccredit.io.badges import intake_badges
from mccredit.io.educator import Educator
from mccredit.verify import TrustRegistry, load_registry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "credentials"
ONE = FIXTURES / "1edtech"
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def registry() -> TrustRegistry:
    fixtures = load_registry(FIXTURES / "trust-registry.yaml")
    return TrustRegistry([*fixtures.entries, *dp_registry().entries])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "badges"
    d.mkdir()
    for name in (
        "ob30/simple.json",  # verified; an achievement of no credited kind
        "ob30/simple-json.png",  # the same credential baked: a replay
        "ob30/simple-err-expired.json",
        "ob30/simple-noproof.json",
        "ob30/simple-err-proof-value.json",
        "ob20/basic-assertion.json",
    ):
        shutil.copy(ONE / name, d / name.replace("/", "-"))
    (d / "dp-1.json").write_text(
        json.dumps(dp_badge(1, "DP-LIT-201", "Close reading of complex text", "2025-01-10"))
    )
    image = (ONE / "ob20" / "assets" / "robotics-badge.png").read_bytes()
    png = bake_png(image, json.dumps(dp_badge(2, "DP-LIT-202", "Vocabulary", "2025-02-10")))
    (d / "dp-2.png").write_bytes(png)
    svg = bake_svg(json.dumps(dp_badge(3, "DP-EL-301", "Scaffolding", "2025-03-10")))
    (d / "dp-3.svg").write_bytes(svg)
    (d / "notes.json").write_text("{not json")
    return d


def test_a_folder_ingests_end_to_end(folder: Path, registry: TrustRegistry) -> None:
    rules = mccredit.default_rules()
    files, unreadable = read_badge_paths([folder])
    assert [p.path.rsplit("/", 1)[1] for p in unreadable] == ["notes.json"]
    assert unreadable[0].line == 1
    intake = intake_badges(
        files, registry=registry, as_of=AS_OF, known_issuers=rules.issuer_aliases()
    )
    by_file = {Path(i.file.source).name: i for i in intake}
    status = {
        name: [c["verification"]["status"] for c in i.credentials] or [p.type for p in i.problems]
        for name, i in by_file.items()
    }
    assert status == {
        "dp-1.json": ["verified"],
        "dp-2.png": ["verified"],
        "dp-3.svg": ["verified"],
        "ob20-basic-assertion.json": ["hosted_unverified"],
        # the same credential id as the verified one, other content: refused, naming its
        # own result
        "ob30-simple-err-expired.json": ["badge.conflict"],
        "ob30-simple-err-proof-value.json": ["badge.conflict"],
        "ob30-simple-json.png": ["verified"],
        "ob30-simple-noproof.json": ["badge.no_achievement"],
        # the baked PNG's credential again, byte for byte the same record: a replay
        "ob30-simple.json": [],
    }
    assert by_file["ob30-simple.json"].replays == ("http://example.com/credentials/3527",)
    conflict = by_file["ob30-simple-err-proof-value.json"].problems[0]
    assert "verification invalid_signature" in conflict.message
    assert "verification expired" in by_file["ob30-simple-err-expired.json"].problems[0].message
    educator = Educator.model_validate(
        {
            "id": "E-OB",
            "jurisdiction": "us-tn",
            "licenses": [{"type": "professional", "issued": "2024-09-01", "expires": "2029-08-31"}],
            "credentials": [c for i in intake for c in i.credentials],
        }
    )
    doc = mccredit.evaluate(educator, as_of=AS_OF)
    assert doc["totals"] == {"pdp": "18.00"}
    lines = {e["credential"]: e for e in doc["ledger"]}
    assert sorted(lines) == [f"urn:uuid:6a1f0000-0000-4000-8000-{n:012d}" for n in (1, 2, 3)]
    for line in lines.values():
        assert line["rule"] == "tn.pdp.micro_credential"
        assert line["amount"] == "6.00"
        assert line["verification"] == DP_VERIFIED
    warned = sorted((w["credential"], w["code"]) for w in doc["warnings"])
    assert warned == [
        # verified (1EdTech's test issuer, which the TEST registry maps to Digital Promise),
        # but its achievement is no kind TN credits
        ("http://example.com/credentials/3527", "no_rule"),
        ("https://example.org/beths-robotics-badge.json", "verification_not_credited"),
    ]
