#!/usr/bin/env bash
# What everyday tools do in a working folder, run for real: make, unzip, git, sqlite3.
#
# Usage: everyday_tools.sh TOOL DIR     (TOOL: make, unzip, git, sqlite, all)
#
# Each case drives the real program in DIR and checks what a user would look at afterwards. It
# prints one line per check and exits 1 at the first that fails, naming it. Every case passes on
# a local disk, which shows the checks themselves are right.
set -uo pipefail

fail() { echo "FAIL $*"; exit 1; }
ok() { echo "ok   $*"; }

case_make() {
  local d=$1/make
  mkdir -p "$d" && cd "$d" || fail "mkdir $d"
  printf 'out.txt: in.txt\n\tcp in.txt out.txt\n' >Makefile
  for round in 1 2 3 4; do
    sleep 0.05 # past the kernel's timestamp granularity, which a local disk has too
    echo "round $round" >in.txt
    local said
    said=$(make 2>&1) || fail "make failed: $said"
    # Files dated ahead of the clock make make warn and, worse, miss a change made within the
    # same second as the last build.
    [[ $said == *"in the future"* || $said == *"skew"* ]] && fail "round $round: make saw times in the future: $said"
    [[ $(cat out.txt) == "round $round" ]] || fail "round $round: make did not rebuild out.txt after in.txt changed: $said"
  done
  ok "make rebuilds after every change, with no clock skew"
}

case_unzip() {
  local d=$1/unzip
  mkdir -p "$d/src/docs/empty" && cd "$d" || fail "mkdir $d"
  echo text >src/docs/a.txt
  touch -d '2001-02-03 04:05:06' src/docs/a.txt src/docs/empty src/docs
  chmod 700 src/docs/empty
  (cd src && zip -qry ../tree.zip .) || fail "zip"
  mkdir out && (cd out && unzip -q ../tree.zip) || fail "unzip"
  # unzip sets a folder's times after its files, then its mode: the mode must not undo the times
  for p in docs docs/empty docs/a.txt; do
    [[ $(stat -c %Y "out/$p") == $(stat -c %Y "src/$p") ]] || fail "unzip restored the time of $p: $(stat -c %y "out/$p"), archived $(stat -c %y "src/$p")"
  done
  [[ $(stat -c %a out/docs/empty) == 700 ]] || fail "unzip restored the mode of docs/empty: $(stat -c %a out/docs/empty)"
  ok "unzip restores the times and modes of files and folders"
}

case_git() {
  local d=$1/git
  mkdir -p "$d" && cd "$d" || fail "mkdir $d"
  export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
  git init -q work || fail "git init"
  cd work || fail "cd work"
  for i in 1 2 3; do
    mkdir -p "src/m$i" && printf 'line %s\n' "$i" >"src/m$i/f.txt"
    git add -A && git commit -qm "commit $i" || fail "git commit $i"
  done
  git mv src/m1 src/moved && git commit -qm "rename" || fail "git mv"
  [[ -z $(git status --porcelain) ]] || fail "git status is clean: $(git status --porcelain)"
  [[ $(git rev-list --count HEAD) == 4 ]] || fail "four commits"
  git gc -q || fail "git gc (packs and prunes objects)"
  git fsck --strict 2>&1 | grep -E "error|missing|corrupt" && fail "git fsck"
  cd .. && git clone -q work copy || fail "git clone inside the folder"
  [[ $(cat copy/src/moved/f.txt) == "line 1" ]] || fail "the clone has the moved file"
  ok "git init, commit, mv, gc, fsck and clone work"
}

case_sqlite() {
  local d=$1/sqlite
  mkdir -p "$d" && cd "$d" || fail "mkdir $d"
  local rows
  rows=$(for i in $(seq 1 500); do echo "insert into t values($i, 'row $i');"; done)
  sqlite3 rollback.db "create table t(a integer primary key, b text); begin; $rows commit;" || fail "sqlite3 (rollback journal)"
  [[ $(sqlite3 rollback.db "select count(*) from t; pragma integrity_check;" | tr '\n' ' ') == "500 ok " ]] || fail "rollback journal database holds 500 rows and is intact"
  sqlite3 wal.db "pragma journal_mode=wal; create table t(a integer primary key, b text); begin; $rows commit;" >/dev/null || fail "sqlite3 (write-ahead log)"
  sqlite3 wal.db "delete from t where a > 250; pragma wal_checkpoint(truncate);" >/dev/null || fail "sqlite3 checkpoint"
  [[ $(sqlite3 wal.db "select count(*) from t; pragma integrity_check;" | tr '\n' ' ') == "250 ok " ]] || fail "write-ahead log database holds 250 rows and is intact"
  ok "sqlite3 with a rollback journal and with a write-ahead log"
}

[[ $# == 2 ]] || { sed -n 2,8p "$0"; exit 2; }
tool=$1 dir=$2
if [[ $tool == all ]]; then tools=(make unzip git sqlite); else tools=("$tool"); fi
for t in "${tools[@]}"; do
  echo "== $t"
  ( "case_$t" "$dir" ) || exit 1
done
