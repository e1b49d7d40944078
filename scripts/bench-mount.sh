#!/usr/bin/env bash
# make bench: MountStore, rclone mount and s3fs side by side on the local server, with curl as the
# limit, in one run. Every mount is fresh for a cold measurement. Writes bench-results/mount.md
# (times and ratios), mount.csv (seconds), mount-ratios.csv and mount.png (the ratios drawn).
# Not a test: it asserts nothing, it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench-results}
# BENCH_TOOLS=mountstore measures only MountStore (to compare builds of it in one session)
TOOLS=(${BENCH_TOOLS:-mountstore rclone s3fs})
# BENCH_RUNS=3 runs everything three times: the table shows each row's median and, in brackets,
# its spread (the lowest and highest of the runs, for the times and for the ratios run by run)
RUNS=${BENCH_RUNS:-1}
# BENCH_ONLY=read or BENCH_ONLY=write runs only the read rows or only the write rows
ONLY=${BENCH_ONLY:-}
CONTAINER=mountstore-bench
ENDPOINT=http://127.0.0.1:8080
# The binary the .deb installs (self-contained, composite ReadyToRun), not the development build
# in bin/: a user runs the package, and its start-up code differs (see scripts/build-deb.sh).
MOUNTSTORE=${MOUNTSTORE:-build/deb/root/usr/lib/mountstore/mountstore}
[[ -x $MOUNTSTORE ]] || { echo "$MOUNTSTORE is missing: run make deb (make bench does)" >&2; exit 1; }
mkdir -p "$OUT"

source scripts/lib/install-packages.sh
install_missing_packages --no-install-recommends -- rclone s3fs gnuplot-nox curl bc

dotnet run --project tests/MountStore.Bench -c Release --no-build -- prepare-mount

auth=$(curl -si -H "X-Auth-User: test:tester" -H "X-Auth-Key: testing" $ENDPOINT/auth/v1.0)
TOKEN=$(grep -i '^X-Auth-Token:' <<<"$auth" | cut -d' ' -f2 | tr -d '\r')
STORAGE=$(grep -i '^X-Storage-Url:' <<<"$auth" | cut -d' ' -f2 | tr -d '\r')

MNT=$(mktemp -d /tmp/mountstore-bench.XXXXXX)
CACHE=$(mktemp -d /tmp/mountstore-bench-cache.XXXXXX)
PID=
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

mount_tool() {
  local ro=(--read-only) s3ro=ro
  [[ -n ${RW:-} ]] && { ro=(); s3ro=rw; }
  # DATA_CACHE=1: each tool's own local-disk data cache, in a folder kept across mounts
  local ms_cache=(--cache-dir "$CACHE/mountstore") rc_cache=(--vfs-cache-mode writes --cache-dir "$CACHE/rclone") s3_cache=()
  if [[ -n ${WRITE_BACK:-} ]]; then
    ms_cache=(--write-back --cache-dir "$CACHE/mountstore-wb") # rclone's write cache is its write-back; s3fs has none
  fi
  if [[ -n ${DATA_CACHE:-} ]]; then
    ms_cache=(--data-cache --cache-dir "$CACHE/mountstore-data")
    rc_cache=(--vfs-cache-mode full --cache-dir "$CACHE/rclone-full")
    s3_cache=(-o "use_cache=$CACHE/s3fs-data")
  fi
  case $1 in
    mountstore)
      ST_AUTH=$ENDPOINT/auth/v1.0 ST_USER=test:tester ST_KEY=testing \
        "$MOUNTSTORE" mount "swift://$CONTAINER" "$MNT" "${ro[@]}" "${ms_cache[@]}" >"$OUT/log-mountstore.txt" 2>&1 & PID=$! ;;
    rclone)
      RCLONE_CONFIG_SW_TYPE=swift RCLONE_CONFIG_SW_AUTH=$ENDPOINT/auth/v1.0 RCLONE_CONFIG_SW_USER=test:tester RCLONE_CONFIG_SW_KEY=testing \
        rclone mount "sw:$CONTAINER" "$MNT" "${ro[@]}" "${rc_cache[@]}" >"$OUT/log-rclone.txt" 2>&1 & PID=$! ;;
    s3fs)
      AWSACCESSKEYID=test:tester AWSSECRETACCESSKEY=testing \
        s3fs "$CONTAINER" "$MNT" -f -o $s3ro -o url=$ENDPOINT -o use_path_request_style -o endpoint=us-east-1 "${s3_cache[@]}" >"$OUT/log-s3fs.txt" 2>&1 & PID=$! ;;
  esac
  for _ in $(seq 300); do
    grep -q " $MNT " /proc/self/mountinfo && ls "$MNT" >/dev/null 2>&1 && return 0
    kill -0 "$PID" 2>/dev/null || { echo "$1 failed to mount"; return 1; }
    sleep 0.1
  done
  echo "$1 did not mount in 30 s"; return 1
}

