#!/usr/bin/env bash
# Prints the folder of the Gateway API's published standard-channel CRDs (config/crd/standard/*.yaml
# of the Go module sigs.k8s.io/gateway-api at the pinned GATEWAY_API_VERSION), fetching the module
# into Go's module cache first if needed: only the Go module proxy is reachable, and the module is
# where the project publishes the same YAML as its release assets. The e2e tests install the CRDs
# from there rather than from a vendored copy (1.2 MB of YAML per version).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
if ! command -v go >/dev/null; then
  echo "Go is required to fetch sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION (the local control plane needs it too)" >&2
  exit 1
fi
# Outside any module (go.mod of the cluster build must not matter); GOTOOLCHAIN=local: never fetch a toolchain.
cd "$(mktemp -d)"
dir="$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
rmdir "$PWD" 2>/dev/null || true
crds="$dir/config/crd/standard"
if [[ ! -d $crds ]]; then
  echo "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION has no config/crd/standard (got Dir '$dir')" >&2
  exit 1
fi
echo "$crds"
