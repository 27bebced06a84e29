#!/usr/bin/env bash
# `pricing regress` against glum with pandas categoricals, side by side on the same CSV:
# fit time, CSV parse time (vs pandas' C engine, in the glum process and alone), the CSV scan alone, peak
# memory, identical coefficients, and 5M vs 1M rows; five rounds, every round's parse time printed. Then
# the parse alone against pandas alone in 15 interleaved pairs (their order alternating), with the median
# of the pairs' ratios and a sign test: this machine's speed drifts by 10-20% between seconds, more than
# the difference a median of five can tell.
#   Benchmarks/regress.sh            (creates .venv-tools with glum and the data in bench-data/ on first use)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
venv=$repo/.venv-tools
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import glum, statsmodels" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q statsmodels==0.14.6 glum==3.4.1 pandas
fi
mkdir -p bench-data
for rows in 1000000 5000000; do
  file=bench-data/regress_$rows.csv
  [ -f "$file" ] || "$venv/bin/python" Benchmarks/regress/make_data.py "$rows" "$file"
done
swift build -c release --product pricing >&2
pricing=$(swift build -c release --show-bin-path)/pricing
(cd Benchmarks && swift build -c release --product pricing-bench >&2)
bench=$(cd Benchmarks && swift build -c release --show-bin-path)/pricing-bench
args=(--response bookings --offset log_capacity --categorical category --categorical city --categorical weekday)

run_pricing() { /usr/bin/time -v "$pricing" regress --data "$1" "${args[@]}" >"$2" 2>"$2.time"; }
run_glum() { /usr/bin/time -v "$venv/bin/python" Benchmarks/regress/glum_fit.py "$1" >"$2" 2>"$2.time"; }

out=$(mktemp -d)
rounds=5
for round in $(seq $rounds); do
  run_pricing bench-data/regress_1000000.csv "$out/pricing_1m_$round.json"
  run_glum bench-data/regress_1000000.csv "$out/glum_1m_$round.json"
  run_pricing bench-data/regress_5000000.csv "$out/pricing_5m_$round.json"
  "$bench" csv-scan bench-data/regress_1000000.csv 2 >"$out/scan_$round.txt"
  "$venv/bin/python" Benchmarks/regress/pandas_read.py bench-data/regress_1000000.csv >"$out/pandas_$round.txt"
done
pairs=15
for pair in $(seq $pairs); do
  if [ $((pair % 2)) -eq 0 ]; then "$venv/bin/python" Benchmarks/regress/pandas_read.py bench-data/regress_1000000.csv >"$out/pair_pandas_$pair.txt"; fi
  "$pricing" regress --data bench-data/regress_1000000.csv "${args[@]}" >"$out/pair_pricing_$pair.json"
  if [ $((pair % 2)) -eq 1 ]; then "$venv/bin/python" Benchmarks/regress/pandas_read.py bench-data/regress_1000000.csv >"$out/pair_pandas_$pair.txt"; fi
done
python3 - "$out" "$rounds" "$pairs" <<'PY'
import json, math, re, statistics, sys
out = sys.argv[1]
rounds = range(1, int(sys.argv[2]) + 1)
def peak(path):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path + ".time").read()).group(1)) / 1024
def load(name):
    runs = [json.load(open(f"{out}/{name}_{r}.json")) for r in rounds]
    peaks = [peak(f"{out}/{name}_{r}.json") for r in rounds]
    return runs, max(peaks)
p1, p1mem = load("pricing_1m"); g1, g1mem = load("glum_1m"); p5, p5mem = load("pricing_5m")
med = lambda values: statistics.median(values)
pf1 = med([r["timings"]["fit_seconds"] for r in p1]); pp1 = med([r["timings"]["parse_seconds"] for r in p1])
gf1 = med([r["fit_seconds"] for r in g1]); gr1 = med([r["read_seconds"] for r in g1])
pf5 = med([r["timings"]["fit_seconds"] for r in p5])
alone = [[float(x) for x in open(f"{out}/pandas_{r}.txt").read().split()] for r in rounds]
bare = med([a[0] for a in alone]); bare_cat = med([a[1] for a in alone])
scan = med([float(re.search(r"seconds=([0-9.]+)", open(f"{out}/scan_{r}.txt").read()).group(1)) for r in rounds])
mine = {c["name"]: c["estimate"] for c in p1[0]["coefficients"]}
theirs = g1[0]["coefficients"]
worst = max(abs(mine[k] - v) / max(abs(v), 1e-12) for k, v in theirs.items())
print(f"| measure | pricing regress | glum 3.4.1 / pandas | ratio |")
print(f"|---|---|---|---|")
print(f"| fit, 1M rows (median of {len(rounds)}) | {pf1:.3f} s | {gf1:.3f} s | {pf1/gf1:.2f} |")
print(f"| CSV parse, 1M rows | {pp1:.3f} s | {gr1:.3f} s (read_csv, C engine) | {pp1/gr1:.2f} |")
print(f"| CSV parse, 1M rows, against pandas alone (a process importing only pandas) | {pp1:.3f} s | {bare:.3f} s | {pp1/bare:.2f} |")
print(f"| CSV parse, 1M rows, against pandas alone reading the categorical columns as categoricals | {pp1:.3f} s | {bare_cat:.3f} s | {pp1/bare_cat:.2f} |")
print(f"| CSV scan alone (libcsv and the field path, no conversion; pricing-bench csv-scan) | {scan:.3f} s | | {scan/bare:.2f} of pandas alone |")
print(f"| peak memory, 1M rows (whole process) | {p1mem:.0f} MB | {g1mem:.0f} MB | {p1mem/g1mem:.2f} |")
print(f"| fit, 5M rows | {pf5:.3f} s | | {pf5/pf1:.2f} x the 1M fit |")
print(f"| peak memory, 5M rows | {p5mem:.0f} MB | | |")
print(f"| largest relative coefficient difference (83 coefficients) | {worst:.2e} | | |")
print(f"| iterations | {p1[0]['iterations']} | {g1[0]['n_iter']} | |")
print()
print("parse seconds, each round: pricing regress " + ", ".join(f"{r['timings']['parse_seconds']:.3f}" for r in p1)
      + "; read_csv in the glum process " + ", ".join(f"{r['read_seconds']:.3f}" for r in g1)
      + "; pandas alone " + ", ".join(f"{a[0]:.3f}" for a in alone)
      + "; pandas alone with categoricals " + ", ".join(f"{a[1]:.3f}" for a in alone))
pairs = range(1, int(sys.argv[3]) + 1)
ours = [json.load(open(f"{out}/pair_pricing_{p}.json"))["timings"]["parse_seconds"] for p in pairs]
theirs = [[float(x) for x in open(f"{out}/pair_pandas_{p}.txt").read().split()] for p in pairs]
print()
print(f"| parse, {len(ours)} interleaved pairs | pricing regress (median) | pandas alone (median) | median ratio | pricing faster in | sign test (one-sided) |")
print("|---|---|---|---|---|---|")
for label, index in (("plain read", 0), ("categoricals", 1)):
    other = [t[index] for t in theirs]
    wins = sum(o < t for o, t in zip(ours, other))
    p_value = sum(math.comb(len(ours), k) for k in range(wins, len(ours) + 1)) / 2 ** len(ours)
    ratio = med([o / t for o, t in zip(ours, other)])
    print(f"| {label} | {med(ours):.3f} s | {med(other):.3f} s | {ratio:.3f} | {wins} of {len(ours)} | p = {p_value:.2g} |")
PY
rm -rf "$out"
