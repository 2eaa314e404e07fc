#!/usr/bin/env bash
# Side-by-side benchmark of leaktrap and the peer scanners on the same inputs, in the same run.
#
#   benches/compare.sh [CORPUS]     CORPUS: a git clone with a work tree (default: $LEAKTRAP_CORPUS)
#
# Uses: start-up (empty directory), work tree, staged (20 files changed), full history.
# Prints a Markdown table of hyperfine medians, ratios to leaktrap, peak RSS (/usr/bin/time: the
# largest process of the command) and findings per tool. Peers come from benches/install-peers.sh (or
# $LEAKTRAP_PEERS/bin); a missing peer is skipped with a message. Peers run offline (unshare -n
# when root). Environment: RUNS (default 5), HISTORY_RUNS (default 3), USES (default
# "startup worktree staged history"); LEAKTRAP_BIN=FILE times that binary instead of building;
# LEAKTRAP_BEFORE=FILE adds it as a `leaktrap-before` row in every use, so a change is measured
# before and after in the same run, and their findings are compared.
set -euo pipefail

corpus="${1:-${LEAKTRAP_CORPUS:-}}"
[ -n "$corpus" ] && [ -d "$corpus/.git" ] || { echo "usage: $0 CORPUS (a git clone with a work tree)" >&2; exit 2; }
corpus="$(cd "$corpus" && pwd)"
runs="${RUNS:-5}"
history_runs="${HISTORY_RUNS:-3}"
uses="${USES:-startup worktree staged history}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run benches/install-peers.sh or apt-get install hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 2; }

work="$(mktemp -d)"
trap 'cd /; git -C "$staged_repo" reset -q --hard 2>/dev/null || true; rm -rf "$work"' EXIT
empty="$work/empty"; mkdir -p "$empty"
staged_repo="$work/staged"

echo "# leaktrap benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, corpus $(basename "$corpus") ($(git -C "$corpus" rev-list --all --count) commits)"
echo
"$leaktrap" --version
for peer in gitleaks betterleaks kingfisher ripsecrets; do
  if command -v "$peer" >/dev/null; then echo "$peer: $("$peer" --version 2>/dev/null | head -1 || "$peer" version)"; else echo "$peer: not installed, skipped"; fi
done
echo

# The staged use: a throwaway clone with 20 files changed and staged.
if [[ " $uses " == *" staged "* ]]; then
  git clone -q --no-local --shared "$corpus" "$staged_repo"
  mapfile -t sources < <(git -C "$staged_repo" ls-files '*.c')
  for f in "${sources[@]:0:20}"; do echo "/* bench $RANDOM */" >> "$staged_repo/$f"; done
  git -C "$staged_repo" add -A
fi

# Commands per use and tool: "name|command". Reports go to temp files, never /dev/null.
commands_for() {
  leaktrap_commands "$1" | while IFS='|' read -r name cmd; do
    echo "$name|$cmd"
    if [ "$name" = leaktrap ] && [ -n "${LEAKTRAP_BEFORE:-}" ]; then
      cmd="${cmd//$leaktrap /$LEAKTRAP_BEFORE }"
      echo "leaktrap-before|${cmd//out.leaktrap.json/out.leaktrap-before.json}"
    fi
  done
}

leaktrap_commands() {
  local use="$1" out="$work/out"
  case "$use" in
    startup)
      echo "leaktrap|$leaktrap scan $empty -q -o $out.leaktrap.json --format json"
      echo "gitleaks|${offline[*]} gitleaks dir $empty --no-banner --exit-code 0 -f json -r $out.gitleaks.json"
      echo "betterleaks|${offline[*]} betterleaks fs $empty --no-banner -o $out.betterleaks.json"
      echo "kingfisher|${offline[*]} kingfisher scan $empty --git-history none --no-validate --no-update-check --format json --output $out.kingfisher.json"
      echo "ripsecrets|ripsecrets $empty" ;;
    worktree)
      echo "leaktrap|$leaktrap scan $corpus -q --format json -o $out.leaktrap.json"
      echo "gitleaks|${offline[*]} gitleaks dir $corpus --no-banner --exit-code 0 -f json -r $out.gitleaks.json"
      echo "betterleaks|${offline[*]} betterleaks fs $corpus --no-banner -o $out.betterleaks.json"
      echo "kingfisher|${offline[*]} kingfisher scan $corpus --git-history none --no-validate --no-update-check --format json --output $out.kingfisher.json"
      echo "ripsecrets|ripsecrets $corpus" ;;
    staged)
      echo "leaktrap|cd $staged_repo && $leaktrap scan --staged -q --format json -o $out.leaktrap.json"
      echo "gitleaks|cd $staged_repo && ${offline[*]} gitleaks git --staged . --no-banner --exit-code 0 -f json -r $out.gitleaks.json"
      echo "betterleaks|cd $staged_repo && ${offline[*]} betterleaks git --staged . --no-banner -o $out.betterleaks.json"
      echo "kingfisher|cd $staged_repo && ${offline[*]} kingfisher scan . --staged --no-validate --no-update-check --format json --output $out.kingfisher.json"
      echo "ripsecrets|cd $staged_repo && git diff --cached --name-only -z | xargs -0 ripsecrets" ;;
    history)
      echo "leaktrap|$leaktrap scan --history $corpus -q --format json -o $out.leaktrap.json"
      echo "gitleaks|${offline[*]} gitleaks git $corpus --no-banner --exit-code 0 -f json -r $out.gitleaks.json"
      echo "betterleaks|${offline[*]} betterleaks git $corpus --no-banner -o $out.betterleaks.json"
      echo "kingfisher|${offline[*]} kingfisher scan $corpus --no-validate --no-update-check --format json --output $out.kingfisher.json"
      echo "kingfisher-turbo|${offline[*]} kingfisher scan $corpus --turbo --no-validate --no-update-check --format json --output $out.kingfisher-turbo.json" ;;
  esac
}

