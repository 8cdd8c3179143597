# Shared helpers for build.sh, up.sh, down.sh and smoke.sh. Source it; don't run it.
# shellcheck shell=bash

NETLENS_CLUSTER_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$NETLENS_CLUSTER_SRC/versions.env"

NETLENS_CACHE=${NETLENS_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/netlens}
NETLENS_BIN_DIR=$NETLENS_CACHE/bin
NETLENS_CLUSTER_DIR=$(realpath -m "${NETLENS_CLUSTER_DIR:-/tmp/netlens-cluster}")   # absolute, no trailing /

# shellcheck disable=SC2034  # used by the scripts that source this file
NETLENS_BINARIES=(etcd kube-apiserver kube-controller-manager kubectl coredns)

log() { printf '[%s %s] %s\n' "$(basename "$0" .sh)" "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

# version_of NAME: the pinned version of one binary.
version_of() {
  case "$1" in
    kube-apiserver|kube-controller-manager|kubectl) echo "$K8S_VERSION" ;;
    etcd) echo "$ETCD_VERSION" ;;
    coredns) echo "$COREDNS_VERSION" ;;
    *) return 1 ;;
  esac
}

# bin_path NAME: where build.sh puts that binary.
bin_path() { echo "$NETLENS_BIN_DIR/$1-$(version_of "$1")"; }
