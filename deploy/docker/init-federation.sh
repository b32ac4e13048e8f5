#!/usr/bin/env bash
# The compose federation's one-shot init: creates the coordinator, province, regency and ministry
# in /federation/<node> (each a volume its node's container mounts at the same path), enrolls the
# members at the coordinator and installs the trust anchor, with the demo's own functions
# (deploy/demo/nodes.sh). Nodes listen on 0.0.0.0:8080 (HTTP) and :9443 (mutual TLS); peers reach
# them at https://<service>:9443. Does nothing if the federation exists. Prints the admin passwords.
set -euo pipefail
here="$(dirname "$0")"
SIMPULCTL="${SIMPULCTL:-/usr/bin/simpulctl}"
DEMO_DIR="${SIMPUL_FEDERATION_DIR:-/federation}"
DEMO_BIND_HOST=0.0.0.0
DEMO_ENDPOINT_BY_DIR=1
# shellcheck source=deploy/demo/nodes.sh
# In the image nodes.sh sits beside this script; in the repository it is in deploy/demo.
if [ -f "$here/nodes.sh" ]; then source "$here/nodes.sh"; else source "$here/../demo/nodes.sh"; fi
demo_port() { if [ $(($1 % 2)) -eq 0 ]; then echo 8080; else echo 9443; fi; }

if [ -f "$DEMO_DIR/coord/simpul.toml" ]; then
  demo_log "the federation exists in $DEMO_DIR"
  exit 0
fi
demo_create_federation
for entry in "${DEMO_NODES[@]}"; do
  dir="$(demo_field "$entry" 2)"
  printf '%-12s admin password %s\n' "$(demo_field "$entry" 1)" \
    "$(sed -n 's/.*"admin_password": "\([^"]*\)".*/\1/p' "$DEMO_DIR/$dir/init.json")"
done
