#!/usr/bin/env bash
# False-positive benchmark: leaktrap and the peer scanners over the same large body of real,
# clean code; prints findings per tool, then every leaktrap finding (redacted) for triage.
#
#   benches/false-positives.sh [DIR...]   default: ~/.cargo/registry/src and $LEAKTRAP_CORPUS
#
# With FP_REPORTS=DIR, every tool's report is kept there as CORPUS-TOOL.json (ripsecrets: .txt)
# so that peers' findings can be triaged too (benches/triage.py lists them side by side).
#
# Peers come from benches/install-peers.sh (or $LEAKTRAP_PEERS/bin) and run offline;
# a missing one is skipped.
set -euo pipefail

# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  dirs=("$HOME/.cargo/registry/src")
  [ -n "${LEAKTRAP_CORPUS:-}" ] && dirs+=("$LEAKTRAP_CORPUS")
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

count_json() {
  python3 - "$1" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("-"); sys.exit()
if isinstance(data, dict):
    for key in ("findings", "matches", "results"):
        if key in data:
            data = data[key]; break
    else:
        data = [v for vs in data.values() if isinstance(vs, list) for v in vs]
print(len(data))
PY
}

echo "| corpus | files | leaktrap | gitleaks | betterleaks | kingfisher | detect-secrets | ripsecrets |"
echo "|---|---|---|---|---|---|---|---|"
for dir in "${dirs[@]}"; do
  files=$(find "$dir" -type f | wc -l)
  "$leaktrap" scan "$dir" --no-ignore -q --format json -o "$work/leaktrap.json" || true
  row="| $(basename "$dir") | $files | $(count_json "$work/leaktrap.json")"
  if command -v gitleaks >/dev/null; then
    "${offline[@]}" gitleaks dir "$dir" --no-banner --exit-code 0 -f json -r "$work/gitleaks.json" >/dev/null 2>&1 || true
    row+=" | $(count_json "$work/gitleaks.json")"
  else row+=" | -"; fi
  if command -v betterleaks >/dev/null; then
    "${offline[@]}" betterleaks fs "$dir" --no-banner -o "$work/betterleaks.json" >/dev/null 2>&1 || true
    row+=" | $(count_json "$work/betterleaks.json")"
  else row+=" | -"; fi
  if command -v kingfisher >/dev/null; then
    "${offline[@]}" kingfisher scan "$dir" --git-history none --no-validate --no-update-check --format json --output "$work/kingfisher.json" >/dev/null 2>&1 || true
    row+=" | $(count_json "$work/kingfisher.json")"
  else row+=" | -"; fi
  if command -v detect-secrets >/dev/null; then
    (cd "$dir" && "${offline[@]}" detect-secrets scan --all-files . > "$work/ds.json" 2>/dev/null) || true
    row+=" | $(python3 -c "import json,sys; print(sum(len(v) for v in json.load(open('$work/ds.json'))['results'].values()))" 2>/dev/null || echo -)"
  else row+=" | -"; fi
  if command -v ripsecrets >/dev/null; then
    ripsecrets "$dir" > "$work/ripsecrets.txt" 2>/dev/null || true
    row+=" | $(grep -c . "$work/ripsecrets.txt" || true)"
  else row+=" | -"; fi
  echo "$row |"
  if [ -n "${FP_REPORTS:-}" ]; then
    mkdir -p "$FP_REPORTS"
    for report in "$work"/{leaktrap,gitleaks,betterleaks,kingfisher}.json "$work/ds.json" "$work/ripsecrets.txt"; do
      [ -f "$report" ] || continue
      name=$(basename "$report"); name=${name/#ds./detect-secrets.}
      cp "$report" "$FP_REPORTS/$(basename "$dir")-$name"
    done
  fi
  rm -f "$work"/{gitleaks,betterleaks,kingfisher}.json "$work/ds.json" "$work/ripsecrets.txt"
  cp "$work/leaktrap.json" "$work/leaktrap-$(basename "$dir").json"
done
echo
echo "leaktrap findings, for triage (secrets redacted):"
for f in "$work"/leaktrap-*.json; do
  python3 - "$f" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1])):
    print(f"{f['rule_id']}\t{f['path']}:{f['line']}\t{f['line_text'][:120]}")
PY
done
