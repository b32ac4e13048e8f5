#!/usr/bin/env bash
# Configures and builds Simpul into build/ (or $SIMPUL_BUILD_DIR). Extra args go to CMake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIMPUL_BUILD_DIR:-$root/build}"
jobs="$(nproc 2>/dev/null || echo 2)"
# ccache keys on paths relative to the checkout, so a second clone or worktree (CI's, a branch's)
# reuses the objects an earlier build made.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${SIMPUL_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j"$jobs"
