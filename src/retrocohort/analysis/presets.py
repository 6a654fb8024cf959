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
    otherwise, as gtsummary's ``add_p``). Yates (1934), JRSS Suppl 1:217-235."""
    for value in (table_spec.get("correction"), stats_cfg.get("chi_square", {}).get("correction")):
        if value is not None:
            return bool(value)
    return is_r_preset(stats_cfg)


def ranks_raw_differences(settings: Mapping) -> bool:
    """Whether the paired differences are ranked as computed (``statistics.wilcoxon.differences:
    raw``, R's ``wilcox.test(x, y, paired = TRUE)``: float noise can break ties and zeros) rather
    than rounded to ``decimals_for_tests`` (``rounded``). Unset: raw under ``preset: R`` (so the
    preset equals wilcox.test on the raw values), rounded otherwise."""
    choice = settings.get("differences")
    return choice == "raw" if choice else settings.get("preset") == "R"
