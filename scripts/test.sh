#!/usr/bin/env bash
# Run the whole test suite on SQLite and, at the same time, on a throwaway PostgreSQL.
#
#   bash scripts/test.sh                 # everything (what CI runs)
#   bash scripts/test.sh -k workdays -x  # extra arguments go to pytest
#   bash scripts/test.sh --fast          # the everyday run: SQLite, no browser, no served demo or cluster
#
# The PostgreSQL cluster lives in a fresh temporary directory, listens on
# 127.0.0.1 on a free port only, and is stopped and deleted on exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_DB=procure_test
PG_USER=postgres
pg_tmp=""
pg_port=""
pg_bindir=""
pg_started=0

log() { printf '[test] %s\n' "$*"; }

# Directory holding initdb/pg_ctl/postgres: pg_config's bindir if the server
# is there, otherwise the highest /usr/lib/postgresql/<version>/bin.
find_pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      printf '%s\n' "$d"
      return 0
    fi
  fi
  d="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' \
    2>/dev/null | sort -V | tail -n 1)"
  if [[ -n "$d" ]]; then
    printf '%s\n' "${d%/initdb}"
    return 0
  fi
  return 1
}

# initdb refuses to run as root: as root, run the server as "postgres".
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    (cd "$pg_tmp" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  .venv/bin/python -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

pg_stop() {
  if ((pg_started)); then
    as_pg "$pg_bindir/pg_ctl" -D "$pg_tmp/data" -m fast -w -t 30 stop \
      >/dev/null 2>&1 || true
    pg_started=0
  fi
  if [[ -n "$pg_tmp" && -d "$pg_tmp" ]]; then
    rm -rf -- "$pg_tmp"
  fi
  pg_tmp=""
}

pg_start() {
  if ! pg_bindir="$(find_pg_bindir)"; then
    echo "[test] PostgreSQL server binaries not found (install 'postgresql')" >&2
    return 1
  fi

  local base="${TMPDIR:-/tmp}"
  if [[ "$(id -u)" == 0 ]]; then
    # The postgres user must be able to reach the directory.
    base=/tmp
    if ! id postgres >/dev/null 2>&1; then
      echo "[test] running as root but there is no 'postgres' user" >&2
      return 1
    fi
  fi
  pg_tmp="$(mktemp -d "$base/procure-pg.XXXXXX")"
  mkdir "$pg_tmp/data" "$pg_tmp/sock"
  if [[ "$(id -u)" == 0 ]]; then
    chown -R postgres: "$pg_tmp"
  fi

  log "initialising PostgreSQL ($("$pg_bindir/postgres" --version)) in $pg_tmp"
  if ! as_pg "$pg_bindir/initdb" -D "$pg_tmp/data" -U "$PG_USER" \
    --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    >"$pg_tmp/initdb.log" 2>&1; then
    cat "$pg_tmp/initdb.log" >&2
    return 1
  fi

  pg_port="$(free_port)"
  # Throwaway cluster: durability off, TCP on loopback only.
  cat >>"$pg_tmp/data/postgresql.conf" <<EOF

# --- procure test cluster ---
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_tmp/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
# Tests empty their tables with DELETE; without a vacuum the space is not reused, so rows read
# without ORDER BY come back in the order they were written, run after run.
autovacuum = off
EOF

  if ! as_pg "$pg_bindir/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" \
    -w -t 60 start >/dev/null; then
    echo "[test] PostgreSQL failed to start; server log:" >&2
    cat "$pg_tmp/server.log" >&2 || true
    return 1
  fi
  pg_started=1

  "$pg_bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U "$PG_USER" "$PG_DB"
  log "PostgreSQL listening on 127.0.0.1:$pg_port (database $PG_DB)"
}

describe_rc() {
  case "$1" in
    0) echo "passed" ;;
    5) echo "FAILED (no tests collected)" ;;
    *) echo "FAILED (pytest exit code $1)" ;;
  esac
}

# The tests that run once, on SQLite: the browser and the served demo (tests/live) drive the app
# from outside, through its pages and its HTTP API, where the database makes no difference; the
# two-node cluster (tests/production) starts a PostgreSQL and a Redis of its own.
ONCE=(tests/browser tests/live tests/production)

main() {
  local fast=0
  if [[ "${1:-}" == --fast ]]; then
    fast=1
    shift
  fi
  bash scripts/setup.sh test

  local pytest=(.venv/bin/python -m pytest -p no:cacheprovider)
  if ((fast)); then
    # The everyday run: SQLite only, without the browser and the served demo.
    echo "== SQLite (fast: ${ONCE[*]} left out) =="
    env -u TEST_DATABASE_URL "${pytest[@]}" "${ONCE[@]/#/--ignore=}" "$@"
    return
  fi

  # The live tests serve the demo from an environment installed from requirements.txt alone.
  VENV=.venv-runtime bash scripts/setup.sh run

  trap pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_start
  log "set-up took $SECONDS s"

  export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  # The browser walkthrough, the served demo and the cluster are acceptance tests: here they must run, never skip.
  export PROCURE_REQUIRE_BROWSER=1 PROCURE_REQUIRE_LIVE=1
  local sqlite_rc=0 pg_rc=0 pg_log="$pg_tmp/pytest.log"

  # Both passes at once, each on its own database: the PostgreSQL pass in the background, its
  # output shown when it ends; the SQLite pass (with the tests that run once) in the foreground.
  echo
  echo "== PostgreSQL (in the background; ${ONCE[*]} run on SQLite only) =="
  TEST_DATABASE_URL="postgresql+psycopg://$PG_USER@127.0.0.1:$pg_port/$PG_DB" \
    "${pytest[@]}" "${ONCE[@]/#/--ignore=}" "$@" >"$pg_log" 2>&1 &
  local pg_pid=$!

  echo
  echo "== SQLite =="
  local started=$SECONDS
  env -u TEST_DATABASE_URL "${pytest[@]}" "$@" || sqlite_rc=$?
  log "SQLite pass took $((SECONDS - started)) s"

  echo
  echo "== PostgreSQL =="
  wait "$pg_pid" || pg_rc=$?
  cat "$pg_log"
  log "PostgreSQL pass took $((SECONDS - started)) s"
  # Arguments that name only tests that run once leave the PostgreSQL pass nothing to do.
  if ((pg_rc == 5 && $# > 0)); then
    pg_rc=0
  fi

  echo
  echo "== Summary =="
  echo "SQLite:     $(describe_rc "$sqlite_rc")"
  echo "PostgreSQL: $(describe_rc "$pg_rc")"

  if ((sqlite_rc != 0 || pg_rc != 0)); then
    return 1
  fi
}

# Allow `source scripts/test.sh` (e.g. to reuse pg_start/pg_stop) without running.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
