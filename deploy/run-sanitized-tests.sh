#!/usr/bin/env bash
# Builds the tests with sanitizers and runs them; a sanitizer report anywhere fails the run.
#   deploy/run-sanitized-tests.sh           AddressSanitizer + UndefinedBehaviorSanitizer, into
#                                           build-asan, the whole default test suite (CI runs this)
#   deploy/run-sanitized-tests.sh --thread  ThreadSanitizer, into build-tsan, the whole default
#                                           test suite too (about 4 minutes of tests on 2 cores;
#                                           not in CI: a third build of everything)
# Benchmark programs are not built there. Extra arguments go to ctest (e.g. -R DatabaseTest). The
# simpuld and simpulctl that process-level tests start are sanitized too; their reports go to
# <build>/sanitizer-reports/, which is checked after the run, so an error in a child process fails
# the run even when its test passed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode=address
if [ "${1:-}" = "--thread" ]; then mode=thread; shift; fi

if [ "$mode" = thread ]; then
  build="${SIMPUL_BUILD_DIR:-$root/build-tsan}"
  sanitize=thread
else
  build="${SIMPUL_BUILD_DIR:-$root/build-asan}"
  sanitize=address,undefined
fi

"$root/deploy/install-deps.sh" --tests
SIMPUL_BUILD_DIR="$build" "$root/deploy/build.sh" -DSIMPUL_BUILD_TESTS=ON \
  -DSIMPUL_SANITIZE="$sanitize" -DSIMPUL_BUILD_BENCHMARKS=OFF

reports="$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
common="halt_on_error=1:print_stacktrace=1:log_path=$reports/report"
export UBSAN_OPTIONS="$common"
# verify_asan_link_order=0: the browser tests that file cases in the past preload libfaketime
# ahead of the ASan runtime.
export ASAN_OPTIONS="$common:detect_leaks=1:strict_init_order=1:verify_asan_link_order=0"
export TSAN_OPTIONS="$common:second_deadlock_stack=1"
export LSAN_OPTIONS="suppressions=$root/deploy/sanitizer/lsan.supp:print_suppressions=0"
export TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$root/deploy/sanitizer/tsan.supp"

args=("$@")

cd "$build"
status=0
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)" --timeout 900 "${args[@]}" || status=$?

shopt -s nullglob
found=("$reports"/report*)
if [ ${#found[@]} -gt 0 ]; then
  echo "run-sanitized-tests: ${#found[@]} sanitizer report(s) in $reports:" >&2
  for f in "${found[@]}"; do
    echo "==== $f" >&2
    head -n 60 "$f" >&2
  done
  exit 1
fi
if [ $status -ne 0 ]; then
  echo "run-sanitized-tests: tests failed (see above)" >&2
  exit $status
fi
echo "run-sanitized-tests: $sanitize build: all tests passed with no sanitizer report"
