#!/usr/bin/env bash
# API latency and throughput at a given demo scale with 200 concurrent clients (wrk, from Debian).
#
#   bench/api_load.sh [small|region|national] [seconds]
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ward_bench bench/api_load.sh national 20
#
# Builds the release binary, generates the demo sector into a fresh SQLite file (timed, with peak
# memory), issues API tokens for a national analyst and a trust admin, starts `ward serve`, then runs
# wrk against the organisation overview and the asset search. wrk and Ward share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-national}"
SECS="${2:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
if [ -z "${WARD_BIN:-}" ]; then cargo build --release -q -p ward-cli; fi
WARD="${WARD_BIN:-$CARGO_TARGET_DIR/release/ward}"
DIR="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
# SQLite in a temporary file unless BENCH_DATABASE_URL names an (empty or disposable) PostgreSQL
# database, which is dropped and created afresh.
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  DB_NAME="${BENCH_DATABASE_URL##*/}"
  ADMIN_URL="${BENCH_DATABASE_URL%/*}/postgres"
  psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME"
  export WARD_DATABASE_URL="$BENCH_DATABASE_URL"
else
  export WARD_DATABASE_URL="sqlite://$DIR/ward.db"
fi
export WARD_LOG="warn,ward_app::exposure=info"

echo "== demo generation ($SCALE)"
/usr/bin/time -v "$WARD" demo --scale "$SCALE" --no-serve >"$DIR/demo.out" 2>"$DIR/demo.err" || { cat "$DIR/demo.err"; exit 1; }
grep -E "Loaded a" "$DIR/demo.err"
grep -E "Maximum resident set size|Elapsed \(wall" "$DIR/demo.err"

NAT=$("$WARD" tokens issue --name bench --owner national.analyst@demo.ward.example --role national_analyst --org X26 --days 1 2>/dev/null)
ADMIN_ORG_CODE=$("$WARD" --json users list | python3 -c '
import json,sys
for u in json.load(sys.stdin):
    if u["email"].startswith("org.admin@"):
        print(u["grants"][0]["org"])' )
PORT=18080
"$WARD" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:19090 --workers 0 &
PID=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

run() {
  echo "== $1"
  wrk -t2 -c200 -d"${SECS}s" --latency -H "Authorization: Bearer $NAT" "http://127.0.0.1:$PORT$2" |
    grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors" || true
}
run "organisation overview, national analyst (whole sector)" "/api/v1/me/org"
run "organisation overview, one trust" "/api/v1/orgs/$ADMIN_ORG_CODE"
run "asset search 'citrix', national analyst, first page" "/api/v1/assets?q=citrix&limit=50"
run "asset list, one trust, first page" "/api/v1/assets?org=$ADMIN_ORG_CODE&limit=50"

# Exposure: the server builds its exposure index at start (in the background) and the first
# request waits for it; time that, then load the exposure views.
echo "== exposure index: first summary request (waits for the build)"
START=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $NAT" "http://127.0.0.1:$PORT/api/v1/exposures/summary" >"$DIR/summary.json"
END=$(date +%s.%N)
python3 -c "import json,sys; s=json.load(open('$DIR/summary.json')); print('open assets', s['open_assets'], 'by status', s['by_status'])"
echo "first summary after $(python3 -c "print(round($END-$START,2))") s; server peak RSS $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
run "exposure list, national analyst, first page" "/api/v1/exposures?limit=50"
run "exposure list, one trust, first page" "/api/v1/exposures?org=$ADMIN_ORG_CODE&limit=50"
run "who is exposed to CVE-2021-44228, national analyst" "/api/v1/advisories/CVE-2021-44228/exposure"
run "exposure summary, national analyst" "/api/v1/exposures/summary"
