#!/bin/bash
# Acceptance test for the systemd cgroup driver through real clients, on a
# host where systemd is pid 1 on cgroup v2 (the guest of `make vm-test`):
#
#   bash Tests/Clients/systemd-clients.sh /path/to/runtime
#
# containerd with SystemdCgroup=true (`ctr run --runc-systemd-cgroup`, the
# runc v2 shim's option kubeadm sets), and podman with
# `--cgroup-manager systemd`, each drive the runtime; every runtime call is
# logged through a wrapper, so a case also proves the runtime under test was
# the one called and was given --systemd-cgroup. Prints "ok NAME",
# "FAIL NAME: reason" or "skip NAME: reason", then "N passed, N failed";
# exits 0 only if nothing failed. Pass /usr/sbin/runc for the reference.
#
# Everything lives under SYSTEMD_CLIENTS_BASE (default /tmp/swrun-sdclients)
# and is removed at the end, with every unit and container made.

. "$(dirname "$0")/client-common.sh"
runtime_arg "$@"
if [ ! -d /run/systemd/system ] || [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    skip_all "systemd is not pid 1 on cgroup v2 here (run it in the guest: make vm-test)"
fi
require_tools containerd ctr containerd-shim-runc-v2 podman conmon busybox jq
fresh_base "${SYSTEMD_CLIENTS_BASE:-/tmp/swrun-sdclients}" podman/root podman/runroot podman/tmp
unit_prop() { systemctl show -p "$2" --value "$1"; }    # UNIT PROPERTY
task_pid() { CTR task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }

# ---------------------------------------------------------------- containerd
start_containerd "$BASE/containerd" sdc
cleanup() {
    stop_containerd
    PM rm -a -f >/dev/null 2>&1
    PM system reset -f >/dev/null 2>&1 || true
    umount -R "$BASE/podman/root" 2>/dev/null
    systemctl reset-failed 2>/dev/null
    rm -rf "$BASE"
}
trap cleanup EXIT
crun_() {    # ID ARGS...: a container in the scope system.slice:sdc:ID
    local id=$1; shift
    CTR run --runc-binary "$WRAP" --runc-systemd-cgroup --cgroup "system.slice:sdc:$id" --rootfs "$@"
}

out=$(crun_ cd-run --rm "$rootfs" cd-run cat /proc/self/cgroup 2>&1)
if [ $? = 0 ] && grep -q -- '--systemd-cgroup.* create ' "$CALLS"; then ok containerd-run; else fail containerd-run "$out"; fi

crun_ cd-live -d --memory-limit 67108864 "$rootfs" cd-live sleep 300 >"$BASE/out" 2>&1 || fail containerd-run-detached "$(cat "$BASE/out")"
pid=$(task_pid cd-live)
check containerd-cgroup "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/system.slice/sdc-cd-live.scope"
dir=/sys/fs/cgroup/system.slice/sdc-cd-live.scope
check containerd-scope-active "$(unit_prop sdc-cd-live.scope ActiveState)" active
check containerd-memory-limit "$(cat $dir/memory.max 2>&1)/$(unit_prop sdc-cd-live.scope MemoryMax)" "67108864/67108864"
# The exec'd process and the init (pid 1) must be in the same cgroup.
views=$(CTR task exec --exec-id e1 cd-live sh -c 'cat /proc/self/cgroup /proc/1/cgroup' 2>&1)
check containerd-exec-joins-scope "$(echo "$views" | sort -u | wc -l)/$(echo "$views" | wc -l)" "1/2"
CTR task pause cd-live && check containerd-pause "$(cat $dir/cgroup.freeze)" 1 || fail containerd-pause "ctr task pause failed"
CTR task resume cd-live && check containerd-resume "$(cat $dir/cgroup.freeze)" 0 || fail containerd-resume "ctr task resume failed"
CTR task kill -a -s KILL cd-live; sleep 1    # the runtime's kill --all
CTR task rm cd-live >/dev/null 2>&1; CTR c rm cd-live >/dev/null 2>&1
if [ ! -d "$dir" ] && [ "$(unit_prop sdc-cd-live.scope ActiveState)" != active ]; then ok containerd-delete-stops-scope
else fail containerd-delete-stops-scope "left: $(ls -d "$dir" 2>/dev/null) $(unit_prop sdc-cd-live.scope ActiveState)"; fi

# ---------------------------------------------------------------- podman
PM() {
    timeout 90 podman --root "$BASE/podman/root" --runroot "$BASE/podman/runroot" --tmpdir "$BASE/podman/tmp" \
        --storage-driver vfs --cgroup-manager systemd --runtime "$WRAP" --events-backend none "$@"
}
tar -C "$rootfs" -cf "$BASE/rootfs.tar" . && PM import "$BASE/rootfs.tar" localhost/bb >/dev/null 2>"$BASE/out" ||
    fail podman-import "$(cat "$BASE/out")"
: >"$CALLS"
out=$(PM run --rm --network none localhost/bb cat /proc/self/cgroup 2>&1)
if [ $? = 0 ] && [ "$out" = "0::/" ] && grep -q -- '--systemd-cgroup.* create ' "$CALLS"; then ok podman-run
else fail podman-run "$out / calls: $(head -3 "$CALLS")"; fi

cid=$(PM run -d --network none --memory 64m --pids-limit 50 localhost/bb sleep 300 2>"$BASE/out") ||
    fail podman-run-detached "$(cat "$BASE/out")"
scope=libpod-$cid.scope
dir=/sys/fs/cgroup/machine.slice/$scope
check podman-scope-active "$(unit_prop "$scope" ActiveState)" active
check podman-limits "$(cat "$dir/memory.max" 2>&1)/$(cat "$dir/pids.max" 2>&1)/$(unit_prop "$scope" MemoryMax)" "67108864/50/67108864"
check podman-exec "$(PM exec "$cid" cat /proc/self/cgroup 2>&1)" "0::/"
PM pause "$cid" >/dev/null 2>&1 && check podman-pause "$(cat "$dir/cgroup.freeze")/$(PM inspect -f '{{.State.Status}}' "$cid")" 1/paused ||
    fail podman-pause "podman pause failed"
PM unpause "$cid" >/dev/null 2>&1 && check podman-unpause "$(cat "$dir/cgroup.freeze")" 0 || fail podman-unpause "podman unpause failed"
# update goes to the runtime (`update --resources`), and on to systemd.
PM update --memory 96m "$cid" >/dev/null 2>"$BASE/out" &&
    check podman-update "$(cat "$dir/memory.max" 2>&1)/$(unit_prop "$scope" MemoryMax)" "100663296/100663296" ||
    fail podman-update "$(cat "$BASE/out")"
PM rm -f -t 0 "$cid" >/dev/null 2>&1
if [ ! -d "$dir" ] && [ "$(unit_prop "$scope" ActiveState)" != active ]; then ok podman-rm-stops-scope
else fail podman-rm-stops-scope "left: $(ls -d "$dir" 2>/dev/null) $(unit_prop "$scope" ActiveState)"; fi

finish
