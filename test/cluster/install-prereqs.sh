#!/usr/bin/env bash
# Installs the Debian packages the local control plane scripts use, if any is
# missing: openssl (PKI generated at start-up), curl (health checks and API
# calls without kubectl), jq (reading API responses), util-linux (flock,
# setsid), procps (ps, for the memory figure), and the monitoring path the
# alert and dashboard tests run for real: prometheus (prometheus, promtool) and
# prometheus-alertmanager (prometheus-alertmanager, amtool). Nothing else is
# fetched: the control plane itself is built from Go modules by build.sh.
# Idempotent: does nothing when every command is already present.
set -euo pipefail

declare -A pkg_for=(
  [openssl]=openssl
  [curl]=curl
  [jq]=jq
  [flock]=util-linux
  [setsid]=util-linux
  [ps]=procps
  [prometheus]=prometheus
  [promtool]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [amtool]=prometheus-alertmanager
)
missing=()
for cmd in "${!pkg_for[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${pkg_for[$cmd]}")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
# De-duplicate (flock and setsid share a package, so do prometheus and promtool).
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing commands from packages: ${missing[*]}; install them with your package manager" >&2
  exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "need root (or sudo) to apt-get install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Test files that need these may run this script at the same time: wait for dpkg's lock.
lock=(-o DPkg::Lock::Timeout=600)
"${sudo[@]}" apt-get "${lock[@]}" update -qq
"${sudo[@]}" apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}"
