#!/bin/bash
# Stop what servers/keystone/start.sh started (Keystone and its Swift proxy), by PID only.
# PURGE=1 (or --purge) also deletes the database and keys: the next start makes new identities.
set -u
BASE=${KEYSTONE_BASE:-/tmp/mountstore-keystone}
PURGE=${PURGE:-0}; [ "${1:-}" = --purge ] && PURGE=1
children() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; children "$c"; done; }
alive() { local st; st=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1) || return 1; [ -n "$st" ] && [ "$st" != Z ]; }
pids=()
for f in "$BASE"/run/*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  # a recycled PID must not be killed: the process has to be ours
  if [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' < /proc/"$pid"/cmdline | grep -q -e "$BASE" -e keystone; then
    kids=$(children "$pid" | tr '\n' ' ')
    echo "stopping $(basename "$f" .pid) pid $pid ${kids:+(children $kids)}"
    kill -TERM "$pid" 2>/dev/null
    pids+=("$pid" $kids)
  fi
  rm -f "$f"
done
for _ in $(seq 100); do
  n=0; for p in "${pids[@]}"; do alive "$p" && n=$((n+1)); done
  [ $n -eq 0 ] && break; sleep 0.1
done
for p in "${pids[@]}"; do alive "$p" && { echo "pid $p still alive: SIGKILL"; kill -KILL "$p" 2>/dev/null; }; done
if [ "$PURGE" = 1 ]; then rm -rf "${BASE:?}/data" "$BASE/fernet-keys" "$BASE/credential-keys" "$BASE"/*.env "$BASE"/*-openrc.sh; echo "purged"; fi
echo "stopped"
