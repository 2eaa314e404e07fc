#!/usr/bin/env bash
# The server hook's cost: `leaktrap scan --pre-receive` in a bare copy of CORPUS, fed the line
# git would give the hook for (1) one new commit on the main branch and (2) a new branch of
# everything since the commit 10,000 first-parent steps back (merges bring in more: the table
# names the count), with (3) `scan --history --range` over the same commits beside it, the
# throughput (2) should match. hyperfine medians, in the same run.
#
#   benches/pre-receive.sh CORPUS     (a clone with a long history, e.g. git/git)
#
# Environment: RUNS (default 10), LEAKTRAP_BIN (as in compare.sh). The objects are in the
# repository's own store here, as after git moves them out of quarantine; in a real push they
# are read from the quarantine directory, which costs the same reads.
set -euo pipefail
corpus="${1:?usage: benches/pre-receive.sh CORPUS}"
runs="${RUNS:-10}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
server="$work/server.git"
git clone -q --bare --no-local "$corpus" "$server"
cd "$server"
branch="$(git symbolic-ref --short HEAD)"
tip="$(git rev-parse "$branch")"

# (1) One new commit on the branch: one file of the tip's tree changed.
path="$(git ls-tree --name-only "$tip" | grep -m1 -E '\.c$')"
blob="$( (git cat-file blob "$tip:$path"; echo '/* one more line */') | git hash-object -w --stdin)"
tree="$(git ls-tree "$tip" | sed "s/[0-9a-f]\{40\}\t$path\$/$blob\t$path/" | git mktree)"
new="$(git -c user.name=bench -c user.email=bench@example.com commit-tree "$tree" -p "$tip" -m 'one more line')"
printf '%s %s refs/heads/%s\n' "$tip" "$new" "$branch" > "$work/one-commit"

# (2) A new branch of everything since 10,000 first-parent commits back: a copy whose only ref
# is there.
base="$(git rev-list --first-parent -n 1 --skip 10000 "$tip")"
git clone -q --bare --no-local "$corpus" "$work/partial.git"
(cd "$work/partial.git" && git for-each-ref --format='delete %(refname)' | git update-ref --stdin &&
  git update-ref refs/heads/base "$base" && git symbolic-ref HEAD refs/heads/base)
printf '%s %s refs/heads/new\n' "0000000000000000000000000000000000000000" "$tip" > "$work/many-commits"
commits="$(git rev-list --count "$base..$tip")"
echo "one commit on $branch; a new branch of $commits commits ($base..$tip)" >&2

# hyperfine 1.15 has no --input: the line comes by redirection, through a shell whose start
# hyperfine measures and subtracts.
hyperfine --warmup 2 --runs "$runs" --ignore-failure --style basic --export-json "$work/one.json" \
  --command-name "pre-receive, one new commit" "$leaktrap scan --pre-receive -q < $work/one-commit" >/dev/null
cd "$work/partial.git"
hyperfine --warmup 1 --runs 3 --ignore-failure --style basic --export-json "$work/many.json" \
  --command-name "pre-receive, $commits commits" "$leaktrap scan --pre-receive -q < $work/many-commits" >/dev/null
cd "$server"
hyperfine -N --warmup 1 --runs 3 --ignore-failure --style basic --export-json "$work/range.json" \
  --command-name "history --range, the same $commits commits" "$leaktrap scan --history --range $base..$tip -q" >/dev/null

echo "| what | median | min | max |"
echo "|---|---|---|---|"
python3 - "$work/one.json" "$work/many.json" "$work/range.json" <<'EOF'
import json, statistics, sys
fmt = lambda s: f"{s:.2f} s" if s >= 1 else f"{s * 1000:.1f} ms"
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        t = r["times"]
        print(f"| {r['command']} | {fmt(statistics.median(t))} | {fmt(min(t))} | {fmt(max(t))} |")
EOF
