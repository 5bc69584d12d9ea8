#!/bin/sh
# make demo: a busybox-static bundle made with `swrun spec`, one container
# that prints its hostname and `ps` (it is pid 1 in its own namespace),
# then everything removed.
set -eu
SWRUN=${SWRUN_BIN:-$(dirname "$0")/../.build/release/swrun}
SWRUN=$(readlink -f "$SWRUN")
dir=$(mktemp -d /tmp/swrun-demo.XXXXXX)
root="$dir/state"
id="demo-$$"
cleanup() {
    "$SWRUN" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
SPEC_BIN="$SWRUN" "$(dirname "$0")/make-bundle.sh" "$dir/bundle" \
    sh -c 'echo "hostname: $(hostname)"; echo "pid: $$"; ps' >/dev/null
jq '.hostname = "swrun-demo" | .linux.cgroupsPath = "/swrun-demo/'"$id"'"' \
    "$dir/bundle/config.json" > "$dir/config.json" && mv "$dir/config.json" "$dir/bundle/config.json"
echo "+ swrun --root $root run --bundle $dir/bundle $id"
"$SWRUN" --root "$root" run --bundle "$dir/bundle" "$id"
rmdir /sys/fs/cgroup/*/swrun-demo 2>/dev/null || true
