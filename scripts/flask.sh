#!/usr/bin/env bash
# `flask` as a node runs the app: its settings from the environment file, the checkout's virtualenv.
#
#   sudo -u procure bash scripts/flask.sh db upgrade
#   sudo -u procure bash scripts/flask.sh users create admin --role admin --org 1
#
# PROCURE_ENV_FILE: the environment file (default /etc/procure/procure.env).
set -euo pipefail

if [[ $# == 0 ]]; then
  echo "usage: $0 COMMAND [ARGS...]   (the commands: $0 --help)" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
load_procure_env

if [[ ! -x .venv/bin/flask ]]; then
  echo "no .venv/bin/flask in $PWD: create the virtualenv first (docs/deploy.md)" >&2
  exit 1
fi
exec .venv/bin/flask --app wsgi "$@"
