"""Properties of features the bundled jurisdictions use little: caps of every scope (checked
against an independent computation), dated lookup, and optimal category allocation."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mccredit
from mccredit.ledger import allocate
from mccredit.rules import DatedDecimal

from .strategies import PROPERTY

D = Decimal
RULE = "  - id: {id}\n    title: {id}\n    source: {{ref: law}}\n"
TREE = (
    "awards:\n"
    + RULE.format(id="xx.hr.hours")
    + "    when: {kind: {in: [workshop, conference]}}\n    unit: hr\n    per: contact_hours\n"
    "    amount: 1\n"
    + RULE.format(id="xx.hr.micro")
    + "    when: {kind: micro_credential, accepted: true}\n    unit: hr\n    per: credential\n"
    "    amount: 6\n"
    "caps:\n"
    + RULE.format(id="xx.cap.workshop")
    + "    unit: hr\n    scope: credential\n    max: 5\n    when: {kind: workshop}\n"
    + RULE.format(id="xx.cap.micro")
    + "    unit: hr\n    scope: career\n    max: 15\n    when: {kind: micro_credential}\n"
    + RULE.format(id="xx.cap.conference")
    + "    unit: hr\n    scope: cycle\n    share: 0.25\n    when: {kind: conference}\n"
    "requirements:\n"
    + RULE.format(id="xx.renew.professional")
    + "    license: professional\n    requires: {hr: 60}\n"
)


@pytest.fixture(scope="module")
def cap_rules(tmp_path_factory: pytest.TempPathFactory, tree_writer) -> mccredit.RuleSet:
    root = tree_writer(tmp_path_factory.mktemp("caps"), {"rules/r.yaml": TREE})
    return mccredit.load_rules(root)


HOURS = st.decimals(min_value=0, max_value=20, places=2)
DAY = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def cap_educator(draw: st.DrawFn) -> dict[str, Any]:
    creds = []
    for i in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["workshop", "conference", "micro_credential"]))
        c: dict[str, Any] = {"id": f"c{i}", "kind": kind, "earned": draw(DAY).isoformat()}
        if kind == "micro_credential":
            c["issuer"] = draw(st.sampled_from(["acme", "acme", "bravo"]))
            c["code"] = draw(st.sampled_from(["A-LIT", "A-SUB", "A-S1", "B-1"]))
        else:
            c["contact_hours"] = str(draw(HOURS))
        creds.append(c)
    issued = draw(st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2022, 1, 1)))
    anniversary = dt.date(issued.year + 5, issued.month, min(issued.day, 28))
    expires = anniversary - dt.timedelta(days=1)
    return {
        "id": "E",
        "jurisdiction": "xx-yy",
        "licenses": [
            {"type": "professional", "issued": issued.isoformat(), "expires": expires.isoformat()}
        ],
        "credentials": creds,
    }


@PROPERTY
@given(cap_educator(), st.dates(min_value=dt.date(2022, 1, 2), max_value=dt.date(2027, 1, 1)))
def test_caps_of_every_scope_hold(cap_rules, ed: dict[str, Any], as_of: dt.date) -> None:
    doc = mccredit.evaluate(ed, as_of=as_of, rules=cap_rules)
    by_id = {c["id"]: c for c in ed["credentials"]}
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for e in doc["ledger"]:
        amounts[e["credential"]] += D(e["amount"])
    # nothing earned after as_of counts
    future = {cid for cid, c in by_id.items() if dt.date.fromisoformat(c["earned"]) > as_of}
    assert all(amounts[cid] == 0 for cid in future)
    by_id = {cid: c for cid, c in by_id.items() if cid not in future}
    # per credential: a workshop earns its hours, at most 5
    for cid, c in by_id.items():
        if c["kind"] == "workshop":
            assert amounts[cid] == min(D(5), D(c["contact_hours"]))
        elif c["kind"] == "conference":
            assert amounts[cid] == D(c["contact_hours"])
    # per career: micro-credentials of the accepted issuer at 6 each, at most 15, credited
    # earliest first; the same code earned again counts once. A code the catalog does not list
    # (B-1) counts too: the catalog's code list is not complete, so the issuer's acceptance
    # decides (issue 10); an unknown issuer (bravo) earns nothing.
    micro_all = sorted(
        (c for c in by_id.values() if c["kind"] == "micro_credential" and c["issuer"] == "acme"),
        key=lambda c: (c["earned"], c["id"]),
    )
    first: dict[str, dict[str, Any]] = {}
    for c in micro_all:
        first.setdefault(c["code"], c)
    micro = [c for c in micro_all if first[c["code"]] is c]
    for c in micro_all:
        if first[c["code"]] is not c:
            assert amounts[c["id"]] == 0
    left = D(15)
    for c in micro:
        assert amounts[c["id"]] == min(D(6), left)
        left -= amounts[c["id"]]
    assert sum((amounts[c["id"]] for c in micro), D(0)) == min(D(15), 6 * len(micro))
    # per cycle, as a share: conference hours count toward renewal up to 25% of 60
    lic = ed["licenses"][0]
    start, end = dt.date.fromisoformat(lic["issued"]), dt.date.fromisoformat(lic["expires"])
    inside = [e for e in doc["ledger"] if start <= dt.date.fromisoformat(e["date"]) <= end]
    conf = sum(
        (D(e["amount"]) for e in inside if by_id[e["credential"]]["kind"] == "conference"), D(0)
    )
    rest = sum(
        (D(e["amount"]) for e in inside if by_id[e["credential"]]["kind"] != "conference"), D(0)
    )
    (r,) = doc["renewal"]
    assert D(r["earned"]["hr"]) == rest + min(conf, D(15))
    assert D(r["remaining"]["hr"]) == max(D(0), 60 - D(r["earned"]["hr"]))
    assert r["complete"] is (D(r["remaining"]["hr"]) == 0)


# --- dated values ---------------------------------------------------------------------------

VALUES = st.one_of(st.none(), st.integers(0, 100).map(D))


@PROPERTY
@given(
    st.dictionaries(
        st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)), VALUES, min_size=1, max_size=6
    ),
    st.dates(dt.date(1999, 1, 1), dt.date(2031, 1, 1)),
)
def test_dated_lookup_picks_the_latest_start_on_or_before(series, day) -> None:
    s = DatedDecimal.parse({k.isoformat(): v for k, v in series.items()})
    starts = [k for k in series if k <= day]
    assert s.at(day) == (series[max(starts)] if starts else None)


# --- allocation -----------------------------------------------------------------------------

CATS = ["literacy", "subject", "general"]


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.lists(st.sampled_from(CATS), unique=True, max_size=3)),
        max_size=6,
    ),
    st.fixed_dictionaries({c: st.integers(0, 8) for c in CATS}),
    st.lists(st.sampled_from(CATS), unique=True, max_size=1),
)
def test_allocation_is_feasible_and_optimal(items, minimums, open_cats) -> None:
    entries = [(f"i{n}", D(a), cats) for n, (a, cats) in enumerate(items)]
    mins = {c: D(v) for c, v in minimums.items()}
    got = allocate(entries, mins, open_cats, D(1))
    per_item: dict[str, Decimal] = defaultdict(Decimal)
    per_cat: dict[str, Decimal] = defaultdict(Decimal)
    allowed = {key: {*cats, *open_cats} for key, _a, cats in entries}
    for key, cat, amount in got:
        assert amount > 0
        assert cat in allowed[key]
        per_item[key] += amount
        per_cat[cat] += amount
    for key, amount, _cats in entries:
        assert per_item[key] <= amount  # never an hour twice
    for cat, need in mins.items():
        assert per_cat[cat] <= need
    # optimal: equals the minimum cut (categories on the source side cost their minimum;
    # an item whose categories are not all there is cut at its amount)
    best = min(
        sum((mins[c] for c in side), D(0))
        + sum((a for key, a, _c in entries if not allowed[key] & set(CATS) <= set(side)), D(0))
        for r in range(len(CATS) + 1)
        for side in itertools.combinations(CATS, r)
    )
    assert sum(per_cat.values(), D(0)) == best


# --- cap order ------------------------------------------------------------------------------

CAPS = [
    RULE.format(id="xx.cap.ws5") + "    unit: hr\n    scope: credential\n    max: 5\n"
    "    when: {kind: workshop}\n",
    RULE.format(id="xx.cap.all30") + "    unit: hr\n    scope: career\n    max: 30\n",
    RULE.format(id="xx.cap.conf8") + "    unit: hr\n    scope: career\n    max: 8\n"
    "    when: {kind: conference}\n",
    RULE.format(id="xx.cap.cycle20") + "    unit: hr\n    scope: cycle\n    max: 20\n",
    RULE.format(id="xx.cap.cyclemc") + "    unit: hr\n    scope: cycle\n    max: 6\n"
    "    when: {kind: micro_credential}\n",
]
AWARDS_AND_REQ = TREE[: TREE.index("caps:\n")] + TREE[TREE.index("requirements:\n") :]


@pytest.fixture(scope="module")
def cap_orders(tmp_path_factory: pytest.TempPathFactory, tree_writer) -> list[mccredit.RuleSet]:
    out = []
    for n, order in enumerate([CAPS, CAPS[::-1], CAPS[2:] + CAPS[:2]]):
        text = AWARDS_AND_REQ + "caps:\n" + "".join(order)
        out.append(
            mccredit.load_rules(
                tree_writer(tmp_path_factory.mktemp(f"o{n}"), {"rules/r.yaml": text})
            )
        )
    return out


def _figures(doc: dict[str, Any]) -> Any:
    return (
        doc["totals"],
        sorted((e["credential"], e["amount"]) for e in doc["ledger"]),
        [(r["earned"], r["remaining"]) for r in doc["renewal"]],
    )


@PROPERTY
@given(cap_educator(), st.dates(min_value=dt.date(2022, 1, 2), max_value=dt.date(2027, 1, 1)))
def test_the_order_caps_are_written_in_does_not_matter(cap_orders, ed, as_of) -> None:
    first, *others = [_figures(mccredit.evaluate(ed, as_of=as_of, rules=r)) for r in cap_orders]
    for other in others:
        assert other == first
