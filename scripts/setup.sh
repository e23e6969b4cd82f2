#!/usr/bin/env bash
# Create .venv and install cinecoop with its test extras into it. Safe to run again: pip runs
# only when pyproject.toml is newer than .venv/.stamp.
#   bash scripts/setup.sh           # set up only
#   source scripts/setup.sh         # set up, and put the venv on PATH in this shell
# Sourcing changes no shell option of yours: the work runs in a subshell with its own
# `set -euo pipefail`; only VIRTUAL_ENV and PATH are exported (when set-up succeeded).

cinecoop_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cinecoop_venv="$cinecoop_repo/.venv"

if (
  set -euo pipefail
  umask 022
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
  # Byte-compile the package (only what changed): an editable install writes no .pyc, and with
  # PYTHONDONTWRITEBYTECODE set every `cinecoop` process would compile ~70 modules again.
  "$cinecoop_venv/bin/python" -m compileall -q "$cinecoop_repo/graph" >/dev/null
); then
  export VIRTUAL_ENV="$cinecoop_venv"
  case ":$PATH:" in
    *":$cinecoop_venv/bin:"*) ;;
    *) export PATH="$cinecoop_venv/bin:$PATH" ;;
  esac
else
  echo "setup: failed; see the messages above" >&2
  # `return` when sourced (the user's shell stays open), `exit` when run as a script
  return 1 2>/dev/null || exit 1
fi
