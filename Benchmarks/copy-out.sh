#!/usr/bin/env bash
# COPY out through the Postgres wrapper and the CSV reader versus psql's \copy to /dev/null, same query,
# same run. Needs a seeded source database (default: the demo's `marketplace`):
#   eval "$(jobs/pg env)"; Benchmarks/copy-out.sh [DATABASE]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
database=${1:-marketplace}
cd "$repo/Benchmarks"
swift build -c release --product pricing-bench >&2
bench=$(swift build -c release --show-bin-path)/pricing-bench
query="SELECT booking_id, service_id, user_id, status, booking_time, scheduled_for, price, currency, updated_at FROM bookings"
rows=$(psql -d "$database" -tAc "SELECT count(*) FROM bookings")
echo "bookings rows: $rows"
PGDATABASE=$database hyperfine --warmup 1 --runs 5 --export-markdown "$repo/out/copy-out.md" \
  -n "psql \\copy to /dev/null" "psql -d $database -c \"\\copy ($query) to '/dev/null' csv\"" \
  -n "pricing wrapper + CSV reader" "$bench copy-out '$query'"
