#!/bin/bash
# Acceptance test: drives an OCI runtime through a real Docker engine.
#
#   bash Tests/Clients/docker-cases.sh /path/to/runtime
#
# Starts a private containerd and dockerd (20.10, Debian's docker.io) with
# everything under one base directory, registers the runtime as
# "swrun-under-test", imports a busybox image built from busybox-static (no
# registry), runs each case with `--runtime swrun-under-test`, and prints
# "ok NAME", "FAIL NAME: reason" or "skip NAME: reason" per case, then
# "N passed, N failed". Exits 0 only if no case failed.
#
# Pass /usr/sbin/runc as the runtime for the reference results. (The
# privileged case also runs Docker's own "runc" runtime to compare.)
#
# Environment:
#   DOCKER_CASES_BASE     base directory (default /tmp/swrun-docker); its logs/
#                         keeps cases.log (every docker command, its output,
#                         each case's verdict and time), dockerd.log,
#                         containerd.log (the shims' and runtime's errors too)
#                         and config-limits.json (a config.json from Docker)
#   DOCKER_CASES_ONLY     space-separated case names to run (cleanup always runs)
#   DOCKER_CASES_STORAGE  overlay2 or vfs (default: overlay2 if overlay mounts)
#
# Needs root. Re-executes itself under `tini -s`, a child subreaper: the
# containerd shims are orphaned by design and PID 1 may not reap them.

set -u -o pipefail

[ $# -eq 1 ] || { echo "usage: $0 /path/to/runtime" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: must run as root" >&2; exit 2; }
RUNTIME=$(readlink -f "$1")
[ -f "$RUNTIME" ] && [ -x "$RUNTIME" ] || { echo "$0: $1 is not an executable file" >&2; exit 2; }

install_packages() {
    local p missing=()
    for p in docker.io containerd tini busybox-static jq; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "# installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >&2 ||
        { apt-get update -q >&2 && apt-get install -y -q "${missing[@]}" >&2; } ||
        { echo "$0: cannot install ${missing[*]}; install them and re-run" >&2; exit 2; }
}

if [ "${DOCKER_CASES_REAPER:-}" != "$PPID" ]; then
    install_packages
    export DOCKER_CASES_REAPER=$$    # exec keeps the pid: tini's pid
    exec tini -s -- bash "$0" "$RUNTIME"
fi
REAPER=$DOCKER_CASES_REAPER

BASE=$(realpath -m "${DOCKER_CASES_BASE:-/tmp/swrun-docker}")
LOGS=$BASE/logs
LOG=$LOGS/cases.log
NOTES=$LOGS/notes
RT=swrun-under-test
IMG=swrun-busybox:cases
CG_PARENT=/swrun-docker-test
DOCKER=/usr/bin/docker
export DOCKER_HOST=unix://$BASE/docker.sock DOCKER_CONFIG=$BASE/cli
DOCKERD_PID="" CONTAINERD_PID="" TORN_DOWN=""

# ---------------------------------------------------------------- helpers

dk() { echo "+ docker $*" >>"$LOG"; timeout 60 "$DOCKER" "$@"; }
drun() { dk run --runtime "$RT" "$@"; }
inspect() { dk inspect -f "$2" "$1"; }    # inspect CONTAINER FORMAT

# Inside a case (a subshell whose fd 3 carries its verdict): report and stop.
fail() { echo "$*" >&3; exit 1; }
skip() { echo "$*" >&3; exit 2; }
note() { local n="$*"; echo "  ${n//$'\n'/ | }" >>"$NOTES"; }    # printed under the case's result
expect() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }    # WHAT GOT WANT
expect_match() { [[ $2 =~ $3 ]] || fail "$1: got '$2', want a match of /$3/"; }    # WHAT GOT ERE

# rm_run VAR ARGS...: docker run --rm ARGS, its stdout and stderr into VAR;
# fails the case unless it exits 0.
rm_run() {
    local res
    res=$(drun --rm "${@:2}" 2>&1) || fail "docker run, exit status $?: $res"
    printf -v "$1" '%s' "$res"
}

# run_d NAME ARGS...: docker run -d --name NAME ARGS, or fail with its error.
run_d() {
    local res
    res=$(drun -d --name "$1" "${@:2}" 2>&1) || fail "docker run -d, exit status $?: $res"
}
start_sleeper() { run_d "$1" "${@:2}" "$IMG" sleep 1000; }    # NAME [RUN OPTIONS]

# poll SECONDS COMMAND...: retries COMMAND every 0.1 s until it succeeds.
poll() {
    local end=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -lt "$end" ] || return 1
        sleep 0.1
    done
}
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }

# alive PID: the process exists and is not a zombie.
alive() {
    local stat
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}
gone() { ! alive "$1"; }
file_in() { [ "$(dk exec "$1" cat "$2" 2>/dev/null)" = "$3" ]; }    # CONTAINER PATH CONTENT
logs_have() { dk logs "$1" 2>&1 | grep -q "$2"; }

# cg_dir PID CONTROLLER: prints "v1 DIR" or "v2 DIR", the host directory of
# PID's cgroup for CONTROLLER: in the v1 hierarchy that has it, else in the
# cgroup2 one. Read from /proc/PID/cgroup and /proc/self/mountinfo (a mount
# whose root is a sub-cgroup maps the paths below that root).
cg_dir() {
    awk -v ctrl="$2" '
        function at(root, mnt, path) {
            if (root == "/") return mnt path
            if (index(path "/", root "/") == 1) return mnt substr(path, length(root) + 1)
            return ""
        }
        FNR == NR {    # /proc/PID/cgroup: ID:CONTROLLERS:PATH
            id = $0; sub(/:.*/, "", id); rest = substr($0, length(id) + 2)
            ctrls = rest; sub(/:.*/, "", ctrls); path = substr(rest, length(ctrls) + 2)
            if (id == "0") v2 = path
            else if (index("," ctrls ",", "," ctrl ",")) v1 = path
            next
        }
        {    # mountinfo: after the "-" field come type, source, super options
            for (i = 7; $i != "-"; i++) ;
            if (v1 != "" && $(i + 1) == "cgroup" && index("," $(i + 3) ",", "," ctrl ",")) {
                dir = at($4, $5, v1); ver = "v1"; exit
            }
            if (v1 == "" && v2 != "" && $(i + 1) == "cgroup2") { dir = at($4, $5, v2); ver = "v2" }
        }
        END { if (dir == "") exit 1; print ver, dir }' "/proc/$1/cgroup" /proc/self/mountinfo
}

