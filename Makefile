# swrun: `make` builds the static release binary; `make test` installs what
# is missing, builds, and runs the unit and integration tests as root.
PREFIX ?= /usr/local
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
RELEASE_FLAGS = -c release -Xswiftc -static-executable
BIN = $(CURDIR)/.build/release/swrun

.PHONY: all build deps install test unit-test docker-test vm-test vm-bench demo bench clean

all: build

deps:
	sh scripts/install-deps.sh

build:
	$(SWIFT) build $(RELEASE_FLAGS) --product swrun

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/swrun

# The tests run in a mount namespace of their own: a bug cannot leak mounts
# into the host's.
test: deps build
	$(SWIFT) build --build-tests
	SWRUN_BIN=$(BIN) unshare --mount --propagation private $(SWIFT) test --skip-build --disable-swift-testing

# Docker as a client: a private dockerd runs its cases through swrun
# (Tests/Clients/docker-cases.sh; pass RUNTIME=/usr/sbin/runc to compare).
RUNTIME ?= $(BIN)
docker-test: build
	bash Tests/Clients/docker-cases.sh $(RUNTIME)

# The cgroup-v2 + systemd guest (scripts/vm/): the tests that depend on the
# host's cgroup layout, run there with the binaries built here, against swrun
# and the guest's runc; then containerd and podman with systemd cgroups
# (Tests/Clients/systemd-clients.sh). VM_TESTS=all runs the whole suite.
VM_TESTS ?= IntegrationTests.RootlessTests,IntegrationTests.RootlessSystemdTests,IntegrationTests.SystemdCgroupTests,IntegrationTests.CgroupV2ResourceTests,IntegrationTests.CgroupTests,IntegrationTests.CgroupLifecycleTests,IntegrationTests.ResourceZeroTests,IntegrationTests.SharedCgroupTests,IntegrationTests.FaultInjectionTests,RuntimeTests.FreezerV2KernelTests,IntegrationTests.CheckpointTests
# Then the guest booted hybrid (v1 controllers, cgroup2 beside them: this
# project host's layout, where CRIU cannot run) for checkpoint/restore and
# the systemd driver on v1 cgroups, without the client scripts.
VM_HYBRID_TESTS ?= IntegrationTests.CheckpointTests,IntegrationTests.FaultInjectionTests,IntegrationTests.SystemdLegacyCgroupTests
vm-test: build
	$(SWIFT) build --build-tests
	sh scripts/vm/run.sh 'sh scripts/vm/guest-tests.sh $(BIN) $(if $(filter all,$(VM_TESTS)),,$(VM_TESTS))'
	SWRUN_VM_CGROUP=hybrid sh scripts/vm/run.sh 'GUEST_CLIENTS=none sh scripts/vm/guest-tests.sh $(BIN) $(VM_HYBRID_TESTS)'

# make bench in the guest: v2 figures, swrun against the guest's runc and
# crun, and against a build of swrun that joins its cgroup after the clone
# instead of CLONE_INTO_CGROUP (what that saves); then all three with
# --systemd-cgroup (a transient scope per container, over D-Bus).
NOCLONE_BIN = $(CURDIR)/.build-noclone/release/swrun
vm-bench: build
	$(SWIFT) build $(RELEASE_FLAGS) -Xswiftc -DSWRUN_NO_CLONE_INTO_CGROUP --scratch-path .build-noclone --product swrun
	sh scripts/vm/run.sh 'export BENCH_NO_INSTALL=1 BENCH_OUT=$(CURDIR)/bench-results/vm SWRUN_BIN=$(BIN); \
		SWRUN_ALT_BIN=$(NOCLONE_BIN) SWRUN_ALT_NAME=no-clone-into bash scripts/bench.sh && \
		BENCH_RUNTIME_FLAGS=--systemd-cgroup bash scripts/bench.sh'

unit-test:
	$(SWIFT) test --disable-swift-testing --filter "OCITests|RuntimeTests"

demo: deps build
	sh scripts/demo.sh

bench: deps build
	sh scripts/install-deps.sh hyperfine runc
	SWRUN_BIN=$(BIN) bash scripts/bench.sh

clean:
	rm -rf .build
