"""The pipeline's results/stats files recomputed in R from the study's validated input: the
data R gets (:func:`study_input`), the R calls per file (``*_code``) and the cell-by-cell
comparisons (``compare_*``) of Table 1, Table 3 (paired), the group comparisons, the survival
analyses and the config's stratified and regression tables (r_tables.py's comparators).

Only data assembly happens here (the cohort's rows, baseline-day values, exact-day pairs, the
config's time/event definition) and the reading of which method a row says it used; every
number compared is R's (tables_oracle.R).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from r_sample_tables import sample_comparison_code, sample_descriptive_code, source_line
from r_tables import (
    REL_MODEL,
    Comparison,
    cells_of,
    comparable_regression_rows,
    compare_regression,
    compare_stratified,
    group_text,
    parse_details,
    r_literal,
    r_numbers,
    r_strings,
    rank_test_mode,
    regression_code,
    stratified_code,
)

from retrocohort.config.study import load_study
from retrocohort.kinds.paired import study_paired_stats


# --- the study's input, as R gets it ------------------------------------------------------------
@dataclass
class StudyInput:
    """A finished run: its config (defaults filled) and validated input restricted to the cohort."""

    workdir: Path
    config: dict
    patients: pd.DataFrame  # patient variables + baseline-day measurements (+ HScore columns)
    measurements: pd.DataFrame

    def stats(self, stem: str) -> pd.DataFrame | None:
        path = self.workdir / "results" / "stats" / f"{stem}.csv"
        if not path.exists():
            return None
        frame = pd.read_csv(path, dtype={"level": str, "group_value": str})
        if stem == "table3_paired" and "role" in frame:  # the paired tests (not extra/repeated rows)
            frame = frame[frame["role"] == "main"].reset_index(drop=True)
        return frame

    def paired(self) -> pd.DataFrame | None:
        """The main rows of the study's paired table, ``tables.table3`` classic or declared
        ``kind: paired`` (:func:`retrocohort.kinds.paired.study_paired_stats`)."""
        stem = study_paired_stats(self.config.get("tables") or {})
        frame = self.stats(Path(stem).name) if stem else None
        return None if frame is None else frame[frame["role"] == "main"].reset_index(drop=True)


def study_input(workdir: Path) -> StudyInput:
    config = load_study(workdir / "config" / "config.yaml", base_dir=workdir).data
    results = workdir / "results"
    cohort = set(pd.read_parquet(results / "selection" / "cohort.parquet")["patient_id"].astype(str))
    patients = pd.read_parquet(results / "validated" / "patients.parquet")
    patients = patients[patients["patient_id"].astype(str).isin(cohort)].set_index("patient_id")
    meas = pd.read_parquet(results / "validated" / "measurements.parquet")
    meas = meas[meas["patient_id"].astype(str).isin(cohort)]
    baseline = meas[meas["day"] == config.get("baseline_day", 0)]
    wide = baseline.pivot(index="patient_id", columns="variable", values="value")
    frame = patients.join(wide[[c for c in wide.columns if c not in patients.columns]])
    hscore = results / "hscore" / "hscore.parquet"
    if hscore.exists():  # the HScore stage's per-patient output is the raw input of its Table 1 rows
        frame = frame.join(
            pd.read_parquet(hscore).set_index("patient_id")[["hscore", "hscore_probability_pct"]]
        )
    return StudyInput(workdir, config, frame, meas)


# --- Table 1 ------------------------------------------------------------------------------------
def table1_code(inp: StudyInput, ours: pd.DataFrame) -> list[str]:
    hf = inp.config["statistics"]["quantile_type"]
    code = []
    for _, row in ours[ours["stat"] != "section"].iterrows():
        binary = "TRUE" if row["stat"] == "count_pct" else "FALSE"
        values = inp.patients[row["variable"]]
        code.append(
            f"summary_cells('table1', {r_literal(row['variable'])}, {r_numbers(values)}, {binary}, {hf})"
        )
    return code


def compare_rows(table: str, ours: pd.DataFrame, key: str, r: dict, cmp: Comparison, columns=None) -> None:
    """Cells R gave for ``table`` against ``ours`` rows keyed by column ``key``."""
    index = ours.set_index(key)
    for (row, column), values in cells_of(r, table).items():
        ours_column = (columns or {}).get(column, column)
        if ours_column is None:
            continue
        cmp.cell(table, row, ours_column, index.loc[row, ours_column], values[0])


# --- Table 3 (paired) -------------------------------------------------------------------------------
def tested_time_points(config: dict, names: list[str] | None = None) -> list[dict]:
    """The two time points of Table 3 (or ``names``, a paired table's ``time_points``) as
    ``{day, window, rule, tie}`` (``paired_days`` and ``day<d>``: exact days)."""
    points = config.get("time_points") or {}
    names = names or config.get("paired_time_points")
    if not names:
        return [{"day": int(d), "window": [int(d), int(d)]} for d in config["paired_days"]]
    return [
        points[name] if name in points else {"day": int(name[3:]), "window": [int(name[3:])] * 2}
        for name in names
    ]


def time_point_values(values: pd.DataFrame, point: dict) -> pd.Series:
    """One value per patient at a time point, chosen independently of the library: the
    measurements within the window, then the rule (closest to the day, first or last) with its
    tie rule (earlier or later day). ``worst`` and ``tie: mean`` are not re-implemented here."""
    rule, tie = point.get("rule", "closest"), point.get("tie", "earlier")
    if rule == "worst" or tie == "mean":
        raise NotImplementedError(
            f"the R oracle re-implements closest/first/last with earlier/later ties, not {point}"
        )
    lo, hi = point.get("window") or [point["day"], point["day"]]
    inside = values[(values["day"] >= lo) & (values["day"] <= hi)].copy()
    key = {"closest": (inside["day"] - point["day"]).abs(), "first": inside["day"], "last": -inside["day"]}[
        rule
    ]
    inside["key"], inside["order"] = key, inside["day"] if tie == "earlier" else -inside["day"]
    chosen = inside.sort_values(["patient_id", "key", "order"]).groupby("patient_id").head(1)
    return chosen.set_index("patient_id")["value"]


def table3_code(
    inp: StudyInput, ours: pd.DataFrame, table: str = "table3", spec: dict | None = None
) -> list[str]:
    """R calls of Table 3, or of the paired table ``spec`` (its time points, its population)."""
    stats = inp.config["statistics"]
    first, second = tested_time_points(inp.config, (spec or {}).get("time_points"))
    patients = table_frame(inp, spec).index if spec is not None else inp.patients.index
    measurements = inp.measurements[inp.measurements["patient_id"].isin(patients)]
    code = []
    for _, row in ours.iterrows():
        values = measurements[measurements["variable"] == row["variable"]]
        pairs = pd.concat(
            {"before": time_point_values(values, first), "after": time_point_values(values, second)}, axis=1
        ).dropna()
        name = r_literal(row["variable"])
        before, after = r_numbers(pairs["before"]), r_numbers(pairs["after"])
        if row["kind"] == "binary":
            code.append(
                f"paired_binary({r_literal(table)}, {name}, {before}, {after}, "
                f"{r_literal(stats['mcnemar']['method'])})"
            )
        else:
            code.append(
                f"paired_continuous({r_literal(table)}, {name}, {before}, {after}, {stats['decimals_for_tests']}, "
                f"{r_literal(stats['wilcoxon']['preset'])}, {stats['hodges_lehmann']['conf_level']})"
            )
    return code


def compare_table3(ours: pd.DataFrame, r: dict, cmp: Comparison, preset: str, table: str = "table3") -> None:
    names = [c[: -len("_median")] for c in ours.columns if c.endswith("_median")]
    rename = {
        f"{s}@{w}": f"{n}_{s}"
        for w, n in zip(("before", "after"), names)
        for s in ("median", "q1", "q3", "mean", "count", "percent")
    }
    rename |= {"r_wilcox_p": None, "r_hl": None, "r_exact_p": None, "r_chi2": None, "hl": None}
    rename |= {f"{s}@{w}": None for w in ("before", "after") for s in ("n", "missing", "sd", "min", "max")}
    compare_rows(table, ours, "variable", r, cmp, rename)
    cells = cells_of(r, table)
    for _, row in ours.iterrows():
        v = row["variable"]
        if row["kind"] == "binary":
            if row["details"] and "mcnemar_method=exact" in row["details"]:
                cmp.differs(
                    table,
                    v,
                    "p_value vs mcnemar.test",
                    row["p_value"],
                    cells[(v, "r_chi2")][1],
                    "mcnemar_exact",
                )
            continue
        hl = cells[(v, "hl")]
        for column, value in zip(("hl_estimate", "hl_ci_low", "hl_ci_high"), hl):
            cmp.cell(table, v, column, row[column], value)
        details = parse_details(row["details"])
        if preset != "R" and (details.get("has_ties") == "True" or details.get("n_zero", "0") != "0"):
            # exact conditional null with ties/zeros: R's wilcox.test falls back to the normal approximation
            cmp.differs(
                table,
                v,
                "p_value vs wilcox.test",
                row["p_value"],
                cells[(v, "r_wilcox_p")][0],
                "signed_rank_exact_with_ties",
            )
        elif preset != "R":
            cmp.cell(
                table,
                v,
                "p_value vs wilcox.test (no ties, no zeros)",
                row["p_value"],
                cells[(v, "r_wilcox_p")][0],
            )


# --- group comparisons ------------------------------------------------------------------------------
def groups_code(
    inp: StudyInput, ours: pd.DataFrame, table: str = "groups", spec_t: dict | None = None
) -> list[str]:
    """R calls of the top-level group comparisons, or of the comparison table ``spec_t``."""
    code = []
    frame = table_frame(inp, spec_t) if spec_t is not None else inp.patients
    for spec in spec_t["comparisons"] if spec_t is not None else inp.config.get("groups", []):
        test = ours[(ours["comparison"] == spec["id"]) & (ours["role"] == "test")].iloc[0]
        keys = [str(k) for k in spec["groups"]]
        by = frame[spec["group_variable"]].map(group_text)
        outcome = frame[spec["outcome"]]
        x, y = (r_numbers(outcome[by == k]) for k in keys)
        mode = (
            "fisher"
            if test["test"] == "Fisher exact"
            else rank_test_mode(test["method"], parse_details(test["details"]))
        )
        code.append(
            f"two_group_test({r_literal(table)}, {r_literal(spec['id'])}, {x}, {y}, {r_literal(mode)})"
        )
        for key, label in spec["groups"].items():
            values = outcome[by == str(key)]
            binary = "TRUE" if test["test"] == "Fisher exact" else "FALSE"
            code.append(
                f"summary_cells({r_literal(table)}, {r_literal(spec['id'] + '@' + label)}, {r_numbers(values)}, {binary})"
            )
    return code


def compare_groups(ours: pd.DataFrame, r: dict, cmp: Comparison, table: str = "groups") -> None:
    cells = cells_of(r, table)
    for (row, column), values in cells.items():
        comparison, _, label = row.partition("@")
        rows = ours[ours["comparison"] == comparison]
        if label:
            got = rows[(rows["role"] == "summary") & (rows["group"] == label)].iloc[0]
            cmp.cell(table, row, column, got[column], values[0])
            continue
        got = rows[rows["role"] == "test"].iloc[0]
        if column == "r_or":  # fisher_or_root_tolerance: R's uniroot is ~1% off, the p is not
            cmp.cell(
                table, row, "statistic (conditional OR vs R, 1e-2)", got["statistic"], values[0], rel=1e-2
            )
        elif column == "r_wilcox_p":
            if rank_test_mode(got["method"], parse_details(got["details"])) == "exact_ties":
                cmp.differs(
                    table,
                    row,
                    "p_value vs wilcox.test",
                    got["p_value"],
                    values[0],
                    "mann_whitney_exact_with_ties",
                )
        else:
            cmp.cell(table, row, column, got[column], values[0])


def rows_by(ours: pd.DataFrame, columns: list[str]) -> dict[tuple, pd.DataFrame]:
    """{values of ``columns``: those rows of ``ours``, in file order}: a statistics file's rows
    grouped once for the per-cell lookups of a comparison (a boolean mask per cell made it
    cells x rows: minutes per study on the 2-core CI machine). A key holding a missing value
    matches no R row name, as the masks did."""
    return {key: part for key, part in ours.groupby(columns, sort=False, dropna=False)}


def records(part: pd.DataFrame) -> list[dict]:
    """The rows of ``part`` as {column: value}, in order (a row read as a Series per cell costs
    more than its comparison)."""
    return part.to_dict("records")


# --- survival -------------------------------------------------------------------------------------
def time_and_status(patients: pd.DataFrame, spec: dict) -> tuple[pd.Series, pd.Series]:
    """Follow-up time and event (1) / censored (0) as the config defines them (design15 item 4)."""
    time = patients[spec["time"]].astype(float)
    if spec.get("event"):
        status = patients[spec["event"]].astype(float)
    else:
        status = time.notna().astype(float)
    censor = spec.get("censor_time")
    if censor:
        fill = time.isna() & patients[censor].notna()
        time, status = time.where(~fill, patients[censor].astype(float)), status.where(~fill, 0.0)
    keep = time.notna() & status.notna()
    return time[keep], status[keep]


def survival_code(
    inp: StudyInput, ours: pd.DataFrame, table: str = "", spec_t: dict | None = None
) -> list[str]:
    """R calls of the top-level analyses, or (``table``: prefix of the cells) of a survival table."""
    code = []
    frame = table_frame(inp, spec_t) if spec_t is not None else inp.patients
    for spec in inp.config.get("survival", []) if spec_t is None else spec_t["analyses"]:
        rows = ours[ours["analysis"] == spec["id"]]
        ci_type, conf = rows["ci_type"].iloc[0], rows["conf_level"].iloc[0]
        time, status = time_and_status(frame, spec)
        horizons = r_numbers(spec.get("horizons", []))
        parts = {"All patients": time.index}
        name = r_literal(table + spec["id"])
        weighted = spec_t is not None and bool(spec_t.get("sample"))  # sample: weights and sets
        if weighted:
            w, sets = frame.loc[time.index, "sample_weight"], frame.loc[time.index, "sample_set"].astype(str)
        if spec.get("group_variable"):
            by = frame.loc[time.index, spec["group_variable"]].map(group_text)
            parts = {label: time.index[by == str(key)] for key, label in spec["groups"].items()}
            codes = r_numbers(by.map({str(k): i for i, k in enumerate(spec["groups"])}))
            code.append(
                f"robust_score_cells({name}, {r_numbers(time)}, {r_numbers(status)}, {codes}, "
                f"{r_numbers(w)}, {r_strings(sets)})"
                if weighted
                else f"logrank_cells({name}, {r_numbers(time)}, {r_numbers(status)}, {codes})"
            )
        for label, index in parts.items():
            if weighted:
                code.append(
                    f"km_cells_weighted({name}, {r_literal(label)}, {r_numbers(time[index])}, "
                    f"{r_numbers(status[index])}, {r_numbers(w[index])}, {r_strings(sets[index])}, "
                    f"{horizons}, {r_literal(ci_type)}, {conf})"
                )
                continue
            code.append(
                f"km_cells({name}, {r_literal(label)}, {r_numbers(time[index])}, "
                f"{r_numbers(status[index])}, {horizons}, {r_literal(ci_type)}, {conf})"
            )
    return code


def compare_survival(
    inp: StudyInput,
    ours: pd.DataFrame,
    r: dict,
    cmp: Comparison,
    prefix: str = "",
    spec_t: dict | None = None,
) -> None:
    for spec in inp.config.get("survival", []) if spec_t is None else spec_t["analyses"]:
        table = prefix + spec["id"]
        rows = ours[ours["analysis"] == spec["id"]]
        parts = {
            key: records(part[part["n_events"] > 0] if key[1] == "km" else part)
            for key, part in rows_by(rows, ["group", "role"]).items()
        }
        for (row, column), values in cells_of(r, table).items():
            if row == "logrank":
                cmp.cell(table, row, column, rows[rows["role"] == "logrank"].iloc[0][column], values[0])
                continue
            label, role, *rest = row.split("@")
            group = parts.get((label, role), [])
            if not group or (rest and int(rest[0]) > len(group)):
                cmp.fail(f"{table} | row {row}: R has it, ours has no such row")
                continue
            got = group[int(rest[0]) - 1] if rest else group[0]
            if column == "ci":
                cmp.cell(table, row, "ci_low", got["ci_low"], values[0])
                cmp.cell(table, row, "ci_high", got["ci_high"], values[1])
            else:
                cmp.cell(table, row, column, got[column], values[0])
        n_km = len(rows[(rows["role"] == "km") & (rows["n_events"] > 0)])
        n_r = len({row for row, col in cells_of(r, table) if "@km@" in row})
        if n_km != n_r:
            cmp.fail(f"{table}: {n_km} Kaplan-Meier event rows in ours, {n_r} in R")


# --- one study run: build every R call, run R once, compare every table ------------------------------
def model_tables(config: dict, kind: str) -> dict[str, dict]:
    """Tables of ``config['tables']`` by kind: 'stratified' (descriptive with by) or 'regression'."""
    found = {}
    for table_id, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, dict):
            continue
        if (kind == "regression" and spec.get("kind") == "regression") or (
            kind == "stratified" and spec.get("kind") == "descriptive" and spec.get("by")
        ):
            found[table_id] = spec
    return found


_WHERE = {
    "==": lambda x, v: x == v,
    "!=": lambda x, v: x != v,
    "<": lambda x, v: x < v,
    "<=": lambda x, v: x <= v,
    ">": lambda x, v: x > v,
    ">=": lambda x, v: x >= v,
    "in": lambda x, v: x.isin(v),
    "notna": lambda x, v: x.notna(),
    "is_true": lambda x, v: x == True,  # noqa: E712 (a boolean column)
}


def table_frame(inp: StudyInput, spec: dict) -> pd.DataFrame:
    """A declared table's patients as R gets them, chosen independently of the library: the
    table's ``where:`` conditions, and each long-format row's value at its time point (row, table,
    ``baseline_time_point``, else a time point named ``baseline``) by :func:`time_point_values`."""
    frame = inp.patients
    points = inp.config.get("time_points") or {}
    default = (
        spec.get("time_point")
        or inp.config.get("baseline_time_point")
        or ("baseline" * ("baseline" in points))
    )
    long_format = set(inp.measurements["variable"].unique())
    names = {r["variable"]: r.get("time_point") for r in spec.get("rows") or [] if "variable" in r}
    names |= {v: None for v in [*(spec.get("predictors") or []), *(spec.get("multivariable") or [])]}
    for variable, row_point in names.items():
        point = row_point or default
        if variable in long_format and point in points:
            values = inp.measurements[inp.measurements["variable"] == variable]
            frame = frame.assign(**{variable: time_point_values(values, points[point]).reindex(frame.index)})
    for condition in spec.get("where") or []:
        column = frame[condition["column"]]
        frame = frame[
            _WHERE[condition["operator"]](column, condition.get("value")).fillna(False).astype(bool)
        ]
    if spec.get("sample"):  # a treatment comparison's matched or weighted sample (issue 27)
        frame = sample_rows(inp.workdir, spec["sample"], frame)
    return frame


def sample_rows(workdir: Path, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The patients of ``frame`` in the sample of treatment comparison ``name`` (its design file,
    read here with pandas, independently of the library: ``in_sample`` true), with their case
    weight (``sample_weight``) and matched set (``sample_set``, empty text without sets)."""
    design = pd.read_csv(workdir / "results" / "stats" / f"treatment_comparison_{name}.csv", dtype=str)
    design = design[design["in_sample"].str.lower().isin(["true", "1"])]
    ids = frame.index.astype(str)
    weight = pd.to_numeric(design.set_index("patient_id")["weight"])
    sets = design.set_index("patient_id")["set_id"].fillna("")
    inside = ids.isin(weight.index)
    return frame[inside].assign(
        sample_weight=weight.reindex(ids[inside]).to_numpy(),
        sample_set=sets.reindex(ids[inside]).to_numpy(),
    )


# --- competing risks ------------------------------------------------------------------------------
def competing_status(frame: pd.DataFrame, spec: dict) -> tuple[pd.Series, pd.Series]:
    """Follow-up time and cause code (0 censored, k the k-th of cause + competing) as the
    analysis declares them; patients without a time or status left out."""
    causes = [spec["cause"], *spec["competing"]]
    code = {group_text(c): float(k) for k, c in enumerate(causes, start=1)}
    code |= {group_text(c): 0.0 for c in spec["censored"]}
    status = frame[spec["status"]].map(lambda v: code.get(group_text(v), float("nan")))
    time = frame[spec["time"]].astype(float)
    keep = time.notna() & status.notna() & (time >= 0)
    return time[keep], status[keep]


def competing_code(inp: StudyInput, table: str, spec_t: dict) -> list[str]:
    """R calls of a competing_risks table: survfit multi-state per group, cuminc by group."""
    frame, code = table_frame(inp, spec_t), []
    for spec in spec_t["analyses"]:
        time, status = competing_status(frame, spec)
        causes = r_strings(group_text(c) for c in [spec["cause"], *spec["competing"]])
        parts = {"All patients": time.index}
        if spec.get("group_variable"):
            by = frame.loc[time.index, spec["group_variable"]].map(group_text)
            groups = spec.get("groups") or {k: k for k in sorted(by.dropna().unique())}
            parts = {label: time.index[by == str(key)] for key, label in groups.items()}
            kept = by.isin([str(k) for k in groups])
            code.append(
                f"gray_cells({r_literal(table)}, {r_literal(spec['id'])}, {r_numbers(time[kept])}, "
                f"{r_numbers(status[kept])}, {r_strings(by[kept])}, {causes})"
            )
        for label, index in parts.items():
            code.append(
                f"cif_cells({r_literal(table)}, {r_literal(spec['id'])}, {r_literal(label)}, "
                f"{r_numbers(time[index])}, {r_numbers(status[index])}, {causes}, "
                f"{r_numbers(spec.get('times', []))}, {spec['conf_level']})"
            )
    return code


def compare_competing(table: str, spec_t: dict, ours: pd.DataFrame, r: dict, cmp: Comparison) -> None:
    """Every cell R gave for a competing_risks table against its statistics file, and as many
    curve rows in ours as in R per analysis, group and cause."""
    cells = cells_of(r, table)
    gray = {
        key: records(part)
        for key, part in rows_by(ours[ours["role"] == "gray"], ["analysis", "cause"]).items()
    }
    curves = {
        key: records(part.sort_values("time", kind="stable") if key[1] == "cif" else part)
        for key, part in rows_by(ours, ["analysis", "role", "group", "cause"]).items()
    }
    for (row, column), values in cells.items():
        parts = row.split("@")
        if parts[-1] == "gray":
            analysis, cause, _ = parts
            mine = gray.get((analysis, cause), [])
        else:
            analysis, group, cause, role, *index = parts
            mine = curves.get((analysis, role, group, cause), [])
            if index:
                mine = mine[int(index[0]) - 1 : int(index[0])]
        if not mine:
            cmp.fail(f"{table} | row {row}: R has it, ours has no such row")
            continue
        got = mine[0]
        if column == "ci":
            cmp.cell(table, row, "ci_low", got["ci_low"], values[0])
            cmp.cell(table, row, "ci_high", got["ci_high"], values[1])
        else:
            cmp.cell(table, row, column, got[column], values[0])
    for spec in spec_t["analyses"]:
        curves = ours[(ours["analysis"] == spec["id"]) & (ours["role"] == "cif")]
        n_r = len({row for row, _ in cells if row.startswith(spec["id"] + "@") and "@cif@" in row})
        if len(curves) != n_r or n_r == 0:
            cmp.fail(f"{table} | analysis {spec['id']}: {len(curves)} curve rows in ours, {n_r} in R")


# --- one study run: every table it declares ---------------------------------------------------------
#: Declared kinds whose tables hold no statistic for R to recompute (a listing prints each patient's
#: own values). Every other declared table is recomputed by R, or the comparison fails naming it.
NO_STATISTICS = ("listing",)
#: Declared kinds whose statistics another R oracle recomputes, by the file that does: a balance
#: table's SMDs and variance ratios need the propensity-score design (MatchIt's summary, cobalt's
#: formulas), recomputed from the raw data there, not from the validated input read here.
CHECKED_ELSEWHERE = {"balance": "tests/r_oracle/test_rotterdam_vs_r.py, test_propensity_vs_r.py"}


def classic_tables(config: dict) -> list[str]:
    """Stems of the classic (not declared by kind) tables the study has: Table 1, the paired
    Table 3, the top-level group comparisons and time-to-event analyses."""
    tables = config.get("tables") or {}
    found = [t for t in ("table1", "table3") if isinstance(tables.get(t), dict) and "kind" not in tables[t]]
    return found + [t for t in ("groups", "survival") if config.get(t)]


def declared(config: dict) -> dict[str, dict]:
    """{id: spec} of the tables declared by kind."""
    return {t: s for t, s in (config.get("tables") or {}).items() if isinstance(s, dict) and "kind" in s}


def paired_rows(ours: pd.DataFrame) -> pd.DataFrame:
    """The paired tests of a paired statistics file (not its extra or repeated-measures rows)."""
    return ours[ours["role"] == "main"].reset_index(drop=True) if "role" in ours else ours


def declared_code(inp: StudyInput, table: str, spec: dict) -> list[str] | None:
    """R calls of one declared table, None when its kind (or form) has no comparator here."""
    kind, ours = spec["kind"], inp.stats(table)
    if kind in ("descriptive", "comparison") and spec.get("sample"):  # weighted, design-based
        code = sample_descriptive_code if kind == "descriptive" else sample_comparison_code
        return [source_line(), *code(table, table_frame(inp, spec), spec, ours)]
    if kind == "descriptive":
        return stratified_code(table, table_frame(inp, spec), spec, ours)
    if kind == "regression":
        return regression_code(table, table_frame(inp, spec), spec)
    if kind == "survival":
        return survival_code(inp, ours, f"{table}/", spec)
    if kind == "comparison":
        return groups_code(inp, ours, table, spec)
    if kind == "paired":
        return table3_code(inp, paired_rows(ours), table, spec)
    if kind == "competing_risks":
        return competing_code(inp, table, spec)
    return None


def oracle_code(inp: StudyInput, only: Collection[str] | None = None) -> list[str]:
    """Every R call of the study: its classic tables, then each table it declares by kind; only
    the tables (ids of ``tables:``) in ``only`` when it is given."""
    code = []
    classic = [t for t in classic_tables(inp.config) if only is None or t in only]
    if "table1" in classic:
        code += table1_code(inp, inp.stats("table1"))
    if "table3" in classic:
        code += table3_code(inp, inp.stats("table3_paired"))
    if "groups" in classic:
        code += groups_code(inp, inp.stats("groups"))
    if "survival" in classic:
        code += survival_code(inp, inp.stats("survival"))
    for table, spec in declared(inp.config).items():
        if only is None or table in only:
            code += declared_code(inp, table, spec) or []
    return code


def compare_study(inp: StudyInput, r: dict) -> Comparison:
    """Every table of the study against R; a declared table no comparator covers is a failure
    naming it (never skipped silently), unless its kind computes no statistic (NO_STATISTICS)."""
    cmp = Comparison()
    classic = classic_tables(inp.config)
    if "table1" in classic:
        ours = inp.stats("table1")
        compare_rows("table1", ours[ours["stat"] != "section"], "variable", r, cmp)
    if "table3" in classic:
        compare_table3(inp.stats("table3_paired"), r, cmp, inp.config["statistics"]["wilcoxon"]["preset"])
    if "groups" in classic:
        compare_groups(inp.stats("groups"), r, cmp)
    if "survival" in classic:
        compare_survival(inp, inp.stats("survival"), r, cmp)
    for table, spec in declared(inp.config).items():
        kind, ours = spec["kind"], inp.stats(table)
        if kind in NO_STATISTICS or kind in CHECKED_ELSEWHERE:
            continue
        if ours is None:
            cmp.fail(f"{table}: declared (kind {kind}) but results/stats/{table}.csv is missing")
        elif kind == "descriptive":
            compare_stratified(table, ours, r, cmp)
        elif kind == "regression":
            compare_regression(table, comparable_regression_rows(ours, spec), r, cmp, REL_MODEL)
        elif kind == "survival":
            compare_survival(inp, ours, r, cmp, f"{table}/", spec)
        elif kind == "comparison":
            compare_groups(ours, r, cmp, table)
        elif kind == "paired":
            compare_table3(paired_rows(ours), r, cmp, inp.config["statistics"]["wilcoxon"]["preset"], table)
        elif kind == "competing_risks":
            compare_competing(table, spec, ours, r, cmp)
        else:
            cmp.fail(f"{table}: a declared table of kind {kind} that no R comparator covers")
    return cmp
