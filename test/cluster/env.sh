# Shared settings for cluster-up.sh and cluster-down.sh (sourced, not run).
# Every port binds to 127.0.0.1 only. The defaults avoid the well-known
# Kubernetes ports (6443, 2379, 10257, 10259) so a developer's own cluster or
# a system etcd does not collide with the test one; override them if needed.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-$repo_root/.cluster}"
ETCD_CLIENT_PORT="${ETCD_CLIENT_PORT:-32379}"
ETCD_PEER_PORT="${ETCD_PEER_PORT:-32380}"
APISERVER_PORT="${APISERVER_PORT:-36443}"
KCM_PORT="${KCM_PORT:-30257}"
SCHEDULER_PORT="${SCHEDULER_PORT:-30259}"
KWOK_PORT="${KWOK_PORT:-30247}"
CLUSTER_NODES="${CLUSTER_NODES:-3}"

BIN="$CLUSTER_DIR/bin/localcluster"
PKI="$CLUSTER_DIR/pki"
PIDS="$CLUSTER_DIR/pids"
LOGS="$CLUSTER_DIR/logs"
KUBECONFIG_OUT="$CLUSTER_DIR/kubeconfig"
SERVER="https://127.0.0.1:${APISERVER_PORT}"
# Start order; cluster-down.sh stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# pid_alive NAME: true when the recorded process still runs our binary (the
# cmdline check guards against a recycled PID belonging to someone else).
pid_alive() {
  local f="$PIDS/$1.pid" pid
  [[ -f $f ]] || return 1
  pid="$(<"$f")"
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$BIN $1 "
}
