#!/usr/bin/env bash
# Prints the folder of the Prometheus Operator's own CRD manifests (ServiceMonitor, PrometheusRule,
# ...) at the pinned version: the Go module github.com/prometheus-operator/prometheus-operator ships
# them in example/prometheus-operator-crd/, and the Go module proxy is reachable where release
# downloads are not. Cached in Go's module cache after the first call (a few seconds, ~10 MB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
module=github.com/prometheus-operator/prometheus-operator
# Outside any go.mod, so that no project's module graph is consulted or changed.
cd "$(mktemp -d)"
trap 'rmdir "$PWD" 2>/dev/null || true' EXIT
json=$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$module@$PROMETHEUS_OPERATOR_VERSION")
dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -d $dir/example/prometheus-operator-crd ]] || { echo "no example/prometheus-operator-crd in $module@$PROMETHEUS_OPERATOR_VERSION ($dir)" >&2; exit 1; }
echo "$dir/example/prometheus-operator-crd"
