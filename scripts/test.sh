#!/usr/bin/env bash
# The whole test suite: lint (ruff), format check, types (mypy --strict src), import layers
# (lint-imports), then pytest
# (unit, property, case, API, storage on SQLite and PostgreSQL, batch and Dask tests).
# Sets up .venv with the dev extra if needed. PostgreSQL: MCCREDIT_TEST_POSTGRES_URL, default
# postgresql+psycopg://postgres@127.0.0.1:5432/test.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import mccredit, pytest, hypothesis, mypy, ruff, importlinter, playwright" >/dev/null 2>&1 \
   || [ pyproject.toml -nt .venv/.mccredit-dev-installed ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  touch .venv/.mccredit-dev-installed
fi
echo "== ruff check" && .venv/bin/ruff check .
echo "== ruff format --check" && .venv/bin/ruff format --check .
echo "== mypy --strict src" && .venv/bin/mypy --strict src
echo "== lint-imports (layers, pyproject.toml)" && .venv/bin/lint-imports
echo "== pytest" && .venv/bin/python -m pytest "$@"
