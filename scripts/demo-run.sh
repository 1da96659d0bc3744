#!/usr/bin/env bash
# Run the whole product on this machine: the web app on :8000 and a background worker
# (rules, alerts, imports…). Ctrl-C (or SIGTERM) stops both; if one of them dies, so does
# the other, with its exit status.
set -uo pipefail
cd "$(dirname "$0")/.."
host=${FIELDCRM_HOST:-127.0.0.1}
port=${FIELDCRM_PORT:-8000}
.venv/bin/fieldcrm worker &
worker=$!
.venv/bin/fieldcrm serve --host "$host" --port "$port" &
web=$!
stop() {
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
wait -n "$web" "$worker"
status=$?
stop
exit "$status"
