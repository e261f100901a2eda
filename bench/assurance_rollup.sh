#!/usr/bin/env bash
# The national assurance roll-up (issue 8): every counted organisation's outcome statuses and
# standing against its minimum standard, and the risk grades beside them, rolled into the areas
# beneath the nation, on SQLite or PostgreSQL.
#
#   bench/assurance_rollup.sh [ROUNDS] [SCALE] [FRAMEWORK_FILE]
#   WARD_BIN=target/release/ward BENCH_DIR=/tmp/ward-rollup bench/assurance_rollup.sh 20 national
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ward_bench_rollup WARD_BIN=... \
#     BENCH_DIR=/tmp/ward-rollup-pg bench/assurance_rollup.sh 20 national
#
# 1. Generates the demo sector with an assessment for every organisation the roll-up counts
#    (`ward demo --assurance FILE`, CAF 4.0 from ../shared/data by default), timed with its peak
#    memory; kept in BENCH_DIR and reused. A PostgreSQL database named by BENCH_DATABASE_URL is
#    dropped and created afresh the first time.
# 2. `ward --json report assurance-rollup` ROUNDS times (one process each, under /usr/bin/time -v:
#    wall time and peak RSS of a process that opens the store and rolls the nation up).
# 3. `GET /api/v1/assurance/rollup` ROUNDS times, one at a time, on a running `ward serve` (p50,
#    p99, max; the server's peak RSS from /proc), then once with format=csv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-20}"
SCALE="${2:-national}"
FRAMEWORK="$(realpath "${3:-../shared/data/frameworks/webcaf-caf-4.0.yaml}")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
if [ -z "${WARD_BIN:-}" ]; then cargo build --release -q -p ward-cli; fi
WARD="${WARD_BIN:-$CARGO_TARGET_DIR/release/ward}"
if [ -n "${BENCH_DIR:-}" ]; then DIR="$BENCH_DIR"; KEEP=1; mkdir -p "$DIR"; else DIR="$(mktemp -d)"; KEEP=0; fi
trap 'kill "${PID:-0}" 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$DIR"' EXIT
export WARD_DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$DIR/ward-$SCALE.db}"
export WARD_INSTANCE_KEY_FILE="$DIR/key-$SCALE"
export WARD_LOG="warn"
load() { cut -d' ' -f1-3 /proc/loadavg; }
summary() {
  sort -n | awk '{v[NR]=$1} END {
    n = NR; i50 = int((n - 1) * 0.50 + 0.5) + 1; i99 = int((n - 1) * 0.99 + 0.5) + 1
    printf "n %d  min %.0f  p50 %.0f  p99 %.0f  max %.0f ms\n", n, v[1], v[i50], v[i99], v[n] }'
}

if [ ! -f "$DIR/demo-$SCALE.done" ]; then
  if [ -n "${BENCH_DATABASE_URL:-}" ]; then
    DB_NAME="${BENCH_DATABASE_URL##*/}"
    psql "${BENCH_DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" \
      -c "CREATE DATABASE $DB_NAME"
    rm -f "$WARD_INSTANCE_KEY_FILE"
    "$WARD" migrate >/dev/null
  else
    rm -f "$DIR/ward-$SCALE.db"*
  fi
  echo "== demo generation ($SCALE) with assessments into $WARD_DATABASE_URL, load $(load)"
  /usr/bin/time -v "$WARD" demo --scale "$SCALE" --no-serve --assurance "$FRAMEWORK" \
    >"$DIR/demo.out" 2>"$DIR/demo.err" || { cat "$DIR/demo.err"; exit 1; }
  grep -E "Loaded a|Assurance:|Maximum resident set size|Elapsed \(wall" "$DIR/demo.err"
  touch "$DIR/demo-$SCALE.done"
fi

echo "== ward --json report assurance-rollup, $ROUNDS processes, load before $(load)"
: >"$DIR/rollup-cli.ms"
: >"$DIR/rollup-cli.kb"
for _ in $(seq 1 "$ROUNDS"); do
  /usr/bin/time -v -o "$DIR/time.out" "$WARD" --json report assurance-rollup \
    >"$DIR/rollup.json" 2>"$DIR/rollup.err" || { cat "$DIR/rollup.err"; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i];
    printf "%.0f\n", s * 1000 }' "$DIR/time.out" >>"$DIR/rollup-cli.ms"
  awk -F': ' '/Maximum resident set size/ { print $2 }' "$DIR/time.out" >>"$DIR/rollup-cli.kb"
done
echo "cli: $(summary <"$DIR/rollup-cli.ms")  peak RSS $(( $(sort -n "$DIR/rollup-cli.kb" | tail -1) / 1024 )) MiB"
python3 - "$DIR/rollup.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["total"]["standing"]
print(f'{r["total"]["name"]}: {t["organisations"]} organisations in {len(r["areas"])} areas, '
      f'{sum(1 for _ in r["total"]["outcomes"])} outcomes; by standing {t["by_standing"]}, '
      f'no profile {t["no_profile"]}, no current assessment {t["no_current_assessment"]}')
PY

NAT=$("$WARD" tokens issue --name bench-rollup --owner national.analyst@demo.ward.example --role national_analyst --org X26 --days 1 2>/dev/null)
PORT=18310
LOG="$DIR/serve-rollup.log"
"$WARD" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:$((PORT + 1)) --workers 0 >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json" && break
  sleep 0.1
done
# The server builds its exposure index at start; wait for it to go quiet (its CPU time still for
# two seconds) so the requests measure the roll-up, not the index build beside it.
cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
LAST=-1
for _ in $(seq 1 300); do
  NOW=$(cpu); [ "$NOW" = "$LAST" ] && break
  LAST=$NOW; sleep 2
done
echo "== GET /api/v1/assurance/rollup, $ROUNDS requests one at a time, load before $(load)"
: >"$DIR/rollup-api.ms"
for _ in $(seq 1 "$ROUNDS"); do
  OUT=$(curl -s -o "$DIR/rollup-api.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $NAT" \
    "http://127.0.0.1:$PORT/api/v1/assurance/rollup")
  [ "${OUT%% *}" = 200 ] || { echo "status ${OUT%% *}"; head -c 400 "$DIR/rollup-api.json"; tail -5 "$LOG"; exit 1; }
  awk -v s="${OUT#* }" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/rollup-api.ms"
done
echo "api: $(summary <"$DIR/rollup-api.ms")  server peak RSS $(awk '/VmHWM/ { printf "%d MiB", $2 / 1024 }' /proc/$PID/status)  \
JSON $(wc -c <"$DIR/rollup-api.json") bytes  load after $(load)"
OUT=$(curl -s -o "$DIR/rollup.csv" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $NAT" \
  "http://127.0.0.1:$PORT/api/v1/assurance/rollup?format=csv")
echo "csv: status ${OUT%% *}, $(awk -v s="${OUT#* }" 'BEGIN { printf "%.0f", s * 1000 }') ms, $(wc -l <"$DIR/rollup.csv") lines"
