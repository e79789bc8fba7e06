#!/bin/sh
# Pushes the four images docker/build.sh built to the registry named by --prefix (for example
# your-registry.example/tempo), also as :latest unless --no-latest:
#   docker/publish.sh --prefix NAME [--no-latest] [--dry-run]
# --dry-run prints the docker commands instead of running them (the tests use it).
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
VERSION=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json")
PREFIX=
LATEST=1
DRY=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --no-latest) LATEST=; shift ;;
    --dry-run) DRY=1; shift ;;
    *) echo "usage: docker/publish.sh --prefix NAME [--no-latest] [--dry-run]" >&2; exit 2 ;;
  esac
done
[ -n "$PREFIX" ] || { echo "docker/publish.sh: --prefix is required (where the images go)" >&2; exit 2; }
[ -n "$VERSION" ] || { echo "docker/publish.sh: no version in package.json" >&2; exit 1; }
run() { if [ -n "$DRY" ]; then echo "$*"; else "$@"; fi; }
for app in server worker mcp dashboard; do
  run docker tag "tempo/$app:$VERSION" "$PREFIX/$app:$VERSION"
  run docker push "$PREFIX/$app:$VERSION"
  if [ -n "$LATEST" ]; then
    run docker tag "tempo/$app:$VERSION" "$PREFIX/$app:latest"
    run docker push "$PREFIX/$app:latest"
  fi
done
