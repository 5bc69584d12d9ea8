# swrun: `make` builds the static release binary; `make test` installs what
# is missing, builds, and runs the unit and integration tests as root.
PREFIX ?= /usr/local
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
RELEASE_FLAGS = -c release -Xswiftc -static-executable
BIN = $(CURDIR)/.build/release/swrun

.PHONY: all build deps install test unit-test docker-test vm-test demo bench clean

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
# host's cgroup layout, run there with the binaries built here.
# VM_TESTS=all runs the whole suite in the guest.
VM_TESTS ?= IntegrationTests.SystemdCgroupTests,IntegrationTests.CgroupTests,IntegrationTests.CgroupLifecycleTests,IntegrationTests.ResourceZeroTests,IntegrationTests.SharedCgroupTests,IntegrationTests.FaultInjectionTests,IntegrationTests.CheckpointTests,RuntimeTests.FreezerV2KernelTests
vm-test: build
	$(SWIFT) build --build-tests
	sh scripts/vm/run.sh 'SWRUN_BIN=$(BIN) unshare --mount --propagation private .build/debug/swrunPackageTests.xctest $(if $(filter all,$(VM_TESTS)),,$(VM_TESTS))'

unit-test:
	$(SWIFT) test --disable-swift-testing --filter "OCITests|RuntimeTests"

demo: deps build
	sh scripts/demo.sh

bench: deps build
	sh scripts/install-deps.sh hyperfine runc
	SWRUN_BIN=$(BIN) bash scripts/bench.sh

clean:
	rm -rf .build
