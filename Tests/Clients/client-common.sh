# Sourced by the client scripts (bash): the runtime argument, the result
# lines, a busybox rootfs and a wrapper that logs every runtime call.

set -u -o pipefail
export LC_ALL=C

# runtime_arg "$@": RUNTIME, the absolute path of the one argument; else
# the usage, exit 2. The scripts run as root.
runtime_arg() {
    [ $# -eq 1 ] || { echo "usage: $0 /path/to/runtime" >&2; exit 2; }
    [ "$(id -u)" = 0 ] || { echo "$0: must run as root" >&2; exit 2; }
    RUNTIME=$(readlink -f "$1")
    [ -x "$RUNTIME" ] || { echo "$0: $1 is not an executable file" >&2; exit 2; }
}

PASS=0 FAILED=0
ok() { echo "ok $1"; PASS=$((PASS + 1)); }
fail() { echo "FAIL $1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c1-400)"; FAILED=$((FAILED + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }    # NAME GOT WANT

# skip_all REASON: no case can run here; says why and exits 0.
skip_all() { echo "skip all: $1"; echo "0 passed, 0 failed"; exit 0; }

# require_tools NAME...: each in PATH, else the usage error, exit 2.
require_tools() {
    for t in "$@"; do command -v "$t" >/dev/null || { echo "$0: missing $t" >&2; exit 2; }; done
}

# fresh_base DIR SUBDIR...: BASE=DIR made anew with its subdirectories, a
# busybox rootfs at $rootfs and the runtime behind a logging wrapper at
# $WRAP, its calls in $CALLS.
fresh_base() {
    BASE=$1; shift
    rm -rf "$BASE"
    mkdir -p "$BASE/wrap"
    for d in "$@"; do mkdir -p "$BASE/$d"; done
    CALLS=$BASE/runtime-calls.log
    : >"$CALLS"
    rootfs=$BASE/rootfs
    busybox_rootfs "$rootfs"
    WRAP=$BASE/wrap/runc
    logging_wrapper "$WRAP" "$CALLS"
}

# busybox_rootfs DIR: a minimal root file system of busybox-static.
busybox_rootfs() {
    mkdir -p "$1"/{bin,proc,sys,dev,etc,tmp}
    cp "$(command -v busybox)" "$1/bin/busybox"
    for a in sh cat sleep echo true; do ln -s busybox "$1/bin/$a"; done
    echo 'root:x:0:0:root:/:/bin/sh' >"$1/etc/passwd"
    echo 'root:x:0:' >"$1/etc/group"
}

# logging_wrapper PATH CALLS: PATH runs $RUNTIME after appending its uid,
# XDG_RUNTIME_DIR and arguments as a line to CALLS, so a case can prove the
# runtime under test was called, and how.
logging_wrapper() {
    cat >"$1" <<EOF
#!/bin/sh
echo "uid \$(id -u) XDG_RUNTIME_DIR=\${XDG_RUNTIME_DIR:-}: \$*" >>"$2"
exec "$RUNTIME" "\$@"
EOF
    chmod 0755 "$1"
}

# start_containerd DIR NAMESPACE: a containerd of its own (no CRI) with its
# root, state, socket and log in DIR; CTR then runs ctr on it in NAMESPACE,
# bounded in time. stop_containerd kills and removes every task and
# container there, then containerd.
start_containerd() {
    CONTAINERD_NS=$2
    SOCK=$1/containerd.sock
    mkdir -p "$1/root" "$1/state"
    cat >"$1/config.toml" <<EOF
version = 2
root = "$1/root"
state = "$1/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
EOF
    containerd --config "$1/config.toml" >"$1/containerd.log" 2>&1 &
    CONTAINERD_PID=$!
    for _ in $(seq 100); do ctr -a "$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
}
CTR() { timeout 120 ctr -a "$SOCK" -n "$CONTAINERD_NS" "$@"; }
stop_containerd() {
    [ -n "${CONTAINERD_PID:-}" ] || return 0
    for id in $(CTR task ls -q 2>/dev/null); do CTR task kill -s KILL "$id" 2>/dev/null; done
    sleep 0.5
    for id in $(CTR task ls -q 2>/dev/null); do CTR task rm -f "$id" >/dev/null 2>&1; done
    for id in $(CTR c ls -q 2>/dev/null); do CTR c rm "$id" >/dev/null 2>&1; done
    kill "$CONTAINERD_PID" 2>/dev/null; wait "$CONTAINERD_PID" 2>/dev/null
    CONTAINERD_PID=
}

# The last line, which the harness reads; exits non-zero if a case failed.
finish() {
    echo "$PASS passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}