declare -A RSS
unmount_tool() {
  local kb
  kb=$(awk '/VmHWM/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0)
  (( kb > ${RSS[$1]:-0} )) && RSS[$1]=$kb
  fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
}

# every run's figure, space-separated in run order: T[tool,scenario]="run1 run2 ..."
declare -A T
record() { T[$1,$2]+="$3 "; printf '  %-10s %-18s %8.3f s\n' "$1" "$2" "$3"; }

# best of two fresh mounts for the throughput figures, which are noisy on a shared 2-core machine
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

measure_tool() {
  local tool=$1 t a b
  echo "== $tool"
  for run in 1 2; do
    mount_tool "$tool" || return 0
    t=$(now); cat "$MNT/big.bin" >/dev/null; a[run]=$(since "$t")
    unmount_tool "$tool"
  done
  record "$tool" seq_read_1GiB "$(best "${a[1]}" "${a[2]}")"

  # The same file read again through a fresh mount that finds it in its disk cache (filled by
  # one read in an earlier mount): bounded by the local disk, not the network.
  DATA_CACHE=1 mount_tool "$tool" || return 0
  cat "$MNT/big.bin" >/dev/null
  unmount_tool "$tool"
  for run in 1 2; do
    DATA_CACHE=1 mount_tool "$tool" || return 0
    t=$(now); cat "$MNT/big.bin" >/dev/null; a[run]=$(since "$t")
    unmount_tool "$tool"
  done
  record "$tool" reread_cached_1GiB "$(best "${a[1]}" "${a[2]}")"

  mount_tool "$tool" || return 0
  t=$(now); head -c 1 "$MNT/big.bin" >/dev/null; record "$tool" first_byte "$(since "$t")"
  unmount_tool "$tool"

  mount_tool "$tool" || return 0
  t=$(now); ls -lR "$MNT/tree" >/dev/null; record "$tool" ls_lR_cold "$(since "$t")"
  t=$(now); ls -lR "$MNT/tree" >/dev/null; record "$tool" ls_lR_warm "$(since "$t")"
  unmount_tool "$tool"

  mount_tool "$tool" || return 0
  t=$(now); n=$(find "$MNT/tree" -type f | wc -l); record "$tool" find_cold "$(since "$t")"
  [[ $n == 10000 ]] || echo "  warning: $tool's find saw $n files, not 10000"
  t=$(now); find "$MNT/tree" -type f >/dev/null; record "$tool" find_warm "$(since "$t")"
  unmount_tool "$tool"

  mount_tool "$tool" || return 0
  t=$(now)
  for i in $(seq -w 0 15); do cat "$MNT/par/p$i.bin" >/dev/null & done
  wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
  record "$tool" parallel_16x64MiB "$(since "$t")"
  unmount_tool "$tool"
}

get() { curl -sf -H "X-Auth-Token: $TOKEN" "$@"; }
list_all() { local marker=""; while :; do page=$(get "$STORAGE/$CONTAINER?prefix=tree/&limit=1000&marker=$marker"); [[ -z $page ]] && break; marker=$(tail -n1 <<<"$page"); done; }
measure_curl_reads() {
  local t c run listed
  echo "== curl (the limit)"
  for run in 1 2; do t=$(now); get "$STORAGE/$CONTAINER/big.bin" -o /dev/null; c[run]=$(since "$t"); done
  record curl seq_read_1GiB "$(best "${c[1]}" "${c[2]}")"
  record curl reread_cached_1GiB "$(best "${c[1]}" "${c[2]}")" # the network limit the disk cache should beat
  t=$(now); get -r 0-0 "$STORAGE/$CONTAINER/big.bin" -o /dev/null; record curl first_byte "$(since "$t")"
  t=$(now); list_all; listed=$(since "$t")
  for s in ls_lR_cold ls_lR_warm find_cold find_warm; do record curl "$s" "$listed"; done
  t=$(now); for i in $(seq -w 0 15); do get "$STORAGE/$CONTAINER/par/p$i.bin" -o /dev/null & done; wait; record curl parallel_16x64MiB "$(since "$t")"
}
# Writes: timed until the bytes are on the server. MountStore and s3fs upload before close()
# returns; rclone's cache mode returns first, so its clock runs until the server shows the object.
head_size() { curl -sfI -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/$1" | awk 'tolower($1) == "content-length:" {print $2+0}'; }
# Files only: folder markers (keys ending in /) are written by some tools and not by others.
count_keys() { get "$STORAGE/$CONTAINER?prefix=$1" | grep -c '[^/]$' || true; }
wait_on_server() { # key size | prefix count
  for _ in $(seq 6000); do
    if [[ $1 == size ]]; then [[ $(head_size "$2") == "$3" ]] && return 0
    else [[ $(count_keys "$2") -ge $3 ]] && return 0; fi
    sleep 0.05
  done
  echo "  warning: $2 did not reach the server"
}
WRITE_SRC=/tmp/mountstore-bench-write
# Each source is made once and kept for later runs; one left half made (a run cut short, a
# folder made by hand) has no .done mark and is made again.
mkdir -p "$WRITE_SRC"
if [[ ! -f $WRITE_SRC/big.done ]]; then
  head -c 1G /dev/urandom >"$WRITE_SRC/big.bin"
  touch "$WRITE_SRC/big.done"
fi
if [[ ! -f $WRITE_SRC/small.done ]]; then
  rm -rf "$WRITE_SRC/small"
  mkdir -p "$WRITE_SRC/small"
  for i in $(seq -w 0 999); do head -c 4096 /dev/urandom >"$WRITE_SRC/small/f$i"; done
  touch "$WRITE_SRC/small.done"
fi
# A source tree as a tarball: 2,000 files of 1 to 32 KiB in 20 folders.
TAR_FILES=2000
if [[ ! -f $WRITE_SRC/tree.tar ]]; then
  rm -rf "$WRITE_SRC/tree"
  for d in $(seq -w 0 19); do
    mkdir -p "$WRITE_SRC/tree/d$d"
    for i in $(seq -w 0 99); do head -c $(( (RANDOM % 32 + 1) * 1024 )) /dev/urandom >"$WRITE_SRC/tree/d$d/f$i"; done
  done
  tar -C "$WRITE_SRC" -cf "$WRITE_SRC/tree.tar" tree
  rm -rf "$WRITE_SRC/tree"
fi
BIG_SIZE=$(stat -c %s "$WRITE_SRC/big.bin")

# Peak local disk a mount process uses while writing: the blocks of deleted files it holds open
# (MountStore's staging files and s3fs's temporary files are unlinked, so du cannot see them)
# plus what its cache folder holds (rclone's write cache). Sampled every 0.5 s until it exits.
# The sampler must stay cheap: it shares the 2 cores with the mount it measures. One find over
# the fd table, not a readlink process per fd (that cost 1.8 s of CPU a sample for a mount with
# 150 fds, and slowed the mounts with many fds the most). memfd files (.NET's code heap) are
# memory, not disk.
disk_sampler() { # pid cache-folder result-file
  local peak=0 kb held
  echo 0 >"$3"
  while kill -0 "$1" 2>/dev/null; do
    held=$(find /proc/"$1"/fd -lname '/*(deleted)' ! -lname '/memfd:*' -printf '%p\n' 2>/dev/null \
      | xargs -r stat -L -c '%b %B' 2>/dev/null | awk '{ s += $1 * $2 } END { print int(s / 1024) }' || true) # fds come and go under find
    # du fails when a file vanishes under it (rclone cleans up): take what it printed anyway
    kb=$(( ${held:-0} + $(du -sk "$2" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }') ))
    (( kb > peak )) && { peak=$kb; echo "$peak" >"$3"; }
    sleep 0.5
  done
}

measure_writes() {
  local tool=$1 t dir="w-$1-$$" sampler
  echo "== $tool (writes)"
  mkdir -p "$CACHE/$tool"
  RW=1 mount_tool "$tool" || return 0
  disk_sampler "$PID" "$CACHE/$tool" "$OUT/disk-$tool.txt" & sampler=$!
  mkdir -p "$MNT/$dir"
  t=$(now); cp "$WRITE_SRC/big.bin" "$MNT/$dir/big.bin"; wait_on_server size "$dir/big.bin" "$BIG_SIZE"; record "$tool" seq_write_1GiB "$(since "$t")"
  t=$(now); mv "$MNT/$dir/big.bin" "$MNT/$dir/big-renamed.bin"; wait_on_server size "$dir/big-renamed.bin" "$BIG_SIZE"; record "$tool" rename_1GiB "$(since "$t")"
  t=$(now); cp -r "$WRITE_SRC/small" "$MNT/$dir/small"; wait_on_server count "$dir/small/" 1000; record "$tool" cp_r_1000x4KiB "$(since "$t")"
  t=$(now); tar -C "$MNT/$dir" -xf "$WRITE_SRC/tree.tar"; wait_on_server count "$dir/tree/" "$TAR_FILES"; record "$tool" tar_x_2000_files "$(since "$t")"
  t=$(now); rm -r "$MNT/$dir/small"; record "$tool" rm_r_1000 "$(since "$t")"
  rm -rf "${MNT:?}/$dir"
  local kb; kb=$(awk '/VmHWM/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0); WRSS[$tool]=$kb
  unmount_tool "$tool"
  wait "$sampler" 2>/dev/null || true
  DISK[$tool]=$(cat "$OUT/disk-$tool.txt")
}
declare -A WRSS DISK MRSS BRSS BDISK

# Write-back: cp -r of 1,000 small files, then tar -x of 2,000, timed until each tool returns,
# and until every file is on the server: for MountStore, until `mountstore unmount` returns
# (it waits for the uploads); for the others, until the server lists them all.
measure_writeback() {
  local tool=$1 t dir="wb-$1-$$" sampler
  echo "== $tool (write-back)"
  mkdir -p "$CACHE/mountstore-wb" "$CACHE/$tool"
  WRITE_BACK=1 RW=1 mount_tool "$tool" || return 0
  local folder="$CACHE/$tool"; [[ $tool == mountstore ]] && folder="$CACHE/mountstore-wb"
  disk_sampler "$PID" "$folder" "$OUT/wbdisk-$tool.txt" & sampler=$!
  mkdir -p "$MNT/$dir"
  t=$(now); cp -r "$WRITE_SRC/small" "$MNT/$dir/small"; record "$tool" cp_r_1000x4KiB_wb "$(since "$t")"
  local t2; t2=$(now); tar -C "$MNT/$dir" -xf "$WRITE_SRC/tree.tar"; record "$tool" tar_x_2000_files_wb "$(since "$t2")"
  BRSS[$tool]=$(awk '/VmHWM/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0)
  if [[ $tool == mountstore ]]; then
    "$MOUNTSTORE" unmount "$MNT" 2>/dev/null; wait "$PID" 2>/dev/null || true
  else
    wait_on_server count "$dir/small/" 1000; wait_on_server count "$dir/tree/" "$TAR_FILES"
  fi
  record "$tool" wb_3000_files_stored "$(since "$t")"
  [[ $(count_keys "$dir/small/") -ge 1000 && $(count_keys "$dir/tree/") -ge $TAR_FILES ]] || echo "  warning: $tool did not store every file"
  if [[ $tool != mountstore ]]; then unmount_tool "$tool"; fi
  wait "$sampler" 2>/dev/null || true
  BDISK[$tool]=$(cat "$OUT/wbdisk-$tool.txt")
  RW=1 mount_tool "$tool" && { rm -rf "${MNT:?}/$dir"; unmount_tool "$tool"; }
}

# The one memory budget's case: 16 readers of 64 MiB files and 4 writers of 256 MiB files at once,
# in a fresh read-write mount, timed until every read ended and every file is on the server.
measure_mixed() {
  local tool=$1 t dir="m-$1-$$" jobs
  echo "== $tool (16 readers and 4 writers at once)"
  RW=1 mount_tool "$tool" || return 0
  mkdir -p "$MNT/$dir"
  t=$(now)
  jobs=()
  for i in $(seq -w 0 15); do cat "$MNT/par/p$i.bin" >/dev/null & jobs+=($!); done
  for i in 1 2 3 4; do head -c 256M "$WRITE_SRC/big.bin" >"$MNT/$dir/w$i.bin" & jobs+=($!); done
  wait "${jobs[@]}" 2>/dev/null || true
  for i in 1 2 3 4; do wait_on_server size "$dir/w$i.bin" 268435456; done
  record "$tool" mixed_16r_4w "$(since "$t")"
  MRSS[$tool]=$(awk '/VmHWM/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0)
  rm -rf "${MNT:?}/$dir"
  local reads=${RSS[$tool]:-0}
  unmount_tool "$tool"
  RSS[$tool]=$reads # the read runs' peak stays theirs
}

measure_curl_writes() {
  local t
  echo "== curl (writes)"
  t=$(now); curl -sf -o /dev/null -T "$WRITE_SRC/big.bin" -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/w-curl/big.bin"; record curl seq_write_1GiB "$(since "$t")"
  t=$(now); curl -sf -o /dev/null -X COPY -H "Destination: $CONTAINER/w-curl/big-renamed.bin" -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/w-curl/big.bin" \
    && curl -sf -o /dev/null -X DELETE -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/w-curl/big.bin"; record curl rename_1GiB "$(since "$t")"
  t=$(now); for f in "$WRITE_SRC"/small/*; do curl -sf -o /dev/null -T "$f" -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/w-curl/small/${f##*/}"; done; record curl cp_r_1000x4KiB "$(since "$t")"
  t=$(now); for f in "$WRITE_SRC"/small/*; do curl -sf -o /dev/null -X DELETE -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/w-curl/small/${f##*/}"; done; record curl rm_r_1000 "$(since "$t")"
  curl -sf -o /dev/null -X DELETE -H "X-Auth-Token: $TOKEN" "$STORAGE/$CONTAINER/w-curl/big-renamed.bin" || true
}

for round in $(seq "$RUNS"); do
  (( RUNS > 1 )) && echo "=== run $round of $RUNS"
  if [[ $ONLY != write ]]; then
    measure_curl_reads
    for tool in "${TOOLS[@]}"; do measure_tool "$tool"; done
  fi
  if [[ $ONLY != read ]]; then
    measure_curl_writes
    for tool in "${TOOLS[@]}"; do measure_writes "$tool"; done
    for tool in "${TOOLS[@]}"; do measure_writeback "$tool"; done
    for tool in "${TOOLS[@]}"; do measure_mixed "$tool"; done
  fi
done
rmdir "$MNT" 2>/dev/null || true
rm -rf "${CACHE:?}"

scenarios=(seq_read_1GiB reread_cached_1GiB first_byte ls_lR_cold ls_lR_warm find_cold find_warm parallel_16x64MiB seq_write_1GiB rename_1GiB cp_r_1000x4KiB tar_x_2000_files rm_r_1000 cp_r_1000x4KiB_wb tar_x_2000_files_wb wb_3000_files_stored mixed_16r_4w)
# median of a row's runs; with several runs, the lowest and highest in brackets
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
span() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk -v fmt="$2" 'NR == 1 { lo = $1 } { hi = $1; n = NR } END { if (n > 1) printf " (" fmt "-" fmt ")", lo, hi }'; }
# a ratio of medians, and run by run (run k of the other divided by run k of MountStore)
ratio() {
  [[ -n ${T[$1,$3]:-} && -n ${T[$2,$3]:-} ]] || { echo "n/a"; return; }
  local each
  each=$(paste <(tr ' ' '\n' <<<"${T[$1,$3]}" | grep .) <(tr ' ' '\n' <<<"${T[$2,$3]}" | grep .) | awk 'NF == 2 && $2 > 0 { printf "%.4f ", $1 / $2 }')
  awk -v x="$(median "${T[$1,$3]}")" -v y="$(median "${T[$2,$3]}")" 'BEGIN { printf "%.2fx", x / y }'
  span "$each" "%.2fx"
}
ratio_value() { [[ -n ${T[$1,$3]:-} && -n ${T[$2,$3]:-} ]] && awk -v x="$(median "${T[$1,$3]}")" -v y="$(median "${T[$2,$3]}")" 'BEGIN { printf "%.3f", x / y }' || echo "n/a"; }
cell() { [[ -n ${T[$1,$2]:-} ]] && { printf '%.3f' "$(median "${T[$1,$2]}")"; span "${T[$1,$2]}" "%.3f"; } || echo "n/a"; }
plain() { [[ -n ${T[$1,$2]:-} ]] && printf '%.3f' "$(median "${T[$1,$2]}")" || echo "n/a"; }
{
  echo "# make bench: mounts, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $RUNS run(s), MountStore from $MOUNTSTORE"
  echo
  echo "Seconds (lower is better). Ratios are the other's time divided by MountStore's: above 1x, MountStore is faster."
  (( RUNS > 1 )) && echo "Each figure is the median of $RUNS runs; in brackets the lowest and the highest (for ratios: of the ratios run by run)."
  echo "curl is the limit: one GET (seq, first byte; reread_cached compares the disk cache with that GET), the bare paged listing of 10,000 names (ls/find rows), 16 parallel GETs."
  echo
  echo "| scenario | curl | MountStore | rclone | s3fs | vs curl | vs rclone | vs s3fs |"
  echo "|---|---|---|---|---|---|---|---|"
  for s in "${scenarios[@]}"; do
    echo "| $s | $(cell curl "$s") | $(cell mountstore "$s") | $(cell rclone "$s") | $(cell s3fs "$s") | $(ratio curl mountstore "$s") | $(ratio rclone mountstore "$s") | $(ratio s3fs mountstore "$s") |"
  done
  echo
  echo "Peak RSS of the mount process over these runs (VmHWM): MountStore $((${RSS[mountstore]:-0} / 1024)) MB, rclone $((${RSS[rclone]:-0} / 1024)) MB, s3fs $((${RSS[s3fs]:-0} / 1024)) MB."
  echo
  echo "Peak RSS of the mount process in the write runs: MountStore $((${WRSS[mountstore]:-0} / 1024)) MB, rclone $((${WRSS[rclone]:-0} / 1024)) MB, s3fs $((${WRSS[s3fs]:-0} / 1024)) MB."
  echo
  echo "Peak RSS of the mount process with 16 readers and 4 writers at once (mixed_16r_4w): MountStore $((${MRSS[mountstore]:-0} / 1024)) MB, rclone $((${MRSS[rclone]:-0} / 1024)) MB, s3fs $((${MRSS[s3fs]:-0} / 1024)) MB (target for MountStore: < 250 MB)."
  echo
  echo "Peak local disk (staging, write cache, temporary files) of the mount process in the write runs: MountStore $((${DISK[mountstore]:-0} / 1024)) MB, rclone $((${DISK[rclone]:-0} / 1024)) MB, s3fs $((${DISK[s3fs]:-0} / 1024)) MB."
  echo
  echo "Write-back rows (*_wb): MountStore with --write-back, rclone with its write cache (--vfs-cache-mode writes), s3fs as always (it has no write-back); timed until cp or tar returns. wb_3000_files_stored runs from the start of that cp until all 3,000 files are on the server (MountStore: until \`mountstore unmount\` returns). Peak RSS in these runs: MountStore $((${BRSS[mountstore]:-0} / 1024)) MB, rclone $((${BRSS[rclone]:-0} / 1024)) MB, s3fs $((${BRSS[s3fs]:-0} / 1024)) MB; peak local disk: MountStore $((${BDISK[mountstore]:-0} / 1024)) MB, rclone $((${BDISK[rclone]:-0} / 1024)) MB, s3fs $((${BDISK[s3fs]:-0} / 1024)) MB."
  echo
  echo "curl rows for writes: one PUT of the 1 GiB file; one server-side COPY + DELETE of it (rename); 1,000 serial PUTs; 1,000 serial DELETEs. tar -x has no curl row (cp_r's 1,000 PUTs is the per-file limit)."
  echo "Writes are timed until the server has the bytes (rclone's write cache returns from close() before that)."
  echo
  echo "Targets: seq_read_1GiB vs curl >= 1.3x; reread_cached_1GiB vs curl >= 3x; first_byte at most 1.5x curl's time; ls_lR_cold vs rclone and vs s3fs >= 5x; find_cold vs rclone >= 2x; parallel_16x64MiB vs rclone >= 1.3x;"
  echo "seq_write_1GiB vs curl >= 0.85x and vs rclone >= 1.5x; cp_r_1000x4KiB vs s3fs >= 6x; tar_x_2000_files and rm_r_1000 vs rclone >= 2x; cp_r_1000x4KiB_wb and tar_x_2000_files_wb vs s3fs >= 10x and ahead of rclone; MountStore RSS < 250 MB, with 16 readers and 4 writers too."
} > "$OUT/mount.md"
{
  echo "scenario curl mountstore rclone s3fs"
  for s in "${scenarios[@]}"; do echo "$s $(plain curl "$s") $(plain mountstore "$s") $(plain rclone "$s") $(plain s3fs "$s")"; done
} > "$OUT/mount.csv"
{
  echo "scenario vs_curl vs_rclone vs_s3fs"
  # rows not measured in this run (BENCH_ONLY) are left out of the chart
  for s in "${scenarios[@]}"; do echo "$s $(ratio_value curl mountstore "$s") $(ratio_value rclone mountstore "$s") $(ratio_value s3fs mountstore "$s")"; done \
    | grep -v ' n/a n/a n/a$'
} > "$OUT/mount-ratios.csv"
gnuplot <<GP || echo "gnuplot failed; the table is in $OUT/mount.md"
set terminal pngcairo size 1200,560 noenhanced
set output "$OUT/mount.png"
set title "How many times faster MountStore is than each (log scale; above the line at 1x MountStore leads, below it trails)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [0.1:1000] # ls -lR cold is over 100x rclone
set ylabel "other's time / MountStore's time"
set xtics rotate by -25
# the legend above the plot and room on the right: inside, it covered a bar, and the last label was cut
set key outside top center horizontal
set rmargin 8
set bmargin 7
set grid ytics
set datafile missing "n/a"
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
plot "$OUT/mount-ratios.csv" every ::1 using 2:xtic(1) title "vs curl (the wire)", '' every ::1 using 3 title "vs rclone mount", '' every ::1 using 4 title "vs s3fs"
GP
cat "$OUT/mount.md"
echo "written: $OUT/mount.md $OUT/mount.csv $OUT/mount-ratios.csv $OUT/mount.png"
