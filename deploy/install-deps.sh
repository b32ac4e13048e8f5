#!/usr/bin/env bash
# Installs the Debian packages Simpul builds and runs with. Safe to run again.
#   deploy/install-deps.sh          build + runtime dependencies
#   deploy/install-deps.sh --tests  also Debian's chromium, which the browser tests drive
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libssl-dev libsqlite3-dev sqlite3 libsodium-dev
  nlohmann-json3-dev libexpected-dev libcli11-dev libspdlog-dev libtomlplusplus-dev
  libgtest-dev curl python3
)
# The web UI's build step needs node and npm. Any working install will do (some machines carry
# a newer Node.js whose own package conflicts with Debian's npm); otherwise Debian's.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
if [ "${1:-}" = "--tests" ]; then
  # chromium for the browser tests; libfaketime for those that file a case in the past.
  packages+=(chromium fonts-dejavu-core libfaketime)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
