#!/usr/bin/env bash
# Builds one benchmark peer (k8sgpt or popeye) into .tools/bin from its Go module at the version
# pinned in versions.env. `go install MODULE@VERSION` does not work here: it asks the module proxy
# for the module's version list (for deprecation notices) and that request is refused. So the exact
# version is downloaded into the module cache (`go mod download -json`), copied to a writable
# folder, and built there with its own go.mod/go.sum. An existing binary of the pinned version is
# kept (a stamp file records which version it is). Prints the binary's path on stdout.
# Usage: build-peer.sh k8sgpt|popeye
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
name="${1:?usage: build-peer.sh k8sgpt|popeye}"
case "$name" in
  k8sgpt) module="$K8SGPT_MODULE"; version="$K8SGPT_VERSION";
          ldflags="-s -w -X main.version=${K8SGPT_VERSION#v} -X main.commit=module -X main.date=module" ;;
  popeye) module="$POPEYE_MODULE"; version="$POPEYE_VERSION";
          ldflags="-s -w -X github.com/derailed/popeye/cmd.version=${POPEYE_VERSION#v}" ;;
  *) echo "unknown peer $name (k8sgpt|popeye)" >&2; exit 2 ;;
esac
out="${TOOLS_DIR:-$root/.tools}/bin"
bin="$out/$name"
stamp="$bin.version"
if [[ -x $bin && -f $stamp && "$(<"$stamp")" == "$module@$version" ]]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "Go is required to build $name" >&2; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
src="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -d $src ]] || { echo "go mod download gave no source folder for $module@$version" >&2; exit 1; }
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
mkdir -p "$out"
echo "building $name $version from $module (k8sgpt ~13 min, popeye ~5 min on 2 cores; cached afterwards)" >&2
(cd "$work" && go build -trimpath -ldflags "$ldflags" -o "$bin" . >&2)
echo "$module@$version" > "$stamp"
echo "$bin"
