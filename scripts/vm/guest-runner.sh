#!/bin/sh
# In the guest, at boot: mounts the host's shares at the host's own paths,
# runs the command the host left in the job directory as root, records its
# output and exit status there, and powers off.
set -u
mkdir -p /job
mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576 job /job
while read -r tag path; do
    mkdir -p "$path"
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576,cache=loose "$tag" "$path"
done < /job/shares
cd "$(cat /job/cwd)"
export PATH="$(cat /job/path)"
export HOME=/root
# The command's output goes to the host's terminal (ttyS1) as it runs.
sh /job/cmd > /dev/ttyS1 2>&1 < /dev/null
echo $? > /job/rc.tmp
mv /job/rc.tmp /job/rc
sync
systemctl poweroff --no-block
