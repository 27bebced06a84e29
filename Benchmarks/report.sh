#!/usr/bin/env bash
# `pricing report` on a 10M-booking warehouse against the same SQL run by psql into CSV files, measured in
# the same run, alternating, release build.
#   eval "$(jobs/pg env)"; Benchmarks/report.sh [REPETITIONS] [nightly|whole]      (default 3 nightly)
# nightly: the period `pricing run` reports each night (report.days = 91 days ending on the as-of date, the
# day after the newest booking was made); whole: every booking (the first slot date to the last).
# Needs the warehouse of Benchmarks/ingest.sh (bench_wh); migrates it and publishes prices if it has none.
# Baseline: `pricing report --print-sql` emits the report's queries as one psql script (COPY (...) TO
# STDOUT \g file, one REPEATABLE READ READ ONLY transaction, the period as psql variables); psql runs it.
# The CSVs of both are compared byte for byte (line endings aside).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=${1:-3}
mode=${2:-nightly}
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
wh=bench_wh
out=$repo/bench-data/report
"$pricing" migrate --warehouse "dbname=$wh" --quiet >/dev/null
if [ "$(psql -d "$wh" -tAc "SELECT count(*) FROM pricing.current_version")" = 0 ]; then
  as_of=$(psql -d "$wh" -tAc "SELECT (max(booking_time) AT TIME ZONE 'UTC')::date + 1 FROM pricing.booking_facts")
  echo "fitting and publishing as of $as_of" >&2
  "$pricing" fit --warehouse "dbname=$wh" --as-of "$as_of" --quiet >/dev/null
  "$pricing" publish --warehouse "dbname=$wh" --run "$(psql -d "$wh" -tAc "SELECT max(run_id) FROM pricing.model_runs")" --force --quiet >/dev/null
fi
psql -d "$wh" -qc "VACUUM ANALYZE" >/dev/null
case $mode in
  whole) read -r from to < <(psql -d "$wh" -tA -F ' ' -c "SELECT min(local_date), max(local_date) FROM pricing.booking_facts") ;;
  nightly) read -r from to < <(psql -d "$wh" -tA -F ' ' -c \
    "SELECT d - 90, d FROM (SELECT (max(booking_time) AT TIME ZONE 'UTC')::date + 1 AS d FROM pricing.booking_facts) t") ;;
  *) echo "report.sh: mode must be nightly or whole" >&2; exit 64 ;;
esac
bookings=$(psql -d "$wh" -tAc "SELECT count(*) FROM pricing.booking_facts WHERE local_date BETWEEN '$from' AND '$to' AND NOT source_deleted")
echo "period $from to $to ($mode), $bookings bookings" >&2
rm -rf "$out" && mkdir -p "$out/psql"
"$pricing" report --out "$out/psql" --from "$from" --to "$to" --print-sql >"$out/report.sql"

swift_times=()
psql_times=()
for rep in $(seq 1 "$reps"); do
  /usr/bin/time -f "%e %M" -o "$out/time" "$pricing" report --warehouse "dbname=$wh" --out "$out/swift" \
    --from "$from" --to "$to" --quiet >/dev/null
  swift_times+=("$(cat "$out/time")")
  /usr/bin/time -f "%e %M" -o "$out/time" psql -X -q -v ON_ERROR_STOP=1 -d "$wh" -f "$out/report.sql"
  psql_times+=("$(cat "$out/time")")
  echo "rep $rep: pricing report ${swift_times[-1]}; psql ${psql_times[-1]} (seconds, peak KB)" >&2
done
differ=0
for file in "$out"/psql/*.csv; do
  name=$(basename "$file")
  case $name in ingest_freshness.csv|price_version.csv|recent_runs.csv|last_pipeline_run.csv|attention_facts.csv) continue ;; esac  # ages in hours move
  cmp -s <(tr -d '\r' <"$out/swift/$name") "$file" || { echo "differs: $name" >&2; differ=1; }
done
median() { printf '%s\n' "$@" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
s=$(median "${swift_times[@]}")
p=$(median "${psql_times[@]}")
echo "mode=$mode bookings=$bookings tables=$(ls "$out"/psql/*.csv | wc -l) pricing_report_s=$s psql_s=$p ratio=$(awk -v a="$s" -v b="$p" 'BEGIN {printf "%.3f", a / b}') csv_identical=$([ $differ = 0 ] && echo yes || echo no)"