# expect_cg PID CONTROLLER V1FILE V1VALUE V2FILE V2VALUE: the file of PID's
# cgroup (by its v1 or v2 name, as the controller is mounted) holds the value.
expect_cg() {
    local loc
    loc=$(cg_dir "$1" "$2") || fail "no $2 cgroup found for pid $1"
    if [ "${loc%% *}" = v1 ]; then
        expect "host ${loc#* }/$3" "$(cat "${loc#* }/$3")" "$4"
    else
        expect "host ${loc#* }/$5" "$(cat "${loc#* }/$5")" "$6"
    fi
}

# expect_limit CONTAINER CONTROLLER V1FILE V1VALUE V2FILE V2VALUE: as
# expect_cg, and the same value is read inside the container.
expect_limit() {
    local pid loc inside want
    pid=$(inspect "$1" '{{.State.Pid}}')
    expect_cg "$pid" "$2" "$3" "$4" "$5" "$6"
    loc=$(cg_dir "$pid" "$2")
    if [ "${loc%% *}" = v1 ]; then inside=/sys/fs/cgroup/$2/$3 want=$4; else inside=/sys/fs/cgroup/$5 want=$6; fi
    expect "in container $inside" "$(dk exec "$1" cat "$inside")" "$want"
}

# in_pty COMMAND: runs the shell command on a new pty (script), prints its
# output without CRs and without "^@": at the EOF of its stdin script sends
# an EOF character, which docker -i forwards and the container's tty echoes.
in_pty() { timeout 60 script -qec "$1" /dev/null </dev/null | tr -d '\r' | sed 's/\^@//g'; }

# The interface names in a /proc/net/dev read on stdin, sorted, on one line.
net_ifaces() { sed 1,2d | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' '; }

# Every cgroup mount's directory for CG_PARENT that exists (cgroupfs driver:
# absolute cgroup paths, so only mounts of a hierarchy's root are concerned).
cgroup_parent_dirs() {
    local m
    awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) ~ /^cgroup2?$/ && $4 == "/") print $5 }' /proc/self/mountinfo |
        while read -r m; do [ -d "$m$CG_PARENT" ] && echo "$m$CG_PARENT"; done
}
mounts_under_base() { awk -v b="$BASE/" 'index($5, b) == 1 { print $5 }' /proc/self/mountinfo; }

