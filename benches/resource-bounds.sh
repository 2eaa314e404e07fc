#!/usr/bin/env bash
# Resource bounds: wall time and peak memory (`/usr/bin/time -v`) of the release binary on
# oversized inputs, each at three sizes so that time can be seen to grow linearly while memory
# stays bounded. tests/it/reliability.rs asserts the memory bounds at the largest size; this
# script measures what the tests only bound.
#   benches/resource-bounds.sh            (RUNS defaults to 3; medians are printed)
set -euo pipefail
runs="${RUNS:-3}"
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
token="ghp_$(python3 -c 'import random,string; random.seed(7); print("".join(random.choice(string.ascii_letters+string.digits) for _ in range(30)))')"
# The checksum makes it a real-format token (base62 CRC32 of the 30 random characters).
token="$token$(python3 - "$token" <<'EOF'
import sys, zlib
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
n, out = zlib.crc32(sys.argv[1][4:].encode()), ""
for _ in range(6):
    out, n = alphabet[n % 62] + out, n // 62
print(out)
EOF
)"

row() { # case size dir args...: one table row, medians of $runs runs
  local label="$1" size="$2" dir="$3"
  shift 3
  for _ in $(seq "$runs"); do
    (cd "$dir" && /usr/bin/time -v "$leaktrap" "$@" -q --format json -o "$work/out.json" 2>"$work/time.txt" || true)
    python3 - "$work/time.txt" <<'EOF' >>"$work/samples"
import re, sys
text = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
print(seconds, rss)
EOF
  done
  python3 - "$work/samples" "$label" "$size" "$work/out.json" <<'EOF'
import json, statistics, sys
samples = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
wall = statistics.median(s[0] for s in samples)
rss = statistics.median(s[1] for s in samples) / 1024
findings = len(json.load(open(sys.argv[4])))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {wall:.2f} s | {rss:.0f} MiB | {findings} |")
EOF
  rm -f "$work/samples"
}

fresh() { rm -rf "$work/in"; mkdir -p "$work/in"; }
fresh_repo() { fresh; git -C "$work/in" init -q -b main; }
fast_import() { git -C "$work/in" fast-import --quiet; }

echo "| case | size | wall (median) | peak RSS (median) | findings |"
echo "|---|---|---|---|---|"

for gib in 1 2 4; do
  fresh
  truncate -s "${gib}G" "$work/in/disk.img"
  row "sparse file, streamed as binary" "$gib GiB" "$work/in" scan
done
fresh
truncate -s 4G "$work/in/disk.img"
row "sparse file, skipped by --max-file-size" "4 GiB" "$work/in" scan --max-file-size 1000000

for mib in 50 100 200; do
  fresh
  python3 - "$work/in/line.txt" "$mib" "$token" <<'EOF'
import sys
chunk = b"lorem ipsum dolor sit amet, " * 4096
left = int(sys.argv[2]) << 20
with open(sys.argv[1], "wb") as f:
    while left > 0:
        f.write(chunk[:left]); left -= len(chunk)
    f.write(b" token=" + sys.argv[3].encode())
EOF
  row "one line, streamed" "$mib MiB" "$work/in" scan
done

for millions in 2.5 5 10; do
  fresh
  python3 - "$work/in/lines.txt" "$millions" "$token" <<'EOF'
import sys
n = int(float(sys.argv[2]) * 1_000_000)
with open(sys.argv[1], "wb") as f:
    f.write(b"x\n" * (n - 1) + b"t = '" + sys.argv[3].encode() + b"'\n")
EOF
  row "short lines" "${millions}M lines" "$work/in" scan
done

for thousands in 50 100 200; do
  fresh
  python3 - "$work/in" "$thousands" "$token" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2]) * 1000
for i in range(n):
    d = os.path.join(root, f"d{i // 1000:03}")
    if i % 1000 == 0:
        os.mkdir(d)
    with open(os.path.join(d, f"f{i % 1000:04}.txt"), "w") as f:
        f.write("nothing to see\n" if i != 7 else f"t = '{sys.argv[3]}'\n")
EOF
  row "files in a tree" "${thousands}k files" "$work/in" scan
done

for mib in 125 250 500; do
  fresh_repo
  python3 - "$mib" "$token" <<'EOF' | fast_import
import sys
out = sys.stdout.buffer
size = int(sys.argv[1]) << 20
out.write(b"blob\nmark :1\ndata %d\n" % size)
zeros = bytes(1 << 20)
for _ in range(size >> 20):
    out.write(zeros)
line = b"t = '" + sys.argv[2].encode() + b"'\n"
out.write(b"\ncommit refs/heads/main\ncommitter A <a@example.com> 1700000000 +0000\ndata 4\nbig\n")
out.write(b"M 100644 :1 disk.img\nM 100644 inline app.py\ndata %d\n%s\n" % (len(line), line))
EOF
  row "blob in history, streamed" "$mib MiB" "$work/in" scan --history
done

for thousands in 25 50 100; do
  fresh_repo
  python3 - "$thousands" "$token" <<'EOF' | fast_import
import sys
out = sys.stdout.buffer
n = int(sys.argv[1]) * 1000
line = b"t = '" + sys.argv[2].encode() + b"'\n"
for i in range(1, n + 1):
    out.write(b"commit refs/heads/main\ncommitter A <a@example.com> %d +0000\ndata 5\ncount\n" % (1600000000 + i))
    counter = b"n = %d\n" % i
    out.write(b"M 100644 inline counter.txt\ndata %d\n%s\n" % (len(counter), counter))
    if i == n // 2:
        out.write(b"M 100644 inline settings.py\ndata %d\n%s\n" % (len(line), line))
EOF
  row "commits in history" "${thousands}k commits" "$work/in" scan --history
done
