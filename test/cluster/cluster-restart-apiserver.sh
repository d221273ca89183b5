#!/usr/bin/env bash
# Kills the running kube-apiserver of a cluster-up.sh cluster and starts it
# again with the same command line (read from /proc), for reliability tests
# (clients must resume their watches). Usage:
#   cluster-restart-apiserver.sh [stop|start|restart] [SIGNAL]
# stop: kill it (SIGKILL by default: a crash, no graceful close of watches)
# and remember its command line; start: start it from that command line and
# wait for /readyz; restart: both. Honours CLUSTER_DIR and the ports of env.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"

action=${1:-restart}
signal=${2:-KILL}
args_file="$CLUSTER_DIR/kube-apiserver.cmdline"
log() { printf '[restart-apiserver %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*"; exit 1; }

stop_apiserver() {
  pid_alive kube-apiserver || die "kube-apiserver of $CLUSTER_DIR is not running"
  local pid i
  pid="$(<"$PIDS/kube-apiserver.pid")"
  cp "/proc/$pid/cmdline" "$args_file"
  kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid"
  # A graceful stop drains requests and watches, which takes a while.
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && die "kube-apiserver ($pid) still runs 60s after SIG$signal"
  rm -f "$PIDS/kube-apiserver.pid"
  log "stopped kube-apiserver ($pid) with SIG$signal"
}

start_apiserver() {
  [[ -f $args_file ]] || die "no saved command line in $args_file: stop it first"
  pid_alive kube-apiserver && die "kube-apiserver already runs"
  local args i
  mapfile -d '' args <"$args_file"
  setsid "${args[@]}" </dev/null >>"$LOGS/kube-apiserver.log" 2>&1 &
  echo $! >"$PIDS/kube-apiserver.pid"
  for ((i = 0; i < 240; i++)); do
    [[ "$(curl -sS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$SERVER/readyz" 2>/dev/null)" == ok ]] && {
      log "kube-apiserver ready"
      return 0
    }
    pid_alive kube-apiserver || die "kube-apiserver exited; see $LOGS/kube-apiserver.log"
    sleep 0.25
  done
  die "kube-apiserver /readyz not ok after 60s"
}

case $action in
  stop) stop_apiserver ;;
  start) start_apiserver ;;
  restart) stop_apiserver && start_apiserver ;;
  *) die "usage: $0 [stop|start|restart] [SIGNAL]" ;;
esac