# Pids of processes the test left: every process whose command line names
# BASE, and every descendant of our subreaper except this shell.
leftover_pids() {
    local f pid p stat ppid args=() found=()
    local -A parent=()
    for f in /proc/[0-9]*; do
        pid=${f#/proc/}
        [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
        read -r stat 2>/dev/null <"$f/stat" || continue
        stat=${stat##*) }
        read -r _ ppid _ <<<"$stat"
        parent[$pid]=$ppid
        args=()
        mapfile -d '' args 2>/dev/null <"$f/cmdline"
        [[ "${args[*]}" == *"$BASE/"* ]] && found+=("$pid")
    done
    for pid in "${!parent[@]}"; do
        p=$pid
        while p=${parent[$p]:-0}; [ "$p" -gt 1 ]; do
            [ "$p" = "$REAPER" ] && { found+=("$pid"); break; }
        done
    done
    [ ${#found[@]} -eq 0 ] || printf '%s\n' "${found[@]}" | sort -un
}

# --------------------------------------------------------- setup, teardown

setup_failed() {
    echo "setup failed: $*"
    for f in dockerd containerd; do
        [ -s "$LOGS/$f.log" ] && { echo "--- tail of $LOGS/$f.log"; tail -n 25 "$LOGS/$f.log"; }
    done
    exit 1
}

# A fresh BASE (only ever deletes a directory this script made).
prepare_base() {
    local pidfile m
    for pidfile in "$BASE/docker.pid" "$BASE/containerd.pid"; do
        if [ -s "$pidfile" ] && alive "$(cat "$pidfile")"; then
            echo "$0: a previous run is still up (pid $(cat "$pidfile") from $pidfile); stop it first" >&2
            exit 2
        fi
    done
    if [ -e "$BASE" ]; then
        [ -e "$BASE/.docker-cases" ] || { echo "$0: $BASE exists and was not made by this script" >&2; exit 2; }
        mounts_under_base | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
        rm -rf --one-file-system "$BASE"
    fi
    mkdir -p "$LOGS" && touch "$BASE/.docker-cases" "$LOG" "$NOTES"
}

storage_driver() {
    local d=$BASE/overlay-probe rc
    if [ -n "${DOCKER_CASES_STORAGE:-}" ]; then echo "$DOCKER_CASES_STORAGE"; return; fi
    mkdir -p "$d/lower" "$d/upper" "$d/work" "$d/merged"
    mount -t overlay overlay -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged" 2>/dev/null &&
        umount "$d/merged"
    rc=$?
    rm -rf "$d"
    if [ $rc = 0 ]; then echo overlay2; else echo vfs; fi
}

start_daemons() {
    local c=$BASE/containerd storage
    storage=$(storage_driver)
    # A containerd of our own, so that dockerd never picks up a system one
    # (dockerd 20.10 uses /run/containerd/containerd.sock when it exists).
    mkdir -p "$c"
    cat >"$c/config.toml" <<EOF
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
EOF
    containerd --config "$c/config.toml" >>"$LOGS/containerd.log" 2>&1 &
    CONTAINERD_PID=$!
    echo "$CONTAINERD_PID" >"$BASE/containerd.pid"
    poll 20 eval '! alive $CONTAINERD_PID || [ -S "$c/containerd.sock" ]'
    alive "$CONTAINERD_PID" && [ -S "$c/containerd.sock" ] || setup_failed "containerd did not start"

    # deprecated-key-path: else dockerd 20.10 writes /etc/docker/key.json.
    printf '{"deprecated-key-path": "%s/key.json"}\n' "$BASE" >"$BASE/daemon.json"
    dockerd --config-file "$BASE/daemon.json" --containerd "$c/containerd.sock" \
        --data-root "$BASE/data" --exec-root "$BASE/exec" --pidfile "$BASE/docker.pid" \
        -H "$DOCKER_HOST" --iptables=false --ip6tables=false --bridge=none --ip-masq=false \
        --userland-proxy=false --exec-opt native.cgroupdriver=cgroupfs \
        --cgroup-parent "$CG_PARENT" --storage-driver "$storage" \
        --add-runtime "$RT=$RUNTIME" >>"$LOGS/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    poll 30 eval '! alive $DOCKERD_PID || timeout 5 "$DOCKER" version >/dev/null 2>&1'
    alive "$DOCKERD_PID" && timeout 5 "$DOCKER" version >/dev/null 2>&1 || setup_failed "dockerd did not start"
    [ "$(dk info --format '{{json .Runtimes}}' | jq -r --arg rt "$RT" '.[$rt].path')" = "$RUNTIME" ] ||
        setup_failed "runtime $RT is not registered as $RUNTIME"
    echo "# base $BASE, storage driver $storage, runtime $RUNTIME ($("$RUNTIME" --version 2>&1 | head -n 1))"
}

# A busybox rootfs with users root, u1 (1000, also in group g2, 2000) and
# nobody, imported as IMG.
build_image() {
    local r=$BASE/rootfs applet
    mkdir -p "$r/bin" "$r/dev" "$r/etc" "$r/home/u1" "$r/proc" "$r/root" "$r/sys" "$r/tmp"
    cp /bin/busybox "$r/bin/busybox"
    for applet in $("$r/bin/busybox" --list); do
        [ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"
    done
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'u1:x:1000:1000:u1:/home/u1:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
    printf '%s\n' 'root:x:0:' 'u1:x:1000:' 'g2:x:2000:u1' 'nogroup:x:65534:' >"$r/etc/group"
    chmod 1777 "$r/tmp"
    chown 1000:1000 "$r/home/u1"
    tar -C "$r" -c . | dk import - "$IMG" >>"$LOG" 2>&1 || setup_failed "docker import failed (see $LOG)"
}

remove_containers() {
    local ids
    ids=$(dk ps -aq 2>>"$LOG") || return 1
    [ -z "$ids" ] || dk rm -f $ids >>"$LOG" 2>&1
}

# stop_child PID: SIGTERM, then SIGKILL after 20 s; reaps it.
stop_child() {
    [ -n "$1" ] || return 0
    if alive "$1"; then
        kill -TERM "$1" 2>/dev/null
        poll 20 gone "$1" || kill -KILL "$1" 2>/dev/null
    fi
    wait "$1" 2>/dev/null
}

# Removes the containers and networks, stops dockerd and containerd.
stop_daemons() {
    if [ -n "$DOCKERD_PID" ] && alive "$DOCKERD_PID"; then
        remove_containers
        dk network prune -f >>"$LOG" 2>&1
    fi
    stop_child "$DOCKERD_PID"
    stop_child "$CONTAINERD_PID"
    DOCKERD_PID="" CONTAINERD_PID=""
}

# Stops and removes everything the test made (keeps BASE/logs and the
# marker): what survived stop_daemons is killed, unmounted, removed.
teardown() {
    local pids m
    [ -n "$TORN_DOWN" ] && return
    TORN_DOWN=1
    trap '' INT TERM
    stop_daemons
    pids="$(leftover_pids) $(cgroup_parent_dirs | while read -r m; do find "$m" -name cgroup.procs -exec cat {} +; done)"
    if [ -n "${pids//[[:space:]]/}" ]; then
        kill -KILL $pids 2>/dev/null
        poll 5 eval '[ -z "$(leftover_pids)" ]'
    fi
    mounts_under_base | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
    cgroup_parent_dirs | while read -r m; do find "$m" -depth -type d -exec rmdir {} + 2>/dev/null; done
    # dockerd and the shims make these whatever paths they are given (for
    # plugin and shim sockets); rmdir removes them only if empty.
    rmdir /run/docker/plugins /run/docker /run/containerd/s /run/containerd 2>/dev/null
    [ -n "$(mounts_under_base)" ] ||
        find "$BASE" -mindepth 1 -maxdepth 1 ! -name logs ! -name .docker-cases -exec rm -rf --one-file-system {} +
}

# ------------------------------------------------------------------ cases

case_run_exit_0() {
    local out
    rm_run out "$IMG" sh -c 'echo hello'
    expect output "$out" hello
    expect "containers left by --rm" "$(dk ps -aq)" ""
}

case_run_exit_3() {
    drun --rm "$IMG" sh -c 'exit 3'
    expect "exit status" $? 3
}

case_run_stdin() {
    local out
    rm_run out -i "$IMG" cat <<<hi
    expect "echo hi | cat" "$out" hi
    rm_run out -i "$IMG" md5sum < <(seq 1 20000)
    expect "md5sum of 20000 lines" "$out" "$(seq 1 20000 | md5sum)"
}

# Docker derives these exit statuses from the runtime's error text.
case_run_not_found() {
    local cmd want out rc problems=""
    for cmd in nosuchcmd:127 /nosuch:127 /etc/passwd:126; do
        want=${cmd##*:} cmd=${cmd%:*}
        out=$(drun --rm "$IMG" "$cmd" 2>&1)
        rc=$?
        [ $rc = "$want" ] || problems+="$cmd: exit status $rc, want $want: $out; "
    done
    [ -z "$problems" ] || fail "${problems%; }"
}

case_run_tty() {
    local out
    out=$(in_pty "$DOCKER run --rm -it --runtime $RT $IMG sh -c '[ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; tty; exit 5'")
    expect "exit status" $? 5
    expect_match "output" "$out" 'stdio-is-tty'$'\n''/dev/pts/[0-9]+'
}

case_exec_user() {
    start_sleeper ctr
    expect "exec -u 1000: id -u" "$(dk exec -u 1000 ctr id -u 2>&1)" 1000
    expect "exec -u u1:2000: id -u, -g" "$(dk exec -u u1:2000 ctr sh -c 'echo $(id -u) $(id -g)' 2>&1)" "1000 2000"
    expect "exec -u nobody: id -un" "$(dk exec -u nobody ctr id -un 2>&1)" nobody
    expect "exec -u u1: id -G (with u1's groups)" "$(dk exec -u u1 ctr id -G 2>&1)" "1000 2000"
}

case_exec_workdir() {
    start_sleeper ctr
    expect "exec -w /tmp: pwd" "$(dk exec -w /tmp ctr pwd 2>&1)" /tmp
    expect "exec -w /home/u1: pwd" "$(dk exec -w /home/u1 ctr pwd 2>&1)" /home/u1
}

case_exec_env() {
    start_sleeper ctr -e FROM_RUN=r
    expect "exec -e" "$(dk exec -e FOO=bar -e EMPTY= ctr sh -c 'echo "$FOO|${EMPTY-unset}|$FROM_RUN"' 2>&1)" "bar||r"
}

case_exec_stdin() {
    start_sleeper ctr
    expect "echo hi | exec -i cat" "$(dk exec -i ctr cat <<<hi 2>&1)" hi
    expect "md5sum of 20000 lines" "$(seq 1 20000 | dk exec -i ctr md5sum 2>&1)" "$(seq 1 20000 | md5sum)"
}

case_exec_tty() {
    local out
    start_sleeper ctr
    out=$(in_pty "$DOCKER exec -it ctr sh -c '[ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; tty; exit 4'")
    expect "exit status" $? 4
    expect_match "output" "$out" 'stdio-is-tty'$'\n''/dev/pts/[0-9]+'
}

case_exec_exit_code() {
    local out
    start_sleeper ctr
    dk exec ctr sh -c 'exit 9'
    expect "exit status of exec sh -c 'exit 9'" $? 9
    # Docker gives 126 to any exec the runtime could not start.
    out=$(dk exec ctr nosuchcmd 2>&1)
    expect "exit status of a missing command (126)" $? 126
    expect_match "its error" "$out" nosuchcmd
}

# Concurrent execs in one container all run.
case_exec_concurrent() {
    local i pids=() failures=0
    start_sleeper ctr
    for i in 1 2 3 4 5 6; do
        dk exec ctr sh -c "echo $i >/tmp/exec-$i" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || failures=$((failures + 1)); done
    expect "failed execs" $failures 0
    expect "files written" "$(dk exec ctr sh -c 'cat /tmp/exec-*' | sort | tr '\n' ' ')" "1 2 3 4 5 6 "
}

case_exec_detach() {
    start_sleeper ctr
    dk exec -d ctr sh -c 'sleep 2; echo done >/tmp/marker' || fail "docker exec -d failed"
    dk exec ctr test ! -e /tmp/marker || fail "exec -d returned only after its process ended"
    poll 10 file_in ctr /tmp/marker "done" || fail "the detached process never wrote /tmp/marker"
}

case_top() {
    local out
    run_d ctr "$IMG" sh -c 'sleep 1001 & sleep 1002'
    poll 5 eval 'out=$(dk top ctr) && [[ $out == *"sleep 1001"* && $out == *"sleep 1002"* ]]' ||
        fail "docker top does not list both sleeps: $(dk top ctr 2>&1)"
}

case_stats() {
    local out
    start_sleeper ctr --memory 64m
    out=$(dk stats --no-stream --format '{{.MemUsage}}' ctr 2>&1) || fail "docker stats: $out"
    expect_match "MemUsage" "$out" '^[0-9.]+[KMG]?i?B / 64MiB$'
    awk -v u="${out%%[A-Za-z]*}" 'BEGIN { exit !(u > 0) }' || fail "memory usage is zero: $out"
}

case_pause_unpause() {
    local pid counter n
    run_d ctr "$IMG" sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/n; usleep 50000; done'
    pid=$(inspect ctr '{{.State.Pid}}')
    counter=/proc/$pid/root/tmp/n
    poll 5 test -s "$counter" || fail "the counter never started"
    dk pause ctr >/dev/null || fail "docker pause failed"
    expect "State.Paused after pause" "$(inspect ctr '{{.State.Paused}}')" true
    expect_cg "$pid" freezer freezer.state FROZEN cgroup.freeze 1
    n=$(cat "$counter")
    sleep 0.5
    expect "counter while paused" "$(cat "$counter")" "$n"
    dk unpause ctr >/dev/null || fail "docker unpause failed"
    expect "State.Paused after unpause" "$(inspect ctr '{{.State.Paused}}')" false
    poll 5 eval '[ "$(cat "$counter")" -gt "${n:-0}" ] 2>/dev/null' || fail "the counter did not move after unpause"
}

case_update() {
    start_sleeper ctr --memory 64m --cpus 1 --pids-limit 100
    dk update --memory 128m --memory-swap 256m --cpus 0.5 --pids-limit 50 ctr >/dev/null || fail "docker update failed"
    expect_limit ctr memory memory.limit_in_bytes 134217728 memory.max 134217728
    expect_limit ctr cpu cpu.cfs_quota_us 50000 cpu.max "50000 100000"
    expect_limit ctr pids pids.max 50 pids.max 50
}

case_limits() {
    start_sleeper ctr --memory 32m --pids-limit 64 --cpus 0.5 --cpu-shares 512
    cp "$BASE/containerd/state/io.containerd.runtime.v2.task/moby/$(inspect ctr '{{.Id}}')/config.json" \
        "$LOGS/config-limits.json"
    expect_limit ctr memory memory.limit_in_bytes 33554432 memory.max 33554432
    expect_limit ctr pids pids.max 64 pids.max 64
    expect_limit ctr cpu cpu.cfs_quota_us 50000 cpu.max "50000 100000"
    expect_limit ctr cpu cpu.cfs_period_us 100000 cpu.max "50000 100000"
    # cgroup v2: runc's conversion of shares, 1 + (512 - 2) * 9999 / 262142
    expect_limit ctr cpu cpu.shares 512 cpu.weight 20
}

case_limits_more() {
    local dev majmin
    dev=$(findmnt -no SOURCE -T "$BASE")
    [ -b "$dev" ] || skip "$BASE is not on a block device ($dev)"
    [ -z "$(lsblk -no PKNAME "$dev")" ] || dev=/dev/$(lsblk -no PKNAME "$dev")
    majmin=$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')
    start_sleeper ctr --memory 64m --memory-reservation 16m --cpuset-mems 0 \
        --device-read-bps "$dev:1mb" --device-write-iops "$dev:100"
    expect_limit ctr memory memory.soft_limit_in_bytes 16777216 memory.low 16777216
    expect_limit ctr cpuset cpuset.mems 0 cpuset.mems 0
    expect_limit ctr blkio blkio.throttle.read_bps_device "$majmin 1048576" \
        io.max "$majmin rbps=1048576 wbps=max riops=max wiops=100"
    expect_limit ctr blkio blkio.throttle.write_iops_device "$majmin 100" \
        io.max "$majmin rbps=1048576 wbps=max riops=max wiops=100"
}

case_pids_limit() {
    local out
    # The shell stops at its first failed fork.
    out=$(drun --rm --pids-limit 5 "$IMG" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; echo all-spawned' 2>&1)
    expect_match "8 background sleeps under --pids-limit 5" "$out" "^sh: can't fork: Resource temporarily unavailable$"
}

case_blkio_weight() {
    [ "$(dk info --format '{{.BlkioWeight}}')" = true ] ||
        skip "the host has no blkio weight (no blkio.weight / io.bfq.weight: no BFQ scheduler)"
    start_sleeper ctr --blkio-weight 300
    expect_limit ctr blkio blkio.weight 300 io.bfq.weight "default 300"
}

case_oom_kill() {
    drun --name ctr --memory 16m --memory-swap 16m "$IMG" sh -c 'head -c 100000000 /dev/zero | tail'
    expect "exit status" $? 137
    expect "State.OOMKilled" "$(inspect ctr '{{.State.OOMKilled}}')" true
}

case_read_only() {
    local out
    rm_run out --read-only --tmpfs /tmp "$IMG" sh -c 'touch /x 2>&1; echo "root=$?"; touch /tmp/y; echo "tmp=$?"'
    expect "writes to / and /tmp" "$out" $'touch: /x: Read-only file system\nroot=1\ntmp=0'
}

case_tmpfs() {
    local out
    rm_run out --tmpfs /scratch:size=1m,mode=1770 "$IMG" \
        sh -c 'grep " /scratch " /proc/mounts; stat -c %a /scratch; echo x >/scratch/f && cat /scratch/f'
    expect_match "mount, mode, write" "$out" '^tmpfs /scratch tmpfs [^ ]*size=1024k[^ ]* 0 0'$'\n''1770'$'\n''x$'
}

case_bind_rw() {
    local vol=$BASE/vol-rw out
    mkdir -p "$vol" && echo from-host >"$vol/host.txt"
    rm_run out -v "$vol:/data" -v "$vol/host.txt:/etc/motd" "$IMG" \
        sh -c 'cat /data/host.txt /etc/motd; echo from-container >/data/new.txt'
    expect "read in the container (directory, file)" "$out" $'from-host\nfrom-host'
    expect "written by the container" "$(cat "$vol/new.txt" 2>&1)" from-container
}

case_bind_ro() {
    local vol=$BASE/vol-ro out
    mkdir -p "$vol" && echo from-host >"$vol/host.txt"
    rm_run out -v "$vol:/data:ro" "$IMG" \
        sh -c 'cat /data/host.txt; touch /data/new 2>&1; echo "rc=$?"; grep -c " /data [^ ]* ro," /proc/mounts'
    expect "read, write attempt, ro mounts" "$out" $'from-host\ntouch: /data/new: Read-only file system\nrc=1\n1'
    [ ! -e "$vol/new" ] || fail "the write went through to the host"
}

case_user_group_add() {
    local out
    rm_run out --user 1000 --group-add nogroup --group-add 123 "$IMG" \
        sh -c 'id -u; id -g; echo $(id -G | tr " " "\n" | sort -n); touch /etc/x 2>&1; echo "rc=$?"'
    expect "uid, gid, groups, write to /etc" "$out" $'1000\n1000\n123 1000 2000 65534\ntouch: /etc/x: Permission denied\nrc=1'
}

# Device cgroup: an unregistered device (major 42) is refused by the
# default rules (EPERM) and reaches the kernel's lookup once a rule allows it
# (ENXIO); /dev/full (a runtime default) and a --device are usable.
case_devices() {
    local out
    rm_run out --device /dev/zero:/dev/myzero "$IMG" \
        sh -c 'mknod /tmp/x c 42 0 && cat /tmp/x 2>&1; echo x 2>&1 >/dev/full; head -c 2 /dev/myzero | od -An -tx1'
    expect "major 42, write to /dev/full, read of --device /dev/myzero" "$out" \
        $'cat: can\'t open \'/tmp/x\': Operation not permitted\nsh: write error: No space left on device\n 00 00'
    rm_run out --device-cgroup-rule 'c 42:* rwm' "$IMG" sh -c 'mknod /tmp/x c 42 0 && cat /tmp/x 2>&1; echo "rc=$?"'
    expect "major 42 with --device-cgroup-rule 'c 42:* rwm'" "$out" $'cat: can\'t open \'/tmp/x\': No such device or address\nrc=1'
}

# A profile of our own: mkdir refused with EACCES (errnoRet), the rest allowed.
case_seccomp_custom() {
    local out profile=$BASE/seccomp-mkdir.json
    echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}' >"$profile"
    rm_run out --security-opt seccomp="$profile" "$IMG" sh -c 'mkdir /tmp/d 2>&1; echo "rc=$?"; touch /tmp/f && echo touched'
    expect "mkdir, touch" "$out" $'mkdir: can\'t create directory \'/tmp/d\': Permission denied\nrc=1\ntouched'
}

# Docker's masked and read-only paths, then none with systempaths=unconfined.
case_masked_paths() {
    local out probe='wc -c </proc/timer_list; ls /sys/firmware | wc -l; grep -cE " /proc/(bus|fs|irq|sys) [^ ]+ ro," /proc/mounts; true'
    rm_run out "$IMG" sh -c "$probe"
    expect "size of /proc/timer_list, entries in /sys/firmware, read-only /proc/{bus,fs,irq,sys}" "$out" $'0\n0\n4'
    rm_run out --security-opt systempaths=unconfined "$IMG" sh -c "$probe"
    expect_match "with systempaths=unconfined" "$out" $'^[1-9][0-9]*\n[1-9][0-9]*\n0$'
}

# cap_eff VAR [RUN OPTIONS]: CapEff of a container's process into VAR.
cap_eff() { rm_run "$1" "${@:2}" "$IMG" sh -c 'grep CapEff /proc/self/status | cut -f2'; }

case_cap_drop() {
    local base out
    cap_eff base
    cap_eff out --cap-drop CHOWN
    expect "CapEff with --cap-drop CHOWN" "$out" "$(printf '%016x' $((0x$base & ~1)))"
    rm_run out --cap-drop CHOWN "$IMG" sh -c 'chown 1000 /tmp 2>&1; echo "rc=$?"'
    expect "chown without CAP_CHOWN" "$out" $'chown: /tmp: Operation not permitted\nrc=1'
}

case_cap_add() {
    local out
    cap_eff out --cap-drop ALL --cap-add NET_ADMIN
    expect "CapEff with --cap-drop ALL --cap-add NET_ADMIN" "$out" 0000000000001000
    rm_run out --cap-drop ALL --cap-add NET_ADMIN "$IMG" sh -c 'ip link set lo mtu 1300 && cat /sys/class/net/lo/mtu'
    expect "ip link set lo mtu 1300 with NET_ADMIN" "$out" 1300
}

case_no_new_privileges() {
    local out
    rm_run out --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status
    expect "with no-new-privileges" "$out" $'NoNewPrivs:\t1'
    rm_run out "$IMG" grep NoNewPrivs /proc/self/status
    expect "without" "$out" $'NoNewPrivs:\t0'
}

case_seccomp_default() {
    local out probe='grep "^Seccomp:" /proc/self/status; unshare -U true 2>&1; echo "rc=$?"'
    # unshare(CLONE_NEWUSER) needs no capability: only the profile refuses it.
    rm_run out "$IMG" sh -c "$probe"
    expect "default profile" "$out" $'Seccomp:\t2\nunshare: unshare(0x10000000): Operation not permitted\nrc=1'
    rm_run out --security-opt seccomp=unconfined "$IMG" sh -c "$probe"
    expect "seccomp=unconfined" "$out" $'Seccomp:\t0\nrc=0'
}

case_network_none() {
    local out
    rm_run out --network none "$IMG" sh -c 'readlink /proc/self/ns/net; cat /proc/net/dev'
    [ "${out%%$'\n'*}" != "$(readlink /proc/self/ns/net)" ] || fail "in the host's network namespace"
    expect "interfaces" "$(sed 1d <<<"$out" | net_ifaces)" "lo "
}

case_network_host() {
    local out
    rm_run out --network host "$IMG" sh -c 'readlink /proc/self/ns/net; cat /proc/net/dev'
    expect "network namespace" "${out%%$'\n'*}" "$(readlink /proc/self/ns/net)"
    expect "interfaces" "$(sed 1d <<<"$out" | net_ifaces)" "$(net_ifaces </proc/net/dev)"
}

# A user-defined bridge network (no iptables): Docker's prestart hook
# (libnetwork-setkey) moves a veth with the address into the container.
case_network_bridge() {
    local out
    out=$(dk network create --subnet 10.213.77.0/24 -o com.docker.network.bridge.name=swrun-test-br swrun-test-net 2>&1) ||
        fail "docker network create: $out"
    rm_run out --network swrun-test-net --ip 10.213.77.5 "$IMG" \
        sh -c 'ip -4 -o addr show eth0 | grep -o "inet [0-9./]*"; ping -c 1 -W 5 10.213.77.1 | grep -o "1 packets received"'
    expect "eth0's address, ping of the gateway" "$out" $'inet 10.213.77.5/24\n1 packets received'
    dk network rm swrun-test-net >/dev/null || fail "docker network rm failed"
}

case_network_container() {
    local out
    start_sleeper owner
    rm_run out --network container:owner "$IMG" readlink /proc/self/ns/net
    expect "network namespace" "$out" "$(readlink "/proc/$(inspect owner '{{.State.Pid}}')/ns/net")"
}

case_pid_host() {
    local out
    rm_run out --pid host "$IMG" sh -c "readlink /proc/self/ns/pid; cat /proc/$$/comm"
    expect "pid namespace, comm of the test's shell" "$out" "$(readlink /proc/self/ns/pid)"$'\n'"$(cat /proc/$$/comm)"
}

# With the host's pid namespace no kernel kills the container's processes
# when its init exits: the runtime does (kill --all from the shim, delete).
case_pid_host_children() {
    local child
    rm_run child --pid host "$IMG" sh -c 'sleep 4242 & echo $!'
    [[ $child =~ ^[0-9]+$ ]] || fail "no child pid: $child"
    poll 5 eval '! grep -qs 4242 /proc/$child/cmdline' || fail "the container's child $child (sleep 4242) outlived its init"
}

case_pid_container() {
    local out
    run_d owner "$IMG" sleep 1003
    rm_run out --pid container:owner "$IMG" sh -c 'echo $(tr "\0" " " </proc/1/cmdline); readlink /proc/self/ns/pid'
    expect "pid 1, pid namespace" "$out" "sleep 1003"$'\n'"$(readlink "/proc/$(inspect owner '{{.State.Pid}}')/ns/pid")"
}

case_ipc_host() {
    local out
    rm_run out --ipc host "$IMG" readlink /proc/self/ns/ipc
    expect "ipc namespace" "$out" "$(readlink /proc/self/ns/ipc)"
}

case_ipc_container() {
    local ns out
    run_d owner --ipc shareable "$IMG" sh -c 'echo shared >/dev/shm/marker; sleep 1000'
    poll 5 file_in owner /dev/shm/marker shared || fail "no /dev/shm/marker in the shareable container"
    ns=$(readlink "/proc/$(inspect owner '{{.State.Pid}}')/ns/ipc")
    [ "$ns" != "$(readlink /proc/self/ns/ipc)" ] || fail "--ipc shareable is the host's ipc namespace"
    rm_run out --ipc container:owner "$IMG" sh -c 'readlink /proc/self/ns/ipc; cat /dev/shm/marker'
    expect "--ipc container:owner: namespace, /dev/shm/marker" "$out" "$ns"$'\nshared'
}

case_hostname() {
    local out
    rm_run out --hostname box1 --domainname example.org "$IMG" \
        sh -c 'hostname; cat /etc/hostname /proc/sys/kernel/domainname'
    expect "hostname, /etc/hostname, domainname" "$out" $'box1\nbox1\nexample.org'
}

case_uts_host() {
    local out
    rm_run out --uts host "$IMG" hostname
    expect "hostname" "$out" "$(hostname)"
}

case_ulimit() {
    local out
    rm_run out --ulimit nofile=1234:2345 "$IMG" grep 'Max open files' /proc/self/limits
    expect "soft, hard" "$(awk '{ print $4, $5 }' <<<"$out")" "1234 2345"
}

case_sysctl() {
    local host out
    host="$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shm_rmid_forced)"
    rm_run out "$IMG" cat /proc/sys/kernel/shm_rmid_forced
    expect "kernel.shm_rmid_forced without --sysctl" "$out" 0
    rm_run out --sysctl net.ipv4.ip_forward=1 --sysctl kernel.shm_rmid_forced=1 "$IMG" \
        sh -c 'echo $(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shm_rmid_forced)'
    expect "net.ipv4.ip_forward, kernel.shm_rmid_forced" "$out" "1 1"
    expect "the host's values" "$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shm_rmid_forced)" "$host"
}

case_shm_size() {
    local out
    rm_run out --shm-size 8m "$IMG" df -k /dev/shm
    expect "df -k /dev/shm size" "$(awk 'NR == 2 { print $2 }' <<<"$out")" 8192
}

case_cpuset_cpus() {
    start_sleeper ctr --cpuset-cpus 0
    expect "Cpus_allowed_list" "$(dk exec ctr grep Cpus_allowed_list /proc/self/status 2>&1)" $'Cpus_allowed_list:\t0'
    expect_limit ctr cpuset cpuset.cpus 0 cpuset.cpus 0
}

case_oom_score_adj() {
    local out
    rm_run out --oom-score-adj 500 "$IMG" cat /proc/self/oom_score_adj
    expect "oom_score_adj" "$out" 500
}

case_cgroupns_private() {
    local out
    rm_run out --cgroupns private "$IMG" sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
    [ "${out%%$'\n'*}" != "$(readlink /proc/self/ns/cgroup)" ] || fail "private: in the host's cgroup namespace"
    [ -z "$(sed 1d <<<"$out" | grep -v ':/$')" ] || fail "private: not at the namespace's root: $out"
    rm_run out --cgroupns host "$IMG" cat /proc/self/cgroup
    [ -z "$(grep -v ":$CG_PARENT/[0-9a-f]\{64\}\$" <<<"$out")" ] || fail "host: paths not under $CG_PARENT: $out"
}

case_init() {
    local out
    rm_run out --init "$IMG" sh -c 'cat /proc/1/comm; echo $$'
    expect "comm of pid 1" "${out%%$'\n'*}" docker-init
    [ "${out#*$'\n'}" != 1 ] || fail "the command is pid 1"
}

case_logs() {
    run_d ctr "$IMG" sh -c 'echo to-stdout; echo to-stderr >&2'
    dk wait ctr >/dev/null
    expect "stdout" "$(dk logs ctr 2>/dev/null)" to-stdout
    expect "stderr" "$(dk logs ctr 2>&1 >/dev/null)" to-stderr
}

case_wait() {
    run_d ctr "$IMG" sh -c 'sleep 0.5; exit 7'
    expect "docker wait" "$(dk wait ctr 2>&1)" 7
    expect "State.ExitCode" "$(inspect ctr '{{.State.ExitCode}}')" 7
}

case_stop() {
    local t0 ms
    run_d ctr "$IMG" sh -c 'trap "echo got-term; exit 0" TERM; echo ready; sleep 1000 & wait'
    poll 5 logs_have ctr ready || fail "the container never got ready"
    t0=$(now_ms)
    dk stop ctr >/dev/null || fail "docker stop failed"
    ms=$(($(now_ms) - t0))
    [ $ms -lt 5000 ] || fail "docker stop took ${ms} ms for a container that exits on SIGTERM"
    expect "State.ExitCode" "$(inspect ctr '{{.State.ExitCode}}')" 0
    logs_have ctr got-term || fail "the container did not see SIGTERM"
}

case_stop_timeout() {
    local t0 ms
    run_d ctr "$IMG" sh -c 'trap "" TERM; echo ready; sleep 1000'
    poll 5 logs_have ctr ready || fail "the container never got ready"
    t0=$(now_ms)
    dk stop -t 2 ctr >/dev/null || fail "docker stop failed"
    ms=$(($(now_ms) - t0))
    [ $ms -ge 2000 ] && [ $ms -lt 9000 ] || fail "docker stop -t 2 took ${ms} ms"
    expect "State.ExitCode (SIGKILL)" "$(inspect ctr '{{.State.ExitCode}}')" 137
}

case_kill_signal() {
    run_d ctr "$IMG" sh -c 'trap "echo usr1 >/tmp/usr1" USR1; echo ready; while :; do usleep 100000; done'
    poll 5 logs_have ctr ready || fail "the container never got ready"
    dk kill -s USR1 ctr >/dev/null || fail "docker kill -s USR1 failed"
    poll 5 file_in ctr /tmp/usr1 usr1 || fail "the USR1 trap never ran"
    expect "State.Running" "$(inspect ctr '{{.State.Running}}')" true
}

case_restart_on_failure() {
    run_d ctr --restart on-failure:2 "$IMG" sh -c 'exit 1'
    poll 15 eval '[ "$(inspect ctr "{{.RestartCount}} {{.State.Status}}")" = "2 exited" ]' ||
        fail "RestartCount, Status: $(inspect ctr '{{.RestartCount}} {{.State.Status}}' 2>&1), want 2 exited"
    expect "State.ExitCode" "$(inspect ctr '{{.State.ExitCode}}')" 1
}

case_restart() {
    local pid
    run_d ctr "$IMG" sh -c 'echo start >>/tmp/starts; trap "exit 0" TERM; sleep 1000 & wait'
    poll 5 file_in ctr /tmp/starts start || fail "the container never started"
    pid=$(inspect ctr '{{.State.Pid}}')
    dk restart -t 5 ctr >/dev/null || fail "docker restart failed"
    expect "State.Running" "$(inspect ctr '{{.State.Running}}')" true
    [ "$(inspect ctr '{{.State.Pid}}')" != "$pid" ] || fail "same init pid $pid after restart"
    poll 5 file_in ctr /tmp/starts $'start\nstart' || fail "/tmp/starts: $(dk exec ctr cat /tmp/starts 2>&1)"
}

case_rm_force() {
    local pid dir
    start_sleeper ctr
    pid=$(inspect ctr '{{.State.Pid}}')
    dir=$(cg_dir "$pid" memory) || fail "no memory cgroup for pid $pid"
    dk rm -f ctr >/dev/null || fail "docker rm -f failed"
    ! dk inspect ctr >/dev/null 2>&1 || fail "the container still exists"
    poll 5 gone "$pid" || fail "the container's process $pid survived"
    [ ! -d "${dir#* }" ] || fail "its cgroup ${dir#* } survived"
}

case_rm_force_paused() {
    local pid dir
    start_sleeper ctr
    pid=$(inspect ctr '{{.State.Pid}}')
    dir=$(cg_dir "$pid" memory) || fail "no memory cgroup for pid $pid"
    dk pause ctr >/dev/null || fail "docker pause failed"
    dk rm -f ctr >/dev/null || fail "docker rm -f of a paused container failed"
    poll 5 gone "$pid" || fail "the container's process $pid survived"
    [ ! -d "${dir#* }" ] || fail "its cgroup ${dir#* } survived"
}

# The host's bounding set lacks CAP_SYS_RESOURCE: --privileged cannot work
# here, and should fail at the same stage as with runc.
case_privileged() {
    local out_runc out rc_runc rc
    out_runc=$(dk run --rm --runtime runc --privileged "$IMG" true 2>&1)
    rc_runc=$?
    out=$(drun --rm --privileged "$IMG" true 2>&1)
    rc=$?
    note "runc: exit $rc_runc ${out_runc}"
    note "$RT: exit $rc ${out}"
    if [ $rc_runc = 0 ]; then
        expect "exit status (as runc)" $rc 0
    else
        [ $rc != 0 ] || fail "succeeded where runc fails"
        expect "failing stage (as runc)" "$(grep -o 'OCI runtime [a-z]* failed' <<<"$out")" \
            "$(grep -o 'OCI runtime [a-z]* failed' <<<"$out_runc")"
    fi
}

# ---------------------------------------------------------------- running

CASES=(run-exit-0 run-exit-3 run-not-found run-stdin run-tty
    exec-user exec-workdir exec-env exec-stdin exec-tty exec-exit-code exec-concurrent exec-detach
    top stats pause-unpause update limits limits-more pids-limit blkio-weight oom-kill
    read-only tmpfs bind-rw bind-ro user-group-add devices masked-paths
    cap-drop cap-add no-new-privileges seccomp-default seccomp-custom
    network-none network-host network-bridge network-container pid-host pid-host-children pid-container
    ipc-host ipc-container hostname uts-host ulimit sysctl shm-size cpuset-cpus oom-score-adj
    cgroupns-private init logs wait stop stop-timeout kill-signal restart-on-failure restart
    rm-force rm-force-paused privileged)
passed=0 failed=0

report() {    # NAME STATUS REASON
    local reason=${3//$'\n'/ | }
    case $2 in
        0) echo "ok $1"; passed=$((passed + 1)) ;;
        2) echo "skip $1: $reason" ;;
        *) echo "FAIL $1: ${reason:-exit status $2}"; failed=$((failed + 1)) ;;
    esac
    echo "=== result: $1 $2 $reason" >>"$LOG"
    [ -s "$NOTES" ] && { cat "$NOTES"; : >"$NOTES"; }
}

# Each case runs in a subshell: its commands' output goes to the log, its
# verdict comes back on fd 3. Its containers are removed afterwards.
run_case() {
    local reason rc t0
    t0=$(now_ms)
    printf '\n=== case %s\n' "$1" >>"$LOG"
    reason=$("case_${1//-/_}" 3>&1 >>"$LOG" 2>&1)
    rc=$?
    report "$1" $rc "$reason"
    remove_containers
    echo "=== $1 took $(($(now_ms) - t0)) ms" >>"$LOG"
}

# The final case, in this shell (it reaps dockerd and containerd): the
# containers removed leave no cgroup; dockerd and containerd stopped leave no
# process and no mount; the teardown then leaves no mount, cgroup or process.
cleanup_case() {
    local problems="" left m
    printf '\n=== case cleanup\n' >>"$LOG"
    remove_containers || problems+="docker rm -f failed; "
    left=$(cgroup_parent_dirs | while read -r m; do find "$m" -mindepth 1 -type d; done)
    [ -z "$left" ] || problems+="cgroups left by the removed containers: $left; "
    stop_daemons
    poll 5 eval '[ -z "$(leftover_pids)" ]'
    left=$(leftover_pids)
    [ -z "$left" ] || problems+="processes left: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)"); "
    # dockerd leaves the netns of its host sandbox mounted; nothing else.
    left=$(mounts_under_base | grep -vx "$BASE/exec/netns/default")
    [ -z "$left" ] || problems+="mounts left under $BASE: $left; "
    teardown >>"$LOG" 2>&1
    left=$(mounts_under_base)
    [ -z "$left" ] || problems+="mounts that could not be unmounted: $left; "
    left=$(cgroup_parent_dirs)
    [ -z "$left" ] || problems+="cgroup dirs that could not be removed: $left; "
    left=$(leftover_pids)
    [ -z "$left" ] || problems+="processes that could not be killed: $left; "
    report cleanup $((${#problems} > 0)) "${problems%; }"
}

for name in ${DOCKER_CASES_ONLY:-}; do
    declare -F "case_${name//-/_}" >/dev/null || { echo "$0: no case $name" >&2; exit 2; }
done
trap teardown EXIT
trap 'exit 130' INT TERM
started=$SECONDS
prepare_base
start_daemons
build_image
for name in "${CASES[@]}"; do
    [ -z "${DOCKER_CASES_ONLY:-}" ] || [[ " $DOCKER_CASES_ONLY " == *" $name "* ]] || continue
    run_case "$name"
done
cleanup_case
echo "# $((SECONDS - started)) s; logs in $LOGS"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
