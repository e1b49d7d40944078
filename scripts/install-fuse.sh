#!/usr/bin/env bash
# Installs what mounting needs (fuse3: fusermount3 and libfuse3-3) and what the binding's layout
# test needs (libfuse3-dev headers and gcc for native/fuse_layout.c), the tools the tests drive
# (rsync, tar, make, zip, unzip, git, sqlite3, pandas for the notebook-style tests, systemd-analyze for the unit, curl and the swift
# client for make demo), and the other tools whose objects the mount must read right (rclone, s3fs).
# Idempotent; root only.
set -euo pipefail
source "$(dirname "$0")/lib/install-packages.sh"
install_missing_packages -- fuse3 libfuse3-3 libfuse3-dev gcc libc6-dev rsync tar make zip unzip git sqlite3 python3-pandas systemd curl python3-swiftclient rclone s3fs
[[ -e /dev/fuse ]] || { echo "/dev/fuse is missing: modprobe fuse (or run the container with --device /dev/fuse)" >&2; exit 1; }
