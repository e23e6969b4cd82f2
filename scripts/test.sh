#!/usr/bin/env bash
# Everything CI checks: lint (ruff), types (mypy), tests (pytest). Extra arguments go to pytest,
# e.g. `scripts/test.sh -k infra -x`. Stops at the first failing step with its exit code.
set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$cinecoop_repo"

if [[ -z "${CINECOOP_SOURCES:-}" && -d "$cinecoop_repo/../shared/seeds" ]]; then
  CINECOOP_SOURCES="$(cd "$cinecoop_repo/../shared/seeds" && pwd)"
  export CINECOOP_SOURCES
fi

echo "== ruff check" >&2
ruff check .
echo "== mypy" >&2
mypy
echo "== pytest" >&2
# One worker per core (CINECOOP_TEST_WORKERS=0 runs in this process); a test file stays on one
# worker, so a module's examples run in order and its fixtures are built once.
pytest -q -n "${CINECOOP_TEST_WORKERS:-auto}" --dist loadfile "$@"
