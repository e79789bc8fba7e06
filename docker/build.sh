#!/bin/sh
# Builds the four Tempo images from this checkout, tagged with the release version:
#   docker/build.sh [--prefix NAME] [--dry-run]
# --dry-run prints the docker commands instead of running them.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
VERSION=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/package.json")
PREFIX=${TEMPO_IMAGE_PREFIX:-tempo}
DRY=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    *) echo "usage: docker/build.sh [--prefix NAME] [--dry-run]" >&2; exit 2 ;;
  esac
done
run() { if [ -n "$DRY" ]; then echo "$*"; else "$@"; fi; }
for app in server worker mcp dashboard; do
  run docker build -f "$ROOT/docker/$app.Dockerfile" -t "$PREFIX/$app:$VERSION" "$ROOT"
done
