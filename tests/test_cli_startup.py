"""The command line starts without loading the database, web or dataframe stacks."""

from __future__ import annotations

import subprocess
import sys


def test_roles_in_the_cli_match_the_store() -> None:
    from mccredit.cli import store as _cli
    from mccredit.store import repositories

    assert _cli.ROLES == repositories.ROLES


def test_importing_the_cli_loads_no_heavy_stack() -> None:
    code = (
        "import sys, mccredit.cli; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'fastapi', 'polars', 'pyarrow', "
        "'dask', 'pyld', 'requests', 'matplotlib', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_jsonld_base_written_out_is_pyld_s() -> None:
    from pyld import jsonld  # type: ignore[import-untyped]

    from mccredit.verify import _canon

    assert _canon._BASE == jsonld.DEFAULT_BASE_IRI
