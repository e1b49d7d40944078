#!/bin/bash
# Memory held by each local server: resident set of every process its PID files name, with the
# worker children they forked. For the issue notes and for anyone wondering where the RAM went.
set -u
rss_tree() { # pid -> kB of it and its descendants
  local total kids c
  total=$(awk '/^VmRSS/ {print $2}' /proc/"$1"/status 2>/dev/null || echo 0)
  kids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
  for c in $kids; do total=$((total + $(rss_tree "$c"))); done
  echo "${total:-0}"
}
for server in swift:/tmp/mountstore-swift/run keystone:/tmp/mountstore-keystone/run rgw:/tmp/mountstore-rgw/run; do
  name=${server%%:*} run=${server#*:} sum=0 parts=""
  for f in "$run"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f"); [ -d "/proc/$pid" ] || continue
    kb=$(rss_tree "$pid"); sum=$((sum + kb)); parts+=" $(basename "$f" .pid)=$((kb / 1024))"
  done
  printf '%-9s %5d MB %s\n' "$name" $((sum / 1024)) "${parts:- (not running)}"
done
