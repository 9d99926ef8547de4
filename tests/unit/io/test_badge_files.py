"""Badge file readers: JSON, VC-JWT, baked PNG and SVG; every failure a located problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from badge_support import bake_png, bake_svg

from mccredit.errors import InputError
from mccredit.io.badge_files import read_badge, read_badge_file
from mccredit.verify import MAX_BYTES

ONE = Path(__file__).resolve().parents[2] / "fixtures" / "credentials" / "1edtech"
IMAGE = (ONE / "ob20" / "assets" / "robotics-badge.png").read_bytes()
SIMPLE = (ONE / "ob30" / "simple.json").read_text()
JWT = (ONE / "ob30" / "simple.jwt").read_text().strip()


@pytest.mark.parametrize(
    ("name", "container", "kind"),
    [
        ("ob30/simple.json", "json", dict),
        ("ob30/simple.jwt", "jwt", str),
        ("ob30/simple-json.png", "png", dict),
        ("ob30/simple-jwt.png", "png", str),
        ("ob30/simple-json.svg", "svg", dict),
        ("ob30/simple-jwt.svg", "svg", str),
        ("ob20/simple-badge.png", "png", dict),
    ],
)
def test_real_fixtures_are_read(name: str, container: str, kind: type) -> None:
    got = read_badge_file(ONE / name)
    assert got.container == container
    assert isinstance(got.credential, kind)
    assert got.original == (ONE / name).read_bytes()  # kept byte for byte


def test_baked_png_and_svg_give_back_the_credential() -> None:
    for png in (bake_png(IMAGE, SIMPLE), bake_png(IMAGE, SIMPLE, compress=True)):
        assert read_badge(png).credential == json.loads(SIMPLE)
    assert read_badge(bake_png(IMAGE, JWT)).credential == JWT
    assert read_badge(bake_svg(SIMPLE)).credential == json.loads(SIMPLE)


def _problem(data: bytes) -> tuple[str, str]:
    with pytest.raises(InputError) as info:
        read_badge(data, source="f")
    (p,) = info.value.problems
    assert p.path == "f"
    return p.type, p.message


def test_unreadable_files_are_located_problems() -> None:
    assert _problem(IMAGE)[0] == "badge.not_baked"
    assert _problem(b"<svg xmlns='http://www.w3.org/2000/svg'/>")[0] == "badge.not_baked"
    assert _problem(b"[1, 2]")[0] == "badge.unreadable"
    assert _problem(b"\xff\xfe")[0] == "badge.unreadable"
    assert _problem(b"<html></html>")[0] == "badge.unreadable"
    assert _problem(IMAGE[:40])[0] == "badge.unreadable"  # a cut chunk
    kind, msg = _problem(bake_png(IMAGE, "https://example.org/assertions/1"))
    assert kind == "badge.hosted_reference" and "fetches nothing" in msg


def test_json_errors_carry_line_and_column() -> None:
    with pytest.raises(InputError) as info:
        read_badge(b'{\n  "a": 1,\n  oops\n}', source="f.json")
    (p,) = info.value.problems
    assert (p.line, p.col) == (3, 3)


def test_limits() -> None:
    assert _problem(b" " * (MAX_BYTES + 1))[0] == "badge.too_large"
    bomb = bake_png(IMAGE, "x" * (MAX_BYTES + 10), compress=True)
    assert len(bomb) < MAX_BYTES
    assert _problem(bomb)[0] == "badge.too_large"
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<svg xmlns='http://www.w3.org/2000/svg'>&b;</svg>"
    )
    kind, msg = _problem(laughs)
    assert kind == "badge.unreadable" and "entities" in msg


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_badge_file(tmp_path / "nope.json")
    assert info.value.problems[0].type == "badge.unreadable"
