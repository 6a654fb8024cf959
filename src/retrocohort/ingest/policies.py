"""Declared data-cleaning policies of a source or variable; every changed value is counted.

* ``duplicates: refuse | collapse_identical`` (per source): rows repeating a key *and* its
  value (after unit conversion) are refused (default) or collapsed to one, the number of rows
  dropped recorded;
* ``conflicts: refuse | first | last | mean | max | min`` (per source): rows sharing a key with
  different values are refused (default; both rows named) or replaced by one value, the number
  of keys so combined recorded;
* ``out_of_range: refuse | missing`` (per variable): a value outside the variable's ``range``
  is refused (default) or set missing, the number set missing recorded.

The key is (patient, day, variable) in a long measurement file, the patient in a patient file.
Nothing here changes a number silently: each policy that fires returns an :class:`Adjustment`,
written to the site's ``adjustments.json`` and reported in ``results/validation/report.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.config.source_checks import policy_problems
from retrocohort.errors import ConfigError
from retrocohort.ingest.cells import plausible_bounds

#: Aggregations a ``conflicts:`` policy may declare (``refuse`` aside).
AGGREGATIONS = ("first", "last", "mean", "max", "min")


@dataclass(frozen=True)
class Adjustment:
    """Values a declared policy changed: ``count`` times ``noun`` (plural unless one) of ``variable`` in ``file``, and
    what happened to them (``detail``, e.g. "of sbp outside [50, 250] mmHg set missing")."""

    file: str
    variable: str
    policy: str
    count: int
    noun: str
    detail: str

    def record(self, site: str) -> dict:
        """JSON-ready record: the site, the fields, and the :meth:`sentence` tables footnote."""
        return {"site": site, **asdict(self), "sentence": self.sentence()}

    def sentence(self) -> str:
        """The footnote sentence, e.g. ``3 values of sbp outside [50, 250] mmHg set missing``."""
        return adjustment_sentence(self.count, self.noun, self.detail)


def adjustment_sentence(count: int, noun: str, detail: str) -> str:
    """``"2 values of sbp outside [50, 250] mmHg set missing"``: the count, the noun (plural
    unless one) and the detail."""
    return f"{count:,} {noun}{'' if count == 1 else 's'} {detail}"


def footnotes_for(adjustments: Iterable[Mapping], variables: Iterable[str]) -> list[str]:
    """The footnote sentences of a table showing ``variables``: the records of
    :meth:`Adjustment.record` (all sites) of those variables, counts summed over sites and files
    per (variable, policy, detail), in the order of ``variables`` then of first appearance."""
    order = {v: i for i, v in enumerate(dict.fromkeys(variables))}
    totals: dict[tuple, int] = {}
    for a in adjustments:
        if a["variable"] in order:
            key = (order[a["variable"]], a["policy"], a["noun"], a["detail"])
            totals[key] = totals.get(key, 0) + int(a["count"])
    return [
        adjustment_sentence(n, noun, detail) + "."
        for (_, _, noun, detail), n in sorted(totals.items(), key=lambda kv: kv[0][0])
    ]


def variables_used(entry: Any, variables: Collection[str], derived: Mapping[str, dict]) -> list[str]:
    """Variables a table's config entry names anywhere (as a value or a key: rows, outcome,
    predictors, groups, ``where:``), each derived variable followed by the variables it is computed
    from (recursively, :func:`retrocohort.config.derived_spec.derived_inputs`), in order of
    appearance: the variables whose changed values the table footnotes."""
    from retrocohort.config.derived_spec import derived_inputs

    known = set(variables) | set(derived)
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, str):
            if node in known and node not in found:
                found.append(node)
                if node in derived:
                    for name in derived_inputs(derived[node]):
                        visit(name)
        elif isinstance(node, Mapping):
            for key, value in node.items():
                visit(key)
                visit(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                visit(item)

    visit(entry)
    return found


def with_adjustment_footnotes(table: Any, adjustments_path: str, entry: Any, config: Mapping) -> Any:
    """``table`` (a :class:`retrocohort.render.model.Table`) with one footnote per change a
    declared policy made to a variable its config ``entry`` uses (:func:`variables_used`,
    :func:`footnotes_for`), read from ``adjustments_path`` (``results/validation/adjustments.json``);
    the table itself when none."""
    import dataclasses
    import json
    from pathlib import Path

    records = json.loads(Path(adjustments_path).read_text(encoding="utf-8"))
    used = variables_used(entry, config["variables"], config.get("derived") or {})
    changed = footnotes_for(records, used)
    return dataclasses.replace(table, footnotes=[*table.footnotes, *changed]) if changed else table


def set_out_of_range_missing(
    values: np.ndarray, names: pd.Series | str, variables: Mapping[str, dict], file: str
) -> tuple[np.ndarray, list[Adjustment]]:
    """Values outside ``range`` of variables declaring ``out_of_range: missing`` set to NaN.

    ``values`` (canonical units) align with ``names`` (one variable name per row, or one name
    for all). Returns the
    new values and one :class:`Adjustment` per variable with values set missing. Binary codes
    other than 0/1 are not a range question and stay refused by
    :func:`retrocohort.ingest.cells.range_problems`.
    """
    values = np.asarray(values, dtype="float64").copy()
    if isinstance(names, str):  # one variable (a patient column)
        names = pd.Series(names, index=range(len(values)), dtype="string")
    adjustments = []
    for var in sorted(pd.unique(names.dropna())):
        spec = variables.get(var, {})
        if spec.get("out_of_range") != "missing" or spec.get("kind") == "binary":
            continue
        low, high = plausible_bounds(spec)
        of_var = (names == var).to_numpy(dtype=bool, na_value=False)
        with np.errstate(invalid="ignore"):
            out = of_var & ~np.isnan(values) & ((values < low) | (values > high))
        if out.any():
            values[out] = np.nan
            unit = f" {spec['unit']}" if spec.get("unit") else ""
            adjustments.append(
                Adjustment(
                    file,
                    var,
                    "out_of_range: missing",
                    int(out.sum()),
                    "value",
                    f"of {spec.get('label', var)} outside [{low:g}, {high:g}]{unit} set missing",
                )
            )
    return values, adjustments


def check_policies(source: dict, variables: Mapping[str, dict], file: str) -> None:
    """Config mistakes of a source's ``unit``/``units`` keys, as one :class:`ConfigError` naming
    the key (:func:`retrocohort.config.source_checks.policy_problems`, also run at config load;
    enum values are checked by the schema)."""
    problems = policy_problems(source, variables, file)
    if problems:
        raise ConfigError(f"Invalid cleaning policy of source {file}", problems)
