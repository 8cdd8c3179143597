#!/usr/bin/env bash
# Build the local control plane's binaries at the versions pinned in versions.env:
#   kube-apiserver, kube-controller-manager, kubectl  (modules/kubernetes)
#   etcd                                              (modules/etcd)
#   coredns (bind, ready, health, errors, log, kubernetes plugins only)  (modules/coredns)
# from the Go module proxy, into ${NETLENS_CACHE:-$HOME/.cache/netlens}/bin/<name>-<version>.
# GOMODCACHE and GOCACHE live under the same cache dir. A binary is rebuilt only if its
# stamp (version, Go version, ldflags, hash of its wrapper module) changed, so a second
# run is a no-op that takes well under a second.
#
# Usage: build.sh [--force] [NAME...]     (default: all five binaries)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FORCE=0
WANT=()
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) version_of "$a" >/dev/null || die "unknown binary '$a' (known: ${NETLENS_BINARIES[*]})"; WANT+=("$a") ;;
  esac
done
[ ${#WANT[@]} -gt 0 ] || WANT=("${NETLENS_BINARIES[@]}")

command -v go >/dev/null || die "go not found in PATH (expected Go >= 1.26, e.g. /usr/local/go/bin)"
GO_VERSION=$(go env GOVERSION)
case "$GO_VERSION" in
  go1.2[6-9]*|go1.[3-9][0-9]*) ;;
  *) die "Go $GO_VERSION is too old: the wrapper modules need Go >= 1.26" ;;
esac

mkdir -p "$NETLENS_BIN_DIR"
export GOMODCACHE="$NETLENS_CACHE/gomod"
export GOCACHE="$NETLENS_CACHE/gocache"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN=local   # never switch toolchains behind our back
MODS="$NETLENS_CLUSTER_SRC/modules"

# module_of NAME / pkg_of NAME / ldflags_of NAME
module_of() {
  case "$1" in
    kube-apiserver|kube-controller-manager|kubectl) echo kubernetes ;;
    etcd) echo etcd ;;
    coredns) echo coredns ;;
  esac
}
pkg_of() {
  case "$1" in
    kube-apiserver|kube-controller-manager|kubectl) echo "k8s.io/kubernetes/cmd/$1" ;;
    etcd) echo "go.etcd.io/etcd/server/v3" ;;
    coredns) echo "." ;;
  esac
}
k8s_ldflags() {
  local v=${K8S_VERSION#v} date=${1:-1970-01-01T00:00:00Z} f="-s -w" p key
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    for key in gitVersion=$K8S_VERSION gitMajor=$major gitMinor=$minor gitTreeState=clean \
               gitCommit=$K8S_VERSION buildDate=$date; do
      f+=" -X $p.$key"
    done
  done
  echo "$f"
}
ldflags_of() {
  case "$1" in
    kube-apiserver|kube-controller-manager|kubectl) k8s_ldflags "${K8S_BUILD_DATE:-}" ;;
    etcd) echo "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" ;;
    coredns) echo "-s -w -X github.com/coredns/coredns/coremain.gitTag=$COREDNS_VERSION -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION-netlens-minimal" ;;
  esac
}

