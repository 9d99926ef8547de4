"""Problems inside an Open Badges document in an educator file point at the badge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mccredit import InputError
from mccredit.io.educator import load_educator


def _badge(**over: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://digitalpromise.org", "name": "Digital Promise"},
        "validFrom": "2025-03-14",
        "credentialSubject": {
            "achievement": {
                "id": "urn:x",
                "name": "Deeper learning",
                "achievementType": "MicroCredential",
            }
        },
    }
    doc.update(over)
    return doc


def _load(tmp_path: Path, *badges: dict[str, object]):  # noqa: ANN202
    path = tmp_path / "ed.json"
    path.write_text(
        json.dumps({"id": "E", "jurisdiction": "us-tn", "badges": list(badges)}, indent=1)
    )
    return load_educator(path)


def test_a_badge_becomes_a_credential(tmp_path: Path) -> None:
    ed = _load(tmp_path, _badge())
    (c,) = ed.credentials
    assert (c.kind, str(c.earned)) == ("micro_credential", "2025-03-14")


def test_a_badge_that_is_not_a_badge(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        _load(tmp_path, {"type": "Recipe"})
    (p,) = info.value.problems
    assert p.field == "badges[0].type"
    assert p.line is not None and p.line > 1


def test_an_impossible_badge_date_points_at_the_badge(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        _load(tmp_path, _badge(validFrom="2025-02-30"))
    (p,) = info.value.problems
    assert p.field.startswith("badges[0]")
    assert p.line is not None and p.line > 1


def test_badge_problems_are_reported_with_the_others(tmp_path: Path) -> None:
    path = tmp_path / "ed.json"
    doc = {
        "id": "E",
        "jurisdiction": "us-tn",
        "nickname": "x",
        "credentials": [
            {"id": "w", "kind": "workshop", "earned": "2024-01-01", "contact_hours": -1}
        ],
        "badges": [{"type": "Recipe"}],
    }
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(InputError) as info:
        load_educator(path)
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["badges[0].type", "credentials[0].contact_hours", "nickname"]


def _ob3(**achievement: object) -> dict[str, object]:
    doc = _badge()
    ach = dict(doc["credentialSubject"]["achievement"])  # type: ignore[index]
    ach.update(achievement)
    doc["credentialSubject"] = {"achievement": ach}
    return doc


CRASHES = {
    "issuer is a list": _badge(issuer=[]),
    "issuer is a number": _badge(issuer=7),
    "tag is null": _ob3(tag=None),
    "tag is true": _ob3(tag=True),
    "CLR subject is a list": {"type": ["ClrCredential"], "credentialSubject": [{}]},
    "CLR credentials is true": {
        "type": ["ClrCredential"],
        "credentialSubject": {"verifiableCredential": True},
    },
}


@pytest.mark.parametrize("doc", list(CRASHES.values()), ids=list(CRASHES))
def test_malformed_badge_json_is_an_input_error(tmp_path: Path, doc: dict[str, object]) -> None:
    with pytest.raises(InputError) as info:
        _load(tmp_path, doc)
    assert all(p.field.startswith("badges[0]") for p in info.value.problems)
