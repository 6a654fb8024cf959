"""R oracle of the survival analyses on a matched or weighted sample (a survival table's
``sample:``, issue 27): the weighted Kaplan–Meier curves, their robust pointwise CIs, the medians
with their CIs and the robust score test equal R's

* ``survfit(Surv(rtime, recur) ~ hormon, data, weights = w, cluster = set, conf.type = "log-log")``
  (matched: clustered on the sets) and ``survfit(..., weights = w, robust = TRUE, conf.type =
  "log")`` (weighted: each patient its own cluster): time, n.risk, surv, std.err, lower, upper at
  every event time, and ``summary(fit)$table``'s median with its CI;
* ``coxph(Surv(rtime, recur) ~ hormon, weights = w, cluster = set)$rscore`` (and with
  ``robust = TRUE`` without sets): the "Robust" score test the table prints instead of the
  log-rank p.

Data: studies/rotterdam's raw file (survival::rotterdam as distributed), 2,982 patients, with
non-integer case weights and sets of patients made up here (deterministic, not a design: the
oracle checks the estimator, the designs are checked in test_rotterdam_vs_r.py). Through
:func:`retrocohort.analysis.survival.survival_statistics` on a frame with the sample's weight and
set columns, as the table kind computes it. One Rscript call; compared at 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rscript import run_r

from retrocohort.analysis.analysis_sample import SET_COLUMN, WEIGHT_COLUMN
from retrocohort.analysis.survival import survival_statistics
from retrocohort.config.check import SCHEMA_PATH, read_yaml
from retrocohort.config.study import fill_defaults

pytestmark = pytest.mark.usefixtures("rscript")

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "studies" / "rotterdam" / "data" / "raw" / "rotterdam.csv"
TOL = 1e-9

R_CODE = r"""
out <- list()
for (design in c("matched", "weighted")) {
  if (design == "matched") {
    fit <- survfit(Surv(rtime, recur) ~ hormon, data = d, weights = w, cluster = set, conf.type = "log-log")
    cox <- coxph(Surv(rtime, recur) ~ hormon, data = d, weights = w, cluster = set)
  } else {
    fit <- survfit(Surv(rtime, recur) ~ hormon, data = d, weights = w, robust = TRUE, conf.type = "log")
    cox <- coxph(Surv(rtime, recur) ~ hormon, data = d, weights = w, robust = TRUE)
  }
  grp <- rep(c(0, 1), fit$strata)
  ev <- fit$n.event > 0
  out[[paste0(design, "_group")]] <- grp[ev]
  for (k in c("time", "n.risk", "surv", "std.err", "lower", "upper")) out[[paste0(design, "_", k)]] <- fit[[k]][ev]
  tab <- summary(fit)$table
  out[[paste0(design, "_median")]] <- unname(tab[, "median"])
  out[[paste0(design, "_lcl")]] <- unname(tab[, "0.95LCL"])
  out[[paste0(design, "_ucl")]] <- unname(tab[, "0.95UCL"])
  out[[paste0(design, "_rscore")]] <- unname(cox$rscore)
}
"""

CI = {"matched": "log-log", "weighted": "log"}


def _data() -> pd.DataFrame:
    raw = pd.read_csv(RAW)
    return raw.assign(
        w=0.5 + (raw["age"] % 7) / 4 + (raw["nodes"] % 3) / 10,  # non-integer, > 0
        set=raw["pid"] % 400,
    )[["pid", "rtime", "recur", "hormon", "w", "set"]]


@pytest.fixture(scope="module")
def r_result(tmp_path_factory) -> dict:
    return run_r(R_CODE, frames={"d": _data()}, workdir=tmp_path_factory.mktemp("wkm"), timeout=300)


def _ours(design: str) -> pd.DataFrame:
    data = _data()
    frame = data.set_index(data["pid"].astype(str).rename("patient_id")).assign(
        **{WEIGHT_COLUMN: data["w"].to_numpy(), "hormon": data["hormon"].astype(bool).to_numpy()}
    )
    if design == "matched":
        frame[SET_COLUMN] = data["set"].astype(str).to_numpy()
    study = fill_defaults(
        {
            "statistics": {},
            "survival": [
                {
                    "id": "rfs",
                    "time": "rtime",
                    "event": "recur",
                    "group_variable": "hormon",
                    "ci_type": CI[design],
                }
            ],
        },
        read_yaml(SCHEMA_PATH),
    )
    variables = {
        "hormon": {"kind": "binary", "label": "Hormonal therapy"},
        "rtime": {"kind": "continuous", "label": "Days"},
        "recur": {"kind": "binary", "label": "Relapse"},
    }
    stats, _ = survival_statistics(frame, study["survival"], variables, {}, study["statistics"], set())
    return stats


@pytest.mark.parametrize("design", ["matched", "weighted"])
def test_weighted_km_median_and_robust_test_equal_r(r_result, design):
    stats = _ours(design)
    km = stats[stats["role"] == "km"]
    r = {
        k.removeprefix(f"{design}_"): np.asarray(v, dtype=float)
        for k, v in r_result.items()
        if k.startswith(design)
    }
    ours = pd.concat([km[km["group_value"].astype(str) == v] for v in ("False", "True")])
    assert len(ours) == len(r["time"])
    np.testing.assert_allclose(ours["time"], r["time"], rtol=TOL)
    np.testing.assert_allclose(ours["n_at_risk"], r["n.risk"], rtol=TOL)
    np.testing.assert_allclose(ours["survival"], r["surv"], rtol=TOL)
    np.testing.assert_allclose(ours["std_err"], r["std.err"], rtol=1e-7)
    np.testing.assert_allclose(ours["ci_low"], r["lower"], rtol=1e-7)
    np.testing.assert_allclose(ours["ci_high"], r["upper"], rtol=1e-7)
    medians = stats[stats["role"] == "median"].set_index(
        stats.loc[stats["role"] == "median", "group_value"].astype(str)
    )
    for i, v in enumerate(("False", "True")):
        assert medians.loc[v, "median"] == pytest.approx(r["median"][i], rel=TOL)
        assert medians.loc[v, "ci_low"] == pytest.approx(r["lcl"][i], rel=TOL)
        high = medians.loc[v, "ci_high"]
        assert (np.isinf(high) and np.isnan(r["ucl"][i])) or high == pytest.approx(r["ucl"][i], rel=TOL)
    test = stats[stats["role"] == "logrank"].iloc[0]
    assert test["test"] == "robust score test"
    assert test["statistic"] == pytest.approx(float(r["rscore"][0]), rel=1e-8)
