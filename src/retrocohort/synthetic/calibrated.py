"""SYNTHETIC patient-level data calibrated to published summaries, from a seeded recipe.

Used where a paper publishes only summaries. The recipe (``config/synthetic/<study>.yaml``)
names each target either by the id of a published number (``config/published/<study>.yaml``,
so every number lives in one place) or inline; the analysis settings (quantile type,
rounding, Wilcoxon/McNemar variants, decimals for tests) are read from the study config the
recipe names, so the data are calibrated under the same methods the pipeline uses.

* binary: exactly ``count`` patients, chosen at random, are 1;
* continuous and laboratory Day 0 values: :func:`retrocohort.synthetic.reconstruct.reconstruct_sample`
  (printed Q1/median/Q3 met under the Hyndman–Fan type; free values uniform between them);
* paired laboratory values (Table 3): Day 0 for all patients with the Table 1 quartiles *and*
  a k-patient subset with the Table 3 Day 0 median (:func:`reconstruct_with_subset`); Day 7
  for those k with the printed Day 7 median; then a seeded search for a pairing whose
  configured Wilcoxon p prints as published (:func:`search_paired_p`);
* paired binary (fever): the 2x2 table with the published margins whose configured McNemar p
  prints as published, or the closest one (:func:`paired_binary_table`).

Every target is then recomputed from the generated tables with the pipeline's own functions
and written to a calibration record (met or not, and why not). Run:
``python -m retrocohort.synthetic.calibrated config/synthetic/baverez2022.yaml``.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml

from retrocohort.audit.consistency import QUANTILE_P
from retrocohort.audit.published import PublishedNumber, load_study
from retrocohort.audit.rounding import interval_for_printed, matches_printed, parse_printed, printed_match_rules
from retrocohort.errors import ConfigError, Problem
from retrocohort.analysis.paired import compare_parameter, wilcoxon_options
from retrocohort.io.raw import read_raw_table
from retrocohort.synthetic.paired_search import min_signed_rank_p, p_distance, paired_binary_table, search_paired_p
from retrocohort.synthetic.reconstruct import Outcome, Sample, Summary, reconstruct_sample
from retrocohort.synthetic.subset_median import SubsetSample, reconstruct_with_subset
from retrocohort.stats.paired_binary import mcnemar_from_discordant
from retrocohort.stats.quantiles import quantile
from retrocohort.stats.signed_rank import wilcoxon_signed_rank

LABEL = "SYNTHETIC, calibrated to published summaries"
_KEYS = ("min", "q1", "median", "q3", "max")


@dataclass
class SyntheticData:
    """Generated tables plus the calibration record (one entry per target)."""

    baseline: pd.DataFrame
    measurements: pd.DataFrame
    calibration: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """A published (or recipe-stated) number the synthetic data should reproduce."""

    ref: str
    where: str
    printed: str
    values: dict[str, Any]
    decimals: dict[str, int]
    n: int | None = None
    relation: str = "="
    note: str = ""


@dataclass
class _Check:
    """One target key, the solver's outcome and how to recompute it from the tables."""

    target: Target
    key: str
    label: str
    outcome: Outcome
    achieved: Callable[[pd.DataFrame, pd.DataFrame], float]
    kind: str = "value"  # value | count | p


def _resolve(spec: Any, published: dict[str, PublishedNumber], what: str, *,
             default_decimals: int = 0, n: int | None = None, note: str = "") -> Target:
    """A target from a published id or an inline mapping ({n, median, q1, ..., where})."""
    if isinstance(spec, str):
        if spec not in published:
            raise ConfigError(f"Synthetic recipe: unknown published entry for {what}",
                              [Problem("no such id in the published numbers", column=what, value=spec)])
        e = published[spec]
        return Target(spec, e.where, e.printed, dict(e.values), dict(e.decimals),
                      n if n is not None else (e.n or e.denominator), e.relation, note)
    if isinstance(spec, (int, float)):
        return Target("recipe", "recipe", str(spec), {"count": spec}, {"count": 0}, n, note=note)
    if not isinstance(spec, dict):
        raise ConfigError("Synthetic recipe: malformed target",
                          [Problem("expected a published id or a mapping", column=what, value=spec)])
    values = {k: v for k, v in spec.items() if k in (*_KEYS, "count", "p")}
    decimals = {k: spec.get("decimals", {}).get(k, default_decimals) if isinstance(spec.get("decimals"), dict)
                else spec.get("decimals", default_decimals) for k in values}
    printed = spec.get("printed") or ", ".join(f"{k} {v}" for k, v in values.items())
    return Target("recipe", spec.get("where", "recipe"), printed, values, decimals, spec.get("n", n),
                  spec.get("relation", "="), note or spec.get("note", ""))


