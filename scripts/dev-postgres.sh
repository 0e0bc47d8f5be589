#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 (port PG_DEV_PORT, default 55433; PORT is the service's, not read here)
# for running the store tests locally, and prints the variable to export:
#
#   eval "$(bash scripts/dev-postgres.sh)"
#
# Stop it with the command it prints on stderr:  runuser -u postgres -- <pg bin>/pg_ctl -D /tmp/axilla-pg stop
# (as root; as the postgres user, just: pg_ctl -D /tmp/axilla-pg stop). Needs the Debian/Ubuntu postgresql package.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then
  echo "dev-postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
PGDATA=/tmp/axilla-pg
PG_DEV_PORT=${PG_DEV_PORT:-55433}
case "$PG_DEV_PORT" in
  '' | *[!0-9]*) echo "dev-postgres: PG_DEV_PORT must be a port number (got \"$PG_DEV_PORT\")" >&2; exit 1 ;;
esac
# initdb and pg_ctl refuse root: as root they run as the postgres OS user; as any other user, as that user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -d "$PGDATA" ]; then
  mkdir -p "$PGDATA"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PGDATA"; fi
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  # Already running (an earlier run): use the port it listens on (line 4 of postmaster.pid), whatever PG_DEV_PORT says now.
  running_port=$(sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true)
  if [ -n "$running_port" ] && [ "$running_port" != "$PG_DEV_PORT" ]; then
    echo "dev-postgres: already running on port $running_port (stop it first to move it to $PG_DEV_PORT)" >&2
    PG_DEV_PORT=$running_port
  fi
else
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 -o "-c listen_addresses=127.0.0.1 -p $PG_DEV_PORT -k $PGDATA -c fsync=off" start >/dev/null
fi
"$PGBIN/psql" "postgresql://postgres@127.0.0.1:$PG_DEV_PORT/postgres" -qc "CREATE DATABASE axilla_test" >/dev/null 2>&1 || true
if [ "$(id -u)" -eq 0 ]; then
  echo "dev-postgres: running on 127.0.0.1:$PG_DEV_PORT; stop it with: runuser -u postgres -- $PGBIN/pg_ctl -D $PGDATA stop" >&2
else
  echo "dev-postgres: running on 127.0.0.1:$PG_DEV_PORT; stop it with: $PGBIN/pg_ctl -D $PGDATA stop" >&2
fi
echo "export TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PG_DEV_PORT/axilla_test"
