"""The paired statistics of one paired table of a study: its parameters at two time points of
the same patients (Wilcoxon signed-rank or McNemar, Hodges-Lehmann, multiplicity), and the
repeated-measures test across more time points when asked. Shared by the classic Table 3 (rule
``paired_tests``) and every table declared with ``kind: paired`` (rule ``cohort_table``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from retrocohort.analysis.paired import table3_from_pairs
from retrocohort.analysis.repeated import repeated_statistics
from retrocohort.analysis.time_points import time_point_pairs
from retrocohort.cohort.frames import cohort_measurements
from retrocohort.config.time_points import TimePoint, window_days, worst_directions


def paired_study_statistics(
    measurements: pd.DataFrame,
    cohort: Iterable[Any],
    parameters: list[Mapping[str, Any]],
    config: Mapping[str, Any],
    points: tuple[TimePoint, TimePoint],
    synthetic: set[str],
    repeated: tuple[TimePoint, ...] = (),
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Paired statistics of ``parameters`` between the two time ``points``.

    Parameters
    ----------
    measurements : pandas.DataFrame
        The long measurements table (``patient_id``, ``day``, ``variable``, ``value``).
    cohort : iterable
        Ids of the patients of the table's population (the analysed cohort, or those meeting
        the table's ``where:``).
    parameters : list of mapping
        The table's parameters (``variable``, ``label``, ...).
    config : mapping
        The study (``variables``, ``statistics``; worst directions of the ``worst`` rule).
    points : tuple of TimePoint
        The first and second time points (window and rule of each).
    synthetic : set of str
        Variables read from synthetic sources (rows are marked).
    repeated : tuple of TimePoint, optional
        Time points of a repeated-measures test (Friedman / Cochran's Q) across all of them.

    Returns
    -------
    stats : pandas.DataFrame
        One ``main`` row per parameter (:func:`retrocohort.analysis.paired.table3_from_pairs`)
        and, with ``repeated``, one ``repeated`` row each.
    pairs : dict of str to pandas.DataFrame
        Per parameter, the (patient, first day, second day) pairs it was computed from.
    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.
    McNemar Q. Note on the sampling error of the difference between correlated proportions or
    percentages. Psychometrika 1947;12:153-7.
    Friedman M. The use of ranks to avoid the assumption of normality implicit in the analysis
    of variance. J Am Stat Assoc 1937;32:675-701.
    Cochran WG. The comparison of percentages in matched samples. Biometrika 1950;37:256-66.

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.config.time_points import exact_day
    >>> from retrocohort.config.check import SCHEMA_PATH, read_yaml
    >>> from retrocohort.config.study import fill_defaults
    >>> stats_cfg = fill_defaults({"statistics": {}}, read_yaml(SCHEMA_PATH))["statistics"]
    >>> long = pd.DataFrame({"patient_id": list("aabbccdd"), "variable": "crp",
    ...                      "day": [0, 7] * 4, "value": [90.0, 20.0, 80.0, 30.0, 70.0, 10.0, 60.0, 5.0]})
    >>> study = {"variables": {"crp": {"kind": "continuous", "label": "CRP"}}, "statistics": stats_cfg}
    >>> stats, pairs = paired_study_statistics(long, ["a", "b", "c"], [{"variable": "crp"}], study,
    ...                                        (exact_day(0), exact_day(7)), set())
    >>> stats[["variable", "n_pairs", "test", "p_value", "day0_median", "day7_median"]]
      variable  n_pairs                  test  p_value  day0_median  day7_median
    0      crp        3  Wilcoxon signed-rank     0.25         80.0         20.0
    >>> sorted(pairs["crp"].index)
    ['a', 'b', 'c']
    """
    names = [p["variable"] for p in parameters]
    ids = pd.Index(list(cohort))
    meas = cohort_measurements(measurements, pd.Series(ids), names, window_days([*points, *repeated]))
    pairs = time_point_pairs(meas, names, points, worst_directions(dict(config)))
    stats = table3_from_pairs(pairs, parameters, config["variables"], points, config["statistics"], synthetic)
    if repeated:
        extra = repeated_statistics(meas, parameters, config["variables"], repeated, config["statistics"])
        extra = extra.assign(synthetic=extra["variable"].isin(synthetic), adjustment="none")
        stats = pd.concat([stats, extra], ignore_index=True)
    return stats, pairs
