#!/usr/bin/env bash
# The end-to-end benchmark: a source of 10M bookings seeded with yesterday's snapshot (so that
# its timestamps agree with the clock), a first full `pricing run` into an empty warehouse, then a simulated
# day (30,000 new bookings made today with their payments, 20,000 status changes) and the nightly
# incremental `pricing run` as of tomorrow. Release build; wall
# time and peak memory from /usr/bin/time -v, per-step times from the run's own records (run_steps).
#   eval "$(jobs/pg env)"; Benchmarks/pipeline.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
src=bench_e2e_src
wh=bench_e2e
out=$repo/bench-data/pipeline
mkdir -p "$out"
as_of=$(date -u +%F)
dropdb --if-exists "$src" && createdb "$src"
echo "seeding 10,000,000 bookings with the snapshot of $(date -u -d yesterday +%F)" >&2
"$pricing" seed --source "dbname=$src" --bookings 10000000 --seed 1 --today "$(date -u -d yesterday +%F)" --quiet >/dev/null
psql -d "$src" -qc "VACUUM ANALYZE" >/dev/null
dropdb --if-exists "$wh" && createdb "$wh"
"$pricing" migrate --warehouse "dbname=$wh" --quiet >/dev/null

run() { # label, extra args
  local label=$1
  shift
  /usr/bin/time -v "$pricing" run --source "dbname=$src" --warehouse "dbname=$wh" --config data/pricing.toml \
    --report-dir "$out/report" --quiet "$@" >"$out/$label.txt" 2>"$out/$label.time" || true
  local wall rss
  wall=$(grep 'Elapsed' "$out/$label.time" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(grep 'Maximum resident' "$out/$label.time" | awk '{print $NF}')
  echo "## $label: ${wall} s wall, peak memory $((rss / 1024)) MB"
  cat "$out/$label.txt"
  psql -d "$wh" -tA -F ' | ' -c "
    SELECT step, status, round(extract(epoch FROM finished_at - started_at)::numeric, 1) || ' s', rows
    FROM pricing.run_steps WHERE run_id = (SELECT max(run_id) FROM pricing.runs WHERE command = 'run')
    ORDER BY started_at"
  # When validation rejected the model, the run skipped publish: time a forced publish of that run on its
  # own, so that the step's cost is known (recorded as forced in publish_events).
  local fit_run
  fit_run=$(psql -d "$wh" -tAc "SELECT max(run_id) FROM pricing.model_runs")
  if grep -q "^publish: skipped" "$out/$label.txt" && [ -n "$fit_run" ]; then
    /usr/bin/time -f "%e s, %M KB" -o "$out/$label.publish.time" "$pricing" publish --warehouse "dbname=$wh" \
      --run "$fit_run" --force --quiet >/dev/null
    echo "publish of the rejected run $fit_run, forced, outside the run: $(cat "$out/$label.publish.time")"
  fi
}

run first-full-run --full-ingest --as-of "$as_of"

echo "simulating a day: 30,000 new bookings with payments, 20,000 status changes" >&2
psql -d "$src" -q -v ON_ERROR_STOP=1 <<SQL
BEGIN;
CREATE TEMP TABLE picked AS
  SELECT b.*, row_number() OVER () AS n FROM bookings b TABLESAMPLE SYSTEM (1) REPEATABLE (8) LIMIT 30000;
CREATE TEMP TABLE base AS SELECT (SELECT max(booking_id) FROM bookings) AS booking, (SELECT max(payment_id) FROM payments) AS payment;
-- Made today (up to 20 hours ago), for slots in the next four weeks, paid at once.
INSERT INTO bookings (booking_id, service_id, user_id, status, booking_time, scheduled_for, price, currency, updated_at)
SELECT base.booking + n, service_id, user_id, 'confirmed', now() - (n % 72000) * interval '1 second',
       date_trunc('day', now()) + (1 + n % 27) * interval '1 day' + interval '10 hours', price, currency,
       now() - (n % 72000) * interval '1 second'
FROM picked, base;
INSERT INTO payments (payment_id, booking_id, amount, currency, status, refunded_amount, created_at, updated_at)
SELECT base.payment + n, base.booking + n, price, currency, 'succeeded', 0,
       now() - (n % 72000) * interval '1 second', now() - (n % 72000) * interval '1 second'
FROM picked, base;
-- The 20,000 confirmed bookings with the earliest slots: completed when the slot has passed, else cancelled.
UPDATE bookings SET status = CASE WHEN scheduled_for < now() THEN 'completed' ELSE 'cancelled' END,
       updated_at = now() - interval '1 hour'
WHERE booking_id IN (SELECT booking_id FROM bookings WHERE status = 'confirmed' ORDER BY scheduled_for LIMIT 20000);
COMMIT;
SQL
next=$(date -u -d tomorrow +%F)
# The clock still says today: --replay lets the run act as of tomorrow, so that its publish is measured too.
run nightly-incremental-run --as-of "$next" --replay
