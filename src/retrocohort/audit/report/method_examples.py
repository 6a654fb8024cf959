"""The published worked examples of each check family, rerun for the report's closing note.

Every example is a fact quoted from the method's paper or its reference implementation's
tests, with the verdict published there; :func:`reproduce_examples` reruns them with this
package's checks and counts, per family, how many give the published verdict.

Sources: GRIM — Brown & Heathers 2017 and scrutiny (lhdjung/scrutiny, tests/testthat/test-grim.R,
whose default rounding is half-up or half-down); GRIMMER — Anaya 2016 via rsprite2
(LukasWallrich/rsprite2, tests/testthat/test-core-and-plot-functions.R); DEBIT — Heathers & Brown
2019 via scrutiny's ``pigs3`` data (tests/testthat/test-debit.R); SPRITE — Heathers et al. 2018
via rsprite2's ``.sd_limits`` test; statcheck — Nuijten et al. 2016 via statcheck's
tests/testthat/test-error.R and test-decisionerror.R.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from retrocohort.audit.checks.debit import debit_consistent
from retrocohort.audit.checks.grim import SCRUTINY_RULES, grim_consistent, grimmer_consistent
from retrocohort.audit.checks.sprite import sprite_search
from retrocohort.audit.checks.statcheck import check_test_result

Example = tuple[str, str, Callable[[], bool], bool]


def _grim(values: list[float], digits: int, n: int, items: int, verdicts: str) -> list[Example]:
    return [
        (
            "GRIM",
            f"mean {v:.{digits}f}, n = {n}, {items} item(s)",
            lambda v=v: grim_consistent(v, digits, n, items, SCRUTINY_RULES),
            flag == "T",
        )
        for v, flag in zip(values, verdicts)
    ]


def _statcheck(text: str, args: tuple) -> Example:
    return ("statcheck", f"{text}: decision error", lambda: check_test_result(*args).decision_error, True)


PIGS3 = [
    (0.53, 0.50, True),
    (0.44, 0.50, True),
    (0.77, 0.42, True),
    (0.19, 0.35, False),
    (0.34, 0.47, True),
    (0.93, 0.25, True),
    (0.12, 0.33, True),
]

EXAMPLES: list[Example] = [
    *_grim([round(5.19 + i / 100, 2) for i in range(12)], 2, 28, 1, "FFTFFFTFFFTF"),
    *_grim([round(0.150 + i / 1000, 3) for i in range(10)], 3, 120, 3, "TFFTFFTFTF"),
    *_grim([round(0.80 + i / 100, 2) for i in range(10)], 2, 28, 2, "TFTFTFTTTT"),
    ("GRIMMER", "mean 5.21, SD 1.6, n = 28", lambda: grimmer_consistent(5.21, 2, 1.6, 1, 28), True),
    ("GRIMMER", "mean 3.44, SD 2.47, n = 18", lambda: grimmer_consistent(3.44, 2, 2.47, 2, 18), False),
    *[
        (
            "DEBIT",
            f"mean {x:.2f}, SD {sd:.2f}, n = 1683",
            lambda x=x, sd=sd: debit_consistent(x, 2, sd, 2, 1683),
            ok,
        )
        for x, sd, ok in PIGS3
    ],
    (
        "SPRITE",
        "n = 5, mean 4.2 on 1-7: SD 0.45 attainable",
        lambda: sprite_search(4.2, 1, 0.45, 2, 5, 1, 7).sample is not None,
        True,
    ),
    (
        "SPRITE",
        "n = 5, mean 4.2 on 1-7: SD 3.03 attainable",
        lambda: sprite_search(4.2, 1, 3.03, 2, 5, 1, 7).sample is not None,
        True,
    ),
    _statcheck("t(48) = 1.02, p < .05", ("t", 1.02, 2, 0.05, 2, "<", 48)),
    _statcheck("t(28) = 2.20, p = .06", ("t", 2.20, 2, 0.06, 2, "=", 28)),
    _statcheck("t(28) = 1.20, p = .03", ("t", 1.20, 2, 0.03, 2, "=", 28)),
    _statcheck("F(2, 28) = 22.20, p = .06", ("F", 22.20, 2, 0.06, 2, "=", 2, 28)),
    _statcheck("F(2, 28) = 2.20, p = .03", ("F", 2.20, 2, 0.03, 2, "=", 2, 28)),
    _statcheck("r(28) = .22, p = .03", ("r", 0.22, 2, 0.03, 2, "=", 28)),
    _statcheck("r(28) = .52, p = .06", ("r", 0.52, 2, 0.06, 2, "=", 28)),
    _statcheck("chi2(28) = 2.20, p = .03", ("chi2", 2.20, 2, 0.03, 2, "=", 28)),
    _statcheck("chi2(28) = 52.20, p = .06", ("chi2", 52.20, 2, 0.06, 2, "=", 28)),
    _statcheck("z = 1.20, p = .03", ("z", 1.20, 2, 0.03, 2, "=")),
    _statcheck("z = 2.20, p = .06", ("z", 2.20, 2, 0.06, 2, "=")),
]


@lru_cache(maxsize=1)
def reproduce_examples() -> dict[str, tuple[int, int, list[str]]]:
    """family -> (examples reproduced, examples, descriptions of the ones not reproduced); run
    once per process (the checks are pure functions of the fixed examples)."""
    out: dict[str, tuple[int, int, list[str]]] = {}
    for family, text, run, expected in EXAMPLES:
        ok, total, missed = out.get(family, (0, 0, []))
        hit = run() is expected
        out[family] = (ok + hit, total + 1, missed if hit else [*missed, text])
    return out


def examples_note() -> str:
    """The closing note: per check family, how many published examples this audit reproduces."""
    parts = []
    for family, (ok, total, missed) in reproduce_examples().items():
        parts.append(f"{family} {ok} of {total}" + (f" (not: {'; '.join(missed)})" if missed else ""))
    return (
        "Published worked examples reproduced by these checks (rerun now; sources in "
        "retrocohort.audit.report.method_examples): " + ", ".join(parts) + "."
    )
