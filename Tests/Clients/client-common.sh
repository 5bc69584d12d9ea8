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

# The last line, which the harness reads; exits non-zero if a case failed.
finish() {
    echo "$PASS passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}
