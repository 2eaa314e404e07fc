#!/usr/bin/env bash
# Archives: leaktrap and the peers on one tree of many jars, in the same run.
#
#   benches/archives.sh [SOURCES]    SOURCES: a folder of source folders, each packed as a jar
#                                    (default: the crate sources in Cargo's registry cache)
#
# Builds, in a temporary folder, one `.jar` per source folder (zip with a META-INF/MANIFEST.MF,
# as `jar` writes them, made with `zip` because a JVM start per jar would dominate the set-up),
# and plants generated tokens (valid checksums, never real ones) in five of them: a properties
# file in a jar, a .env in a jar, a jar inside a war, a token in a tar.gz inside a jar, and a
# gzipped log. Every tool opens archives to depth 3 (gitleaks/betterleaks
# --max-archive-depth 3, Kingfisher --extraction-depth 3). Prints hyperfine medians, peak RSS,
# findings and how many of the planted tokens each tool's report holds. Environment: RUNS
# (default 5), LEAKTRAP_BIN, LEAKTRAP_BEFORE (as in compare.sh).
set -euo pipefail
runs="${RUNS:-5}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
sources="${1:-$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -1)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir -p "$tree/libs" "$work/stage"

for dir in "$sources"/*/; do
  name="$(basename "$dir")"
  mkdir -p "$work/stage/$name/META-INF"
  printf 'Manifest-Version: 1.0\nCreated-By: benches/archives.sh\n' > "$work/stage/$name/META-INF/MANIFEST.MF"
  (cd "$dir" && zip -qr "$tree/libs/$name.jar" . -x '*.gz' -x '*.zip' -x '*.jar' -x '*.tar' -x '*.tgz')
  (cd "$work/stage/$name" && zip -qr "$tree/libs/$name.jar" META-INF)
done

python3 - "$work/tokens" <<'EOF'
import random, string, sys, zlib
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
random.seed(2026)
with open(sys.argv[1], "w") as out:
    for _ in range(5):
        body = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(30))
        n, check = zlib.crc32(body.encode()), ""
        for _ in range(6):
            check, n = alphabet[n % 62] + check, n // 62
        out.write(f"ghp_{body}{check}\n")
EOF
mapfile -t tokens < "$work/tokens"
plant="$work/plant"
jars=("$tree"/libs/*.jar)
mkdir -p "$plant/config" && printf 'db.user=app\ngithub.token=%s\n' "${tokens[0]}" > "$plant/config/application.properties"
(cd "$plant" && zip -qr "${jars[0]}" config) && rm -rf "$plant"
mkdir -p "$plant" && printf 'GITHUB_TOKEN=%s\n' "${tokens[1]}" > "$plant/.env"
(cd "$plant" && zip -q "${jars[1]}" .env) && rm -rf "$plant"
mkdir -p "$plant/WEB-INF/lib" "$plant/inner" && printf 'token: %s\n' "${tokens[2]}" > "$plant/inner/app.yml"
(cd "$plant/inner" && zip -q "$plant/WEB-INF/lib/inner.jar" app.yml)
(cd "$plant" && zip -qr "$tree/app.war" WEB-INF) && rm -rf "$plant"
mkdir -p "$plant/keys" && printf 'export GH=%s\n' "${tokens[3]}" > "$plant/keys/deploy.sh"
(cd "$plant" && tar czf backup.tar.gz keys && zip -q "${jars[2]}" backup.tar.gz) && rm -rf "$plant"
printf 'step 1\nusing token %s\n' "${tokens[4]}" | gzip > "$tree/ci.log.gz"
count="$(find "$tree" -type f | wc -l)"
size="$(du -sh "$tree" | cut -f1)"
echo "tree: $count archives, $size (from $sources)" >&2

out="$work/out"
commands=(
  "leaktrap|$leaktrap scan $tree -q --show-secrets --format json -o $out.leaktrap.json"
  "gitleaks|${offline[*]} gitleaks dir $tree --max-archive-depth 3 --no-banner --exit-code 0 -f json -r $out.gitleaks.json"
  "betterleaks|${offline[*]} betterleaks fs $tree --max-archive-depth 3 --no-banner -o $out.betterleaks.json"
  "kingfisher|${offline[*]} kingfisher scan $tree --extraction-depth 3 --git-history none --no-validate --no-update-check --format json --output $out.kingfisher.json"
)
if [ -n "${LEAKTRAP_BEFORE:-}" ]; then
  commands+=("leaktrap-before|$LEAKTRAP_BEFORE scan $tree -q --show-secrets --format json -o $out.leaktrap-before.json")
fi
hyper_args=(--warmup 1 --runs "$runs" --ignore-failure --export-json "$work/times.json" --style none)
names=()
for entry in "${commands[@]}"; do
  name="${entry%%|*}" tool="${name%-before}"
  if [ "$tool" != leaktrap ] && ! command -v "$tool" >/dev/null; then
    echo "$tool is not installed (benches/install-peers.sh): skipped" >&2
    continue
  fi
  names+=("$name")
  hyper_args+=(--command-name "$name" "${entry#*|}")
done
hyperfine "${hyper_args[@]}" >/dev/null

echo "| tool | median | ratio to leaktrap | peak RSS | findings | planted tokens found |"
echo "|---|---|---|---|---|---|"
for entry in "${commands[@]}"; do
  name="${entry%%|*}"
  [[ " ${names[*]} " == *" $name "* ]] || continue
  cmd="${entry#*|}"
  /usr/bin/time -f '%M' -o "$work/rss" bash -c "$cmd" >/dev/null 2>&1 || true
  python3 - "$work/times.json" "$name" "$work/rss" "$out.$name.json" "$work/tokens" <<'EOF'
import json, statistics, sys
times = {r["command"]: statistics.median(r["times"]) for r in json.load(open(sys.argv[1]))["results"]}
name, median = sys.argv[2], times[sys.argv[2]]
rss = int(open(sys.argv[3]).read().split()[-1]) / 1024
try:
    text = open(sys.argv[4]).read()
except OSError:
    text = ""
try:
    data = json.loads(text) if text.strip() else []
except ValueError:
    data = [l for l in text.splitlines() if l.strip()]
if isinstance(data, dict):
    data = data.get("findings", data.get("matches", data.get("results", [])))
planted = [t.strip() for t in open(sys.argv[5]) if t.strip()]
found = sum(1 for t in planted if t in text)
fmt = lambda s: f"{s:.2f} s" if s >= 1 else f"{s * 1000:.1f} ms"
print(f"| {name} | {fmt(median)} | {median / times['leaktrap']:.1f}x | {rss:.0f} MiB | {len(data)} | {found} of {len(planted)} |")
EOF
done
