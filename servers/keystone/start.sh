#!/bin/bash
# Start a real OpenStack Keystone v3 on 127.0.0.1:5000 and a second Swift proxy on 127.0.0.1:8090
# that trusts it, in front of the same account/container/object servers as servers/swift/start.sh.
# The tempauth proxy on :8080 is left exactly as it was: both doors open onto one store.
#
#   Keystone   http://127.0.0.1:5000/v3  (python3-keystone under uwsgi, sqlite, fernet tokens)
#   Swift      http://127.0.0.1:8090/v1/AUTH_<project id>  (authtoken + keystoneauth)
#   S3         http://127.0.0.1:8090  with Keystone EC2 credentials (s3api + s3token)
#
# Identities, created once and checked on every start (servers/keystone/identities.py):
#   project demo: user demo (roles member + swiftoperator), an application credential, an EC2 key
#   project demo-noop: user demo with role member only (no Swift operator role)
#   project service: user swift (admin) that the proxy uses to validate tokens
#   object-store endpoints: RegionOne public (127.0.0.1) + internal (localhost), RegionTwo public
#   (127.0.0.2, nothing listens: only for choosing endpoints from the catalog)
# Everything a test or a user needs lands in $KEYSTONE_BASE/keystone.env and *-openrc.sh files.
#
# Idempotent: installs packages when missing; exits 0 at once when both already answer.
# Knobs (defaults): KEYSTONE_BASE=/tmp/mountstore-keystone  TOKEN_EXPIRATION=20 (seconds: short, so
#   the tests see tokens expire; a real cloud uses hours)  RESET=0 (1 = new database and keys)
# Facts behind it: shared/notes/keystone.md. Stop with servers/keystone/stop.sh.
set -euo pipefail
HERE=$(dirname "$(readlink -f "$0")")
BASE=${KEYSTONE_BASE:-/tmp/mountstore-keystone}
SAIO=${SAIO:-/tmp/mountstore-swift}
TOKEN_EXPIRATION=${TOKEN_EXPIRATION:-20}
RESET=${RESET:-0}
KEYSTONE_PORT=5000 PROXY_PORT=8090 MEMCACHE_PORT=${MEMCACHE_PORT:-11211}
ETC=$BASE/etc DATA=$BASE/data LOG=$BASE/log RUN=$BASE/run
URL=http://127.0.0.1:$KEYSTONE_PORT
PY=/usr/bin/python3   # Debian's python: keystone and swift live in its dist-packages
export SERVICE_USER=swift SERVICE_PASSWORD=swift-service-secret ADMIN_PASSWORD=admin-secret
T0=$(date +%s%N)
say() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf '[keystone %d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*"; }
. "$HERE/../lib.sh"
running() { [ -f "$RUN/$1.pid" ] && alive "$(cat "$RUN/$1.pid")"; }
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

# The Swift backends (and memcached, which authtoken caches tokens in) come from the Swift script.
bash "$HERE/../swift/start.sh" >/dev/null

# ---------------------------------------------------------------- packages
# python3-keystone, not the keystone package: that one's postinst wants debconf and an init system.
need=()
[ -x /usr/bin/keystone-manage ] || need+=(python3-keystone)
$PY -c 'import keystonemiddleware.auth_token' 2>/dev/null || need+=(python3-keystonemiddleware)
[ -x /usr/bin/uwsgi-core ] && ls /usr/lib/uwsgi/plugins/python3*_plugin.so >/dev/null 2>&1 || need+=(uwsgi-core uwsgi-plugin-python3)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -o DPkg::Lock::Timeout=300 --no-install-recommends "${need[@]}" >/dev/null
fi
mkdir -p "$ETC" "$DATA" "$LOG" "$RUN"

# ---------------------------------------------------------------- Keystone
if running keystone; then
  say "keystone already running (pid $(cat "$RUN/keystone.pid"))"
else
  if ss -Hltn "sport = :$KEYSTONE_PORT" | grep -q .; then echo "port $KEYSTONE_PORT already in use" >&2; exit 1; fi
  if [ "$RESET" = 1 ]; then rm -rf "${DATA:?}" "$BASE/fernet-keys" "$BASE/credential-keys"; mkdir -p "$DATA"; fi
  cat > "$ETC/keystone.conf" <<CONF
[DEFAULT]
log_dir = $LOG
log_file = keystone.log

[database]
connection = sqlite:///$DATA/keystone.db

[token]
provider = fernet
expiration = $TOKEN_EXPIRATION

[fernet_tokens]
key_repository = $BASE/fernet-keys

[fernet_receipts]
key_repository = $BASE/fernet-keys

[credential]
key_repository = $BASE/credential-keys

[identity]
# bcrypt cost of stored passwords: the default (12) spends 0.3 s of CPU on every password login
password_hash_rounds = 4

