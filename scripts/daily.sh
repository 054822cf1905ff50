#!/usr/bin/env bash
# The daily jobs, as procure-daily.service runs them every morning on every node: `flask reminders` and
# `flask volunteers expire`. Each claims its day in the database first, so when several nodes run them the day's
# work is done once and the others print "already ran". Both run even if one fails; then the exit status is 1.
#
#   sudo -u procure bash scripts/daily.sh
#
# PROCURE_ENV_FILE: the environment file (default /etc/procure/procure.env).
set -euo pipefail

if [[ $# != 0 ]]; then
  echo "usage: $0   (no arguments; runs the daily jobs once)" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
load_procure_env

failed=0
.venv/bin/flask --app wsgi reminders || failed=1
.venv/bin/flask --app wsgi volunteers expire || failed=1
exit "$failed"
