#!/usr/bin/env bash
# The whole test suite: lint (ruff), format check, types (mypy --strict src), import layers
# (lint-imports), then pytest
# (unit, property, case, API, storage on SQLite and PostgreSQL, batch and Dask tests).
# Sets up .venv with the dev extra if needed. PostgreSQL: MCCREDIT_TEST_POSTGRES_URL, default
# postgresql+psycopg://postgres@127.0.0.1:5432/test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh
setup_venv .venv/.mccredit-dev-installed \
  "mccredit, pytest, hypothesis, mypy, ruff, importlinter, playwright" dev
echo "== ruff check" && .venv/bin/ruff check .
echo "== ruff format --check" && .venv/bin/ruff format --check .
echo "== mypy --strict src" && .venv/bin/mypy --strict src
echo "== lint-imports (layers, pyproject.toml)" && .venv/bin/lint-imports
echo "== pytest" && .venv/bin/python -m pytest "$@"
