#!/bin/bash
# Acceptance test for rootless containers through a real client, on a host
# where systemd is pid 1 on cgroup v2 with a user manager to delegate to (the
# guest of `make vm-test`):
#
#   bash Tests/Clients/rootless-podman.sh /path/to/runtime
#
# Run as root: an unprivileged user (ROOTLESS_USER, default the first account
# with uid >= 1000 and a subordinate id range) runs podman with
# `--cgroup-manager systemd` and the runtime behind a wrapper that logs each
# call. Podman runs the runtime as root in its user namespace; the runtime
# makes the container's scope through the user's systemd user manager, so the
# limits of --memory and --pids-limit are applied in the cgroup systemd
# delegated to user@UID.service. Prints "ok NAME", "FAIL NAME: reason" or
# "skip NAME: reason", then "N passed, N failed"; exits 0 only if nothing
# failed. Pass /usr/sbin/runc for the reference.
#
# Everything lives under ROOTLESS_PODMAN_BASE (default /tmp/swrun-rlpodman):
# podman's storage (vfs), run root, HOME and the wrapper; it is removed at the
# end as root (the storage holds files of subordinate ids), with the
# containers and podman's pause process.

. "$(dirname "$0")/client-common.sh"
runtime_arg "$@"
if [ ! -d /run/systemd/system ] || [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
    skip_all "systemd is not pid 1 on cgroup v2 here (run it in the guest: make vm-test)"
fi
require_tools podman conmon busybox runuser newuidmap
USER_NAME=${ROOTLESS_USER:-}
if [ -z "$USER_NAME" ]; then
    while IFS=: read -r name _ uid _; do
        if [ "$uid" -ge 1000 ] && [ "$uid" -lt 65534 ] && grep -q "^$name:" /etc/subuid 2>/dev/null; then USER_NAME=$name; break; fi
    done </etc/passwd
fi
[ -n "$USER_NAME" ] || skip_all "no account with uid >= 1000 and a range in /etc/subuid (the guest's image has swrun-user)"
USER_UID=$(id -u "$USER_NAME")
XDG=/run/user/$USER_UID

# The user's manager and bus: podman's systemd cgroup manager talks to both.
STARTED_MANAGER=
if [ "$(systemctl is-active "user@$USER_UID.service")" != active ]; then
    systemctl start "user@$USER_UID.service" || skip_all "cannot start user@$USER_UID.service"
    STARTED_MANAGER=1
fi
for _ in $(seq 300); do [ -S "$XDG/systemd/private" ] && [ -S "$XDG/bus" ] && break; sleep 0.1; done
[ -S "$XDG/bus" ] || skip_all "no user bus at $XDG/bus (the dbus-user-session package)"

# A busybox rootfs, and the runtime behind a wrapper that logs each call.
fresh_base "${ROOTLESS_PODMAN_BASE:-/tmp/swrun-rlpodman}" home storage run tmp
chmod 0755 "$BASE" "$BASE/wrap"
chown "$USER_NAME": "$BASE"/{home,storage,run,tmp}
chmod 0666 "$CALLS"
as_user() { (cd "$BASE" && runuser -u "$USER_NAME" -- env HOME="$BASE/home" XDG_RUNTIME_DIR="$XDG" \
    DBUS_SESSION_BUS_ADDRESS="unix:path=$XDG/bus" "$@"); }
unit_prop() { as_user systemctl --user show -p "$2" --value "$1"; }    # UNIT PROPERTY

tar -C "$rootfs" -cf "$BASE/rootfs.tar" .
chmod 0644 "$BASE/rootfs.tar"

PM() {
    as_user timeout 120 podman --root "$BASE/storage" --runroot "$BASE/run" --tmpdir "$BASE/tmp" \
        --storage-driver vfs --cgroup-manager systemd --runtime "$WRAP" --events-backend none "$@"
}
cleanup() {
    PM rm -a -f -t 0 >/dev/null 2>&1
    # podman keeps a pause process holding its user namespace.
    for f in "$BASE/tmp/pause.pid" "$XDG/libpod/tmp/pause.pid"; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    rm -rf "$BASE"
    as_user systemctl --user reset-failed 2>/dev/null
    [ -n "$STARTED_MANAGER" ] && systemctl stop "user@$USER_UID.service"
}
trap cleanup EXIT

PM import "$BASE/rootfs.tar" localhost/bb >/dev/null 2>"$BASE/out" && ok rootless-podman-import ||
    fail rootless-podman-import "$(cat "$BASE/out")"

: >"$CALLS"
out=$(PM run --rm --network none --memory 64m --pids-limit 50 localhost/bb \
    sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max' 2>&1)
rc=$?
check rootless-podman-run-limits "$rc/$(echo $out)" "0/67108864 50"
if grep -q -- '--systemd-cgroup.* create ' "$CALLS" && grep -q "^uid 0 XDG_RUNTIME_DIR=$XDG:" "$CALLS"; then
    ok rootless-podman-called-the-runtime
else
    fail rootless-podman-called-the-runtime "calls: $(head -3 "$CALLS")"
fi

cid=$(PM run -d --network none --memory 64m --pids-limit 50 localhost/bb sleep 300 2>"$BASE/out") ||
    fail rootless-podman-run-detached "$(cat "$BASE/out")"
scope=libpod-$cid.scope
check rootless-podman-scope-active "$(unit_prop "$scope" ActiveState)" active
pid=$(PM inspect -f '{{.State.Pid}}' "$cid" 2>&1)
manager_cgroup=$(systemctl show -p ControlGroup --value "user@$USER_UID.service")
check rootless-podman-cgroup "$(cat "/proc/$pid/cgroup" 2>&1)" "0::$manager_cgroup/user.slice/$scope"
dir=/sys/fs/cgroup$manager_cgroup/user.slice/$scope
check rootless-podman-scope-limits "$(cat "$dir/memory.max" 2>&1)/$(cat "$dir/pids.max" 2>&1)/$(unit_prop "$scope" MemoryMax)" \
    "67108864/50/67108864"
check rootless-podman-exec "$(PM exec "$cid" cat /proc/self/cgroup 2>&1)" "0::/"
PM stop -t 1 "$cid" >/dev/null 2>"$BASE/out" && check rootless-podman-stop "$(PM inspect -f '{{.State.Status}}' "$cid")" exited ||
    fail rootless-podman-stop "$(cat "$BASE/out")"
PM rm "$cid" >/dev/null 2>"$BASE/out" || fail rootless-podman-rm "$(cat "$BASE/out")"
if [ ! -d "$dir" ] && [ "$(unit_prop "$scope" ActiveState)" != active ] && [ -z "$(PM ps -a -q)" ]; then ok rootless-podman-rm
else fail rootless-podman-rm "left: $(ls -d "$dir" 2>/dev/null) $(unit_prop "$scope" ActiveState) $(PM ps -a -q)"; fi

finish
