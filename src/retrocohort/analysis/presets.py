"""The study's R preset: which variant of each test a study's ``statistics:`` asks for.

``statistics.wilcoxon.preset: R`` is the study's R preset: unless set otherwise, the paired
differences are ranked raw (as ``wilcox.test(x, y, paired = TRUE)``), the two-group Mann-Whitney
test is R's ``wilcox.test(x, y)`` and 2x2 chi-squares of descriptive tables get Yates'
correction (``chisq.test``). Each choice is one small pure function of the config mappings.
"""

from __future__ import annotations

from collections.abc import Mapping

from retrocohort.stats.two_sample import mann_whitney_preset

DEFAULT_EXACT_MAX_N = 50


def is_r_preset(stats_cfg: Mapping) -> bool:
    """Whether the study's statistics follow R (``statistics.wilcoxon.preset: R``)."""
    return stats_cfg.get("wilcoxon", {}).get("preset") == "R"


def mann_whitney_options(stats_cfg: Mapping, exact_max_n: int) -> dict:
    """Keyword arguments of :func:`retrocohort.stats.two_sample.mann_whitney` for a study.

    ``statistics.mann_whitney.preset`` (retrocohort, R, coin; see
    :func:`~retrocohort.stats.two_sample.mann_whitney_preset`); unset, it follows the study's R
    preset (R when ``statistics.wilcoxon.preset`` is R, else retrocohort). ``exact_max_n`` (a
    comparison's or a table's) applies to the retrocohort preset only: R's rule is fixed
    (exact iff both n < 50 and no ties), coin's is always exact.

    Parameters
    ----------
    stats_cfg : mapping
        The loaded study's ``statistics:`` section (``mann_whitney.preset``, ``wilcoxon.preset``).
    exact_max_n : int
        Largest group size of the exact conditional null under the retrocohort preset (the
        comparison's or table's ``exact_max_n``).

    Returns
    -------
    dict
        Keyword arguments of :func:`~retrocohort.stats.two_sample.mann_whitney` (``method``,
        ``exact_max_n``, ``exact_with_ties``, ``correction``, ``two_sided``).

    References
    ----------
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014,
    section 4.1 (exact and large-sample Wilcoxon rank-sum tests).

    Examples
    --------
    >>> mann_whitney_options({}, 30)["exact_max_n"]
    30
    >>> r = mann_whitney_options({"wilcoxon": {"preset": "R"}}, 30)
    >>> r["exact_max_n"], r["exact_with_ties"], r["two_sided"]
    (49, False, 'double_observed_side')
    """
    preset = stats_cfg.get("mann_whitney", {}).get("preset") or (
        "R" if is_r_preset(stats_cfg) else "retrocohort"
    )
    options = mann_whitney_preset(preset)
    if preset == "retrocohort":
        options["exact_max_n"] = exact_max_n
    return options


def chi_square_correction(table_spec: Mapping, stats_cfg: Mapping) -> bool:
    """Yates' correction of a descriptive table's 2x2 chi-squares: the table's ``correction``,
    else ``statistics.chi_square.correction``, else the study's R preset (Yates when
    ``statistics.wilcoxon.preset`` is R, as R's ``chisq.test`` and R/Python tableone; none
    otherwise, as gtsummary's ``add_p``).

    Parameters
    ----------
    table_spec : mapping
        The table's entry under ``tables:`` (optional ``correction``).
    stats_cfg : mapping
        The loaded study's ``statistics:`` section.

    Returns
    -------
    bool
        True when 2x2 chi-squares get the continuity correction.

    References
    ----------
    Yates F. Contingency tables involving small numbers and the chi-squared test. J R Stat Soc
    Suppl 1934;1:217-35.

    Examples
    --------
    >>> chi_square_correction({}, {})
    False
    >>> chi_square_correction({}, {"wilcoxon": {"preset": "R"}})
    True
    >>> chi_square_correction({"correction": False}, {"chi_square": {"correction": True}})
    False
    """
    for value in (table_spec.get("correction"), stats_cfg.get("chi_square", {}).get("correction")):
        if value is not None:
            return bool(value)
    return is_r_preset(stats_cfg)


def ranks_raw_differences(settings: Mapping) -> bool:
    """Whether the paired differences are ranked as computed (``statistics.wilcoxon.differences:
    raw``, R's ``wilcox.test(x, y, paired = TRUE)``: float noise can break ties and zeros) rather
    than rounded to ``decimals_for_tests`` (``rounded``). Unset: raw under ``preset: R`` (so the
    preset equals wilcox.test on the raw values), rounded otherwise.

    Parameters
    ----------
    settings : mapping
        The loaded study's ``statistics.wilcoxon`` section (``differences``, ``preset``).

    Returns
    -------
    bool
        True when the signed-rank test ranks the differences as computed.

    References
    ----------
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014,
    section 3.1 (Wilcoxon signed-rank test; ties and zeros).
    R Core Team. wilcox.test, R: A Language and Environment for Statistical Computing.

    Examples
    --------
    >>> ranks_raw_differences({"preset": "R"}), ranks_raw_differences({})
    (True, False)
    >>> ranks_raw_differences({"preset": "R", "differences": "rounded"})
    False
    """
    choice = settings.get("differences")
    return choice == "raw" if choice else settings.get("preset") == "R"
