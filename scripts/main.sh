#!/usr/bin/env bash
# The main job: set up (a virtualenv in .venv, created if needed), validate every bundled rule
# file, then evaluate the bundled example educators in every bundled jurisdiction and print a
# table; results are saved in the embedded SQLite store (its path is printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh
setup_venv .venv/.mccredit-installed "mccredit, typer, sqlmodel"
.venv/bin/mccredit validate
.venv/bin/mccredit demo "$@"
