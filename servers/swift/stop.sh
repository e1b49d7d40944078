#!/bin/bash
# servers/swift/stop.sh - stop everything servers/swift/start.sh started, by PID only (pid files in $SAIO/run).
#   SIGTERM, wait up to 10 s, then SIGKILL; forked worker children (recorded before the
#   kill via /proc/<pid>/task/*/children) are checked and killed by PID too.
#   PURGE=1 (or arg --purge): also unmount $SAIO/srv if it is a tmpfs/loop mount and delete data+rings.
set -u
SAIO=${SAIO:-/tmp/mountstore-swift}
RUN=$SAIO/run
PURGE=${PURGE:-0}; [ "${1:-}" = --purge ] && PURGE=1

children() {  # recursive child PIDs of $1
  local c
  for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; children "$c"; done
}

alive() {  # running and not a zombie
  local st
  st=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

pids=()
for f in "$RUN"/*.pid; do
  [ -e "$f" ] || continue
  pid=$(cat "$f")
  # guard against a recycled PID: the process must be one of ours (cmdline mentions $SAIO or memcached)
  if [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' < /proc/"$pid"/cmdline | grep -q -e "$SAIO" -e '^memcached '; then
    kids=$(children "$pid" | tr '\n' ' ')
    echo "stopping $(basename "$f" .pid) pid $pid ${kids:+(children $kids)}"
    kill -TERM "$pid" 2>/dev/null
    pids+=("$pid" $kids)
  fi
  rm -f "$f"
done

for _ in $(seq 1 100); do           # up to 10 s for graceful exit
  n=0
  for p in "${pids[@]}"; do alive "$p" && n=$((n+1)); done
  [ $n -eq 0 ] && break
  sleep 0.1
done
for p in "${pids[@]}"; do
  if alive "$p"; then echo "pid $p still alive -> SIGKILL"; kill -KILL "$p" 2>/dev/null; fi
done

if [ "$PURGE" = 1 ]; then
  if mountpoint -q "$SAIO/srv"; then umount "$SAIO/srv" && echo "unmounted $SAIO/srv"; fi
  rm -rf "${SAIO:?}/srv" "$SAIO/srv.img" "$SAIO/cache" "$SAIO"/etc/*.builder "$SAIO"/etc/*.ring.gz "$SAIO/etc/backups"
  echo "purged data and rings"
fi
echo "stopped"
