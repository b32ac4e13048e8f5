# shellcheck shell=bash
# Bash functions that make, enroll, start and stop the demo federation's four nodes with
# simpulctl and simpuld. Sourced by deploy/demo.sh (and the container init); they expect
#   SIMPULCTL, SIMPULD   paths to the binaries
#   DEMO_DIR             where every node's data dir lives (one subdirectory per node)
#   DEMO_BIND_HOST       address the nodes listen on (default 127.0.0.1)
#   DEMO_ENDPOINT_BY_DIR if 1, peers reach a node at https://<its directory name>:<port> (the
#                        container federation, where each directory name is a service name)
# Every function fails (non-zero, message on stderr) with what to do next.

# id | directory name | name | class | region | extra simpulctl init arguments
DEMO_NODES=(
  "coord:panrb|coord|Kementerian PANRB (Koordinator SP4N-LAPOR!)|coordinator||"
  "prov:32|prov-32|Pemerintah Provinsi Jawa Barat|province|32|"
  "kab:32.04|kab-32-04|Pemerintah Kabupaten Bandung|regency|32.04|--parent prov:32"
  "kl:pupr|kl-pupr|Kementerian Pekerjaan Umum dan Perumahan Rakyat|ministry||--categories infrastruktur"
)

demo_log() { printf '[demo] %s\n' "$*" >&2; }
demo_die() { printf '[demo] error: %s\n' "$*" >&2; exit 1; }

# Prints a loopback TCP port nothing listens on now (the kernel's choice).
demo_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Prints the port for slot $1 (0-based): $SIMPUL_DEMO_PORT_BASE + slot, else a free port.
demo_port() {
  if [ -n "${SIMPUL_DEMO_PORT_BASE:-}" ]; then
    echo $((SIMPUL_DEMO_PORT_BASE + $1))
  else
    demo_free_port
  fi
}

# Field $2 (1-based) of the DEMO_NODES entry $1.
demo_field() { cut -d'|' -f"$2" <<<"$1"; }

demo_config() { echo "$DEMO_DIR/$1/simpul.toml"; }

# The HTTP port in node directory $1's config.
demo_http_port() {
  sed -n 's/^listen = "127\.0\.0\.1:\([0-9]*\)"$/\1/p' "$(demo_config "$1")" | head -n1
}

# Makes the node described by DEMO_NODES entry $1 with HTTP port $2 and federation port $3,
# saves simpulctl init's JSON (with the admin password) as init.json (0600) and tunes the config
# for a demo: directory poll every 2 s, node reports every 10 s, quick delivery retries.
demo_init_node() {
  local entry="$1" id dir name class region extra
  id="$(demo_field "$entry" 1)"; dir="$(demo_field "$entry" 2)"; name="$(demo_field "$entry" 3)"
  class="$(demo_field "$entry" 4)"; region="$(demo_field "$entry" 5)"; extra="$(demo_field "$entry" 6)"
  local host="${DEMO_BIND_HOST:-127.0.0.1}"
  local args=(init --data-dir "$DEMO_DIR/$dir" --node-id "$id" --name "$name" --class "$class"
              --listen "$host:$2" --federation-listen "$host:$3" --json)
  [ "${DEMO_ENDPOINT_BY_DIR:-0}" = 1 ] && args+=(--federation-endpoint "https://$dir:$3")
  [ -n "$region" ] && args+=(--region "$region")
  # shellcheck disable=SC2206  # extra holds simple space-separated flags
  [ -n "$extra" ] && args+=($extra)
  local out
  out="$(umask 077; "$SIMPULCTL" "${args[@]}")" \
    || demo_die "simpulctl init $id failed: $out (deploy/demo.sh --fresh starts over)"
  (umask 077; printf '%s\n' "$out" >"$DEMO_DIR/$dir/init.json")
  local cfg; cfg="$(demo_config "$dir")"
  sed -i -e 's/^poll_interval_s = .*/poll_interval_s = 2\nretry_base_ms = 100\nretry_cap_ms = 2000/' \
         -e 's/^report_interval_s = .*/report_interval_s = 10/' "$cfg"
  printf '\n[transparency]\ncheckpoint_interval_s = 2\n' >>"$cfg"
}

