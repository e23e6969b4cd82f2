#!/usr/bin/env bash
# Create .venv and install cinecoop with its test extras into it. Safe to run again: pip runs
# only when pyproject.toml is newer than .venv/.stamp. Run it, or source it to also put the
# venv on PATH (scripts/test.sh does).
set -euo pipefail

cinecoop_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cinecoop_venv="$cinecoop_repo/.venv"

if [[ ! -x "$cinecoop_venv/bin/python" ]]; then
  python="$(command -v python3.11 || command -v python3)"
  echo "setup: creating $cinecoop_venv with $python" >&2
  "$python" -m venv "$cinecoop_venv"
fi

if [[ ! -f "$cinecoop_venv/.stamp" || "$cinecoop_repo/pyproject.toml" -nt "$cinecoop_venv/.stamp" ]]
then
  echo "setup: installing cinecoop[test] into $cinecoop_venv" >&2
  "$cinecoop_venv/bin/python" -m pip install -q --upgrade pip
  (cd "$cinecoop_repo" && "$cinecoop_venv/bin/python" -m pip install -q -e '.[test]')
  touch "$cinecoop_venv/.stamp"
fi

export VIRTUAL_ENV="$cinecoop_venv"
export PATH="$cinecoop_venv/bin:$PATH"
