# Sourced by the deployment scripts (flask.sh, daily.sh, backup.sh, restore.sh): the node's environment file,
# read as systemd reads EnvironmentFile= (KEY=value lines; nothing in them is run or expanded, a pair of quotes
# around a value is dropped). PROCURE_ENV_FILE names it; without it /etc/procure/procure.env when that exists,
# otherwise the environment as it is (a development checkout). Sets procure_env_file to the file read, or "".

procure_env_file=""

load_procure_env() {
  local file="${PROCURE_ENV_FILE:-}"
  if [[ -z "$file" ]]; then
    file=/etc/procure/procure.env
    [[ -e "$file" ]] || return 0
  fi
  if [[ ! -r "$file" ]]; then
    echo "cannot read the environment file $file (PROCURE_ENV_FILE; run as the procure user or root)" >&2
    exit 1
  fi
  local line key value
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ ! "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      echo "$file: not a KEY=value line: $line" >&2
      exit 1
    fi
    key="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    export "$key=$value"
  done <"$file"
  procure_env_file="$file"
}
