#!/usr/bin/env bash
# One command to a tested build: installs dependencies, builds everything including tests, and
# runs the whole default test suite (unit, integration, crash). Benchmarks are separate programs
# (see README: Benchmarks). Exits non-zero if anything fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/install-deps.sh" --tests
"$root/deploy/build.sh" -DSIMPUL_BUILD_TESTS=ON
build="${SIMPUL_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)" --timeout 300
