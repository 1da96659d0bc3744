#!/usr/bin/env bash
# First start of the PostGIS container (docker-entrypoint-initdb.d): the app's role `fieldcrm`,
# NOT a superuser, owning the database `fieldcrm`; PostGIS created there by the superuser (a
# plain role cannot). Same shape as scripts/setup-db.sh on a machine without containers.
set -euo pipefail
: "${FIELDCRM_DB_PASSWORD:?set FIELDCRM_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v password="$FIELDCRM_DB_PASSWORD" <<'SQL'
CREATE ROLE fieldcrm LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD :'password';
CREATE DATABASE fieldcrm OWNER fieldcrm;
\connect fieldcrm
CREATE EXTENSION IF NOT EXISTS postgis;
SQL
