#!/usr/bin/env bash
# Stops every process cluster-up.sh started (by the PIDs it recorded) and
# removes the cluster's state, so the next cluster-up starts from an empty
# etcd. Keeps .cluster/bin (the build) and .cluster/logs (for post-mortems).
set -euo pipefail
source "$(dirname "$0")/env.sh"

stop() {
  local name=$1 pid i
  if pid_alive "$name"; then
    pid="$(<"$PIDS/$name.pid")"
    # Each component runs in its own session (setsid), so signal the group
    # in case it ever forks helpers.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name ($pid) did not stop in 10s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $name ($pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

mkdir -p "$CLUSTER_DIR"
exec 9>"$CLUSTER_DIR/.lock"
flock 9
# The API clients each take ~2s to shut down; stop them together, then the
# apiserver, then etcd (the apiserver must not outlive its storage).
for c in kwok kube-scheduler kube-controller-manager; do stop "$c" & done
wait
stop kube-apiserver
stop etcd
# Processes of this checkout's binary whose PID file is gone (e.g. .cluster/
# was deleted while the cluster ran) would otherwise be left behind and keep
# the ports; they are found by their command line, which names our binary.
for proc in /proc/[0-9]*; do
  cmd="$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline" || true)"
  if [[ $cmd == "$BIN "* ]]; then
    pid="${proc#/proc/}"
    echo "stopping unrecorded ${cmd%% --*} ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -rf "$CLUSTER_DIR/etcd" "$CLUSTER_DIR/pki" "$PIDS" "$CLUSTER_DIR"/*.kubeconfig "$KUBECONFIG_OUT" "$CLUSTER_DIR/stages.yaml"
echo "local cluster is down"
