"""Table footnotes that say in words what a table shows, for the methods whose formulas and
software equivalents live in the statistics files' ``method`` column and in methods.docx's
"Supplementary note: computational details" (:data:`retrocohort.manuscript.methods.SUPPLEMENT_HEADING`):
the quartile definition, the Kaplan–Meier median and its interval, a Kaplan–Meier estimate at a
time point, and Wald intervals of a ratio.

A footnote names the method (with its author when that identifies it); it prints no formula,
no inequality and no software call (issue 24: "footnotes only for what the table shows")."""

from __future__ import annotations

import re

#: What an SMD column shows (the formula, |m1 - m2| / sqrt((s1² + s2²) / 2) as tableone, is in
#: the methods' supplementary note). Yang D, Dalton JE. A unified approach to measuring the
#: effect size between two groups using SAS. SAS Global Forum 2012, paper 335.
SMD_WORDS = (
    "SMD: absolute standardised mean difference (the difference in means over the pooled standard "
    "deviation for continuous variables; Yang and Dalton's version on the level proportions for "
    "categorical ones); with more than two groups, the mean of the pairwise SMDs."
)

#: A quantile type in a statistics file's ``quantile_method`` text ("Hyndman-Fan type 7 (...)").
_TYPE = re.compile(r"type\s+(\d)")


def quartile_words(hf_type: int | str) -> str:
    """The quartiles' definition in words: "quartiles by Hyndman and Fan's type 7 definition".

    Parameters
    ----------
    hf_type : int or str
        The Hyndman–Fan sample-quantile type (1–9), or the ``quantile_method`` text of a
        statistics file that names it ("Hyndman-Fan type 7 (position 1 + p(n-1) ...)").

    Returns
    -------
    str
        The words, lower case (the caller capitalises at a sentence start).

    Raises
    ------
    ValueError
        When a text names no type.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.

    Examples
    --------
    >>> quartile_words(7)
    "quartiles by Hyndman and Fan's type 7 definition"
    >>> quartile_words("Hyndman-Fan type 6 (position p(n+1) (numpy 'weibull'))")
    "quartiles by Hyndman and Fan's type 6 definition"
    """
    if isinstance(hf_type, str):
        found = _TYPE.search(hf_type)
        if found is None:
            raise ValueError(f"quantile method {hf_type!r} names no Hyndman–Fan type ('type N')")
        hf_type = found.group(1)
    return f"quartiles by Hyndman and Fan's type {int(hf_type)} definition"


def median_rule_words(methods: list[str]) -> str:
    """The Kaplan–Meier median and its confidence interval in words, from the median records'
    ``method`` texts (:func:`retrocohort.stats.survival.median_survival`): R's and SAS's rule
    (the first time the estimate falls to 0.5 or below) or Collett's (the first event time it
    falls below 0.5).

    Parameters
    ----------
    methods : list of str
        The distinct ``method`` texts of the table's median rows.

    Returns
    -------
    str
        One footnote sentence.

    References
    ----------
    Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
    1982;38:29-41. Collett D. Modelling Survival Data in Medical Research. 3rd ed. CRC; 2015.
    Sec. 2.4.

    Examples
    --------
    >>> median_rule_words(["Kaplan-Meier median (first time with S(t) <= 0.5, ...)"])[:60]
    'Median: the first time the Kaplan–Meier estimate falls to 0.'
    """
    collett = any("smallest event time" in text for text in methods)
    rule = (
        "the first event time at which the Kaplan–Meier estimate falls below 0.5"
        if collett
        else "the first time the Kaplan–Meier estimate falls to 0.5 or below (halfway to the next "
        "event time when it equals 0.5 exactly)"
    )
    return (
        f"Median: {rule}; its confidence interval (Brookmeyer–Crowley) runs from the time the lower "
        "limit of the pointwise confidence band reaches 0.5 by the same rule to the time the upper "
        "limit does."
    )


def km_estimate_words(label: str, who: str, ci_types: list[str]) -> str:
    """What a "<label> at <time>" column of a survival table shows, in words.

    Parameters
    ----------
    label : str
        The column's first word(s): "Event-free" or "Without death".
    who : str
        The patients it counts: "event-free" or "in whom death has not yet occurred".
    ci_types : list of str
        The pointwise bands' transforms ("log-log").

    Returns
    -------
    str
        The footnote, naming the band's transform.

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
    1958;53:457-81. Greenwood M. The natural duration of cancer. Reports on Public Health and
    Medical Subjects 33. HMSO; 1926.

    Examples
    --------
    >>> km_estimate_words("Event-free", "event-free", ["log-log"])[:70]
    'Event-free: the Kaplan–Meier estimate of the percentage of patients ev'
    """
    return (
        f"{label}: the Kaplan–Meier estimate of the percentage of patients {who} at the stated time, "
        f"with its pointwise confidence interval ({', '.join(ci_types)} transform of Greenwood's variance)."
    )


def wald_interval_words(conf_level: float) -> str:
    """ "95% confidence intervals are Wald intervals on the log scale." (of an odds or hazard
    ratio: the coefficient's interval, exponentiated)

    Parameters
    ----------
    conf_level : float
        The intervals' confidence level (0.95).

    Returns
    -------
    str
        The sentence, with its full stop (the caller may join a p-value clause before it).

    References
    ----------
    Wald A. Tests of statistical hypotheses concerning several parameters when the number of
    observations is large. Trans Am Math Soc 1943;54:426-82. Hosmer DW, Lemeshow S,
    Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013. Sec. 1.4.

    Examples
    --------
    >>> wald_interval_words(0.95)
    '95% confidence intervals are Wald intervals on the log scale.'
    """
    return f"{100 * float(conf_level):g}% confidence intervals are Wald intervals on the log scale."
