#!/usr/bin/env bash
# mountstore for Windows x64, self-contained (the Windows machine needs no .NET, only WinFsp).
#   scripts/publish-windows.sh package  build/windows/mountstore.exe (one file) and
#                                       build/windows/mountstore-windows-x64.zip (exe, README.txt, LICENSE.txt)
#   scripts/publish-windows.sh folder   build/windows-test/mountstore/: the same program as a folder,
#                                       the form wine 8.0 can start (it cannot start the single file);
#                                       the exe checks in tests/MountStore.WinFsp.Tests run it
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-Release}

# No build servers or MSBuild nodes left behind: the machine is shared. The CLI's win-x64
# intermediate folder is removed first: its ReadyToRun images are reused by timestamp, and after a
# single-file publish followed by a folder publish (or the reverse) the folder's exe exited with
# code 2 at start until it was (DOTNET_ReadyToRun=0 started it).
publish() {
  rm -rf "src/MountStore.Cli/obj/$CONFIG/net10.0/win-x64" "src/MountStore.Cli/bin/$CONFIG/net10.0/win-x64"
  dotnet publish src/MountStore.Cli -c "$CONFIG" -r win-x64 --self-contained \
    -nodeReuse:false -p:UseSharedCompilation=false "$@" >/dev/null
}

case "${1:-}" in
  folder)
    rm -rf build/windows-test/mountstore
    publish -o build/windows-test/mountstore
    echo "build/windows-test/mountstore/mountstore.exe"
    ;;
  package)
    source scripts/lib/install-packages.sh
    command -v zip >/dev/null || install_missing_packages -- zip
    out=build/windows
    rm -rf "$out"
    # IncludeNativeLibrariesForSelfExtract: the few native DLLs go inside the exe too, so it is one file.
    publish -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o "$out/publish"
    mv "$out/publish/mountstore.exe" "$out/mountstore.exe"
    rm -rf "$out/publish"
    stage=$(mktemp -d)
    trap 'rm -rf "$stage"' EXIT
    cp "$out/mountstore.exe" "$stage/"
    # CRLF: the text files are read on Windows.
    sed 's/$/\r/' packaging/windows/README.txt >"$stage/README.txt"
    sed 's/$/\r/' LICENSE >"$stage/LICENSE.txt"
    (cd "$stage" && zip -q -X ../windows.zip mountstore.exe README.txt LICENSE.txt)
    mv "$stage/../windows.zip" "$out/mountstore-windows-x64.zip"
    ls -l "$out"
    ;;
  *)
    echo "usage: $0 package|folder" >&2
    exit 2
    ;;
esac
