#!/usr/bin/env bash
# Prepare everything procure needs, idempotently and quickly when already done.
#
#   bash scripts/setup.sh run    # system libraries + runtime Python packages
#   bash scripts/setup.sh test   # ... plus chromium, PostgreSQL, poppler, Redis, test deps
#
# Environment knobs:
#   PYTHON=python3.11   interpreter used to create .venv (default: python3)
#   SKIP_APT=1          never touch system packages (just report what is missing)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode="${1:-run}"
case "$mode" in
  run | test) ;;
  *)
    echo "usage: $0 [run|test]" >&2
    exit 2
    ;;
esac

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

log() { printf '[setup] %s\n' "$*"; }

# --------------------------------------------------------------------------
# 1. System packages (Debian/apt)
# --------------------------------------------------------------------------
is_installed() {
  local status
  status="$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" || return 1
  [[ "$status" == "installed" ]]
}

# PostgreSQL server binaries: any /usr/lib/postgresql/<ver>/bin/initdb will do
# (the "postgresql" meta package is just the usual way to get them).
have_pg_server() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && return 0
  done
  return 1
}

# Can we create a venv *with pip*? Debian's system python needs python3-venv
# for that (ensurepip is split out); pyenv/python.org builds have it built in.
venv_works() {
  command -v "$PYTHON" >/dev/null 2>&1 &&
    "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1
}

venv_ok() {
  [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c '' >/dev/null 2>&1
}

wanted=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
if [[ "$mode" == test ]]; then
  # redis-server: the tests start throwaway ones (the public limits kept in Redis, the two-node cluster).
  # nginx, curl, openssl: tests/production/test_deploy_guide.py serves deploy/nginx.conf over HTTPS (a
  # self-signed certificate) in front of the app. Where services may start (no policy-rc.d), Debian's nginx
  # package also starts its default site on port 80: `systemctl disable --now nginx` stops it.
  wanted+=(chromium poppler-utils redis-server nginx curl openssl)
fi

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done
if [[ "$mode" == test ]] && ! have_pg_server; then
  missing+=(postgresql)
fi
if ! venv_ok && ! venv_works; then
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    missing+=(python3)
  fi
  missing+=(python3-venv)
fi

if ((${#missing[@]})); then
  apt_cmd=()
  if [[ "${SKIP_APT:-}" == 1 ]]; then
    apt_cmd=()
  elif [[ "$(id -u)" == 0 ]]; then
    apt_cmd=(env DEBIAN_FRONTEND=noninteractive)
  elif command -v sudo >/dev/null 2>&1; then
    apt_cmd=(sudo env DEBIAN_FRONTEND=noninteractive)
  fi
  if ((${#apt_cmd[@]} == 0)) || ! command -v apt-get >/dev/null 2>&1; then
    {
      echo "[setup] missing system packages: ${missing[*]}"
      echo "[setup] install them (as root) with:"
      echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    } >&2
    exit 1
  fi
  log "installing system packages: ${missing[*]}"
  "${apt_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update -q
  "${apt_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    --no-install-recommends "${missing[@]}"
  # The package database may have changed the python3 on PATH.
  hash -r
fi

# --------------------------------------------------------------------------
# 2. Virtualenv + Python packages
# --------------------------------------------------------------------------
if ! venv_ok; then
  if [[ -e "$VENV" ]]; then
    log "$VENV is broken (its python does not run); recreating it"
    rm -rf -- "$VENV"
  fi
  log "creating $VENV with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi

req_file=requirements.txt
[[ "$mode" == test ]] && req_file=requirements-dev.txt

# Both files are locks (make lock): the whole tree, pinned, with hashes.
# requirements-dev.txt holds the runtime tree at the same versions as
# requirements.txt (tests/test_requirements.py checks), plus the test extras.
# The stamp holds a hash of every lock involved, so changing either one
# triggers pip.
reqs_hash() {
  local files=(requirements.txt)
  [[ "$1" == test ]] && files+=(requirements-dev.txt)
  cat -- "${files[@]}" | sha256sum | cut -d' ' -f1
}

stamp="$VENV/.stamp-$mode"
want_hash="$(reqs_hash "$mode")"
if [[ -f "$stamp" && "$(<"$stamp")" == "$want_hash" ]]; then
  log "Python packages up to date ($req_file)"
else
  log "installing Python packages from $req_file"
  rm -f -- "$stamp"
  "$VENV/bin/python" -m pip install --disable-pip-version-check \
    --no-input -q --require-hashes -r "$req_file"
  printf '%s\n' "$want_hash" >"$stamp"
  # The dev lock includes the runtime tree, so "run" is satisfied too.
  if [[ "$mode" == test ]]; then
    reqs_hash run >"$VENV/.stamp-run"
  fi
fi

# --------------------------------------------------------------------------
# 3. Translations (.po -> .mo), only when a catalog changed
# --------------------------------------------------------------------------
tr_dir=procure/translations
if [[ -d "$tr_dir" ]]; then
  stale=0
  have_po=0
  while IFS= read -r -d '' po; do
    have_po=1
    mo="${po%.po}.mo"
    if [[ ! -f "$mo" || "$po" -nt "$mo" ]]; then
      stale=1
    fi
  done < <(find "$tr_dir" -path '*/LC_MESSAGES/messages.po' -print0)
  if ((have_po == 0)); then
    log "no <locale>/LC_MESSAGES/messages.po under $tr_dir; nothing to compile"
  elif ((stale)); then
    log "compiling translations in $tr_dir"
    "$VENV/bin/pybabel" compile -d "$tr_dir"
  else
    log "translations up to date"
  fi
fi

log "ready ($mode)"
