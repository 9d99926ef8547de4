"""The main job: validate the bundled rules and evaluate every bundled example educator
(each jurisdiction's worked-example inputs) in its jurisdiction, printing a table."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from . import _api
from ._yaml import load_file
from .views import annual_change

__all__ = ["example_educators", "run_demo"]


def example_educators() -> list[tuple[str, str, dict[str, Any]]]:
    """(jurisdiction, as_of, educator input) for every bundled case that expects a result."""
    rules = _api.default_rules()
    found: list[tuple[str, str, dict[str, Any]]] = []
    for jid in rules.ids:
        folder = rules.root / "jurisdictions" / jid / "cases"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            for case in load_file(path).data or []:
                if not isinstance(case, dict) or "expect" not in case:
                    continue
                inp = dict(case["input"])
                inp.setdefault("jurisdiction", jid)
                jur = case.get("jurisdiction") or jid
                found.append((jur, str(case.get("as_of") or dt.date.today()), inp))
    return found


def run_demo(
    console: Console, *, as_json: bool = False, store: bool = True, database_url: str | None = None
) -> list[dict[str, Any]]:
    """Evaluate the examples, print them, and (unless `store` is false) save the educators and
    their evaluations in the database (`MCCREDIT_DATABASE_URL`, default the embedded SQLite)."""
    if store:
        from .store import prepare_demo_database

        prepare_demo_database(database_url)
    rules = _api.default_rules()
    docs: list[dict[str, Any]] = []
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    table = Table(title=f"Bundled example educators ({len(rules.ids)} jurisdictions, rules valid)")
    for col in (
        "jurisdiction",
        "educator",
        "as of",
        "totals",
        "renewal",
        "advancement",
        "salary",
        "warnings",
    ):
        table.add_column(col)
    for jur, as_of, inp in example_educators():
        doc = _api.evaluate(inp, jurisdiction=jur, as_of=as_of, rules=rules)
        docs.append(doc)
        pairs.append((inp, doc))
        if as_json:
            console.print(json.dumps(doc, separators=(",", ":")), markup=False, soft_wrap=True)
            continue
        ren = (
            "; ".join(
                f"{r['license']}: {r['status']}"
                + (
                    ""
                    if r["complete"]
                    else f" ({', '.join(f'{v} {u}' for u, v in r['remaining'].items())} left)"
                )
                for r in doc["renewal"]
            )
            or "-"
        )
        adv = (
            "; ".join(
                f"{a['tier']}: {'eligible' if a['eligible'] else 'no'}" for a in doc["advancement"]
            )
            or "-"
        )
        s = doc.get("salary")
        sal = "-"
        if s:
            sal = (
                f"{s['lane']}→{s['new_lane']} {annual_change(s)} from {s['effective_date']}"
                if s.get("new_lane")
                else f"{s['lane']} step {s['step']}: {s['annual']}"
            )
        table.add_row(
            jur,
            doc["educator"],
            as_of,
            ", ".join(f"{v} {u}" for u, v in doc["totals"].items()) or "-",
            ren,
            adv,
            sal,
            str(len(doc["warnings"])),
        )
    if not as_json:
        console.print(table)
    if store:
        from .store import save_demo_results

        where = save_demo_results(pairs, database_url)
        if not as_json:
            console.print(
                f"Saved {len(pairs)} evaluations of the example educators in {where}\n"
                "Serve them over HTTP:  .venv/bin/mccredit serve   "
                "(then open http://127.0.0.1:8000/docs; create a key with "
                "`.venv/bin/mccredit keys create --role admin --scope '*'`)",
                markup=False,
            )
    return docs
