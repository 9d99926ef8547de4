"""The costing document's CSV tables and the files `mccredit scenario` writes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any


def _csv_text(rows: list[dict[str, Any]], ids: dict[str, str]) -> str:
    rows = rows or [{}]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=[*ids, *rows[0]], lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**ids, **{k: "" if v is None else v for k, v in r.items()}})
    return buf.getvalue()


def csv_tables(doc: dict[str, Any]) -> dict[str, str]:
    """The CSV tables of a costing document, by name (`years`, `scattergram`, and with
    proposals `vs_baseline`, `stacking`, `gains_bands`, `gains_by_lane`,
    `gains_by_step_band`, `gains_deciles`, `largest_gains` (not in the union view), with two
    or more `vs_proposals`): one row per scenario and year (and cell, band, lane, provision),
    each naming the ruleset, scenario (with its sha256) and the assumptions' sha256. A
    suppressed figure (`suppress_small_groups`) is an empty cell."""
    common = {
        "ruleset": doc["ruleset"]["id"],
        "ruleset_sha256": doc["ruleset"]["sha256"],
        "assumptions_sha256": doc["assumptions"]["sha256"],
    }
    scenarios = [("baseline", "", doc["baseline"])] + [
        (p["proposal"]["name"], p["proposal"]["sha256"], p) for p in doc["proposals"]
    ]
    tables: dict[str, list[dict[str, Any]]] = {
        "years": [],
        "scattergram": [],
        "vs_baseline": [],
        "vs_proposals": [],
        "stacking": [],
        "gains_bands": [],
        "gains_by_lane": [],
        "gains_by_step_band": [],
        "gains_deciles": [],
        "largest_gains": [],
    }
    for name, sha, s in scenarios:
        tag = {"scenario": name, "scenario_sha256": sha}
        tables["years"] += [{**tag, **y} for y in s["years"]]
        tables["scattergram"] += [{**tag, **c} for c in s["scattergram"]]
        tables["vs_baseline"] += [{**tag, **v} for v in s.get("vs_baseline", [])]
        if "stacking" in s:
            tables["stacking"] += [{**tag, **r} for r in s["stacking"]["parts"]]
        if "gains" in s:
            g = s["gains"]
            tables["gains_bands"] += [{**tag, **r} for r in g["bands"]]
            tables["gains_by_lane"] += [{**tag, **r} for r in g["by_lane"]]
            tables["gains_by_step_band"] += [{**tag, **r} for r in g.get("by_step_band", [])]
            tables["gains_deciles"] += [{**tag, **r} for r in g.get("deciles", [])]
        if "largest_gains" in s:
            tables["largest_gains"] += [{**tag, **r} for r in s["largest_gains"]]
    for c in doc.get("comparisons", []):
        tag = {
            "scenario": c["proposal"]["name"],
            "scenario_sha256": c["proposal"]["sha256"],
            "against": c["against"]["name"],
            "against_sha256": c["against"]["sha256"],
        }
        tables["vs_proposals"] += [{**tag, **r} for r in c["years"]]
    forms = doc.get("forms", {})
    if forms.get("multiyear", {}).get("rows"):
        tables["form_multiyear"] = forms["multiyear"]["rows"]
    if forms.get("wi_base_wages", {}).get("rows"):
        tables["form_wi_base_wages"] = forms["wi_base_wages"]["rows"]
    keep = {"years", "scattergram", "form_multiyear", "form_wi_base_wages"}
    if doc["proposals"]:
        keep |= {"vs_baseline", "stacking", "gains_bands", "gains_by_lane"}
        keep |= {"gains_by_step_band", "gains_deciles"}
        if any("largest_gains" in p for p in doc["proposals"]):
            keep.add("largest_gains")
    if doc.get("comparisons"):
        keep.add("vs_proposals")
    return {t: _csv_text(rows, common) for t, rows in tables.items() if t in keep and rows}


def write_outputs(doc: dict[str, Any], out: Path) -> list[Path]:
    """`scenario.json` plus the CSV tables (`csv_tables`). Returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "scenario.json"]
    (out / "scenario.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    for t, text in csv_tables(doc).items():
        path = out / f"{t}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
