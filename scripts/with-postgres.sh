#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on 127.0.0.1, its URL exported as
# CLICKSCALE_TEST_POSTGRES_URL, and stop the server when the command ends:
#
#     scripts/with-postgres.sh cargo test --test store
#
# Installs PostgreSQL from Debian packages if it is missing (needs root). Safe to run again,
# also after a run that was killed: the previous cluster on the same port is stopped first.
# CLICKSCALE_TEST_PG_PORT changes the port (default 55432).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

port="${CLICKSCALE_TEST_PG_PORT:-55432}"
data="/tmp/clickscale-pg-$port"

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bin)" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "PostgreSQL is not installed and installing it needs root" >&2
        exit 1
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
fi
bin="$(pg_bin)"

# The server refuses to run as root: run it as the postgres user the package created.
if [ "$(id -u)" -eq 0 ]; then
    as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
    as_pg() { "$@"; }
fi

stop() {
    if [ -f "$data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$data"
}

stop
mkdir -p "$data"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$data"
fi
chmod 700 "$data"
trap stop EXIT
trap 'exit 130' INT TERM

# Trust on localhost only, no fsync: a test server that holds nothing worth keeping.
as_pg "$bin/initdb" -D "$data" -U postgres -A trust --no-sync >"$data.initdb.log" 2>&1 ||
    { cat "$data.initdb.log" >&2; exit 1; }
rm -f "$data.initdb.log"
as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-k /tmp -h 127.0.0.1 -p $port -c fsync=off -c max_connections=200" start >/dev/null ||
    { cat "$data/server.log" >&2; exit 1; }

export CLICKSCALE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "$("$bin/postgres" --version) on 127.0.0.1:$port" >&2

# Not exec: the EXIT trap must run to stop the server.
status=0
"$@" || status=$?
exit "$status"
