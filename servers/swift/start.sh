#!/bin/bash
# Start a local OpenStack Swift "all in one" on 127.0.0.1 for MountStore's tests, demo and benchmarks.
# Debian's Swift packages, tempauth, and the s3api middleware: one server that speaks Swift
# (http://127.0.0.1:8080/auth/v1.0, user test:tester, key testing) and S3 (http://127.0.0.1:8080,
# path style, region us-east-1, access key test:tester, secret testing).
#
# Idempotent: installs the packages when missing, exits 0 at once when the server already runs.
# Every process's PID goes to $SAIO/run/*.pid; servers/swift/stop.sh stops them by PID only.
# Adapted from shared/reference/start-saio.sh; facts behind it in shared/notes/local-swift.md.
#
# Knobs (defaults): SAIO=/tmp/mountstore-swift  RESET=0 (1 wipes data)  STORAGE=auto|dir|tmpfs|loop
#   PROXY_PORT=8080 PROXY_WORKERS=2 WORKERS=1 MEMCACHE_PORT=11211 LOG_LEVEL=WARNING
set -euo pipefail

SAIO=${SAIO:-/tmp/mountstore-swift}
RESET=${RESET:-0}
STORAGE=${STORAGE:-auto}
STORAGE_SIZE=${STORAGE_SIZE:-4g}
PROXY_PORT=${PROXY_PORT:-8080}
PROXY_WORKERS=${PROXY_WORKERS:-2}
WORKERS=${WORKERS:-1}
MEMCACHE_PORT=${MEMCACHE_PORT:-11211}
OBJECT_UPDATER=${OBJECT_UPDATER:-1}
CONTAINER_UPDATER=${CONTAINER_UPDATER:-0}
LOG_LEVEL=${LOG_LEVEL:-WARNING}
ACCOUNT_PORT=6202 CONTAINER_PORT=6201 OBJECT_PORT=6200

ETC=$SAIO/etc SRV=$SAIO/srv RUN=$SAIO/run LOG=$SAIO/log
PY=/usr/bin/python3   # NOT a pyenv/venv python3: swift + xattr live in Debian's dist-packages
T0=$(date +%s%N)
say() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '[saio %d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*"; }

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
. "$(dirname "$(readlink -f "$0")")/../lib.sh"

# ---------------------------------------------------------------- 1. packages
if ! command -v swift-proxy-server >/dev/null || ! command -v memcached >/dev/null; then
  say "installing Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  # a fresh machine has no package lists yet: update first, or the install finds nothing
  apt-get update -q >/dev/null
  apt-get install -y -o DPkg::Lock::Timeout=300 --no-install-recommends \
    swift swift-proxy swift-account swift-container swift-object python3-swift \
    python3-swiftclient memcached curl iproute2 >/dev/null
fi

# already running?
if [ -f "$RUN/proxy-server.pid" ] && alive "$(cat "$RUN/proxy-server.pid")"; then
  echo "Swift already running (proxy pid $(cat "$RUN/proxy-server.pid"))"
  exit 0
fi
for p in $PROXY_PORT $ACCOUNT_PORT $CONTAINER_PORT $OBJECT_PORT $MEMCACHE_PORT; do
  if ss -Hltn "sport = :$p" | grep -q .; then echo "port $p already in use" >&2; exit 1; fi
done

mkdir -p "$ETC" "$RUN" "$LOG" "$SRV"

