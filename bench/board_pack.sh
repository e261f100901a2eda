#!/usr/bin/env bash
# One trust's board pack PDF at a demo scale (issue 8, item 9): gathering the figures (latest
# assessment and standing, facts beside the claims, risks, exposure and overdue vulnerabilities,
# alert response, training, board, plan) and writing the PDF.
#
#   bench/board_pack.sh [ROUNDS] [SCALE] [ORG]
#   WARD_BIN=target/release/ward BENCH_DIR=/tmp/ward-national bench/board_pack.sh 10 national
#
# Reuses (or generates) the demo database as bench/impact_request.sh does. ORG defaults to the
# trust with the most assets in the demo. Two measurements:
# `ward report board-pack --org ORG --out FILE` ROUNDS times (one process each: it opens the store
# and builds the exposure index first, as a script would), then
# `GET /api/v1/orgs/ORG/board-pack?format=pdf` ROUNDS times on a running `ward serve` whose
# exposure index is already built (what the download link on the page does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-10}"
SCALE="${2:-national}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
if [ -z "${WARD_BIN:-}" ]; then cargo build --release -q -p ward-cli; fi
WARD="${WARD_BIN:-$CARGO_TARGET_DIR/release/ward}"
if [ -n "${BENCH_DIR:-}" ]; then DIR="$BENCH_DIR"; KEEP=1; mkdir -p "$DIR"; else DIR="$(mktemp -d)"; KEEP=0; fi
trap 'kill "${PID:-0}" 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$DIR"' EXIT
export WARD_DATABASE_URL="sqlite://$DIR/ward-$SCALE.db"
export WARD_INSTANCE_KEY_FILE="$DIR/key-$SCALE"
export WARD_LOG="warn,ward_app::exposure=info"
load() { cut -d' ' -f1-3 /proc/loadavg; }
summary() {
  sort -n | awk '{v[NR]=$1} END {
    n = NR; i50 = int((n - 1) * 0.5 + 0.5) + 1
    printf "n %d  min %.0f  p50 %.0f  max %.0f ms\n", n, v[1], v[i50], v[n] }'
}

if [ ! -f "$DIR/ward-$SCALE.db" ]; then
  echo "== demo generation ($SCALE), load $(load)"
  "$WARD" demo --scale "$SCALE" --no-serve >"$DIR/demo.out" 2>"$DIR/demo.err" || { cat "$DIR/demo.err"; exit 1; }
fi
ORG="${3:-$(sqlite3 "$DIR/ward-$SCALE.db" "SELECT o.code FROM organisations o JOIN assets a ON a.org_id = o.id \
  WHERE o.kind = 'nhs_trust' GROUP BY o.code ORDER BY COUNT(*) DESC, o.code LIMIT 1")}"
echo "trust $ORG: $(sqlite3 "$DIR/ward-$SCALE.db" "SELECT name FROM organisations WHERE code = '$ORG'"), \
$(sqlite3 "$DIR/ward-$SCALE.db" "SELECT COUNT(*) FROM assets a JOIN organisations o ON a.org_id = o.id WHERE o.code = '$ORG'") assets"

echo "== ward report board-pack --org $ORG, $ROUNDS processes, load before $(load)"
: >"$DIR/pack-cli.ms"
for _ in $(seq 1 "$ROUNDS"); do
  /usr/bin/time -f "%e %M" -o "$DIR/time.out" "$WARD" --json report board-pack --org "$ORG" --out "$DIR/pack.pdf" \
    >"$DIR/pack.json" 2>"$DIR/pack.err" || { cat "$DIR/pack.err"; exit 1; }
  read -r SECS KB <"$DIR/time.out"
  awk -v s="$SECS" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/pack-cli.ms"
done
echo "cli: $(summary <"$DIR/pack-cli.ms")  peak RSS $((KB / 1024)) MiB  PDF $(wc -c <"$DIR/pack.pdf") bytes, \
$(python3 -c 'import re,sys; print(len(re.findall(rb"/Type /Page(?!s)", open(sys.argv[1], "rb").read())))' "$DIR/pack.pdf") pages"

NAT=$("$WARD" tokens issue --name bench-pack --owner national.analyst@demo.ward.example --role national_analyst --org X26 --days 1 2>/dev/null)
PORT=18300
LOG="$DIR/serve-pack.log"
"$WARD" serve --listen 127.0.0.1:$PORT --metrics-listen 127.0.0.1:$((PORT + 1)) --workers 0 >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 6000); do grep -q "exposure index built" "$LOG" && break; sleep 0.1; done
echo "== GET /api/v1/orgs/$ORG/board-pack?format=pdf, $ROUNDS requests one at a time, load before $(load)"
: >"$DIR/pack-api.ms"
for _ in $(seq 1 "$ROUNDS"); do
  OUT=$(curl -s -o "$DIR/pack-api.pdf" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $NAT" \
    "http://127.0.0.1:$PORT/api/v1/orgs/$ORG/board-pack?format=pdf")
  [ "${OUT%% *}" = 200 ] || { echo "status ${OUT%% *}"; head -c 400 "$DIR/pack-api.pdf"; tail -5 "$LOG"; exit 1; }
  awk -v s="${OUT#* }" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$DIR/pack-api.ms"
done
echo "api: $(summary <"$DIR/pack-api.ms")  PDF $(wc -c <"$DIR/pack-api.pdf") bytes  load after $(load)"
