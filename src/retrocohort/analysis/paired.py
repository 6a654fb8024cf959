"""Table 3: paired comparisons of two time points, one machine-readable row per parameter.

The two time points are the study's ``paired_time_points`` (Day 0 vs Day 7, the exact
``paired_days``, for the flagship); each patient's value at a time point is chosen by
:mod:`retrocohort.analysis.time_points`, and the summary columns are named from the time
point names (``day0_median``, ``baseline_median``).

The main test of each parameter is chosen by the one test policy
(:mod:`retrocohort.analysis.test_policy`: ``statistics.tests``, else
``statistics.default_tests.paired``); by default, continuous parameters: Wilcoxon signed-rank on the paired differences (second − first, rounded
to ``decimals_for_tests`` so float subtraction cannot break ties; ranked raw, as R, with
``statistics.wilcoxon.differences: raw``, the default under ``preset: R``), with the configured preset
or explicit options; Hodges–Lehmann estimate of the median difference with its CI; matched-pairs
rank-biserial correlation (``continuous_paired: paired_t`` or ``sign``: that test instead,
with the summaries). Binary parameters: McNemar (exact binomial by default).
Optional sign test / paired t-test rows and multiplicity adjustment across parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrocohort.analysis.presets import ranks_raw_differences
from retrocohort.analysis.test_policy import choose_test, resolve_tests
from retrocohort.analysis.time_points import point_summary, time_point_pairs
from retrocohort.cohort.frames import category_codes
from retrocohort.config.time_points import TimePoint, exact_day
from retrocohort.stats.hodges_lehmann import hodges_lehmann_paired, rank_biserial_from_v, rank_biserial_paired
from retrocohort.stats.registry import TESTS
from retrocohort.stats.signed_rank import wilcoxon_preset, wilcoxon_signed_rank

#: The extra test rows a study may add (``statistics.extra_tests``): names of registered tests.
EXTRA_TEST_NAMES = {name: TESTS[name].test for name in ("sign", "paired_t")}


def paired_frames(
    measurements: pd.DataFrame, names: list[str], days: tuple[int, int]
) -> dict[str, pd.DataFrame]:
    """Per variable, the patients with a value on both exact days (columns before, after; index
    patient_id, sorted): :func:`~retrocohort.analysis.time_points.time_point_pairs` of the two
    exact-day time points, without the day columns.

    A patient with two values of one variable on one day is an :class:`InputError`.
    """
    pairs = time_point_pairs(measurements, names, (exact_day(days[0]), exact_day(days[1])))
    return {name: frame[["before", "after"]] for name, frame in pairs.items()}


def as_time_points(points: tuple[int, int] | tuple[TimePoint, TimePoint]) -> tuple[TimePoint, TimePoint]:
    """The paired time points, given as such or as two exact days (``paired_days``)."""
    first, second = points
    if isinstance(first, TimePoint) and isinstance(second, TimePoint):
        return first, second
    return exact_day(int(first)), exact_day(int(second))  # type: ignore[arg-type]


def paired_frame(measurements: pd.DataFrame, variable: str, days: tuple[int, int]) -> pd.DataFrame:
    """One variable's pairs: the patients with a value on both ``days`` (columns before, after;
    index patient_id, sorted). :func:`paired_frames` for a single variable, the one Day 0 / Day 7
    pairing of the package (Table 3, the audit's regenerated numbers, the synthetic calibration).

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long table (``patient_id``, ``variable``, ``day``, ``value``).
    variable : str
        The variable.
    days : tuple of int
        The two exact days.

    Returns
    -------
    pandas.DataFrame
        Columns ``before``, ``after``; index ``patient_id``.

    References
    ----------
    CDISC Analysis Data Model Team. ADaM Implementation Guide v1.3, 2021, section 3.3.5
    (analysis visits; here windows of one exact day each).

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"patient_id": ["a", "a", "b", "c"], "variable": "crp",
    ...                      "day": [0, 7, 0, 7], "value": [100.0, 20.0, 80.0, 5.0]})
    >>> paired_frame(long, "crp", (0, 7))
                before  after
    patient_id
    a            100.0   20.0
    """
    return paired_frames(measurements, [variable], days)[variable]


#: ``statistics.wilcoxon`` keys that are not keyword arguments of the signed-rank test.
_NOT_TEST_OPTIONS = ("preset", "differences")


def wilcoxon_options(settings: dict) -> dict:
    """Signed-rank keyword arguments: a preset, then any explicit overrides.

    Parameters
    ----------
    settings : dict
        The loaded study's ``statistics.wilcoxon`` section (``preset`` and any keyword of
        :func:`~retrocohort.stats.signed_rank.wilcoxon_signed_rank`).

    Returns
    -------
    dict
        Keyword arguments of :func:`~retrocohort.stats.signed_rank.wilcoxon_signed_rank`.

    References
    ----------
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014,
    section 3.1 (signed-rank test; zeros and ties).
    Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. J Am Stat Assoc
    1959;54:655-67.

    Examples
    --------
    >>> wilcoxon_options({"preset": "retrocohort"})["zero_method"]
    'wilcox'
    >>> wilcoxon_options({"preset": "retrocohort", "zero_method": "pratt"})["zero_method"]
    'pratt'
    """
    opts = wilcoxon_preset(settings["preset"])
    opts.update({k: v for k, v in settings.items() if k not in _NOT_TEST_OPTIONS})
    return opts


#: Column prefixes of the two paired summaries when no time points are given (``paired_days: [0, 7]``).
DEFAULT_TAGS = ("day0", "day7")


def _summaries(before: np.ndarray, after: np.ndarray, hf_type: int, tags: tuple[str, str]) -> dict:
    out = {}
    for tag, x in zip(tags, (before, after), strict=True):
        out.update(point_summary(tag, x, hf_type))
    return out


MIN_PAIRS = 2
NOT_COMPUTED = f"not computed: fewer than {MIN_PAIRS} pairs"


ALL_ZERO = "not computed: every paired difference is zero (nothing to rank)"
ZERO_VARIANCE = "not computed: the paired differences have zero variance (t undefined)"


def _not_computed(base: dict, test: str, reason: str = NOT_COMPUTED) -> dict:
    """Row of a test that was not run: too few pairs have both days, or (``reason``) the data
    leave its statistic undefined."""
    return {
        **base,
        "test": test,
        "method": reason,
        "statistic": np.nan,
        "p_value": np.nan,
        "n": base["n_pairs"],
        "n_used": 0,
        "alternative": "two-sided",
        "details": {"reason": reason, "min_pairs": MIN_PAIRS},
    }


def _extra_test_row(base: dict, name: str, d: np.ndarray) -> dict:
    """Row of a registered paired test of the differences (``sign``, ``paired_t``); the t-test
    is not computed on differences of zero variance (t = mean / (SD / sqrt(n)) is 0/0 or
    infinite)."""
    entry = TESTS[name]
    if name == "paired_t" and np.ptp(d) == 0:
        return {**_not_computed(base, entry.test, ZERO_VARIANCE), "role": name}
    return {**base, "role": name, **entry.function(d).to_dict(flat=False)}


def _binary_counts(before: np.ndarray, after: np.ndarray, tags: tuple[str, str]) -> dict:
    first, second = tags
    return {
        f"{first}_count": int(before.sum()),
        f"{second}_count": int(after.sum()),
        f"{first}_percent": 100 * before.mean() if before.size else np.nan,
        f"{second}_percent": 100 * after.mean() if after.size else np.nan,
    }


def _rank_biserial(d: np.ndarray, decimals: int | None, zero_method: str, v: float, n_used: int) -> float:
    """Matched-pairs rank-biserial r; from the test's V when zeros were dropped (same ranks).
    Undefined (NaN) when every difference is zero."""
    if not (d != 0).any():
        return np.nan
    if zero_method == "wilcox":
        return rank_biserial_from_v(v, n_used)
    return rank_biserial_paired(d, decimals=decimals)


def compare_parameter(
    variable: str, kind: str, pairs: pd.DataFrame, stats_cfg: dict, tags: tuple[str, str] = DEFAULT_TAGS
) -> list[dict]:
    """All configured paired statistics of one parameter (main test first); the two summaries'
    columns are prefixed by ``tags`` (the time point names, e.g. ``day0_median``).

    With fewer than ``MIN_PAIRS`` complete pairs no test is run: the row keeps n and the
    summaries and states "not computed: fewer than 2 pairs" as its method.

    Parameters
    ----------
    variable : str
        The parameter's variable.
    kind : str
        ``continuous`` (Wilcoxon signed-rank on the differences second - first, with the
        Hodges-Lehmann estimate and the matched-pairs rank-biserial r, by default) or
        ``binary`` (McNemar), or another paired test the policy names
        (:func:`~retrocohort.analysis.test_policy.resolve_tests`).
    pairs : pandas.DataFrame
        Complete pairs: columns ``before``, ``after``.
    stats_cfg : dict
        The loaded study's ``statistics:`` section.
    tags : tuple of str, optional
        Prefixes of the two summaries' columns.

    Returns
    -------
    list of dict
        The main test's row, then one row per ``statistics.extra_tests`` entry.

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014,
    sections 3.1-3.2 (signed-rank test; Hodges-Lehmann estimator and its confidence interval).
    McNemar Q. Note on the sampling error of the difference between correlated proportions or
    percentages. Psychometrika 1947;12:153-7.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"before": [10.0, 12.0, 15.0, 20.0, 9.0, 30.0],
    ...                       "after": [4.0, 5.0, 9.0, 8.0, 3.0, 10.0]})
    >>> from retrocohort.config.check import SCHEMA_PATH, read_yaml
    >>> from retrocohort.config.study import fill_defaults
    >>> stats_cfg = fill_defaults({"statistics": {}}, read_yaml(SCHEMA_PATH))["statistics"]
    >>> row = compare_parameter("crp", "continuous", pairs, stats_cfg)[0]
    >>> row["test"], row["statistic"], row["p_value"], row["n_used"]
    ('Wilcoxon signed-rank', 0.0, 0.03125, 6)
    >>> row["day0_median"], row["day7_median"], row["hl_estimate"], row["rank_biserial"]
    (13.5, 6.5, -9.0, -1.0)
    >>> compare_parameter("crp", "continuous", pairs.head(1), stats_cfg)[0]["method"]
    'not computed: fewer than 2 pairs'
    """
    before = pairs["before"].to_numpy(dtype="float64")
    after = pairs["after"].to_numpy(dtype="float64")
    base = {"variable": variable, "kind": kind, "n_pairs": len(pairs)}
    hf = stats_cfg["quantile_type"]
    main = choose_test(resolve_tests("paired", stats_cfg), kind, None)
    if len(pairs) < MIN_PAIRS:
        test = main.test
        extra = (
            _binary_counts(before, after, tags) if kind == "binary" else _summaries(before, after, hf, tags)
        )
        rows = [{**_not_computed(base, test), "role": "main", **extra}]
        for name in stats_cfg.get("extra_tests", []) if kind != "binary" else []:
            if name != main.name:
                rows.append({**_not_computed(base, TESTS[name].test), "role": name})
        return rows
    if kind == "binary":
        res = main.function(
            before.astype(bool),
            after.astype(bool),
            method=stats_cfg["mcnemar"]["method"],
        )
        return [{**base, "role": "main", **res.to_dict(flat=False), **_binary_counts(before, after, tags)}]
    raw = ranks_raw_differences(stats_cfg["wilcoxon"])
    decimals = None if raw else stats_cfg["decimals_for_tests"]
    d = after - before if raw else np.round(after - before, decimals)
    extras = [
        _extra_test_row(base, name, d) for name in stats_cfg.get("extra_tests", []) if name != main.name
    ]
    if main.name != "wilcoxon_signed_rank":  # a paired t-test or sign test as the main test
        return [
            {**_extra_test_row(base, main.name, d), "role": "main", **_summaries(before, after, hf, tags)},
            *extras,
        ]
    options = wilcoxon_options(stats_cfg["wilcoxon"])
    if options["zero_method"] == "wilcox" and not (d != 0).any():
        # Wilcoxon's method drops zeros: no difference is left (R and scipy give NA/NaN)
        row = {**_not_computed(base, "Wilcoxon signed-rank", ALL_ZERO), "role": "main"}
    else:
        res = wilcoxon_signed_rank(d, decimals=decimals, **options)
        row = {**base, "role": "main", **res.to_dict(flat=False)}
        if raw:  # the default (rounded to decimals_for_tests) is in details.decimals
            row["method"] += (
                " Differences ranked as computed (raw floating-point second - first, as R's "
                "wilcox.test(x, y, paired = TRUE))."
            )
    row.update(_summaries(before, after, hf, tags))
    if d.size:
        preset = stats_cfg["wilcoxon"]["preset"]
        hl = hodges_lehmann_paired(
            d,
            conf_level=stats_cfg["hodges_lehmann"]["conf_level"],
            decimals=decimals,
            convention="R" if preset == "R" else "retrocohort",
        )
        row.update(
            hl_estimate=hl.estimate,
            hl_ci_low=hl.ci_low,
            hl_ci_high=hl.ci_high,
            hl_conf_level=hl.conf_level,
            hl_achieved_conf_level=hl.achieved_conf_level,
            hl_method=hl.method,
            rank_biserial=_rank_biserial(
                d, decimals, options["zero_method"], row["statistic"], row["n_used"]
            ),
        )
        if not (d != 0).any():
            row["note"] = "not computed: rank-biserial r (every paired difference is zero)"
    return [row, *extras]


def table3_from_pairs(
    all_pairs: dict[str, pd.DataFrame],
    parameters: list[dict],
    variables: dict,
    points: tuple[int, int] | tuple[TimePoint, TimePoint],
    stats_cfg: dict,
    synthetic: set[str],
) -> pd.DataFrame:
    """The paired statistics of a table from its pairs, built by
    :func:`~retrocohort.analysis.time_points.time_point_pairs` (or :func:`paired_frames`;
    :func:`retrocohort.analysis.paired_study.paired_study_statistics` does both): one
    row per parameter (:func:`compare_parameter`, main test first), p-values adjusted across
    the main rows by ``statistics.multiplicity`` (Holm, Benjamini-Hochberg) when configured.

    Parameters
    ----------
    all_pairs : dict of str to pandas.DataFrame
        Per variable, its complete pairs (``before``, ``after``).
    parameters : list of dict
        The table's parameters (``variable``, optional ``label``), in table order.
    variables : dict
        The study's variable declarations (``kind``, ``label``).
    points : tuple
        The two time points compared (or two exact days).
    stats_cfg : dict
        The loaded study's ``statistics:`` section.
    synthetic : set of str
        Variables read from synthetic sources (their rows are marked).

    Returns
    -------
    pandas.DataFrame
        One row per parameter and test: test, statistic, p-value, ``p_adjusted`` and
        ``adjustment``, summaries at both time points, ``order``, ``label``, ``synthetic``.

    References
    ----------
    The tests' references are those of :func:`compare_parameter`; the adjustment's:
    Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat 1979;6:65-70.

    Examples
    --------
    >>> from retrocohort.config.check import SCHEMA_PATH, read_yaml
    >>> from retrocohort.config.study import fill_defaults
    >>> stats_cfg = fill_defaults({"statistics": {}}, read_yaml(SCHEMA_PATH))["statistics"]
    >>> variables = {"crp": {"kind": "continuous", "label": "CRP"}}
    >>> pairs = pd.DataFrame({"before": [10.0, 12.0, 15.0, 20.0, 9.0, 30.0],
    ...                       "after": [4.0, 5.0, 9.0, 8.0, 3.0, 10.0]})
    >>> table = table3_from_pairs({"crp": pairs}, [{"variable": "crp"}], variables, (0, 7),
    ...                           stats_cfg, set())
    >>> table[["variable", "label", "test", "p_value", "adjustment"]]
      variable label                  test  p_value adjustment
    0      crp   CRP  Wilcoxon signed-rank  0.03125       none
    """
    first, second = as_time_points(points)
    tags = (first.name, second.name)
    rows = []
    for order, par in enumerate(parameters):
        name = par["variable"]
        pairs = all_pairs[name]
        for r in compare_parameter(name, variables[name]["kind"], pairs, stats_cfg, tags):
            r.update(
                order=order,
                label=par.get("label", variables[name].get("label", name)),
                synthetic=name in synthetic,
                days=f"{first.day} vs {second.day}",
            )
            rows.append(r)
    frame = pd.DataFrame.from_records(rows)
    frame["details"] = frame["details"].map(
        lambda d: {k: d[k] for k in sorted(d)} if isinstance(d, dict) else d
    )
    method = stats_cfg["multiplicity"]
    frame["p_adjusted"] = np.nan
    frame["adjustment"] = method
    if method != "none":
        from retrocohort.stats.multiplicity import adjust_pvalues

        main = frame["role"] == "main"
        frame.loc[main, "p_adjusted"] = adjust_pvalues(frame.loc[main, "p_value"].to_numpy(), method)
    return frame


def pairs_table(all_pairs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The pairs behind Table 3 as one long table: parameter (categorical, Table 3 order),
    patient_id, before, after (and before_day, after_day, the days the values came from, when
    the pairs carry them); one row per patient with a value at both time points.

    Parameters
    ----------
    all_pairs : dict of str to pandas.DataFrame
        Per parameter (in table order), its pairs (index ``patient_id``).

    Returns
    -------
    pandas.DataFrame
        The long table of pairs.

    References
    ----------
    Wickham H. Tidy data. J Stat Softw 2014;59(10):1-23 (one row per observation).

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"before": [3.0, 4.0], "after": [1.0, 2.0]},
    ...                      index=pd.Index(["a", "b"], name="patient_id"))
    >>> pairs_table({"crp": pairs})
      parameter patient_id  before  after
    0       crp          a     3.0    1.0
    1       crp          b     4.0    2.0
    """
    names = list(all_pairs)
    frames = [f.reset_index() for f in all_pairs.values()]
    codes = np.repeat(np.arange(len(names)), [len(f) for f in frames])
    table = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["patient_id", "before", "after"])
    )
    table.insert(0, "parameter", pd.Categorical.from_codes(codes, categories=names))
    return table


def pairs_from_table(table: pd.DataFrame, parameters: list[str]) -> dict[str, np.ndarray]:
    """Inverse of :func:`pairs_table` for plotting: parameter -> (n, 2) array of before, after.

    Parameters
    ----------
    table : pandas.DataFrame
        A table written by :func:`pairs_table`.
    parameters : list of str
        The parameters wanted.

    Returns
    -------
    dict of str to numpy.ndarray
        Per parameter, its pairs as rows (before, after).

    References
    ----------
    Wickham H. Tidy data. J Stat Softw 2014;59(10):1-23.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"before": [3.0, 4.0], "after": [1.0, 2.0]},
    ...                      index=pd.Index(["a", "b"], name="patient_id"))
    >>> pairs_from_table(pairs_table({"crp": pairs}), ["crp"])["crp"]
    array([[3., 1.],
           [4., 2.]])
    """
    values = table[["before", "after"]].to_numpy(dtype="float64")
    names = list(dict.fromkeys(parameters))  # category_codes numbers the distinct names
    codes = category_codes(table["parameter"], names)
    return {p: values[codes == names.index(p)] for p in parameters}
