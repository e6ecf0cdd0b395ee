# A throw-away PostgreSQL server on 127.0.0.1 for the test run. Sourced by .ci/run.
# Sets SALTO_DESK_TEST_POSTGRES_URL when the server is up; without a server the PostgreSQL tests skip.

PG_PORT="${PG_PORT:-55432}"

_pg_bin() {
    local found
    found="$(command -v initdb || true)"
    if [ -z "$found" ]; then
        found="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    [ -n "$found" ] && dirname "$(readlink -f "$found")"
}

_as_postgres() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
    local bin
    bin="$(_pg_bin || true)"
    if [ -z "$bin" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        echo "installing PostgreSQL from Debian's packages"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; } \
            || true
        bin="$(_pg_bin || true)"
    fi
    if [ -z "$bin" ]; then
        echo "PostgreSQL is not available: the PostgreSQL tests will be skipped"
        return 0
    fi
    PG_DIR="$(mktemp -d)"
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = "0" ] && chown postgres "$PG_DIR"
    _as_postgres "$bin/initdb" -D "$PG_DIR/data" -U salto --auth=trust -E UTF8 >/dev/null
    _as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null
    _as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U salto salto_desk_test
    PG_BIN="$bin"
    export SALTO_DESK_TEST_POSTGRES_URL="postgresql+psycopg://salto@127.0.0.1:$PG_PORT/salto_desk_test"
    echo "PostgreSQL running on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ]; then
        _as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
