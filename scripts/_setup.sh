# Sourced by scripts/main.sh and scripts/test.sh: create .venv when missing and install mccredit
# (with the extra named in $1, if any) when it is missing or pyproject.toml changed since.
# Shows progress while pip works (one line per step and the elapsed time every 10 s); pip's own
# output goes to .venv/install.log, and its last lines are shown if the install fails.
# Usage: setup_venv STAMP IMPORTS [EXTRA]
setup_venv() {
  local stamp=$1 imports=$2 extra=${3:-}
  local PY=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ]; then
    echo "mccredit: creating the virtualenv .venv with $("$PY" --version 2>&1)"
    "$PY" -m venv .venv
  fi
  if .venv/bin/python -c "import $imports" >/dev/null 2>&1 && [ ! pyproject.toml -nt "$stamp" ]; then
    return 0
  fi
  local target=.
  if [ -n "$extra" ]; then target=".[$extra]"; fi
  echo "mccredit: installing $target into .venv (the first run downloads the dependencies; about a minute)"
  local log=.venv/install.log start=$SECONDS
  (
    .venv/bin/python -m pip install --upgrade pip &&
      .venv/bin/python -m pip install -e "$target"
  ) >"$log" 2>&1 &
  local pid=$! next=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS >= next )); then
      next=$((SECONDS + 10))
      local last
      last=$(grep -E '^(Collecting|Building|Installing|Successfully)' "$log" | tail -n 1 | cut -c1-60)
      echo "mccredit: … $((SECONDS - start)) s${last:+ ($last)}"
    fi
  done
  if ! wait "$pid"; then
    echo "mccredit: installing failed; the last lines of $log:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  touch "$stamp"
  echo "mccredit: installed in $((SECONDS - start)) s"
}
