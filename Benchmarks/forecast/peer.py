"""The forecast benchmark's peer and floor (Benchmarks/forecast.sh).

Reads the cells `pricing fit --cells-out` wrote and the market's true expected bookings (`pricing seed
--truth-cells`), and prints one JSON object: holdout WAPE of the model, both baselines, a LightGBM Poisson
model trained on the same cells before the holdout, and the floor (the true mean); with bound capacity also
each forecast's error against the true (uncensored) demand.

LightGBM's features: category, city (categorical), weekday, day of year, day of month, month, hemisphere,
log price ratio, the event groups in force (one column each) and the day index; log capacity is its
offset (init_score). Early stopping on the last 28 training days picks the number of trees, then it is
refitted on all training days with that number.

    python peer.py CELLS_CSV TRUTH_CELLS_CSV [TRUTH_JSON]

The floor is the WAPE of the true mean: not a strict lower bound (WAPE rewards the median, below the mean
for small counts), the accuracy of knowing the truth. With bound capacity the true mean of what a day
records is E[min(Y, slots)], computed with the generator's daily noise (TRUTH_JSON's shape.daily_noise).
"""
import json
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.stats import poisson


def wape(actual, predicted):
    return float(np.abs(actual - predicted).sum() / actual.sum())


def expected_sales(mu, slots, sigma):
    """E[min(Y, slots)] for Y ~ Poisson(mu x exp(sigma Z - sigma^2 / 2)), Z standard normal (the generator's
    daily noise), by 20-point Gauss-Hermite quadrature over Z."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(20 if sigma > 0 else 1)
    weights = weights / weights.sum()
    slots = slots.astype(int)
    k = np.arange(slots.max() + 1)
    total = np.zeros_like(mu)
    for z, w in zip(nodes, weights):
        rate = mu * np.exp(sigma * z - sigma * sigma / 2) if sigma > 0 else mu
        pmf = poisson.pmf(k[None, :], rate[:, None])
        below = k[None, :] < slots[:, None]
        # E[min(Y, s)] = s - sum_{k < s} (s - k) p(k)
        total += w * (slots - ((slots[:, None] - k[None, :]) * pmf * below).sum(axis=1))
    return total


def main(cells_path, truth_path, truth_json=None):
    sigma = 0.0
    if truth_json:
        sigma = float((json.load(open(truth_json)).get("shape") or {}).get("daily_noise", 0.0))
    cells = pd.read_csv(cells_path, keep_default_na=False, na_values=[""], dtype={"events": str})
    truth = pd.read_csv(truth_path, keep_default_na=False, na_values=[""])
    cells = cells.merge(truth, on=["category", "city", "date"], how="left")
    cells = cells[cells["capacity"] > 0].copy()
    dates = pd.to_datetime(cells["date"])
    cells["doy"] = dates.dt.day_of_year
    cells["dom"] = dates.dt.day
    cells["month"] = dates.dt.month
    cells["t"] = (dates - dates.min()).dt.days
    groups = sorted({g for value in cells["events"].fillna("") for g in str(value).split(";") if g})
    def event_column(group):
        return "event_" + group.replace(":", "_")
    for group in groups:
        cells[event_column(group)] = cells["events"].fillna("").map(lambda v, g=group: int(g in str(v).split(";")))
    # A day without a price (no booking and no quote) takes its category's mean, as the model does: its
    # missingness would otherwise tell LightGBM that nobody booked.
    training_means = cells[cells["holdout"] == 0].groupby("category")["log_price_ratio"].mean()
    cells["log_price_ratio"] = cells["log_price_ratio"].fillna(cells["category"].map(training_means)).fillna(0.0)
    # The price as posted (the multiplier to the cent): a day's mean charged / list price carries the
    # rounding of booked prices, and so would tell trees which days had bookings.
    cells["log_price_ratio"] = np.log(np.round(np.exp(cells["log_price_ratio"]), 2))
    for column in ("category", "city"):
        cells[column + "_code"] = cells[column].astype("category")
    features = ["category_code", "city_code", "weekday", "doy", "dom", "month", "southern", "log_price_ratio", "t"]
    features += [event_column(g) for g in groups]
    train = cells[cells["holdout"] == 0]
    test = cells[(cells["holdout"] == 1) & cells["predicted"].notna()]
    params = dict(objective="poisson", learning_rate=0.05, num_leaves=63, min_data_in_leaf=40,
                  feature_fraction=0.9, bagging_fraction=0.9, bagging_freq=1, verbose=-1, seed=1, num_threads=2)
    cut = train["t"].max() - 27
    fit_part, stop_part = train[train["t"] < cut], train[train["t"] >= cut]
    booster = lgb.train(
        params, lgb.Dataset(fit_part[features], fit_part["bookings"], init_score=np.log(fit_part["capacity"])),
        num_boost_round=3000,
        valid_sets=[lgb.Dataset(stop_part[features], stop_part["bookings"], init_score=np.log(stop_part["capacity"]))],
        callbacks=[lgb.early_stopping(100, verbose=False)])
    rounds = booster.best_iteration or 3000
    booster = lgb.train(params, lgb.Dataset(train[features], train["bookings"], init_score=np.log(train["capacity"])),
                        num_boost_round=rounds)
    lightgbm = booster.predict(test[features], raw_score=True) + np.log(test["capacity"])
    lightgbm = np.exp(lightgbm)
    actual = test["bookings"].to_numpy(float)
    bound = test["slots_y"].notna().any() if "slots_y" in test else False
    expected = test["expected"].to_numpy(float)
    floor_prediction = expected_sales(expected, test["slots_y"].to_numpy(float), sigma) if bound else expected
    result = {
        "holdout_cells": int(len(test)), "holdout_bookings": float(actual.sum()),
        "model": wape(actual, test["predicted"].to_numpy(float)),
        "baseline_seasonal_naive": wape(actual, test["baseline"].to_numpy(float)),
        "baseline_last_year": wape(actual, test["baseline_last_year"].to_numpy(float))
        if test["baseline_last_year"].notna().all() else None,
        "lightgbm": wape(actual, lightgbm), "lightgbm_trees": int(rounds),
        "calibration_model": float(test["predicted"].sum() / actual.sum()),
        "calibration_lightgbm": float(lightgbm.sum() / actual.sum()),
        "floor": wape(actual, floor_prediction),
    }
    if bound:
        # Demand, not sales: each forecast against the true expected demand.
        result["demand_error_model"] = wape(expected, test["demand"].to_numpy(float))
        result["demand_error_lightgbm"] = wape(expected, lightgbm)
        result["sold_out_share"] = float((actual >= test["slots_x"].to_numpy(float)).mean())
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:4])
