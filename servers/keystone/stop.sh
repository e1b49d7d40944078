#!/bin/bash
# Stop what servers/keystone/start.sh started (Keystone and its Swift proxy), by PID only.
# PURGE=1 (or --purge) also deletes the database and keys: the next start makes new identities.
set -u
BASE=${KEYSTONE_BASE:-/tmp/mountstore-keystone}
PURGE=${PURGE:-0}; [ "${1:-}" = --purge ] && PURGE=1
. "$(dirname "$(readlink -f "$0")")/../lib.sh"
stop_pid_files "$BASE/run" "$BASE\|keystone"
if [ "$PURGE" = 1 ]; then rm -rf "${BASE:?}/data" "$BASE/fernet-keys" "$BASE/credential-keys" "$BASE"/*.env "$BASE"/*-openrc.sh; echo "purged"; fi
echo "stopped"
