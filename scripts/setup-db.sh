#!/usr/bin/env bash
# Prepare the local PostgreSQL + PostGIS that fieldcrm uses when FIELDCRM_DATABASE_URL is not
# set (idempotent; run by scripts/setup.sh, as root or a sudoer). The app itself never does
# any of this: it only connects, and says to run `make setup` when the database is missing.
#
#  - starts the cluster (creates the Debian cluster NN/main if there is none);
#  - creates the login role FIELDCRM_LOCAL_DB_USER (default fieldcrm): NOT a superuser, with
#    CREATEDB only (the tests create and drop their databases fieldcrm_test*); its password is
#    generated once and kept in .env as FIELDCRM_LOCAL_DB_PASSWORD (read by the app);
#  - creates the database FIELDCRM_LOCAL_DB_NAME (default fieldcrm) owned by that role;
#  - creates the postgis extension, as the postgres superuser (a non-superuser cannot), in that
#    database and in template1, so that every database created later (the tests') has it.
#
# The password is also kept for the machine in FIELDCRM_LOCAL_DB_SECRET_FILE (default
# ~/.config/fieldcrm/local-db.env, mode 0600), so that a second checkout or a fresh clone (CI)
# on a machine where the role already exists logs in with it. When no known password logs in
# (the role was made by a checkout since deleted), the role gets a new generated password,
# written to both files: the script runs as the database's administrator anyway. An existing
# role is never dropped. An existing SUPERUSER role (made by fieldcrm before this script) is
# reported; FIELDCRM_SETUP_DEMOTE_ROLE=1 turns it into a plain role with CREATEDB.
# FIELDCRM_SKIP_LOCAL_DB=1 skips everything (external database).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${FIELDCRM_SKIP_LOCAL_DB:-0}" = "1" ]; then
  echo "setup: FIELDCRM_SKIP_LOCAL_DB=1, local database left alone"
  exit 0
fi

DB_USER=${FIELDCRM_LOCAL_DB_USER:-fieldcrm}
DB_NAME=${FIELDCRM_LOCAL_DB_NAME:-fieldcrm}
DB_PORT=${FIELDCRM_LOCAL_DB_PORT:-5432}
ENV_FILE=${FIELDCRM_ENV_FILE:-.env}
SECRET_FILE=${FIELDCRM_LOCAL_DB_SECRET_FILE:-${XDG_CONFIG_HOME:-$HOME/.config}/fieldcrm/local-db.env}

if [ "$(id -u)" -eq 0 ]; then
  as_postgres() { runuser -u postgres -- "$@"; }
  as_root() { "$@"; }
else
  as_postgres() { sudo -u postgres -- "$@"; }
  as_root() { sudo -- "$@"; }
fi
psql_admin() {  # psql as the postgres superuser; SQL on stdin, psql variables as -v
  local database=$1; shift
  as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$DB_PORT" -d "$database" "$@"
}
query() {  # one value, as postgres (a constant query: no variables)
  as_postgres psql -X -qAt -v ON_ERROR_STOP=1 -p "$DB_PORT" -d "$1" -c "$2"
}

# 1. The cluster.
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
if [ -z "$version" ]; then
  echo "setup: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main"')
if [ -z "$cluster" ]; then
  echo "setup: creating the PostgreSQL $version cluster"
  as_root pg_createcluster "$version" main --port "$DB_PORT" >/dev/null
  cluster=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main"')
fi
if ! awk '{ print $4 }' <<<"$cluster" | grep -q online; then
  echo "setup: starting PostgreSQL $version/main"
  as_root pg_ctlcluster "$version" main start
fi

# 2. The role: a plain login role that may create databases, never a superuser.
password_in() {  # the FIELDCRM_LOCAL_DB_PASSWORD line of a file, if any
  [ -f "$1" ] && sed -n 's/^FIELDCRM_LOCAL_DB_PASSWORD=//p' "$1" | tail -1 || true
}
keep_password() {  # write FIELDCRM_LOCAL_DB_PASSWORD=$2 into the file $1 (mode 0600), once
  local file=$1 value=$2
  [ "$(password_in "$file")" = "$value" ] && return 0
  mkdir -p "$(dirname "$file")"
  local rest
  rest=$(grep -v '^FIELDCRM_LOCAL_DB_PASSWORD=' "$file" 2>/dev/null || true)
  { [ -n "$rest" ] && printf '%s\n' "$rest"; echo "FIELDCRM_LOCAL_DB_PASSWORD=$value"; } >"$file.tmp"
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
  echo "setup: kept the role's password in $file"
}
generated_password() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
# (psql interpolates :variables only in SQL read from stdin or a file, never in -c)
flags=$(psql_admin postgres -At -v u="$DB_USER" <<'SQL'
SELECT rolsuper::text || ' ' || rolcreatedb::text FROM pg_roles WHERE rolname = :'u';
SQL
)
if [ -z "$flags" ]; then
  password=${FIELDCRM_LOCAL_DB_PASSWORD:-$(password_in "$ENV_FILE")}
  password=${password:-$(password_in "$SECRET_FILE")}
  password=${password:-$(generated_password)}
  echo "setup: creating the role $DB_USER (CREATEDB, not a superuser)"
  psql_admin postgres -v u="$DB_USER" -v pw="$password" <<'SQL'
