#!/usr/bin/env bash
# Builds .tools/bin/validate-dashboard (main.go, Grafana Foundation SDK pinned in go.mod) and prints
# its path on stdout. Skipped when the binary is newer than its sources; Go's module and build caches
# make a rebuild take seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${TOOLS_DIR:-$root/.tools}/bin"
bin="$out/validate-dashboard"
if [[ -x $bin && -z "$(find "$here" -maxdepth 1 \( -name '*.go' -o -name go.mod -o -name go.sum -o -name build.sh \) -newer "$bin" -print -quit)" ]]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "Go is required to build the dashboard validator" >&2
  exit 1
fi
mkdir -p "$out"
cd "$here"
# GOTOOLCHAIN=local: never fetch a toolchain; -mod=readonly: go.mod and go.sum are committed.
GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -o "$bin" . >&2
echo "$bin"
