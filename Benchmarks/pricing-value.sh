#!/usr/bin/env bash
# The value of the published prices judged under the truth: for each seeded market, `pricing run --replay`
# (ingest, fit, publish, as of the market's snapshot date) and then `pricing evaluate`, which computes the
# published table's expected GMV under the market's true demand against flat prices and the oracle (the
# GMV-optimal multiplier per category, city, band and day within the same bounds, with the true parameters).
# It also checks `pricing impact`'s 90% intervals (against flat prices, per category and currency) against
# the true expected GMV of the same table. Release build; default settings (data/pricing.toml).
#   eval "$(jobs/pg env)"; Benchmarks/pricing-value.sh [MARKET...]
# A market is SEED:BOOKINGS:SNAPSHOT_DATE; the default three differ in size, seed and season.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
out=$repo/bench-data/pricing-value
mkdir -p "$out"
markets=("$@")
[ ${#markets[@]} -gt 0 ] || markets=("5:100000:2026-06-15" "7:300000:2026-10-12" "11:1000000:2026-02-09")

printf '| market | published lift | oracle lift | capture | worst category lift | impact 90%% coverage |\n'
printf '|---|---|---|---|---|---|\n'
for market in "${markets[@]}"; do
  IFS=: read -r seed bookings snapshot <<<"$market"
  src=bench_value_src
  wh=bench_value_wh
  dropdb --if-exists "$src" && createdb "$src"
  dropdb --if-exists "$wh" && createdb "$wh"
  "$pricing" seed --source "dbname=$src" --bookings "$bookings" --seed "$seed" --today "$snapshot" \
    --truth "$out/truth-$seed.json" --quiet >/dev/null
  "$pricing" migrate --warehouse "dbname=$wh" --quiet >/dev/null
  "$pricing" run --source "dbname=$src" --warehouse "dbname=$wh" --config data/pricing.toml --as-of "$snapshot" \
    --replay --report-dir "" --quiet >"$out/run-$seed.txt" 2>&1 || { cat "$out/run-$seed.txt" >&2; exit 1; }
  "$pricing" evaluate --warehouse "dbname=$wh" --truth "$out/truth-$seed.json" --format json >"$out/evaluate-$seed.json"
  "$pricing" impact --warehouse "dbname=$wh" --against flat --format json >"$out/impact-$seed.json"
  "$pricing" evaluate --warehouse "dbname=$wh" --truth "$out/truth-$seed.json" >"$out/evaluate-$seed.txt"
  python3 - "$out/evaluate-$seed.json" "$out/impact-$seed.json" "$seed:$bookings:$snapshot" <<'PY'
import json, sys
evaluation = json.load(open(sys.argv[1]))
impact = json.load(open(sys.argv[2]))["estimate"]
totals = [l for l in evaluation["lines"] if l.get("category") is None]
lift = ", ".join(f"{l['currency']} {l['lift']*100:+.1f}%" for l in totals)
oracle = ", ".join(f"{l['currency']} {l['oracle_lift']*100:+.1f}%" for l in totals)
capture = ", ".join(f"{l['currency']} {l['capture']:.2f}" for l in totals if l.get("capture") is not None)
categories = [l for l in evaluation["lines"] if l.get("category") is not None]
worst = min(categories, key=lambda l: l["lift"])
truth = {(l["category"], l["currency"]): l["gmv"] for l in categories}
covered = total = 0
for line in impact["by_category"]:
    key = (line["category"], line["currency"])
    if key not in truth:
        continue
    total += 1
    interval = line["gmv_interval"]
    covered += interval["low"] <= truth[key] <= interval["high"]
print(f"| {sys.argv[3]} | {lift} | {oracle} | {capture} (min {evaluation['min_capture']:.2f}) "
      f"| {worst['category']} {worst['currency']} {worst['lift']*100:+.2f}% | {covered}/{total} |")
PY
done
