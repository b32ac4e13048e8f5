#!/bin/sh
# Container entrypoint. With arguments, runs them (e.g. simpulctl ... or simpuld --config F).
# Without, runs a standalone node in /var/lib/simpul, creating it on first start from
# SIMPUL_NODE_ID, SIMPUL_NAME, SIMPUL_CLASS, SIMPUL_REGION, SIMPUL_UTC_OFFSET and
# SIMPUL_INIT_ARGS; the first admin's password is printed once and kept in init.txt (0600).
set -eu
if [ "$#" -gt 0 ]; then exec "$@"; fi
config=/var/lib/simpul/simpul.toml
if [ ! -f "$config" ]; then
  region=""
  [ -n "${SIMPUL_REGION-32.04}" ] && region="--region ${SIMPUL_REGION-32.04}"
  # shellcheck disable=SC2086  # region and SIMPUL_INIT_ARGS are word lists
  (umask 077; simpulctl init --data-dir /var/lib/simpul --node-id "${SIMPUL_NODE_ID:-kab:32.04}" \
    --name "${SIMPUL_NAME:-Pemerintah Kabupaten Bandung}" --class "${SIMPUL_CLASS:-regency}" \
    $region --utc-offset "${SIMPUL_UTC_OFFSET:-+07:00}" --listen 0.0.0.0:8080 \
    ${SIMPUL_INIT_ARGS:-} | tee /var/lib/simpul/init.txt)
fi
exec simpuld --config "$config"
