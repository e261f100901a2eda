#!/usr/bin/env bash
# E-mail and webhook delivery throughput through the job queue, end to end (issue 9): N alert
# e-mails to a local SMTP receiver and N signed webhook posts to a local HTTP receiver, drained by
# W job runners side by side (as W replicas would), on SQLite and on PostgreSQL.
#
#   bench/delivery_throughput.sh [N] [W]
#   WARD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres bench/delivery_throughput.sh 2000 4
#
# The receivers and the app run in one process (crates/ward-testkit/examples/delivery_throughput.rs,
# release build); each message is a real SMTP session or HTTP POST over the loopback. PostgreSQL is
# skipped (and says so) when WARD_TEST_POSTGRES_URL is not set.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
W="${2:-4}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ward-target}"
cargo build --release -q -p ward-testkit --example delivery_throughput
BIN="$CARGO_TARGET_DIR/release/examples/delivery_throughput"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for backend in sqlite postgres; do
    WARD_LOG=warn "$BIN" "$backend" "$N" "$W"
done