def _summary(t: Target) -> Summary:
    keys = [k for k in _KEYS if k in t.values]
    if t.n is None:
        raise ConfigError("Synthetic recipe: a summary needs n",
                          [Problem("n not printed; state it in the recipe (`n:`)", value=t.ref)])
    return Summary(int(t.n), {k: t.values[k] for k in keys}, {k: t.decimals[k] for k in keys})


def _grid(spec: dict, what: str) -> tuple[int, tuple[float, float]]:
    """(decimals, bounds) of a recipe item; values must survive the CSV's 10 significant digits."""
    dec, lo, hi = int(spec["decimals"]), float(spec["bounds"][0]), float(spec["bounds"][1])
    if max(abs(lo), abs(hi)) * 10 ** dec >= 1e10 or not lo < hi:
        raise ConfigError(f"Synthetic recipe: bad grid for {what}",
                          [Problem("bounds must be increasing and have at most 10 significant digits "
                                   "at the stated decimals", column=what, value=[dec, [lo, hi]])])
    return dec, (lo, hi)


def _units(values: list[int], decimals: int) -> np.ndarray:
    return np.asarray(values, dtype=np.float64) / 10 ** decimals


def _signed_rank_p(stats_cfg: dict, decimals: int) -> Callable[[list[int], list[int]], float]:
    """p of the configured Wilcoxon test on grid values, computed as the pipeline does."""
    opts = wilcoxon_options(stats_cfg.get("wilcoxon", {}))
    dec = stats_cfg.get("decimals_for_tests", 6)

    def p(u0: list[int], u7: list[int]) -> float:
        d = np.round(_units(u7, decimals) - _units(u0, decimals), dec)
        return wilcoxon_signed_rank(d, decimals=dec, **opts).p_value
    return p


def _exact_p_floor(stats_cfg: dict, k: int) -> Fraction | None:
    """2 / 2**k when the configured signed-rank test is exact (with ties) for k pairs."""
    opts = wilcoxon_options(stats_cfg.get("wilcoxon", {}))
    exact = opts["method"] == "exact" or (opts["method"] == "auto" and k <= opts["exact_max_n"]
                                          and opts["exact_with_ties"])
    return min_signed_rank_p(k) if exact and opts.get("alternative", "two-sided") == "two-sided" else None


def _quantile_of(values: pd.Series, key: str, qtype: int) -> float:
    x = values.dropna().to_numpy(dtype=float)
    return float(quantile(x, float(QUANTILE_P[key]), qtype)) if x.size else math.nan


def _pairs(meas: pd.DataFrame, parameter: str) -> pd.DataFrame:
    rows = meas[meas["parameter"] == parameter]
    wide = rows.pivot(index="patient", columns="day", values="value")
    both = wide.reindex(columns=[0, 7]).dropna()
    return both.rename(columns={0: "before", 7: "after"})


@dataclass
class _PairedDraw:
    """One attempt at a paired laboratory parameter (sorted Day 0 grid values, kept positions)."""

    sub: SubsetSample
    day7: Sample
    units: list[int]
    kept: list[int]
    day7_units: list[int]
    p_outcome: Outcome
    p_distance: float = 0.0


