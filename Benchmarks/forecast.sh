#!/usr/bin/env bash
# The demand forecast on markets of different shapes, side by side with a strong peer and the truth: for each
# seeded market, `pricing fit` (release build, data/policy.toml, the market's own event calendar) as of the
# market's snapshot date, then Benchmarks/forecast/peer.py, which trains LightGBM (PyPI `lightgbm`, Poisson,
# the same cells and features, on the days before the holdout) and computes the floor (the WAPE of the
# market's true expected bookings). Prints a markdown table; raw JSON lines in bench-data/forecast/.
#   eval "$(jobs/pg env)"; Benchmarks/forecast.sh [MARKET...]
# A market is PRESET:SEED:BOOKINGS:SNAPSHOT_DATE (presets: pricing seed --preset). The default four differ in
# shape, size, seed and season; one is southern-heavy, one capacity-bound.
# Python: PRICING_TOOLS_VENV (default .venv-tools) gets lightgbm, pandas and scipy if missing.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
venv=${PRICING_TOOLS_VENV:-$repo/.venv-tools}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import lightgbm, pandas, scipy" 2>/dev/null \
  || "$venv/bin/pip" install --quiet lightgbm pandas scipy >&2
out=$repo/bench-data/forecast
mkdir -p "$out"
markets=("$@")
[ ${#markets[@]} -gt 0 ] || markets=(
  "classic:42:200000:2026-12-07" "seasonal:7:1200000:2026-10-14" "southern:11:900000:2026-05-20"
  "capacity:23:600000:2026-07-15")

printf '| market | model | seasonal-naive | last year | LightGBM | floor | model / LightGBM | model / floor | 80%% / 95%% coverage | worst elasticity error | structure | fit |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for market in "${markets[@]}"; do
  IFS=: read -r preset seed bookings snapshot <<<"$market"
  name=$preset-$seed
  src=bench_forecast_src
  wh=bench_forecast_wh
  dropdb --if-exists "$src" && createdb "$src"
  dropdb --if-exists "$wh" && createdb "$wh"
  "$pricing" seed --source "dbname=$src" --bookings "$bookings" --seed "$seed" --today "$snapshot" --preset "$preset" \
    --no-anomalies --truth "$out/truth-$name.json" --truth-cells "$out/truth-cells-$name.csv" \
    --calendar-out "$out/events-$name.csv" --quiet >/dev/null
  "$pricing" migrate --warehouse "dbname=$wh" --quiet >/dev/null
  "$pricing" ingest --source "dbname=$src" --warehouse "dbname=$wh" --quiet >/dev/null
  # The warehouse is warm after ingest; the fit is timed alone.
  /usr/bin/time -f "%e %M" -o "$out/time-$name.txt" "$pricing" fit --warehouse "dbname=$wh" --as-of "$snapshot" \
    --config data/policy.toml --events "$out/events-$name.csv" --cells-out "$out/cells-$name.csv" --quiet \
    >"$out/fit-$name.txt" || { cat "$out/fit-$name.txt" >&2; exit 1; }
  "$pricing" model show --warehouse "dbname=$wh" >"$out/model-$name.json"
  "$venv/bin/python" Benchmarks/forecast/peer.py "$out/cells-$name.csv" "$out/truth-cells-$name.csv" "$out/truth-$name.json" \
    >"$out/peer-$name.json"
  python3 - "$out/peer-$name.json" "$out/model-$name.json" "$out/time-$name.txt" "$market" "$out/truth-$name.json" <<'PY'
import json, sys
peer = json.load(open(sys.argv[1]))
model = json.load(open(sys.argv[2]))
seconds, kilobytes = open(sys.argv[3]).read().split()
truth = {e["category"]: e["estimate"] for e in json.load(open(sys.argv[5]))["elasticities"]}
errors = {e["category"]: abs(e["estimate"] - truth[e["category"]]) for e in model["elasticities"] if e["category"] in truth}
worst = max(errors, key=errors.get)
metrics = model["metrics"]
coverage = metrics.get("intervals") or {}
def f(value):
    return "n/a" if value is None else f"{value:.4f}"
demand = ""
if "demand_error_model" in peer:
    demand = (f"; against true demand {peer['demand_error_model']:.3f} vs LightGBM {peer['demand_error_lightgbm']:.3f}"
              f" ({peer['sold_out_share']:.0%} of held-out days sold out)")
print(f"| {sys.argv[4]} | {f(peer['model'])} | {f(peer['baseline_seasonal_naive'])} | {f(peer['baseline_last_year'])} "
      f"| {f(peer['lightgbm'])} | {f(peer['floor'])} | {peer['model'] / peer['lightgbm']:.3f} "
      f"| {peer['model'] / peer['floor']:.3f} | {coverage.get('coverage_80', float('nan')):.3f} / "
      f"{coverage.get('coverage_95', float('nan')):.3f} | {errors[worst]:.3f} ({worst}) | {metrics.get('structure')}{demand} "
      f"| {model['status']}, {float(seconds):.1f} s, {int(kilobytes) // 1024} MB |")
PY
done
