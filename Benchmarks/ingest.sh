#!/usr/bin/env bash
# Full and incremental `pricing ingest` against a plain-PostgreSQL baseline in the same run.
#   eval "$(jobs/pg env)"; Benchmarks/ingest.sh [BOOKINGS]      (default 10,000,000)
# Baseline: psql COPY of the same columns out of the source piped into psql COPY into a table of the
# warehouse with the same primary key, table by table. Then `pricing ingest` (first run, full), and an
# incremental run after 1% of the bookings changed. Peak memory from /usr/bin/time -v.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bookings=${1:-10000000}
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
src=bench_src
wh=bench_wh
psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$src'" | grep -q 1 || createdb "$src"
have=$(psql -d "$src" -tAc "SELECT count(*) FROM bookings" 2>/dev/null || echo 0)
seeded=$(psql -d "$src" -tAc "SELECT count(*) FROM bench_seed" 2>/dev/null || echo 0)
if [ "$have" -lt $((bookings * 9 / 10)) ] || [ "$have" -gt $((bookings * 11 / 10)) ] || [ "$seeded" != 1 ]; then
  echo "seeding $bookings bookings" >&2
  dropdb "$src" && createdb "$src"
  "$pricing" seed --source "dbname=$src" --bookings "$bookings" --seed 1 --today "$(date -u -d yesterday +%F)" --quiet
  psql -d "$src" -qc "DROP TABLE IF EXISTS bench_seed; CREATE TABLE bench_seed AS SELECT max(updated_at) AS seeded_at FROM bookings"
fi
# Earlier runs of this script changed 1% of the bookings (updated_at = then): move those changes back to a
# day before the seed's last change, so that this run's incremental step reads this run's 1% only (and not,
# through the watermark's overlap window, an earlier run's too).
psql -d "$src" -qc "UPDATE bookings SET updated_at = (SELECT seeded_at FROM bench_seed) - interval '1 day' WHERE updated_at > (SELECT seeded_at FROM bench_seed)"
dropdb --if-exists "$wh" && createdb "$wh"
"$pricing" migrate --warehouse "dbname=$wh" --quiet >/dev/null
psql -d "$src" -c "VACUUM ANALYZE" -q

declare -A columns=(
  [cities]="city text PRIMARY KEY, time_zone text, country text"
  [users]="user_id bigint PRIMARY KEY, type text, city text, created_at timestamptz"
  [providers]="provider_id bigint PRIMARY KEY, experience_years numeric, weekly_capacity integer, status text, onboarded_at timestamptz, updated_at timestamptz"
  [services]="service_id bigint PRIMARY KEY, title text, category text, city text, price numeric, currency text, provider_id bigint, active boolean, created_at timestamptz, updated_at timestamptz"
  [bookings]="booking_id bigint PRIMARY KEY, service_id bigint, user_id bigint, status text, booking_time timestamptz, scheduled_for timestamptz, price numeric, currency text, updated_at timestamptz"
  [payments]="payment_id bigint PRIMARY KEY, booking_id bigint, amount numeric, currency text, status text, refunded_amount numeric, created_at timestamptz, updated_at timestamptz"
  [feedbacks]="feedback_id bigint PRIMARY KEY, booking_id bigint, rating smallint, comment text, created_at timestamptz"
  [quotes]="quote_id bigint PRIMARY KEY, service_id bigint, user_id bigint, quoted_at timestamptz, scheduled_for timestamptz, price numeric, multiplier numeric, version_id bigint, booking_id bigint"
)
start=$(date +%s.%N)
for table in cities users providers services bookings payments feedbacks quotes; do
  cols=$(echo "${columns[$table]}" | sed -E 's/ (bigint|text|numeric|integer|timestamptz|boolean|smallint)( PRIMARY KEY)?//g')
  psql -d "$wh" -qc "CREATE TABLE baseline_$table (${columns[$table]})"
  psql -d "$src" -qc "\\copy (SELECT $cols FROM $table) to stdout" | psql -d "$wh" -qc "\\copy baseline_$table from stdin"
done
baseline=$(echo "$(date +%s.%N) - $start" | bc)

/usr/bin/time -v "$pricing" ingest --source "dbname=$src" --warehouse "dbname=$wh" --quiet >/tmp/ingest-full.txt 2>/tmp/ingest-full.time
full=$(grep 'Elapsed' /tmp/ingest-full.time | awk '{print $NF}')
full_rss=$(grep 'Maximum resident' /tmp/ingest-full.time | awk '{print $NF}')

psql -d "$src" -qc "UPDATE bookings SET status = CASE WHEN status = 'confirmed' THEN 'cancelled' ELSE status END, updated_at = now() WHERE booking_id % 100 = 7"
/usr/bin/time -v "$pricing" ingest --source "dbname=$src" --warehouse "dbname=$wh" --quiet >/tmp/ingest-incr.txt 2>/tmp/ingest-incr.time
incremental=$(grep 'Elapsed' /tmp/ingest-incr.time | awk '{print $NF}')
incremental_rss=$(grep 'Maximum resident' /tmp/ingest-incr.time | awk '{print $NF}')

to_seconds() { echo "$1" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }'; }
f=$(to_seconds "$full"); i=$(to_seconds "$incremental")
echo "| measure | seconds | peak memory | ratio |"
echo "|---|---|---|---|"
echo "| baseline: psql COPY out piped into psql COPY in, 8 tables | $baseline | | 1 |"
echo "| pricing ingest, first (full) run | $f | $((full_rss / 1024)) MB | $(echo "scale=2; $f / $baseline" | bc) x baseline |"
echo "| pricing ingest, incremental after 1% of bookings changed | $i | $((incremental_rss / 1024)) MB | $(echo "scale=3; $i / $f" | bc) x full |"
cat /tmp/ingest-full.txt /tmp/ingest-incr.txt
