#!/bin/bash
# Acceptance test for checkpoint/restore through real clients: podman's
# `container checkpoint` / `container restore`, and containerd's task
# checkpoint (what CRI's checkpoint uses), drive the runtime, which drives
# CRIU. Needs a host where `criu check` passes (the guest of
# `make vm-test`):
#
#   bash Tests/Clients/checkpoint-clients.sh /path/to/runtime
#
# Every runtime call is logged through a wrapper, so a case also proves the
# runtime under test did the checkpoint and the restore. Prints "ok NAME",
# "FAIL NAME: reason" or "skip NAME: reason", then "N passed, N failed";
# exits 0 only if nothing failed. Pass /usr/sbin/runc for the reference.
# Everything lives under CHECKPOINT_CLIENTS_BASE (default
# /tmp/swrun-cpclients) and is removed at the end.

. "$(dirname "$0")/client-common.sh"
runtime_arg "$@"
command -v criu >/dev/null && criu check >/dev/null 2>&1 ||
    skip_all "criu is missing or 'criu check' fails here (run it in the guest: make vm-test)"
require_tools podman conmon busybox containerd ctr
fresh_base "${CHECKPOINT_CLIENTS_BASE:-/tmp/swrun-cpclients}" podman/root podman/runroot podman/tmp

PM() {
    timeout 120 podman --root "$BASE/podman/root" --runroot "$BASE/podman/runroot" --tmpdir "$BASE/podman/tmp" \
        --storage-driver vfs --runtime "$WRAP" --events-backend none "$@"
}
cleanup() {
    PM rm -a -f -t 0 >/dev/null 2>&1
    PM system reset -f >/dev/null 2>&1 || true
    umount -R "$BASE/podman/root" 2>/dev/null
    systemctl reset-failed 2>/dev/null
    rm -rf "$BASE"
}
trap cleanup EXIT
status() { PM inspect -f '{{.State.Status}}' "$1" 2>&1; }
counter() { PM exec "$1" cat /tmp/n 2>&1; }
# Waits until the container's counter is past $2; prints the value seen.
counter_past() {
    local v=
    for _ in $(seq 50); do
        v=$(counter "$1")
        [ "$v" -gt "$2" ] 2>/dev/null && break
        sleep 0.2
    done
    echo "$v"
}

tar -C "$rootfs" -cf "$BASE/rootfs.tar" . && PM import "$BASE/rootfs.tar" localhost/bb >/dev/null 2>"$BASE/out" ||
    fail podman-import "$(cat "$BASE/out")"
LOOP='i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done'

# Checkpoint stops the container; restore brings back its memory: the
# shell's counter goes on from where it was, not from 1.
PM run -d --network none --name cp1 localhost/bb sh -c "$LOOP" >/dev/null 2>"$BASE/out" || fail podman-run "$(cat "$BASE/out")"
before=$(counter_past cp1 5)
: >"$CALLS"
if PM container checkpoint cp1 >"$BASE/out" 2>&1 && [ "$(status cp1)" = exited ] && grep -qE '(^| )checkpoint ' "$CALLS"
then ok podman-checkpoint; else fail podman-checkpoint "$(cat "$BASE/out") status=$(status cp1) calls: $(cat "$CALLS")"; fi
if PM container restore cp1 >"$BASE/out" 2>&1 && [ "$(status cp1)" = running ] && grep -qE '(^| )restore ' "$CALLS"
then ok podman-restore; else fail podman-restore "$(cat "$BASE/out") status=$(status cp1) calls: $(cat "$CALLS")"; fi
after=$(counter cp1)
if [ "$after" -ge "$before" ] 2>/dev/null && [ "$(counter_past cp1 "$after")" -gt "$after" ] 2>/dev/null
then ok podman-restore-keeps-memory; else fail podman-restore-keeps-memory "before=$before after=$after"; fi
check_exec=$(PM exec cp1 echo exec-after-restore 2>&1)
if [ "$check_exec" = exec-after-restore ]; then ok podman-exec-after-restore; else fail podman-exec-after-restore "$check_exec"; fi

