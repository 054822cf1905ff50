#!/usr/bin/env bash
# Regenerate the locked requirement files from the hand-edited ones:
#
#   requirements.in      -> requirements.txt      (runtime tree, with hashes)
#   requirements-dev.in  -> requirements-dev.txt  (runtime + dev/test tree, with hashes;
#                                                  the runtime pins exactly as in requirements.txt)
#
#   bash scripts/lock.sh                         # keep existing pins where the .in files allow
#   bash scripts/lock.sh --upgrade               # move every unpinned (transitive) package to its newest release
#   bash scripts/lock.sh --upgrade-package NAME  # ... only that one
#
# Extra arguments go to both pip-compile runs. pip-tools runs from a throwaway venv at a
# pinned version, so the output does not depend on what is installed anywhere else.
# The locks are for CPython 3.11 on Linux x86_64 (what setup.sh installs on): environment
# markers are evaluated for the interpreter that runs this script.
#
# Environment knobs:
#   PYTHON=python3.11   interpreter for the throwaway venv (default: python3; must be 3.11)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PIP_VERSION=26.3
PIP_TOOLS_VERSION=7.7.0
WANT_PYTHON=3.11

PYTHON="${PYTHON:-python3}"

log() { printf '[lock] %s\n' "$*"; }

have="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ "$have" != "$WANT_PYTHON" ]]; then
  echo "[lock] $PYTHON is Python $have; the locks are made for Python $WANT_PYTHON (set PYTHON=python$WANT_PYTHON)" >&2
  exit 2
fi

# Only the package index counts: no pip configuration files, no local wheel folders,
# extra indexes or constraints of this machine (PIP_INDEX_URL, a mirror, is honoured,
# and never written into the locks).
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_CONSTRAINT PIP_NO_INDEX PIP_REQUIREMENT
export PIP_DISABLE_PIP_VERSION_CHECK=1
# What the generated files' headers name as the command that made them.
export CUSTOM_COMPILE_COMMAND="make lock"

tools="$(mktemp -d)"
trap 'rm -rf -- "$tools"' EXIT

log "pip-tools $PIP_TOOLS_VERSION in a throwaway venv ($("$PYTHON" --version 2>&1))"
"$PYTHON" -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip install --no-input -q \
  "pip==$PIP_VERSION" "pip-tools==$PIP_TOOLS_VERSION"

compile() {
  local src="$1" out="$2"
  shift 2
  log "$src -> $out"
  "$tools/venv/bin/pip-compile" --quiet \
    --generate-hashes --allow-unsafe --strip-extras \
    --no-emit-index-url --no-emit-trusted-host --no-emit-find-links \
    --newline=LF --output-file="$out" "$@" "$src"
}

# Runtime first: requirements-dev.in constrains itself to requirements.txt (-c).
compile requirements.in requirements.txt "$@"
compile requirements-dev.in requirements-dev.txt "$@"

log "done; commit requirements*.in and requirements*.txt together"
