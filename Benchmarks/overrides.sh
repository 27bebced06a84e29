#!/usr/bin/env bash
# Overrides on a large warehouse (default: the 10M-booking warehouse of Benchmarks/pipeline.sh, fitted and
# published as of today): (1) how long from `pricing override add` to the booking service seeing the new
# prices through `pricing publish --reapply-overrides`; (2) a publish's guardrails with 1,000 overrides in
# force against none: two fits of the same data, one with 1,000 overrides (scattered scopes, factor 1.01),
# one without, each `pricing publish --run N --dry-run` timed alternately, 7 times. Release build.
#   eval "$(jobs/pg env)"; Benchmarks/overrides.sh [WAREHOUSE_DB]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
wh=${1:-bench_e2e}
today=$(date -u +%F)
export PRICING_ACTOR=benchmark
"$pricing" migrate --warehouse "dbname=$wh" --quiet >/dev/null
sql() { psql -X -At -d "$wh" -c "$1"; }
sql "UPDATE pricing.price_overrides SET revoked_at = now(), revoked_by = 'benchmark' WHERE revoked_at IS NULL" >/dev/null
"$pricing" fit --warehouse "dbname=$wh" --as-of "$today" --config data/policy.toml --quiet >/dev/null
"$pricing" publish --warehouse "dbname=$wh" --run "$(sql "SELECT max(run_id) FROM pricing.model_runs")" --force --quiet >/dev/null

pair=$(sql "SELECT category || '|' || city FROM pricing.current_multipliers GROUP BY 1 ORDER BY 1 LIMIT 1")
start=$(date +%s.%N)
"$pricing" override add --warehouse "dbname=$wh" --category "${pair%%|*}" --city "${pair#*|}" --from "$today" \
  --to "$(date -u -d '+6 days' +%F)" --kind fixed --value 1.25 --reason "benchmark" --quiet >/dev/null
"$pricing" publish --warehouse "dbname=$wh" --reapply-overrides --quiet >/dev/null
end=$(date +%s.%N)
seen=$(sql "SELECT count(*) FROM pricing.current_multipliers WHERE category = '${pair%%|*}' AND city = '${pair#*|}' AND multiplier = 1.25")
echo "override add + publish --reapply-overrides: $(echo "$end - $start" | bc) s; cells now at the override: $seen"
echo "candidate rows of the served table: $(sql "SELECT count(*) FROM pricing.current_multipliers")"

# 1,000 overrides in force: factor 1.01 on scattered scopes (category x city x band x a week).
sql "
INSERT INTO pricing.price_overrides (category, city, experience_band, valid_from, valid_to, kind, value, reason, created_by)
SELECT p.category, p.city, b.band, '$today'::date + (g % 21), '$today'::date + (g % 21) + 6, 'factor', 1.01, 'benchmark', 'benchmark'
FROM generate_series(1, 1000) g
JOIN LATERAL (SELECT category, city FROM (SELECT DISTINCT category, city FROM pricing.current_multipliers) d
              ORDER BY category, city OFFSET (g % (SELECT count(DISTINCT (category, city)) FROM pricing.current_multipliers)) LIMIT 1) p ON true
JOIN LATERAL (SELECT band FROM pricing.experience_bands ORDER BY min_years OFFSET (g % 3) LIMIT 1) b ON true" >/dev/null
"$pricing" fit --warehouse "dbname=$wh" --as-of "$today" --config data/policy.toml --quiet >/dev/null
with=$(sql "SELECT max(run_id) FROM pricing.model_runs")
sql "UPDATE pricing.price_overrides SET revoked_at = now(), revoked_by = 'benchmark' WHERE revoked_at IS NULL" >/dev/null
"$pricing" fit --warehouse "dbname=$wh" --as-of "$today" --config data/policy.toml --quiet >/dev/null
without=$(sql "SELECT max(run_id) FROM pricing.model_runs")
echo "run $with: $(sql "SELECT count(*) FROM pricing.candidate_overrides WHERE run_id = $with") overridden cells; run $without: none"
time_publish() { /usr/bin/time -f "%e" "$pricing" publish --warehouse "dbname=$wh" --run "$1" --dry-run --force --quiet 2>&1 >/dev/null | tail -1; }
a=() b=()
for _ in 1 2 3 4 5 6 7; do
  a+=("$(time_publish "$with")")
  b+=("$(time_publish "$without")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 4p; }
echo "publish --dry-run, 7 runs each: with 1,000 overrides median $(median "${a[@]}") s (${a[*]}); without median $(median "${b[@]}") s (${b[*]})"
