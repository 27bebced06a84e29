#!/usr/bin/env python3
"""pandas' read_csv (C engine) alone, in a process that imports nothing else: the second baseline for
`pricing regress`'s CSV parse (glum_fit.py times read_csv after importing glum). Prints the seconds.

    python3 Benchmarks/regress/pandas_read.py FILE.csv
"""
import sys
import time

import pandas as pd

start = time.perf_counter()
pd.read_csv(sys.argv[1], engine="c")
print(time.perf_counter() - start)
