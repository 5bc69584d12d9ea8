#!/bin/sh
# In the guest (`make vm-test`): the selected tests with swrun, the same
# tests with the guest's runc as the reference, then the systemd cgroup
# driver through containerd and podman, rootless podman (its user's
# systemd user manager), and podman's and containerd's checkpoint/restore.
# Runs them all; fails if any did. GUEST_CLIENTS=none: the tests only.
#   scripts/vm/guest-tests.sh SWRUN_BIN [XCTEST_FILTER]
set -u
bin=$1
filter=${2:-}
xctest=.build/debug/swrunPackageTests.xctest
rc=0
step() {
    name=$1; shift
    start=$(date +%s)
    "$@" || { echo "vm-test: $name FAILED" >&2; rc=1; }
    echo "vm-test: $name took $(( $(date +%s) - start )) s" >&2
}
# shellcheck disable=SC2086
step "tests with swrun" env SWRUN_BIN="$bin" unshare --mount --propagation private $xctest $filter
# shellcheck disable=SC2086
step "tests with runc" env SWRUN_BIN=/usr/sbin/runc unshare --mount --propagation private $xctest $filter
if [ "${GUEST_CLIENTS:-all}" != none ]; then
    step "containerd and podman with systemd cgroups" bash Tests/Clients/systemd-clients.sh "$bin"
    step "rootless podman with systemd cgroups" bash Tests/Clients/rootless-podman.sh "$bin"
    step "podman and containerd checkpoint and restore" bash Tests/Clients/checkpoint-clients.sh "$bin"
fi
exit $rc
