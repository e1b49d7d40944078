#!/bin/bash
# Stop the Ceph daemons servers/rgw/start.sh started: only the processes its PID files name, and
# only while they still run the program the file is for. --purge also deletes the cluster.
set -u
BASE=${RGW_BASE:-/tmp/mountstore-rgw}
stop_one() { # pid file, expected program
  local pid
  [ -f "$1" ] || return 0
  pid=$(cat "$1" 2>/dev/null)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
    [ -d "/proc/$pid" ] && { echo "$2 ($pid) still running after 20 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null; }
    echo "stopped $2 (pid $pid)"
  fi
  rm -f "$1"
}
# the gateway first, the monitor last: each needs the ones after it to shut down cleanly
stop_one "$BASE/run/client.rgw.a.pid" radosgw
stop_one "$BASE/run/osd.0.pid" ceph-osd
stop_one "$BASE/run/mon.a.pid" ceph-mon
if [ "${1:-}" = --purge ]; then rm -rf "${BASE:?}"; echo "purged $BASE"; fi