# Optimisations must not change results: each use's findings are compared with the previous
# run's on the same corpus (kept outside the repository).
state="${XDG_CACHE_HOME:-$HOME/.cache}/leaktrap-bench"
mkdir -p "$state"
compare_findings() {
  local use="$1" current="$work/out.leaktrap.json" previous="$state/$(basename "$corpus")-$1.json"
  [ -s "$current" ] || return 0
  if [ -s "$previous" ]; then
    python3 - "$previous" "$current" "$use" >&2 <<'PY'
import json, sys
key = lambda f: (f["path"], f["line"], f["column"], f["rule_id"], f.get("commit"))
old, new = ({key(f) for f in json.load(open(p))} for p in sys.argv[1:3])
if old == new:
    print(f"{sys.argv[3]}: findings identical to the previous run ({len(new)})")
else:
    print(f"{sys.argv[3]}: FINDINGS CHANGED: {len(new - old)} new, {len(old - new)} gone")
PY
  fi
  cp "$current" "$previous"
}

table="$work/table.md"
echo "| use | tool | median | ratio to leaktrap | peak RSS | findings |" > "$table"
echo "|---|---|---|---|---|---|" >> "$table"
for use in $uses; do
  n="$runs"; [ "$use" = history ] && n="$history_runs"
  hyper_args=(--warmup 1 --runs "$n" --ignore-failure --export-json "$work/$use.json" --style none)
  names=(); cmds=()
  while IFS='|' read -r name cmd; do
    tool="${name%-turbo}"; tool="${tool%-before}"
    if [ "$tool" != leaktrap ] && ! command -v "$tool" >/dev/null; then continue; fi
    names+=("$name"); cmds+=("$cmd")
    hyper_args+=(--command-name "$name" "$cmd")
  done < <(commands_for "$use")
  echo "== $use: ${names[*]}" >&2
  hyperfine "${hyper_args[@]}" >/dev/null
  compare_findings "$use"
  if [ -s "$work/out.leaktrap-before.json" ]; then
    python3 - "$work/out.leaktrap-before.json" "$work/out.leaktrap.json" "$use" >&2 <<'PY'
import json, sys
key = lambda f: (f["path"], f["line"], f["column"], f["rule_id"], f.get("commit"))
old, new = ({key(f) for f in json.load(open(p))} for p in sys.argv[1:3])
verdict = "identical" if old == new else f"CHANGED: {len(new - old)} new, {len(old - new)} gone"
print(f"{sys.argv[3]}: findings of leaktrap and leaktrap-before {verdict} ({len(old)} before, {len(new)} after)")
PY
  fi
  for i in "${!names[@]}"; do
    name="${names[$i]}"
    /usr/bin/time -f %M -o "$work/rss" bash -c "${cmds[$i]} >/dev/null 2>&1" || true
    rss=$(tail -1 "$work/rss")
    count="-"
    [ -f "$work/out.$name.json" ] && count=$(findings_count "$work/out.$name.json")
    [ "$name" = ripsecrets ] && count=$(bash -c "${cmds[$i]}" 2>/dev/null | grep -c . || true)
    echo "$use|$name|$rss|$count" >> "$work/extra.txt"
  done
  python3 - "$work/$use.json" "$work/extra.txt" "$use" >> "$table" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
extra = {}
for line in open(sys.argv[2]):
    use, name, rss, count = line.rstrip("\n").split("|")
    if use == sys.argv[3]:
        extra[name] = (rss, count)
median = {r["command"]: statistics.median(r["times"]) for r in results}
base = median.get("leaktrap")
def fmt(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
for name, m in median.items():
    ratio = f"{m / base:.1f}x" if base else "-"
    rss, count = extra.get(name, ("", "-"))
    rss = f"{int(rss) / 1024:.0f} MiB" if rss.isdigit() else "-"
    print(f"| {sys.argv[3]} | {name} | {fmt(m)} | {ratio} | {rss} | {count} |")
PY
done
echo
cat "$table"
