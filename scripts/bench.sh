#!/usr/bin/env bash
# scripts/bench.sh — `make bench`: wall-clock latency of a full container
# lifecycle (`RUNTIME run` of /bin/true in a busybox bundle: create, start,
# wait, delete) for swrun vs runc (and crun when it works on this host),
# measured with hyperfine in ONE invocation so all runtimes share the same
# conditions.
#
# Environment:
#   SWRUN_BIN     swrun binary (default: <repo>/.build/release/swrun)
#   RUNC_BIN      runc binary (default: `command -v runc`)
#   CRUN_BIN      crun binary (default: `command -v crun`; empty = skip)
#   SWRUN_ALT_BIN another swrun build to set beside SWRUN_BIN in the same run
#                 (`make vm-bench`: one built without CLONE_INTO_CGROUP)
#   SWRUN_ALT_NAME its name in the report (default swrun-alt)
#   BENCH_RUNTIME_FLAGS global flags for every runtime, e.g. --systemd-cgroup
#                 (each container then gets a transient systemd scope)
#   BENCH_RUNS    measured runs per runtime (default 50)
#   BENCH_WARMUP  warmup runs per runtime (default 5)
#   BENCH_OUT     directory for results (default <repo>/bench-results, gitignored)
#   BENCH_TARGET  target for the swrun/runc mean ratio (default 0.35)
#   BENCH_ENFORCE 1 = exit 1 when the ratio misses the target (default 0)
#   BENCH_NO_INSTALL 1 = never apt-get install missing tools
#
# Output: hyperfine's own report, then a summary (mean ± stddev per runtime
# and the swrun/runc ratio); JSON export in $BENCH_OUT/bench-<UTC time>.json
# and the summary in $BENCH_OUT/bench-<UTC time>.txt.
#
# Must run as root (the runtimes create namespaces and cgroups).
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SWRUN_BIN=${SWRUN_BIN:-$REPO/.build/release/swrun}
BENCH_RUNS=${BENCH_RUNS:-50}
BENCH_WARMUP=${BENCH_WARMUP:-5}
BENCH_OUT=${BENCH_OUT:-$REPO/bench-results}
BENCH_TARGET=${BENCH_TARGET:-0.35}
BENCH_ENFORCE=${BENCH_ENFORCE:-0}

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
[[ $BENCH_RUNS =~ ^[0-9]+$ ]] && [ "$BENCH_RUNS" -ge 2 ] || die "BENCH_RUNS must be an integer >= 2"
[[ $BENCH_WARMUP =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be an integer >= 0"

# ------------------------------------------------------------------ tools
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v jq        >/dev/null || need+=(jq)
command -v busybox   >/dev/null || need+=(busybox-static)
[ -n "${RUNC_BIN:-}" ] || command -v runc >/dev/null || need+=(runc)
if [ ${#need[@]} -gt 0 ]; then
  if [ "${BENCH_NO_INSTALL:-0}" != 1 ] && command -v apt-get >/dev/null; then
    say "installing missing packages: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2; } ||
      die "apt-get install ${need[*]} failed"
  else
    die "missing tools/packages: ${need[*]}"
  fi
fi
RUNC_BIN=${RUNC_BIN:-$(command -v runc)}
CRUN_BIN=${CRUN_BIN-$(command -v crun || true)}

abspath() { case $1 in /*) printf '%s\n' "$1";; *) printf '%s/%s\n' "$PWD" "$1";; esac; }
SWRUN_BIN=$(abspath "$SWRUN_BIN")
[ -x "$SWRUN_BIN" ] && [ -f "$SWRUN_BIN" ] || die "SWRUN_BIN '$SWRUN_BIN' is not an executable file (build it: make release, or set SWRUN_BIN)"
[ -x "$RUNC_BIN" ] || die "RUNC_BIN '$RUNC_BIN' is not executable"

# ------------------------------------------------------------------ workspace
# Bundle in /tmp; state roots under /run (tmpfs, where the default roots
# /run/runc and /run/swrun live) when writable, else next to the bundle.
WORK=$(mktemp -d /tmp/swrun-bench.XXXXXX)
STATE=$(mktemp -d /run/swrun-bench.XXXXXX 2>/dev/null || mktemp -d "$WORK/state.XXXXXX")
BUNDLE=$WORK/bundle
R_SWRUN=$STATE/swrun
R_RUNC=$STATE/runc
R_CRUN=$STATE/crun
R_ALT=$STATE/swrun-alt
SWRUN_ALT_BIN=${SWRUN_ALT_BIN:-}
SWRUN_ALT_NAME=${SWRUN_ALT_NAME:-swrun-alt}
# shellcheck disable=SC2206
GF=(${BENCH_RUNTIME_FLAGS:-})
# Every container id starts with this prefix (unique to this bench process),
# so cleanup can find leftovers (containers and cgroups) of this run only.
PFX=swb$$-

HF_PID=; CRUN_CLEANUP=
cleanup() {
  local rc=$? bin root id
  trap - EXIT INT TERM HUP
  if [ -n "$HF_PID" ]; then   # interrupted while hyperfine runs: stop it first
    kill -TERM "$HF_PID" 2>/dev/null || true; wait "$HF_PID" 2>/dev/null || true
  fi
  for pair in "$SWRUN_BIN:$R_SWRUN" "$RUNC_BIN:$R_RUNC" "$CRUN_CLEANUP:$R_CRUN" "$SWRUN_ALT_BIN:$R_ALT"; do
    bin=${pair%%:*}; root=${pair#*:}
    [ -n "$bin" ] && [ -d "$root" ] || continue
    for id in $(timeout 20 "$bin" "${GF[@]}" --root "$root" list -q 2>/dev/null); do
      timeout 20 "$bin" "${GF[@]}" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    done
  done
  # Cgroups of containers killed half-way (no state left to delete them by):
  # without linux.cgroupsPath they are named after the container id.
  find /sys/fs/cgroup -maxdepth 8 -depth -type d -name "${PFX}*" -exec rmdir {} + 2>/dev/null || true
  rm -rf "$WORK" "$STATE"
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

# ------------------------------------------------------------------ bundle
# linux.cgroupsPath: `runc spec` writes none, and we keep it that way.  A fixed
# path would be shared by every iteration (one config.json for all runs) and
# by concurrent or interrupted earlier benches; a per-iteration path would need
# a per-iteration config.json, i.e. extra file I/O inside the timed command.
# Without cgroupsPath runc (and swrun, which follows runc here) creates the
# cgroup "<own cgroup>/<container id>", so the unique id of each iteration
# gives each container its own cgroup, which `run` removes on exit; both
# runtimes still do their full cgroup setup and teardown work.
BUNDLE_CGROUPS_PATH='' "$REPO/scripts/make-bundle.sh" "$BUNDLE" /bin/true >/dev/null

# ------------------------------------------------------------------ smoke tests
# One plain run per runtime outside the timing, so a broken binary fails fast
# with its own error message instead of a hyperfine "non-zero exit code".
smoke() {  # smoke BIN ROOT -> 0 ok; prints the runtime's error on failure
  local out rc=0
  out=$(timeout 30 "$1" "${GF[@]}" --root "$2" run -b "$BUNDLE" "${PFX}smoke" </dev/null 2>&1) || rc=$?
  timeout 20 "$1" "${GF[@]}" --root "$2" delete --force "${PFX}smoke" >/dev/null 2>&1 || true
  [ $rc -eq 0 ] && return 0
  [ -n "$out" ] || out="exit status $rc, no output"
  printf '%s' "$out" | tr '\n' ' ' | sed 's/ *$//' | cut -c1-300
  return 1
}
err=$(smoke "$SWRUN_BIN" "$R_SWRUN") || die "swrun ($SWRUN_BIN) cannot run the bench bundle: $err"
err=$(smoke "$RUNC_BIN" "$R_RUNC")   || die "runc ($RUNC_BIN) cannot run the bench bundle: $err"
if [ -n "$SWRUN_ALT_BIN" ]; then
  err=$(smoke "$SWRUN_ALT_BIN" "$R_ALT") || die "$SWRUN_ALT_NAME ($SWRUN_ALT_BIN) cannot run the bench bundle: $err"
fi
CRUN_NOTE=
if [ -n "$CRUN_BIN" ] && [ -x "$CRUN_BIN" ]; then
  CRUN_CLEANUP=$CRUN_BIN
  if ! err=$(smoke "$CRUN_BIN" "$R_CRUN"); then
    CRUN_NOTE="crun: skipped (refuses this host: $err)"; CRUN_BIN=
  fi
else
  CRUN_NOTE="crun: skipped (not installed)"; CRUN_BIN=
fi

# ------------------------------------------------------------------ benchmark
# hyperfine runs each command as `bash -c CMD` (its shell-spawn time is
# measured and subtracted); '$$' (that bash's pid, which it execs into the
# runtime) plus '$RANDOM' make the container id unique per iteration.
cmd() {  # cmd BIN ROOT
  printf '%q %s --root %q run -b %q %q' "$1" "${GF[*]}" "$2" "$BUNDLE" "$PFX" | sed 's/$/"$$-$RANDOM"/'
}
hf=(hyperfine --shell=bash --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS" --time-unit millisecond)
hf+=(-n swrun "$(cmd "$SWRUN_BIN" "$R_SWRUN")")
hf+=(-n runc  "$(cmd "$RUNC_BIN" "$R_RUNC")")
[ -n "$CRUN_BIN" ] && hf+=(-n crun "$(cmd "$CRUN_BIN" "$R_CRUN")")
[ -n "$SWRUN_ALT_BIN" ] && hf+=(-n "$SWRUN_ALT_NAME" "$(cmd "$SWRUN_ALT_BIN" "$R_ALT")")

mkdir -p "$BENCH_OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
JSON=$BENCH_OUT/bench-$STAMP.json
SUMMARY=$BENCH_OUT/bench-$STAMP.txt
say "swrun: $SWRUN_BIN"
say "runc:  $RUNC_BIN ($("$RUNC_BIN" --version 2>/dev/null | head -n1))"
[ -n "$CRUN_BIN" ] && say "crun:  $CRUN_BIN ($("$CRUN_BIN" --version 2>/dev/null | head -n1))"
[ -n "$CRUN_NOTE" ] && say "$CRUN_NOTE"
say "bundle: $BUNDLE (busybox-static, args [/bin/true]); runs=$BENCH_RUNS warmup=$BENCH_WARMUP"
# In the background + wait, so that an INT/TERM trap runs at once (bash
# defers traps while a foreground child runs) and can stop hyperfine.
"${hf[@]}" --export-json "$JSON" </dev/null & HF_PID=$!
hf_rc=0; wait "$HF_PID" || hf_rc=$?
HF_PID=
[ "$hf_rc" -eq 0 ] || die "hyperfine failed (exit $hf_rc)"

# ------------------------------------------------------------------ exec
# `exec` of /bin/true into a running container (what probes do), each
# runtime on its own container. The containers run under a foreground
# `run` in the background, so that each runtime reaps its own init.
EXEC_JSON=$BENCH_OUT/bench-exec-$STAMP.json
BUNDLE_EXEC=$WORK/bundle-exec
BUNDLE_CGROUPS_PATH='' "$REPO/scripts/make-bundle.sh" "$BUNDLE_EXEC" sleep 1000 >/dev/null
exec_summary=
start_exec_target() {  # BIN ROOT ID
  "$1" "${GF[@]}" --root "$2" run -b "$BUNDLE_EXEC" "$3" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 100); do
    [ "$("$1" "${GF[@]}" --root "$2" state "$3" 2>/dev/null | jq -r .status 2>/dev/null)" = running ] && return 0
    sleep 0.05
  done
  return 1
}
if start_exec_target "$SWRUN_BIN" "$R_SWRUN" "${PFX}exec" && start_exec_target "$RUNC_BIN" "$R_RUNC" "${PFX}exec"; then
  say "exec: /bin/true into a running container; runs=$BENCH_RUNS"
  hyperfine -N --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS" --time-unit millisecond \
    -n swrun "$SWRUN_BIN ${GF[*]} --root $R_SWRUN exec ${PFX}exec /bin/true" \
    -n runc "$RUNC_BIN ${GF[*]} --root $R_RUNC exec ${PFX}exec /bin/true" \
    --export-json "$EXEC_JSON" </dev/null >&2 || say "exec bench failed"
  [ -s "$EXEC_JSON" ] && exec_summary=$(jq -r '
    def ms: . * 1000 * 100 | round / 100;
    (.results | map({key: .command, value: .}) | from_entries) as $r
    | "exec    swrun mean \($r.swrun.mean | ms) ms, runc mean \($r.runc.mean | ms) ms, ratio \($r.swrun.mean / $r.runc.mean * 1000 | round / 1000)"
  ' "$EXEC_JSON")
else
  say "exec bench skipped: a container did not start"
fi
for pair in "$SWRUN_BIN:$R_SWRUN" "$RUNC_BIN:$R_RUNC"; do
  timeout 20 "${pair%%:*}" "${GF[@]}" --root "${pair#*:}" delete --force "${PFX}exec" >/dev/null 2>&1 || true
done
wait 2>/dev/null || true

# ------------------------------------------------------------------ summary
summary=$(jq -r --arg target "$BENCH_TARGET" --arg alt "$SWRUN_ALT_NAME" '
  def ms: . * 1000 * 100 | round / 100;
  (.results | map({key: .command, value: .}) | from_entries) as $r
  | (.results[] | "\(.command | . + "      " | .[0:14]) mean \(.mean | ms) ms ± \(.stddev | ms) ms   (median \(.median | ms), min \(.min | ms), max \(.max | ms), n=\(.times | length))"),
    ( $r.swrun.mean / $r.runc.mean ) as $ratio
    | (($r.swrun.stddev / $r.swrun.mean) as $a | ($r.runc.stddev / $r.runc.mean) as $b
       | $ratio * (($a * $a + $b * $b) | sqrt)) as $err
    | "ratio   swrun/runc = \($ratio * 1000 | round / 1000) ± \($err * 1000 | round / 1000)   (target < \($target): \(if $ratio < ($target | tonumber) then "met" else "NOT met" end))",
    "ratio   of the medians = \($r.swrun.median / $r.runc.median * 1000 | round / 1000)   (less sensitive to the RCU grace-period outliers)",
    ( if $r.crun then "ratio   swrun/crun = \($r.swrun.mean / $r.crun.mean * 1000 | round / 1000)" else empty end ),
    ( if $r[$alt] then "ratio   swrun/\($alt) = \($r.swrun.mean / $r[$alt].mean * 1000 | round / 1000) (medians \($r.swrun.median / $r[$alt].median * 1000 | round / 1000)); swrun saves \(($r[$alt].median - $r.swrun.median) | ms) ms per run (medians)" else empty end )
' "$JSON")
{
  echo "== bench summary ($STAMP, $(uname -r), $(nproc) cpus${GF[*]:+, flags ${GF[*]}})"
  printf '%s\n' "$summary"
  [ -n "$exec_summary" ] && echo "$exec_summary"
  [ -n "$CRUN_NOTE" ] && echo "$CRUN_NOTE"
  echo "json: $JSON"
} | tee "$SUMMARY"

if [ "$BENCH_ENFORCE" = 1 ] && printf '%s\n' "$summary" | grep -q 'NOT met'; then
  exit 1
fi
