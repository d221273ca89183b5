#!/usr/bin/env bash
# Starts a local Kubernetes control plane for the e2e tests: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake
# kubelets), all from .cluster/bin/localcluster, all on 127.0.0.1.
# Idempotent: when the cluster is already up and healthy it only prints how to
# use it; when it is half up (a process died) it is restarted from scratch.
set -euo pipefail
source "$(dirname "$0")/env.sh"

log() { printf '[cluster-up %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*"; exit 1; }

"$here/install-prereqs.sh"
mkdir -p "$CLUSTER_DIR"
# Serialises concurrent callers (two test runs in one checkout).
exec 9>"$CLUSTER_DIR/.lock"
flock 9

admin_curl() {
  curl -sS --max-time 10 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"
}

all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do pid_alive "$c" || return 1; done
  [[ "$(admin_curl "$SERVER/readyz" 2>/dev/null)" == ok ]]
}

print_usage() {
  cat <<USAGE

Local cluster is up (Kubernetes ${K8S_VERSION}, kwok ${KWOK_VERSION}).
  export KUBECONFIG=$KUBECONFIG_OUT
  kubectl get nodes                       # ${CLUSTER_NODES} fake kwok nodes
  npm run test:e2e                        # e2e suite against it
  npm run cluster:down                    # stop it and delete its state
Logs: $LOGS/
Pods annotated e2e.sre.otomi.io/scenario=crashloop|oomkilled|not-ready|image-pull
play that failure (see test/cluster/kwok-stages.yaml).
USAGE
}

source "$here/versions.env"

if all_running; then
  log "already running"
  print_usage
  exit 0
fi
# Whatever is left of an earlier cluster (a crashed component, processes
# whose PID files were deleted) is stopped so that the ports are free.
flock -u 9
"$here/cluster-down.sh" >/dev/null
flock 9

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$KCM_PORT" "$SCHEDULER_PORT" "$KWOK_PORT"; do
  port_in_use "$p" && die "port 127.0.0.1:$p is in use by another process; set ETCD_CLIENT_PORT/ETCD_PEER_PORT/APISERVER_PORT/KCM_PORT/SCHEDULER_PORT/KWOK_PORT"
done

t0=$(date +%s)
# "go build" of an unchanged tree still spends ~10s loading and hashing
# thousands of packages, so skip it when the binary is newer than everything
# it is built from (CLUSTER_REBUILD=1 forces the build).
needs_build() {
  [[ ${CLUSTER_REBUILD:-} == 1 || ! -x $BIN ]] && return 0
  [[ -n "$(find "$here" -maxdepth 1 \( -name '*.go' -o -name go.mod -o -name go.sum -o -name versions.env -o -name build.sh \) -newer "$BIN" -print -quit)" ]]
}
if needs_build; then
  log "building (reuses Go's module and build caches)"
  "$here/build.sh"
else
  log "binary up to date: $BIN"
fi
t_build=$(date +%s)

rm -rf "$LOGS" "$CLUSTER_DIR/etcd" "$PKI" "$PIDS"
mkdir -p "$LOGS" "$PKI" "$PIDS"

# --- PKI: a throw-away CA per cluster, generated at start-up -----------------
log "generating certificates"
(
  cd "$PKI"
  # P-256 keys: generating six RSA keys costs seconds on every start.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt -days 30 \
    -subj "/CN=healthreport-local-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  # leaf NAME SUBJECT EXTENSIONS: a key and a CA-signed certificate.
  leaf() {
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -out "$1.crt" -extfile <(printf '%s\n' "$3") 2>/dev/null
    rm -f "$1.csr"
  }
  leaf apiserver "/CN=kube-apiserver" "$(printf '%s\n' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
    'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local')"
  client='keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
  # system:masters is the admin group the apiserver authorizes without RBAC
  # bindings; kwok also gets it because it writes node/pod status, leases,
  # events and deletes pods across all namespaces (a test-only shortcut).
  leaf admin "/O=system:masters/CN=admin" "$client"
  leaf kwok "/O=system:masters/CN=kwok" "$client"
  # The bootstrap RBAC policy has roles for exactly these user names.
  leaf controller-manager "/CN=system:kube-controller-manager" "$client"
  leaf scheduler "/CN=system:kube-scheduler" "$client"
  # ServiceAccount token signing key pair.
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out sa.key 2>/dev/null
  openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
)

b64() { base64 -w0 <"$1"; }
kubeconfig() { # NAME CERT_BASENAME OUT
  cat >"$3" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $SERVER
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $(b64 "$PKI/$2.crt")
    client-key-data: $(b64 "$PKI/$2.key")
contexts:
- name: $1@local
  context: {cluster: local, user: $1}
current-context: $1@local
KC
  chmod 600 "$3"
}
kubeconfig admin admin "$KUBECONFIG_OUT.tmp"
kubeconfig kwok kwok "$CLUSTER_DIR/kwok.kubeconfig"
kubeconfig controller-manager controller-manager "$CLUSTER_DIR/controller-manager.kubeconfig"
kubeconfig scheduler scheduler "$CLUSTER_DIR/scheduler.kubeconfig"

