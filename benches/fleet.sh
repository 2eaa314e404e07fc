#!/usr/bin/env bash
# Many repositories at once: `leaktrap scan --history DIR` against `kingfisher scan DIR` on the
# same folder of clones, in the same run, and the same folder split into SHARDS jobs
# (`--shard k/N`, each timed alone, as a CI matrix would run them), whose merged reports must
# equal the single run.
#
#   benches/fleet.sh DIR     DIR: a folder of clones (the README's figures: the repositories
#                            listed in benches/fleet-repos.txt, each cloned into DIR)
#
# Environment: RUNS (default 3), SHARDS (default 4). Kingfisher runs offline (unshare -n when
# root) and is skipped with a message when it is not installed.
set -euo pipefail
dir="${1:-}"
[ -n "$dir" ] && [ -d "$dir" ] || { echo "usage: $0 DIR (a folder of git clones)" >&2; exit 2; }
dir="$(cd "$dir" && pwd)"
runs="${RUNS:-3}"
shards="${SHARDS:-4}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run benches/install-peers.sh" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

repos=0 commits=0
while IFS= read -r git_dir; do
  repos=$((repos + 1))
  commits=$((commits + $(git --git-dir "$git_dir" rev-list --all --count)))
done < <(find "$dir" -maxdepth 3 -name .git -type d)
echo "# fleet benchmark, $(date -u +%Y-%m-%d), $(nproc) cores: $repos repositories, $commits commits, $(du -sh "$dir" | cut -f1) on disk"
"$leaktrap" --version
command -v kingfisher >/dev/null && kingfisher --version | head -1 || echo "kingfisher: not installed, skipped"
echo

whole=(--command-name leaktrap "$leaktrap scan --history $dir -q --format json -o $work/out.leaktrap.json")
if command -v kingfisher >/dev/null; then
  whole+=(--command-name kingfisher "${offline[*]} kingfisher scan $dir --no-validate --no-update-check --format json --output $work/out.kingfisher.json")
fi
hyperfine --warmup 1 --runs "$runs" --ignore-failure --style none --export-json "$work/whole.json" "${whole[@]}" >/dev/null
split=()
for k in $(seq "$shards"); do
  split+=(--command-name "shard $k/$shards" "$leaktrap scan --history $dir -q --shard $k/$shards --format json -o $work/shard$k.json")
done
hyperfine --runs "$runs" --ignore-failure --style none --export-json "$work/split.json" "${split[@]}" >/dev/null
"$leaktrap" merge --format json -o "$work/merged.json" "$work"/shard*.json || true
if cmp -s "$work/merged.json" "$work/out.leaktrap.json"; then
  echo "merged shards: identical to the single run"
else
  echo "merged shards: DIFFER from the single run" >&2
fi
rss() { /usr/bin/time -f %M -o "$work/rss" bash -c "$1 >/dev/null 2>&1" || true; echo $(( $(tail -1 "$work/rss") / 1024 )); }
echo
echo "| tool | median | ratio to leaktrap | peak RSS | findings |"
echo "|---|---|---|---|---|"
python3 - "$work/whole.json" "$work/split.json" "$shards" \
  "$(rss "${whole[2]}")" "$(findings_count "$work/out.leaktrap.json")" \
  "$( [ ${#whole[@]} -gt 3 ] && rss "${whole[5]}" || echo -)" "$(findings_count "$work/out.kingfisher.json")" <<'PY'
import json, statistics, sys
whole = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
split = [statistics.median(r["times"]) for r in json.load(open(sys.argv[2]))["results"]]
shards, lt_rss, lt_found, kf_rss, kf_found = sys.argv[3:8]
fmt = lambda s: f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"
base = whole["leaktrap"]
print(f"| leaktrap | {fmt(base)} | 1.0x | {lt_rss} MiB | {lt_found} |")
if "kingfisher" in whole:
    print(f"| kingfisher | {fmt(whole['kingfisher'])} | {whole['kingfisher'] / base:.1f}x | {kf_rss} MiB | {kf_found} |")
print(f"| leaktrap, slowest of {shards} shard jobs | {fmt(max(split))} | {max(split) / base:.2f}x | - | - |")
print(f"| leaktrap, {shards} shard jobs added up | {fmt(sum(split))} | {sum(split) / base:.2f}x | - | - |")
PY
