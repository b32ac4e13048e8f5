#!/usr/bin/env bash
# Runs the fault soak: a coordinator and three member nodes under intake, federation and citizen
# reply load while nodes (the coordinator too) are SIGKILLed and SIGSTOPped, links cut, delayed and
# reset through a proxy, a small disk filled and clocks skewed ahead and back, every third time two
# faults at once; then checks that nothing acknowledged was lost or applied twice.
#
#   deploy/run-soak.sh [--minutes N] [--seed S]      (default 3 minutes, seed from the clock)
#
# Needs root for the tmpfs (without it the disk fault is reported as not run) and libfaketime
# (installed here with apt-get when missing; without it the skew faults are not run). Builds
# build/tests/soak/fault_soak if needed. The program bounds itself (--minutes plus at most 10
# minutes to recover and check); `timeout` here is only the backstop. More options (--overlap,
# --targets, --faults, --logs): build/tests/soak/fault_soak --help.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIMPUL_BUILD_DIR:-$root/build}"
minutes=3
seed="$(date +%s)"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a value}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run-soak.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]] || ! [[ "$seed" =~ ^[0-9]+$ ]]; then
  echo "run-soak.sh: --minutes takes a number, --seed an integer" >&2
  exit 2
fi

faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ ! -e "$faketime_lib" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -q faketime >/dev/null || echo "run-soak.sh: could not install faketime" >&2
fi

if [ ! -x "$build/tests/soak/fault_soak" ]; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${SIMPUL_BUILD_TYPE:-RelWithDebInfo}" \
    -DSIMPUL_BUILD_TESTS=ON >/dev/null
  cmake --build "$build" --target fault_soak -j2
fi

# Backstop: the program's own limit plus a minute; timeout signals the whole process group.
limit="$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 660 }')"
exec timeout -k 15 "$limit" "$build/tests/soak/fault_soak" --minutes "$minutes" --seed "$seed" \
  --faketime-lib "$faketime_lib"
