# MountStore: every step a fresh machine needs lives here or in the scripts it calls.
#   make demo         start the local server, fill a demo container, mount it at ./demo-mount
#   make demo-stop    unmount the demo (and stop the server if the demo started it)
#   make build        compile everything; the runnable CLI is left at bin/mountstore
#   make deb          build/mountstore.deb: self-contained, with mount.mountstore, unit and man page
#   make windows      build/windows/mountstore.exe (win-x64, self-contained, one file) and
#                       build/windows/mountstore-windows-x64.zip (the exe, README.txt, LICENSE.txt)
#   make test         build, install FUSE, start the local servers when needed, run every test
#   make server       start every local server (each script installs its packages when missing):
#                       Swift + S3 on :8080 (tempauth), Keystone v3 on :5000 with a Swift + S3 proxy
#                       on :8090 that trusts it, Ceph RGW (Swift + S3) on :7480
#   make server-swift start only the Swift + S3 server (enough for the demo and the benchmarks)
#   make server-stop  stop them all
#   make bench        MountStore vs rclone mount vs s3fs vs curl, reads and writes (bench-results/mount.md, mount.png; BENCH_RUNS=3 for medians and ranges)
#   make bench-store  store clients against curl on the local server (writes bench-results/store.md)
SHELL := /bin/bash
CONFIG ?= Release
DOTNET ?= dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: all build deps demo demo-stop deb windows windows-test-build test soak server server-swift server-stop bench bench-store format clean

all: build

build:
	$(DOTNET) build MountStore.sln -c $(CONFIG) -warnaserror
	$(DOTNET) publish src/MountStore.Cli -c $(CONFIG) --no-build -o bin/mountstore.d -p:ErrorOnDuplicatePublishOutputFiles=false >/dev/null
	ln -sfn mountstore.d/mountstore bin/mountstore

# System packages for mounting and for the binding's layout test.
deps:
	bash scripts/install-fuse.sh

# What the Windows door's checks need here: mingw-w64's gcc (native/winfsp_layout.c for the Windows
# x64 ABI) and wine64 to run it (tests/MountStore.WinFsp.Tests).
.PHONY: windows-deps
windows-deps:
	bash scripts/install-windows-tools.sh

# The Windows package (installs zip when missing).
windows:
	bash scripts/publish-windows.sh package

# The Windows exe as a folder, which the tests run under wine (wine 8.0 cannot start the single file).
windows-test-build:
	bash scripts/publish-windows.sh folder >/dev/null

# Each failure is shown with its message (up to 40 lines, to its stack trace): CI keeps only this
# output, and a failure that does not recur must be understood from it.
# The test fixtures start the server themselves; starting it here first makes a broken install
# fail fast with the script's own message instead of inside a test.
test: deps windows-deps build windows-test-build deb server
	@set -o pipefail; $(DOTNET) test MountStore.sln -c $(CONFIG) --no-build --logger "console;verbosity=normal" 2>&1 \
	  | tee test-output.log \
	  | awk '/Passed!|Failed!/ { print; fflush() } /^[ \t]+Failed / { shown = 40 } \
	         shown > 0 { print; fflush(); shown--; if ($$0 ~ /Stack Trace:/) shown = 0 }' ; status=$${PIPESTATUS[0]}; \
	  passed=$$(grep -Eo 'Passed: +[0-9]+' test-output.log | awk '{s+=$$2} END {print s+0}'); \
	  failed=$$(grep -Eo 'Failed: +[0-9]+' test-output.log | awk '{s+=$$2} END {print s+0}'); \
	  echo "$$passed passed, $$failed failed"; exit $$status

demo: deps build
	bash scripts/demo.sh

demo-stop:
	bash scripts/demo-stop.sh

deb:
	bash scripts/build-deb.sh

server: server-swift
	bash servers/keystone/start.sh
	bash servers/rgw/start.sh

server-swift:
	bash servers/swift/start.sh

server-stop:
	bash servers/rgw/stop.sh
	bash servers/keystone/stop.sh
	bash servers/swift/stop.sh

# The randomized write test (fsx style) for thousands of operations instead of make test's 300.
soak: deps build server-swift
	MOUNTSTORE_FSX_OPS=$${MOUNTSTORE_FSX_OPS:-5000} dotnet test tests/MountStore.Mount.Tests -c Release --no-build \
		--filter "FullyQualifiedName~RandomOperationTests" --logger "console;verbosity=normal"

bench: deps build deb server-swift
	bash scripts/bench-mount.sh

bench-store: build server-swift
	$(DOTNET) run --project tests/MountStore.Bench -c $(CONFIG) --no-build

format:
	$(DOTNET) format MountStore.sln

clean:
	$(DOTNET) clean MountStore.sln -c $(CONFIG)
	rm -rf test-output.log bench-results build
