#!/bin/bash
# make demo-stop: unmount the demo, and stop the local server if `make demo` started it.
set -uo pipefail
cd "$(dirname "$0")/.."
mount_dir=${DEMO_DIR:-$PWD/demo-mount}
state=${DEMO_STATE:-/tmp/mountstore-demo}
if grep -qs " $mount_dir fuse" /proc/mounts; then
  bin/mountstore unmount "$mount_dir" || bin/mountstore unmount --lazy "$mount_dir"
  for _ in $(seq 100); do grep -qs " $mount_dir fuse" /proc/mounts || break; sleep 0.1; done
  echo "Unmounted $mount_dir."
else
  echo "The demo is not mounted."
fi
if [ -e "$state/started-server" ]; then
  bash servers/swift/stop.sh
  rm -f "$state/started-server"
else
  echo "The local server was running before the demo; it is left running (make server-stop stops it)."
fi
