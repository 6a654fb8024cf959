"""Regenerate paired entries (the two paired time points, Day 0 vs Day 7 in the flagship): the
values at one time point and the paired p-value
under every common variant (signed-rank presets, sign test, paired t, McNemar variants and
unpaired 2x2 tests wrongly applied to the margins). Split out of ``regenerated``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.paired import wilcoxon_options
from retrocohort.audit.checks.counts_only import two_group_tests
from retrocohort.audit.published import PublishedNumber
from retrocohort.audit.regen.regen_model import (
    COUNT_STATS,
    AuditData,
    Method,
    Regenerated,
    count_values,
    resolve_inputs,
    summary_methods,
)
from retrocohort.config.time_points import TimePoint
from retrocohort.stats.paired_binary import MCNEMAR_METHODS, mcnemar_from_discordant
from retrocohort.stats.paired_t import paired_t
from retrocohort.stats.signed_rank import sign_test, wilcoxon_signed_rank

_MCNEMAR_TEXT = {
    "exact": "exact binomial",
    "chi2": "chi-square without continuity correction",
    "chi2_cc": "chi-square with continuity correction",
}


def _position(timepoint: str, points: Sequence[TimePoint]) -> int | None:
    """Which paired time point (0 or 1) a published ``timepoint`` names: its name (``year1``)
    or "day <d>" of its target day; None when it names neither."""
    text = timepoint.strip().lower()
    m = re.fullmatch(r"day\s*(-?\d+)", text)
    for i, point in enumerate(points):
        if text == point.name.lower() or (m is not None and int(m.group(1)) == point.day):
            return i
    return None


def paired_value(entry: PublishedNumber, data: AuditData, types: Sequence[int]) -> Regenerated:
    points = data.paired_points
    position = _position(entry.timepoint or "", points)
    if position is None:
        return Regenerated(
            entry.id,
            missing=f"timepoint '{entry.timepoint}' is not one of the paired time points "
            f"{[p.name for p in points]} (days {[p.day for p in points]})",
        )
    var = entry.variable
    if var not in set(data.measurements["variable"]):
        return Regenerated(entry.id, missing=f"no measurement variable '{var}' in the validated data")
    pairs = data.paired_pairs(var)
    col = ("before", "after")[position]
    x = pairs[col].to_numpy(dtype="float64")
    keys = tuple(entry.values)
    notes = []
    if entry.n and entry.n != len(pairs):
        notes.append(f"{len(pairs)} complete pairs in the data vs n = {entry.n} printed")
    if entry.statistic in COUNT_STATS:
        values, _ = count_values(pd.Series(x.astype(bool), dtype="boolean"), keys)
        methods = [Method("count over complete pairs", values, True)]
    elif x.size:
        methods = summary_methods(x, keys, data.quantile_type, types)
    else:
        return Regenerated(
            entry.id,
            missing=f"no complete {points[0].title}/{points[1].title} pairs of '{var}'",
        )
    return Regenerated(
        entry.id,
        tuple(methods),
        None,
        resolve_inputs([var], data),
        len(pairs),
        f"{var} at {points[position].title}, patients with both paired days",
        tuple(notes),
    )


# --- paired p-values under every common variant -------------------------------------------------


def signed_rank_methods(d: np.ndarray, stats_cfg: Mapping[str, Any]) -> list[Method]:
    """The configured signed-rank test, then R's default, normal approximations with and
    without continuity correction, Pratt's zero handling, the sign test and the paired t-test."""
    dec = int(stats_cfg["decimals_for_tests"])
    cfg = wilcoxon_options(dict(stats_cfg["wilcoxon"]))
    preset = stats_cfg["wilcoxon"]["preset"]
    variants: list[tuple[str, dict[str, Any], bool]] = [
        (f"Wilcoxon signed-rank as configured (preset '{preset}')", cfg, True),
        (
            "Wilcoxon signed-rank, exact conditional null with ties and zeros (zeros dropped)",
            dict(method="exact", zero_method="wilcox"),
            False,
        ),
        (
            "Wilcoxon signed-rank as R wilcox.test (exact only without ties/zeros, else normal with "
            "continuity correction)",
            dict(method="auto", exact_max_n=49, exact_with_ties=False, correction=True),
            False,
        ),
        (
            "Wilcoxon signed-rank, normal approximation without continuity correction",
            dict(method="asymptotic", correction=False),
            False,
        ),
        (
            "Wilcoxon signed-rank, normal approximation with continuity correction",
            dict(method="asymptotic", correction=True),
            False,
        ),
        (
            "Wilcoxon signed-rank, Pratt zero handling, exact",
            dict(method="exact", zero_method="pratt"),
            False,
        ),
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
    out = [
        Method(
            f"McNemar {_MCNEMAR_TEXT[m]}" + (" (configured)" if m == configured else ""),
            {"p": float(mcnemar_from_discordant(b, c, m, n=n).p_value)},
            m == configured,
        )
        for m in order
    ]
    out += [
        Method(f"{c_.test} {c_.method} on the Day margins as if unpaired", {"p": float(c_.p)})
        for c_ in two_group_tests(int(x.sum()), n, int(y.sum()), n)
    ]
    return [m for m in out if not np.isnan(m.values["p"])]


def paired_p(entry: PublishedNumber, data: AuditData) -> Regenerated:
    var = entry.variable
    if var not in set(data.measurements["variable"]):
        return Regenerated(entry.id, missing=f"no measurement variable '{var}' in the validated data")
    pairs = data.paired_pairs(var)
    if pairs.empty:
        return Regenerated(entry.id, missing=f"no complete pairs of '{var}'")
    before, after = pairs["before"].to_numpy(float), pairs["after"].to_numpy(float)
    binary = set(np.unique(np.concatenate([before, after]))) <= {0.0, 1.0}
    if binary:
        configured = str(data.statistics["mcnemar"]["method"])
        methods = mcnemar_methods(before, after, configured)
    else:
        methods = signed_rank_methods(after - before, data.statistics)
    notes = []
    row = data.table3.get(var)
    p = row.get("p_value") if row is not None else None  # null: "not computed" in Table 3
    if row is not None and methods and p is not None and np.isfinite(float(p)):
        if not np.isclose(float(row["p_value"]), methods[0].values["p"], rtol=1e-9, atol=0):
            notes.append(
                f"pipeline Table 3 p = {float(row['p_value']):.6g} differs from the audit's "
                f"configured recomputation {methods[0].values['p']:.6g}"
            )
    if entry.n and entry.n != len(pairs):
        notes.append(f"{len(pairs)} complete pairs in the data vs n = {entry.n} printed")
    return Regenerated(
        entry.id,
        tuple(methods),
        None,
        resolve_inputs([var], data),
        len(pairs),
        f"{var}, {data.paired_points[0].title} vs {data.paired_points[1].title} pairs",
        tuple(notes),
    )
