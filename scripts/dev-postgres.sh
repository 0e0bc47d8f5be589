#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1:55433 for running the store tests locally, and prints the
# variable to export:  eval "$(bash scripts/dev-postgres.sh)"   (stop it with: pkill -f 'postgres -D /tmp/axilla-pg')
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=/tmp/axilla-pg
PORT=${PORT:-55433}
if [ ! -d "$PGDATA" ]; then
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off" start >/dev/null || true
"$PGBIN/psql" "postgresql://postgres@127.0.0.1:$PORT/postgres" -qc "CREATE DATABASE axilla_test" >/dev/null 2>&1 || true
echo "export TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT/axilla_test"
