"""The main job: validate the bundled rules and evaluate every bundled example educator
(each jurisdiction's worked-example inputs) in its jurisdiction, printing a table."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from . import _api
from ._yaml import load_file
from .result import Evaluation, Renewal
from .views import annual_change, print_table

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

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


def _renewals(doc: Evaluation) -> str:
    def left(r: Renewal) -> str:
        return "" if r.complete else f" ({_units(r.remaining)} left)"

    return "; ".join(f"{r.license}: {r.status}{left(r)}" for r in doc.renewal) or "-"


def _units(amounts: dict[str, Decimal]) -> str:
    return ", ".join(f"{v} {u}" for u, v in amounts.items())


def _salary(doc: Evaluation) -> str:
    s = doc.salary
    if s is None:
        return "-"
    if s.new_lane:
        return f"{s.lane}→{s.new_lane} {annual_change(s)} from {s.effective_date}"
    return f"{s.lane} step {s.step}: {s.annual}"


def run_demo(
    console: Console, *, as_json: bool = False, store: bool = True, database_url: str | None = None
) -> list[Evaluation]:
    """Evaluate the examples, print them, and (unless `store` is false) save the educators and
    their evaluations in the database (`MCCREDIT_DATABASE_URL`, default the embedded SQLite),
    which is reached and migrated once, before any work is done."""
    database = None
    if store:
        from .store import prepare_demo_database

        database = prepare_demo_database(database_url)
    try:
        return _run(console, as_json=as_json, database=database)
    finally:
        if database is not None:
            database.dispose()


def _run(console: Console, *, as_json: bool, database: Engine | None) -> list[Evaluation]:
    rules = _api.default_rules()
    docs: list[Evaluation] = []
    pairs: list[tuple[dict[str, Any], Evaluation]] = []
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
        doc = _api.evaluation_of(inp, jurisdiction=jur, as_of=as_of, rules=rules)
        docs.append(doc)
        pairs.append((inp, doc))
        if as_json:
            line = json.dumps(doc.to_dict(), separators=(",", ":"))
            console.print(line, markup=False, soft_wrap=True)
            continue
        adv = "; ".join(f"{a.tier}: {'eligible' if a.eligible else 'no'}" for a in doc.advancement)
        table.add_row(
            jur,
            doc.educator,
            as_of,
            _units(doc.totals) or "-",
            _renewals(doc),
            adv or "-",
            _salary(doc),
            str(len(doc.warnings)),
        )
    if not as_json:
        print_table(console, table, keep=2)
    if database is not None:
        from .store import save_demo_results

        where = save_demo_results(pairs, engine=database)
        if not as_json:
            console.print(
                f"Saved {len(pairs)} evaluations of the example educators in {where}\n"
                "Serve them over HTTP:  .venv/bin/mccredit serve   "
                "(then open http://127.0.0.1:8000/docs; create a key with "
                "`.venv/bin/mccredit keys create --role admin --scope '*'`)",
                markup=False,
            )
    return docs
