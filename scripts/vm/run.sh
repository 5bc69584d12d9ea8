#!/bin/sh
# Boots the Debian 12 guest (scripts/vm/build-image.sh) from a throwaway
# qcow2 overlay, shares the checkout and /opt/swift with it at the same
# paths over virtio-9p, runs one shell command in it as root, prints the
# command's output, and exits with its status.
#   scripts/vm/run.sh 'cat /proc/self/cgroup; systemctl --version'
# SWRUN_VM_TIMEOUT (seconds, default 3600) bounds the whole boot.
# SWRUN_VM_CGROUP=hybrid boots systemd on the v1 controllers with cgroup2
# beside them (this project host's layout); the default is unified (v2).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
checkout=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 COMMAND" >&2; exit 2; }
image=$(sh "$here/build-image.sh") || {
    rc=$?
    if [ "$rc" = 3 ]; then echo "vm: skipped: this host cannot build the guest (see above)" >&2; exit 0; fi
    exit "$rc"
}
job=$(mktemp -d /tmp/swrun-vm.XXXXXX)
trap 'rm -rf "$job"' EXIT INT TERM
qemu-img create -q -f qcow2 -b "$image/base.img" -F raw "$job/disk.qcow2"
printf '%s\n' "$1" > "$job/cmd"
pwd > "$job/cwd"
echo "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/swift/usr/bin" > "$job/path"
shares="-virtfs local,path=$job,mount_tag=job,security_model=none,id=job"
printf 'src %s\n' "$checkout" > "$job/shares"
shares="$shares -virtfs local,path=$checkout,mount_tag=src,security_model=none,id=src"
if [ -d /opt/swift ]; then
    printf 'swift /opt/swift\n' >> "$job/shares"
    shares="$shares -virtfs local,path=/opt/swift,mount_tag=swift,security_model=none,readonly=on,id=swift"
fi
# /dev/kvm on these machines is a paravirtual KVM that cannot boot a stock
# kernel: TCG unless SWRUN_VM_ACCEL says otherwise.
accel=${SWRUN_VM_ACCEL:-tcg}
case ${SWRUN_VM_CGROUP:-unified} in
    unified) unified=1 ;;
    hybrid) unified=0 ;;
    *) echo "vm: SWRUN_VM_CGROUP must be unified or hybrid" >&2; exit 2 ;;
esac
cpus=$(nproc)
# shellcheck disable=SC2086
timeout "${SWRUN_VM_TIMEOUT:-3600}" qemu-system-x86_64 \
    -accel "$accel" -cpu max -smp "$cpus" -m 4096 -display none -no-reboot \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 quiet loglevel=3 systemd.show_status=0 systemd.unified_cgroup_hierarchy=$unified panic=-1" \
    -drive "file=$job/disk.qcow2,if=virtio,format=qcow2" \
    $shares \
    -serial "file:$job/console.log" -serial stdio -monitor none \
    -nic none < /dev/null || true
if [ ! -f "$job/rc" ]; then
    echo "vm: the guest did not finish the command; its console:" >&2
    tail -40 "$job/console.log" >&2
    exit 125
fi
exit "$(cat "$job/rc")"
