#!/usr/bin/env bash
# Learning while pricing: `pricing simulate` on seeded markets, each run twice from the same seed: without
# exploration and with every price answering the elasticity (`explore.share = 0`,
# `model.elasticity_identification = all_prices`: the drift a pipeline that learns from its own prices
# suffers), and with the defaults (budgeted exploration, the elasticity identified by the logged exploration
# alone). Per run: wall time; at the last day every category's elasticity against the truth; exploration's
# expected cost under the model and its cost under the true demand; over the last 30 days the published tables'
# GMV lift against flat prices and the share of the oracle's lift they earn (capture), under the true demand.
# Release build; data/pricing.toml otherwise.
#   eval "$(jobs/pg env)"; Benchmarks/closed-loop.sh [MARKET...]
# A market is PRESET:SEED:BOOKINGS:SNAPSHOT_DATE:DAYS:REFIT (REFIT nightly or weekly).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
out=$repo/bench-data/closed-loop
mkdir -p "$out"
markets=("$@")
[ ${#markets[@]} -gt 0 ] || markets=("list-price:11:300000:2026-03-01:90:weekly" "seasonal:7:300000:2026-09-07:90:weekly")

printf '| market | mode | seconds | elasticities within 0.15 | worst error | expected cost (model) | cost (truth) | last-30-day lift | oracle lift | capture |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for market in "${markets[@]}"; do
  IFS=: read -r preset seed bookings snapshot days refit <<<"$market"
  for mode in plain explore; do
    src=bench_loop_src
    wh=bench_loop_wh
    dropdb --if-exists "$src" && createdb "$src"
    dropdb --if-exists "$wh" && createdb "$wh"
    "$pricing" seed --source "dbname=$src" --bookings "$bookings" --seed "$seed" --today "$snapshot" --preset "$preset" \
      --no-anomalies --quiet >/dev/null
    settings=()
    [ "$mode" = plain ] && settings=(PRICING_EXPLORE_SHARE=0 PRICING_MODEL_ELASTICITY_IDENTIFICATION=all_prices)
    name="$preset-$seed-$bookings-$snapshot-$days-$refit-$mode"
    started=$(date +%s.%N)
    env "${settings[@]}" "$pricing" simulate --source "dbname=$src" --warehouse "dbname=$wh" --config data/pricing.toml \
      --days "$days" --refit "$refit" --log-json "$out/$name.json" --log-csv "$out/$name.csv" --quiet \
      >"$out/$name.txt" 2>&1 || { tail -n 20 "$out/$name.txt" >&2; exit 1; }
    seconds=$(python3 -c "print(f'{$(date +%s.%N) - $started:.0f}')")
    python3 - "$out/$name.json" "$preset:$seed:$bookings:$snapshot:$days:$refit" "$mode" "$seconds" <<'PY'
import json, sys
from collections import defaultdict
days = json.load(open(sys.argv[1]))
last = days[-1]
errors = {e["category"]: abs(e["estimate"] - e["truth"]) for e in last["elasticities"]}
within = sum(1 for error in errors.values() if error <= 0.15)
worst = max(errors, key=errors.get)
costs = [d["exploration_cost_share"] for d in days if d.get("exploration_cost_share") is not None]
sums = defaultdict(lambda: [0.0, 0.0, 0.0])
for day in days[-30:]:
    for v in day["value"]:
        s = sums[v["currency"]]
        s[0] += v["gmv"]; s[1] += v["gmv_flat"]; s[2] += v["gmv_oracle"]
truth_cost = defaultdict(lambda: [0.0, 0.0])
for day in days:
    for v in day["value"]:
        truth_cost[v["currency"]][0] += v["gmv_unexplored"] - v["gmv"]
        truth_cost[v["currency"]][1] += v["gmv_unexplored"]
currencies = sorted(sums)
lift = ", ".join(f"{c} {sums[c][0] / sums[c][1] * 100 - 100:+.1f}%" for c in currencies)
oracle = ", ".join(f"{c} {sums[c][2] / sums[c][1] * 100 - 100:+.1f}%" for c in currencies)
capture = ", ".join(f"{c} {(sums[c][0] - sums[c][1]) / (sums[c][2] - sums[c][1]):.2f}" for c in currencies)
cost = max(truth_cost[c][0] / truth_cost[c][1] for c in currencies)
expected = f"{max(costs) * 100:.2f}% max" if costs else "-"
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {within}/{len(errors)} | {worst} {errors[worst]:.2f} "
      f"| {expected} | {cost * 100:.2f}% (worst currency) | {lift} | {oracle} | {capture} |")
PY
  done
done
