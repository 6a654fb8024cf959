"""The recipe builder: generates a synthetic study's tables item by item, registering a check
for every target it calibrates to (see :mod:`retrocohort.synthetic.calibrated`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from retrocohort.analysis.paired import compare_parameter
from retrocohort.audit.checks.rounding import interval_for_printed, parse_printed
from retrocohort.audit.published import PublishedNumber
from retrocohort.errors import ConfigError, Problem
from retrocohort.stats.paired_binary import mcnemar_from_discordant
from retrocohort.synthetic.paired_search import (
    p_distance,
    paired_binary_table,
    search_paired_p,
)
from retrocohort.synthetic.recipe_paired import (
    PairedDraw,
    exact_p_floor,
    grid_values,
    pipeline_pairs,
    quantile_of,
    signed_rank_p_of_grid,
)
from retrocohort.synthetic.reconstruct import (
    Outcome,
    Summary,
    reconstruct_sample,
)
from retrocohort.synthetic.subset_median import reconstruct_with_subset
from retrocohort.synthetic.targets import (
    Target,
    TargetCheck,
    calibration_entry,
    printed_p,
    recipe_grid,
    resolve_target,
    target_summary,
)


class RecipeBuilder:
    """Generates the tables item by item and registers every target check."""

    def __init__(
        self, recipe: dict, ids: list[str], published: dict[str, PublishedNumber], stats_cfg: dict
    ) -> None:
        self.recipe, self.published, self.stats = recipe, published, stats_cfg
        self.ids = np.asarray(ids, dtype=object)
        self.n = len(ids)
        self.rng = np.random.default_rng(recipe["seed"])
        self.qtype = stats_cfg["quantile_type"]
        self.rule = stats_cfg["rounding"]
        search = recipe.get("search", {})
        self.max_nodes = search.get("max_nodes", 200_000)
        self.iterations = search.get("p_iterations", 20_000)
        self.attempts = search.get("p_attempts", 4)
        self.base = pd.DataFrame({"patient": self.ids})
        self.rows: list[tuple[str, int, str, float, str]] = []
        self.checks: list[TargetCheck] = []
        self.fever_day0: dict[str, int] = {}

    # -- patient-level -------------------------------------------------------------------
    def binary(self, spec: dict) -> None:
        t = resolve_target(spec["count"], self.published, spec["column"], note=spec.get("where", ""))
        col = np.zeros(self.n, dtype=int)
        col[self.rng.choice(self.n, size=int(t.values["count"]), replace=False)] = 1
        self.base[spec["column"]] = col
        self.checks.append(
            TargetCheck(
                t,
                "count",
                f"{spec['column']}: count",
                Outcome("met"),
                lambda b, m, c=spec["column"]: float(b[c].sum()),
                "count",
            )
        )

    def organomegaly(self, spec: dict) -> None:
        t = resolve_target(spec["count"], self.published, "organomegaly", note=spec.get("where", ""))
        any_ = self.rng.choice(self.n, size=int(t.values["count"]), replace=False)
        kind = self.rng.integers(0, 3, size=len(any_))  # 0 liver only, 1 spleen only, 2 both
        liver, spleen = np.zeros(self.n, int), np.zeros(self.n, int)
        liver[any_[kind != 1]] = 1
        spleen[any_[kind != 0]] = 1
        c1, c2 = spec["columns"]
        self.base[c1], self.base[c2] = liver, spleen
        self.checks.append(
            TargetCheck(
                t,
                "count",
                f"{c1} or {c2}: count",
                Outcome("met"),
                lambda b, m: float(((b[c1] + b[c2]) > 0).sum()),
                "count",
            )
        )

    def continuous(self, spec: dict) -> None:
        t = resolve_target(
            spec["summary"],
            self.published,
            spec["column"],
            default_decimals=spec["decimals"],
            n=spec.get("n"),
            note=spec.get("note", ""),
        )
        s = target_summary(t)
        dec, bounds = recipe_grid(spec, spec["column"])
        sample = reconstruct_sample(
            s, dec, bounds, self.rng, qtype=self.qtype, rule=self.rule, max_nodes=self.max_nodes
        )
        values = np.full(self.n, np.nan)
        who = self.rng.choice(self.n, size=s.n, replace=False)
        values[who] = self.rng.permutation(sample.values())
        self.base[spec["column"]] = values
        out = Outcome(sample.status, sample.reason)
        col = spec["column"]
        self._summary_checks(t, s, col, out, lambda b, m: b[col])
        self.checks.append(
            TargetCheck(
                t, "n", f"{col}: n", Outcome("met"), lambda b, m: float(b[col].notna().sum()), "count"
            )
        )

    def _summary_checks(
        self,
        t: Target,
        s: Summary,
        label: str,
        out: Outcome,
        column: Callable[[pd.DataFrame, pd.DataFrame], pd.Series],
    ) -> None:
        for key in s.values:
            self.checks.append(
                TargetCheck(
                    t,
                    key,
                    f"{label}: {key} (n = {s.n})",
                    out,
                    lambda b, m, k=key: quantile_of(column(b, m), k, self.qtype),
                )
            )

    # -- measurements ---------------------------------------------------------------------
    def lab(self, spec: dict) -> None:
        par = spec["parameter"]
        dec, bounds = recipe_grid(spec, par)
        t1 = resolve_target(
            spec["summary"],
            self.published,
            par,
            default_decimals=dec,
            n=spec.get("n"),
            note=spec.get("note", ""),
        )
        s1 = target_summary(t1)

        def day0_of(b, m):
            return m[(m["parameter"] == par) & (m["day"] == 0)]["value"]

        if "day0" not in spec:
            sample = reconstruct_sample(
                s1, dec, bounds, self.rng, qtype=self.qtype, rule=self.rule, max_nodes=self.max_nodes
            )
            who = self.rng.choice(self.n, size=s1.n, replace=False)
            values = self.rng.permutation(sample.values())
            self.rows += [(self.ids[w], 0, par, float(v), spec["unit"]) for w, v in zip(who, values)]
            self._summary_checks(t1, s1, f"{par} Day 0", Outcome(sample.status, sample.reason), day0_of)
            return
        if s1.n != self.n:
            raise ConfigError(
                f"Synthetic recipe: paired parameter {par} needs Day 0 for all patients",
                [Problem(f"n = {s1.n}, patients = {self.n}", column=par)],
            )
        t0 = resolve_target(spec["day0"], self.published, f"{par} day0", default_decimals=dec)
        t7 = resolve_target(spec["day7"], self.published, f"{par} day7", default_decimals=dec, n=t0.n)
        k = int(t0.n)
        t_p = resolve_target(spec["p"], self.published, f"{par} p") if "p" in spec else None
        printed = printed_p(t_p) if t_p is not None else None
        p_out = Outcome("met") if printed is None else self._p_attainable(printed, k)
        draw: PairedDraw | None = None
        for _ in range(self.attempts if printed and p_out.status == "met" else 1):
            attempt = self._paired_draw(
                s1, t0, t7, k, dec, bounds, printed if p_out.status == "met" else None
            )
            if draw is None or attempt.p_distance < draw.p_distance:
                draw = attempt  # the first attempt that meets p, else the closest
            if attempt.p_outcome.status == "met":
                break
        assert draw is not None
        if p_out.status == "met":
            p_out = draw.p_outcome
        sub, day7, units, kept, u7 = draw.sub, draw.day7, draw.units, draw.kept, draw.day7_units
        full_out = Outcome(sub.sample.status, sub.sample.reason)
        perm = self.rng.permutation(self.n)
        self.rows += [
            (self.ids[perm[i]], 0, par, float(v), spec["unit"]) for i, v in enumerate(grid_values(units, dec))
        ]
        self.rows += [
            (self.ids[perm[i]], 7, par, float(v), spec["unit"]) for i, v in zip(kept, grid_values(u7, dec))
        ]
        self._summary_checks(t1, s1, f"{par} Day 0", full_out, day0_of)
        self.checks.append(
            TargetCheck(
                t0,
                "n",
                f"{par}: pairs",
                Outcome("met"),
                lambda b, m: float(len(pipeline_pairs(m, par))),
                "count",
            )
        )
        self.checks.append(
            TargetCheck(
                t0,
                "median",
                f"{par} Day 0 median (n = {k} pairs)",
                sub.outcome,
                lambda b, m: quantile_of(pipeline_pairs(m, par)["before"], "median", self.qtype),
            )
        )
        self.checks.append(
            TargetCheck(
                t7,
                "median",
                f"{par} Day 7 median (n = {k} pairs)",
                Outcome(day7.status, day7.reason),
                lambda b, m: quantile_of(pipeline_pairs(m, par)["after"], "median", self.qtype),
            )
        )
        if t_p is not None:
            label = f"{par}: p, {self.test_name('continuous')} ({k} pairs)"
            self.checks.append(
                TargetCheck(t_p, "p", label, p_out, lambda b, m: self._pipeline_p(m, par, "continuous"), "p")
            )

    def _p_attainable(self, printed: str, k: int) -> Outcome:
        """Infeasible if the printed p lies below the smallest exact signed-rank p for k pairs."""
        floor = exact_p_floor(self.stats, k)
        top = parse_printed(printed)
        upper = (
            top.value if top.relation == "<" else interval_for_printed(top.value, top.decimals, self.rule).hi
        )
        if floor is not None and upper < floor:
            return Outcome(
                "infeasible",
                f"the smallest two-sided exact signed-rank p for {k} pairs is "
                f"2/2^{k} = {float(floor):.3g} > {printed}",
            )
        return Outcome("met")

    def _paired_draw(
        self,
        s1: Summary,
        t0: Target,
        t7: Target,
        k: int,
        dec: int,
        bounds: tuple[float, float],
        printed: str | None,
    ) -> PairedDraw:
        """One attempt: Day 0 (all patients, k-subset median), Day 7 (k), then the p search."""
        sub = reconstruct_with_subset(
            s1,
            k,
            t0.values["median"],
            t0.decimals["median"],
            dec,
            bounds,
            self.rng,
            qtype=self.qtype,
            rule=self.rule,
            max_nodes=self.max_nodes,
        )
        s7 = Summary(k, {"median": t7.values["median"]}, {"median": t7.decimals["median"]})
        day7 = reconstruct_sample(
            s7, dec, bounds, self.rng, qtype=self.qtype, rule=self.rule, max_nodes=self.max_nodes
        )
        order7 = self.rng.permutation(k).tolist()
        kept = [q - 1 for q in sub.kept]
        u0 = [sub.sample.units[i] for i in kept]
        f0 = [sub.sample.free[i] for i in kept]
        u7 = [day7.units[i] for i in order7]
        f7 = [day7.free[i] for i in order7]
        p_out, dist = Outcome("met"), 0.0
        if printed is not None:
            found = search_paired_p(
                u0,
                u7,
                f0,
                f7,
                signed_rank_p_of_grid(self.stats, dec),
                printed,
                self.rng,
                rule=self.rule,
                iterations=self.iterations // self.attempts,
            )
            u0, u7, p_out = found.day0, found.day7, found.outcome
            dist = p_distance(found.p_value, parse_printed(printed), self.rule)
        units = list(sub.sample.units)
        for i, u in zip(kept, u0):
            units[i] = u
        return PairedDraw(sub, day7, units, kept, u7, p_out, dist)

    def test_name(self, kind: str) -> str:
        """The configured paired test of a ``"binary"`` or continuous parameter, in words."""
        if kind == "binary":
            return f"McNemar {self.stats['mcnemar']['method']}"
        return f"Wilcoxon signed-rank ({self.stats['wilcoxon']['preset']} preset)"

    def _pipeline_p(self, meas: pd.DataFrame, par: str, kind: str) -> float:
        pairs = pipeline_pairs(meas, par)
        return float(compare_parameter(par, kind, pairs, self.stats)[0]["p_value"])

    def fever_paired(self, spec: dict) -> None:
        par = spec["parameter"]
        t0 = resolve_target(spec["day0"], self.published, f"{par} day0")
        t7 = resolve_target(spec["day7"], self.published, f"{par} day7", n=t0.n)
        k, m1, m2 = int(t0.n), int(t0.values["count"]), int(t7.values["count"])
        method = self.stats["mcnemar"]["method"]
        p_out, t_p = Outcome("met"), None
        if "p" in spec:
            t_p = resolve_target(spec["p"], self.published, f"{par} p")
            (a, b, c, d), _, p_out = paired_binary_table(
                k,
                m1,
                m2,
                printed_p(t_p),
                lambda b_, c_: mcnemar_from_discordant(b_, c_, method).p_value,
                rule=self.rule,
            )
        else:
            a = int(spec.get("both_positive", max(0, m1 + m2 - k)))
            b, c, d = m1 - a, m2 - a, k - m1 - m2 + a
        cells = [(1, 1)] * a + [(1, 0)] * b + [(0, 1)] * c + [(0, 0)] * d
        who = self.rng.choice(self.n, size=k, replace=False)
        for pid, (x0, x7) in zip(self.ids[who], cells):
            self.rows += [(pid, 0, par, float(x0), ""), (pid, 7, par, float(x7), "")]
            self.fever_day0[pid] = x0
        for t, day, label in ((t0, 0, "Day 0"), (t7, 7, "Day 7")):
            self.checks.append(
                TargetCheck(
                    t,
                    "count",
                    f"{par} {label}: count (n = {k} pairs)",
                    Outcome("met"),
                    lambda b_, m, day=day: float(
                        pipeline_pairs(m, par)["before" if day == 0 else "after"].sum()
                    ),
                    "count",
                )
            )
        if t_p is not None:
            label = f"{par}: p, {self.test_name('binary')} ({k} pairs)"
            self.checks.append(
                TargetCheck(t_p, "p", label, p_out, lambda b_, m: self._pipeline_p(m, par, "binary"), "p")
            )

    def temperature(self, temp: dict) -> None:
        febrile = np.array([self.fever_day0.get(pid, 1) for pid in self.ids]) == 1
        lo = np.where(febrile, temp["febrile"][0], temp["afebrile"][0])
        hi = np.where(febrile, temp["febrile"][1], temp["afebrile"][1])
        tmax = np.round(self.rng.uniform(lo, hi), temp["decimals"])
        self.rows += [(pid, 0, temp["parameter"], float(t), temp["unit"]) for pid, t in zip(self.ids, tmax)]

    # -- output ---------------------------------------------------------------------------
    def measurements(self) -> pd.DataFrame:
        meas = pd.DataFrame(self.rows, columns=["patient", "day", "parameter", "value", "unit"])
        meas["patient_num"] = pd.to_numeric(meas["patient"], errors="coerce")
        return (
            meas.sort_values(["patient_num", "patient", "parameter", "day"], kind="stable")
            .drop(columns="patient_num")
            .reset_index(drop=True)
        )

    def calibration(self, base: pd.DataFrame, meas: pd.DataFrame) -> list[dict]:
        """Every target recomputed from the written tables with the pipeline's functions."""
        return [calibration_entry(c, base, meas, self.rule) for c in self.checks]
