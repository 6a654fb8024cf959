"""R oracle for the censoring of the time-to-event analyses: a study whose event time is missing
for patients without the event, censored at another variable (``censor_time``), gives the
Kaplan–Meier steps, bands, median with CI and censoring marks of survival::survfit on the
coalesced (time, status) data, with the patients lacking both times excluded. Needs Rscript
with the survival package (a skip locally without R, a failure when RETROCOHORT_REQUIRE_R=1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from r_tables import filled
from rscript import r_dataset_csv, run_r

from retrocohort.analysis.survival import survival_statistics

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rscript")]

REL = 1e-9
CI_TYPES = ("log", "log-log", "plain")
VARIABLES = {
    "event_days": {"kind": "continuous", "label": "Time to death"},
    "follow_up_days": {"kind": "continuous", "label": "Follow-up"},
}
SPEC = {"id": "os", "time": "event_days", "event_when_observed": True, "censor_time": "follow_up_days"}


@pytest.fixture(scope="module")
def lung(tmp_path_factory) -> pd.DataFrame:
    """survival::lung as a study would record it: the death time only for the dead, the
    follow-up only for the living, and every 25th patient with neither (to be excluded)."""
    data = r_dataset_csv("survival::lung", tmp_path_factory.mktemp("r_km") / "lung.csv")
    dead = (data["status"] == 2).to_numpy()
    frame = pd.DataFrame(
        {
            "patient_id": [f"L{i}" for i in range(len(data))],
            "event_days": np.where(dead, data["time"], np.nan),
            "follow_up_days": np.where(dead, np.nan, data["time"]),
        }
    )
    frame.loc[frame.index % 25 == 0, ["event_days", "follow_up_days"]] = np.nan
    return frame


@pytest.fixture(scope="module")
def r_fit(lung) -> dict[str, list]:
    used = lung["event_days"].notna() | lung["follow_up_days"].notna()
    time = lung["event_days"].fillna(lung["follow_up_days"])[used].to_numpy(float)
    status = lung["event_days"].notna()[used].to_numpy(float)
    code = "out <- list()\n" + "\n".join(
        f'f <- survfit(Surv(t, s) ~ 1, conf.type = "{ct}"); ev <- f$n.event > 0; cens <- f$n.censor > 0; '
        f'out[["{ct}|km"]] <- c(f$time[ev], f$n.risk[ev], f$surv[ev], f$lower[ev], f$upper[ev]); '
        f'out[["{ct}|median"]] <- summary(f)$table[c("median", "0.95LCL", "0.95UCL")]; '
        f'out[["{ct}|marks"]] <- c(f$time[cens], f$surv[cens]); '
        f'out[["{ct}|n"]] <- c(f$n, sum(f$n.event), sum(f$n.censor))'
        for ct in CI_TYPES
    )
    return run_r(code, vectors={"t": time, "s": status})


@pytest.mark.parametrize("ci_type", CI_TYPES)
def test_censored_kaplan_meier_matches_survfit(lung, r_fit, ci_type):
    loaded = filled({"statistics": {}, "survival": [{**SPEC, "ci_type": ci_type}]})
    stats, results = survival_statistics(lung, loaded["survival"], VARIABLES, {}, loaded["statistics"], set())
    km = stats[stats["role"] == "km"]
    r_km = np.asarray(r_fit[f"{ci_type}|km"]).reshape(5, -1)
    np.testing.assert_allclose(
        km[["time", "n_at_risk", "survival", "ci_low", "ci_high"]].to_numpy(float).T, r_km, rtol=REL
    )
    med = stats[stats["role"] == "median"].iloc[0]
    np.testing.assert_allclose(
        [med["median"], med["ci_low"], med["ci_high"]], r_fit[f"{ci_type}|median"], rtol=REL
    )
    n, events, censored = r_fit[f"{ci_type}|n"]
    assert (med["n"], med["n_events"], med["n_censored"]) == (n, events, censored)
    assert med["n_excluded"] == (lung.index % 25 == 0).sum() == 10
    # R's plot.survfit(mark.time = TRUE) draws one "+" per censoring time at S(t)
    marks = results["os"].censored.drop_duplicates("time")
    r_marks = np.asarray(r_fit[f"{ci_type}|marks"]).reshape(2, -1)
    np.testing.assert_allclose(marks[["time", "survival"]].to_numpy(float).T, r_marks, rtol=REL)
