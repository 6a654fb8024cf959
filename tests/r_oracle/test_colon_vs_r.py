"""R oracle of the third real study, studies/colon (survival::colon, issue 23 item 7).

The pipeline runs on the study's raw file as distributed (one row per patient and event type,
read as a ``table: events`` source); R rebuilds the endpoints from the same raw file the usual
way (overall survival = the death rows; recurrence-free survival per patient = the earlier of
the two rows' times, an event if either row is one) and recomputes, at full precision, what the
study's statistics files hold: Kaplan-Meier medians with their log-log CIs and the survival at
the horizons (``survfit(conf.type = "log-log")``), the log-rank test (``survdiff``) and every
univariable and multivariable Cox coefficient (``coxph``, Efron ties, run to the maximum of the
partial likelihood: ``eps = 1e-14``). So the ingestion of the
events file, the derived endpoints and the statistics are checked together, at 1e-9 relative.

One shared pipeline run (tests/e2e/study.py ``finished_run``, also read by
tests/e2e/test_colon_study.py) and one Rscript call. Needs Rscript with survival: a skip
locally without R, a failure in CI (RETROCOHORT_REQUIRE_R=1).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from rscript import run_r

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from study import finished_run  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rscript")]

STUDY = ROOT / "studies" / "colon"
REL = 1e-9
ARMS = {"obs": "Obs", "lev": "Lev", "lev_5fu": "Lev+5FU"}
PREDICTORS = ["rx", "age", "sex", "node4", "obstruct"]
#: Our term name -> R's coefficient name (rx releveled to Obs; sex 1 = male, as ?colon).
R_TERMS = {
    "rx: lev vs obs": "rxLev",
    "rx: lev_5fu vs obs": "rxLev+5FU",
    "age": "age",
    "sex: male vs female": "sex",
    "node4": "node4",
    "obstruct": "obstruct",
}
ENDPOINTS = {"rfs": ("rfs", "cox_rfs"), "os": ("os", "cox_os")}  # R data frame -> (survival, cox)

R_CODE = r"""
colon <- read.csv(RAW)
colon$rx <- relevel(factor(colon$rx), ref = "Obs")
os <- colon[colon$etype == 2, ]
os <- os[order(os$id), ]
rfs <- os
rfs$time <- tapply(colon$time, colon$id, min)[as.character(rfs$id)]
rfs$status <- tapply(colon$status, colon$id, max)[as.character(rfs$id)]
# run to the maximum of the partial likelihood, as retrocohort (R's default eps = 1e-9 stops
# short by ~1e-9 relative: tests/r_oracle/tables_oracle.R)
CONTROL <- coxph.control(eps = 1e-14, iter.max = 100)
out <- list()
for (ep in c("rfs", "os")) {
  d <- get(ep)
  fit <- survfit(Surv(time, status) ~ rx, data = d, conf.type = "log-log")
  tab <- summary(fit)$table
  arms <- sub("rx=", "", rownames(tab))
  out[[paste0(ep, "_arms")]] <- arms
  out[[paste0(ep, "_median")]] <- tab[, "median"]
  out[[paste0(ep, "_lcl")]] <- tab[, "0.95LCL"]
  out[[paste0(ep, "_ucl")]] <- tab[, "0.95UCL"]
  out[[paste0(ep, "_events")]] <- tab[, "events"]
  s <- summary(fit, times = c(1095, 1826))
  out[[paste0(ep, "_h_arm")]] <- sub("rx=", "", as.character(s$strata))
  out[[paste0(ep, "_h_time")]] <- s$time
  out[[paste0(ep, "_h_surv")]] <- s$surv
  out[[paste0(ep, "_h_low")]] <- s$lower
  out[[paste0(ep, "_h_high")]] <- s$upper
  lr <- survdiff(Surv(time, status) ~ rx, data = d)
  out[[paste0(ep, "_chisq")]] <- lr$chisq
  out[[paste0(ep, "_p")]] <- pchisq(lr$chisq, length(lr$n) - 1, lower.tail = FALSE)
  for (v in c("rx", "age", "sex", "node4", "obstruct")) {
    m <- coxph(as.formula(paste("Surv(time, status) ~", v)), data = d, ties = "efron", control = CONTROL)
    cf <- summary(m)$coefficients
    out[[paste0(ep, "_uni_", v, "_terms")]] <- rownames(cf)
    out[[paste0(ep, "_uni_", v, "_coef")]] <- cf[, "coef"]
    out[[paste0(ep, "_uni_", v, "_se")]] <- cf[, "se(coef)"]
    out[[paste0(ep, "_uni_", v, "_p")]] <- cf[, "Pr(>|z|)"]
  }
  m <- coxph(Surv(time, status) ~ rx + age + sex + node4 + obstruct, data = d, ties = "efron", control = CONTROL)
  cf <- summary(m)$coefficients
  out[[paste0(ep, "_multi_terms")]] <- rownames(cf)
  out[[paste0(ep, "_multi_coef")]] <- cf[, "coef"]
  out[[paste0(ep, "_multi_se")]] <- cf[, "se(coef)"]
  out[[paste0(ep, "_multi_p")]] <- cf[, "Pr(>|z|)"]
}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return finished_run(tmp_path_factory, STUDY)


