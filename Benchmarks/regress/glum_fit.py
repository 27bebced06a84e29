#!/usr/bin/env python3
"""The baseline for `pricing regress`: glum with pandas categoricals (tabmat) on the same CSV, the same
model (Poisson, offset, no penalty, first level of each categorical dropped), tight tolerance.
Prints one JSON object: read_csv and fit seconds, and the coefficients under the Swift routine's names.

    python3 Benchmarks/regress/glum_fit.py FILE.csv
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from glum import GeneralizedLinearRegressor

path = sys.argv[1]
start = time.perf_counter()
frame = pd.read_csv(path, engine="c")
read_seconds = time.perf_counter() - start
categoricals = ["category", "city", "weekday"]
for name in categoricals:
    frame[name] = pd.Categorical(frame[name], categories=sorted(frame[name].unique()))
features = frame.drop(columns=["bookings", "log_capacity"])
model = GeneralizedLinearRegressor(
    family="poisson", alpha=0, drop_first=True, gradient_tol=1e-10, max_iter=200, fit_intercept=True)
start = time.perf_counter()
model.fit(features, frame["bookings"], offset=frame["log_capacity"])
fit_seconds = time.perf_counter() - start
names = ["(Intercept)"] + [str(n) for n in model.feature_names_]
coefficients = dict(zip(names, [float(model.intercept_)] + [float(c) for c in model.coef_]))
print(json.dumps({"read_seconds": read_seconds, "fit_seconds": fit_seconds, "n_iter": int(model.n_iter_),
                  "coefficients": coefficients}))
