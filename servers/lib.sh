# Shell helpers the server scripts share (sourced, not run).

# A PID exists and is not a zombie (zombies happen where PID 1 does not reap orphans).
alive() {
  local st
  st=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

# Every descendant PID of $1.
children() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; children "$c"; done; }

# Stops the processes named by the PID files in $1, and their children, by PID only. A PID is
# touched only while its command line matches $2 (a grep pattern), so a recycled PID is safe.
# SIGTERM, up to 10 s of grace, then SIGKILL.
stop_pid_files() {
  local dir=$1 pattern=$2 f pid kids pids=() p n
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' < /proc/"$pid"/cmdline | grep -q -e "$pattern"; then
      kids=$(children "$pid" | tr '\n' ' ')
      echo "stopping $(basename "$f" .pid) pid $pid ${kids:+(children $kids)}"
      kill -TERM "$pid" 2>/dev/null
      pids+=("$pid" $kids)
    fi
    rm -f "$f"
  done
  for _ in $(seq 100); do
    n=0; for p in "${pids[@]}"; do alive "$p" && n=$((n + 1)); done
    [ $n -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do alive "$p" && { echo "pid $p still alive: SIGKILL"; kill -KILL "$p" 2>/dev/null; }; done
  return 0
}

# Proxy middleware that needs no settings: "[filter:NAME]" + "use = egg:swift#NAME" for each
# name (a dash in the name becomes an underscore in the egg, as in proxy-logging).
plain_filters() {
  local name
  for name in "$@"; do printf '[filter:%s]\nuse = egg:swift#%s\n' "$name" "${name//-/_}"; done
}
