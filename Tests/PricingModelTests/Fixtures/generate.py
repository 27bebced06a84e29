#!/usr/bin/env python3
"""Reference fixtures for the Swift GLM routine (Tests/PricingModelTests/ReferenceFixtureTests.swift).

Offline tooling only: run by hand when a fixture must change, never by the tests or the pipeline.

    python3 -m venv .venv-tools && .venv-tools/bin/pip install statsmodels==0.14.6 glum==3.4.1 pandas
    .venv-tools/bin/python Tests/PricingModelTests/Fixtures/generate.py

Each case writes CASE.csv (the data, as `pricing regress` reads it) and CASE.json: the command-line
specification and the reference results (coefficients in the Swift routine's order: intercept, then the
columns in header order with categoricals expanded in byte-wise sorted level order, first level dropped).

References:
- statsmodels GLM (IRLS, tol 1e-14) for Poisson with offset, gaussian, Poisson with prior weights
  (statsmodels' var_weights = R's prior weights), and the negative binomial: theta by joint maximum
  likelihood (statsmodels' discrete NegativeBinomial, nb2), then GLM(NegativeBinomial(alpha = 1/theta)) for
  the coefficients and their standard errors given theta (what MASS::glm.nb reports);
- glum for the ridge case: alpha = lambda / n with unit weights, l1_ratio = 0, intercept unpenalised.
  glum gives no standard errors for a penalised fit; the reference ones are sqrt(diag((X'WX + lambda P)^-1))
  at glum's solution, P = diag(0, 1, ..., 1), the definition the Swift routine documents.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from glum import GeneralizedLinearRegressor

HERE = os.path.dirname(os.path.abspath(__file__))


def design(frame, response, offset=None, weights=None, categorical=()):
    """The design matrix in the Swift routine's column order, with its column names."""
    columns = [np.ones(len(frame))]
    names = ["(Intercept)"]
    for name in frame.columns:
        if name in (response, offset, weights):
            continue
        if name in categorical:
            levels = sorted(frame[name].unique(), key=lambda s: s.encode("utf-8"))
            for level in levels[1:]:
                columns.append((frame[name] == level).astype(float).to_numpy())
                names.append(f"{name}[{level}]")
        else:
            columns.append(frame[name].astype(float).to_numpy())
            names.append(name)
    return np.column_stack(columns), names


def write(case, frame, spec, family, names, params, bse, deviance, null_deviance, extra=None):
    frame.to_csv(os.path.join(HERE, f"{case}.csv"), index=False, float_format="%.17g")
    result = {
        "case": case,
        "family": family,
        "spec": spec,
        "deviance": float(deviance),
        "null_deviance": float(null_deviance),
        "coefficients": [
            {"name": n, "estimate": float(e), "std_error": float(s)} for n, e, s in zip(names, params, bse)
        ],
    }
    if extra:
        result.update(extra)
    with open(os.path.join(HERE, f"{case}.json"), "w") as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")


def poisson_offset(rng):
    n = 400
    frame = pd.DataFrame({
        "y": 0,
        "city": rng.choice(["berlin", "hamburg", "köln", "münchen"], n),
        "x1": rng.normal(size=n).round(6),
        "x2": rng.uniform(-1, 1, n).round(6),
        "log_exposure": np.log(rng.uniform(1, 20, n)).round(8),
    })
    X, names = design(frame, "y", "log_exposure", categorical=["city"])
    beta = np.array([-1.0, 0.3, -0.2, 0.5, 0.4, -0.7])
    frame["y"] = rng.poisson(np.exp(X @ beta + frame["log_exposure"]))
    model = sm.GLM(frame["y"], X, family=sm.families.Poisson(), offset=frame["log_exposure"])
    fit = model.fit(tol=1e-14, maxiter=200)
    spec = {"response": "y", "offset": "log_exposure", "categorical": ["city"], "family": "poisson", "l2": 0}
    write("poisson_offset", frame, spec, "poisson", names, fit.params, fit.bse, fit.deviance, fit.null_deviance)


