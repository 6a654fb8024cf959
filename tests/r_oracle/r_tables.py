"""Table-level R oracle: hand R the raw values behind a results/stats table, let R recompute
every cell (tables_oracle.R), and compare cell by cell.

The Python side only assembles data (the study's validated input, restricted to the selected
cohort, as vectors) and reads which method a row says it used (exact or approximate, CI
transform); every number is R's. R's answers come back as ``out[["table|row|column"]]`` and are
compared with :class:`Comparison` (1e-9 relative, 1e-12 absolute near 0), whose failure
messages name table, row, column, ours and R's.

Frame kinds: the flagship's Table 1, Table 3 (paired), group comparisons and survival files
(``*_code`` builds the R calls, ``compare_*`` checks them; see test_tables_e2e_vs_r.py), and the
any-study ``stratified_statistics`` and ``RegressionAnalysis.to_frame()`` frames (below).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rscript import r_vector, run_r

REL = 1e-9
ABS = 1e-12
REL_MODEL = 1e-9  # models: R run to its maximum (tables_oracle.R fit_at_max), as retrocohort
R_FUNCTIONS = Path(__file__).with_name("tables_oracle.R")


# --- comparing ---------------------------------------------------------------------------------
def close(ours: float, theirs: float, rel: float = REL, abs_tol: float = ABS) -> bool:
    """Equal to ``rel`` relative (``abs_tol`` absolute near 0); NaN equals NaN, inf equals inf."""
    ours, theirs = float(ours), float(theirs)
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return abs(ours - theirs) <= max(rel * abs(theirs), abs_tol)


@dataclass
class Comparison:
    """Cell-by-cell comparison of a retrocohort table with R; collects every failure."""

    failures: list[str] = field(default_factory=list)
    checked: int = 0
    documented: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)

    def cell(self, table: str, row: str, column: str, ours: Any, theirs: Any, rel: float = REL) -> None:
        """Ours must equal R's (:func:`close`)."""
        self.checked += 1
        ours_f = float("nan") if ours is None or ours is pd.NA else float(ours)
        if not close(ours_f, float(theirs), rel=rel):
            self.failures.append(f"{table} | row {row} | {column}: ours {ours_f!r}, R {float(theirs)!r}")

    def differs(self, table: str, row: str, column: str, ours: Any, theirs: Any, key: str) -> None:
        """A row where a documented difference (``r_differences`` entry ``key``) applies: ours is
        computed by our method (checked separately) and R's default function by R's. The two may
        coincide on a row (e.g. both p = 1), but :meth:`assert_ok` requires that, over the table,
        at least one such row really differs: the documented difference exists."""
        from retrocohort.stats.r_differences import difference

        difference(key)  # KeyError if the registry does not document it
        self.checked += 1
        differ = not close(float(ours), float(theirs), rel=1e-6)
        self.documented.setdefault(key, []).append((f"{table} | row {row} | {column}", differ))

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def assert_ok(self, minimum: int = 1) -> None:
        """Raise AssertionError listing every failure (and when fewer than ``minimum`` cells ran)."""
        assert self.checked >= minimum, f"only {self.checked} cells compared (expected >= {minimum})"
        for key, rows in self.documented.items():
            if not any(differ for _, differ in rows):
                self.failures.append(
                    f"documented difference {key!r} does not show: ours equals R's default on every row "
                    f"({[where for where, _ in rows]})"
                )
        assert not self.failures, f"{len(self.failures)} cell(s) differ from R:\n" + "\n".join(self.failures)


def cells_of(r: Mapping[str, list], table: str) -> dict[tuple[str, str], list]:
    """R's answers for ``table``: {(row, column): values}."""
    found = {}
    for key, values in r.items():
        name, _, rest = key.partition("|")
        if name == table:
            row, _, column = rest.rpartition("|")
            found[(row, column)] = values
    return found


# --- handing data to R --------------------------------------------------------------------------
def r_literal(text: Any) -> str:
    """An R string literal (JSON escapes are valid R escapes)."""
    return json.dumps(str(text), ensure_ascii=True)


