#!/usr/bin/env bash
# Stop the control plane started by up.sh and remove its state dir
# (${NETLENS_CLUSTER_DIR:-/tmp/netlens-cluster}): SIGTERM to each recorded process in
# reverse start order, wait up to NETLENS_STOP_TIMEOUT (default 15) seconds, then SIGKILL.
# Only pids recorded in the state dir whose command line still names the state dir are
# signalled. Safe to run when nothing is running.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=$NETLENS_CLUSTER_DIR
STOP_TIMEOUT=${NETLENS_STOP_TIMEOUT:-15}

if [ ! -d "$D" ]; then
  log "nothing to stop: $D does not exist"
  exit 0
fi
# up.sh calls us while holding the lock (NETLENS_DOWN_KEEP_LOCK=1); otherwise take it.
if [ -z "${NETLENS_DOWN_KEEP_LOCK:-}" ]; then
  exec 9> "$D/.lock"
  flock -w 300 9 || die "another up.sh/down.sh holds $D/.lock"
fi

ours() { # pid: alive and started from this state dir
  kill -0 "$1" 2>/dev/null && tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -qF "$D/"
}

for name in coredns kube-controller-manager kube-apiserver etcd; do
  f="$D/pids/$name.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if [ -z "$pid" ] || ! ours "$pid"; then
    rm -f "$f"
    continue
  fi
  log "stopping $name (pid $pid): SIGTERM"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    ours "$pid" || break
    sleep 0.1
  done
  if ours "$pid"; then
    log "$name (pid $pid) still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do ours "$pid" || break; sleep 0.1; done
    ! ours "$pid" || die "could not stop $name (pid $pid)"
  fi
  rm -f "$f"
done

if [ -n "${NETLENS_DOWN_KEEP_LOCK:-}" ]; then
  exit 0   # up.sh clears the directory itself
fi
case "$D" in
  /|"$HOME"|/tmp|/root|/home) die "refusing to delete $D" ;;
esac
if [ -e "$D/.netlens-cluster" ] || [ -z "$(find "$D" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)" ]; then
  rm -rf "$D"
  log "stopped; removed $D"
else
  die "$D has no .netlens-cluster marker; not deleting it"
fi
