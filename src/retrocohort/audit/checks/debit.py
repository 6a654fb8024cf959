"""DEBIT: can a printed mean and SD come from binary (0/1) data of size n?

DEBIT (Heathers & Brown 2019, "DEBIT: a simple consistency test for binary data",
OSF preprints, doi:10.31219/osf.io/5vb3u): for k ones among n observations the mean is k / n
and the sample SD is sqrt(k (n - k) / (n (n - 1))). A printed (mean, SD) pair is consistent when
some k gives both, each printed under half-up or half-even rounding. Checked exactly over
every k (the "exact" formulation of scrutiny's ``debit()``), with fractions.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from retrocohort.audit.checks.grim import grim_sums, sd_prints
from retrocohort.audit.checks.rounding import STANDARD_RULES, Number, Rule


def binary_variance(k: int, n: int) -> Fraction:
    """Sample variance of k ones and n - k zeros: k (n - k) / (n (n - 1))."""
    return Fraction(k * (n - k), n * (n - 1))


def debit_counts(
    mean: Number,
    mean_decimals: int,
    sd: Number,
    sd_decimals: int,
    n: int,
    rules: Iterable[Rule] = STANDARD_RULES,
) -> list[int]:
    """Every number of ones k in 0..n whose mean and sample SD print as the given ones.

    Empty means DEBIT-inconsistent (Heathers & Brown 2019). Raises ValueError for n < 2 or a
    printed mean outside [0, 1].
    """
    if n < 2:
        raise ValueError(f"DEBIT needs n >= 2, got n={n}")
    if not 0 <= float(mean) <= 1:
        raise ValueError(f"the mean of binary data lies in [0, 1], got {mean}")
    rules = tuple(rules)
    return [
        k
        for k in grim_sums(mean, mean_decimals, n, 1, rules)
        if 0 <= k <= n and sd_prints(binary_variance(k, n), sd, sd_decimals, rules)
    ]


def debit_consistent(
    mean: Number,
    mean_decimals: int,
    sd: Number,
    sd_decimals: int,
    n: int,
    rules: Iterable[Rule] = STANDARD_RULES,
) -> bool:
    """DEBIT (Heathers & Brown 2019): True if some binary sample of size n has this mean and SD."""
    return bool(debit_counts(mean, mean_decimals, sd, sd_decimals, n, rules))
