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


def test_a_ctrl_c_while_the_command_starts_is_one_line() -> None:
    """The console script imports `mccredit.cli` and calls `main`. Importing the engine took
    half a second inside that import, where nothing of mccredit's could catch a Ctrl-C: it
    printed a 20-line KeyboardInterrupt traceback. Now `mccredit` and `mccredit.cli` import
    light and `main` loads the rest under its guard. The Ctrl-C here comes as the engine
    loads (an import hook raises SIGINT when `mccredit.evaluation` is first imported)."""
    code = (
        "import importlib.abc, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "class CtrlC(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'mccredit.evaluation':\n"
        "            signal.raise_signal(signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, CtrlC())\n"
        "from mccredit.cli import main\n"
        "sys.argv = ['mccredit', '--version']\n"
        "main()\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (r.returncode, r.stderr, r.stdout) == (130, "interrupted\n", "")
