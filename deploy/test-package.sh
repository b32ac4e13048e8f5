#!/usr/bin/env bash
# Builds the simpul .deb with CPack from build/ ($SIMPUL_BUILD_DIR), installs it on this machine,
# checks its files, the simpul user, the data dir and the created node, verifies the systemd unit,
# starts the service (with systemd when PID 1 is systemd; otherwise runs the unit's ExecStart as
# the simpul user with the unit's umask and no privileges, as systemd would), checks /healthz and
# /readyz, then removes (data kept) and purges it (data and user gone). Needs root and a machine
# without the simpul package. Exits non-zero naming the first failed check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIMPUL_BUILD_DIR:-$root/build}"
say() { printf '[package] %s\n' "$*"; }
die() { printf '[package] FAILED: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (it installs and purges the simpul package)"
if dpkg-query -W -f='${Status}' simpul 2>/dev/null | grep -q installed; then
  die "simpul is already installed here; remove it first (apt-get purge simpul) — this test purges it"
fi
[ -f "$build/CMakeCache.txt" ] || die "no build in $build: run deploy/build.sh first"

say "building simpuld, simpulctl and the .deb in $build"
cmake --build "$build" --target simpuld simpulctl >/dev/null
rm -f "$build"/simpul_*.deb
(cd "$build" && cpack -G DEB >/dev/null) || die "cpack failed (see $build/_CPack_Packages)"
deb="$(ls "$build"/simpul_*.deb)"
say "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | grep -E '^ (Depends|Version):' | sed 's/^/[package]  /'

daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] || return 0
  kill "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
}
trap cleanup EXIT

say "installing"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null \
  || die "apt-get install $deb failed"

for f in /usr/bin/simpuld /usr/bin/simpulctl /lib/systemd/system/simpuld.service \
         /etc/default/simpul /usr/share/doc/simpul/README.md \
         /usr/share/doc/simpul/simpul.example.toml /etc/simpul/simpul.toml \
         /etc/simpul/initial-admin.txt; do
  [ -e "$f" ] || die "$f is missing after install"
done
dpkg-query -W -f='${Conffiles}\n' simpul | grep -q '/etc/default/simpul' \
  || die "/etc/default/simpul is not a conffile"
getent passwd simpul | grep -q ':/usr/sbin/nologin$' || die "no simpul system user with nologin shell"
[ "$(stat -c '%U:%G %a' /var/lib/simpul)" = "simpul:simpul 750" ] \
  || die "/var/lib/simpul is $(stat -c '%U:%G %a' /var/lib/simpul), want simpul:simpul 750"
[ "$(stat -c '%a' /etc/simpul/initial-admin.txt)" = "600" ] || die "initial-admin.txt is not 0600"
grep -q 'password:' /etc/simpul/initial-admin.txt || die "initial-admin.txt holds no password"
runuser -u simpul -- /usr/bin/simpulctl -c /etc/simpul/simpul.toml check >/dev/null \
  || die "simpulctl check failed for the created node"
say "files, user, data dir and node are in place"

unit=/lib/systemd/system/simpuld.service
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" || die "systemd-analyze verify $unit"
  say "systemd-analyze verify: ok"
fi

port="$(sed -n '/^\[http\]/,/^\[/s/^listen = "[^"]*:\([0-9]*\)"$/\1/p' /etc/simpul/simpul.toml)"
if [ "$(cat /proc/1/comm)" != "systemd" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  die "port $port is taken by another process (ss -ltnp 'sport = :$port'); stop it and run again"
fi
if [ "$(cat /proc/1/comm)" = "systemd" ]; then
  say "PID 1 is systemd: checking the service postinst started"
  systemctl is-enabled --quiet simpuld || die "simpuld is not enabled"
  for _ in $(seq 100); do systemctl is-active --quiet simpuld && break; sleep 0.1; done
  systemctl is-active --quiet simpuld || die "simpuld is not active: $(systemctl status simpuld)"
else
  read -r -a exec_start <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
  say "PID 1 is not systemd: running ExecStart as simpul (${exec_start[*]})"
  (umask 0077; exec setpriv --reuid simpul --regid simpul --init-groups --no-new-privs \
      --inh-caps=-all --bounding-set=-all "${exec_start[@]}" >/tmp/simpul-package-test.log 2>&1) &
  daemon_pid=$!
fi
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || die "/healthz does not answer on $port"
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || die "/readyz does not answer on $port"
node="$(curl -fsS "http://127.0.0.1:$port/api/v1/node")"
say "/healthz and /readyz answer on 127.0.0.1:$port; node: $node"
if [ -n "$daemon_pid" ]; then
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || die "simpuld did not stop cleanly on SIGTERM"
  daemon_pid=""
fi

say "removing (the node's data and config stay)"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq simpul >/dev/null || die "apt-get remove failed"
[ ! -e /usr/bin/simpuld ] || die "/usr/bin/simpuld is still there after remove"
if [ ! -e /var/lib/simpul/simpul.db ] || [ ! -e /etc/simpul/simpul.toml ]; then
  die "remove deleted the node's data or config"
fi
say "purging (data, config and user go)"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq simpul >/dev/null || die "apt-get purge failed"
for f in /var/lib/simpul /etc/simpul /etc/default/simpul; do
  [ ! -e "$f" ] || die "$f is still there after purge"
done
! getent passwd simpul >/dev/null || die "the simpul user is still there after purge"
say "ok"
