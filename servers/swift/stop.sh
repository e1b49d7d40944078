#!/bin/bash
# servers/swift/stop.sh - stop everything servers/swift/start.sh started, by PID only (pid files in $SAIO/run).
#   SIGTERM, wait up to 10 s, then SIGKILL; forked worker children (recorded before the
#   kill via /proc/<pid>/task/*/children) are checked and killed by PID too.
#   PURGE=1 (or arg --purge): also unmount $SAIO/srv if it is a tmpfs/loop mount and delete data+rings.
set -u
SAIO=${SAIO:-/tmp/mountstore-swift}
RUN=$SAIO/run
PURGE=${PURGE:-0}; [ "${1:-}" = --purge ] && PURGE=1

. "$(dirname "$(readlink -f "$0")")/../lib.sh"
# the process must be one of ours: its command line mentions $SAIO, or it is memcached
stop_pid_files "$RUN" "$SAIO\|^memcached "

if [ "$PURGE" = 1 ]; then
  if mountpoint -q "$SAIO/srv"; then umount "$SAIO/srv" && echo "unmounted $SAIO/srv"; fi
  rm -rf "${SAIO:?}/srv" "$SAIO/srv.img" "$SAIO/cache" "$SAIO"/etc/*.builder "$SAIO"/etc/*.ring.gz "$SAIO/etc/backups"
  echo "purged data and rings"
fi
echo "stopped"
