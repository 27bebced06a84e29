#!/usr/bin/env bash
# Publishing 1,008,000 rows (300 cities x 40 categories x 3 bands x 28 days) against psql COPY of the same
# rows into an empty table, and the booking service's lookup under pgbench (8 clients, 20 s) idle and while
# versions are being published, in the same run. Two fitted runs whose multipliers differ by up
# to 3% are published in turn, so that every publish compares a million real moves (the drift).
#   eval "$(jobs/pg env)"; Benchmarks/publish.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
if ! command -v hyperfine >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "publish.sh: hyperfine is missing: apt-get install hyperfine" >&2; exit 69; }
  apt-get install -y -qq hyperfine >&2
fi
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
db=bench_pub
work=$(mktemp -d)
dropdb --if-exists "$db" && createdb "$db"
"$pricing" migrate --warehouse "dbname=$db" --quiet >/dev/null
# The runs are fitted as of today: a published table must price today (the current guardrail).
psql -d "$db" -q <<SQL
INSERT INTO pricing.providers (provider_id, experience_years, weekly_capacity, status, run_id)
VALUES (1, 5, 20, 'active', 1);
INSERT INTO pricing.services (service_id, category, city, price, currency, provider_id, active, run_id)
SELECT c * 1000 + k, 'cat' || c, 'city' || k, 50, 'EUR', 1, true, 1
FROM generate_series(1, 40) c, generate_series(1, 300) k;
INSERT INTO pricing.runs (run_id, command) VALUES (1, 'fit');
INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
  iterations, status, config, coefficients, elasticities, metrics, timings)
VALUES (1, current_date, current_date - 730, current_date - 28, 28, 'poisson', true, 5, 'fitted',
  '{"min_multiplier": 0.8, "max_multiplier": 1.5, "max_daily_change": 0.1}', '[]', '[]', '{}', '{}');
-- The candidates as the fit writes them: the multipliers, and their factors (fourteen numbers, about 430
-- bytes of JSON, as in a fitted run of the demo marketplace) in their own table.
INSERT INTO pricing.candidate_multipliers
SELECT 1, 'cat' || c, 'city' || k, b.band, current_date + d, round((0.9 + random() * 0.2)::numeric, 4)
FROM generate_series(1, 40) c, generate_series(1, 300) k, pricing.experience_bands b, generate_series(0, 27) d;
INSERT INTO pricing.candidate_factors
SELECT run_id, category, city, experience_band, valid_on,
       jsonb_build_object('band', random(), 'base', random(), 'city', random(), 'clamp', random(),
         'season', random(), 'target', 0.85, 'weekday', random(), 'capacity', random() * 500,
         'pressure', random(), 'smoothing', random(), 'confidence', random(), 'elasticity', -random() * 2,
         'experience', random(), 'predicted_bookings', random() * 500)
FROM pricing.candidate_multipliers;
-- A second run: the first one's cells, each multiplier moved by up to 3% either way.
INSERT INTO pricing.runs (run_id, command) VALUES (2, 'fit');
INSERT INTO pricing.model_runs (run_id, as_of, history_start, holdout_start, horizon_days, family, converged,
  iterations, status, config, coefficients, elasticities, metrics, timings)
SELECT 2, as_of, history_start, holdout_start, horizon_days, family, converged, iterations, status, config,
       coefficients, elasticities, metrics, timings
FROM pricing.model_runs WHERE run_id = 1;
INSERT INTO pricing.candidate_multipliers
SELECT 2, category, city, experience_band, valid_on, round((multiplier * (0.97 + random() * 0.06))::numeric, 4)
FROM pricing.candidate_multipliers WHERE run_id = 1;
INSERT INTO pricing.candidate_factors
SELECT 2, category, city, experience_band, valid_on, factors FROM pricing.candidate_factors WHERE run_id = 1;
-- The baseline's table: the version's rows with a primary key, as a table of published rows would have.
CREATE TABLE copy_target (
  version_id bigint NOT NULL, category text NOT NULL, city text NOT NULL, experience_band text NOT NULL,
  valid_on date NOT NULL, multiplier numeric(6,4) NOT NULL,
  PRIMARY KEY (version_id, category, city, experience_band, valid_on));
-- The fit's write of the same rows and their factors, for comparison (part of pricing fit, not publish).
CREATE TABLE candidates_copy_target (LIKE pricing.candidate_multipliers INCLUDING ALL);
CREATE TABLE factors_copy_target (LIKE pricing.candidate_factors INCLUDING ALL);
VACUUM ANALYZE;
SQL
psql -d "$db" -qc "\\copy (SELECT 1, category, city, experience_band, valid_on, multiplier FROM pricing.candidate_multipliers WHERE run_id = 1) to '$work/rows.tsv'"
psql -d "$db" -qc "\\copy (SELECT 2, category, city, experience_band, valid_on, factors FROM pricing.candidate_factors WHERE run_id = 1) to '$work/factors.tsv'"
# The first publish, so that every timed one compares its run with the other (the drift).
"$pricing" publish --warehouse "dbname=$db" --run 2 --force --quiet >/dev/null
# The run to publish next: the one not current.
next_run() { psql -d "$db" -Atc 'SELECT 3 - run_id FROM pricing.current_version'; }
rows=$(wc -l <"$work/rows.tsv")
echo "rows: $rows"
PGDATABASE=$db hyperfine --warmup 1 --runs 10 --export-markdown "$work/publish.md" \
  --prepare "psql -d $db -qc 'TRUNCATE copy_target'" \
  --prepare "psql -d $db -Atc 'SELECT 3 - run_id FROM pricing.current_version' >$work/next" \
  --prepare "psql -d $db -qc 'TRUNCATE candidates_copy_target, factors_copy_target'" \
  -n "psql COPY into an empty table" "psql -d $db -qc \"\\copy copy_target from '$work/rows.tsv'\"" \
  -n "pricing publish (guardrails, flip)" "$pricing publish --warehouse dbname=$db --run \$(cat $work/next) --force --quiet" \
  -n "psql COPY of the rows and of their factors (the fit's write)" \
  "psql -d $db -qc \"\\copy candidates_copy_target from '$work/rows.tsv'\" && psql -d $db -qc \"\\copy factors_copy_target from '$work/factors.tsv'\""
