#!/usr/bin/env bash
# The exposure index build at a demo scale, for two or more builds of `ward`, run alternately.
#
#   bench/exposure_build.sh ROUNDS SCALE BIN [BIN...]
#   BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432 bench/exposure_build.sh 3 national before/ward after/ward
#
# Each binary generates its own demo sector once (its own schema version: SQLite files in a
# temporary directory, or databases ward_bench_build_N under BENCH_POSTGRES, dropped first). Then,
# ROUNDS times and in turn, each binary's `ward serve` is started; it builds the exposure index in
# the background at start and logs "exposure index built" with the time taken (reading the sector
# and threat snapshots from the store, then building), which is printed with the server's peak RSS.
set -euo pipefail
ROUNDS="$1"; SCALE="$2"; shift 2
BINS=("$@")
DIR="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$DIR"' EXIT

url() {
  if [ -n "${BENCH_POSTGRES:-}" ]; then echo "$BENCH_POSTGRES/ward_bench_build_$1"; else echo "sqlite://$DIR/ward-$1.db"; fi
}

for i in "${!BINS[@]}"; do
  if [ -n "${BENCH_POSTGRES:-}" ]; then
    psql "$BENCH_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS ward_bench_build_$i WITH (FORCE)" \
      -c "CREATE DATABASE ward_bench_build_$i"
  fi
  echo "== demo ($SCALE) for ${BINS[$i]}"
  WARD_DATABASE_URL="$(url "$i")" WARD_INSTANCE_KEY_FILE="$DIR/key-$i" \
    "${BINS[$i]}" demo --scale "$SCALE" --no-serve >"$DIR/demo-$i.out" 2>"$DIR/demo-$i.err" ||
    { cat "$DIR/demo-$i.err"; exit 1; }
done

PORT=18181
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!BINS[@]}"; do
    LOG="$DIR/serve-$i-$round.log"
    WARD_DATABASE_URL="$(url "$i")" WARD_INSTANCE_KEY_FILE="$DIR/key-$i" WARD_LOG="warn,ward_app::exposure=info" \
      "${BINS[$i]}" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:$((PORT + 1)) --workers 0 >"$LOG" 2>&1 &
    PID=$!
    for _ in $(seq 1 1200); do grep -q "exposure index built" "$LOG" && break; sleep 0.1; done
    HWM=$(awk '/VmHWM/ {print int($2/1024) " MiB"}' "/proc/$PID/status")
    kill "$PID"; wait "$PID" 2>/dev/null || true
    LINE=$(grep "exposure index built" "$LOG" | sed 's/\x1b\[[0-9;]*m//g')
    MS=$(echo "$LINE" | grep -o 'elapsed_ms=[0-9]*' | cut -d= -f2)
    ROWS=$(echo "$LINE" | grep -o 'rows=[0-9]*' | cut -d= -f2)
    echo "round $round  ${BINS[$i]}  build ${MS} ms  rows ${ROWS}  peak RSS ${HWM}  load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
