#!/usr/bin/env bash
# Run the test suite against SQLite and a throwaway PostgreSQL server.
#
# The server lives in a temporary folder on a loopback port and is removed on
# exit. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
# Without PostgreSQL binaries the PostgreSQL tests are skipped, except in CI
# (CI=true), where they are required.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

pg_bindir() {
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_postgres() {
    local bindir=$1 port
    port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    PGTMP=$(mktemp -d /tmp/rca-test-pg.XXXXXX)
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PGTMP"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bindir/initdb" -D "$PGTMP/data" -A trust -U postgres --no-sync >"$PGTMP/initdb.log" 2>&1
    "${as[@]}" "$bindir/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w \
        -o "-p $port -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    STOP_PG=("${as[@]}" "$bindir/pg_ctl" -D "$PGTMP/data" -m immediate stop)
    trap 'stop_postgres' EXIT
    export RCA_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL test server on port $port" >&2
}

stop_postgres() {
    "${STOP_PG[@]}" >/dev/null 2>&1 || true
    rm -rf "$PGTMP"
}

if [ -z "${RCA_TEST_DATABASE_URL:-}" ]; then
    bindir=$(pg_bindir || true)
    if [ -n "$bindir" ] && [ -x "$bindir/initdb" ]; then
        start_postgres "$bindir"
    elif [ "${CI:-}" = true ]; then
        echo "CI needs PostgreSQL server binaries (apt-get install postgresql)" >&2
        exit 1
    else
        echo "No PostgreSQL server binaries found: PostgreSQL tests will be skipped." >&2
    fi
fi
[ "${CI:-}" = true ] && export RCA_REQUIRE_POSTGRES=1
"$PYTHON" -m pytest "$@"
