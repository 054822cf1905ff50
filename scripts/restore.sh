#!/usr/bin/env bash
# Restore a backup set of scripts/backup.sh into a new database, then check it as the app sees it: the audit
# trail's hash chain (`flask audit verify`) and the readiness check (/readyz: reachable, schema at this code's
# migration head). Used for the restore drill (into a scratch database) and after a loss (into a new one).
#
#   sudo -u procure bash scripts/restore.sh BACKUP_SET DATABASE_URL
#   e.g. scripts/restore.sh /var/backups/procure/latest postgresql+psycopg://procure@/procure_drill
#        scripts/restore.sh /var/backups/procure/latest sqlite:////var/lib/procure/drill.db
#
# DATABASE_URL must be an empty PostgreSQL database (createdb) or a SQLite file that does not exist yet: a restore
# never writes over data. The set's procure.env holds the SECRET_KEY: on a new machine, install it as
# /etc/procure/procure.env. PROCURE_ENV_FILE: the environment file (default /etc/procure/procure.env).
set -euo pipefail

if [[ $# != 2 || "$1" == -* ]]; then
  echo "usage: $0 BACKUP_SET DATABASE_URL   (e.g. /var/backups/procure/latest postgresql+psycopg://procure@/procure_drill)" >&2
  exit 2
fi
set_dir="$1"
target="$2"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
load_procure_env
python=.venv/bin/python
[[ -x "$python" ]] || { echo "no $python in $PWD: create the virtualenv first (docs/deploy.md)" >&2; exit 1; }

if [[ ! -f "$set_dir/SHA256SUMS" ]]; then
  echo "$set_dir is not a backup set of scripts/backup.sh (no SHA256SUMS)" >&2
  exit 1
fi
if ! (cd -- "$set_dir" && sha256sum --check --quiet SHA256SUMS); then
  echo "$set_dir: a file does not match its checksum; not restored" >&2
  exit 1
fi

case "$target" in
  postgresql:* | postgresql+*)
    [[ -f "$set_dir/database.pgdump" ]] || { echo "$set_dir holds no PostgreSQL dump (database.pgdump)" >&2; exit 1; }
    libpq="postgresql://${target#*://}"
    tables="$(psql -w -X -A -t -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" "$libpq")"
    if [[ "$tables" != 0 ]]; then
      echo "the database of $target is not empty ($tables tables): restore into a new one (createdb)" >&2
      exit 1
    fi
    pg_restore -w --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$libpq" \
      "$set_dir/database.pgdump"
    ;;
  sqlite:///*)
    [[ -f "$set_dir/procure.db" ]] || { echo "$set_dir holds no SQLite database (procure.db)" >&2; exit 1; }
    path="${target#sqlite:///}"
    if [[ -e "$path" ]]; then
      echo "$path exists: restore into a new file" >&2
      exit 1
    fi
    mkdir -p -- "$(dirname -- "$path")"
    install -m 600 -- "$set_dir/procure.db" "$path"
    ;;
  *)
    echo "cannot restore into ${target%%:*}: a postgresql+psycopg:// or sqlite:/// URL" >&2
    exit 1
    ;;
esac
echo "restored $set_dir into $target"

export DATABASE_URL="$target"
.venv/bin/flask --app wsgi audit verify
"$python" - <<'PY'
"""/readyz as a load balancer would ask it, and what the restored database holds."""
import json
import sys

from sqlalchemy import text

from procure.extensions import db
from wsgi import app

answer = app.test_client().get("/readyz")
print(f"/readyz: {answer.status_code} {json.dumps(answer.get_json(), ensure_ascii=False)}")
if answer.status_code != 200:
    sys.exit(1)
with app.app_context():
    users = db.session.scalar(text("SELECT count(*) FROM users"))
    files, size = db.session.execute(text("SELECT count(*), coalesce(sum(size), 0) FROM stored_files")).one()
print(f"holds {users} users and {files} stored files ({size} bytes)")
PY