cat "$work/publish.md"

# The booking service's lookup, idle and during publishes: prepared once per connection (as the reference
# client in docs/publish.md does, and as drivers' prepared statements do), and for comparison sent as
# plain text to be planned every time (pgbench's simple protocol).
cat >"$work/lookup.sql" <<'SQL'
\set c random(1, 40)
\set k random(1, 300)
\set b random(1, 3)
\set d random(0, 27)
SELECT multiplier FROM pricing.current_multipliers
WHERE category = 'cat' || :c::int AND city = 'city' || :k::int
  AND experience_band = (ARRAY['junior', 'experienced', 'senior'])[:b::int] AND valid_on = current_date + :d::int;
SQL
# The same lookup through the warehouse's function (a booking service in another database): the band from
# the provider's years inside.
cat >"$work/lookup_function.sql" <<'SQL'
\set c random(1, 40)
\set k random(1, 300)
\set y random(0, 20)
\set d random(0, 27)
SELECT multiplier FROM pricing.multiplier('cat' || :c::int, 'city' || :k::int, :y::numeric, current_date + :d::int);
SQL
lookup() { # label, pgbench protocol[, script (default lookup.sql)]
  (cd "$work" && rm -f pgbench_log.* && pgbench -n -M "$2" -c 8 -j 2 -T 20 -l -f "${3:-lookup.sql}" "$db" >"$work/$1.txt" 2>&1 || true)
  local tps errors p99
  tps=$(grep -E '^tps' "$work/$1.txt" | head -1 | awk '{print $3}')
  errors=$(grep -E 'failed transactions|aborted' "$work/$1.txt" | head -1 || true)
  p99=$(cat "$work"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int(NR*0.99)]/1000}')
  echo "| lookups $1 | $tps tps | p99 $p99 ms | $errors |"
}
publishing() { # label, pgbench protocol[, pause ratio (default: the configured one, 2)[, script]]: the lookups while
  # `pricing publish` runs in a loop
  rm -f "$work/publish.log"
  ( end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do
      env ${3:+PRICING_PUBLISH_PAUSE_RATIO=$3} "$pricing" publish --warehouse "dbname=$db" --run "$(next_run)" --force \
        >/dev/null 2>>"$work/publish.log"; done ) &
  local publisher=$!
  lookup "$1" "$2" "${4:-}"
  wait $publisher
  # What the publishes did meanwhile: how many, and their guardrail queries' and pauses' seconds (medians).
  local lines; lines=$(grep 'guardrails of run' "$work/publish.log" |
    sed -E 's/.* took ([0-9.]+) s of queries paused_seconds=([0-9.]+).*/\1 \2/')
  median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }
  echo "|   ($(echo "$lines" | wc -l) publishes; medians: guardrail queries $(echo "$lines" | cut -d' ' -f1 | median) s," \
    "paused $(echo "$lines" | cut -d' ' -f2 | median) s) | | | |"
}
copying() { # label, pgbench protocol: the lookups while psql COPY loads the same rows in a loop (the
  # baseline's own load on the server, for comparison with the publishes')
  ( end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do
      psql -d "$db" -qc 'TRUNCATE copy_target'; psql -d "$db" -qc "\\copy copy_target from '$work/rows.tsv'"; done ) &
  local loader=$!
  lookup "$1" "$2"
  wait $loader
}
# Vacuum and analyse now, so that autovacuum does not take the CPU in the middle of the idle measurement.
psql -d "$db" -qc "VACUUM ANALYZE pricing.candidate_multipliers"
echo "| pgbench, 8 clients, 20 s | throughput | p99 latency | errors |"
echo "|---|---|---|---|"
# Three pairs of idle and publishing windows, interleaved: the machine's speed drifts between 20 s windows
# (idle throughput 45,000-59,000 tps in one session), so each ratio compares neighbours.
for pair in 1 2 3; do
  lookup "idle, prepared ($pair)" prepared
  publishing "while publishing, prepared ($pair)" prepared
done
publishing "while publishing without pauses (pause_ratio 0), prepared" prepared 0
copying "while psql COPY loads the rows, prepared" prepared
lookup "idle, planned every time" simple
lookup "idle, prepared, pricing.multiplier()" prepared lookup_function.sql
publishing "while publishing, prepared, pricing.multiplier()" prepared "" lookup_function.sql
publishing "while publishing, planned every time" simple
psql -d "$db" -tAc "SELECT count(*) || ' versions published' FROM pricing.price_versions"
rm -rf "$work"
