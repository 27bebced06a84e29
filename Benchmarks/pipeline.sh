#!/usr/bin/env bash
# The end-to-end benchmark of issue 8: on the 10M-booking source of Benchmarks/ingest.sh (bench_src), a
# first full `pricing run` into an empty warehouse, then a simulated day (about 30,000 new bookings with
# their payments, 20,000 status changes) and the nightly incremental `pricing run`. Release build; wall
# time and peak memory from /usr/bin/time -v, per-step times from the run's own records (run_steps).
#   eval "$(jobs/pg env)"; Benchmarks/pipeline.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
src=bench_src
wh=bench_e2e
out=$repo/bench-data/pipeline
mkdir -p "$out"
[ "$(psql -d "$src" -tAc "SELECT count(*) FROM bookings" 2>/dev/null || echo 0)" -gt 1000000 ] \
  || { echo "run Benchmarks/ingest.sh first (it seeds $src)" >&2; exit 1; }
as_of=$(psql -d "$src" -tAc "SELECT (max(booking_time) AT TIME ZONE 'UTC')::date + 1 FROM bookings")
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
INSERT INTO bookings (booking_id, service_id, user_id, status, booking_time, scheduled_for, price, currency, updated_at)
SELECT (SELECT max(booking_id) FROM bookings) + n, service_id, user_id, 'confirmed',
       '$as_of'::timestamptz + (n % 86400) * interval '1 second',
       '$as_of'::timestamptz + (1 + n % 27) * interval '1 day' + interval '10 hours', price, currency,
       '$as_of'::timestamptz + (n % 86400) * interval '1 second'
FROM picked;
INSERT INTO payments (payment_id, booking_id, amount, currency, status, refunded_amount, created_at, updated_at)
SELECT (SELECT max(payment_id) FROM payments) + n, (SELECT max(booking_id) FROM bookings) - 30000 + n, price, currency,
       'succeeded', 0, '$as_of'::timestamptz + (n % 86400) * interval '1 second',
       '$as_of'::timestamptz + (n % 86400) * interval '1 second'
FROM picked;
UPDATE bookings SET status = CASE WHEN booking_id % 5 = 0 THEN 'cancelled' ELSE 'completed' END,
       updated_at = '$as_of'::timestamptz + interval '20 hours'
WHERE booking_id IN (SELECT booking_id FROM bookings WHERE status = 'confirmed' ORDER BY booking_id LIMIT 20000);
COMMIT;
SQL
next=$(date -u -d "$as_of + 1 day" +%F)
run nightly-incremental-run --as-of "$next"
