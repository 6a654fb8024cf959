"""Placeholder entries of each propensity-score matching (``treatment_comparisons.<name>`` with
``method: matching``), read from its summary ``results/stats/treatment_comparison_<name>.json``
(rule ``treatment_comparison``), so a Results text can say how many patients were matched and how
many were left unmatched, each number traced to its key in that file:

- ``matching.<name>.n_treated_matched`` / ``n_control_matched``: treated and control patients in
  the matched sample (``n_in_sample``);
- ``matching.<name>.n_matched``: both together; ``matching.<name>.n_sets``: the matched sets;
- ``matching.<name>.n_treated_unmatched`` / ``n_control_unmatched`` / ``n_unmatched``: the
  patients left out of the matched sample (``n_unmatched``: treated without a control within the
  caliper, controls not selected), as the flow diagram shows them.

References
----------
von Elm E, Altman DG, Egger M, et al. The Strengthening the Reporting of Observational Studies in
Epidemiology (STROBE) statement. Lancet 2007;370:1453-7 (item 13: numbers at each stage).
Ho DE, Imai K, King G, Stuart EA. MatchIt. J Stat Softw 2011;42(8):1-28 (matched and unmatched
counts, ``summary.matchit``'s "Sample sizes").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from retrocohort.manuscript.namespace import Entry, Namespace, TextStyle, key_part

#: Input name prefix of a matching's summary among a manuscript rule's inputs.
MATCHING = "matching_"
#: The rule that writes the summaries.
MATCHING_RULE = "treatment_comparison"


def matching_inputs(input: Mapping[str, str]) -> dict[str, str]:
    """{matching name: summary path} of a rule's inputs named ``matching_<name>``.

    Examples
    --------
    >>> matching_inputs({"flow": "f.csv", "matching_psm": "results/stats/treatment_comparison_psm.json"})
    {'psm': 'results/stats/treatment_comparison_psm.json'}
    """
    return {name[len(MATCHING) :]: path for name, path in input.items() if name.startswith(MATCHING)}


def matching_entries(summary: Mapping[str, Any], path: str, name: str, style: TextStyle) -> Namespace:
    """Entries ``matching.<name>.*`` (module docstring) of one matching's summary.

    Parameters
    ----------
    summary : mapping
        The summary JSON (keys ``n_in_sample``, ``n_unmatched``: {treated, control};
        ``n_matched_sets``).
    path : str
        Its file (the source of every entry; record 0, column the JSON key path).
    name : str
        The comparison's key under ``treatment_comparisons:``.
    style : TextStyle
        The study's number style.

    Returns
    -------
    Namespace
        The counts as integers.

    References
    ----------
    von Elm E, et al. Lancet 2007;370:1453-7 (STROBE item 13).

    Examples
    --------
    >>> from retrocohort.render.number_style import NumberStyle
    >>> style = TextStyle(NumberStyle(), {"decimals": 3, "threshold": 0.001, "rule": "half_up"})
    >>> summary = {"n_in_sample": {"treated": 339, "control": 339}, "n_matched_sets": 339,
    ...            "n_unmatched": {"treated": 0, "control": 2304}}
    >>> space = matching_entries(summary, "s.json", "matched", style)
    >>> space["matching.matched.n_unmatched"].text(), space["matching.matched.n_unmatched"].column
    ('2304', 'n_unmatched.treated+n_unmatched.control')
    """
    space = Namespace()
    prefix = f"matching.{key_part(name)}"
    counts = {
        "n_treated_matched": (summary["n_in_sample"]["treated"], "n_in_sample.treated"),
        "n_control_matched": (summary["n_in_sample"]["control"], "n_in_sample.control"),
        "n_treated_unmatched": (summary["n_unmatched"]["treated"], "n_unmatched.treated"),
        "n_control_unmatched": (summary["n_unmatched"]["control"], "n_unmatched.control"),
        "n_sets": (summary["n_matched_sets"], "n_matched_sets"),
    }
    in_sample, unmatched = summary["n_in_sample"], summary["n_unmatched"]
    counts["n_matched"] = (
        in_sample["treated"] + in_sample["control"],
        "n_in_sample.treated+n_in_sample.control",
    )
    counts["n_unmatched"] = (
        unmatched["treated"] + unmatched["control"],
        "n_unmatched.treated+n_unmatched.control",
    )
    entries = {
        key: Entry(int(value), style.integer(int(value)), 0, path, 0, column)
        for key, (value, column) in counts.items()
    }
    space.add_all(prefix, entries)
    return space


def read_matchings(paths: Mapping[str, str], style: TextStyle) -> Namespace:
    """The entries of every matching summary in ``paths`` ({name: path})."""
    space = Namespace()
    for name, path in paths.items():
        with open(path, encoding="utf-8") as handle:
            part = matching_entries(json.load(handle), path, name, style)
        space.records |= part.records
        for key in part.keys():
            space.add(key, part[key])
    return space


def matching_paragraph(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    """The Results paragraph of a generated template on each matching's matched and unmatched
    patients, every number a ``matching.<name>.*`` placeholder ("" without a matching).

    Parameters
    ----------
    summaries : mapping
        {name: summary JSON} (its ``specification.label`` names the matching).

    Returns
    -------
    str
        One sentence per matching.

    References
    ----------
    von Elm E, et al. Lancet 2007;370:1453-7 (STROBE item 13).

    Examples
    --------
    >>> print(matching_paragraph({"psm": {"specification": {"label": "1:1 matching"}}}))
    1:1 matching: {{matching.psm.n_treated_matched}} treated and {{matching.psm.n_control_matched}} control patients matched in {{matching.psm.n_sets}} matched sets; {{matching.psm.n_treated_unmatched}} treated and {{matching.psm.n_control_unmatched}} control patients left unmatched.
    """
    sentences = []
    for name, summary in summaries.items():
        key = f"matching.{key_part(name)}"
        label = (summary.get("specification") or {}).get("label") or name
        sentences.append(
            f"{label}: {{{{{key}.n_treated_matched}}}} treated and {{{{{key}.n_control_matched}}}} control "
            f"patients matched in {{{{{key}.n_sets}}}} matched sets; {{{{{key}.n_treated_unmatched}}}} treated "
            f"and {{{{{key}.n_control_unmatched}}}} control patients left unmatched."
        )
    return " ".join(sentences)
