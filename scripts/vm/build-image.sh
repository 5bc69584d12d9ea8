#!/bin/sh
# Builds the Debian 12 guest used by `make vm-test`: systemd as pid 1 on the
# unified cgroup v2 hierarchy, dbus, runc, crun and criu as references,
# containerd and podman as clients, hyperfine for `make vm-bench`, busybox,
# iptables (runc needs iptables-restore for a checkpoint); and for rootless
# containers a user, swrun-user (uid 1000, subordinate ids 100000-165535),
# whose systemd user manager (user@1000.service) runs from boot (linger),
# with a user bus (dbus-user-session, which podman's systemd cgroup manager
# looks for), logind sessions (libpam-systemd) and slirp4netns.
# Cached outside the work tree (SWRUN_VM_CACHE, default /var/cache/swrun-vm);
# rebuilt only when this script changes. Prints the cache directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${SWRUN_VM_CACHE:-/var/cache/swrun-vm}
mirror=${SWRUN_VM_MIRROR:-http://deb.debian.org/debian}
stamp=$(cat "$here/build-image.sh" "$here/guest-runner.sh" | sha256sum | cut -c1-16)
if [ -f "$cache/$stamp/base.img" ]; then echo "$cache/$stamp"; exit 0; fi
# One build of an image at a time: a second caller waits for the first.
mkdir -p "$cache"
exec 9>"$cache/$stamp.lock"
flock 9
if [ -f "$cache/$stamp/base.img" ]; then echo "$cache/$stamp"; exit 0; fi

for p in debootstrap qemu-system-x86 qemu-utils e2fsprogs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
    echo "vm: installing$missing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2
fi

work="$cache/$stamp.tmp"
# A build killed half-way may have left debootstrap's /proc mounted.
grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
rm -rf "$work"
mkdir -p "$work"
root="$work/root"
pkgs=systemd,systemd-sysv,dbus,udev,kmod,linux-image-amd64,busybox-static,runc,criu,iproute2,util-linux,jq,libseccomp2,libcap2,procps,uidmap,ca-certificates,crun,containerd,podman,conmon,catatonit,umoci,hyperfine,containernetworking-plugins,iptables,dbus-user-session,libpam-systemd,slirp4netns
echo "vm: debootstrap bookworm (a few minutes the first time)" >&2
debootstrap --variant=minbase --include="$pkgs" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    if grep -q "Failed getting release file" "$work/debootstrap.log"; then
        # A host without the Debian mirror cannot have the guest: say so.
        echo "vm: cannot reach the Debian mirror $mirror (SWRUN_VM_MIRROR): no guest on this host" >&2
        rm -rf "$work"
        exit 3
    fi
    tail -30 "$work/debootstrap.log" >&2
    exit 1
}

echo swrun-vm > "$root/etc/hostname"
printf '127.0.0.1 localhost swrun-vm\n' > "$root/etc/hosts"
printf '/dev/vda / ext4 rw,relatime 0 1\n' > "$root/etc/fstab"
chroot "$root" passwd -d root >/dev/null
# A quiet boot straight to the runner; no getty, no network wait.
install -m 0755 "$here/guest-runner.sh" "$root/usr/local/sbin/swrun-vm-runner"
cat > "$root/etc/systemd/system/swrun-vm-runner.service" <<'UNIT'
[Unit]
Description=Run the host's command, then power off
After=local-fs.target dbus.service systemd-logind.service
Wants=dbus.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/swrun-vm-runner
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
UNIT
chroot "$root" systemctl enable swrun-vm-runner.service >/dev/null 2>&1
chroot "$root" systemctl mask getty@tty1.service serial-getty@ttyS0.service systemd-networkd-wait-online.service >/dev/null 2>&1 || true
printf '9p\n9pnet\n9pnet_virtio\n' > "$root/etc/modules-load.d/9p.conf"
# The rootless tests' user: logind starts the user manager of a lingering
# user at boot, so /run/user/1000/systemd/private is there for them.
chroot "$root" useradd --create-home --uid 1000 --user-group --shell /bin/sh swrun-user
for f in subuid subgid; do
    grep -q '^swrun-user:' "$root/etc/$f" 2>/dev/null || echo 'swrun-user:100000:65536' >> "$root/etc/$f"
done
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/swrun-user"

cp "$root"/boot/vmlinuz-* "$work/vmlinuz"
cp "$root"/boot/initrd.img-* "$work/initrd.img"
rm -rf "$root/var/cache/apt/archives"/*.deb
# An ext4 image made from the tree: no loop device, no mount needed.
truncate -s 4G "$work/base.img"
mkfs.ext4 -q -F -L swrun-vm -d "$root" "$work/base.img"
rm -rf "$root"
mv "$work" "$cache/$stamp"
echo "$cache/$stamp"