# start NAME ARGS...: runs a component in its own session (so a Ctrl-C in the
# calling terminal or the end of the npm/vitest process does not kill it) and
# records its PID for cluster-down.sh.
start() {
  local name=$1; shift
  # 9>&- : the component must not inherit the lock, or it would hold it forever.
  setsid "$BIN" "$name" "$@" </dev/null >"$LOGS/$name.log" 2>&1 9>&- &
  echo $! >"$PIDS/$name.pid"
}
wait_for() { # WHAT SECONDS COMMAND...
  local what=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "$what not ready after ${secs}s; see $LOGS/"
}
check_alive() { pid_alive "$1" || die "$1 exited; last log lines:$(printf '\n'; tail -n 20 "$LOGS/$1.log")"; }

log "starting etcd"
start etcd --name local --data-dir "$CLUSTER_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --log-level warn
# --unsafe-no-fsync: the data is thrown away after the run; fsync only costs time.
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

log "starting kube-apiserver"
# APISERVER_EXTRA_ARGS: more flags, split on spaces (the peers benchmark adds its audit log).
read -r -a apiserver_extra <<<"${APISERVER_EXTRA_ARGS:-}"
start kube-apiserver \
  --bind-address 127.0.0.1 --secure-port "$APISERVER_PORT" --advertise-address 127.0.0.1 \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --endpoint-reconciler-type none \
  --allow-privileged \
  --profiling=false \
  "${apiserver_extra[@]}"
# --endpoint-reconciler-type none: the apiserver would publish 127.0.0.1 as
# the endpoint of the "kubernetes" Service, which EndpointSlice validation
# rejects (loopback), and nothing in the cluster needs to reach it that way.
for ((i = 0; i < 240; i++)); do
  [[ "$(admin_curl "$SERVER/readyz" 2>/dev/null)" == ok ]] && break
  check_alive kube-apiserver
  sleep 0.25
done
[[ "$(admin_curl "$SERVER/readyz" 2>/dev/null)" == ok ]] || die "kube-apiserver /readyz not ok after 60s; see $LOGS/kube-apiserver.log"
mv -f "$KUBECONFIG_OUT.tmp" "$KUBECONFIG_OUT"

log "starting kube-controller-manager, kube-scheduler, kwok"
start kube-controller-manager \
  --kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$KCM_PORT" \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --use-service-account-credentials \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --leader-elect=false --profiling=false
start kube-scheduler \
  --kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
  --authentication-kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
  --authorization-kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" \
  --leader-elect=false --profiling=false
# kwok only manages nodes created with the annotation below, so nodes a test
# creates for other purposes stay untouched unless it opts in.
start kwok \
  --kubeconfig "$CLUSTER_DIR/kwok.kubeconfig" \
  --config "$here/kwok-stages.yaml" \
  --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 \
  --cidr 10.244.0.1/16 --node-ip 10.240.0.254 \
  --server-address "127.0.0.1:$KWOK_PORT"

log "creating ${CLUSTER_NODES} fake nodes"
for ((n = 1; n <= CLUSTER_NODES; n++)); do
  name="kwok-node-$n"
  body=$(jq -n --arg name "$name" --arg ip "10.240.0.$n" '{
    apiVersion: "v1", kind: "Node",
    metadata: {
      name: $name,
      annotations: {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
      labels: {"kubernetes.io/hostname": $name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "type": "kwok"}
    },
    status: {addresses: [{type: "InternalIP", address: $ip}, {type: "Hostname", address: $name}]}
  }')
  code=$(admin_curl -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" "$SERVER/api/v1/nodes")
  [[ $code == 201 || $code == 409 ]] || die "creating node $name: HTTP $code"
done

nodes_ready() {
  [[ "$(admin_curl "$SERVER/api/v1/nodes" | jq '[.items[] | select(.status.conditions // [] | any(.type == "Ready" and .status == "True"))] | length')" -ge "$CLUSTER_NODES" ]]
}
wait_for "fake nodes" 60 nodes_ready
# Pods cannot be created in a namespace before the controller-manager has
# made its "default" ServiceAccount.
wait_for "default ServiceAccount" 60 admin_curl -f "$SERVER/api/v1/namespaces/default/serviceaccounts/default"
for c in "${COMPONENTS[@]}"; do check_alive "$c"; done

t_end=$(date +%s)
log "up in $((t_end - t0))s (build check $((t_build - t0))s, start $((t_end - t_build))s)"
print_usage
