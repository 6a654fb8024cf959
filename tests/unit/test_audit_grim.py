"""GRIM, GRIMMER, DEBIT and the SPRITE-style search against the methods' published worked examples.

Sources (the example values are facts quoted from them):
- GRIM: Brown & Heathers 2017, Soc Psychol Personal Sci 8:363 (a mean of 5.19 from 28
  integer answers is impossible); the same cases in the scrutiny R package's tests
  (lhdjung/scrutiny, tests/testthat/test-grim.R: 5.19..5.30 with n = 28; 0.150..0.159 with
  n = 120 and 3 items; 0.80..0.89 with n = 28 and 2 items) and rsprite2 (LukasWallrich/rsprite2,
  tests/testthat/test-core-and-plot-functions.R: GRIM_test(5.18, 14, n_items = 2) is TRUE).
- GRIMMER: Anaya 2016, PeerJ Preprints 4:e2400; rsprite2's tests: GRIMMER_test(5.21, 1.6, 28)
  TRUE and GRIMMER_test(3.44, 2.47, 18) FALSE.
- DEBIT: Heathers & Brown 2019, doi:10.31219/osf.io/5vb3u; scrutiny's ``pigs3`` example data
  (n = 1683) with expected verdicts TRUE, TRUE, TRUE, FALSE, TRUE, TRUE, TRUE
  (tests/testthat/test-debit.R), and its boundary cases (0.50/0.503/100 TRUE; 0.05/0.21/20 FALSE;
  0.05/0.22/20 TRUE; 0/0/50 TRUE; 0/0.5/50 FALSE).
- SPRITE: Heathers et al. 2018, PeerJ Preprints 6:e26968; rsprite2's ``.sd_limits`` test:
  n = 5, mean 4.2 on a 1-7 scale gives SD limits 0.45 and 3.03.
"""

import statistics

import pytest

from retrocohort.audit.checks.debit import debit_consistent, debit_counts
from retrocohort.audit.checks.grim import SCRUTINY_RULES, grim_consistent, grimmer_consistent
from retrocohort.audit.checks.sprite import sprite_search


def _seq(start: float, count: int, step: float, digits: int) -> list[float]:
    return [round(start + i * step, digits) for i in range(count)]


@pytest.mark.parametrize(
    "means, n, items, digits, expected",
    [
        (_seq(5.19, 12, 0.01, 2), 28, 1, 2, "FFTFFFTFFFTF"),
        (_seq(0.150, 10, 0.001, 3), 120, 3, 3, "TFFTFFTFTF"),
        (_seq(0.80, 10, 0.01, 2), 28, 2, 2, "TFTFTFTTTT"),
    ],
)
def test_grim_scrutiny_examples(means, n, items, digits, expected):
    # scrutiny's default rounding is "up_or_down" (half-up or half-down): SCRUTINY_RULES
    got = "".join("T" if grim_consistent(m, digits, n, items, SCRUTINY_RULES) else "F" for m in means)
    assert got == expected


def test_grim_half_even_differs_from_scrutiny_only_at_exact_halves():
    # 0.87 with n = 28, 2 items: 49/56 = 0.875 exactly; half-down prints 0.87, half-up and
    # half-even print 0.88, so the audit's default rules call 0.87 impossible
    assert grim_consistent(0.87, 2, 28, 2, SCRUTINY_RULES) and not grim_consistent(0.87, 2, 28, 2)


def test_grim_brown_heathers_and_rsprite2():
    assert not grim_consistent(5.19, 2, 28)  # Brown & Heathers 2017
    assert grim_consistent(5.18, 2, 14, items=2)


def test_grimmer_rsprite2_examples():
    assert grimmer_consistent(5.21, 2, 1.6, 1, 28)
    assert not grimmer_consistent(3.44, 2, 2.47, 2, 18)
    assert not grimmer_consistent(5.19, 2, 1.6, 1, 28)  # GRIM-inconsistent first


PIGS3 = [(0.53, 0.50), (0.44, 0.50), (0.77, 0.42), (0.19, 0.35), (0.34, 0.47), (0.93, 0.25), (0.12, 0.33)]


def test_debit_scrutiny_pigs3():
    got = [debit_consistent(x, 2, sd, 2, 1683) for x, sd in PIGS3]
    assert got == [True, True, True, False, True, True, True]
    ks = debit_counts(0.53, 2, 0.50, 2, 1683)
    assert ks[0] == 884 and ks[-1] == 900  # 884/1683 = 0.5253, 900/1683 = 0.5348


@pytest.mark.parametrize(
    "mean, md, sd, sdd, n, ok",
    [
        (0.50, 2, 0.503, 3, 100, True),
        (0.05, 2, 0.21, 2, 20, False),
        (0.05, 2, 0.22, 2, 20, True),
        (0, 2, 0, 2, 50, True),
        (1, 2, 0, 2, 50, True),
        (0, 2, 0.5, 2, 50, False),
    ],
)
def test_debit_boundary_examples(mean, md, sd, sdd, n, ok):
    assert debit_consistent(mean, md, sd, sdd, n) is ok


def test_debit_rejects_a_mean_outside_0_1():
    with pytest.raises(ValueError, match="lies in"):
        debit_counts(1.5, 1, 0.5, 1, 100)


def test_sprite_sd_limits_of_rsprite2():
    r = sprite_search(4.2, 1, 0.45, 2, 5, 1, 7)
    assert r.sd_range is not None and (round(r.sd_range[0], 2), round(r.sd_range[1], 2)) == (0.45, 3.03)
    for sd in (0.45, 3.03):
        s = sprite_search(4.2, 1, sd, 2, 5, 1, 7).sample
        assert s is not None and len(s) == 5 and min(s) >= 1 and max(s) <= 7
        assert round(statistics.mean(s), 1) == 4.2 and round(statistics.stdev(s), 2) == sd
    assert sprite_search(4.2, 1, 0.40, 2, 5, 1, 7).sample is None
    assert sprite_search(4.2, 1, 3.10, 2, 5, 1, 7).sample is None
    assert sprite_search(1.00, 2, 0.0, 1, 100, 1, 7).sd_range == (0.0, 0.0)


def test_sprite_refuses_a_problem_too_large():
    with pytest.raises(ValueError, match="too large"):
        sprite_search(50.0, 1, 10.0, 1, 5000, 0, 100)
