"""Property (issue 21, deliverable 5): a table declared by kind is either refused at load, every
problem with its key path, or built completely by the functions the ``cohort_table`` rule calls
(workflow/scripts/cohort_table.py): never a config that loads and then fails in the rule.

Tables are generated over the flagship (config/config.yaml, data/raw/baverez2022) and studies/pbc:
descriptive (rows, by, group labels, statistics, decimals, missing, levels), regression (logistic
and Cox: outcome, event level, time, event, predictors, reference levels, labels) and listings,
with values drawn from the variables' canonical values, their raw ``map:`` codes and junk. The
canonical tables are built once per module, in-process, by the rules' library functions.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.analysis.frames import cohort_frame
from retrocohort.cohort.derive import derive_variables
from retrocohort.config.check import SCHEMA_PATH, config_problems, read_yaml
from retrocohort.config.study import fill_defaults, load_study
from retrocohort.config.values import raw_codes, value_domain
from retrocohort.errors import InputError
from retrocohort.ingest.sources import ingest_site, merge_sites
from retrocohort.io.csv_safe import safe_text_frame
from retrocohort.io.tabular import write_parquet
from retrocohort.render.markdown import to_markdown
from retrocohort.stats.result import json_safe
from retrocohort.tables.declared_tables import build_declared_table

ROOT = Path(__file__).resolve().parents[2]
STUDIES = {"flagship": ROOT, "pbc": ROOT / "studies" / "pbc"}
TABLE_ID = "generated"


class StudyData:
    """One study: its raw config (as written), the analysis frame and the value vocabulary."""

    def __init__(self, study_dir: Path, tmp: Path) -> None:
        self.dir = study_dir
        self.file = str(study_dir / "config" / "config.yaml")
        study = load_study(self.file, base_dir=study_dir)
        self.raw = read_yaml(self.file)
        config = dict(study.data)
        merged = merge_sites([ingest_site(s, config["sites"][s], config, study_dir) for s in study.sites])
        patients = derive_variables(merged.patients, merged.treatments, config["derived"])
        files = {
            "patients": patients,
            "measurements": merged.measurements,
            "sources": merged.sources.reset_index(drop=True),
            "cohort": patients[["patient_id"]],
        }
        inputs = {}
        for name, table in files.items():
            inputs[name] = str(tmp / f"{name}.parquet")
            write_parquet(table, inputs[name])
        self.frame, _ = cohort_frame(inputs, config)
        self.names = sorted(set(config["variables"]) | set(config["derived"]) | {"patient_id", "site"})
        self.canonical = {name: list(value_domain(self.raw, name) or ()) for name in self.names}
        self.values = {
            name: sorted(set(self.canonical[name]) | set(raw_codes(self.raw, name))) for name in self.names
        }
        kinds = {n: v.get("kind") for n, v in config["variables"].items()}
        derived_kind = {
            n: (
                "numeric"
                if {"count_of", "points", "treatment_line_of"} & set(d)
                else "category"
                if "first_of" in d
                else "yes_no"
            )
            for n, d in config["derived"].items()
        }
        self.pools = {
            "yes_no": sorted(
                n for n in self.names if kinds.get(n) == "binary" or derived_kind.get(n) == "yes_no"
            ),
            "numeric": sorted(
                n
                for n in self.names
                if kinds.get(n) in ("continuous", "count") or derived_kind.get(n) == "numeric"
            ),
            "category": sorted(
                n for n in self.names if kinds.get(n) == "categorical" or derived_kind.get(n) == "category"
            ),
        }
        self.pools["groups"] = self.pools["yes_no"] + self.pools["category"] + ["site"]
        self.pools["any"] = self.pools["groups"] + self.pools["numeric"]


@pytest.fixture(scope="module")
def studies(tmp_path_factory) -> dict[str, StudyData]:
    return {key: StudyData(path, tmp_path_factory.mktemp(key)) for key, path in STUDIES.items()}


@pytest.fixture(scope="module")
def schema() -> dict:
    """The config schema, parsed once per module (0.1 s a parse: half of this file's time when
    every generated example parsed it again). Read only: the checks and the default filling copy
    what they change, and the test asserts the schema is unchanged after its examples."""
    schema = read_yaml(SCHEMA_PATH)
    yield schema
    assert schema == read_yaml(SCHEMA_PATH), "an example changed the shared parsed schema"


def _value(data: st.DataObject, study: StudyData, name: str):
    """A value for ``name``: mostly one of its canonical values, else a raw code or junk."""
    canonical = study.canonical.get(name) or []
    if canonical and data.draw(st.integers(0, 9)) < 8:
        return data.draw(st.sampled_from(canonical))
    return data.draw(st.sampled_from([*study.values.get(name, []), "junk", "1", True]))


def _name(data: st.DataObject, study: StudyData, role: str) -> str:
    """Mostly a variable fit for ``role`` (a pool of :attr:`StudyData.pools`), sometimes any name."""
    pool = study.pools[role] if data.draw(st.integers(0, 9)) < 8 else study.names
    return data.draw(st.sampled_from(pool))


def _names(data: st.DataObject, study: StudyData, lo: int, hi: int, role: str = "any") -> list[str]:
    return list(dict.fromkeys(_name(data, study, role) for _ in range(data.draw(st.integers(lo, hi)))))


def _rarely(data: st.DataObject) -> bool:
    return data.draw(st.integers(0, 5)) == 0


def _maybe(data: st.DataObject, key: str, value_strategy, out: dict) -> None:
    if data.draw(st.booleans()):
        out[key] = data.draw(value_strategy)


def _descriptive(data: st.DataObject, study: StudyData) -> dict:
    spec: dict = {"kind": "descriptive", "title": "Generated {n}", "rows": []}
    for name in _names(data, study, 1, 4):
        row: dict = {"variable": name}
        if _rarely(data):
            row["kind"] = data.draw(st.sampled_from(["binary", "categorical", "continuous"]))
        _maybe(
            data,
            "stat",
            st.sampled_from(["median_iqr", "mean_sd", "min_max", "median", "median_iqr_range"]),
            row,
        )
        _maybe(data, "decimals", st.integers(0, 3), row)
        _maybe(data, "missing", st.sampled_from(["ifany", "always", "no"]), row)
        if _rarely(data):
            row["levels"] = [_value(data, study, name) for _ in range(data.draw(st.integers(1, 3)))]
        if _rarely(data):
            row["level_labels"] = {str(_value(data, study, name)): "L"}
        spec["rows"].append(row)
    if data.draw(st.booleans()):
        spec["by"] = _name(data, study, "groups")
        if data.draw(st.booleans()):
            keys = {str(_value(data, study, spec["by"])) for _ in range(data.draw(st.integers(2, 3)))}
            spec["group_labels"] = {k: f"G {k}" for k in keys}
    for key in ("overall", "p_value", "smd"):
        _maybe(data, key, st.booleans(), spec)
    _maybe(data, "missing", st.sampled_from(["ifany", "always", "no"]), spec)
    _maybe(data, "decimals", st.integers(0, 3), spec)
    _maybe(data, "pct_decimals", st.integers(0, 2), spec)
    return spec


def _regression(data: st.DataObject, study: StudyData) -> dict:
    model = data.draw(st.sampled_from(["logistic", "cox"]))
    spec: dict = {"kind": "regression", "model": model, "predictors": _names(data, study, 1, 3)}
    if model == "logistic":
        spec["outcome"] = _name(data, study, "yes_no" if data.draw(st.booleans()) else "category")
        if study.canonical.get(spec["outcome"]) and not _rarely(data) or _rarely(data):
            spec["event_level"] = _value(data, study, spec["outcome"])
    else:
        spec["time"] = _name(data, study, "numeric")
        spec["event"] = _name(data, study, "yes_no")
    if data.draw(st.booleans()):
        spec["multivariable"] = _names(data, study, 1, 3)
    for name in spec["predictors"]:
        if name in study.pools["category"] and not _rarely(data) or _rarely(data):
            spec.setdefault("reference_levels", {})[name] = _value(data, study, name)
    if data.draw(st.booleans()):
        spec["labels"] = {spec["predictors"][0]: "Label"}
    if data.draw(st.booleans()):
        name = spec["predictors"][0]
        spec["level_labels"] = {name: {str(_value(data, study, name)): "Level"}}
    _maybe(data, "decimals", st.integers(0, 3), spec)
    return spec


def _listing(data: st.DataObject, study: StudyData) -> dict:
    columns = []
    for name in _names(data, study, 1, 3) + (["patient_id"] if data.draw(st.booleans()) else []):
        col: dict = {"variable": name, "header": name.title()}
        if name in study.pools["numeric"] and data.draw(st.booleans()) or _rarely(data):
            col["decimals"] = data.draw(st.integers(0, 2))
        if data.draw(st.booleans()):
            col["map"] = {str(_value(data, study, name)): "mapped"}
        columns.append(col)
    spec = {"kind": "listing", "title": "Listing", "columns": columns}
    _maybe(data, "max_rows", st.integers(1, 5), spec)
    return spec


KINDS = {"descriptive": _descriptive, "regression": _regression, "listing": _listing}


def build_like_the_rule(study: StudyData, config: dict, table_id: str) -> str:
    """What workflow/scripts/cohort_table.py does, in memory: statistics, their CSV/JSON records,
    the formatted table (Markdown)."""
    spec = config["tables"][table_id]
    stats = declared_table_statistics(study.frame, table_id, spec, config["variables"], config["statistics"])
    (safe_text_frame(stats) if spec["kind"] == "listing" else stats).to_csv()
    json_safe(stats.to_dict("records"))
    table = build_declared_table(stats, table_id, config, n_patients=len(study.frame))
    return to_markdown(table)


@settings(
    derandomize=True,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_declared_tables_are_refused_at_load_or_built(studies, schema, data):
    study = studies[data.draw(st.sampled_from(sorted(studies)))]
    spec = KINDS[data.draw(st.sampled_from(sorted(KINDS)))](data, study)
    config = copy.deepcopy(study.raw)
    config["tables"][TABLE_ID] = spec
    problems = config_problems(config, schema, study.file, study.dir)
    event(f"{spec['kind']}: {'refused at load' if problems else 'loaded'}")
    if problems:  # refused at load: every problem names its key
        assert all(p.column for p in problems), [p.render() for p in problems]
        return
    filled = fill_defaults(config, schema)
    try:
        text = build_like_the_rule(study, filled, TABLE_ID)
    except InputError as exc:
        # The data make the declared analysis impossible (e.g. every complete case has the same
        # outcome): a refusal that names the data column, never one caused by a value the config
        # wrote (that must be refused at load).
        written = _written(spec)
        assert all(p.column for p in exc.problems), exc
        assert not any(str(p.value) in written for p in exc.problems), (
            f"config value refused late: {exc}\n{spec}"
        )
        event("loaded, impossible for these data (located InputError)")
        return
    assert text.strip()


def _written(node) -> set[str]:
    """Every scalar written in a spec (keys and values), as text."""
    if isinstance(node, dict):
        return {str(k) for k in node} | {t for v in node.values() for t in _written(v)}
    if isinstance(node, list):
        return {t for v in node for t in _written(v)}
    return {str(node)}
