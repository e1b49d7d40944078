#!/usr/bin/env bash
# Fills a container of the local server the way users' containers get filled: by
# python-swiftclient (plain, DLO and SLO uploads), by hand with curl (a DLO), by rclone through its
# Swift and S3 backends, and by s3fs (a file with chmod and touch, a folder, a symlink).
# Writes what each tool was asked to store to OUT/expected.tsv, one line per path:
#   path  type(f|d|l)  size  mtime(Unix seconds, or - when the tool sets none)  mode(octal, or -)  sha256(or -)  target(or -)
# The container (and its _segments container) is emptied first. Usage: fill-with-other-tools.sh CONTAINER OUT
set -euo pipefail
C=$1 OUT=$2
ENDPOINT=${ENDPOINT:-http://127.0.0.1:8080}
export ST_AUTH=$ENDPOINT/auth/v1.0 ST_USER=test:tester ST_KEY=testing
mkdir -p "$OUT"
SRC=$OUT/src && rm -rf "$SRC" && mkdir -p "$SRC"
EXPECTED=$OUT/expected.tsv && : >"$EXPECTED"

# empty the containers: a DLO's segments live in C_segments
swift delete "$C" >/dev/null 2>&1 || true
swift delete "${C}_segments" >/dev/null 2>&1 || true
swift post "$C"

# bytes that differ per position, so a misplaced or missing range shows in the checksum
make_file() { python3 -c "import sys,random; sys.stdout.buffer.write(random.Random(sys.argv[2]).randbytes(int(sys.argv[1])))" "$2" "$1" >"$SRC/$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
expect() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$EXPECTED"; }
at() { touch -d "@$2" "$SRC/$1"; }

# ---- python-swiftclient: records the file's mtime as X-Object-Meta-Mtime
cd "$SRC"
make_file swift-plain.csv 4321 && at swift-plain.csv 1577934245.5
swift upload "$C" swift-plain.csv >/dev/null
expect swift-plain.csv f 4321 1577934245 - "$(sha swift-plain.csv)" -
# without --use-slo, segments make a Dynamic Large Object (the client's default)
make_file swift-dlo.bin 900000 && at swift-dlo.bin 1580000000
swift upload --segment-size 300000 "$C" swift-dlo.bin >/dev/null
expect swift-dlo.bin f 900000 1580000000 - "$(sha swift-dlo.bin)" -
make_file swift-slo.bin 1000000 && at swift-slo.bin 1590000000
swift upload --use-slo --segment-size 300000 "$C" swift-slo.bin >/dev/null
expect swift-slo.bin f 1000000 1590000000 - "$(sha swift-slo.bin)" -
mkdir -p nested && make_file nested/deep.txt 77 && at nested/deep.txt 1600000000
swift upload "$C" nested/deep.txt >/dev/null
expect nested d - - - - -
expect nested/deep.txt f 77 1600000000 - "$(sha nested/deep.txt)" -

# ---- a DLO by hand: three segments, then a manifest naming their prefix
auth=$(curl -fsS -i -H "X-Auth-User: $ST_USER" -H "X-Auth-Key: $ST_KEY" "$ST_AUTH")
TOKEN=$(grep -i '^X-Auth-Token:' <<<"$auth" | cut -d' ' -f2 | tr -d '\r')
STORAGE=$(grep -i '^X-Storage-Url:' <<<"$auth" | cut -d' ' -f2 | tr -d '\r')
curl -fsS -X PUT -H "X-Auth-Token: $TOKEN" "$STORAGE/${C}_segments" -o /dev/null
make_file curl-dlo.bin 700001
for i in 0 1 2; do
  dd if=curl-dlo.bin of=part bs=300000 skip=$i count=1 status=none
  curl -fsS -X PUT -H "X-Auth-Token: $TOKEN" -T part "$STORAGE/${C}_segments/curl-dlo/$(printf %02d $i)" -o /dev/null
done
rm -f part
curl -fsS -X PUT -H "X-Auth-Token: $TOKEN" -H "X-Object-Manifest: ${C}_segments/curl-dlo/" --data-binary '' "$STORAGE/$C/curl-dlo.bin" -o /dev/null
expect curl-dlo.bin f 700001 - - "$(sha curl-dlo.bin)" -

# ---- rclone: its Swift and S3 backends record the mtime as metadata ("mtime")
export RCLONE_CONFIG_SW_TYPE=swift RCLONE_CONFIG_SW_AUTH=$ST_AUTH RCLONE_CONFIG_SW_USER=$ST_USER RCLONE_CONFIG_SW_KEY=$ST_KEY
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Other RCLONE_CONFIG_S3_ACCESS_KEY_ID=$ST_USER RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=$ST_KEY \
  RCLONE_CONFIG_S3_ENDPOINT=$ENDPOINT RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true RCLONE_CONFIG_S3_REGION=us-east-1
make_file rclone-swift.txt 5000 && at rclone-swift.txt 1610000000.25
# rclone 1.60's S3 backend cannot start when AWS_CA_BUNDLE is set (its own transport refuses it)
unset AWS_CA_BUNDLE
rclone copyto rclone-swift.txt "sw:$C/rclone/swift.txt"
expect rclone d - - - - -
expect rclone/swift.txt f 5000 1610000000 - "$(sha rclone-swift.txt)" -
make_file rclone-s3.txt 6000 && at rclone-s3.txt 1620000000.75
rclone copyto rclone-s3.txt "s3:$C/rclone/s3.txt"
expect rclone/s3.txt f 6000 1620000000 - "$(sha rclone-s3.txt)" -

# ---- s3fs: mode, times and owner as metadata; a folder as "dir/"; a symlink as an object holding its target
MNT=$OUT/s3fs-mount && mkdir -p "$MNT"
trap 'fusermount3 -u "$MNT" 2>/dev/null || true' EXIT
AWSACCESSKEYID=$ST_USER AWSSECRETACCESSKEY=$ST_KEY s3fs "$C" "$MNT" -o url="$ENDPOINT" -o use_path_request_style -o endpoint=us-east-1 >"$OUT/s3fs.log" 2>&1
for _ in $(seq 100); do grep -q " $MNT " /proc/self/mountinfo && break; sleep 0.1; done
make_file s3fs-file.dat 3333
cp s3fs-file.dat "$MNT/s3fs-file.dat"
chmod 600 "$MNT/s3fs-file.dat"
touch -d @1630000000 "$MNT/s3fs-file.dat"
expect s3fs-file.dat f 3333 1630000000 600 "$(sha s3fs-file.dat)" -
mkdir "$MNT/s3fs-dir"
chmod 750 "$MNT/s3fs-dir"
expect s3fs-dir d - - 750 - -
ln -s swift-plain.csv "$MNT/s3fs-link"
expect s3fs-link l - - - - swift-plain.csv
ln -s ../swift-plain.csv "$MNT/s3fs-dir/up-link"
expect s3fs-dir/up-link l - - - - ../swift-plain.csv
sync
fusermount3 -u "$MNT"
trap - EXIT
rmdir "$MNT"
echo "filled $C: $(wc -l <"$EXPECTED") paths"
