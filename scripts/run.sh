#!/usr/bin/env bash
# Set everything up, migrate, load the demo data and serve procure.
#
#   bash scripts/run.sh                 # http://127.0.0.1:5000
#   PORT=8000 HOST=0.0.0.0 bash scripts/run.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# gunicorn.conf.py reads all three; config.py builds the development PUBLIC_BASE_URL from HOST and PORT.
export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-5000}"
export WORKERS="${WORKERS:-2}"

bash scripts/setup.sh run

export FLASK_APP=wsgi

echo "[run] applying database migrations"
.venv/bin/flask db upgrade
echo "[run] syncing the working-day calendar"
.venv/bin/flask calendar sync
echo "[run] loading demo data (idempotent)"
.venv/bin/flask demo load

echo
echo "procure is starting on http://$HOST:$PORT/"
echo "Demo accounts and passwords: see README."
echo "Press Ctrl+C to stop."
echo

# gunicorn.conf.py: bind, workers, timeouts, the access log with request ids, no control socket.
exec .venv/bin/gunicorn -c gunicorn.conf.py
