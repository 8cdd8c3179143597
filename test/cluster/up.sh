#!/usr/bin/env bash
# Start (or reuse) a real Kubernetes control plane on loopback:
#   etcd, kube-apiserver, kube-controller-manager (endpointslice, garbage-collector,
#   namespace controllers) and CoreDNS (kubernetes plugin), with fresh state in
#   ${NETLENS_CLUSTER_DIR:-/tmp/netlens-cluster}, free ports, openssl-made certificates
#   and static-token auth. Binaries come from build.sh (run automatically; a no-op when warm).
#
# Progress goes to stderr; stdout gets exactly two lines, the last ones printed:
#   KUBECONFIG=<state dir>/admin.kubeconfig
#   DNS=127.0.0.1:<port>
# so `eval "$(test/cluster/up.sh)"` sets both. More in <state dir>/cluster.env.
#
# Usage: up.sh            start, or reuse the plane already running from the state dir
#        up.sh --check    print the two lines and exit 0 if it is running, else exit 1
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$NETLENS_CLUSTER_DIR
CHECK_ONLY=0
case "${1:-}" in
  --check) CHECK_ONLY=1 ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1'" ;;
esac

SERVICE_CIDR_V4=10.96.0.0/16
SERVICE_CIDR_V6=fd00:10:96::/112
READY_TIMEOUT=${NETLENS_READY_TIMEOUT:-120}   # seconds, per component

CURL=(curl -fsS --max-time 3)

# ---------- helpers ----------

# pid_alive NAME: the recorded pid of NAME runs and is still ours (its command line
# mentions the state dir, so a recycled pid is never taken for it).
pid_alive() {
  local f="$D/pids/$1.pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -qF "$D/"
}

all_healthy() {
  [ -f "$D/cluster.env" ] || return 1
  # shellcheck disable=SC1091
  . "$D/cluster.env"
  local n
  for n in etcd kube-apiserver kube-controller-manager coredns; do pid_alive "$n" || return 1; done
  "${CURL[@]}" --cacert "$D/pki/ca.crt" "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1 || return 1
  "${CURL[@]}" "http://127.0.0.1:$COREDNS_READY_PORT/ready" >/dev/null 2>&1 || return 1
}

print_result() {
  echo "KUBECONFIG=$D/admin.kubeconfig"
  echo "DNS=127.0.0.1:$DNS_PORT"
}

# port_free PORT: nothing listens on it (TCP or UDP, any address) and we did not take it already.
TAKEN=" "
port_free() {
  case "$TAKEN" in *" $1 "*) return 1 ;; esac
  [ -z "$(ss -Hltun "( sport = :$1 )" 2>/dev/null)" ]
}
# pick_port VAR PREFERRED: set VAR to PREFERRED if that port is free, else to a free
# port in 20000-32767 (below Linux's default ephemeral range). Not run in $(...),
# so that TAKEN keeps every port already handed out.
pick_port() {
  local i p=$2
  for ((i = 0; i < 200; i++)); do
    if port_free "$p"; then TAKEN+="$p "; printf -v "$1" '%s' "$p"; return 0; fi
    p=$((20000 + RANDOM % 12768))
  done
  die "no free port found"
}

