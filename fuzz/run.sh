#!/usr/bin/env bash
# Runs every fuzz target for a fixed number of iterations and prints, per target, the
# iterations, the time and the crashes; exits 1 if any target crashed (or timed out, or ran out
# of memory), 2 if the build failed. Not part of CI (.ci/run): under 15 minutes on 2 cores.
#
#   fuzz/run.sh                      # every target, default iterations
#   fuzz/run.sh scan_bytes           # some targets only
#   FUZZ_RUNS=20000 fuzz/run.sh      # the same iteration count for every target
#
# Environment:
#   FUZZ_RUNS         iterations for every target (default: per target, below)
#   FUZZ_MAX_SECONDS  the time cap for every target (default: per target, below)
#   FUZZ_WORK         where the growing corpus and the logs go (default: a fresh temporary
#                     directory, removed at the end); give a directory to keep the corpus
#                     between runs. The checked-in seeds/ are read, never written.
#
# The toolchain is stable: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags, and
# `-s none` builds without a sanitizer (AddressSanitizer adds little to code this safe and
# halves the speed). Crash reproducers land in fuzz/artifacts/<target>/ (ignored by git);
# a minimised one worth keeping goes to fuzz/regressions/<target>/.
set -uo pipefail
cd "$(dirname "$0")" || exit 2
fuzz_dir="$(pwd)"

export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

# Default iterations, and a time cap per target so the script always ends: together about 10
# minutes of fuzzing on a 2-core machine (at most 11), plus the first build (about 4 minutes).
# scan_bytes is the slowest per input: it scans each input four times (see its header).
declare -A default_runs=(
  [scan_bytes]=300000
  [config_yaml]=350000
  [rule_yaml]=400000
  [baseline_json]=2000000
  [report_merge]=1000000
  [git_objects]=1000000
  [archive]=300000
)
declare -A default_seconds=(
  [scan_bytes]=240
  [config_yaml]=130
  [rule_yaml]=130
  [baseline_json]=60
  [report_merge]=90
  [git_objects]=60
  [archive]=90
)
all_targets=(scan_bytes config_yaml rule_yaml baseline_json report_merge git_objects archive)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  if [ -z "${default_runs[$target]:-}" ]; then
    echo "unknown target '$target'; the targets are: ${all_targets[*]}" >&2
    exit 2
  fi
done

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (once)"
  nice -n 10 cargo install cargo-fuzz --locked || {
    echo "cargo-fuzz could not be installed" >&2
    exit 2
  }
fi

echo "== building the fuzz targets (cargo fuzz build -s none)"
if ! nice -n 10 cargo fuzz build -s none; then
  echo "the fuzz targets did not build" >&2
  exit 2
fi

bin_dir="$fuzz_dir/target/$(rustc -vV | sed -n 's/^host: //p')/release"

if [ -n "${FUZZ_WORK:-}" ]; then
  work="$FUZZ_WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/leaktrap-fuzz.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

# Files in a directory.
count() {
  find "$1" -mindepth 1 -maxdepth 1 | wc -l
}

failed=0
summary=()
script_start=$(date +%s)

# Reproducers of bugs found before (fuzz/regressions/<target>/): each must run clean.
for target in "${targets[@]}"; do
  dir="$fuzz_dir/regressions/$target"
  if [ ! -d "$dir" ] || [ "$(count "$dir")" -eq 0 ]; then
    continue
  fi
  for input in "$dir"/*; do
    if ! "$bin_dir/$target" "$input" >"$work/regression.log" 2>&1; then
      failed=1
      line="$target: regression ${input#"$fuzz_dir"/} fails again"
      echo "$line"
      summary+=("$line")
      sed -n '/panicked at/,+2p' "$work/regression.log"
    fi
  done
done

for target in "${targets[@]}"; do
  runs="${FUZZ_RUNS:-${default_runs[$target]}}"
  max_seconds="${FUZZ_MAX_SECONDS:-${default_seconds[$target]}}"
  corpus="$work/corpus/$target"
  artifacts="$fuzz_dir/artifacts/$target"
  log="$work/$target.log"
  mkdir -p "$corpus" "$artifacts"
  before="$(count "$artifacts")"
  flags=(
    "-runs=$runs"
    "-max_total_time=$max_seconds"
    "-timeout=10"
    "-rss_limit_mb=2048"
    "-print_final_stats=1"
    "-artifact_prefix=$artifacts/"
  )
  # `merge` prints each bad report's error on stderr; libFuzzer's own report still shows.
  [ "$target" = report_merge ] && flags+=("-close_fd_mask=2")
  echo "== $target: $runs iterations (at most ${max_seconds}s)"
  start=$(date +%s.%N)
  # The growing corpus (first directory) is scratch; the seeds are only read.
  nice -n 10 cargo fuzz run -s none "$target" "$corpus" "seeds/$target" -- "${flags[@]}" >"$log" 2>&1
  status=$?
  end=$(date +%s.%N)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  iterations=$(awk -F: '/stat::number_of_executed_units/ { gsub(/ /, "", $NF); n = $NF } END { print n + 0 }' "$log")
  rate=$(awk -F: '/stat::average_exec_per_sec/ { gsub(/ /, "", $NF); n = $NF } END { print n + 0 }' "$log")
  corpus_size="$(count "$corpus")"
  after="$(count "$artifacts")"
  crashes=$((after - before))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1 # libFuzzer failed without leaving an artifact: still a failure
  fi
  capped=""
  [ "$crashes" -eq 0 ] && [ "$iterations" -lt "$runs" ] && capped=" (time cap of ${max_seconds}s reached)"
  line="$target: $iterations iterations in ${seconds}s ($rate exec/s)$capped, corpus $corpus_size, crashes $crashes"
  echo "$line"
  summary+=("$line")
  if [ "$crashes" -gt 0 ]; then
    failed=1
    echo "-- $target failed (libFuzzer exit $status):"
    grep -E -A3 "panicked at|ERROR: libFuzzer|Test unit written" "$log" | head -n 30
    newest="$(find "$artifacts" -mindepth 1 -maxdepth 1 -type f -printf '%T@ %f\n' | sort -n | tail -n 1 | cut -d' ' -f2-)"
    if [ -n "$newest" ]; then
      echo "-- reproducer: fuzz/artifacts/$target/$newest; run alone, with a backtrace:"
      RUST_BACKTRACE=1 "$bin_dir/$target" "$artifacts/$newest" 2>&1 |
        sed -n '/panicked at/,/__libfuzzer_sys_run/p' | head -n 60
      echo "-- minimise it: RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s none $target fuzz/artifacts/$target/$newest"
    fi
  fi
  # The harnesses' scratch files (one per fuzzing process).
  rm -f /dev/shm/leaktrap-fuzz-* "${TMPDIR:-/tmp}"/leaktrap-fuzz-*.json 2>/dev/null
done

total=$(($(date +%s) - script_start))
echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${total}s of fuzzing)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "FAILED: a target crashed; see the reproducers above"
  exit 1
fi
echo "no crashes"
