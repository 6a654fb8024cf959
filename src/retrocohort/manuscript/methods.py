"""The statistical-methods section, written from what the study's statistics files record.

Every test and estimator a statistics record used (:func:`retrocohort.manuscript.method_sentences.methods_used`:
the ``test``, ``model``, ``role`` and estimator fields of ``table1.csv``, ``table3_paired.json``,
``groups.json``, ``survival.json`` and each declared table's ``<id>.json``) gets one sentence from
the registry of method sentences, with a numbered reference; a stage the study lacks has no
record, hence no sentence (no paired test without a paired table, no Kaplan-Meier without a
survival analysis). Rounding from :func:`retrocohort.format.numbers.rounding_rule_sentence`,
software versions from :func:`retrocohort.io.provenance.package_versions`
(``importlib.metadata``). Rendered as Markdown (``methods.md``, ``methods.docx``) and as
reStructuredText for the report's Methods page (``methods.rst``, with each R equivalent).

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retrocohort.config.time_points import paired_time_points, repeated_time_points
from retrocohort.format.numbers import rounding_rule_sentence
from retrocohort.format.pvalues import p_value_format
from retrocohort.io.provenance import package_versions
from retrocohort.manuscript.method_sentences import REGISTRY, MethodLine, Records, method_lines, methods_used
from retrocohort.manuscript.resolve import synthetic_footnote
from retrocohort.render.rst import rst_escape
from retrocohort.stats.design_based import RAO_SCOTT
from retrocohort.stats.design_based import T_TEST as DESIGN_T_TEST
from retrocohort.stats.multiplicity import ADJUST_METHODS
from retrocohort.stats.registry import TESTS

#: The heading of the computational details moved out of the methods paragraphs.
SUPPLEMENT_HEADING = "Supplementary note: computational details"
#: Packages whose versions the paragraph names (those that compute or print a number).
SOFTWARE = ("retrocohort", "numpy", "scipy", "pandas", "statsmodels", "snakemake", "python-docx")


def _recorded(paired: bool) -> tuple[str, ...]:
    """Recorded names of the registered tests chosen for paired (or between-groups) slots."""
    return tuple(
        e.test for e in TESTS.values() if e.test and any(s.endswith("_paired") == paired for s in e.slots)
    )


#: Registry keys per paragraph of the section, in order (keys not used are left out); the tests'
#: keys come from the registry of tests, so a newly registered test has its paragraph.
PAIRED_TESTS = _recorded(paired=True)
GROUP_TESTS = _recorded(paired=False)
PAIRED_KEYS = PAIRED_TESTS + ("Hodges-Lehmann", "rank-biserial")
REPEATED_KEYS = (TESTS["friedman"].test, TESTS["cochran_q"].test)
GROUP_KEYS = GROUP_TESTS + ("SMD",)
SURVIVAL_KEYS = ("km", "median", TESTS["logrank"].test, "cif", TESTS["gray"].test)
SURVIVAL_KEYS += (TESTS["robust_score"].test,)  # the log-rank's place on a matched or weighted sample
REGRESSION_KEYS = ("cox", "logistic", TESTS["likelihood_ratio"].test, TESTS["cox_zph"].test)
TEST_KEYS = (
    PAIRED_TESTS + REPEATED_KEYS + GROUP_TESTS + (TESTS["logrank"].test, TESTS["gray"].test) + REGRESSION_KEYS
)
TEST_KEYS += (TESTS["robust_score"].test,)
# on a matched or weighted sample (a descriptive or comparison table's `sample:`), before the SMD
SAMPLE_TESTS = (DESIGN_T_TEST, RAO_SCOTT)
GROUP_KEYS = GROUP_TESTS + SAMPLE_TESTS + ("SMD",)
TEST_KEYS += SAMPLE_TESTS


@dataclass(frozen=True)
class Section:
    """One paragraph of the methods: an opening clause (may be empty) and its methods."""

    intro: str
    lines: tuple[MethodLine, ...]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _multiplicity(paired: Records, comparison: str) -> str:
    methods = sorted(
        {str(r.get("adjustment")) for r in paired if r.get("adjustment") not in (None, "", "none")}
    )
    if not methods:
        return "p-values are not adjusted for multiple comparisons."
    named = _join([ADJUST_METHODS.get(m, m) for m in methods])
    return f"p-values of the {comparison} comparisons are adjusted with the {named} method."


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


def _pick(lines: Sequence[MethodLine], keys: Sequence[str]) -> tuple[MethodLine, ...]:
    return tuple(line for line in lines if line.key in keys)


def method_sections(config: Mapping[str, Any], sources: Mapping[str, Records]) -> list[Section]:
    """The methods paragraphs of a study, one per analysis family it has records of.

    Parameters
    ----------
    config
        ``statistics``, ``hscore`` and ``selection/score`` (an HScore study) and, when the
        study has paired or repeated tests, ``time_points``, ``paired_days``,
        ``paired_time_points``, ``repeated_time_points``.
    sources
        ``{file name: records}`` of every statistics file of the study.

    Returns
    -------
    list of Section
        Descriptive statistics, paired, repeated, group comparisons, time to event and
        regression, each only when a record used one of its methods.
    """
    used = methods_used(sources)
    if "hscore" in config:  # the selection score: declared, not a statistics record
        used = {**used, "HScore": [{**config["hscore"], "score": config["selection"]["score"]}]}
        used = {key: used[key] for key in REGISTRY if key in used}
    lines = method_lines(used, config["statistics"])
    sections = [Section("", _pick(lines, ("quantiles", "HScore")))]
    paired = _pick(lines, PAIRED_KEYS)
    if paired:
        first, second = paired_time_points(dict(config))
        sections.append(
            Section(
                f"{first.title} and {second.title} values were compared within patients with both values.",
                paired,
            )
        )
    repeated = _pick(lines, REPEATED_KEYS)
    if repeated:
        names = [p.title for p in repeated_time_points(dict(config))]
        intro = (
            f"Values at {_join(names)} were compared within patients."
            if names
            else "Across the repeated time points:"
        )
        sections.append(Section(intro, repeated))
    sections.append(Section("Between groups:", _pick(lines, GROUP_KEYS)))
    sections.append(Section("Time to event:", _pick(lines, SURVIVAL_KEYS)))
    sections.append(Section("Treatment comparisons:", _pick(lines, ("propensity",))))
    sections.append(Section("Regression models:", _pick(lines, REGRESSION_KEYS)))
    return [s for s in sections if s.lines]


def _tests_paragraph(
    config: Mapping[str, Any], sources: Mapping[str, Records], sections: list[Section]
) -> str:
    """Multiplicity and significance, when a test was run ("" otherwise)."""
    keys = {line.key for s in sections for line in s.lines}
    if not keys & set(TEST_KEYS):
        return ""
    text = ""
    if keys & set(PAIRED_KEYS):
        paired = [r for name, recs in sources.items() if "paired" in name for r in recs]
        first, second = paired_time_points(dict(config))
        text = _multiplicity(paired, f"{first.title} vs {second.title}") + " "
    alpha = config.get("tables", {}).get("table3", {}).get("bold_p_below")
    return text + _significance(config["statistics"], alpha)


def _references(sections: list[Section]) -> list[str]:
    return list(dict.fromkeys(line.reference for s in sections for line in s.lines))


def methods_markdown(config: Mapping[str, Any], sources: Mapping[str, Records], *, synthetic: bool) -> str:
    """The methods section as Markdown: heading, one paragraph per analysis family (one
    sentence per method, with its numbered reference), closing paragraphs, references.

    ``config``: as :func:`method_sections`, plus ``statistics`` (rounding, p-value printing),
    optional ``tables/table3/bold_p_below`` (significance level) and ``study/synthetic_note``.
    """
    sections = method_sections(config, sources)
    refs = _references(sections)
    paragraphs = ["## Statistical analysis"]
    for section in sections:
        body = " ".join(
            f"{line.prose.rstrip('.')} [{refs.index(line.reference) + 1}]." for line in section.lines
        )
        paragraphs.append(f"{section.intro} {body}".strip())
    tests = _tests_paragraph(config, sources, sections)
    paragraphs += [tests] if tests else []
    paragraphs.append(rounding_rule_sentence(config["statistics"]["rounding"]))
    paragraphs.append(_software())
    if synthetic:
        paragraphs.append(synthetic_footnote(config["study"]["synthetic_note"]))
    if refs:
        paragraphs.append("### References")
        paragraphs += [f"{i}. {ref}" for i, ref in enumerate(refs, 1)]  # one paragraph each (Word)
    paragraphs += _supplementary_note(sections, refs)
    return "\n\n".join(paragraphs) + "\n"


def _supplementary_note(sections: list[Section], refs: list[str]) -> list[str]:
    """The computational details the methods paragraphs leave out (:func:`split_details`:
    formulas, software equivalents, algorithms), one paragraph per method with its reference
    number, under ``SUPPLEMENT_HEADING``; none when no method has any."""
    items = [
        f"{REGISTRY[line.key].name}: {'; '.join(line.details)} [{refs.index(line.reference) + 1}]."
        for section in sections
        for line in section.lines
        if line.details
    ]
    return [f"### {SUPPLEMENT_HEADING}", *items] if items else []


def _rst_item(line: MethodLine) -> str:
    """A list item: the sentence, then the R equivalent (literal) and the reference."""
    if "``" in line.r_equivalent:
        raise ValueError(f"R equivalent of {line.key!r} contains ``: cannot be an RST literal")
    return (
        f"- {rst_escape(line.sentence)}\n\n"
        f"  *R:* ``{line.r_equivalent}``. *Reference:* {rst_escape(line.reference)}"
    )


def methods_rst(config: Mapping[str, Any], sources: Mapping[str, Records]) -> str:
    """The report's list of methods (reStructuredText, every text escaped): per analysis family
    its opening clause, then one item per method with its sentence, R equivalent and reference."""
    sections = method_sections(config, sources)
    blocks = []
    for section in sections:
        if section.intro:
            blocks.append(rst_escape(section.intro))
        blocks.append("\n\n".join(_rst_item(line) for line in section.lines))
    tests = _tests_paragraph(config, sources, sections)
    blocks += [rst_escape(tests)] if tests else []
    return "\n\n".join(blocks) + "\n"
