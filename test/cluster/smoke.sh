#!/usr/bin/env bash
# End-to-end smoke check of the local control plane, with the built kubectl and dig:
#   Node + Namespace + Services (ClusterIP dual-stack, headless) + Pod with spec.nodeName,
#   pod status patched to Running/Ready with IPs (as kwok does, there is no kubelet),
#   EndpointSlice written by kube-controller-manager with the pod's IP,
#   CoreDNS answers: service A/AAAA, headless A, pod a-b-c-d record, PTRs, NXDOMAIN,
#   the `limited` user gets 403, and namespace deletion completes (namespace controller).
# Uses the plane from up.sh if running; otherwise starts one and stops it at the end
# (set NETLENS_KEEP=1 to keep it). Exits non-zero if any check fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STARTED=0
if ! OUT=$("$NETLENS_CLUSTER_SRC/up.sh" --check 2>/dev/null); then
  OUT=$("$NETLENS_CLUSTER_SRC/up.sh") || die "up.sh failed"
  STARTED=1
fi
eval "$(printf '%s\n' "$OUT" | tail -n 2)"   # KUBECONFIG=..., DNS=...
export KUBECONFIG
# shellcheck disable=SC1091
. "$NETLENS_CLUSTER_DIR/cluster.env"
DNS_IP=${DNS%:*}; DNS_P=${DNS##*:}

if ! command -v dig >/dev/null; then
  [ "$(id -u)" = 0 ] || die "dig not found; install dnsutils (apt-get install -y dnsutils)"
  log "dig not found: installing Debian's dnsutils"
  APT_LOG=$(mktemp)
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsutils; } > "$APT_LOG" 2>&1 ||
    { cat "$APT_LOG" >&2; die "could not install dnsutils"; }
  rm -f "$APT_LOG"
fi

K() { "$KUBECTL" "$@"; }
SUF=$(openssl rand -hex 3)
NS=smoke-$SUF
NODE=smoke-node-$SUF
POD_IP=10.244.1.7
POD_IP6=fd00:10:244:1::7
HOST_IP=192.0.2.10   # TEST-NET-1: never routed, just data in the Node/Pod objects
PASS=0; FAIL=0

cleanup() {
  K delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  K delete node "$NODE" --ignore-not-found >/dev/null 2>&1 || true
  if [ "$STARTED" = 1 ] && [ -z "${NETLENS_KEEP:-}" ]; then "$NETLENS_CLUSTER_SRC/down.sh" >&2 || true; fi
}
trap cleanup EXIT

ok()   { PASS=$((PASS + 1)); echo "PASS: $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

# retry SECONDS CMD...: bounded polling (CoreDNS and the controllers act on watch events).
retry() {
  local t=$1 i; shift
  for ((i = 0; i < t; i++)); do "$@" && return 0; sleep 1; done
  return 1
}

dig_q() { dig @"$DNS_IP" -p "$DNS_P" +time=2 +tries=1 "$@"; }

# expect_answer NAME TYPE WANT: the answer section holds WANT; prints the dig answer lines.
expect_answer() {
  local name=$1 type=$2 want=$3 got
  check() { got=$(dig_q "$name" "$type" +noall +answer) && grep -qF -- "$want" <<< "$got"; }
  if retry 30 check; then
    printf '%s\n' "$got" | sed 's/^/    /'
    ok "dig $type $name -> $want"
  else
    printf '%s\n' "$got" | sed 's/^/    /'
    bad "dig $type $name: wanted $want"
  fi
}

echo "== control plane: $APISERVER_URL, DNS $DNS, state $CLUSTER_DIR"
K version 2>&1 | sed 's/^/    /'

# ---------- objects ----------
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
K apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $NODE
  labels: {kubernetes.io/hostname: $NODE}
---
apiVersion: v1
kind: Namespace
metadata: {name: $NS}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $NS}
spec:
  selector: {app: web}
  ipFamilyPolicy: PreferDualStack
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless, namespace: $NS}
spec:
  clusterIP: None
  selector: {app: web}
  ipFamilyPolicy: PreferDualStack
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: $NS, labels: {app: web}}
spec:
  nodeName: $NODE
  containers: [{name: web, image: example.invalid/web:1}]
EOF
ok "created node $NODE, namespace $NS, services web + web-headless, pod web"

# The kubelet's part, as kwok does it: patch the pod's status subresource.
K -n "$NS" patch pod web --subresource=status --type=merge -p "$(cat <<EOF
{"status": {
  "phase": "Running",
  "hostIP": "$HOST_IP", "hostIPs": [{"ip": "$HOST_IP"}],
  "podIP": "$POD_IP", "podIPs": [{"ip": "$POD_IP"}, {"ip": "$POD_IP6"}],
  "startTime": "$NOW",
  "conditions": [
    {"type": "PodScheduled", "status": "True", "lastTransitionTime": "$NOW"},
    {"type": "Initialized", "status": "True", "lastTransitionTime": "$NOW"},
    {"type": "ContainersReady", "status": "True", "lastTransitionTime": "$NOW"},
    {"type": "Ready", "status": "True", "lastTransitionTime": "$NOW"}],
  "containerStatuses": [{"name": "web", "image": "example.invalid/web:1", "imageID": "",
    "ready": true, "started": true, "restartCount": 0, "state": {"running": {"startedAt": "$NOW"}}}]
}}
EOF
)" >/dev/null
PHASE=$(K -n "$NS" get pod web -o jsonpath='{.status.phase} {.status.podIPs[*].ip} ready={.status.conditions[?(@.type=="Ready")].status}')
if [ "$PHASE" = "Running $POD_IP $POD_IP6 ready=True" ]; then ok "pod status patched: $PHASE"; else bad "pod status: $PHASE"; fi

