#!/usr/bin/env bash
# A dedicated local control plane for the controller benchmark (bench/controller-bench.ts), so that
# its 10,000 pods never land on the shared test cluster (.cluster/, default ports).
#   bash bench/controller-cluster.sh up     # start it; prints the kubeconfig path
#   bash bench/controller-cluster.sh down   # stop it and delete its state
# It reuses test/cluster/cluster-up.sh with its own CLUSTER_DIR and ports, copies the already built
# .cluster/bin/localcluster (no rebuild), then restarts the controller-manager and the scheduler
# with higher client rates: their defaults (20 and 50 requests/s) make creating 10,000 pods take
# many minutes for reasons unrelated to the operator.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
export CLUSTER_DIR="${BENCH_CLUSTER_DIR:-/tmp/healthreport-bench-cluster}"
export ETCD_CLIENT_PORT="${BENCH_ETCD_CLIENT_PORT:-42379}" ETCD_PEER_PORT="${BENCH_ETCD_PEER_PORT:-42380}"
export APISERVER_PORT="${BENCH_APISERVER_PORT:-46443}" KCM_PORT="${BENCH_KCM_PORT:-40257}"
export SCHEDULER_PORT="${BENCH_SCHEDULER_PORT:-40259}" KWOK_PORT="${BENCH_KWOK_PORT:-40247}"
# kwok's node stage gives every node 110 pods: 150 nodes hold 10,000 pods plus rolling-update surge.
export CLUSTER_NODES="${BENCH_NODES:-150}"
# The API server's audit log of the benchmarked tools' requests (bench/peers/audit-policy.yaml logs
# only the users of the group bench:tools, so the population and the cluster's own controllers cost
# nothing here).
export APISERVER_EXTRA_ARGS="--audit-policy-file $repo/bench/peers/audit-policy.yaml --audit-log-path $CLUSTER_DIR/audit.log --audit-log-maxsize 0"

case "${1:-}" in
  up)
    mkdir -p "$CLUSTER_DIR/bin"
    if [[ ! -x $CLUSTER_DIR/bin/localcluster ]]; then
      [[ -x $repo/.cluster/bin/localcluster ]] || bash "$repo/test/cluster/build.sh"
      cp "$repo/.cluster/bin/localcluster" "$CLUSTER_DIR/bin/localcluster"
      touch "$CLUSTER_DIR/bin/localcluster"
    fi
    bash "$repo/test/cluster/cluster-up.sh"
    pids="$CLUSTER_DIR/pids"
    restart() { # NAME EXTRA-ARGS...: same command line plus the extra flags, same PID file.
      local name=$1 pid i
      shift
      pid="$(<"$pids/$name.pid")"
      mapfile -d '' -t argv <"/proc/$pid/cmdline"
      grep -q -- "--kube-api-qps" <<<"${argv[*]}" && return 0
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
      for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      setsid "${argv[@]}" "$@" </dev/null >"$CLUSTER_DIR/logs/$name.log" 2>&1 &
      echo $! >"$pids/$name.pid"
    }
    restart kube-controller-manager --kube-api-qps 300 --kube-api-burst 600 --concurrent-replicaset-syncs 10 --concurrent-deployment-syncs 10
    restart kube-scheduler --kube-api-qps 300 --kube-api-burst 600
    echo "benchmark cluster: KUBECONFIG=$CLUSTER_DIR/kubeconfig"
    ;;
  down)
    bash "$repo/test/cluster/cluster-down.sh"
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