CREATE ROLE :"u" LOGIN NOSUPERUSER NOCREATEROLE CREATEDB PASSWORD :'pw';
SQL
elif [ "${flags%% *}" = "true" ]; then
  if [ "${FIELDCRM_SETUP_DEMOTE_ROLE:-0}" = "1" ]; then
    echo "setup: the role $DB_USER becomes a plain role with CREATEDB (no longer a superuser)"
    psql_admin postgres -v u="$DB_USER" <<'SQL'
ALTER ROLE :"u" NOSUPERUSER CREATEDB;
SQL
  else
    echo "setup: WARNING: the role $DB_USER is a PostgreSQL superuser (made by an older fieldcrm);" >&2
    echo "setup: rerun with FIELDCRM_SETUP_DEMOTE_ROLE=1 to make it a plain role with CREATEDB" >&2
  fi
elif [ "${flags##* }" != "true" ]; then
  echo "setup: giving the role $DB_USER CREATEDB (the tests create their databases)"
  psql_admin postgres -v u="$DB_USER" <<'SQL'
ALTER ROLE :"u" CREATEDB;
SQL
fi

# 3. Its database, and PostGIS created by the superuser (there and in template1).
exists=$(psql_admin postgres -At -v d="$DB_NAME" <<'SQL'
SELECT 1 FROM pg_database WHERE datname = :'d';
SQL
)
if [ "$exists" != "1" ]; then
  echo "setup: creating the database $DB_NAME owned by $DB_USER"
  psql_admin postgres -v d="$DB_NAME" -v u="$DB_USER" <<'SQL'
CREATE DATABASE :"d" OWNER :"u";
SQL
fi
for database in template1 "$DB_NAME"; do
  has=$(query "$database" "SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
  if [ "$has" != "1" ]; then
    echo "setup: creating the postgis extension in $database"
    psql_admin "$database" <<'SQL'
CREATE EXTENSION IF NOT EXISTS postgis;
SQL
  fi
done

# 4. The app's credentials: the first known password that logs in (environment, .env, the
# machine's file) is kept in .env and the machine's file; when none does, a new one is set.
can_login() {
  PGPASSWORD="$1" PGCONNECT_TIMEOUT=3 psql -X -qAt -h 127.0.0.1 -p "$DB_PORT" \
    -U "$DB_USER" -d "$DB_NAME" -c "SELECT 1" >/dev/null 2>&1
}
password=
for known in "${FIELDCRM_LOCAL_DB_PASSWORD:-}" "$(password_in "$ENV_FILE")" "$(password_in "$SECRET_FILE")"; do
  if [ -n "$known" ] && can_login "$known"; then password=$known; break; fi
done
if [ -z "$password" ]; then
  echo "setup: no known password logs in as $DB_USER (made by an earlier checkout?): setting a new one"
  password=$(generated_password)
  psql_admin postgres -v u="$DB_USER" -v pw="$password" <<'SQL'
ALTER ROLE :"u" PASSWORD :'pw';
SQL
  if ! can_login "$password"; then
    echo "setup: cannot log in to $DB_NAME as $DB_USER over TCP on 127.0.0.1:$DB_PORT even with a" >&2
    echo "setup: new password: check pg_hba.conf (md5 or scram-sha-256 for host connections)" >&2
    exit 1
  fi
fi
keep_password "$ENV_FILE" "$password"
keep_password "$SECRET_FILE" "$password"
if [ -n "${FIELDCRM_LOCAL_DB_PASSWORD:-}" ] && [ "$FIELDCRM_LOCAL_DB_PASSWORD" != "$password" ]; then
  echo "setup: WARNING: FIELDCRM_LOCAL_DB_PASSWORD in the environment does not log in as $DB_USER;" >&2
  echo "setup: the app reads it before $ENV_FILE: unset it (the right one is in $ENV_FILE)" >&2
fi
echo "setup: local database $DB_NAME ready (role $DB_USER)"