# stamp NAME: what a cached binary must have been built from to be reused.
# (buildDate is left out: it is derived from the pinned module's own date.)
stamp_of() {
  local m; m=$(module_of "$1")
  {
    echo "name=$1 version=$(version_of "$1") go=$GO_VERSION goos=$(go env GOOS)/$(go env GOARCH)"
    K8S_BUILD_DATE=omitted ldflags_of "$1"
    (cd "$MODS/$m" && sha256sum go.mod go.sum ./*.go)
  } | sha256sum | cut -d' ' -f1
}

# Check that a wrapper go.mod pins what versions.env says.
check_pin() { # module modpath version
  grep -Eq "^(require)?[[:space:]]*$2 $3( |\$)" "$MODS/$1/go.mod" ||
    die "modules/$1/go.mod does not require $2 $3 (versions.env). Edit it and run 'go mod tidy' there."
}
check_pin kubernetes k8s.io/kubernetes "$K8S_VERSION"
check_pin etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
check_pin coredns github.com/coredns/coredns "$COREDNS_VERSION"
grep -q "=> k8s.io/api $K8S_STAGING_VERSION\$" "$MODS/kubernetes/go.mod" ||
  die "modules/kubernetes/go.mod replace lines do not use $K8S_STAGING_VERSION (versions.env)"

# Decide what is stale.
declare -A STAMP
TODO=()
for n in "${WANT[@]}"; do
  STAMP[$n]=$(stamp_of "$n")
  b=$(bin_path "$n")
  if [ "$FORCE" = 0 ] && [ -x "$b" ] && [ -f "$b.stamp" ] && [ "$(cat "$b.stamp")" = "${STAMP[$n]}" ]; then
    log "reusing $n $(version_of "$n"): $b"
  else
    TODO+=("$n")
  fi
done
if [ ${#TODO[@]} -eq 0 ]; then
  log "all binaries up to date in $NETLENS_BIN_DIR (nothing built)"
  exit 0
fi

# Use the checksum database only if it answers; the committed go.sum files cover every
# module the builds need, so with GOSUMDB=off the downloads are still verified.
if [ -z "${GOSUMDB:-}" ]; then
  sumdb=$(go env GOSUMDB); host=${sumdb%% *}; host=${host#*+}
  if [ "$sumdb" = off ] || ! curl -fsS -o /dev/null --max-time 5 "https://$host/latest" 2>/dev/null; then
    export GOSUMDB=off
    log "checksum database unreachable: GOSUMDB=off (go.sum in each wrapper module still pins every hash)"
  fi
fi

log "building: ${TODO[*]} (Go $GO_VERSION, cache $NETLENS_CACHE)"
log "a cold build downloads ~1 GB of modules and compiles for 15-25 min on 2 cores; warm rebuilds take seconds"

TMP=$(mktemp -d "$NETLENS_BIN_DIR/.build.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

install_bin() { # name builtfile
  local n=$1 out b; b=$(bin_path "$n"); out=$2
  local vcmd=(--version)
  case "$n" in kubectl) vcmd=(version --client) ;; coredns) vcmd=(-version) ;; esac
  "$out" "${vcmd[@]}" >/dev/null 2>&1 || die "$n was built but '$n ${vcmd[*]}' fails: $out"
  mv -f "$out" "$b"
  echo "${STAMP[$n]}" > "$b.stamp"
  log "installed $n: $b ($(du -h "$b" | cut -f1))"
}

build_module() { # module names...
  local m=$1; shift
  local names=("$@") pkgs=() n start=$SECONDS
  for n in "${names[@]}"; do pkgs+=("$(pkg_of "$n")"); done
  log "[$m] downloading modules (go mod download)..."
  (cd "$MODS/$m" && go mod download) || die "[$m] go mod download failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  if [ "$m" = kubernetes ]; then
    local info gomod want have
    info=$(cd "$MODS/$m" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION") ||
      die "k8s.io/kubernetes@$K8S_VERSION is not available from the module proxy"
    K8S_BUILD_DATE=$(printf '%s' "$info" | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' | head -1)
    K8S_BUILD_DATE=${K8S_BUILD_DATE%%.*}; K8S_BUILD_DATE=${K8S_BUILD_DATE%Z}Z
    gomod=$(printf '%s' "$info" | sed -n 's/.*"GoMod": *"\([^"]*\)".*/\1/p' | head -1)
    # Every staging module k8s.io/kubernetes requires at v0.0.0 must be replaced here.
    want=$(sed -n '/^require/,/^)/p' "$gomod" | awk '$2=="v0.0.0"{print $1}' | sort)
    have=$(awk '$2=="=>" && $1 ~ /^k8s.io\// {print $1}' "$MODS/$m/go.mod" | sort)
    [ "$want" = "$have" ] || die "staging replace list of modules/kubernetes/go.mod differs from k8s.io/kubernetes@$K8S_VERSION requires:
$(diff <(echo "$want") <(echo "$have"))"
  fi
  local ldf; ldf=$(ldflags_of "${names[0]}")
  log "[$m] compiling ${names[*]} ..."
  mkdir -p "$TMP/$m"
  if [ ${#names[@]} -eq 1 ]; then
    (cd "$MODS/$m" && go build -trimpath -ldflags "$ldf" -o "$TMP/$m/${names[0]}" "${pkgs[0]}") || die "[$m] go build of ${names[0]} failed"
  else
    # One go build for several commands of a module shares all the common compile work.
    (cd "$MODS/$m" && go build -trimpath -ldflags "$ldf" -o "$TMP/$m/" "${pkgs[@]}") || die "[$m] go build of ${names[*]} failed"
  fi
  for n in "${names[@]}"; do install_bin "$n" "$TMP/$m/$n"; done
  log "[$m] done in $((SECONDS - start))s"
}

k8s=(); others=()
for n in "${TODO[@]}"; do
  case "$(module_of "$n")" in kubernetes) k8s+=("$n") ;; *) others+=("$n") ;; esac
done
for n in "${others[@]}"; do build_module "$(module_of "$n")" "$n"; done
[ ${#k8s[@]} -eq 0 ] || build_module kubernetes "${k8s[@]}"

log "built ${TODO[*]} in ${SECONDS}s"
for n in "${WANT[@]}"; do log "  $n: $(bin_path "$n")"; done
