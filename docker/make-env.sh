#!/bin/sh
# Writes docker/.env with fresh random secrets for docker/compose.yaml, once: an existing file is
# kept (its keys seal stored secrets and sign tokens; replacing them loses both).
set -eu
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
ENV_FILE="$HERE/.env"
if [ -e "$ENV_FILE" ]; then
  echo "docker/.env exists; keeping it" >&2
  exit 0
fi
random() { head -c 32 /dev/urandom | base64 | tr -d '\n/+=' ; }
umask 077
cat >"$ENV_FILE.tmp" <<ENV
TEMPO_AUTH_ADMIN_API_KEY=$(random)
TEMPO_AUTH_SIGNING_KEY=$(random)
TEMPO_AUTH_CREDENTIAL_HASH_KEY=$(random)
TEMPO_SECRETS_KEY=$(random)
TEMPO_DB_PASSWORD=$(random)
TEMPO_MCP_ACCESS_TOKEN=$(random)
ENV
mv "$ENV_FILE.tmp" "$ENV_FILE"
echo "wrote docker/.env (owner-only); the admin API key is TEMPO_AUTH_ADMIN_API_KEY in it" >&2
