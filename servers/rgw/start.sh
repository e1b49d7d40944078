#!/bin/bash
# Start a single-node Ceph (Pacific, Debian 12) and its RADOS Gateway on 127.0.0.1: the second real
# implementation of both the Swift and the S3 API that MountStore is tested against.
#   one monitor (3300/6789), one OSD with BlueStore on a sparse file (6800-7100), no manager,
#   auth none, pools of size 1; radosgw (beast) on 127.0.0.1:7480.
#   S3     http://127.0.0.1:7480  path style, us-east-1, key MOUNTSTORERGWACCESS0 / mountstore-rgw-secret
#   Swift  http://127.0.0.1:7480/auth/1.0  user mountstore:swift  key mountstore-swift-secret
# Idempotent: installs packages when missing, creates the cluster on first start, restarts the
# daemons on existing data later, exits 0 at once when the gateway already answers.
# Knobs (defaults): RGW_BASE=/tmp/mountstore-rgw  RGW_PORT=7480  RESET=0 (1 = new cluster)
# Facts and pitfalls behind it: shared/notes/ceph-rgw.md. Stop with servers/rgw/stop.sh.
set -euo pipefail
BASE=${RGW_BASE:-/tmp/mountstore-rgw}
PORT=${RGW_PORT:-7480}
RESET=${RESET:-0}
OSD_BYTES=$((20 << 30))   # sparse: only what is written takes disk
RGW_USER=mountstore S3_ACCESS=MOUNTSTORERGWACCESS0 S3_SECRET=mountstore-rgw-secret SWIFT_KEY=mountstore-swift-secret
CONF=$BASE/ceph.conf RUN=$BASE/run DATA=$BASE/data LOG=$BASE/log
C=(-c "$CONF")
T0=$(date +%s%N)
say() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '[rgw %d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*"; }
die() { echo "rgw: $*" >&2; exit 1; }
# a PID file names one of our daemons only while that process runs the expected program
alive() { [ -f "$1" ] && [ "$(cat "/proc/$(cat "$1")/comm" 2>/dev/null)" = "$2" ]; }
answers() { [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)" = 200 ]; }
[ "$(id -u)" = 0 ] || die "run as root"

if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null \
   || ! command -v uuidgen >/dev/null; then
  say "installing radosgw ceph-mon ceph-osd"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -o DPkg::Lock::Timeout=300 --no-install-recommends radosgw ceph-mon ceph-osd uuid-runtime curl >/dev/null
fi

if [ "$RESET" = 1 ]; then
  bash "$(dirname "$(readlink -f "$0")")/stop.sh" >/dev/null
  rm -rf "${BASE:?}"
fi
if alive "$RUN/client.rgw.a.pid" radosgw && answers; then
  echo "RGW already running (pid $(cat "$RUN/client.rgw.a.pid"))"
  exit 0
fi
mkdir -p "$RUN" "$DATA" "$LOG/crash"

if [ ! -f "$CONF" ]; then
  cat > "$CONF" <<CONF
[global]
fsid = $(uuidgen)
mon host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = false
# radosgw asks the monitor for "secure" mode by default, which needs auth: without this line it
# hangs for 300 s and exits ("failed to fetch mon config")
ms mon client mode = crc secure
ms bind port min = 6800
ms bind port max = 7100
run dir = $RUN
admin socket = $RUN/\$name.asok
pid file = $RUN/\$name.pid
log file = $LOG/\$name.log
crash dir = $LOG/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
# RGW makes 7 pools; a small disk must not turn into health warnings that block writes
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 5

[mon]
mon data = $DATA/mon.\$id
mon cluster log file = $LOG/cluster.log

[osd]
osd data = $DATA/osd.\$id
osd objectstore = bluestore
# the OSD makes its own sparse block file; pointing "bluestore block path" at it breaks mkfs
bluestore block create = true
bluestore block size = $OSD_BYTES
bluestore fsck on mount = false
osd memory target = 1073741824

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $DATA/rgw.a
rgw thread pool size = 64
rgw init timeout = 120
CONF
fi

if [ ! -d "$DATA/mon.a/store.db" ]; then
  say "first start: creating the monitor"
  monmaptool --create --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' --fsid "$(awk '$1=="fsid"{print $3}' "$CONF")" "$RUN/monmap" >/dev/null
  ceph-mon "${C[@]}" --mkfs -i a --monmap "$RUN/monmap" || die "ceph-mon --mkfs failed"
fi
alive "$RUN/mon.a.pid" ceph-mon || ceph-mon "${C[@]}" -i a || die "ceph-mon did not start, see $LOG/mon.a.log"
timeout 60 ceph "${C[@]}" --connect-timeout 30 mon stat >/dev/null || die "the monitor does not answer, see $LOG/mon.a.log"
say "monitor up"

if [ ! -f "$DATA/osd.0/mkfs_done" ]; then
  say "first start: creating the OSD"
  uuid=$(uuidgen)
  id=$(ceph "${C[@]}" osd new "$uuid")
  [ "$id" = 0 ] || die "expected OSD id 0, got '$id' (RESET=1 starts over)"
  rm -rf "$DATA/osd.0"; mkdir -p "$DATA/osd.0"
  ceph-osd "${C[@]}" -i 0 --mkfs --osd-uuid "$uuid" >"$LOG/osd.0.mkfs.log" 2>&1 || die "ceph-osd --mkfs failed, see $LOG/osd.0.mkfs.log"
fi
alive "$RUN/osd.0.pid" ceph-osd || ceph-osd "${C[@]}" -i 0 2>>"$LOG/osd.0.stderr" || die "ceph-osd did not start, see $LOG/osd.0.log"
for i in $(seq 120); do
  ceph "${C[@]}" osd dump 2>/dev/null | grep -q '^osd.0 up' && break
  [ "$i" = 120 ] && die "osd.0 did not come up in 60 s, see $LOG/osd.0.log"
  sleep 0.5
done
say "OSD up"

mkdir -p "$DATA/rgw.a"
alive "$RUN/client.rgw.a.pid" radosgw || radosgw "${C[@]}" -n client.rgw.a || die "radosgw did not start, see $LOG/client.rgw.a.log"
for i in $(seq 240); do
  answers && break
  [ "$i" = 240 ] && die "radosgw does not answer on 127.0.0.1:$PORT after 120 s, see $LOG/client.rgw.a.log"
  sleep 0.5
done
say "gateway answers"

if ! radosgw-admin "${C[@]}" user info --uid="$RGW_USER" >/dev/null 2>&1; then
  radosgw-admin "${C[@]}" user create --uid="$RGW_USER" --display-name="MountStore tests" \
    --access-key="$S3_ACCESS" --secret-key="$S3_SECRET" >/dev/null
  radosgw-admin "${C[@]}" subuser create --uid="$RGW_USER" --subuser="$RGW_USER:swift" --access=full >/dev/null
  radosgw-admin "${C[@]}" key create --subuser="$RGW_USER:swift" --key-type=swift --secret-key="$SWIFT_KEY" >/dev/null
  say "created user $RGW_USER (S3 keys and Swift subuser $RGW_USER:swift)"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-User: $RGW_USER:swift" -H "X-Auth-Key: $SWIFT_KEY" "http://127.0.0.1:$PORT/auth/1.0")
[ "$code" = 204 ] || [ "$code" = 200 ] || die "Swift v1 login on RGW answered $code, see $LOG/client.rgw.a.log"
say "ready: S3 http://127.0.0.1:$PORT ($S3_ACCESS), Swift http://127.0.0.1:$PORT/auth/1.0 ($RGW_USER:swift)"
