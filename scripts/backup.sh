#!/usr/bin/env bash
# Back up everything a procure site holds: the database (PostgreSQL: pg_dump's custom format; the embedded
# SQLite: an online copy) and the environment file, whose SECRET_KEY the site cannot do without. Attachments and
# issued PDFs are in the database (table stored_files), so the dump holds them too.
#
#   sudo -u procure bash scripts/backup.sh DIR        # e.g. /var/backups/procure
#
# Writes DIR/procure-YYYYMMDD-HHMMSS/ (database.pgdump or procure.db, procure.env, SHA256SUMS; readable by its
# owner only), points DIR/latest at it and removes the sets older than KEEP_DAYS days (default 14). A set is
# renamed into place only once complete. Restore one with scripts/restore.sh. Copy DIR to another machine too.
#
# PROCURE_ENV_FILE: the environment file (default /etc/procure/procure.env; DATABASE_URL names the database).
set -euo pipefail

if [[ $# != 1 || "$1" == -* ]]; then
  echo "usage: $0 DIR   (the folder of the backup sets, e.g. /var/backups/procure)" >&2
  exit 2
fi
dir="$1"
keep_days="${KEEP_DAYS:-14}"
if [[ ! "$keep_days" =~ ^[0-9]+$ ]]; then
  echo "KEEP_DAYS must be a number of days, not '$keep_days'" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
load_procure_env
python=.venv/bin/python
[[ -x "$python" ]] || { echo "no $python in $PWD: create the virtualenv first (docs/deploy.md)" >&2; exit 1; }

umask 077
mkdir -p -- "$dir"
dir="$(cd -- "$dir" && pwd)"
name="procure-$(date +%Y%m%d-%H%M%S)"
if [[ -e "$dir/$name" ]]; then
  echo "$dir/$name exists: one backup a second at most" >&2
  exit 1
fi
partial="$dir/.$name.partial"
rm -rf -- "$partial"
mkdir -- "$partial"
trap 'rm -rf -- "$partial"' EXIT

# The database the app would use, as config.py resolves it (DATABASE_URL, else the instance's SQLite file).
url="$("$python" -c 'import config; print(config.Config.SQLALCHEMY_DATABASE_URI)')"
case "$url" in
  postgresql:* | postgresql+*)
    # pg_dump takes libpq's form of the URL: without SQLAlchemy's "+driver". -w: never ask for a password.
    pg_dump -w --format=custom --file="$partial/database.pgdump" "postgresql://${url#*://}"
    ;;
  sqlite:///*)
    "$python" - "${url#sqlite:///}" "$partial/procure.db" <<'PY'
import sqlite3
import sys
from pathlib import Path

source_path = Path(sys.argv[1])
if not source_path.is_file():
    sys.exit(f"no SQLite database at {source_path}")
source = sqlite3.connect(f"{source_path.resolve().as_uri()}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)  # a consistent copy, while the app keeps writing
(check,) = target.execute("PRAGMA integrity_check").fetchone()
if check != "ok":
    sys.exit(f"the copy fails SQLite's integrity check: {check}")
PY
    ;;
  *)
    echo "cannot back up this database: ${url%%:*} (PostgreSQL or SQLite only)" >&2
    exit 1
    ;;
esac

if [[ -n "$procure_env_file" ]]; then
  cp -- "$procure_env_file" "$partial/procure.env"
else
  echo "warning: no environment file (PROCURE_ENV_FILE); keep the SECRET_KEY safe some other way" >&2
fi
(cd -- "$partial" && sha256sum -- * >SHA256SUMS)

mv -- "$partial" "$dir/$name"
trap - EXIT
ln -sfn -- "$name" "$dir/latest"
find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'procure-*' -mtime +"$keep_days" -exec rm -rf -- {} +

echo "backup written: $dir/$name"
(cd -- "$dir/$name" && du -h -- *)
