#!/usr/bin/env bash
# Install everything fieldcrm needs on a fresh Debian/Ubuntu machine (idempotent):
# system packages (PostgreSQL + PostGIS, osmium, Chromium for the browser tests),
# the local database (scripts/setup-db.sh: a role that is not a superuser, its database,
# PostGIS), a Python virtual environment in .venv with the project and its dev tools.
# This is the only place that installs packages or creates roles: the app never does.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
v=$(pg_version)
if [ -z "$v" ] || [ ! -f "/usr/share/postgresql/$v/extension/postgis.control" ]; then
  need_apt+=("postgresql-${v:-15}-postgis-3")
fi
command -v osmium >/dev/null 2>&1 || need_apt+=(osmium-tool)
if [ "${FIELDCRM_SKIP_BROWSER:-0}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then .venv/bin/pip install -q uv; fi
stamp=.venv/.fieldcrm-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || { [ -f uv.lock ] && [ uv.lock -nt "$stamp" ]; }; then
  # uv.lock pins every package (the versions the checks ran with): install exactly those.
  # --inexact keeps what the venv holds beyond the lock (pip, uv itself).
  if [ -f uv.lock ] && UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync -q --locked --inexact \
      --extra dev --python .venv/bin/python; then
    echo "setup: installed the Python packages of uv.lock"
  else
    [ -f uv.lock ] && echo "setup: uv.lock does not match pyproject.toml (run 'uv lock');" \
      "installing the newest allowed versions instead" >&2
    .venv/bin/uv pip install -q --python .venv/bin/python -e ".[dev]"
  fi
  touch "$stamp"
fi
bash scripts/setup-db.sh
echo "setup: ready"