def r_strings(values: Iterable[Any]) -> str:
    """``c("a", NA, ...)``."""
    return "c(" + ", ".join("NA" if _missing(v) else r_literal(v) for v in values) + ")"


def r_numbers(values: Iterable[Any]) -> str:
    """``c(1, NA, ...)`` at 17 significant digits; booleans as 0/1."""
    return r_vector(np.array([np.nan if _missing(v) else float(v) for v in values], dtype=float))


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def level_text(value: Any) -> str | None:
    """A value as a regression term names its level (str: 1.0, m, True), None if missing."""
    return None if _missing(value) else str(value)


def group_text(value: Any) -> str | None:
    """A group or category value as configs and descriptive tables spell it (True, 1, 0.5, m)."""
    from retrocohort.analysis.groups import group_key

    return group_key(value)


def run_oracle(code: Sequence[str], timeout: int = 300) -> dict[str, list]:
    """One Rscript call: tables_oracle.R, then ``code``; returns R's ``out``."""
    return run_r(f"source({r_literal(R_FUNCTIONS)})\n" + "\n".join(code), timeout=timeout)


def parse_details(text: Any) -> dict[str, str]:
    """The ``details`` column ("k=v; k=v") as a dict."""
    if _missing(text):
        return {}
    pairs = (item.partition("=") for item in str(text).split("; "))
    return {k.strip(): v.strip() for k, _, v in pairs}


def rank_test_mode(method: str, details: Mapping[str, str] | None = None) -> str:
    """How R must compute a rank test our row ran: exact, exact_ties (exact conditional null with
    ties, written out in R), normal_cc or normal, read from the method text (or details)."""
    details = details or {}
    if details.get("exact") == "True" or "exact conditional null" in method:
        return "exact_ties" if details.get("has_ties", "True") == "True" else "exact"
    if "without continuity correction" in method or details.get("continuity_correction") == "False":
        return "normal"
    return "normal_cc"


# --- stratified descriptive tables --------------------------------------------------------------
def stratified_code(table: str, data: pd.DataFrame, spec: Mapping, ours: pd.DataFrame) -> list[str]:
    """R calls recomputing a ``stratified_statistics`` frame ``ours`` of table ``spec`` (keys
    ``by``, ``rows``, optional ``group_labels``) from the patient frame ``data``; without
    ``by``, the Overall column only."""
    by = spec.get("by")
    if by is None:
        labels: Mapping = {}
        code = [f"g <- rep(NA, {len(data)})"]
    else:
        labels = spec.get("group_labels") or {
            v: v for v in sorted({group_text(x) for x in data[by]} - {None})
        }
        code = [f"g <- {r_strings(group_text(v) for v in data[by])}"]
    groups = [group_text(g) for g in labels]
    heads = ours[ours["row_type"].isin(["value", "variable"])].set_index("variable")
    for row in spec["rows"]:
        variable = row.get("variable")  # a section heading (`{section: text}`) has none
        if variable not in heads.index:
            continue
        head = heads.loc[variable]
        kind = head["kind"]
        values = data[variable]
        if kind == "categorical":
            vector = r_strings(group_text(v) for v in values)
        else:
            vector = r_numbers(values)
        mode = _stratified_mode(head)
        code.append(
            f"stratified_variable({r_literal(table)}, {r_literal(variable)}, {vector}, g, "
            f"{r_strings(groups)}, {r_strings(labels.values())}, {r_literal(kind)}, {r_literal(mode)})"
        )
    return code


def _stratified_mode(head: pd.Series) -> str:
    test, method = str(head["test"]), str(head["method"])
    if test == "Pearson chi-square":
        if "exact test is infeasible" in method:
            return "chisq_fallback"
        return "chisq_yates" if "with Yates" in method else "chisq"
    if test.startswith("Fisher"):
        return "fisher"
    if test == "Kruskal-Wallis":
        return "kruskal"
    return rank_test_mode(method)


