#!/usr/bin/env bash
# Two leaktrap binaries, before and after a change, timed in alternating runs on the same input.
#
#   benches/ab.sh BEFORE AFTER [CORPUS]     CORPUS: a git clone with a work tree (default: $LEAKTRAP_CORPUS)
#
# Why not compare.sh's `leaktrap-before` row: hyperfine runs all of one command's runs before the
# next command's, so on a shared machine a slow minute lands on one binary only. Here the runs
# alternate (A B B A A B ...), so drift falls on both alike; the table gives each binary's median
# wall and user CPU time and the median of the per-pair ratios (after / before), which is the
# figure to quote. Environment: PAIRS (default 10; history 4), USES (default "worktree staged
# history"). Findings of the two binaries are compared once per use.
set -euo pipefail

before="${1:-}"; after="${2:-}"
corpus="${3:-${LEAKTRAP_CORPUS:-}}"
[ -x "$before" ] && [ -x "$after" ] && [ -n "$corpus" ] && [ -d "$corpus/.git" ] ||
  { echo "usage: $0 BEFORE AFTER CORPUS (two leaktrap binaries; a git clone with a work tree)" >&2; exit 2; }
corpus="$(cd "$corpus" && pwd)"
uses="${USES:-worktree staged history}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The staged use: a throwaway clone with 20 files changed and staged, as in compare.sh.
if [[ " $uses " == *" staged "* ]]; then
  git clone -q --no-local --shared "$corpus" "$work/staged"
  mapfile -t sources < <(git -C "$work/staged" ls-files '*.c')
  for f in "${sources[@]:0:20}"; do echo "/* bench $RANDOM */" >> "$work/staged/$f"; done
  git -C "$work/staged" add -A
fi

args_for() {
  case "$1" in
    worktree) echo "scan $corpus -q --format json" ;;
    staged) echo "scan --staged -q --format json" ;;
    history) echo "scan --history $corpus -q --format json" ;;
  esac
}

echo "# leaktrap A/B, $(date -u +%Y-%m-%d), $(nproc) cores, corpus $(basename "$corpus")"
echo "before: $before ($("$before" --version))"
echo "after:  $after ($("$after" --version))"
echo
echo "| use | pairs | before median | after median | after / before (median of pairs) | user CPU before | user CPU after |"
echo "|---|---|---|---|---|---|---|"
for use in $uses; do
  pairs="${PAIRS:-10}"; [ "$use" = history ] && pairs="${PAIRS:-4}"
  cwd="$corpus"; [ "$use" = staged ] && cwd="$work/staged"
  rm -f "$work/before.json" "$work/after.json"
  # shellcheck disable=SC2046
  python3 - "$use" "$pairs" "$before" "$after" "$work" "$cwd" $(args_for "$use") <<'PY'
import json, resource, statistics, subprocess, sys, time
use, pairs, before, after, work, cwd, *args = sys.argv[1:]
bins = {"before": before, "after": after}

def run(side):
    """One run: wall and user CPU seconds (the child's, from rusage: finer than /usr/bin/time)."""
    start_user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.perf_counter()
    done = subprocess.run([bins[side], *args, "-o", f"{work}/{side}.json"], cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1):
        sys.exit(f"{use}: {bins[side]} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    wall = time.perf_counter() - start
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - start_user

run("before")  # warm the page cache
wall = {"before": [], "after": []}
user = {"before": [], "after": []}
for i in range(int(pairs)):
    for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
        w, u = run(side)
        wall[side].append(w)
        user[side].append(u)
ratios = [a / b for a, b in zip(wall["after"], wall["before"])]
fmt = lambda s: f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
med = statistics.median
print(f"| {use} | {pairs} | {fmt(med(wall['before']))} | {fmt(med(wall['after']))} | {med(ratios):.3f} "
      f"| {fmt(med(user['before']))} | {fmt(med(user['after']))} |", flush=True)
key = lambda f: (f["path"], f["line"], f["column"], f["rule_id"], f.get("commit"))
old, new = ({key(f) for f in json.load(open(f"{work}/{side}.json"))} for side in ("before", "after"))
verdict = "identical" if old == new else f"CHANGED: {len(new - old)} new, {len(old - new)} gone"
print(f"{use}: findings {verdict} ({len(old)} before, {len(new)} after)", file=sys.stderr)
PY
done