# Makes all four nodes, enrolls the three members at the coordinator (each `directory add`
# publishes the next signed version) and installs the coordinator's trust anchor at each member.
demo_create_federation() {
  mkdir -p "$DEMO_DIR"
  local slot=0 entry dir
  for entry in "${DEMO_NODES[@]}"; do
    demo_log "creating $(demo_field "$entry" 1) ($(demo_field "$entry" 3))"
    demo_init_node "$entry" "$(demo_port $slot)" "$(demo_port $((slot + 1)))"
    slot=$((slot + 2))
  done
  local coord_cfg; coord_cfg="$(demo_config coord)"
  for entry in "${DEMO_NODES[@]:1}"; do
    dir="$(demo_field "$entry" 2)"
    demo_log "enrolling $(demo_field "$entry" 1) at the coordinator"
    "$SIMPULCTL" -c "$(demo_config "$dir")" enroll --out "$DEMO_DIR/$dir/enroll.json" >/dev/null \
      || demo_die "simpulctl enroll failed for $dir"
    "$SIMPULCTL" -c "$coord_cfg" directory add "$DEMO_DIR/$dir/enroll.json" >/dev/null \
      || demo_die "simpulctl directory add failed for $dir"
  done
  "$SIMPULCTL" -c "$coord_cfg" directory anchor --out "$DEMO_DIR/anchor.json" >/dev/null \
    || demo_die "simpulctl directory anchor failed"
  for entry in "${DEMO_NODES[@]:1}"; do
    dir="$(demo_field "$entry" 2)"
    "$SIMPULCTL" -c "$(demo_config "$dir")" trust install "$DEMO_DIR/anchor.json" >/dev/null \
      || demo_die "simpulctl trust install failed for $dir"
  done
}

# Fails if a port of node directory $1 is taken (another demo or service still running).
demo_check_ports_free() {
  local cfg port; cfg="$(demo_config "$1")"
  # shellcheck disable=SC2013  # one port per line
  for port in $(sed -n 's/^listen = "127\.0\.0\.1:\([0-9]*\)"$/\1/p' "$cfg"); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      demo_die "port $port of $1 is in use: stop the process holding it" \
               "(ss -ltnp 'sport = :$port') or run with --fresh"
    fi
  done
}

# Starts every node in the background (logs in <node dir>/simpuld.log) and records the pids in
# DEMO_PIDS.
DEMO_PIDS=()
demo_start_all() {
  local entry dir
  for entry in "${DEMO_NODES[@]}"; do
    dir="$(demo_field "$entry" 2)"
    demo_check_ports_free "$dir"
    "$SIMPULD" --config "$(demo_config "$dir")" >>"$DEMO_DIR/$dir/simpuld.log" 2>&1 &
    DEMO_PIDS+=("$!")
  done
}

# Waits up to 30 s for every node's /readyz; fails naming the node and its log.
demo_wait_ready() {
  local entry dir port i
  for entry in "${DEMO_NODES[@]}"; do
    dir="$(demo_field "$entry" 2)"; port="$(demo_http_port "$dir")"
    for i in $(seq 300); do
      curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
      [ "$i" -eq 300 ] \
        && demo_die "$dir is not ready on port $port after 30 s; see $DEMO_DIR/$dir/simpuld.log"
      sleep 0.1
    done
  done
}

# Stops the nodes started by demo_start_all with SIGTERM and waits for them (SIGKILL after 10 s).
demo_stop_all() {
  local pid i
  [ ${#DEMO_PIDS[@]} -eq 0 ] && return 0
  demo_log "stopping the nodes"
  for pid in "${DEMO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${DEMO_PIDS[@]}"; do
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  DEMO_PIDS=()
}
