"""A statistical-methods paragraph generated from the study config and the statistics files.

Each test is described by the method sentence its statistics record carries (the ``method``
field written by :mod:`retrocohort.stats`: exact or approximate null, zero and tie handling), so
the paragraph names what was computed, parameter by parameter, not what was intended. The
quantile definition is Hyndman & Fan (1996) type N (:data:`retrocohort.stats.quantiles.HF_TYPES`),
rounding from :func:`retrocohort.format.numbers.rounding_rule_sentence`, software versions from
:func:`retrocohort.io.provenance.package_versions` (``importlib.metadata``).

References: Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping

from retrocohort.config.time_points import paired_time_points
from retrocohort.format.numbers import rounding_rule_sentence
from retrocohort.format.pvalues import p_value_format
from retrocohort.io.provenance import package_versions
from retrocohort.manuscript.resolve import synthetic_footnote
from retrocohort.stats.multiplicity import ADJUST_METHODS
from retrocohort.stats.quantiles import HF_TYPES

#: Packages whose versions the paragraph names (those that compute or print a number).
SOFTWARE = ("retrocohort", "numpy", "scipy", "pandas", "statsmodels", "snakemake", "python-docx")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def method_sentences(records: list[dict], subject: str = "label") -> list[str]:
    """One sentence per distinct ``(test, method)`` of ``records``: the test's method text and
    the rows (by ``subject``) it was used for, in order of first appearance."""
    groups: dict[tuple[str, str], list[str]] = {}
    for rec in records:
        if rec.get("test") and rec.get("method"):
            groups.setdefault((rec["test"], rec["method"]), []).append(str(rec.get(subject) or ""))
    sentences = []
    for (_test, method), subjects in groups.items():
        named = [s for s in dict.fromkeys(subjects) if s]
        sentences.append(f"{method.rstrip('.')} ({_join(named)})." if named else method)
    return sentences


def _descriptive(stats_cfg: Mapping) -> str:
    qtype = int(stats_cfg["quantile_type"])
    return (
        "Categorical variables are reported as numbers with percentages of the patients with a "
        "known value (missing values are reported, never counted as absent); continuous variables "
        "as medians with first and third quartiles [Q1–Q3], the quartiles computed with the sample "
        f"quantile definition of Hyndman and Fan (1996), type {qtype}: {HF_TYPES[qtype]}."
    )


def _multiplicity(stats_cfg: Mapping) -> str:
    method = stats_cfg["multiplicity"]
    if method == "none":
        return "p-values are not adjusted for multiple comparisons."
    return (
        f"p-values of the Day 0 vs Day 7 comparisons are adjusted with the {ADJUST_METHODS[method]} method."
    )


def _significance(stats_cfg: Mapping, alpha: float | None) -> str:
    p_cfg = p_value_format(stats_cfg)
    text = (
        f"All tests are two-sided; p-values are printed with {p_cfg['decimals']} decimals, "
        f'below {p_cfg["threshold"]:g} as "<{p_cfg["threshold"]:g}"'
    )
    return text + (f"; p < {alpha:g} was considered significant." if alpha is not None else ".")


def _software() -> str:
    versions = package_versions(SOFTWARE)
    named = [f"{name} {versions[name]}" for name in SOFTWARE if versions[name] != "not installed"]
    return (
        f"Analyses were run with Python {platform.python_version()} ({_join(named)}), by a "
        "Snakemake workflow that regenerates every table, figure and number of the text from the "
        "patient-level data."
    )


def methods_markdown(
    config: Mapping,
    paired: list[dict],
    groups: list[dict],
    survival: list[dict],
    *,
    synthetic: bool,
) -> str:
    """The methods section as Markdown (heading and paragraphs).

    Parameters
    ----------
    config
        The rule's config slice: ``statistics`` (quantile type, rounding, p-value printing,
        multiplicity, Hodges-Lehmann level), ``tables/table3/bold_p_below`` (significance level,
        optional), ``study/synthetic_note``.
    paired, groups, survival
        The records of ``table3_paired.json``, ``groups.json`` and ``survival.json`` (their
        ``method`` fields describe each test as computed).
    synthetic
        Whether any number of the text rests on synthetic data (adds the study's statement).
    """
    stats_cfg = config["statistics"]
    alpha = config["tables"]["table3"].get("bold_p_below")
    first, second = paired_time_points(config)
    paired_main = [r for r in paired if r.get("role", "main") == "main"]
    tests = method_sentences(paired_main)
    tests += method_sentences([r for r in groups if r.get("role") == "test"], "comparison_label")
    km = [{**r, "test": "Kaplan-Meier"} for r in survival if r.get("role") == "km"]
    survival_text = method_sentences(km, "analysis_label")
    survival_text += method_sentences([r for r in survival if r.get("role") == "logrank"], "analysis_label")
    paragraphs = [
        "## Statistical analysis",
        _descriptive(stats_cfg),
        f"{first.title} and {second.title} values were compared within patients with both values. "
        + " ".join(tests),
    ]
    hl = stats_cfg["hodges_lehmann"]["conf_level"]
    paragraphs[-1] += (
        f" Effect sizes: Hodges–Lehmann estimate of the median paired difference with its {100 * hl:g}% "
        "confidence interval, and the matched-pairs rank-biserial correlation."
    )
    repeated = method_sentences([r for r in paired if r.get("role") == "repeated"])
    if repeated:
        paragraphs[-1] += " Across the repeated time points: " + " ".join(repeated)
    if survival_text:
        paragraphs.append("Time to event: " + " ".join(survival_text))
    paragraphs.append(f"{_multiplicity(stats_cfg)} {_significance(stats_cfg, alpha)}")
    paragraphs.append(rounding_rule_sentence(stats_cfg["rounding"]))  # type: ignore[arg-type]
    paragraphs.append(_software())
    if synthetic:
        paragraphs.append(synthetic_footnote(config["study"]["synthetic_note"]))
    return "\n\n".join(paragraphs) + "\n"
