"""The workforce skills view (issue 15): which skills a district's educators hold and lack.

From a roster evaluated on one date: per category (the credentials' categories, catalog ones
included) and per competency (a micro-credential's catalog code) how many educators hold it, by
school; the renewal categories (and each unit's cycle total) where most educators are short;
the schools with no educator credentialed in a category; the educators with the deepest stacks
in each category (candidate coaches; named only when `named` is true, i.e. for district keys,
never for `union` keys); and the trend by school year (credentials earned and educators
earning them). A credential counts unless the evaluation refused it (a warning names it and it
earned nothing: an issuer or code not accepted, a badge that failed verification).

Aggregates only: every count below `min_bucket` (default 5) is suppressed (`null`, and the
page shows "<5"), and so is any school that has fewer educators than that; the JSON says which
minimum was applied. The HTML page is one self-contained file (charts as inline SVG, no script,
nothing fetched; `reports._page`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from ..io.educator import Educator
from ..result import Evaluation
from ._page import esc, figure, new_figure, page, table

__all__ = ["Grouping", "workforce_csv", "workforce_html", "workforce_view"]

Grouping = Literal["school", "category", "competency"]
NO_SCHOOL = "(no school)"
COACHES = 3  # candidate coaches listed per category


def _school_year(day: dt.date, start_month: int = 7) -> int:
    """The school year a date falls in, named by the calendar year it starts (July start)."""
    return day.year if day.month >= start_month else day.year - 1


def workforce_view(
    results: Iterable[tuple[Educator, Evaluation | Mapping[str, Any]]],
    *,
    jurisdiction: str,
    as_of: dt.date,
    catalog: dict[tuple[str, str], Any],
    by: Grouping = "school",
    min_bucket: int = 5,
    named: bool = False,
) -> dict[str, Any]:
    """The view from (educator, evaluation) pairs (the `Evaluation`, or its JSON document).
    Keys: `jurisdiction`, `as_of`, `by`, `min_bucket`, `educators`, `schools` (school →
    educators), `holders` (rows of `group`, `key`, `school`, `educators`), `short` (renewal
    categories: `category`, `short`, `required_of`, `share`), `gaps` (`school`, `category`),
    `coaches` (`category`, `educator_id`, `name`, `school`, `depth`; empty unless `named`),
    `trend` (`school_year`, `category`, `credentials`, `educators`)."""
    staff: dict[str, str] = {}  # educator -> school
    names: dict[str, str] = {}
    held: dict[tuple[str, str], set[str]] = defaultdict(set)  # (group, key) -> educators
    depth: dict[tuple[str, str], int] = Counter()  # (category, educator) -> credentials
    trend: dict[tuple[int, str], list[str]] = defaultdict(list)
    short: Counter[str] = Counter()
    required_of: Counter[str] = Counter()
    titles: dict[str, str] = {}
    for ed, doc in results:
        result = Evaluation.read(doc)
        school = ed.school or NO_SCHOOL
        staff[ed.id] = school
        names[ed.id] = ed.name or ""
        credited = {e.credential for e in result.ledger}
        warned = {w.credential for w in result.warnings if w.credential}
        for c in ed.credentials:
            if c.id in warned and c.id not in credited:
                continue  # not accepted (issuer, code, verification): not a skill on record
            known = catalog.get((c.issuer or "", c.code or ""))
            cats = sorted(set(c.categories) | set(known.categories if known else []))
            for cat in cats:
                held[("category", cat)].add(ed.id)
                depth[(cat, ed.id)] += 1
                trend[(_school_year(c.earned), cat)].append(ed.id)
            if c.code and c.kind == "micro_credential":
                held[("competency", c.code)].add(ed.id)
                if known is not None:
                    titles[c.code] = known.title
        for r in result.renewal:
            for cat in r.categories:
                required_of[cat] += 1
            for cat in r.short_categories:
                short[cat] += 1
            for unit, amount in r.remaining.items():  # the cycle's total
                required_of[f"{unit} (total)"] += 1
                short[f"{unit} (total)"] += amount > 0

    def cap(n: int) -> int | None:
        return n if n >= min_bucket else None

    per_school = Counter(staff.values())
    schools = sorted(per_school)
    out_holders: list[dict[str, Any]] = []
    for (group, key), who in sorted(held.items()):
        out_holders.append(
            {"group": group, "key": key, "school": "all", "educators": cap(len(who))}
        )
        by_school = Counter(staff[e] for e in who)
        for s in schools:
            if per_school[s] >= min_bucket:
                out_holders.append(
                    {"group": group, "key": key, "school": s, "educators": cap(by_school[s])}
                )
    order = {"school": ("school", "group", "key"), "category": ("group", "key", "school")}
    fields = order.get(by, ("group", "key", "school"))
    out_holders.sort(key=lambda r: tuple(str(r[f]) for f in fields))
    if by == "competency":
        out_holders = [r for r in out_holders if r["group"] == "competency"]
    elif by == "category":
        out_holders = [r for r in out_holders if r["group"] == "category"]
    categories = sorted(k for g, k in held if g == "category")
    gaps = [
        {"school": s, "category": cat}
        for s in schools
        if s != NO_SCHOOL and per_school[s] >= min_bucket
        for cat in categories
        if not any(staff[e] == s for e in held[("category", cat)])
    ]
    shorts: list[dict[str, Any]] = sorted(
        (
            {
                "category": cat,
                "short": cap(short[cat]),
                "required_of": cap(required_of[cat]),
                "share": None
                if cap(short[cat]) is None or not required_of[cat]
                else round(short[cat] / required_of[cat], 3),
            }
            for cat in sorted(set(required_of) | set(short))
        ),
        key=lambda r: (-float(r["share"] or 0), str(r["category"])),
    )
    coaches: list[dict[str, Any]] = []
    if named:
        for cat in categories:
            ranked = sorted(
                ((n, e) for (c, e), n in depth.items() if c == cat and n >= 2),
                key=lambda t: (-t[0], t[1]),
            )[:COACHES]
            coaches.extend(
                {
                    "category": cat,
                    "educator_id": e,
                    "name": names[e],
                    "school": staff[e],
                    "depth": n,
                }
                for n, e in ranked
            )
    out_trend = [
        {
            "school_year": f"{y}-{str(y + 1)[2:]}",
            "category": cat,
            "credentials": cap(len(who)),
            "educators": cap(len(set(who))),
        }
        for (y, cat), who in sorted(trend.items())
    ]
    return {
        "jurisdiction": jurisdiction,
        "as_of": as_of.isoformat(),
        "by": by,
        "min_bucket": min_bucket,
        "named": named,
        "educators": len(staff),
        "schools": {s: cap(per_school[s]) for s in schools},
        "competency_titles": dict(sorted(titles.items())),
        "holders": out_holders,
        "short": shorts,
        "gaps": gaps,
        "coaches": coaches,
        "trend": out_trend,
    }


def workforce_csv(view: dict[str, Any], section: str = "holders") -> str:
    """One section of the view as CSV (suppressed counts are empty cells)."""
    rows: Sequence[dict[str, Any]] = view[section]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = (
        list(rows[0])
        if rows
        else {"holders": ["group", "key", "school", "educators"]}.get(section, [])
    )
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])
    return buf.getvalue()


# ── HTML ───────────────────────────────────────────────────────────────────────────────────


def _n(v: int | None, k: int) -> str:
    return f"<{k}" if v is None else str(v)


def _holders_chart(view: dict[str, Any]) -> str:
    rows = [r for r in view["holders"] if r["group"] == "category" and r["school"] == "all"]
    rows = [r for r in rows if r["educators"] is not None]
    if not rows:
        return "<p class=note>No category is held by enough educators to show.</p>"
    fig = new_figure(0.9 + 0.28 * len(rows))
    ax = fig.add_subplot()
    labels = [r["key"] for r in rows][::-1]
    ax.barh(labels, [r["educators"] for r in rows][::-1], color="#3b6ea8")
    ax.set_xlabel("Educators holding a credited credential in the category")
    ax.set_ylabel("Category")
    ax.set_title("Educators by category")
    return figure(
        fig,
        fig_id="chart-holders",
        title="Educators by category",
        caption=f"Counts under {view['min_bucket']} are not shown.",
    )


def _short_chart(view: dict[str, Any]) -> str:
    rows = [r for r in view["short"] if r["share"] is not None]
    if not rows:
        return "<p class=note>No renewal category has enough educators short to show.</p>"
    fig = new_figure(0.9 + 0.3 * len(rows))
    ax = fig.add_subplot()
    ax.barh(
        [r["category"] for r in rows][::-1], [100 * r["share"] for r in rows][::-1], color="#b5533c"
    )
    ax.set_xlabel("Share of educators still short in their renewal cycle (%)")
    ax.set_ylabel("Renewal category")
    ax.set_title("Where renewals fall short")
    return figure(fig, fig_id="chart-short", title="Where renewals fall short")


def _trend_chart(view: dict[str, Any]) -> str:
    years = sorted({r["school_year"] for r in view["trend"]})
    totals: Counter[str] = Counter()
    for r in view["trend"]:
        totals[r["school_year"]] += r["credentials"] or 0
    if not years:
        return "<p class=note>No credentials earned yet.</p>"
    fig = new_figure(2.8)
    ax = fig.add_subplot()
    ax.plot(years, [totals[y] for y in years], marker="o", color="#3b6ea8")
    ax.set_xlabel("School year")
    ax.set_ylabel("Credentials earned (shown counts)")
    ax.set_title("Credentials earned by school year")
    return figure(fig, fig_id="chart-trend", title="Credentials earned by school year")


def workforce_html(view: dict[str, Any]) -> str:
    """The view as one self-contained HTML page."""
    k = view["min_bucket"]
    schools = [s for s, n in view["schools"].items() if n is not None]
    cats = sorted({r["key"] for r in view["holders"] if r["group"] == "category"})
    grid = {
        (r["key"], r["school"]): r["educators"] for r in view["holders"] if r["group"] == "category"
    }
    by_school = table(
        ["Category", "School", "Educators"],
        (
            [c, "All schools" if s == "all" else s, _n(grid.get((c, s)), k)]
            for c in cats
            for s in ["all", *schools]
            if (c, s) in grid
        ),
        text_cols=2,
        caption="Educators holding each category, by school",
    )
    comp = [r for r in view["holders"] if r["group"] == "competency" and r["school"] == "all"]
    titles = view.get("competency_titles", {})
    comp_table = table(
        ["Competency", "Title", "Educators"],
        ([r["key"], titles.get(r["key"], ""), _n(r["educators"], k)] for r in comp),
        text_cols=2,
    )
    gaps = (
        table(
            ["School", "Category with no credentialed educator"],
            ([g["school"], g["category"]] for g in view["gaps"]),
            text_cols=2,
        )
        if view["gaps"]
        else "<p>Every school has at least one educator in every category.</p>"
    )
    short = table(
        ["Renewal category", "Educators short", "Of educators needing it", "Share"],
        (
            [
                r["category"],
                _n(r["short"], k),
                _n(r["required_of"], k),
                "–" if r["share"] is None else f"{100 * r['share']:.0f}%",
            ]
            for r in view["short"]
        ),
    )
    coaches = (
        table(
            ["Category", "Educator", "Name", "School", "Credentials"],
            (
                [c["category"], c["educator_id"], c["name"], c["school"], str(c["depth"])]
                for c in view["coaches"]
            ),
            text_cols=4,
        )
        if view["named"]
        else "<p class=note>Named educators are shown to district keys only.</p>"
    )
    body = (
        f"<h1>Workforce skills: {esc(view['jurisdiction'])}</h1>"
        f"<p class=muted>{view['educators']} educators, evaluated on {esc(view['as_of'])}; "
        f"counts under {k} are suppressed (shown as &lt;{k}).</p>"
        f"<section><h2>Who holds what</h2>{_holders_chart(view)}{by_school}</section>"
        f"<section><h2>Competencies (micro-credentials)</h2>{comp_table}</section>"
        f"<section><h2>Where renewals fall short</h2>{_short_chart(view)}{short}</section>"
        f"<section><h2>Gaps by school</h2>{gaps}</section>"
        f"<section><h2>Candidate coaches</h2>{coaches}</section>"
        f"<section><h2>Trend</h2>{_trend_chart(view)}</section>"
    )
    return page(f"Workforce skills: {view['jurisdiction']}", body)
