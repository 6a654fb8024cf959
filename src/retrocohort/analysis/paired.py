"""Table 3: Day 0 vs Day 7 paired comparisons, one machine-readable row per parameter.

Continuous parameters: Wilcoxon signed-rank on the paired differences (Day 7 − Day 0, rounded
to ``decimals_for_tests`` so float subtraction cannot break ties), with the configured preset
or explicit options; Hodges–Lehmann estimate of the median difference with its CI; matched-pairs
rank-biserial correlation. Binary parameters: McNemar (exact binomial by default).
Optional sign test / paired t-test rows and multiplicity adjustment across parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrocohort.cohort.frames import category_codes
from retrocohort.errors import InputError, Problem
from retrocohort.stats.hodges_lehmann import hodges_lehmann_paired, rank_biserial_from_v, rank_biserial_paired
from retrocohort.stats.paired_binary import mcnemar
from retrocohort.stats.quantiles import quantile
from retrocohort.stats.signed_rank import paired_t, sign_test, wilcoxon_preset, wilcoxon_signed_rank

EXTRA_TEST_NAMES = {"sign": "sign test", "paired_t": "paired t-test"}


def _sorted_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, sorted unique ids): Arrow's dictionary encoding when the column is
    Arrow-backed (about 1.5x faster than pandas.factorize on 10^7 strings), else pandas.
    A categorical column (read from Parquet's dictionary) brings its codes; its unused
    categories stay among the ids (they never have values, so no pair)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(ids.dtype, pd.CategoricalDtype):
        encoded = pa.DictionaryArray.from_arrays(
            pa.array(ids.cat.codes.to_numpy()),
            pa.array(np.asarray(ids.cat.categories, dtype=object), type=pa.string()),
        )
    else:
        arrow = getattr(ids.array, "_pa_array", None)
        if arrow is None:
            codes, uniques = pd.factorize(ids, sort=True)
            return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)
        encoded = pc.dictionary_encode(arrow).combine_chunks()
    dictionary = encoded.dictionary
    order = pc.sort_indices(dictionary).to_numpy().astype(np.int64)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    uniques = pa.array(dictionary).take(pa.array(order)).to_numpy(zero_copy_only=False)
    return rank[codes], uniques


def paired_frames(
    measurements: pd.DataFrame, names: list[str], days: tuple[int, int]
) -> dict[str, pd.DataFrame]:
    """Per variable, the patients with a value on both days (columns before, after; index
    patient_id, sorted), in one vectorised pass over the long table: rows filtered once,
    patients encoded once, each day's values scattered into a dense array (no pivot).

    A patient with two values of one variable on one day is an :class:`InputError`.
    """
    day = measurements["day"].to_numpy(dtype="float64", na_value=np.nan)
    keep = (
        ((day == days[0]) | (day == days[1]))
        & measurements["value"].notna().to_numpy()
        & measurements["variable"].isin(names).to_numpy(dtype=bool)
    )
    sub = measurements.loc[keep, ["patient_id", "variable", "value"]]
    pid, patients = _sorted_codes(sub["patient_id"])
    after = (day[keep] == days[1]).astype(np.int64)
    values = sub["value"].to_numpy(dtype="float64")
    variable = sub["variable"]
    n_pat, out = len(patients), {}
    for name in names:
        rows = np.flatnonzero((variable == name).to_numpy(dtype=bool))
        slot = after[rows] * n_pat + pid[rows]
        counts = np.bincount(slot, minlength=2 * n_pat)
        if (counts > 1).any():
            dup = int(np.flatnonzero(counts > 1)[0])
            raise InputError(
                "Duplicate paired measurements",
                [
                    Problem(
                        "more than one value for one patient, variable and day",
                        column=name,
                        value=f"patient {patients[dup % n_pat]}, day {days[dup // n_pat]}",
                        expected="one value per patient, variable and day",
                    )
                ],
            )
        grid = np.full(2 * n_pat, np.nan)
        grid[slot] = values[rows]
        grid = grid.reshape(2, n_pat)
        both = ~np.isnan(grid).any(axis=0)
        out[name] = pd.DataFrame(
            {"before": grid[0, both], "after": grid[1, both]},
            index=pd.Index(patients[both], name="patient_id"),
        )
    return out


def paired_frame(measurements: pd.DataFrame, variable: str, days: tuple[int, int]) -> pd.DataFrame:
    """One variable's pairs: the patients with a value on both ``days`` (columns before, after;
    index patient_id, sorted). :func:`paired_frames` for a single variable, the one Day 0 / Day 7
    pairing of the package (Table 3, the audit's regenerated numbers, the synthetic calibration).
    """
    return paired_frames(measurements, [variable], days)[variable]


def wilcoxon_options(settings: dict) -> dict:
    """Signed-rank keyword arguments: a preset, then any explicit overrides."""
    opts = wilcoxon_preset(settings.get("preset", "retrocohort"))
    opts.update({k: v for k, v in settings.items() if k != "preset"})
    return opts


def _summaries(before: np.ndarray, after: np.ndarray, hf_type: int) -> dict:
    out = {}
    for tag, x in (("day0", before), ("day7", after)):
        q1, med, q3 = quantile(x, [0.25, 0.5, 0.75], hf_type) if x.size else (np.nan,) * 3
        out.update(
            {
                f"{tag}_median": float(med),
                f"{tag}_q1": float(q1),
                f"{tag}_q3": float(q3),
                f"{tag}_mean": float(x.mean()) if x.size else np.nan,
            }
        )
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
    """Sign test or paired t-test row; the t-test is not computed on differences of zero variance
    (t = mean / (SD / sqrt(n)) is 0/0 or infinite)."""
    if name == "paired_t" and np.ptp(d) == 0:
        return {**_not_computed(base, EXTRA_TEST_NAMES[name], ZERO_VARIANCE), "role": name}
    fn = sign_test if name == "sign" else paired_t
    return {**base, "role": name, **fn(d).to_dict(flat=False)}


def _binary_counts(before: np.ndarray, after: np.ndarray) -> dict:
    return {
        "day0_count": int(before.sum()),
        "day7_count": int(after.sum()),
        "day0_percent": 100 * before.mean() if before.size else np.nan,
        "day7_percent": 100 * after.mean() if after.size else np.nan,
    }


def _rank_biserial(d: np.ndarray, decimals: int, zero_method: str, v: float, n_used: int) -> float:
    """Matched-pairs rank-biserial r; from the test's V when zeros were dropped (same ranks).
    Undefined (NaN) when every difference is zero."""
    if not (d != 0).any():
        return np.nan
    if zero_method == "wilcox":
        return rank_biserial_from_v(v, n_used)
    return rank_biserial_paired(d, decimals=decimals)


def compare_parameter(variable: str, kind: str, pairs: pd.DataFrame, stats_cfg: dict) -> list[dict]:
    """All configured paired statistics of one parameter (main test first).

    With fewer than ``MIN_PAIRS`` complete pairs no test is run: the row keeps n and the
    summaries and states "not computed: fewer than 2 pairs" as its method.
    """
    before = pairs["before"].to_numpy(dtype="float64")
    after = pairs["after"].to_numpy(dtype="float64")
    base = {"variable": variable, "kind": kind, "n_pairs": len(pairs)}
    hf = stats_cfg.get("quantile_type", 7)
    if len(pairs) < MIN_PAIRS:
        test = "McNemar" if kind == "binary" else "Wilcoxon signed-rank"
        extra = _binary_counts(before, after) if kind == "binary" else _summaries(before, after, hf)
        rows = [{**_not_computed(base, test), "role": "main", **extra}]
        for name in stats_cfg.get("extra_tests", []) if kind != "binary" else []:
            rows.append({**_not_computed(base, EXTRA_TEST_NAMES[name]), "role": name})
        return rows
    if kind == "binary":
        res = mcnemar(
            before.astype(bool),
            after.astype(bool),
            method=stats_cfg.get("mcnemar", {}).get("method", "exact"),
        )
        return [{**base, "role": "main", **res.to_dict(flat=False), **_binary_counts(before, after)}]
    decimals = stats_cfg.get("decimals_for_tests", 6)
    d = np.round(after - before, decimals)
    options = wilcoxon_options(stats_cfg.get("wilcoxon", {}))
    if options["zero_method"] == "wilcox" and not (d != 0).any():
        # Wilcoxon's method drops zeros: no difference is left (R and scipy give NA/NaN)
        row = {**_not_computed(base, "Wilcoxon signed-rank", ALL_ZERO), "role": "main"}
    else:
        res = wilcoxon_signed_rank(d, decimals=decimals, **options)
        row = {**base, "role": "main", **res.to_dict(flat=False)}
    row.update(_summaries(before, after, hf))
    if d.size:
        preset = stats_cfg.get("wilcoxon", {}).get("preset", "retrocohort")
        hl = hodges_lehmann_paired(
            d,
            conf_level=stats_cfg.get("hodges_lehmann", {}).get("conf_level", 0.95),
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
    return [row, *(_extra_test_row(base, name, d) for name in stats_cfg.get("extra_tests", []))]


def table3_statistics(
    measurements: pd.DataFrame,
    parameters: list[dict],
    variables: dict,
    days: tuple[int, int],
    stats_cfg: dict,
    synthetic: set[str],
) -> pd.DataFrame:
    """One row per parameter (plus optional extra-test rows), with p adjusted if configured."""
    pairs = paired_frames(measurements, [p["variable"] for p in parameters], days)
    return table3_from_pairs(pairs, parameters, variables, days, stats_cfg, synthetic)


def table3_from_pairs(
    all_pairs: dict[str, pd.DataFrame],
    parameters: list[dict],
    variables: dict,
    days: tuple[int, int],
    stats_cfg: dict,
    synthetic: set[str],
) -> pd.DataFrame:
    """:func:`table3_statistics` on pairs already built by :func:`paired_frames`."""
    rows = []
    for order, par in enumerate(parameters):
        name = par["variable"]
        pairs = all_pairs[name]
        for r in compare_parameter(name, variables[name]["kind"], pairs, stats_cfg):
            r.update(
                order=order,
                label=par.get("label", variables[name].get("label", name)),
                synthetic=name in synthetic,
                days=f"{days[0]} vs {days[1]}",
            )
            rows.append(r)
    frame = pd.DataFrame.from_records(rows)
    frame["details"] = frame["details"].map(
        lambda d: {k: d[k] for k in sorted(d)} if isinstance(d, dict) else d
    )
    method = stats_cfg.get("multiplicity", "none")
    frame["p_adjusted"] = np.nan
    frame["adjustment"] = method
    if method != "none":
        from retrocohort.stats.multiplicity import adjust_pvalues

        main = frame["role"] == "main"
        frame.loc[main, "p_adjusted"] = adjust_pvalues(frame.loc[main, "p_value"].to_numpy(), method)
    return frame


def pairs_table(all_pairs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The pairs behind Table 3 as one long table: parameter (categorical, Table 3 order),
    patient_id, before, after; one row per patient with a value on both days."""
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
    """Inverse of :func:`pairs_table` for plotting: parameter -> (n, 2) array of before, after."""
    values = table[["before", "after"]].to_numpy(dtype="float64")
    names = list(dict.fromkeys(parameters))  # category_codes numbers the distinct names
    codes = category_codes(table["parameter"], names)
    return {p: values[codes == names.index(p)] for p in parameters}