def poisson_weights(rng):
    n = 300
    frame = pd.DataFrame({
        "y": 0,
        "kind": rng.choice(["a", "b", "c"], n),
        "x": rng.normal(size=n).round(6),
        "w": rng.uniform(0.2, 3, n).round(6),
    })
    X, names = design(frame, "y", weights="w", categorical=["kind"])
    frame["y"] = rng.poisson(np.exp(X @ np.array([0.8, 0.2, -0.4, 0.5])))
    fit = sm.GLM(frame["y"], X, family=sm.families.Poisson(), var_weights=frame["w"]).fit(tol=1e-14, maxiter=200)
    spec = {"response": "y", "weights": "w", "categorical": ["kind"], "family": "poisson", "l2": 0}
    write("poisson_weights", frame, spec, "poisson", names, fit.params, fit.bse, fit.deviance, fit.null_deviance)


def negative_binomial(rng):
    n = 600
    frame = pd.DataFrame({
        "y": 0,
        "category": rng.choice(["cleaning", "hvac", "moving"], n),
        "x": rng.normal(size=n).round(6),
    })
    X, names = design(frame, "y", categorical=["category"])
    mu = np.exp(X @ np.array([1.2, 0.4, -0.5, 0.3]))
    theta = 2.0
    frame["y"] = rng.negative_binomial(theta, theta / (theta + mu))
    joint = sm.NegativeBinomial(frame["y"], X, loglike_method="nb2").fit(
        method="newton", maxiter=200, tol=1e-14, disp=False)
    alpha = joint.params.iloc[-1] if hasattr(joint.params, "iloc") else joint.params[-1]
    fit = sm.GLM(frame["y"], X, family=sm.families.NegativeBinomial(alpha=alpha)).fit(tol=1e-14, maxiter=200)
    spec = {"response": "y", "categorical": ["category"], "family": "negative-binomial", "l2": 0}
    write("negative_binomial", frame, spec, "negative-binomial", names, fit.params, fit.bse, fit.deviance,
          fit.null_deviance, {"theta": float(1 / alpha)})


def gaussian(rng):
    n = 250
    frame = pd.DataFrame({
        "y": 0.0,
        "region": rng.choice(["north", "south", "east", "west"], n),
        "x1": rng.normal(size=n).round(6),
        "x2": rng.normal(size=n).round(6),
    })
    X, names = design(frame, "y", categorical=["region"])
    frame["y"] = (X @ np.array([2.0, 0.5, -1.0, 0.25, 1.5, -0.75]) + rng.normal(scale=0.8, size=n)).round(8)
    fit = sm.GLM(frame["y"], X, family=sm.families.Gaussian()).fit(tol=1e-14, maxiter=200)
    spec = {"response": "y", "categorical": ["region"], "family": "gaussian", "l2": 0}
    write("gaussian", frame, spec, "gaussian", names, fit.params, fit.bse, fit.deviance, fit.null_deviance,
          {"dispersion": float(fit.scale)})


def ridge(rng):
    n = 500
    lam = 25.0
    frame = pd.DataFrame({
        "y": 0,
        "city": rng.choice(["a", "b", "c", "d", "e"], n),
        "x1": rng.normal(size=n).round(6),
        "x2": rng.normal(size=n).round(6),
    })
    X, names = design(frame, "y", categorical=["city"])
    frame["y"] = rng.poisson(np.exp(X @ np.array([0.5, 0.6, -0.4, 0.3, 0.0, 0.4, -0.3])))
    model = GeneralizedLinearRegressor(
        family="poisson", alpha=lam / n, l1_ratio=0.0, fit_intercept=True, gradient_tol=1e-13, max_iter=1000)
    model.fit(X[:, 1:], frame["y"])
    beta = np.concatenate([[model.intercept_], model.coef_])
    mu = np.exp(X @ beta)
    y = frame["y"].to_numpy()
    deviance = 2 * np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0) - (y - mu))
    penalty = np.eye(len(beta)) * lam
    penalty[0, 0] = 0
    covariance = np.linalg.inv(X.T @ (X * mu[:, None]) + penalty)
    null = sm.GLM(y, np.ones((n, 1)), family=sm.families.Poisson()).fit(tol=1e-14)
    spec = {"response": "y", "categorical": ["city"], "family": "poisson", "l2": lam}
    write("ridge_poisson", frame, spec, "poisson", names, beta, np.sqrt(np.diag(covariance)), deviance,
          null.deviance)


if __name__ == "__main__":
    generator = np.random.default_rng(20261126)
    poisson_offset(generator)
    poisson_weights(generator)
    negative_binomial(generator)
    gaussian(generator)
    ridge(generator)
    print("fixtures written to", HERE)
