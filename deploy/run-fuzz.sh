#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz, each for a bounded time, and prints a table.
#   deploy/run-fuzz.sh [--seconds N] [--merge] [--rss-mb M] [TARGET...]
#     --seconds N  fuzzing time per target (default 60), libFuzzer's -max_total_time
#     --merge      merge inputs that add coverage back into tests/fuzz/corpus/<target>/
#     --rss-mb M   memory limit per target process (default 2048), libFuzzer's -rss_limit_mb
#     TARGET       canonical_json merkle_proof signed_note envelope directory http_request
#                  api_request
#                  (default: all, one after the other)
# Installs clang 16 and its fuzzer runtime if missing (clang 14 cannot instrument the HTTP
# server's Asio coroutines: "Cannot represent a difference across sections"), builds build-fuzz/
# (or $SIMPUL_FUZZ_BUILD_DIR) with -DSIMPUL_FUZZ=ON, and fuzzes a working copy of each committed
# corpus, so the checkout only changes with --merge. Exits 1 if a target crashed or broke an
# invariant, naming the reproducer.
# Not part of the test run; CTest only replays the committed corpora (label fuzz-replay).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIMPUL_FUZZ_BUILD_DIR:-$root/build-fuzz}"
cxx="${SIMPUL_FUZZ_CXX:-clang++-16}"
all_targets=(canonical_json merkle_proof signed_note envelope directory http_request api_request)
seconds=60
merge=0
rss_mb=2048
targets=()

while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --merge) merge=1; shift ;;
    --rss-mb) rss_mb="${2:?--rss-mb needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "run-fuzz: unknown option $1" >&2; exit 2 ;;
    *)
      if [[ " ${all_targets[*]} " != *" $1 "* ]]; then
        echo "run-fuzz: unknown target $1 (known: ${all_targets[*]})" >&2
        exit 2
      fi
      targets+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "run-fuzz: --seconds must be a positive integer" >&2; exit 2; }
[[ "$rss_mb" =~ ^[1-9][0-9]*$ ]] || { echo "run-fuzz: --rss-mb must be a positive integer" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if ! command -v "$cxx" >/dev/null 2>&1 ||
  ! ls /usr/lib/llvm-16/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "run-fuzz: installing clang-16 and libclang-rt-16-dev"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends clang-16 libclang-rt-16-dev
fi

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DSIMPUL_FUZZ=ON \
  -DSIMPUL_BUILD_TESTS=ON >/dev/null
binaries=()
for t in "${targets[@]}"; do binaries+=("${t}_fuzz"); done
cmake --build "$build" -j2 --target "${binaries[@]}"

# Symbolised stack traces in the logs; any llvm-symbolizer will do.
symbolizer="$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)"
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$symbolizer}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
fuzz_dir="$root/tests/fuzz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rows=()
failed=()
for t in "${targets[@]}"; do
  binary="$build/tests/fuzz/${t}_fuzz"
  corpus="$work/$t"
  artifacts="$build/fuzz-artifacts/$t"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  cp "$fuzz_dir/corpus/$t/"* "$corpus/"
  dict=()
  [ -f "$fuzz_dir/$t.dict" ] && dict=(-dict="$fuzz_dir/$t.dict")
  started="$work/$t.started"
  touch "$started"
  echo "run-fuzz: $t for ${seconds}s (log: $log)"
  status=0
  "$binary" "$corpus" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb="$rss_mb" \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  found="$(find "$artifacts" -type f -newer "$started" | wc -l)"
  rows+=("$t|$seconds|${execs:-?}|${rate:-?}|$(find "$corpus" -type f | wc -l)|$found")
  if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
    failed+=("$t")
  elif [ "$merge" -eq 1 ]; then
    "$binary" -merge=1 "$fuzz_dir/corpus/$t" "$corpus" >>"$log" 2>&1
  fi
done

printf '\n%-16s %8s %12s %8s %8s %8s\n' target seconds executions exec/s corpus crashes
for row in "${rows[@]}"; do
  IFS='|' read -r t s e r c f <<<"$row"
  printf '%-16s %8s %12s %8s %8s %8s\n' "$t" "$s" "$e" "$r" "$c" "$f"
done

if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo
    echo "run-fuzz: $t failed; see $build/fuzz-logs/$t.log. Reproducers:"
    find "$build/fuzz-artifacts/$t" -type f -newer "$work/$t.started" | sed 's/^/  /'
    echo "  replay one: $build/tests/fuzz/${t}_fuzz <reproducer>"
    echo "  or, without clang: build/tests/fuzz/${t}_replay <reproducer>"
    echo "  once fixed, add it to tests/fuzz/corpus/$t/ so the replay test keeps it fixed"
  done
  exit 1
fi