# wait_for NAME CMD...: poll CMD once a second until it succeeds (bounded by READY_TIMEOUT),
# failing early if NAME's process died.
wait_for() {
  local name=$1 i; shift
  for ((i = 0; i < READY_TIMEOUT; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! pid_alive "$name"; then
      tail -n 30 "$D/logs/$name.log" >&2 || true
      die "$name exited during startup; log: $D/logs/$name.log"
    fi
    sleep 1
  done
  tail -n 30 "$D/logs/$name.log" >&2 || true
  die "$name not ready after ${READY_TIMEOUT}s; log: $D/logs/$name.log"
}

# start NAME BINARY ARGS...: run detached in its own session, log to logs/NAME.log, record pid.
start() {
  local name=$1; shift
  log "starting $name"
  echo "+ $*" > "$D/logs/$name.log"
  # 9>&-: the lock's descriptor must not leak into the long-running process.
  setsid "$@" >> "$D/logs/$name.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$D/pids/$name.pid"
}

# ---------- reuse ----------

if [ "$CHECK_ONLY" = 1 ] && [ ! -f "$D/cluster.env" ]; then
  exit 1   # nothing there; --check must not create the state dir
fi
mkdir -p "$D"
exec 9> "$D/.lock"
flock -w 300 9 || die "another up.sh/down.sh holds $D/.lock"

if all_healthy; then
  [ "$CHECK_ONLY" = 1 ] || log "control plane already running in $D; reusing it"
  print_result
  exit 0
fi
[ "$CHECK_ONLY" = 0 ] || exit 1

# Something is there but not healthy (or nothing at all): clear it and start fresh.
if [ -d "$D/pids" ]; then
  log "stale or partial control plane in $D: stopping it first"
  NETLENS_DOWN_KEEP_LOCK=1 "$NETLENS_CLUSTER_SRC/down.sh" >&2
fi

# ---------- binaries ----------

"$NETLENS_CLUSTER_SRC/build.sh" >&2 || die "build.sh failed"
ETCD=$(bin_path etcd); APISERVER=$(bin_path kube-apiserver); KCM=$(bin_path kube-controller-manager)
KUBECTL=$(bin_path kubectl); COREDNS=$(bin_path coredns)
for t in openssl curl ss setsid flock; do command -v "$t" >/dev/null || die "$t not found"; done

START=$SECONDS
# If startup fails, stop whatever did start (logs stay in $D/logs for a look).
on_exit() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    log "startup failed; stopping the processes started so far (logs kept in $D/logs)"
    NETLENS_DOWN_KEEP_LOCK=1 "$NETLENS_CLUSTER_SRC/down.sh" >&2 || true
  fi
  exit "$rc"
}
trap on_exit EXIT
# Fresh state. Keep the lock file, which we hold.
find "$D" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
touch "$D/.netlens-cluster"   # marker: down.sh only deletes directories that carry it
mkdir -p "$D/pids" "$D/logs" "$D/pki" "$D/etcd"
chmod 700 "$D/pki" "$D/etcd"

# ---------- ports ----------

pick_port ETCD_PORT 2379
pick_port ETCD_PEER_PORT 2380
pick_port APISERVER_PORT 6443
pick_port KCM_PORT 10257
pick_port DNS_PORT 1053
pick_port COREDNS_READY_PORT 8181
log "ports: etcd $ETCD_PORT/$ETCD_PEER_PORT, apiserver $APISERVER_PORT, controller-manager $KCM_PORT, dns $DNS_PORT, coredns ready $COREDNS_READY_PORT"

# ---------- certificates, keys, tokens ----------

log "generating CA, serving certificates, service-account key and tokens (openssl)"
P=$D/pki
ossl() { openssl "$@" 2>>"$D/logs/openssl.log" || die "openssl $1 failed; see $D/logs/openssl.log"; }
ossl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -keyout "$P/ca.key" -out "$P/ca.crt" \
  -subj "/CN=netlens-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
# serving_cert NAME CN SANS
serving_cert() {
  cat > "$P/$1.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$3
EOF
  ossl req -newkey rsa:2048 -nodes -keyout "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$2"
  ossl x509 -req -in "$P/$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 3650 -sha256 \
    -extfile "$P/$1.ext" -out "$P/$1.crt"
}
serving_cert apiserver kube-apiserver \
  "IP:127.0.0.1,IP:::1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
serving_cert kube-controller-manager kube-controller-manager "IP:127.0.0.1,DNS:localhost"
ossl genrsa -out "$P/sa.key" 2048
ossl rsa -in "$P/sa.key" -pubout -out "$P/sa.pub"

ADMIN_TOKEN=$(openssl rand -hex 24)
KCM_TOKEN=$(openssl rand -hex 24)
COREDNS_TOKEN=$(openssl rand -hex 24)
LIMITED_TOKEN=$(openssl rand -hex 24)
# token,user,uid,"groups". `limited` has no group and no RBAC binding: it is
# authenticated but forbidden almost everything (403), as tests of denied access need.
cat > "$P/tokens.csv" <<EOF
$ADMIN_TOKEN,admin,uid-admin,"system:masters"
$KCM_TOKEN,netlens:kube-controller-manager,uid-kcm,"system:masters"
$COREDNS_TOKEN,netlens:coredns,uid-coredns,"system:masters"
$LIMITED_TOKEN,limited,uid-limited
EOF
chmod 600 "$P"/*.key "$P/tokens.csv"

SERVER=https://127.0.0.1:$APISERVER_PORT
# kubeconfig FILE USER TOKEN [EXTRA_USER EXTRA_TOKEN]: certificate-authority is the
# cluster's own CA; no insecure-skip-tls-verify anywhere.
kubeconfig() {
  {
    cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: netlens
  cluster:
    server: $SERVER
    certificate-authority: $P/ca.crt
contexts:
- name: $2
  context: {cluster: netlens, user: $2, namespace: default}
EOF
    [ -z "${4:-}" ] || printf -- '- name: %s\n  context: {cluster: netlens, user: %s, namespace: default}\n' "$4" "$4"
    printf 'current-context: %s\nusers:\n- name: %s\n  user:\n    token: %s\n' "$2" "$2" "$3"
    [ -z "${4:-}" ] || printf -- '- name: %s\n  user:\n    token: %s\n' "$4" "$5"
  } > "$1"
  chmod 600 "$1"
}
kubeconfig "$D/admin.kubeconfig" admin "$ADMIN_TOKEN" limited "$LIMITED_TOKEN"
kubeconfig "$D/limited.kubeconfig" limited "$LIMITED_TOKEN"
kubeconfig "$D/kube-controller-manager.kubeconfig" kube-controller-manager "$KCM_TOKEN"
kubeconfig "$D/coredns.kubeconfig" coredns "$COREDNS_TOKEN"

cat > "$D/Corefile" <<EOF
.:$DNS_PORT {
    bind 127.0.0.1
    ready 127.0.0.1:$COREDNS_READY_PORT
    errors
    log
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $D/coredns.kubeconfig coredns
        pods verified
        ttl 0
    }
}
EOF

# Everything a test may want, as shell assignments (also read back by the reuse path).
cat > "$D/cluster.env" <<EOF
# Written by test/cluster/up.sh. Source it.
CLUSTER_DIR=$D
KUBECONFIG=$D/admin.kubeconfig
LIMITED_KUBECONFIG=$D/limited.kubeconfig
APISERVER_URL=$SERVER
APISERVER_PORT=$APISERVER_PORT
CA_CERT=$P/ca.crt
ADMIN_TOKEN=$ADMIN_TOKEN
LIMITED_TOKEN=$LIMITED_TOKEN
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
KCM_PORT=$KCM_PORT
DNS_PORT=$DNS_PORT
DNS=127.0.0.1:$DNS_PORT
COREDNS_READY_PORT=$COREDNS_READY_PORT
SERVICE_CIDR=$SERVICE_CIDR_V4,$SERVICE_CIDR_V6
CLUSTER_DOMAIN=cluster.local
KUBECTL=$KUBECTL
K8S_VERSION=$K8S_VERSION
ETCD_VERSION=$ETCD_VERSION
COREDNS_VERSION=$COREDNS_VERSION
EOF
chmod 600 "$D/cluster.env"

# ---------- etcd ----------

start etcd "$ETCD" \
  --name default \
  --data-dir "$D/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster-state new \
  --unsafe-no-fsync=true \
  --log-level warn
etcd_ok() { "${CURL[@]}" "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
wait_for etcd etcd_ok
log "etcd ready ($((SECONDS - START))s)"

# ---------- kube-apiserver ----------

start kube-apiserver "$APISERVER" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 \
  --advertise-address 127.0.0.1 \
  --secure-port "$APISERVER_PORT" \
  --tls-cert-file "$P/apiserver.crt" \
  --tls-private-key-file "$P/apiserver.key" \
  --service-cluster-ip-range "$SERVICE_CIDR_V4,$SERVICE_CIDR_V6" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$P/sa.pub" \
  --service-account-signing-key-file "$P/sa.key" \
  --token-auth-file "$P/tokens.csv" \
  --client-ca-file "$P/ca.crt" \
  --authorization-mode RBAC \
  --disable-admission-plugins ServiceAccount \
  --endpoint-reconciler-type none \
  --allow-privileged=true \
  --v=1
apiserver_ok() { "${CURL[@]}" --cacert "$P/ca.crt" "$SERVER/readyz"; }
wait_for kube-apiserver apiserver_ok
log "kube-apiserver ready at $SERVER ($((SECONDS - START))s)"

# ---------- kube-controller-manager ----------

start kube-controller-manager "$KCM" \
  --kubeconfig "$D/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig "$D/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig "$D/kube-controller-manager.kubeconfig" \
  --authentication-skip-lookup=true \
  --controllers endpointslice-controller,garbage-collector-controller,namespace-controller \
  --leader-elect=false \
  --use-service-account-credentials=false \
  --bind-address 127.0.0.1 \
  --secure-port "$KCM_PORT" \
  --tls-cert-file "$P/kube-controller-manager.crt" \
  --tls-private-key-file "$P/kube-controller-manager.key" \
  --v=1
kcm_ok() { "${CURL[@]}" --cacert "$P/ca.crt" "https://127.0.0.1:$KCM_PORT/healthz"; }
wait_for kube-controller-manager kcm_ok
log "kube-controller-manager healthy ($((SECONDS - START))s)"

# ---------- CoreDNS ----------

start coredns "$COREDNS" -conf "$D/Corefile"
coredns_ok() { "${CURL[@]}" "http://127.0.0.1:$COREDNS_READY_PORT/ready"; }
wait_for coredns coredns_ok
log "CoreDNS ready on 127.0.0.1:$DNS_PORT ($((SECONDS - START))s)"

trap - EXIT
log "control plane up in $((SECONDS - START))s; state, logs and pids in $D; more settings in $D/cluster.env"
print_result
