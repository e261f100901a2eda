#!/usr/bin/env bash
# Instructions the server spends per API request with a bearer token, counted by callgrind
# (repeatable whatever else the machine is doing, unlike wall-clock figures).
#
#   bench/token_callgrind.sh [WARD_BIN]
#
# Small demo sector on SQLite; `ward serve` runs under `valgrind --tool=callgrind`; 200 requests
# warm it up, the counters are zeroed, then 1,000 requests to the exposure summary with the
# national analyst's token go one after another over one connection. Prints the instructions per
# request (the program total since the zeroing, divided by 1,000).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
WARD="${1:-$CARGO_TARGET_DIR/release/ward}"
DIR="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; wait "${PID:-0}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
export WARD_DATABASE_URL="sqlite://$DIR/ward.db" WARD_INSTANCE_KEY_FILE="$DIR/key" WARD_LOG=warn
"$WARD" demo --no-serve >"$DIR/demo.out" 2>"$DIR/demo.err" || { cat "$DIR/demo.err"; exit 1; }
TOKEN=$("$WARD" tokens issue --name bench --owner national.analyst@demo.ward.example --role national_analyst --org X26 --days 1 2>/dev/null)
PORT=18282
valgrind --tool=callgrind --callgrind-out-file="$DIR/cg.out" \
  "$WARD" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:$((PORT + 1)) --workers 0 >"$DIR/serve.log" 2>&1 &
PID=$!
if curl -s "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
  echo "port $PORT is already serving: stop that server first" >&2
  exit 1
fi
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
requests() {
  : >"$DIR/curl.cfg"
  for _ in $(seq 1 "$1"); do
    printf 'url = "http://127.0.0.1:%s/api/v1/exposures/summary"\noutput = "/dev/null"\n' "$PORT" >>"$DIR/curl.cfg"
  done
  curl -sf -H "Authorization: Bearer $TOKEN" -K "$DIR/curl.cfg"
}
requests 200
# Without a pid, callgrind_control talks to every callgrind run: start none other meanwhile.
callgrind_control -z >/dev/null
requests 1000
callgrind_control -d >/dev/null
sleep 1
DUMP=$(ls -t "$DIR"/cg.out* | head -1)
TOTAL=$(grep -E '^(summary|totals):' "$DUMP" | head -1 | awk '{print $2}')
echo "binary: $WARD"
echo "instructions since zeroing: $TOTAL"
echo "instructions per request: $((TOTAL / 1000))"
