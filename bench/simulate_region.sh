#!/usr/bin/env bash
# 10,000 trials of each built-in scenario over a region-sized sector (issue 10): the whole
# `ward simulate` command, reading the store and building the graph included.
#
#   WARD_BIN=target/release/ward bench/simulate_region.sh [TRIALS] [SCALE]
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS="${1:-10000}"
SCALE="${2:-region}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
if [ -z "${WARD_BIN:-}" ]; then cargo build --release -q -p ward-cli; fi
WARD="${WARD_BIN:-$CARGO_TARGET_DIR/release/ward}"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
export WARD_DATABASE_URL="sqlite://$DIR/ward.db" WARD_INSTANCE_KEY_FILE="$DIR/key"
"$WARD" demo --scale "$SCALE" --no-serve 2>&1 >/dev/null | grep -E "Loaded" || true
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
for s in wannacry-2017 advanced-2022 synnovis-2024; do
  /usr/bin/time -f "$s: %e s wall, peak RSS %M KB" "$WARD" --json simulate --scenario "$s" \
    --trials "$TRIALS" --seed 2017 >"$DIR/$s.json" 2>"$DIR/$s.err" || { cat "$DIR/$s.err"; exit 1; }
  tail -1 "$DIR/$s.err"
done
