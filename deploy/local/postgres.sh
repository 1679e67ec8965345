#!/bin/bash
# PostgreSQL for deploy/compose.local.yaml, from Debian's package: does what the official image's entrypoint does
# for POSTGRES_DB / POSTGRES_USER / POSTGRES_PASSWORD on a first start, then runs the server.
set -euo pipefail
data=/var/lib/postgresql/data
mkdir -p "$data" && chown postgres:postgres "$data" && chmod 700 "$data"
as_pg() { runuser -u postgres -- "$@"; }
if [ ! -s "$data/PG_VERSION" ]; then
  as_pg initdb -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  echo "listen_addresses = '*'" >>"$data/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$data/pg_hba.conf"
  as_pg pg_ctl -D "$data" -o "-c listen_addresses=''" -w start >/dev/null
  as_pg psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres \
    -c "CREATE ROLE \"$POSTGRES_USER\" LOGIN PASSWORD '$POSTGRES_PASSWORD'" \
    -c "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\""
  as_pg pg_ctl -D "$data" -m fast -w stop >/dev/null
fi
exec runuser -u postgres -- postgres -D "$data"