def compare_stratified(table: str, ours: pd.DataFrame, r: Mapping[str, list], cmp: Comparison) -> None:
    """Every cell R recomputed (summaries per group, p, SMD) against ``ours``; a chi-square
    fallback row must differ from R's exact fisher.test (documented ``fisher_rxc_limit``)."""
    index = {}
    for _, row in ours.iterrows():
        if row["row_type"] in ("value", "variable"):
            index[str(row["variable"])] = row
        elif row["row_type"] in ("level", "missing"):
            index[f"{row['variable']}:{row['level']}"] = row
    cells = cells_of(r, table)
    for (row_key, column), values in cells.items():
        if column == "r_fisher_p":
            got = index[row_key]
            cmp.differs(
                table, row_key, "p_value (chi-square fallback)", got["p_value"], values[0], "fisher_rxc_limit"
            )
            continue
        if row_key not in index:
            cmp.fail(f"{table} | row {row_key}: in R's table, missing from ours")
            continue
        if column not in index[row_key].index:
            cmp.fail(f"{table} | row {row_key} | {column}: no such column in ours")
            continue
        cmp.cell(table, row_key, column, index[row_key][column], values[0])
    ours_rows = {k for k, row in index.items() if row["row_type"] != "variable"}
    missing_in_r = ours_rows - {row for row, _ in cells}
    if missing_in_r:
        cmp.fail(f"{table}: rows of ours that R did not recompute: {sorted(missing_in_r)}")


# --- regression tables --------------------------------------------------------------------------
def regression_code(table: str, data: pd.DataFrame, spec: Mapping) -> list[str]:
    """R calls refitting every model of a regression table ``spec`` (keys ``model`` or ``kind``:
    cox | logistic, ``time``/``event`` or ``outcome``, ``predictors``, ``multivariable``,
    ``reference_levels``, ``strata``) on ``data``: glm(binomial) or coxph(ties = 'efron'), each
    Cox formula with ``+ strata(s)`` when the table is stratified (as the library: every model of
    the table). A table with ``interactions:`` is refitted without its multivariable model: its
    product terms are checked against R in tests/r_oracle/test_models_vs_r.py
    (:func:`comparable_regression_rows` leaves them out of this comparison, by name).

    Besides each coefficient, R gives every Cox model's proportional-hazards check
    (``cox.zph(fit, transform = "km")``: ``ph_chisq/df/p`` of the row's term, ``ph_global_*``)
    and, when the table prints global p-values (``global_p``, on by default), the likelihood-ratio
    test of each term with two or more coefficients (``drop1``: ``global_chisq/df/p``, NA for a
    one-coefficient term), each model fitted on its complete cases so that drop1's reduced
    models use the rows the table's do."""
    kind = spec.get("model", spec.get("kind"))
    references = spec.get("reference_levels") or {}
    strata = spec.get("strata") if kind == "cox" else None
    response = ["time", "event"] if kind == "cox" else ["outcome"]
    columns = [spec[k] for k in response] + list(spec["predictors"]) + list(spec.get("multivariable") or [])
    columns += [strata] if strata else []
    assignments = []
    for column in dict.fromkeys(columns):
        values = data[column]
        if column in references or not (
            pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
        ):
            texts = [level_text(v) for v in values]
            factor = f"factor({r_strings(texts)})"
            if column in references:
                factor = f"relevel({factor}, ref = {r_literal(_reference_text(references[column], texts))})"
            assignments.append(f"{column} = {factor}")
        else:
            assignments.append(f"{column} = {r_numbers(values)}")
    sample = "none"
    if spec.get("sample"):  # case weights and robust variance (r_study_tables.sample_rows)
        sets = data["sample_set"].astype(str)
        sample = "matched" if (sets != "").all() else "weighted"
        assignments.append(f"sample_weight = {r_numbers(data['sample_weight'])}")
        assignments.append(f"sample_set = factor({r_strings(list(sets))})")
    lhs = f"Surv({spec['time']}, {spec['event']})" if kind == "cox" else spec["outcome"]
    code = [f"d <- data.frame({', '.join(assignments)})"]
    models = [("univariable", p, [p]) for p in spec["predictors"]]
    if spec.get("multivariable") and not spec.get("interactions"):
        models.append(("multivariable", "", list(spec["multivariable"])))
    for analysis, predictor, terms in models:
        formula = f"{lhs} ~ {' + '.join(terms + ([f'strata({strata})'] if strata else []))}"
        code.append(
            f"regression_model({r_literal(table)}, {r_literal(analysis)}, {r_literal(predictor)}, d, "
            f"{r_literal(formula)}, {r_literal(kind)}, {'TRUE' if spec.get('global_p') else 'FALSE'}, "
            f"sample = {r_literal(sample)})"
        )
    return code