[oslo_policy]
enforce_scope = false
enforce_new_defaults = false
CONF
  manage() {
    keystone-manage --config-file "$ETC/keystone.conf" "$@" >>"$LOG/keystone-manage.log" 2>&1 \
      || { tail -20 "$LOG/keystone-manage.log" >&2; echo "keystone-manage $1 failed, see $LOG/keystone-manage.log" >&2; exit 1; }
  }
  if [ ! -f "$DATA/bootstrapped" ]; then
    say "first start: creating the database, keys and admin user"
    manage db_sync
    manage fernet_setup --keystone-user root --keystone-group root
    manage credential_setup --keystone-user root --keystone-group root
    manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
      --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
      --bootstrap-region-id RegionOne --bootstrap-admin-url "$URL/v3/" \
      --bootstrap-internal-url "$URL/v3/" --bootstrap-public-url "$URL/v3/"
    # WAL: without it, a read Keystone keeps open blocks the same request's write ("database is locked")
    $PY -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$DATA/keystone.db"
    touch "$DATA/bootstrapped"
  fi
  say "starting keystone on $URL (token life ${TOKEN_EXPIRATION}s)"
  # One process, one thread: sqlite takes one writer. "Connection: close" because uwsgi's
  # http-socket drops idle connections without saying so, and pooled clients then hit resets.
  OS_KEYSTONE_CONFIG_FILES=$ETC/keystone.conf nohup /usr/bin/uwsgi-core --plugin python3 \
    --http-socket 127.0.0.1:$KEYSTONE_PORT --add-header "Connection: close" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --lazy-apps --need-app \
    --processes 1 --threads 1 --die-on-term --no-orphans --buffer-size 65535 \
    --chdir "$BASE" >"$LOG/keystone-server.log" 2>&1 </dev/null &
  echo $! > "$RUN/keystone.pid"
fi
for i in $(seq 600); do
  curl -sf -o /dev/null "$URL/v3" && break
  running keystone || { tail -20 "$LOG/keystone-server.log" >&2; echo "keystone died, see $LOG/" >&2; exit 1; }
  [ "$i" = 600 ] && { echo "keystone does not answer $URL/v3 after 60 s, see $LOG/" >&2; exit 1; }
  sleep 0.1
done
say "keystone answers"

KEYSTONE_URL=$URL/v3 SWIFT_URL=http://127.0.0.1:$PROXY_PORT OUT=$BASE $PY "$HERE/identities.py" \
  || { echo "setting up Keystone identities failed" >&2; exit 1; }
say "identities ready ($BASE/keystone.env)"

# ---------------------------------------------------------------- the Keystone-facing Swift proxy
if running proxy-server; then
  say "Keystone proxy already running (pid $(cat "$RUN/proxy-server.pid"))"
else
  if ss -Hltn "sport = :$PROXY_PORT" | grep -q .; then echo "port $PROXY_PORT already in use" >&2; exit 1; fi
  service_auth="auth_url = $URL/v3
auth_type = password
project_domain_id = default
user_domain_id = default
project_name = service
username = $SERVICE_USER
password = $SERVICE_PASSWORD"
  cat > "$ETC/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 2
user = root
swift_dir = $SAIO/etc
log_name = proxy-keystone
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk authtoken s3api s3token keystoneauth copy slo dlo symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:authtoken]
# Validates X-Auth-Token with Keystone and caches the answer in memcached. An expired token is
# refused even from the cache, which is what the token-life tests rely on.
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $URL/v3
$service_auth
delay_auth_decision = true
cache = swift.cache
include_service_catalog = false

[filter:keystoneauth]
use = egg:swift#keystoneauth
reseller_prefix = AUTH_
operator_roles = admin, swiftoperator
reseller_admin_role = ResellerAdmin

[filter:s3token]
# Keystone's s3tokens call needs a service identity in this release; without it every S3
# request fails as SignatureDoesNotMatch.
use = egg:swift#s3token
auth_uri = $URL/v3
reseller_prefix = AUTH_
$service_auth
secret_cache_duration = 60

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

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

$(plain_filters catch_errors gatekeeper healthcheck proxy-logging listing_formats bulk copy slo dlo symlink)
CONF
  nohup swift-proxy-server "$ETC/proxy-server.conf" -v >"$LOG/proxy-server.log" 2>&1 </dev/null &
  echo $! > "$RUN/proxy-server.pid"
fi
for i in $(seq 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$PROXY_PORT/healthcheck" && break
  running proxy-server || { tail -20 "$LOG/proxy-server.log" >&2; echo "the Keystone proxy died, see $LOG/proxy-server.log" >&2; exit 1; }
  [ "$i" = 300 ] && { echo "the Keystone proxy does not answer after 30 s" >&2; exit 1; }
  sleep 0.1
done
# end to end: a demo token opens the demo project's account
. "$BASE/keystone.env"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$URL/v3/auth/tokens" -D "$RUN/check-headers" \
  -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"demo\",\"domain\":{\"id\":\"default\"},\"password\":\"$DEMO_PASSWORD\"}}},\"scope\":{\"project\":{\"id\":\"$DEMO_PROJECT_ID\"}}}}")
[ "$code" = 201 ] || { echo "demo login answered $code" >&2; exit 1; }
token=$(awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' "$RUN/check-headers" | tr -d '\r'); rm -f "$RUN/check-headers"
for i in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -I -H "X-Auth-Token: $token" "$DEMO_STORAGE_URL")
  case $code in 2*) break ;; esac
  [ "$i" = 100 ] && { echo "the Keystone proxy answered $code for the demo account, see $LOG/proxy-server.log" >&2; exit 1; }
  sleep 0.1
done
say "ready: Keystone $URL/v3, Swift $DEMO_STORAGE_URL, S3 http://127.0.0.1:$PROXY_PORT (EC2 keys in $BASE/keystone.env)"
