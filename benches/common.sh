# Shared by the benchmark scripts: the release build, the peers' PATH, and offline runs.
# shellcheck shell=bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers_bin="${LEAKTRAP_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/leaktrap-peers}/bin"
export PATH="$peers_bin:$PATH"
if [ -n "${LEAKTRAP_BIN:-}" ]; then
  leaktrap="$(cd "$(dirname "$LEAKTRAP_BIN")" && pwd)/$(basename "$LEAKTRAP_BIN")"
else
  (cd "$here" && cargo build --release --quiet)
  leaktrap="$here/target/release/leaktrap"
fi
# Peers never reach the network: as root, each runs in a namespace without one.
offline=()
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then offline=(unshare -n); fi

# The number of findings in a JSON (array, or an object holding one) or JSONL report; "-" when
# there is none.
findings_count() {
  local file="$1"
  [ -s "$file" ] || { echo "-"; return; }
  python3 - "$file" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
try:
    data = json.loads(text)
except ValueError:
    data = [l for l in text.splitlines() if l.strip()]
if isinstance(data, dict):
    data = data.get("findings", data.get("matches", data.get("results", [])))
print(len(data) if isinstance(data, list) else "?")
PY
}
