#!/bin/sh
# Assembles the container image's runtime file system (its /app) into OUT from a built checkout (npm ci
# and npm run build done): the one list of what the
# image contains. The Dockerfile's build stage runs this script and its runtime stage copies OUT as
# it is; test/e2e/runtime-image.test.ts runs the same script into a temporary folder and starts the
# operator from there (read-only, as uid 65532, on Node.js 24), so the image and its test cannot drift.
# POSIX sh: the build stage's base image has no bash guarantee.
set -eu
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1"
mkdir -p "$out"

# package.json: "type": "module" for dist/, and the version the operator reports.
cp "$root/package.json" "$root/package-lock.json" "$out/"
# Production dependencies only, exactly as locked. --ignore-scripts: the package's own `prepare` (a
# build) needs dev dependencies, and no production dependency has an install script.
(cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
# Nothing of this is loaded at run time: type declarations (a third of client-node's size) and source
# maps (the operator does not run with --enable-source-maps). Licences and READMEs stay.
find "$out/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.map' \) -delete
rm -rf "$out/node_modules/@types"
# The compiled operator (`npm run build` first): dist/src only, no tests, benchmarks or scripts, and
# no source maps should dist/ hold some from another build.
if [ ! -f "$root/dist/src/cli/bin.js" ]; then
  echo "$root/dist/src/cli/bin.js is missing: run npm run build first" >&2
  exit 1
fi
mkdir -p "$out/dist"
cp -R "$root/dist/src" "$out/dist/src"
find "$out/dist" -name '*.map' -type f -delete
