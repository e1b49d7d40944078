#!/usr/bin/env bash
# Installs what the Windows door's checks need on this Linux machine: the mingw-w64 cross compiler
# (x86_64-w64-mingw32-gcc) that builds native/winfsp_layout.c for the Windows x64 ABI, and wine64,
# which runs what it builds. Both come from Debian (bookworm: gcc-mingw-w64-x86-64 12.2, wine64 8.0).
# Idempotent; root only. apt-get update runs only when something is missing.
set -euo pipefail
source "$(dirname "$0")/lib/install-packages.sh"
# No recommends: wine64 recommends a desktop's worth of fonts and libraries a console program does not use.
install_missing_packages --no-install-recommends -- gcc-mingw-w64-x86-64 wine64
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "x86_64-w64-mingw32-gcc is missing after installing gcc-mingw-w64-x86-64" >&2; exit 1; }
command -v wine64 >/dev/null || [[ -x /usr/lib/wine/wine64 ]] || { echo "wine64 is missing after installing it" >&2; exit 1; }
