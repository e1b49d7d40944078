#!/bin/bash
# Builds build/mountstore_VERSION_amd64.deb: a self-contained publish (no .NET needed on the
# target) in /usr/lib/mountstore, /usr/bin/mountstore, /sbin/mount.mountstore, the systemd unit
# template and the man page. Uses its own build folders (--artifacts-path), so it never touches
# the bin/ a running test or mount uses.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v dpkg-deb >/dev/null || { apt-get update -qq && apt-get install -y -qq dpkg-dev; }

count=$(git rev-list --count HEAD 2>/dev/null || echo 0)
version="0.1.0+git${count}"
work=build/deb
root=$work/root
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/lib/mountstore" "$root/usr/bin" "$root/sbin" \
    "$root/lib/systemd/system" "$root/usr/share/man/man1" "$root/usr/share/doc/mountstore"

# Composite ReadyToRun: the app and the .NET libraries precompiled as one image, so the generic
# code they share (every async method's state machine plumbing) needs no JIT at run time.
# Measured on a fresh mount: methods compiled at start 885 -> 316, first open + 1-byte read of an
# uncached file 55-65 ms -> 33-40 ms, CPU of a 300 MiB read 0.9 -> 0.6 s user. About 100 MB
# installed instead of 70, and a minute more to build.
dotnet publish src/MountStore.Cli -c Release -r linux-x64 --self-contained -p:PublishReadyToRunComposite=true \
    --artifacts-path "$work/artifacts" -o "$root/usr/lib/mountstore" \
    -p:ErrorOnDuplicatePublishOutputFiles=false -p:GenerateDocumentationFile=false -warnaserror >"$work/publish.log" 2>&1 \
    || { tail -30 "$work/publish.log"; exit 1; }
rm -f "$root"/usr/lib/mountstore/*.pdb
ln -s ../lib/mountstore/mountstore "$root/usr/bin/mountstore"
install -m 0755 packaging/mount.mountstore "$root/sbin/mount.mountstore"
install -m 0644 packaging/systemd/mountstore@.service "$root/lib/systemd/system/mountstore@.service"
gzip -9n <packaging/man/mountstore.1 >"$root/usr/share/man/man1/mountstore.1.gz"
ln -s mountstore.1.gz "$root/usr/share/man/man1/mount.mountstore.1.gz"
install -m 0644 README.md "$root/usr/share/doc/mountstore/README.md"

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" packaging/deb/control.in >"$root/DEBIAN/control"
deb=build/mountstore_${version}_amd64.deb
rm -f build/mountstore_*.deb
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
ln -sfn "$(basename "$deb")" build/mountstore.deb
echo "built $deb ($(du -h "$deb" | cut -f1))"
