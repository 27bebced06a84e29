#!/usr/bin/env python3
"""Benchmark data for `pricing regress`: N rows of a Poisson model with offset, 20 categories,
50 cities and 7 weekdays as categoricals and 8 numeric columns (83 coefficients).

    python3 Benchmarks/regress/make_data.py ROWS OUT.csv
"""
import sys

import numpy as np
import pandas as pd

rows = int(sys.argv[1])
out = sys.argv[2]
rng = np.random.default_rng(7)
categories = np.array([f"c{i:02d}" for i in range(20)])
cities = np.array([f"city{i:02d}" for i in range(50)])
weekdays = np.array(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
frame = pd.DataFrame({
    "bookings": 0,
    "category": categories[rng.integers(0, 20, rows)],
    "city": cities[rng.integers(0, 50, rows)],
    "weekday": weekdays[rng.integers(0, 7, rows)],
})
numeric = rng.normal(size=(rows, 8)).round(4)
for j in range(8):
    frame[f"x{j}"] = numeric[:, j]
frame["log_capacity"] = np.log(rng.uniform(1, 30, rows)).round(5)
# Two draws an earlier version made and did not use, kept so that the file (and the results recorded in
# docs/benchmarks.md) stay the same for a given row count.
rng.normal(0, 0.3, 20)
rng.integers(0, 20, rows)
category_effect = dict(zip(categories, rng.normal(0, 0.3, 20)))
city_effect = dict(zip(cities, rng.normal(0, 0.3, 50)))
weekday_effect = dict(zip(weekdays, [0.05, 0.0, 0.0, 0.02, 0.1, 0.2, -0.3]))
beta = rng.normal(0, 0.1, 8)
eta = (-1.0 + frame["category"].map(category_effect).to_numpy() + frame["city"].map(city_effect).to_numpy()
       + frame["weekday"].map(weekday_effect).to_numpy() + numeric @ beta + frame["log_capacity"].to_numpy())
frame["bookings"] = rng.poisson(np.exp(eta))
frame.to_csv(out, index=False)
