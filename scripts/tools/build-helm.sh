#!/usr/bin/env bash
# Builds .tools/bin/helm from the Go module helm.sh/helm/v4 at the pinned version (no binary
# download: only the Go module proxy is reachable). Go's module and build caches make a second
# build of the same version take seconds; an existing binary of the right version is kept as is.
# Prints the binary's path on stdout (everything else goes to stderr).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
out="${TOOLS_DIR:-$root/.tools}/bin"
bin="$out/helm"

if [[ -x $bin ]] && "$bin" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "Go is required to build helm $HELM_VERSION (or put a helm $HELM_VERSION binary at $bin)" >&2
  exit 1
fi
mkdir -p "$out"
echo "building helm $HELM_VERSION from Go modules (first time ~5 min on 2 cores)" >&2
# GOTOOLCHAIN=local: never fetch a toolchain; GOFLAGS=-mod=mod: go install pkg@version ignores go.mod anyway.
GOTOOLCHAIN=local GOBIN="$out" CGO_ENABLED=0 go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" >&2
echo "$bin"
