#!/usr/bin/env bash
# Scaling: throughput with 1 and 2 threads, and time against bytes scanned for three history
# sizes of one repository (HEAD~N..HEAD ranges) and its whole history.
#   benches/scaling.sh CORPUS      (a git clone with a work tree; RUNS defaults to 3)
set -euo pipefail
corpus="${1:?usage: $0 CORPUS}"
runs="${RUNS:-3}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
command -v hyperfine >/dev/null || { echo "hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

median() { # command [runs] -> median seconds
  hyperfine --runs "${2:-$runs}" --warmup 1 --ignore-failure --style none --export-json "$work/h.json" "$1" >/dev/null
  python3 -c "import json,statistics; print(statistics.median(json.load(open('$work/h.json'))['results'][0]['times']))"
}
scanned_bytes() { # command -> bytes scanned, from the summary line
  { bash -c "$1" 2>&1 >/dev/null || true; } | python3 -c "
import re, sys
line = sys.stdin.read().strip().splitlines()[-1]
m = re.search(r'\(([0-9.]+) (B|KiB|MiB|GiB)\)', line)
print(int(float(m.group(1)) * {'B': 1, 'KiB': 1024, 'MiB': 1024**2, 'GiB': 1024**3}[m.group(2)]))"
}

measure() { # label threads command [runs]: one table row
  local bytes seconds
  bytes=$(scanned_bytes "$3")
  seconds=$(median "$3" "${4:-}")
  python3 -c "
s = $seconds
shown = f'{s:.2f} s' if s >= 1 else f'{s * 1000:.1f} ms'
print(f'| $1 | $2 | {$bytes/2**20:.0f} MiB | {shown} | {$bytes/2**20/s:.0f} MiB/s |')"
}

echo "| scan | threads | bytes scanned | median | throughput |"
echo "|---|---|---|---|---|"
# HEAD~N follows first parents; the ranges also hold the branches merged along the way.
total=$(git -C "$corpus" rev-list --first-parent --count HEAD)
for commits in $((total / 8)) $((total / 4)) $((total / 2)); do
  base=$(git -C "$corpus" rev-parse "HEAD~$commits")
  for threads in 1 2; do
    measure "history, HEAD~$commits..HEAD" "$threads" \
      "$leaktrap scan --history $corpus --range $base..HEAD --threads $threads --format json -o $work/out.json"
  done
done
for threads in 1 2; do
  measure "history, all refs" "$threads" "$leaktrap scan --history $corpus --threads $threads --format json -o $work/out.json"
done
for threads in 1 2; do
  # A scan of 70-120 ms: more runs for a stable median.
  measure "work tree" "$threads" "$leaktrap scan $corpus --threads $threads --format json -o $work/out.json" 20
done
# What two cores give on this machine, with nothing shared: two independent one-thread scans at
# once against one alone. A second thread cannot do better than this.
commits=$((total / 8))
base=$(git -C "$corpus" rev-parse "HEAD~$commits")
single="$leaktrap scan --history $corpus --range $base..HEAD --threads 1 --format json"
alone=$(median "$single -o $work/a.json")
pair=$(median "$single -o $work/a.json & $single -o $work/b.json; wait")
python3 -c "print(f'\nMachine ceiling (HEAD~$commits..HEAD, one thread each): one scan alone {$alone:.2f} s, two at once {$pair:.2f} s: {2 * $alone / $pair:.2f}x the throughput.')"