def comparable_regression_rows(ours: pd.DataFrame, spec: Mapping) -> pd.DataFrame:
    """The rows of a regression table's statistics that :func:`regression_code` refits: all, or
    for a table with ``interactions:`` its univariable models (its multivariable model with the
    product terms is compared with R in tests/r_oracle/test_models_vs_r.py)."""
    if not spec.get("interactions"):
        return ours
    return ours[ours["analysis"] == "univariable"].reset_index(drop=True)


def _reference_text(reference: Any, texts: Sequence[str | None]) -> str:
    """The data's spelling of a configured reference level ("1" for the value 1.0)."""
    for text in dict.fromkeys(t for t in texts if t is not None):
        if text == str(reference) or group_text(_number_or_text(text)) == group_text(reference):
            return text
    return str(reference)


def _number_or_text(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def regression_row_key(row: pd.Series) -> str:
    """analysis/predictor/R's coefficient name (variable, then the level for a factor)."""
    level = "" if _missing(row["level"]) else str(row["level"])
    predictor = "" if _missing(row["predictor"]) else str(row["predictor"])
    return f"{row['analysis']}/{predictor}/{row['variable']}{level}"


def compare_regression(
    table: str, ours: pd.DataFrame, r: Mapping[str, list], cmp: Comparison, rel: float
) -> None:
    """Every term of every model: coefficient, SE, ratio, Wald CI, z, p, n, and the global
    likelihood-ratio and proportional-hazards test columns (:func:`regression_code`) at ``rel``."""
    index = {regression_row_key(row): row for _, row in ours.iterrows()}
    cells = cells_of(r, table)
    r_rows = {row for row, _ in cells}
    if r_rows != set(index):
        cmp.fail(
            f"{table}: terms differ: only ours {sorted(set(index) - r_rows)}, only R {sorted(r_rows - set(index))}"
        )
    for (row_key, column), values in cells.items():
        if row_key in index:
            # a test column ours lacks (no term of the table has a global p) reads as NaN: equal
            # to R's NA, a failure where R has a number
            ours_value = index[row_key].get(column, float("nan"))
            cmp.cell(table, row_key, column, ours_value, values[0], rel=rel if column != "n" else REL)


def filled(config: dict[str, Any]) -> dict[str, Any]:
    """A (partial) study config with the schema's defaults filled, as ``load_study`` fills them
    (pipeline functions read defaults from the loaded study only)."""
    from retrocohort.config.check import SCHEMA_PATH, read_yaml
    from retrocohort.config.study import fill_defaults

    return fill_defaults(config, read_yaml(SCHEMA_PATH))


def descriptive_options() -> dict[str, Any]:
    """The table-level keywords of :func:`retrocohort.analysis.stratified.stratified_statistics`
    as a loaded study's descriptive table gives them."""
    table = {"kind": "descriptive", "rows": [{"variable": "x"}]}
    config = filled({"statistics": {}, "tables": {"t": table}})
    spec = config["tables"]["t"]
    return {
        "hf_type": config["statistics"]["quantile_type"],
        "missing": spec["missing"],
        "exact_max_n": spec["exact_max_n"],
    }
