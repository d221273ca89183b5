#!/usr/bin/env bash
# npm run bench:peers [-- --scale large] [-- --skip-populate] ...: builds the peers k8sgpt and Popeye
# from their Go modules (cached in .tools/bin), builds the operator, starts the benchmark control
# plane with its audit log (bench/controller-cluster.sh; 150 kwok nodes, 480 with --scale large),
# runs bench/peers/bench.ts with the given options and writes docs/benchmarks.md. The cluster stays
# up for further runs (--skip-populate); `bash bench/controller-cluster.sh down` removes it.
# Opt-in: never part of npm test.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
bash scripts/tools/build-peer.sh popeye >/dev/null
bash scripts/tools/build-peer.sh k8sgpt >/dev/null
npm run build --silent
if [[ " $* " == *" --scale large "* ]]; then export BENCH_NODES="${BENCH_NODES:-480}"; fi
bash bench/controller-cluster.sh up
node --import tsx bench/peers/bench.ts --kubeconfig "${BENCH_CLUSTER_DIR:-/tmp/healthreport-bench-cluster}/kubeconfig" "$@"
node --import tsx bench/peers/write-doc.ts
