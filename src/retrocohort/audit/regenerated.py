"""Regenerate each published number from the validated per-patient data, under every method.

For one published entry this module returns the value(s) the pipeline computes under the
configured method first (Hyndman-Fan quantile type and tests from config ``statistics:``),
then under named alternatives: other quantile types, other definitions of the variable
(``regenerate:`` in the published file), other signed-rank / McNemar variants and unpaired
tests wrongly applied to paired margins. It also says which variables the value rests on, so
the audit can label it real (independent evidence) or synthetic, and, when the data cannot
produce the number, exactly what is missing. Comparison with the print is in ``compare``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from retrocohort.audit.consistency import QUANTILE_P
from retrocohort.audit.counts_only import two_group_tests
from retrocohort.audit.published import Definition, PublishedNumber, PublishedStudy
from retrocohort.cohort.frames import baseline_frame, paired_values
from retrocohort.analysis.paired import wilcoxon_options
from retrocohort.stats.paired_binary import MCNEMAR_METHODS, mcnemar_from_discordant
from retrocohort.stats.quantiles import quantile
from retrocohort.stats.signed_rank import paired_t, sign_test, wilcoxon_signed_rank

DEFAULT_QUANTILE_TYPES = (2, 6, 7)
_QUANTILE_KEYS = ("q1", "median", "q3")
_COUNT_STATS = ("count", "count_pct", "count_of_total", "percentage")
_SUMMARY_STATS = ("median", "median_iqr", "mean", "mean_iqr")
_MCNEMAR_TEXT = {"exact": "exact binomial", "chi2": "chi-square without continuity correction",
                 "chi2_cc": "chi-square with continuity correction"}


@dataclass(frozen=True)
class AuditData:
    """The validated per-patient data of the selected cohort, as the audit reads them.

    ``frame``: one row per cohort patient (patient variables, baseline-day measurements, the
    HScore used and its HLH probability); ``table3``: the pipeline's main Table 3 row per
    variable; ``synthetic``: variables resting on synthetic files; ``source_files``: variable
    -> raw files it was read from; ``hscore_source``: column behind ``hscore_used``;
    ``group_specs``: the configured group comparisons (config ``groups:``); ``group_rows``: their
    results (records of results/stats/groups.json).
    """

    frame: pd.DataFrame
    measurements: pd.DataFrame
    treatments: pd.DataFrame
    synthetic: frozenset[str]
    source_files: Mapping[str, tuple[str, ...]]
    table3: Mapping[str, Mapping[str, Any]]
    statistics: Mapping[str, Any]
    paired_days: tuple[int, int]
    hscore_source: str = "hscore_reported"
    table1: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    group_specs: tuple[Mapping[str, Any], ...] = ()
    group_rows: tuple[Mapping[str, Any], ...] = ()

    @property
    def quantile_type(self) -> int:
        return int(self.statistics.get("quantile_type", 7))

    @property
    def rounding(self) -> str:
        return str(self.statistics.get("rounding", "half_up"))


@dataclass(frozen=True)
class Method:
    """Values of one entry under one named method; ``configured`` marks the study's own."""

    name: str
    values: Mapping[str, float]
    configured: bool = False


@dataclass(frozen=True)
class Regenerated:
    """Everything the data say about one published entry.

    ``methods`` is empty and ``missing`` says why when the number cannot be recomputed.
    ``inputs`` are the variables the value rests on; ``n`` the patients (or pairs) used.
    """

    entry_id: str
    methods: tuple[Method, ...] = ()
    missing: str | None = None
    inputs: tuple[str, ...] = ()
    n: int | None = None
    definition: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def build_audit_data(*, cohort: Sequence[str], patients: pd.DataFrame, measurements: pd.DataFrame,
                     treatments: pd.DataFrame, sources: pd.DataFrame, hscore: pd.DataFrame,
                     table3_records: Sequence[Mapping[str, Any]], synthetic: set[str],
                     config: Mapping[str, Any],
                     table1: pd.DataFrame | None = None,
                     group_records: Sequence[Mapping[str, Any]] = ()) -> AuditData:
    """Restrict the validated tables to the cohort and assemble :class:`AuditData`."""
    keep = set(cohort)
    patients = patients[patients["patient_id"].isin(keep)].reset_index(drop=True)
    meas = measurements[measurements["patient_id"].isin(keep)]
    extra = hscore.set_index("patient_id")[[c for c in ("hscore_used", "hscore_probability_pct")
                                            if c in hscore.columns]]
    frame = baseline_frame(patients, meas, int(config.get("baseline_day", 0)), extra=extra)
    files: dict[str, set[str]] = {}
    for rec in sources.to_dict("records"):
        files.setdefault(str(rec["variable"]), set()).add(str(rec["file"]))
    used = hscore["hscore_used_source"].dropna().unique().tolist() if "hscore_used_source" in hscore else []
    table3 = {str(r["variable"]): r for r in table3_records if r.get("role") == "main"}
    return AuditData(
        frame=frame, measurements=meas, treatments=treatments[treatments["patient_id"].isin(keep)],
        synthetic=frozenset(synthetic), source_files={k: tuple(sorted(v)) for k, v in sorted(files.items())},
        table3=table3, statistics=dict(config.get("statistics", {})),
        paired_days=tuple(config.get("paired_days", [0, 7])),  # type: ignore[arg-type]
        hscore_source=str(used[0]) if len(used) == 1 else "recomputed",
        table1={} if table1 is None else {str(r["variable"]): r for r in table1.to_dict("records")
                                          if isinstance(r.get("variable"), str)},
        group_specs=tuple(config.get("groups", [])), group_rows=tuple(group_records))


