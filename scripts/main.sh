#!/usr/bin/env bash
# The main job: set up (a virtualenv in .venv, created if needed), validate every bundled rule
# file, then evaluate the bundled example educators in every bundled jurisdiction and print a
# table; results are saved in the embedded SQLite store (its path is printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import mccredit, typer, sqlmodel" >/dev/null 2>&1 \
   || [ pyproject.toml -nt .venv/.mccredit-installed ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
  touch .venv/.mccredit-installed
fi
.venv/bin/mccredit validate
.venv/bin/mccredit demo "$@"
