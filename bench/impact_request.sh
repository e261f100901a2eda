#!/usr/bin/env bash
# The whole cost of one blast radius request at a demo scale: reading the dependency graph from
# the store, building it, propagating, the report and the JSON, as `GET /api/v1/impact` and
# `ward impact` do on every call (issue 10).
#
#   bench/impact_request.sh [ROUNDS] [SCALE] [SUPPLIER]
#   WARD_BIN=target/release/ward BENCH_DIR=/tmp/ward-national bench/impact_request.sh 20 national
#
# Generates the demo sector into a SQLite file (`ward demo --no-serve`; kept and reused when
# BENCH_DIR names a directory that already holds it), then times ROUNDS calls of
# `ward impact --supplier SUPPLIER --json` one after another (wall time and peak RSS of each
# process, which includes opening the store), starts `ward serve`, waits for its exposure index
# (built at start, so it does not share the CPU with the requests) and times ROUNDS requests to
# `GET /api/v1/impact?supplier=...` with a national analyst's token, one at a time over curl.
# SUPPLIER defaults to the national demo's most-used supplier (seed 2017).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-20}"
SCALE="${2:-national}"
SUPPLIER="${3:-Hearth Digital Care Ltd}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
if [ -z "${WARD_BIN:-}" ]; then cargo build --release -q -p ward-cli; fi
WARD="${WARD_BIN:-$CARGO_TARGET_DIR/release/ward}"
if [ -n "${BENCH_DIR:-}" ]; then DIR="$BENCH_DIR"; KEEP=1; mkdir -p "$DIR"; else DIR="$(mktemp -d)"; KEEP=0; fi
trap 'kill "${PID:-0}" 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$DIR"' EXIT
export WARD_DATABASE_URL="sqlite://$DIR/ward-$SCALE.db"
export WARD_INSTANCE_KEY_FILE="$DIR/key-$SCALE"
export WARD_LOG="warn,ward_app::exposure=info"
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [ ! -f "$DIR/ward-$SCALE.db" ]; then
  echo "== demo generation ($SCALE), load $(load)"
  "$WARD" demo --scale "$SCALE" --no-serve >"$DIR/demo.out" 2>"$DIR/demo.err" || { cat "$DIR/demo.err"; exit 1; }
  grep -E "Loaded a" "$DIR/demo.err" || true
fi
for t in assets asset_services services dependencies; do
  echo "$t: $(sqlite3 "$DIR/ward-$SCALE.db" "SELECT COUNT(*) FROM $t")"
done

# Quantiles of one number per line (nearest rank), in milliseconds.
summary() {
  sort -n | awk '{v[NR]=$1} END {
    n = NR
    i50 = int((n - 1) * 0.5 + 0.5) + 1; i99 = int((n - 1) * 0.99 + 0.5) + 1
    printf "n %d  min %.0f  p50 %.0f  p99 %.0f  max %.0f ms\n", n, v[1], v[i50], v[i99], v[n] }'
}

echo "== ward impact --supplier \"$SUPPLIER\" --json, $ROUNDS calls, load before $(load)"
: >"$DIR/cli.ms"
for _ in $(seq 1 "$ROUNDS"); do
  /usr/bin/time -f "%e %M" -o "$DIR/time.out" "$WARD" --json impact --supplier "$SUPPLIER" >"$DIR/impact.json" 2>"$DIR/impact.err" ||
    { cat "$DIR/impact.err"; exit 1; }
  read -r SECS KB <"$DIR/time.out"
  awk -v s="$SECS" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/cli.ms"
done
echo "cli: $(summary <"$DIR/cli.ms")  peak RSS of the last $((KB / 1024)) MiB  JSON $(wc -c <"$DIR/impact.json") bytes  load after $(load)"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print("affected:", v["organisations"], "organisations,", v["services"], "services")' "$DIR/impact.json"

NAT=$("$WARD" tokens issue --name bench --owner national.analyst@demo.ward.example --role national_analyst --org X26 --days 1 2>/dev/null)
PORT=18280
LOG="$DIR/serve.log"
"$WARD" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:$((PORT + 1)) --workers 0 >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 3000); do grep -q "exposure index built" "$LOG" && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/api/v1/impact?supplier=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$SUPPLIER")"
echo "== GET /api/v1/impact?supplier=..., $ROUNDS requests one at a time, load before $(load)"
: >"$DIR/api.ms"
for _ in $(seq 1 "$ROUNDS"); do
  OUT=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $NAT" "$URL")
  [ "${OUT%% *}" = 200 ] || { echo "status ${OUT%% *}"; tail -5 "$LOG"; exit 1; }
  awk -v s="${OUT#* }" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/api.ms"
done
HWM=$(awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$PID/status")
echo "api: $(summary <"$DIR/api.ms")  server peak RSS $HWM  load after $(load)"
# The server keeps the built graph (ward_app::cached): the first request reads and builds it.
echo "api: first request (reads and builds the graph) $(head -1 "$DIR/api.ms") ms; the rest: $(tail -n +2 "$DIR/api.ms" | summary)"