SVC_IPS=$(K -n "$NS" get svc web -o jsonpath='{.spec.clusterIPs[*]}')
SVC_IP4=$(tr ' ' '\n' <<< "$SVC_IPS" | grep -v : | head -1 || true)
SVC_IP6=$(tr ' ' '\n' <<< "$SVC_IPS" | grep : | head -1 || true)
echo "    service web clusterIPs: $SVC_IPS"
if [[ $SVC_IP4 == 10.96.* ]]; then ok "service web got IPv4 clusterIP $SVC_IP4 from 10.96.0.0/16"; else bad "service web IPv4 clusterIP: '$SVC_IP4'"; fi
if [[ $SVC_IP6 == fd00:10:96:* ]]; then ok "service web got IPv6 clusterIP $SVC_IP6 (dual-stack)"; else bad "service web IPv6 clusterIP: '$SVC_IP6'"; fi

# ---------- EndpointSlice from kube-controller-manager ----------
slices() {
  K -n "$NS" get endpointslices -l kubernetes.io/service-name=web \
    -o jsonpath='{range .items[*]}{.metadata.name} {.addressType} {.endpoints[*].addresses[*]} ready={.endpoints[*].conditions.ready} node={.endpoints[*].nodeName}{"\n"}{end}'
}
has_slice() { slices | grep -q " IPv4 $POD_IP ready=true node=$NODE" && slices | grep -q " IPv6 $POD_IP6 ready=true"; }
if retry 60 has_slice; then ok "kube-controller-manager wrote EndpointSlices with the pod's IPs"; else bad "no ready EndpointSlice with $POD_IP"; fi
slices | sed 's/^/    /'

# ---------- CoreDNS ----------
echo "== dig @$DNS"
expect_answer "kubernetes.default.svc.cluster.local" A "10.96.0.1"
expect_answer "web.$NS.svc.cluster.local" A "$SVC_IP4"
[ -z "$SVC_IP6" ] || expect_answer "web.$NS.svc.cluster.local" AAAA "$SVC_IP6"
expect_answer "web-headless.$NS.svc.cluster.local" A "$POD_IP"
expect_answer "web-headless.$NS.svc.cluster.local" AAAA "$POD_IP6"
expect_answer "${POD_IP//./-}.$NS.pod.cluster.local" A "$POD_IP"
expect_answer "_http._tcp.web.$NS.svc.cluster.local" SRV "web.$NS.svc.cluster.local."
expect_answer "$(dig_q -x "$SVC_IP4" +noall +question | awk '{print substr($1,2)}')" PTR "web.$NS.svc.cluster.local."
[ -z "$SVC_IP6" ] || expect_answer "$(dig_q -x "$SVC_IP6" +noall +question | awk '{print substr($1,2)}')" PTR "web.$NS.svc.cluster.local."
# `pods verified`: a pod name whose IP no pod in that namespace has is NXDOMAIN.
nx() { dig_q "10-244-1-8.$NS.pod.cluster.local" A +noall +comments | grep -q 'status: NXDOMAIN'; }
if retry 5 nx; then ok "dig A 10-244-1-8.$NS.pod.cluster.local -> NXDOMAIN (pods verified)"; else bad "no NXDOMAIN for a pod IP that does not exist"; fi

# ---------- authorization: the `limited` token is authenticated but has no RBAC ----------
if ERR=$(K --context limited -n "$NS" get pods 2>&1); then
  bad "user limited could list pods"
elif grep -q 'Forbidden' <<< "$ERR" && grep -q '"limited"' <<< "$ERR"; then
  ok "user limited is forbidden (403): $(head -1 <<< "$ERR")"
else
  bad "user limited: unexpected error: $ERR"
fi
WHO=$(K --context limited auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1 || true)
if [ "$WHO" = limited ]; then ok "token of user limited authenticates as '$WHO'"; else bad "whoami as limited: $WHO"; fi

# ---------- deletion: namespace controller + endpointslice cleanup ----------
K -n "$NS" delete pod web --grace-period=0 --force >/dev/null 2>&1
gone_slice() { ! slices | grep -q "$POD_IP"; }
if retry 60 gone_slice; then ok "pod deleted: its IP left the EndpointSlice"; else bad "pod IP still in EndpointSlice after deletion"; fi
K delete namespace "$NS" --wait=false >/dev/null
ns_gone() { ! K get namespace "$NS" >/dev/null 2>&1; }
if retry 90 ns_gone; then ok "namespace $NS deleted (namespace controller finalized it)"; else bad "namespace $NS still present: $(K get ns "$NS" -o jsonpath='{.status.phase}' 2>&1)"; fi

echo "smoke: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