@pytest.fixture(scope="module")
def r_out() -> dict:
    raw = (STUDY / "data/raw/colon.csv").as_posix()
    return run_r(f'RAW <- "{raw}"\n' + R_CODE, timeout=300)


def _stats(run: Path, name: str) -> list[dict]:
    return json.loads((run / "results/stats" / f"{name}.json").read_text(encoding="utf-8"))


def _close(ours, theirs) -> bool:
    if ours is None or (isinstance(ours, float) and np.isnan(ours)):
        return theirs is None or np.isnan(theirs)
    return bool(np.isclose(ours, theirs, rtol=REL, atol=1e-12))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_kaplan_meier_medians_and_horizons_equal_r(run, r_out, endpoint):
    table, _ = ENDPOINTS[endpoint]
    rows = _stats(run, table)
    medians = {r["group_value"]: r for r in rows if r["role"] == "median"}
    arms = r_out[f"{endpoint}_arms"]
    assert sorted(arms) == sorted(ARMS.values())
    for ours, theirs in ARMS.items():
        i = arms.index(theirs)
        row = medians[ours]
        assert row["n_events"] == r_out[f"{endpoint}_events"][i]
        for key, r_key in (("median", "median"), ("ci_low", "lcl"), ("ci_high", "ucl")):
            assert _close(row[key], r_out[f"{endpoint}_{r_key}"][i]), (ours, key, row[key])
    horizons = [r for r in rows if r["role"] == "horizon"]
    assert len(horizons) == len(r_out[f"{endpoint}_h_surv"]) == 6
    for r in horizons:
        j = next(
            k
            for k, (a, t) in enumerate(zip(r_out[f"{endpoint}_h_arm"], r_out[f"{endpoint}_h_time"]))
            if a == ARMS[r["group_value"]] and t == r["time"]
        )
        for key, r_key in (("survival", "surv"), ("ci_low", "low"), ("ci_high", "high")):
            assert _close(r[key], r_out[f"{endpoint}_h_{r_key}"][j]), (r["group_value"], r["time"], key)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_log_rank_by_arm_equals_r_survdiff(run, r_out, endpoint):
    (test,) = [r for r in _stats(run, ENDPOINTS[endpoint][0]) if r["role"] == "logrank"]
    assert _close(test["statistic"], r_out[f"{endpoint}_chisq"][0])
    assert _close(test["p_value"], r_out[f"{endpoint}_p"][0])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_cox_hazard_ratios_equal_r_coxph(run, r_out, endpoint):
    rows = _stats(run, ENDPOINTS[endpoint][1])
    checked = 0
    for row in rows:
        prefix = (
            f"{endpoint}_uni_{row['predictor']}" if row["analysis"] == "univariable" else f"{endpoint}_multi"
        )
        terms = r_out[f"{prefix}_terms"]
        i = terms.index(R_TERMS[row["term"]])
        assert _close(row["coefficient"], r_out[f"{prefix}_coef"][i]), (row["analysis"], row["term"])
        assert _close(row["std_err"], r_out[f"{prefix}_se"][i]), (row["analysis"], row["term"])
        assert _close(row["p_value"], r_out[f"{prefix}_p"][i]), (row["analysis"], row["term"])
        assert _close(row["ratio"], float(np.exp(r_out[f"{prefix}_coef"][i])))
        checked += 1
    assert checked == 2 * len(R_TERMS)  # every term, univariable and multivariable
