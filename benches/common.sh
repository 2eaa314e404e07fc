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
