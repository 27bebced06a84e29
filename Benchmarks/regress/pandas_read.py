#!/usr/bin/env python3
"""pandas' read_csv (C engine) alone, in a process that imports nothing else: the second baseline for
`pricing regress`'s CSV parse (glum_fit.py times read_csv after importing glum). Prints two times in
seconds: the plain read (string columns as Python objects), and the read with the categorical columns
parsed as pandas categoricals (dtype="category": levels sorted and coded as `pricing regress` does).

    python3 Benchmarks/regress/pandas_read.py FILE.csv
"""
import sys
import time

import pandas as pd

start = time.perf_counter()
pd.read_csv(sys.argv[1], engine="c")
plain = time.perf_counter() - start
start = time.perf_counter()
pd.read_csv(sys.argv[1], engine="c", dtype={name: "category" for name in ("category", "city", "weekday")})
categorical = time.perf_counter() - start
print(plain, categorical)