# --leave-running: the image is written and the container goes on.
if PM container checkpoint --leave-running cp1 >"$BASE/out" 2>&1 && [ "$(status cp1)" = running ] &&
   [ "$(counter_past cp1 "$(counter cp1)")" -gt 0 ] 2>/dev/null
then ok podman-checkpoint-leave-running; else fail podman-checkpoint-leave-running "$(cat "$BASE/out") status=$(status cp1)"; fi

# An exported checkpoint restored as a second container, beside the first.
before=$(counter cp1)
if PM container checkpoint --export "$BASE/cp1.tar.gz" cp1 >"$BASE/out" 2>&1 &&
   PM container restore --import "$BASE/cp1.tar.gz" --name cp2 >>"$BASE/out" 2>&1 &&
   PM container restore cp1 >>"$BASE/out" 2>&1 &&
   [ "$(status cp2)" = running ] && [ "$(status cp1)" = running ]
then
    v2=$(counter cp2)
    if [ "$v2" -ge "$before" ] 2>/dev/null && [ "$(counter_past cp2 "$v2")" -gt "$v2" ] 2>/dev/null
    then ok podman-restore-import-as-new; else fail podman-restore-import-as-new "cp1 at $before, cp2 at $v2"; fi
else
    fail podman-restore-import-as-new "$(cat "$BASE/out") cp1=$(status cp1) cp2=$(status cp2)"
fi

PM rm -f -t 0 cp1 cp2 >/dev/null 2>&1
left=$(PM ps -aq 2>&1)
runtime_left=$(grep -c . <<<"$("$RUNTIME" list -q 2>/dev/null)")
if [ -z "$left" ] && [ "$runtime_left" = 0 ] && ! ls -d /sys/fs/cgroup/machine.slice/libpod-*.scope >/dev/null 2>&1
then ok podman-rm-leaves-nothing; else fail podman-rm-leaves-nothing "podman: $left; runtime list: $runtime_left; $(ls -d /sys/fs/cgroup/machine.slice/libpod-* 2>&1)"; fi

# ---------------------------------------------------------------- containerd
# The runc shim's checkpoint, as Kubernetes' forensic checkpointing drives
# it through CRI: images into a directory, the task left running; then
# with --exit, which stops it.
start_containerd "$BASE/containerd" cpc
trap 'stop_containerd; cleanup' EXIT
task_status() { CTR task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }

CTR run -d --runc-binary "$WRAP" --env PATH=/bin --rootfs "$rootfs" cd-cp sh -c "$LOOP" >"$BASE/out" 2>&1 || fail containerd-run "$(cat "$BASE/out")"
sleep 0.5
: >"$CALLS"
if CTR task checkpoint --image-path "$BASE/cd-img" --work-path "$BASE/cd-work" cd-cp >"$BASE/out" 2>&1 &&
   [ -f "$BASE/cd-img/inventory.img" ] && [ "$(task_status cd-cp)" = RUNNING ] && grep -qE '(^| )checkpoint .*--leave-running' "$CALLS"
then ok containerd-checkpoint-leaves-it-running
else fail containerd-checkpoint-leaves-it-running "$(cat "$BASE/out") status=$(task_status cd-cp) calls: $(cat "$CALLS") $(tail -3 "$BASE/cd-work/dump.log" 2>/dev/null)"; fi
if CTR task checkpoint --exit --image-path "$BASE/cd-img2" --work-path "$BASE/cd-work2" cd-cp >"$BASE/out" 2>&1 &&
   [ -f "$BASE/cd-img2/inventory.img" ] && [ "$(task_status cd-cp)" != RUNNING ]
then ok containerd-checkpoint-exit
else fail containerd-checkpoint-exit "$(cat "$BASE/out") status=$(task_status cd-cp) $(tail -3 "$BASE/cd-work2/dump.log" 2>/dev/null)"; fi

finish
