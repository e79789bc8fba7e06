#!/bin/sh
# The worker image's entry point (spec: the Docker worker entrypoint). Without TEMPO_WORKER_TOKEN
# and with TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY, it issues this worker's token through
# rotate-token once the server is healthy. Then it replaces itself with the worker (exec), with
# the admin key removed from the environment: no process left in the container holds it, so a
# handler cannot read it from /proc. A restart issues a new token.
set -eu
host=$(hostname)
: "${TEMPO_WORKER_ID:=wrk_$(printf '%s' "$host" | tr -c 'A-Za-z0-9' '_')}"
: "${TEMPO_WORKER_NAME:=tempo-worker-$host}"
export TEMPO_WORKER_ID TEMPO_WORKER_NAME
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
if [ -z "${TEMPO_WORKER_TOKEN:-}" ] && [ -n "${TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY:-}" ]; then
  TEMPO_WORKER_TOKEN=$(node "$here/worker-bootstrap-token.mjs")
  export TEMPO_WORKER_TOKEN
fi
unset TEMPO_WORKER_BOOTSTRAP_ADMIN_API_KEY
exec node --disable-warning=ExperimentalWarning "$here/../apps/worker/src/main.ts" "$@"
