"""The R oracle's helper: missing R fails under RETROCOHORT_REQUIRE_R=1, parsing of R output."""

import pytest
import rscript
from _pytest.outcomes import Failed, Skipped

pytestmark = pytest.mark.e2e


def test_missing_r_fails_when_required(monkeypatch):
    monkeypatch.setattr(rscript, "find_rscript", lambda: None)
    monkeypatch.setenv(rscript.REQUIRE_ENV, "1")
    with pytest.raises(Failed, match="RETROCOHORT_REQUIRE_R=1"):
        rscript.require_rscript()
    monkeypatch.delenv(rscript.REQUIRE_ENV)
    with pytest.raises(Skipped):
        rscript.require_rscript()


def test_r_vector_round_trips_doubles_and_missing():
    assert rscript.r_vector([0.1, float("nan"), 1e-300]) == "c(0.1, NA, 1e-300)"


@pytest.mark.usefixtures("rscript")
def test_run_r_reads_numbers_text_and_missing():
    out = rscript.run_r(
        "out <- list(a = mean(x), b = c(1, NA, NaN, Inf), s = 'hi')", vectors={"x": [1, 2, 3.5]}
    )
    assert out["a"] == [pytest.approx(13 / 6, rel=1e-15)]
    assert out["b"][0] == 1 and out["b"][3] == float("inf") and out["b"][1] != out["b"][1]
    assert out["s"] == ["hi"]
