#!/usr/bin/env bash
# Build the tools that judge NetLens (versions.env: NAME=<package>@<version>) with `go install` from the Go
# module proxy, into ${NETLENS_CACHE:-$HOME/.cache/netlens}/bin/<name>-<version>, and print each binary's path.
# GOMODCACHE and GOCACHE are shared with test/cluster/build.sh. A binary is rebuilt only when its stamp (package,
# version, Go version) changed, so a second run takes well under a second.
#
# Usage: build.sh NAME...     (build only what a test tier needs)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$HERE/versions.env"
NETLENS_CACHE=${NETLENS_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/netlens}
BIN_DIR=$NETLENS_CACHE/bin
log() { printf '[tools %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

[ $# -gt 0 ] || die "name the tools to build: $(grep -o '^TOOL_[a-z0-9_-]*' "$HERE/versions.env" | sed 's/^TOOL_//' | tr '\n' ' ')"
command -v go >/dev/null || die "go not found in PATH (expected Go >= 1.26, e.g. /usr/local/go/bin)"
mkdir -p "$BIN_DIR"
export GOMODCACHE="$NETLENS_CACHE/gomod" GOCACHE="$NETLENS_CACHE/gocache" CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
GO_VERSION=$(go env GOVERSION)

for name in "$@"; do
  var="TOOL_${name//-/_}"
  spec=${!var:-}
  [ -n "$spec" ] || die "unknown tool '$name' (see $HERE/versions.env)"
  version=${spec##*@}
  # Link-time settings that the tool's own release build sets and that change what it prints (optional).
  ldvar="LDFLAGS_${name//-/_}"
  ldflags="-s -w ${!ldvar:-}"
  bin="$BIN_DIR/$name-$version"
  stamp=$(printf '%s %s %s/%s %s\n' "$spec" "$GO_VERSION" "$(go env GOOS)" "$(go env GOARCH)" "$ldflags" | sha256sum | cut -d' ' -f1)
  if [ -x "$bin" ] && [ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "reusing $name $version"
  else
    if [ -z "${GOSUMDB:-}" ]; then
      sumdb=$(go env GOSUMDB); host=${sumdb%% *}; host=${host#*+}
      if [ "$sumdb" = off ] || ! curl -fsS -o /dev/null --max-time 5 "https://$host/latest" 2>/dev/null; then export GOSUMDB=off; fi
    fi
    log "building $name $version (go install $spec; minutes the first time)"
    start=$SECONDS
    tmp=$(mktemp -d "$BIN_DIR/.tool.XXXXXX")
    GOBIN="$tmp" go install -trimpath -ldflags "$ldflags" "$spec" || { rm -rf "$tmp"; die "go install $spec failed"; }
    built=$(find "$tmp" -maxdepth 1 -type f | head -1)
    [ -n "$built" ] || { rm -rf "$tmp"; die "go install $spec produced no binary"; }
    mv -f "$built" "$bin"; rm -rf "$tmp"
    echo "$stamp" > "$bin.stamp"
    log "built $name $version in $((SECONDS - start))s: $bin"
  fi
  echo "$bin"
done
