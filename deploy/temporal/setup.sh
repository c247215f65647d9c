#!/usr/bin/env bash
# Sets Temporal up for this service, the same way in the compose deployment (in the
# temporalio/admin-tools image) and in `npm run test:cluster` (with the tools built from the same
# server version). Each step can run again and changes nothing the second time.
#
#   setup.sh schema     before any Temporal service starts: Temporal's two databases in PostgreSQL,
#                       their schema brought to the server's version (temporal-sql-tool; its schema
#                       files are built in). Needs POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD.
#   setup.sh namespace  once the frontend answers (TEMPORAL_ADDRESS): the namespace with its retention
#                       (namespace.env) and the service's search attributes (search-attributes.txt).
#
# SQL_TOOL and TEMPORAL_CLI name the tools when they are not on the PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"
TEMPORAL_CLI="${TEMPORAL_CLI:-temporal}"
# shellcheck source=namespace.env
source "$here/namespace.env"

schema() {
  local database schema_name output
  for database in temporal temporal_visibility; do
    schema_name=postgresql/v12/temporal
    [[ "$database" == temporal_visibility ]] && schema_name=postgresql/v12/visibility
    local sql=("$SQL_TOOL" --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "$DB_PORT"
      --user "$POSTGRES_USER" --database "$database")
    # The password by the tool's environment variable, not on a command line.
    if ! output="$(SQL_PASSWORD="$POSTGRES_PWD" "${sql[@]}" create-database 2>&1)"; then
      grep -q 'already exists' <<<"$output" || { echo "$output" >&2; exit 1; }
    fi
    SQL_PASSWORD="$POSTGRES_PWD" "${sql[@]}" setup-schema -v 0.0
    SQL_PASSWORD="$POSTGRES_PWD" "${sql[@]}" update-schema --schema-name "$schema_name"
  done
}

# Runs a command until it succeeds, every 2 s, for up to 2 minutes: the frontend may be starting
# still, and a namespace just made reaches every frontend's cache within seconds, not at once.
retry() {
  local tries=0 output
  until output="$("$@" 2>&1)"; do
    ((++tries < 60)) || { echo "$output" >&2; exit 1; }
    sleep 2
  done
  [[ -z "$output" ]] || echo "$output"
}

namespace() {
  local cli=("$TEMPORAL_CLI" --address "$TEMPORAL_ADDRESS")
  retry "${cli[@]}" operator cluster health
  if "${cli[@]}" operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
    "${cli[@]}" operator namespace update --namespace "$TEMPORAL_NAMESPACE" \
      --retention "$TEMPORAL_NAMESPACE_RETENTION"
  else
    "${cli[@]}" operator namespace create --namespace "$TEMPORAL_NAMESPACE" \
      --retention "$TEMPORAL_NAMESPACE_RETENTION"
  fi
  local args=() name type
  while read -r name type; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    args+=(--name "$name" --type "$type")
  done <"$here/search-attributes.txt"
  retry "${cli[@]}" operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" "${args[@]}"
}

case "${1:-}" in
  schema) schema ;;
  namespace) namespace ;;
  *)
    echo "usage: $0 schema|namespace" >&2
    exit 2
    ;;
esac
