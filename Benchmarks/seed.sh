#!/usr/bin/env bash
# Time and peak memory of `pricing seed --bookings N` (release build) into a scratch database.
#   eval "$(jobs/pg env)"; Benchmarks/seed.sh [N] [DATABASE]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bookings=${1:-1000000}
database=${2:-bench}
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
dropdb --if-exists "$database" && createdb "$database"
/usr/bin/time -v "$pricing" seed --source "dbname=$database" --bookings "$bookings" --seed 1 --today 2026-11-26 \
  --quiet 2>&1 | grep -E 'seeded|Elapsed|Maximum resident'
