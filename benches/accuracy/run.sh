#!/usr/bin/env bash
# Accuracy benchmark: generate the labelled corpus, run leaktrap and every installed peer on
# it (offline), and print recall / false-positive rate per family as a Markdown table.
#
#   benches/accuracy/run.sh [WORKDIR]
#
# WORKDIR (kept) holds the corpus, labels.json and each tool's report; without it a temp
# dir is used and removed. LEAKTRAP overrides the binary (default target/release/leaktrap
# under the repository root; this script never builds it). Peers are looked up on PATH and in
# ${LEAKTRAP_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/leaktrap-peers}/bin; missing ones are skipped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
leaktrap="${LEAKTRAP:-$repo/target/release/leaktrap}"
peers_bin="${LEAKTRAP_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/leaktrap-peers}/bin"
export PATH="$PATH:$peers_bin"

if [ $# -ge 1 ]; then
  work="$1"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/leaktrap-accuracy.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
work="$(cd "$work" && pwd)"
corpus="$work/corpus"
reports="$work/reports"
rm -rf "$corpus" "$reports"
mkdir -p "$reports"

# Tools never reach the network: as root, each runs in a namespace without one.
offline=()
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then offline=(unshare -n); fi

python3 "$here/generate.py" "$work" >&2
# Run the tools from the work dir: detect-secrets, started inside a git repository, skips
# files outside it.
cd "$work"

scored=()

# run NAME REPORT [--stdout] CMD...: run a tool offline (its exit status is ignored: most exit
# non-zero on findings), keep its stderr in reports/NAME.log, and score REPORT if it exists.
# With --stdout the tool's standard output is the report.
run() {
  local name="$1" report="$2" to_stdout=0 start end
  shift 2
  if [ "$1" = --stdout ]; then to_stdout=1; shift; fi
  start=$(date +%s%N)
  if [ $to_stdout = 1 ]; then
    "${offline[@]}" "$@" >"$report" 2>"$reports/$name.log" || true
  else
    "${offline[@]}" "$@" >/dev/null 2>"$reports/$name.log" || true
  fi
  end=$(date +%s%N)
  if [ -f "$report" ]; then
    printf '%-15s %5d ms\n' "$name" $(( (end - start) / 1000000 )) >&2
    scored+=("$name=$report")
  else
    echo "$name: no report written; see $reports/$name.log" >&2
  fi
}

if [ -x "$leaktrap" ]; then
  run leaktrap "$reports/leaktrap.json" "$leaktrap" scan "$corpus" --format json -o "$reports/leaktrap.json"
else
  echo "leaktrap: no binary at $leaktrap (build it, or set LEAKTRAP); skipped" >&2
fi

have() { command -v "$1" >/dev/null 2>&1; }
skip() { echo "$1: not installed (bash benches/install-peers.sh, or see README); skipped" >&2; }

if have gitleaks; then
  run gitleaks "$reports/gitleaks.json" gitleaks dir "$corpus" --no-banner --exit-code 0 -f json -r "$reports/gitleaks.json"
else skip gitleaks; fi
if have betterleaks; then
  run betterleaks "$reports/betterleaks.json" betterleaks fs "$corpus" --no-banner -o "$reports/betterleaks.json"
else skip betterleaks; fi
if have kingfisher; then
  run kingfisher "$reports/kingfisher.json" kingfisher scan "$corpus" --git-history none --no-validate \
    --no-update-check --format json --output "$reports/kingfisher.json"
else skip kingfisher; fi
if have detect-secrets; then
  run detect-secrets "$reports/detect-secrets.json" --stdout detect-secrets scan --all-files "$corpus"
else skip detect-secrets; fi
if have ripsecrets; then
  run ripsecrets "$reports/ripsecrets.txt" --stdout ripsecrets "$corpus"
else skip ripsecrets; fi

if [ ${#scored[@]} -eq 0 ]; then
  echo "no tool produced a report" >&2
  exit 1
fi
python3 "$here/score.py" "$corpus" "$work/labels.json" "${scored[@]}"
