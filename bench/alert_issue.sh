#!/usr/bin/env bash
# Issuing one alert for a widely deployed product at a demo scale, end to end: targeting from the
# exposure index, one record per exposed organisation with its clocks, and the notification jobs
# queued (issue 9).
#
#   bench/alert_issue.sh [ROUNDS] [SCALE] [ADVISORY]
#   WARD_BIN=target/release/ward BENCH_DIR=/tmp/ward-national bench/alert_issue.sh 5 national
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ward_bench_national ... (PostgreSQL)
#
# Reuses (or generates) the demo database as bench/impact_request.sh does. Two measurements:
# `ward --json alerts issue` ROUNDS times (one process each: it opens the store and builds the
# exposure index before targeting, as a script would), then `POST /api/v1/alerts` ROUNDS times on
# a running `ward serve` whose index is already built (what the national team's page does). A
# mail server is configured (nothing listens: the e-mails are only queued) so the e-mail jobs are
# part of the work. Each round issues a new alert.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
SCALE="${2:-national}"
ADVISORY="${3:-CVE-2021-44228}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
if [ -z "${WARD_BIN:-}" ]; then cargo build --release -q -p ward-cli; fi
WARD="${WARD_BIN:-$CARGO_TARGET_DIR/release/ward}"
if [ -n "${BENCH_DIR:-}" ]; then DIR="$BENCH_DIR"; KEEP=1; mkdir -p "$DIR"; else DIR="$(mktemp -d)"; KEEP=0; fi
trap 'kill "${PID:-0}" 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$DIR"' EXIT
export WARD_DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$DIR/ward-$SCALE.db}"
export WARD_INSTANCE_KEY_FILE="$DIR/key-$SCALE"
export WARD_SMTP_URL="smtp://127.0.0.1:9"
export WARD_LOG="warn,ward_app::exposure=info"
load() { cut -d' ' -f1-3 /proc/loadavg; }
summary() {
  sort -n | awk '{v[NR]=$1} END {
    n = NR; i50 = int((n - 1) * 0.5 + 0.5) + 1
    printf "n %d  min %.0f  p50 %.0f  max %.0f ms\n", n, v[1], v[i50], v[n] }'
}

if [ -z "${BENCH_DATABASE_URL:-}" ] && [ -f "$DIR/ward-$SCALE.db" ]; then touch "$DIR/demo-$SCALE.done"; fi
if [ ! -f "$DIR/demo-$SCALE.done" ]; then
  # A shared (PostgreSQL) database needs its instance key made first.
  [ -f "$WARD_INSTANCE_KEY_FILE" ] || "$WARD" migrate >/dev/null
  echo "== demo generation ($SCALE) into $WARD_DATABASE_URL, load $(load)"
  "$WARD" demo --scale "$SCALE" --no-serve >"$DIR/demo.out" 2>"$DIR/demo.err" || { cat "$DIR/demo.err"; exit 1; }
  touch "$DIR/demo-$SCALE.done"
fi

echo "== ward --json alerts issue --advisory $ADVISORY, $ROUNDS processes, load before $(load)"
: >"$DIR/issue-cli.ms"
for i in $(seq 1 "$ROUNDS"); do
  /usr/bin/time -f "%e %M" -o "$DIR/time.out" "$WARD" --json alerts issue --advisory "$ADVISORY" \
    --severity critical --title "Bench $i" >"$DIR/issued.json" 2>"$DIR/issue.err" || { cat "$DIR/issue.err"; exit 1; }
  read -r SECS KB <"$DIR/time.out"
  awk -v s="$SECS" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/issue-cli.ms"
done
echo "cli: $(summary <"$DIR/issue-cli.ms")  peak RSS $((KB / 1024)) MiB  $(cat "$DIR/issued.json" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["organisations"], "organisations,", v["assets"], "assets")')"

NAT=$("$WARD" tokens issue --name bench-alerts --owner national.analyst@demo.ward.example --role national_analyst --org X26 --days 1 2>/dev/null)
PORT=18290
LOG="$DIR/serve-alerts.log"
"$WARD" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:$((PORT + 1)) --workers 0 >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 6000); do grep -q "exposure index built" "$LOG" && break; sleep 0.1; done
echo "== POST /api/v1/alerts ($ADVISORY), $ROUNDS requests one at a time, load before $(load)"
: >"$DIR/issue-api.ms"
for i in $(seq 1 "$ROUNDS"); do
  BODY="{\"severity\":\"critical\",\"title\":\"Bench API $i\",\"advisories\":[\"$ADVISORY\"]}"
  OUT=$(curl -s -o "$DIR/issued-api.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $NAT" \
    -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$PORT/api/v1/alerts")
  case "${OUT%% *}" in 200|201) ;; *) echo "status ${OUT%% *}: $(cat "$DIR/issued-api.json")"; tail -5 "$LOG"; exit 1;; esac
  awk -v s="${OUT#* }" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/issue-api.ms"
done
echo "api: $(summary <"$DIR/issue-api.ms")  load after $(load)"
