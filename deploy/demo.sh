#!/usr/bin/env bash
# The demo federation on one machine: a coordinator (coord:panrb), a province (prov:32, Jawa
# Barat), a regency (kab:32.04, Kabupaten Bandung) and a ministry (kl:pupr), each a real simpuld
# on loopback with its own data dir, federating over mutual TLS, seeded with a few dozen
# realistic complaints through the HTTP API.
#   deploy/demo.sh              install deps, build, start (data kept in ./simpul-demo), seed once
#   deploy/demo.sh --fresh      start over with new nodes
#   deploy/demo.sh --check      run everything in a temp dir, verify the seeded states, exit 0/1
#   deploy/demo.sh --no-build   use the binaries already in build/ ($SIMPUL_BUILD_DIR)
# Environment: SIMPUL_DEMO_DIR (default ./simpul-demo), SIMPUL_DEMO_PORT_BASE (ports base..base+7;
# default: free ports chosen at creation and kept in the configs), SIMPUL_BUILD_DIR.
# Stop with Ctrl-C: all four nodes stop cleanly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PYTHONDONTWRITEBYTECODE=1
fresh=0 check=0 build=1
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    --check) check=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=deploy/demo/nodes.sh
source "$root/deploy/demo/nodes.sh"
if [ "$build" -eq 1 ]; then
  demo_log "installing dependencies and building (first run: several minutes)"
  "$root/deploy/install-deps.sh"
  "$root/deploy/build.sh" -DSIMPUL_BUILD_TESTS=OFF
fi
bin="${SIMPUL_BUILD_DIR:-$root/build}"
SIMPULCTL="$bin/admin/simpulctl"
SIMPULD="$bin/node/simpuld"
if [ ! -x "$SIMPULD" ] || [ ! -x "$SIMPULCTL" ]; then
  demo_die "no simpuld/simpulctl in $bin: run without --no-build, or set SIMPUL_BUILD_DIR"
fi

if [ "$check" -eq 1 ]; then
  DEMO_DIR="$(mktemp -d "${TMPDIR:-/tmp}/simpul-demo-check.XXXXXX")"
else
  DEMO_DIR="${SIMPUL_DEMO_DIR:-$PWD/simpul-demo}"
  mkdir -p "$DEMO_DIR" && chmod 0700 "$DEMO_DIR"
  DEMO_DIR="$(cd "$DEMO_DIR" && pwd)"
  if [ "$fresh" -eq 1 ]; then
    demo_log "--fresh: removing $DEMO_DIR"
    for entry in "${DEMO_NODES[@]}"; do rm -rf "${DEMO_DIR:?}/$(demo_field "$entry" 2)"; done
    rm -f "$DEMO_DIR"/{anchor.json,nodes.json,seed.json,credentials.txt}
  fi
fi

# shellcheck disable=SC2317  # called by the EXIT trap
on_exit() {
  local status=$?
  demo_stop_all
  if [ "$check" -eq 1 ]; then
    if [ "$status" -eq 0 ]; then rm -rf "$DEMO_DIR"; else demo_log "kept $DEMO_DIR for inspection"; fi
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

if [ ! -f "$DEMO_DIR/coord/simpul.toml" ]; then
  demo_create_federation
fi
# nodes.json: what the Python helpers need to reach each node.
python3 - "$DEMO_DIR" "${DEMO_NODES[@]}" >"$DEMO_DIR/nodes.json" <<'PY'
import json, re, sys
demo_dir, entries = sys.argv[1], sys.argv[2:]
out = []
for entry in entries:
    node_id, directory, name = entry.split("|")[:3]
    config = open(f"{demo_dir}/{directory}/simpul.toml").read()
    port = int(re.search(r'\[http\]\s*listen = "127\.0\.0\.1:(\d+)"', config).group(1))
    out.append({"id": node_id, "dir": directory, "name": name, "port": port})
json.dump(out, sys.stdout, indent=1)
PY

demo_log "starting 4 nodes (logs in $DEMO_DIR/*/simpuld.log)"
demo_start_all
demo_wait_ready
if [ ! -f "$DEMO_DIR/seed.json" ]; then
  demo_log "waiting for the signed directory at every member, then seeding over the HTTP API"
  python3 "$root/deploy/demo/seed.py" "$DEMO_DIR"
fi

if [ "$check" -eq 1 ]; then
  demo_log "checking the seeded states over the API"
  python3 "$root/deploy/demo/check.py" "$DEMO_DIR"
  exit 0
fi
python3 "$root/deploy/demo/summary.py" "$DEMO_DIR"
echo "Press Ctrl-C to stop all four nodes (data stays in $DEMO_DIR; --fresh starts over)."
wait -n || true
demo_log "a node stopped on its own; see the logs in $DEMO_DIR/*/simpuld.log"
exit 1