# --- provenance --------------------------------------------------------------------------------

def resolve_inputs(variables: Sequence[str], data: AuditData) -> tuple[str, ...]:
    """Variables a value rests on, with ``hscore_used``/``hscore_probability_pct`` replaced by
    the score column actually used (every source variable if the score was recomputed)."""
    out: set[str] = set()
    for v in variables:
        if v in ("hscore_used", "hscore_probability_pct"):
            out |= ({data.hscore_source} if data.hscore_source != "recomputed"
                    else set(data.source_files))
        else:
            out.add(v)
    return tuple(sorted(out))


def is_synthetic(inputs: Sequence[str], data: AuditData) -> bool:
    """True when any input variable rests on a synthetic file."""
    return any(v in data.synthetic for v in inputs)


def input_files(inputs: Sequence[str], data: AuditData) -> tuple[str, ...]:
    """Raw files behind the inputs (derived variables have none of their own)."""
    return tuple(sorted({f for v in inputs for f in data.source_files.get(v, ())}))


# --- per-patient series from a definition ------------------------------------------------------

def _need(frame: pd.DataFrame, column: str) -> str | None:
    return None if column in frame.columns else f"no column '{column}' in the validated data"


def definition_series(d: Definition, data: AuditData) -> tuple[pd.Series | None, tuple[str, ...], str | None]:
    """(per-patient values, input variables, reason when not computable) for one definition."""
    f = data.frame
    if d.op == "missing":
        return None, (), str(d.arg)
    if d.op == "cohort_size":
        return pd.Series(True, index=f.index, dtype="boolean"), ("patient_id",), None
    if d.op == "only_agent":
        tr = data.treatments
        only = tr.groupby("patient_id")["agent"].agg(lambda a: bool((a == d.arg).all()))
        s = pd.Series(f.index.map(only), index=f.index, dtype="boolean")
        return s, d.inputs or ("treatment_lines_text",), None
    if d.op in ("all_of", "any_of"):
        cols = list(d.arg)
        for c in cols:
            if (why := _need(f, c)):
                return None, tuple(cols), why
        flags = f[cols].astype("boolean")
        if d.op == "all_of":
            s = flags.all(axis=1).astype("boolean")
            s[flags.isna().any(axis=1)] = pd.NA
        else:  # Kleene: true if any is true, unknown if none is true and one is unknown
            s = flags.fillna(False).any(axis=1).astype("boolean")
            s[~s & flags.isna().any(axis=1)] = pd.NA
        return s, d.inputs or tuple(cols), None
    column = d.arg if d.op in ("variable", "known") else d.arg["variable"]
    if (why := _need(f, column)):
        return None, (column,), why
    src = f[column]
    inputs = d.inputs or (column,)
    if d.op == "variable":
        return src, inputs, None
    if d.op == "known":
        return src.notna().astype("boolean"), inputs, None
    if d.op == "equals":
        value = d.arg["value"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            s = (pd.to_numeric(src, errors="coerce") == value)
        else:
            s = src.astype("string") == str(value)
        s = s.astype("boolean")
        s[src.isna()] = pd.NA
        return s, inputs, None
    if d.op == "text_matches":
        pattern = re.compile(d.arg["pattern"], re.IGNORECASE)
        s = src.astype("string").map(lambda t: pd.NA if pd.isna(t) else bool(pattern.search(t)))
        return s.astype("boolean"), inputs, None
    raise ValueError(f"unknown definition operation {d.op!r}")  # pragma: no cover (validated on load)


def definitions_for(entry: PublishedNumber, study: PublishedStudy) -> tuple[Definition, ...]:
    """The study's definitions of ``entry.variable``, or the same-named column."""
    return study.regenerate.get(entry.variable) or (Definition("variable", entry.variable),)


def describe(d: Definition) -> str:
    """Human label of a definition: its own label or the operation spelled out."""
    if d.label:
        return d.label
    if d.op == "variable":
        return f"column {d.arg}"
    if d.op in ("all_of", "any_of"):
        return d.op.replace("_", " ") + " " + ", ".join(d.arg)
    if d.op == "equals":
        return f"{d.arg['variable']} = {d.arg['value']}"
    if d.op == "text_matches":
        return f"{d.arg['variable']} matches /{d.arg['pattern']}/"
    if d.op == "only_agent":
        return f"only {d.arg} in every treatment line"
    if d.op == "known":
        return f"{d.arg} recorded"
    if d.op == "cohort_size":
        return "patients in the selected cohort"
    return str(d.arg)


# --- statistics of a series under named methods -------------------------------------------------

def quantile_type_name(hf: int) -> str:
    return f"Hyndman–Fan type {hf}"


def summary_methods(x: np.ndarray, keys: Sequence[str], configured_type: int,
                    types: Sequence[int], label: str = "", configured: bool = True) -> list[Method]:
    """Quantiles (and mean) of ``x`` under the configured Hyndman-Fan type, then ``types``."""
    out = []
    for hf in dict.fromkeys([configured_type, *types]):
        values = {}
        for k in keys:
            if k == "mean":
                values[k] = float(np.mean(x))
            else:
                values[k] = float(quantile(x, float(QUANTILE_P[k]), hf))
        name = quantile_type_name(hf) + (f"; {label}" if label else "")
        out.append(Method(name, values, configured and hf == configured_type))
    return out


def count_values(flags: pd.Series, keys: Sequence[str]) -> tuple[dict[str, float], int]:
    """count / total / pct of a boolean series over its non-missing values."""
    known = flags.dropna().astype(bool)
    den = int(len(known))
    count = int(known.sum())
    values = {"count": float(count), "total": float(den),
              "pct": 100.0 * count / den if den else float("nan")}
    return {k: values[k] for k in keys}, den


def _table1_differences(column: str, values: Mapping[str, float], data: AuditData) -> list[str]:
    """Notes where the pipeline's own Table 1 row (results/stats/table1.csv) disagrees."""
    row = data.table1.get(column)
    if row is None:
        return []
    return [f"pipeline Table 1 {k} = {float(row[k]):.6g} differs from the audit's {v:.6g}"
            for k, v in values.items() if k in row and pd.notna(row[k])
            and not np.isclose(float(row[k]), v, rtol=1e-12, atol=0)]


def _is_binary(s: pd.Series) -> bool:
    return str(s.dtype) in ("boolean", "bool")


def _patient_level(entry: PublishedNumber, study: PublishedStudy, data: AuditData,
                   types: Sequence[int]) -> Regenerated:
    keys = tuple(entry.values)
    methods: list[Method] = []
    inputs: set[str] = set()
    reasons, labels, notes = [], [], []
    n = None
    for i, d in enumerate(definitions_for(entry, study)):
        series, ins, why = definition_series(d, data)
        if series is None:
            reasons.append(why or "not computable")
            continue
        label = describe(d)
        primary = i == 0
        if entry.statistic in _COUNT_STATS:
            if not _is_binary(series):
                reasons.append(f"{label} is not a yes/no variable, so it has no count")
                continue
            values, den = count_values(series, keys)
            methods.append(Method(label if not primary else f"{label} (primary definition)", values, primary))
            if primary:
                n = den
                if entry.denominator and den != entry.denominator:
                    notes.append(f"denominator {den} in the data vs {entry.denominator} printed or implied")
        else:
            x = pd.to_numeric(series, errors="coerce").astype("float64").dropna().to_numpy()
            if _is_binary(series) or x.size == 0:
                reasons.append(f"{label} has no numeric values")
                continue
            methods += summary_methods(x, keys, data.quantile_type, types,
                                       label="" if primary else label, configured=primary)
            if primary and d.op == "variable":
                notes += _table1_differences(d.arg, methods[0].values, data)
            if primary:
                n = int(x.size)
                missing = int(series.isna().sum())
                if missing:
                    notes.append(f"{missing} patient(s) with no value: "
                                 + ", ".join(map(str, series[series.isna()].index.tolist())))
        inputs |= set(resolve_inputs(ins, data))
        labels.append(label)
    if not methods:
        return Regenerated(entry.id, missing="; ".join(reasons) or "no definition")
    if not methods[0].configured:
        notes.append("primary definition not computable: " + "; ".join(reasons))
    return Regenerated(entry.id, tuple(methods), None, tuple(sorted(inputs)), n,
                       " | ".join(labels), tuple(notes))


def _day(timepoint: str, days: tuple[int, int]) -> int | None:
    m = re.fullmatch(r"day\s*(-?\d+)", timepoint.strip().lower())
    if not m or int(m.group(1)) not in days:
        return None
    return int(m.group(1))


def _paired_value(entry: PublishedNumber, data: AuditData, types: Sequence[int]) -> Regenerated:
    day = _day(entry.timepoint or "", data.paired_days)
    if day is None:
        return Regenerated(entry.id, missing=f"timepoint '{entry.timepoint}' is not one of the paired "
                                             f"days {list(data.paired_days)}")
    var = entry.variable
    if var not in set(data.measurements["variable"]):
        return Regenerated(entry.id, missing=f"no measurement variable '{var}' in the validated data")
    pairs = paired_values(data.measurements, var, data.paired_days)
    col = "before" if day == data.paired_days[0] else "after"
    x = pairs[col].to_numpy(dtype="float64")
    keys = tuple(entry.values)
    notes = []
    if entry.n and entry.n != len(pairs):
        notes.append(f"{len(pairs)} complete pairs in the data vs n = {entry.n} printed")
    if entry.statistic in _COUNT_STATS:
        values, _ = count_values(pd.Series(x.astype(bool), dtype="boolean"), keys)
        methods = [Method("count over complete pairs", values, True)]
    elif x.size:
        methods = summary_methods(x, keys, data.quantile_type, types)
    else:
        return Regenerated(entry.id, missing=f"no complete Day {data.paired_days[0]}/Day "
                                             f"{data.paired_days[1]} pairs of '{var}'")
    return Regenerated(entry.id, tuple(methods), None, resolve_inputs([var], data), len(pairs),
                       f"{var} at Day {day}, patients with both paired days", tuple(notes))


# --- paired p-values under every common variant -------------------------------------------------

def signed_rank_methods(d: np.ndarray, stats_cfg: Mapping[str, Any]) -> list[Method]:
    """The configured signed-rank test, then R's default, normal approximations with and
    without continuity correction, Pratt's zero handling, the sign test and the paired t-test."""
    dec = int(stats_cfg.get("decimals_for_tests", 6))
    cfg = wilcoxon_options(dict(stats_cfg.get("wilcoxon", {})))
    preset = dict(stats_cfg.get("wilcoxon", {})).get("preset", "retrocohort")
    variants: list[tuple[str, dict[str, Any], bool]] = [
        (f"Wilcoxon signed-rank as configured (preset '{preset}')", cfg, True),
        ("Wilcoxon signed-rank, exact conditional null with ties and zeros (zeros dropped)",
         dict(method="exact", zero_method="wilcox"), False),
        ("Wilcoxon signed-rank as R wilcox.test (exact only without ties/zeros, else normal with "
         "continuity correction)", dict(method="auto", exact_max_n=49, exact_with_ties=False,
                                        correction=True), False),
        ("Wilcoxon signed-rank, normal approximation without continuity correction",
         dict(method="asymptotic", correction=False), False),
        ("Wilcoxon signed-rank, normal approximation with continuity correction",
         dict(method="asymptotic", correction=True), False),
        ("Wilcoxon signed-rank, Pratt zero handling, exact", dict(method="exact", zero_method="pratt"), False),
    ]
    out = []
    for name, kw, configured in variants:
        try:
            p = wilcoxon_signed_rank(d, decimals=dec, **kw).p_value
        except ValueError:
            continue
        out.append(Method(name, {"p": float(p)}, configured))
    for name, fn in (("sign test (exact binomial)", sign_test), ("paired t-test", paired_t)):
        try:
            out.append(Method(name, {"p": float(fn(d, decimals=dec).p_value)}))
        except ValueError:
            continue
    return out


def mcnemar_methods(before: np.ndarray, after: np.ndarray, configured: str) -> list[Method]:
    """McNemar exact / chi-square / corrected chi-square (configured first), then the unpaired
    2x2 tests (Fisher, chi-square with/without Yates, ...) wrongly applied to the margins."""
    x, y = before.astype(bool), after.astype(bool)
    b, c, n = int((x & ~y).sum()), int((~x & y).sum()), int(x.size)
    order = [configured] + [m for m in MCNEMAR_METHODS if m != configured]
    out = [Method(f"McNemar {_MCNEMAR_TEXT[m]}" + (" (configured)" if m == configured else ""),
                  {"p": float(mcnemar_from_discordant(b, c, m, n=n).p_value)}, m == configured)
           for m in order]
    out += [Method(f"{c_.test} {c_.method} on the Day margins as if unpaired", {"p": float(c_.p)})
            for c_ in two_group_tests(int(x.sum()), n, int(y.sum()), n)]
    return [m for m in out if not np.isnan(m.values["p"])]


def _paired_p(entry: PublishedNumber, data: AuditData) -> Regenerated:
    var = entry.variable
    if var not in set(data.measurements["variable"]):
        return Regenerated(entry.id, missing=f"no measurement variable '{var}' in the validated data")
    pairs = paired_values(data.measurements, var, data.paired_days)
    if pairs.empty:
        return Regenerated(entry.id, missing=f"no complete pairs of '{var}'")
    before, after = pairs["before"].to_numpy(float), pairs["after"].to_numpy(float)
    binary = set(np.unique(np.concatenate([before, after]))) <= {0.0, 1.0}
    if binary:
        methods = mcnemar_methods(before, after, str(data.statistics.get("mcnemar", {}).get("method", "exact")))
    else:
        methods = signed_rank_methods(after - before, data.statistics)
    notes = []
    row = data.table3.get(var)
    if row is not None and methods and np.isfinite(row.get("p_value", np.nan)):
        if not np.isclose(float(row["p_value"]), methods[0].values["p"], rtol=1e-9, atol=0):
            notes.append(f"pipeline Table 3 p = {float(row['p_value']):.6g} differs from the audit's "
                         f"configured recomputation {methods[0].values['p']:.6g}")
    if entry.n and entry.n != len(pairs):
        notes.append(f"{len(pairs)} complete pairs in the data vs n = {entry.n} printed")
    return Regenerated(entry.id, tuple(methods), None, resolve_inputs([var], data), len(pairs),
                       f"{var}, Day {data.paired_days[0]} vs Day {data.paired_days[1]} pairs", tuple(notes))


# --- dispatch ---------------------------------------------------------------------------------

def regenerate_entry(entry: PublishedNumber, study: PublishedStudy, data: AuditData,
                     types: Sequence[int] = DEFAULT_QUANTILE_TYPES) -> Regenerated:
    """Regenerate one published entry (see module docstring); never raises for missing data."""
    entries = study.by_id()
    if entry.statistic == "value":
        return Regenerated(entry.id, missing="a single reported value or setting, not a statistic "
                                             "of per-patient data")
    if entry.statistic == "p_value":
        compared = [entries[c] for c in entry.compares]
        groups = sorted({c.group for c in compared if c.group})
        if entry.design == "paired" and compared and all(c.timepoint for c in compared):
            return _paired_p(entry, data)
        if groups:
            from retrocohort.audit.groups import group_p  # groups builds on this module
            return group_p(entry, study, data, [c.group for c in compared if c.group])
        return Regenerated(entry.id, missing=f"{entry.design or 'unstated'} comparison without "
                                             "per-patient data to recompute it")
    if entry.group:
        from retrocohort.audit.groups import group_summary
        return group_summary(entry, study, data, types)
    if entry.timepoint:
        return _paired_value(entry, data, types)
    if entry.statistic in _COUNT_STATS or entry.statistic in _SUMMARY_STATS:
        return _patient_level(entry, study, data, types)
    return Regenerated(entry.id, missing=f"statistic '{entry.statistic}' is not recomputed")  # pragma: no cover


def regenerate_study(study: PublishedStudy, data: AuditData | None,
                     types: Sequence[int] = DEFAULT_QUANTILE_TYPES) -> list[Regenerated]:
    """Every entry of a study in file order; a study without patient data (``data`` None, e.g.
    count-only) gets "not recomputable" rows saying so."""
    if data is None:
        return [Regenerated(e.id, missing="count-only study: no per-patient data") for e in study.numbers]
    return [regenerate_entry(e, study, data, types) for e in study.numbers]
