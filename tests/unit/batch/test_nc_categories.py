"""NC's category mix in columns: on generated NC rosters the columnar path gives the
reference engine's every output (results, warnings with their messages, ledger, rejects),
and decides the category minimums of nearly every license itself (only a solver's choice
between equally good allocations goes to the engine)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import mccredit
from mccredit.batch import run_batch

from .conftest import AS_OF, generate_roster


@pytest.fixture(scope="module")
def nc_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("roster") / "nc"
    return generate_roster(out, educators=800, seed=11, jurisdiction="us-nc", bad_rate=0.01)


def _read(path: Path, keys: list[str]) -> pl.DataFrame:
    df = pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path)
    return df.sort(keys, nulls_last=True)


def test_nc_columnar_equals_reference(
    rules: mccredit.RuleSet, nc_roster: Path, tmp_path: Path
) -> None:
    kw = {"rules": rules, "jurisdiction": "us-nc", "as_of": AS_OF}
    outs = {}
    for engine in ("local", "reference"):
        outs[engine] = run_batch(
            nc_roster,
            out=tmp_path / engine / "results.parquet",
            ledger_out=tmp_path / engine / "ledger.parquet",
            engine=engine,  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )
    loc, ref = outs["local"], outs["reference"]
    assert loc.stats.educators == ref.stats.educators > 700
    assert ref.stats.fallback == ref.stats.educators  # the reference is the engine throughout
    key = ["educator_id", "license_issued", "license_type", "license_id"]
    for name, keys in (
        ("results.parquet", key),
        ("results.warnings.parquet", ["educator_id", "credential", "code", "rule", "row"]),
        ("ledger.parquet", ["educator_id", "date", "credential", "rule", "unit"]),
        ("results.rejects.csv", ["table", "row"]),
    ):
        a = _read(tmp_path / "local" / name, keys)
        b = _read(tmp_path / "reference" / name, keys)
        assert a.height > 0 or name.endswith("csv")
        assert a.to_dicts() == b.to_dicts(), name
    # the short categories come out of the columnar path, and they are varied
    res = pl.read_parquet(tmp_path / "local" / "results.parquet")
    assert res.get_column("short_categories").drop_nulls().n_unique() >= 4
    # only the solver's choices go to the engine: a few percent of the educators
    assert set(loc.stats.fallback_reasons) <= {"categories"}
    assert loc.stats.fallback <= 0.05 * loc.stats.educators
