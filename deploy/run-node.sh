#!/usr/bin/env bash
# One command to a working node: installs dependencies, builds, creates a node with a first admin
# account under ./simpul-data (kept between runs), starts it and prints how to reach it.
#   deploy/run-node.sh                 # Kabupaten Bandung (kab:32.04) on 127.0.0.1:8080
#   SIMPUL_PORT=9090 deploy/run-node.sh
# Stop with Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/deploy/install-deps.sh"
"$root/deploy/build.sh" -DSIMPUL_BUILD_TESTS=OFF
build="${SIMPUL_BUILD_DIR:-$root/build}"
data="${SIMPUL_DATA_DIR:-$root/simpul-data}"
port="${SIMPUL_PORT:-8080}"
config="$data/simpul.toml"

if [ ! -f "$config" ]; then
  echo "Creating node kab:32.04 in $data ..."
  "$build/admin/simpulctl" init --data-dir "$data" --node-id kab:32.04 \
    --name "Pemerintah Kabupaten Bandung" --class regency --region 32.04 \
    --utc-offset +07:00 --listen "127.0.0.1:$port" | tee "$data.init.txt"
  "$build/admin/simpulctl" -c "$config" unit add dpupr --name "Dinas Pekerjaan Umum dan Penataan Ruang"
  "$build/admin/simpulctl" -c "$config" unit add dinkes --name "Dinas Kesehatan"
  echo "(the admin password is also in $data.init.txt; delete that file once noted)"
else
  echo "Using existing node in $data (admin password: see $data.init.txt or run"
  echo "  $build/admin/simpulctl -c $config user passwd admin)"
fi

cat <<MSG

Simpul node kab:32.04 is starting on http://127.0.0.1:$port
  health:        curl http://127.0.0.1:$port/healthz
  file:          curl -X POST http://127.0.0.1:$port/api/v1/complaints -H 'Content-Type: application/json' \\
                   -d '{"category":"infrastruktur.jalan","title":"Jalan berlubang","body":"Jalan di depan pasar berlubang besar.","region":"32.04","anonymous":true}'
  staff sign-in: curl -X POST http://127.0.0.1:$port/api/v1/auth/login -H 'Content-Type: application/json' \\
                   -d '{"username":"admin","password":"<from above>"}'
  metrics:       curl http://127.0.0.1:$port/metrics
Press Ctrl-C to stop.
MSG
exec "$build/node/simpuld" --config "$config"
