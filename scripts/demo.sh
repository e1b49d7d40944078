#!/bin/bash
# make demo: start the local Swift + S3 server, fill the container "demo" with a small tree
# (folders, CSV files, a notebook, a log, an empty folder, a 96 MiB file stored as a Swift static
# large object), and mount it in the background at ./demo-mount. Safe to run again: a live demo
# mount is left as it is, and one left dead by a crash is cleared and mounted again.
# `make demo-stop` unmounts, and stops the server if this script started it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mount_dir=${DEMO_DIR:-$repo/demo-mount}
state=${DEMO_STATE:-/tmp/mountstore-demo}
container=demo
mkdir -p "$state"
chmod 700 "$state"

# The local server's tempauth account; the mount reads it from an env-file, as a service would.
export ST_AUTH=http://127.0.0.1:8080/auth/v1.0 ST_USER=test:tester ST_KEY=testing
umask 077
printf 'ST_AUTH=%s\nST_USER=%s\nST_KEY=%s\n' "$ST_AUTH" "$ST_USER" "$ST_KEY" >"$state/demo.env"
umask 022

if ! curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:8080/healthcheck 2>/dev/null; then
  bash servers/swift/start.sh
  touch "$state/started-server" # demo-stop stops only a server the demo started
fi

# A mount whose process died leaves the kernel's mount behind ("Transport endpoint is not connected").
if grep -qs " $mount_dir fuse" /proc/mounts; then
  if bin/mountstore status "$mount_dir" >/dev/null 2>&1 && ls "$mount_dir" >/dev/null 2>&1; then
    echo "The demo is already mounted at $mount_dir."
    already=1
  else
    echo "Clearing a dead mount at $mount_dir (its process is gone)."
    fusermount3 -uz "$mount_dir" || umount -l "$mount_dir"
  fi
fi

# Container metadata marks a complete fill, so an interrupted fill is simply done again.
if ! swift stat "$container" 2>/dev/null | grep -q "Meta Demo-Complete: yes"; then
  echo "Filling swift://$container with a demo tree..."
  tree=$(mktemp -d)
  trap 'rm -rf "$tree"' EXIT
  /usr/bin/python3 scripts/demo_tree.py "$tree"
  swift post "$container"
  (cd "$tree" && swift upload --skip-identical "$container" README.txt data notebooks logs >/dev/null)
  # large/ goes up in 16 MiB segments (a static large object), as MountStore itself writes big files.
  (cd "$tree" && swift upload --use-slo --segment-size 16777216 "$container" large >/dev/null)
  # An empty folder is a zero-byte object ending in '/': it shows as a folder and stays.
  : >"$tree/empty"
  swift upload --object-name scratch/ "$container" "$tree/empty" >/dev/null
  swift post -m demo-complete:yes "$container"
fi

if [ -z "${already:-}" ]; then
  mkdir -p "$mount_dir"
  bin/mountstore mount --daemon --env-file "$state/demo.env" "swift://$container" "$mount_dir"
fi

cat <<TRY

MountStore demo: swift://$container is mounted at $mount_dir
Try:
  ls -la $mount_dir $mount_dir/data/weather
  head $mount_dir/data/weather/stations.csv
  python3 -c "import csv; print(sum(1 for _ in csv.DictReader(open('$mount_dir/data/weather/2025-daily.csv'))), 'rows')"
  sha256sum $mount_dir/large/ocean-model.bin   # 96 MiB, read with parallel ranged GETs
  cp -r $mount_dir/notebooks /tmp/ && echo "note" > $mount_dir/scratch/hello.txt
  bin/mountstore status $mount_dir   # uploads, cache hits, requests, errors
  (set -a; . $state/demo.env; swift list $container)   # the same objects, seen by Swift
Stop with: make demo-stop
TRY
