#!/usr/bin/env bash
# scripts/demo.sh: the main job behind `make run`.  Creates (or reuses) the
# demo state root ./demo, a demo certificate, and starts what has been
# built so far in the foreground; Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export RS_ROOT=${RS_ROOT:-$(pwd)/demo}
mkdir -p "$RS_ROOT"
chmod 0700 "$RS_ROOT"
echo "demo state root: $RS_ROOT"
echo "(the pieces are still landing: this grows into the whole report server)"
