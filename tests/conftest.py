"""Shared fixtures: the bundled rules and a builder for small rule trees in tmp_path."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import mccredit

REPO = Path(__file__).resolve().parents[1]

# The suite's one Hypothesis profile. No deadline: on a loaded machine a fast example can take
# seconds, and a timing failure says nothing about the rules (speed lives in benchmarks/).
# Tests set max_examples (and derandomize where a seed matters) themselves, never a deadline.
# HYPOTHESIS_PROFILE=ci derandomizes everything (CI=true picks it); =stress runs many more examples.
for _name, _n, _derandomize in (
    ("mccredit", 100, False),
    ("ci", 100, True),
    ("stress", 3000, False),
):
    settings.register_profile(
        _name,
        max_examples=_n,
        derandomize=_derandomize,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or {"mccredit-stress": "stress"}.get(os.environ.get("MCCREDIT_HYPOTHESIS", ""), "")
    or ("ci" if os.environ.get("CI") else "mccredit")
)

MINI_CATALOG = """\
id: mini
title: A tiny catalog for tests
source: {document: "mccredit test fixture", tag: I}
issuers:
  acme: {name: Acme Badges}
  bravo: {name: Bravo Learning}
entries:
  - {issuer: acme, code: A-LIT, title: Literacy badge, categories: [literacy], contact_hours: 10}
  - {issuer: acme, code: A-SUB, title: Subject badge, categories: [subject], contact_hours: 10}
  - {issuer: acme, code: A-S1, title: Stack part 1, contact_hours: 5}
  - {issuer: acme, code: A-S2, title: Stack part 2, contact_hours: 5}
  - {issuer: acme, code: A-S3, title: Stack part 3, contact_hours: 5}
  - {issuer: bravo, code: B-1, title: Bravo one, contact_hours: 8}
stacks:
  - {id: acme.trio, issuer: acme, title: Acme trio, members: [A-S1, A-S2, A-S3]}
"""

JURISDICTION = """\
id: {jid}
name: Test jurisdiction
uses: [mini]
accept:
  issuers: [acme]
license_types: [professional, practitioner, master]
categories:
  subject: "Subject area"
  literacy: "Literacy"
  general: "General (open)"
units:
  hr: {{title: Clock hour, round: "{round}", rounding: {rounding}}}
sources:
  law: {{title: Test law, address: "https://example.org/law"}}
"""

TreeBuilder = Callable[..., Path]


@pytest.fixture(scope="session")
def rules() -> mccredit.RuleSet:
    """The bundled rules (loaded once)."""
    return mccredit.default_rules()


def write_tree(
    root: Path,
    files: dict[str, str],
    *,
    jid: str = "xx-yy",
    round: str = "0.01",
    rounding: str = "half_up",
    jurisdiction: str | None = None,
) -> Path:
    """Write a minimal rules root: the mini catalog, `jurisdictions/<jid>/jurisdiction.yaml`
    and `files` (paths relative to the jurisdiction folder, e.g. `rules/awards.yaml`)."""
    (root / "rules" / "catalogs").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "catalogs" / "mini.yaml").write_text(MINI_CATALOG)
    folder = root / "jurisdictions" / jid
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        jurisdiction
        if jurisdiction is not None
        else JURISDICTION.format(jid=jid, round=round, rounding=rounding)
    )
    (folder / "jurisdiction.yaml").write_text(textwrap.dedent(text))
    for rel, body in files.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(body))
    return root


@pytest.fixture
def make_tree(tmp_path: Path) -> TreeBuilder:
    """`make_tree({"rules/awards.yaml": "..."}, round="0.5")` → a loaded-ready rules root."""

    def build(files: dict[str, str], **kw: str) -> Path:
        return write_tree(tmp_path / "tree", files, **kw)

    return build


@pytest.fixture(scope="session")
def tree_writer() -> Callable[..., Path]:
    """`write_tree` itself, for module-scoped fixtures and hypothesis tests (which must not
    take function-scoped fixtures)."""
    return write_tree