# ---------------------------------------------------------------- 2. storage (xattrs!)
xattr_ok() {  # Swift's object server stores metadata in user.swift.metadata xattrs
  local f="$1/.xattr-probe.$$"
  touch "$f" 2>/dev/null || return 1
  $PY -c 'import sys,xattr; xattr.setxattr(sys.argv[1],"user.swift.probe",b"x"*254)' "$f" 2>/dev/null
  local rc=$?; rm -f "$f"; return $rc
}
if [ "$RESET" = 1 ]; then
  say "RESET=1: wiping data and rings"
  if mountpoint -q "$SRV"; then umount "$SRV"; fi      # tmpfs/loop: unmount = instant wipe
  rm -rf "${SRV:?}" "$SAIO/srv.img"; mkdir -p "$SRV"   # plain dir: ~15 s per 30k objects on ext4
  rm -f "$ETC"/*.builder "$ETC"/*.ring.gz; rm -rf "$ETC/backups"
fi
if ! mountpoint -q "$SRV"; then
  mode=$STORAGE
  if [ "$mode" = auto ]; then
    if xattr_ok "$SRV"; then mode=dir; else mode=tmpfs; fi
  fi
  case $mode in
    dir)   xattr_ok "$SRV" || { echo "$SRV: no user xattr support; use STORAGE=tmpfs|loop" >&2; exit 1; } ;;
    tmpfs) say "mounting tmpfs on $SRV (size $STORAGE_SIZE)"
           mount -t tmpfs -o size="$STORAGE_SIZE",mode=0755 saio-tmpfs "$SRV"
           if ! xattr_ok "$SRV"; then   # tmpfs has user.* xattrs only on Linux >= 6.6
             umount "$SRV"; echo "tmpfs lacks user xattrs (kernel < 6.6?); use STORAGE=loop" >&2; exit 1; fi ;;
    loop)  img=$SAIO/srv.img
           if [ ! -f "$img" ]; then truncate -s "$STORAGE_SIZE" "$img"; mkfs.ext4 -q -F "$img"; fi
           say "mounting ext4 image $img on $SRV via loop"
           mount -o loop,noatime,user_xattr "$img" "$SRV" ;;
    *) echo "bad STORAGE=$mode" >&2; exit 1 ;;
  esac
fi
mkdir -p "$SRV/sdb1" "$SAIO/cache"

# ---------------------------------------------------------------- 3. configs
# swift.conf path is hard-coded in swift (/etc/swift/swift.conf); everything else is under $ETC.
mkdir -p /etc/swift
[ -f /etc/swift/swift.conf ] && [ ! -f /etc/swift/swift.conf.orig-saio ] && \
  cp -p /etc/swift/swift.conf /etc/swift/swift.conf.orig-saio
cat > /etc/swift/swift.conf <<'EOF'
[swift-hash]
swift_hash_path_prefix = saio
swift_hash_path_suffix = saio

[storage-policy:0]
name = Policy-0
default = yes

[swift-constraints]
EOF

common() {  # $1 = port, $2 = workers, $3 = log name
cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = $2
user = root
swift_dir = $ETC
devices = $SRV
mount_check = false
log_name = $3
log_level = $LOG_LEVEL
recon_cache_path = $SAIO/cache
EOF
}

{ common $ACCOUNT_PORT "$WORKERS" account-server; cat <<EOF

[pipeline:main]
pipeline = healthcheck account-server

[app:account-server]
use = egg:swift#account

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
} > "$ETC/account-server.conf"

{ common $CONTAINER_PORT "$WORKERS" container-server; cat <<EOF

[pipeline:main]
pipeline = healthcheck container-server

[app:container-server]
use = egg:swift#container

[filter:healthcheck]
use = egg:swift#healthcheck

[container-updater]
interval = 30
concurrency = 1
EOF
} > "$ETC/container-server.conf"

{ common $OBJECT_PORT "$WORKERS" object-server; cat <<EOF

[pipeline:main]
pipeline = healthcheck object-server

[app:object-server]
use = egg:swift#object
# wait (up to 10 s, default 1 s) for the container listing update before answering a PUT/DELETE,
# so listings reflect writes deterministically even when the container server is busy
container_update_timeout = 10
node_timeout = 10

[filter:healthcheck]
use = egg:swift#healthcheck

[object-updater]
interval = 10
concurrency = 1
EOF
} > "$ETC/object-server.conf"

cat > "$ETC/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = $PROXY_WORKERS
user = root
swift_dir = $ETC
log_name = proxy-server
log_level = $LOG_LEVEL

[pipeline:main]
# proxy-logging twice so middleware-originated sub-requests are logged too
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:tempauth]
use = egg:swift#tempauth
# user_<account>_<user> = <key> [groups...]   ->  S3 access key "<account>:<user>", secret "<key>"
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test2_tester2 = testing2 .admin
user_test_tester3 = testing3
token_life = 86400

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# S3 multipart parts (except the last) must be >= min_segment_size (5 MiB default)

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHE_PORT
# Swift's defaults (2 pooled connections per worker, 1 s to get one) starve under the test
# suite's parallel load: requests time out waiting, the client marks memcached "error-limited"
# for 60 s, and every token lives only there, so even fresh tokens were refused with 401 for a
# minute at a time (make test on a fresh machine, 2 runs of 2). Size the pool for the load.
memcache_max_connections = 64
pool_timeout = 5
connect_timeout = 1

$(plain_filters catch_errors gatekeeper healthcheck proxy-logging listing_formats bulk tempurl copy container-quotas account-quotas slo dlo)
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true
$(plain_filters symlink)
EOF

# ---------------------------------------------------------------- 4. rings (1 replica, 1 device)
# Same as, per ring (but ~3 s faster than 9 CLI calls):
#   swift-ring-builder $ETC/object.builder create 10 1 1
#   swift-ring-builder $ETC/object.builder add r1z1-127.0.0.1:6200/sdb1 1
#   swift-ring-builder $ETC/object.builder rebalance          (container: 6201, account: 6202)
if [ ! -f "$ETC/object.ring.gz" ] || [ ! -f "$ETC/container.ring.gz" ] || [ ! -f "$ETC/account.ring.gz" ]; then
  say "building rings"
  $PY - "$ETC" $OBJECT_PORT $CONTAINER_PORT $ACCOUNT_PORT <<'PYEOF'
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(('object', 'container', 'account'), map(int, sys.argv[2:5])):
    b = RingBuilder(10, 1, 1)            # part_power=10, replicas=1, min_part_hours=1
    b.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port,
               'replication_ip': '127.0.0.1', 'replication_port': port,
               'device': 'sdb1', 'weight': 1.0, 'meta': ''})
    b.rebalance()
    b.save('%s/%s.builder' % (etc, name))
    b.get_ring().save('%s/%s.ring.gz' % (etc, name))
PYEOF
fi

# ---------------------------------------------------------------- 5. start processes
start() {  # name, command...   (-v = log to console -> $LOG/name.log)
  local name=$1; shift
  nohup "$@" >"$LOG/$name.log" 2>&1 </dev/null &
  echo $! > "$RUN/$name.pid"
}
say "starting memcached + servers"
start memcached memcached -u root -l 127.0.0.1 -p "$MEMCACHE_PORT" -U 0 -m 64
start account-server   swift-account-server   "$ETC/account-server.conf" -v
start container-server swift-container-server "$ETC/container-server.conf" -v
start object-server    swift-object-server    "$ETC/object-server.conf" -v
start proxy-server     swift-proxy-server     "$ETC/proxy-server.conf" -v
if [ "$OBJECT_UPDATER" = 1 ]; then
  start object-updater swift-object-updater "$ETC/object-server.conf" -v
fi
if [ "$CONTAINER_UPDATER" = 1 ]; then
  start container-updater swift-container-updater "$ETC/container-server.conf" -v
fi

# ---------------------------------------------------------------- 6. wait until usable
fail() {  # print error, stop whatever was started (by PID), exit 1
  echo "start-saio: $*" >&2
  SAIO=$SAIO "$(dirname "$(readlink -f "$0")")/stop.sh" >&2 || true
  exit 1
}
wait_http() {  # name url
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$2" && return 0
    alive "$(cat "$RUN/$1.pid")" || { tail -20 "$LOG/$1.log" >&2; fail "$1 died, see $LOG/$1.log"; }
    sleep 0.1
  done
  fail "$1 not answering $2 after 30 s"
}
wait_http account-server   "http://127.0.0.1:$ACCOUNT_PORT/healthcheck"
wait_http container-server "http://127.0.0.1:$CONTAINER_PORT/healthcheck"
wait_http object-server    "http://127.0.0.1:$OBJECT_PORT/healthcheck"
wait_http proxy-server     "http://127.0.0.1:$PROXY_PORT/healthcheck"
say "proxy /healthcheck OK"

# end-to-end: tempauth token (needs memcached) + account HEAD (autocreate via account server)
TOKEN=""
for _ in $(seq 1 50); do
  TOKEN=$(curl -sf -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
          "http://127.0.0.1:$PROXY_PORT/auth/v1.0" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}') || true
  [ -n "$TOKEN" ] && curl -sf -o /dev/null -I -H "X-Auth-Token: $TOKEN" "http://127.0.0.1:$PROXY_PORT/v1/AUTH_test" && break
  TOKEN=""; sleep 0.1
done
[ -n "$TOKEN" ] || fail "tempauth/account check failed, see $LOG/"
say "ready: Swift http://127.0.0.1:$PROXY_PORT/auth/v1.0 (test:tester/testing), S3 http://127.0.0.1:$PROXY_PORT (test:tester/testing)"
