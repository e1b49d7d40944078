#!/usr/bin/env bash
# Installs what mounting needs (fuse3: fusermount3 and libfuse3-3) and what the binding's layout
# test needs (libfuse3-dev headers and gcc for native/fuse_layout.c), the tools the tests drive
# (rsync, tar, make, zip, unzip, git, sqlite3, pandas for the notebook-style tests, systemd-analyze for the unit, curl and the swift
# client for make demo), and the other tools whose objects the mount must read right (rclone, s3fs).
# Idempotent; root only.
set -euo pipefail
packages=(fuse3 libfuse3-3 libfuse3-dev gcc libc6-dev rsync tar make zip unzip git sqlite3 python3-pandas systemd curl python3-swiftclient rclone s3fs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -e /dev/fuse ]] || { echo "/dev/fuse is missing: modprobe fuse (or run the container with --device /dev/fuse)" >&2; exit 1; }
