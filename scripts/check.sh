#!/usr/bin/env bash
# Every check, in order; each runs even if an earlier one failed; exit non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin
PURE_CORE=""
for p in fieldcrm/routing fieldcrm/territories fieldcrm/scoring fieldcrm/costs fieldcrm/geocoding \
         fieldcrm/accounts fieldcrm/auth fieldcrm/agenda fieldcrm/maps.py fieldcrm/geo.py fieldcrm/errors.py fieldcrm/cells.py fieldcrm/calendar_bounds.py fieldcrm/durations.py fieldcrm/dates.py fieldcrm/trip_job_text.py fieldcrm/reloading.py; do
  [ -e "$p/__init__.py" ] || [ -f "$p" ] && PURE_CORE="$PURE_CORE $p"
done
failed=()
step() {
  local name=$1; shift
  echo "== $name: $*"
  if "$@"; then echo "== $name: ok"; else echo "== $name: FAILED"; failed+=("$name"); fi
}
step ruff "$V/ruff" check fieldcrm tests bench scripts migrations/env.py
# shellcheck disable=SC2086
step mypy "$V/mypy" $PURE_CORE
# The layers above the core, strict too: each module's own errors (imports are read, not reported:
# the core has its step above).
ABOVE_CORE="fieldcrm/api fieldcrm/services fieldcrm/store fieldcrm/http fieldcrm/worker fieldcrm/cli
            fieldcrm/notify fieldcrm/pages fieldcrm/app.py fieldcrm/config.py fieldcrm/logs.py"
# shellcheck disable=SC2086
step mypy-strict "$V/mypy" --strict --follow-imports=silent $ABOVE_CORE
step import-linter "$V/lint-imports"
# The examples in the docstrings run as written (numpydoc "Examples" sections, doctest style).
step doctest "$V/pytest" -q -p no:cacheprovider --doctest-modules fieldcrm
step pytest "$V/pytest" -q -p no:cacheprovider "$@"
if [ ${#failed[@]} -gt 0 ]; then
  echo "checks failed: ${failed[*]}"
  exit 1
fi
echo "all checks passed"