class _Builder:
    """Generates the tables item by item and registers every target check."""

    def __init__(self, recipe: dict, ids: list[str], published: dict[str, PublishedNumber],
                 stats_cfg: dict) -> None:
        self.recipe, self.ids, self.published, self.stats = recipe, np.asarray(ids, dtype=object), published, stats_cfg
        self.n = len(ids)
        self.rng = np.random.default_rng(recipe["seed"])
        self.qtype = stats_cfg.get("quantile_type", recipe.get("quantile_type", 7))
        self.rule = stats_cfg.get("rounding", "half_up")
        search = recipe.get("search", {})
        self.max_nodes = search.get("max_nodes", 200_000)
        self.iterations = search.get("p_iterations", 20_000)
        self.attempts = search.get("p_attempts", 4)
        self.base = pd.DataFrame({"patient": self.ids})
        self.rows: list[tuple[str, int, str, float, str]] = []
        self.checks: list[_Check] = []
        self.fever_day0: dict[str, int] = {}

    # -- patient-level -------------------------------------------------------------------
    def binary(self, spec: dict) -> None:
        t = _resolve(spec["count"], self.published, spec["column"], note=spec.get("where", ""))
        col = np.zeros(self.n, dtype=int)
        col[self.rng.choice(self.n, size=int(t.values["count"]), replace=False)] = 1
        self.base[spec["column"]] = col
        self.checks.append(_Check(t, "count", f"{spec['column']}: count", Outcome("met"),
                                  lambda b, m, c=spec["column"]: float(b[c].sum()), "count"))

    def organomegaly(self, spec: dict) -> None:
        t = _resolve(spec["count"], self.published, "organomegaly", note=spec.get("where", ""))
        any_ = self.rng.choice(self.n, size=int(t.values["count"]), replace=False)
        kind = self.rng.integers(0, 3, size=len(any_))  # 0 liver only, 1 spleen only, 2 both
        liver, spleen = np.zeros(self.n, int), np.zeros(self.n, int)
        liver[any_[kind != 1]] = 1
        spleen[any_[kind != 0]] = 1
        c1, c2 = spec["columns"]
        self.base[c1], self.base[c2] = liver, spleen
        self.checks.append(_Check(t, "count", f"{c1} or {c2}: count", Outcome("met"),
                                  lambda b, m: float(((b[c1] + b[c2]) > 0).sum()), "count"))

    def continuous(self, spec: dict) -> None:
        t = _resolve(spec["summary"], self.published, spec["column"], default_decimals=spec["decimals"],
                     n=spec.get("n"), note=spec.get("note", ""))
        s = _summary(t)
        dec, bounds = _grid(spec, spec["column"])
        sample = reconstruct_sample(s, dec, bounds, self.rng, qtype=self.qtype,
                                    rule=self.rule, max_nodes=self.max_nodes)
        values = np.full(self.n, np.nan)
        who = self.rng.choice(self.n, size=s.n, replace=False)
        values[who] = self.rng.permutation(sample.values())
        self.base[spec["column"]] = values
        out = Outcome(sample.status, sample.reason)
        col = spec["column"]
        self._summary_checks(t, s, col, out, lambda b, m: b[col])
        self.checks.append(_Check(t, "n", f"{col}: n", Outcome("met"),
                                  lambda b, m: float(b[col].notna().sum()), "count"))

    def _summary_checks(self, t: Target, s: Summary, label: str, out: Outcome,
                        column: Callable[[pd.DataFrame, pd.DataFrame], pd.Series]) -> None:
        for key in s.values:
            self.checks.append(_Check(t, key, f"{label}: {key} (n = {s.n})", out,
                                      lambda b, m, k=key: _quantile_of(column(b, m), k, self.qtype)))

    # -- measurements ---------------------------------------------------------------------
    def lab(self, spec: dict) -> None:
        par = spec["parameter"]
        dec, bounds = _grid(spec, par)
        t1 = _resolve(spec["summary"], self.published, par, default_decimals=dec, n=spec.get("n"),
                      note=spec.get("note", ""))
        s1 = _summary(t1)
        day0_of = (lambda b, m: m[(m["parameter"] == par) & (m["day"] == 0)]["value"])
        if "day0" not in spec:
            sample = reconstruct_sample(s1, dec, bounds, self.rng, qtype=self.qtype, rule=self.rule,
                                        max_nodes=self.max_nodes)
            who = self.rng.choice(self.n, size=s1.n, replace=False)
            values = self.rng.permutation(sample.values())
            self.rows += [(self.ids[w], 0, par, float(v), spec["unit"]) for w, v in zip(who, values)]
            self._summary_checks(t1, s1, f"{par} Day 0", Outcome(sample.status, sample.reason), day0_of)
            return
        if s1.n != self.n:
            raise ConfigError(f"Synthetic recipe: paired parameter {par} needs Day 0 for all patients",
                              [Problem(f"n = {s1.n}, patients = {self.n}", column=par)])
        t0 = _resolve(spec["day0"], self.published, f"{par} day0", default_decimals=dec)
        t7 = _resolve(spec["day7"], self.published, f"{par} day7", default_decimals=dec, n=t0.n)
        k = int(t0.n)
        t_p = _resolve(spec["p"], self.published, f"{par} p") if "p" in spec else None
        printed = self._printed_p(t_p) if t_p is not None else None
        p_out = Outcome("met") if printed is None else self._p_attainable(printed, k)
        draw: _PairedDraw | None = None
        for _ in range(self.attempts if printed and p_out.status == "met" else 1):
            attempt = self._paired_draw(s1, t0, t7, k, dec, bounds, printed if p_out.status == "met" else None)
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
        self.rows += [(self.ids[perm[i]], 0, par, float(v), spec["unit"]) for i, v in enumerate(_units(units, dec))]
        self.rows += [(self.ids[perm[i]], 7, par, float(v), spec["unit"])
                      for i, v in zip(kept, _units(u7, dec))]
        self._summary_checks(t1, s1, f"{par} Day 0", full_out, day0_of)
        self.checks.append(_Check(t0, "n", f"{par}: pairs", Outcome("met"),
                                  lambda b, m: float(len(_pairs(m, par))), "count"))
        self.checks.append(_Check(t0, "median", f"{par} Day 0 median (n = {k} pairs)", sub.outcome,
                                  lambda b, m: _quantile_of(_pairs(m, par)["before"], "median", self.qtype)))
        self.checks.append(_Check(t7, "median", f"{par} Day 7 median (n = {k} pairs)",
                                  Outcome(day7.status, day7.reason),
                                  lambda b, m: _quantile_of(_pairs(m, par)["after"], "median", self.qtype)))
        if t_p is not None:
            self.checks.append(_Check(t_p, "p", f"{par}: p, {self._test_name('continuous')} ({k} pairs)", p_out,
                                      lambda b, m: self._pipeline_p(m, par, "continuous"), "p"))

    def _p_attainable(self, printed: str, k: int) -> Outcome:
        """Infeasible if the printed p lies below the smallest exact signed-rank p for k pairs."""
        floor = _exact_p_floor(self.stats, k)
        top = parse_printed(printed)
        upper = top.value if top.relation == "<" else interval_for_printed(top.value, top.decimals, self.rule).hi
        if floor is not None and upper < floor:
            return Outcome("infeasible", f"the smallest two-sided exact signed-rank p for {k} pairs is "
                                         f"2/2^{k} = {float(floor):.3g} > {printed}")
        return Outcome("met")

    def _paired_draw(self, s1: Summary, t0: Target, t7: Target, k: int, dec: int,
                     bounds: tuple[float, float], printed: str | None) -> _PairedDraw:
        """One attempt: Day 0 (all patients, k-subset median), Day 7 (k), then the p search."""
        sub = reconstruct_with_subset(s1, k, t0.values["median"], t0.decimals["median"], dec, bounds,
                                      self.rng, qtype=self.qtype, rule=self.rule, max_nodes=self.max_nodes)
        s7 = Summary(k, {"median": t7.values["median"]}, {"median": t7.decimals["median"]})
        day7 = reconstruct_sample(s7, dec, bounds, self.rng, qtype=self.qtype, rule=self.rule,
                                  max_nodes=self.max_nodes)
        order7 = self.rng.permutation(k).tolist()
        kept = [q - 1 for q in sub.kept]
        u0 = [sub.sample.units[i] for i in kept]
        f0 = [sub.sample.free[i] for i in kept]
        u7 = [day7.units[i] for i in order7]
        f7 = [day7.free[i] for i in order7]
        p_out, dist = Outcome("met"), 0.0
        if printed is not None:
            found = search_paired_p(u0, u7, f0, f7, _signed_rank_p(self.stats, dec), printed, self.rng,
                                    rule=self.rule, iterations=self.iterations // self.attempts)
            u0, u7, p_out = found.day0, found.day7, found.outcome
            dist = p_distance(found.p_value, parse_printed(printed), self.rule)
        units = list(sub.sample.units)
        for i, u in zip(kept, u0):
            units[i] = u
        return _PairedDraw(sub, day7, units, kept, u7, p_out, dist)

    @staticmethod
    def _printed_p(t: Target) -> str:
        rel = "" if t.relation == "=" else t.relation
        return f"{rel}{t.values['p']:.{t.decimals['p']}f}"

    def _test_name(self, kind: str) -> str:
        if kind == "binary":
            return f"McNemar {self.stats.get('mcnemar', {}).get('method', 'exact')}"
        return f"Wilcoxon signed-rank ({self.stats.get('wilcoxon', {}).get('preset', 'retrocohort')} preset)"

    def _pipeline_p(self, meas: pd.DataFrame, par: str, kind: str) -> float:
        pairs = _pairs(meas, par)
        return float(compare_parameter(par, kind, pairs, self.stats)[0]["p_value"])

    def fever_paired(self, spec: dict) -> None:
        par = spec["parameter"]
        t0 = _resolve(spec["day0"], self.published, f"{par} day0")
        t7 = _resolve(spec["day7"], self.published, f"{par} day7", n=t0.n)
        k, m1, m2 = int(t0.n), int(t0.values["count"]), int(t7.values["count"])
        method = self.stats.get("mcnemar", {}).get("method", "exact")
        p_out, t_p = Outcome("met"), None
        if "p" in spec:
            t_p = _resolve(spec["p"], self.published, f"{par} p")
            (a, b, c, d), _, p_out = paired_binary_table(
                k, m1, m2, self._printed_p(t_p), lambda b_, c_: mcnemar_from_discordant(b_, c_, method).p_value,
                rule=self.rule)
        else:
            a = int(spec.get("both_positive", max(0, m1 + m2 - k)))
            b, c, d = m1 - a, m2 - a, k - m1 - m2 + a
        cells = [(1, 1)] * a + [(1, 0)] * b + [(0, 1)] * c + [(0, 0)] * d
        who = self.rng.choice(self.n, size=k, replace=False)
        for pid, (x0, x7) in zip(self.ids[who], cells):
            self.rows += [(pid, 0, par, float(x0), ""), (pid, 7, par, float(x7), "")]
            self.fever_day0[pid] = x0
        for t, day, label in ((t0, 0, "Day 0"), (t7, 7, "Day 7")):
            self.checks.append(_Check(t, "count", f"{par} {label}: count (n = {k} pairs)", Outcome("met"),
                                      lambda b_, m, day=day: float(_pairs(m, par)[
                                          "before" if day == 0 else "after"].sum()), "count"))
        if t_p is not None:
            self.checks.append(_Check(t_p, "p", f"{par}: p, {self._test_name('binary')} ({k} pairs)", p_out,
                                      lambda b_, m: self._pipeline_p(m, par, "binary"), "p"))

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
        return meas.sort_values(["patient_num", "patient", "parameter", "day"], kind="stable") \
            .drop(columns="patient_num").reset_index(drop=True)

    def calibration(self, base: pd.DataFrame, meas: pd.DataFrame) -> list[dict]:
        """Every target recomputed from the written tables with the pipeline's functions."""
        out = []
        for c in self.checks:
            t = c.target
            achieved = c.achieved(base, meas)
            requested = t.n if c.key == "n" else t.values[c.key]
            if c.kind == "p":
                printed = self._printed_p(t)
                met = bool(printed_match_rules(achieved, printed, (self.rule,)))
            elif c.kind == "count":
                printed, met = str(int(requested)), achieved == requested
            else:
                printed = f"{requested:.{t.decimals[c.key]}f}"
                met = matches_printed(achieved, requested, t.decimals[c.key], (self.rule,))
            if met and c.outcome.status == "met":
                status, reason = "met", ""
            elif c.outcome.status != "met":
                status, reason = ("met", f"met although the search said: {c.outcome.reason}") if met \
                    else (c.outcome.status, c.outcome.reason)
            else:
                raise ValueError(f"synthetic target {c.label} ({t.ref}) reported met by the search but "
                                 f"recomputes as {achieved!r} vs printed {printed}: a reconstruction bug")
            out.append({"target": c.label, "published_id": t.ref, "key": c.key, "where": t.where,
                        "printed": t.printed, "requested": printed, **({"note": t.note} if t.note else {}), "achieved": _plain(achieved),
                        "met": met, "status": status, "reason": reason})
        return out


def _plain(x: float) -> float | int | None:
    if isinstance(x, float) and math.isnan(x):
        return None
    return int(x) if float(x).is_integer() else float(x)


def generate(recipe: dict, patient_ids: list[str], published: dict[str, PublishedNumber] | None = None,
             statistics: dict | None = None) -> SyntheticData:
    """Generate the synthetic baseline and long measurement tables and their calibration record."""
    b = _Builder(recipe, patient_ids, published or {}, statistics or {})
    for spec in recipe.get("binary", []):
        b.binary(spec)
    if recipe.get("organomegaly"):
        b.organomegaly(recipe["organomegaly"])
    for spec in recipe.get("continuous", []):
        b.continuous(spec)
    if recipe.get("fever_paired"):
        b.fever_paired(recipe["fever_paired"])
    if recipe.get("temperature"):
        b.temperature(recipe["temperature"])
    for spec in recipe.get("labs", []):
        b.lab(spec)
    meas = b.measurements()
    targets = b.calibration(b.base, meas)
    record = {
        "label": LABEL,
        "seed": recipe["seed"],
        "published": recipe.get("published"),
        "analysis": recipe.get("analysis"),
        "quantile_type": b.qtype,
        "rounding": b.rule,
        "tests": {"wilcoxon": b._test_name("continuous"), "mcnemar": b._test_name("binary"),
                  "decimals_for_tests": b.stats.get("decimals_for_tests", 6)},
        "n_targets": len(targets),
        "n_met": sum(t["status"] == "met" for t in targets),
        "not_met": [f"{t['target']}: {t['status']}: {t['reason']}" for t in targets if t["status"] != "met"],
        "targets": targets,
    }
    return SyntheticData(b.base, meas, record)


def simulate_from_recipe(recipe: dict, base_dir: Path = Path(".")) -> SyntheticData:
    """Generate the synthetic tables for the recipe's patients.

    ``patients`` either names a real patient file (``path``, ``id_column``) whose ids are
    reused, or asks for ``count`` wholly synthetic patients with ids ``id_prefix`` + 1..count.
    ``published`` (optional) is the published-numbers file whose ids the targets may use;
    ``analysis`` (optional) the study config whose ``statistics`` set the methods.
    """
    published = load_study(base_dir / recipe["published"]).by_id() if recipe.get("published") else {}
    stats_cfg: dict = {}
    if recipe.get("analysis"):
        stats_cfg = yaml.safe_load((base_dir / recipe["analysis"]).read_text(encoding="utf-8")).get("statistics", {})
    pat = recipe["patients"]
    if "count" in pat:  # a wholly synthetic cohort: ids PREFIX1..PREFIXn
        ids = [f"{pat.get('id_prefix', '')}{i}" for i in range(1, pat["count"] + 1)]
    else:
        frame = read_raw_table(base_dir / pat["path"])
        ids = frame[pat["id_column"]].astype(str).str.strip().tolist()
    return generate(recipe, ids, published, stats_cfg)


def calibration_text(data: SyntheticData) -> str:
    """The calibration record as deterministic JSON text."""
    return json.dumps(data.calibration, indent=2, ensure_ascii=False) + "\n"


def csv_text(frame: pd.DataFrame) -> str:
    """A synthetic table as deterministic CSV text (fixed float format, LF line endings)."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def write_synthetic(data: SyntheticData, baseline_path: Path, measurements_path: Path,
                    calibration_path: Path | None = None) -> None:
    """Write both CSVs (and the calibration JSON) deterministically."""
    texts = [(baseline_path, csv_text(data.baseline)), (measurements_path, csv_text(data.measurements))]
    if calibration_path is not None:
        texts.append((calibration_path, calibration_text(data)))
    for path, text in texts:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m retrocohort.synthetic.calibrated RECIPE [--root DIR]``: write the recipe's outputs."""
    parser = argparse.ArgumentParser(description="Generate synthetic data from a seeded recipe.")
    parser.add_argument("recipe", type=Path)
    parser.add_argument("--root", type=Path, default=Path("."), help="directory the recipe's paths are relative to")
    args = parser.parse_args(argv)
    recipe = yaml.safe_load(args.recipe.read_text(encoding="utf-8"))
    data = simulate_from_recipe(recipe, args.root)
    out = recipe["outputs"]
    write_synthetic(data, args.root / out["baseline"], args.root / out["measurements"],
                    args.root / out["calibration"] if out.get("calibration") else None)
    rec = data.calibration
    print(f"{rec['n_met']}/{rec['n_targets']} targets met")
    for line in rec["not_met"]:
        print(f"  not met: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
