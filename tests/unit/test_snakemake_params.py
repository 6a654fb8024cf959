"""Snakemake's builtin param serialiser gives the same records as its pandas-aware one for the
plain values retrocohort passes as params (so selecting it changes no rerun decision)."""

import importlib
from types import SimpleNamespace

from retrocohort.config.slices import config_slice


def test_builtin_and_pandas_serialisers_agree_on_our_params():
    persistence = importlib.import_module("snakemake.persistence")
    cls = persistence.PersistenceBase
    pandas_aware = cls.__dict__["_serialize_param_pandas"]
    builtin = cls.__dict__["_serialize_param_builtin"]
    values = [
        config_slice(
            {"statistics": {"quantile_type": 7, "p": 0.05}, "v": [{"a": None}]}, ["statistics", "v"]
        ),
        [{"variable": "age", "stat": "auto"}, {"section": True}],
        "Reviewer's walkthrough",
        600,
        {"data/raw/a.csv": "0" * 64},
    ]
    holder = SimpleNamespace(_serialize_param_builtin=lambda v: builtin(None, v))
    assert [pandas_aware(holder, v) for v in values] == [builtin(None, v) for v in values]


def test_the_switch_applies_to_this_snakemake():
    from retrocohort.pipeline.snakemake_params import use_builtin_param_serialisation

    persistence = importlib.import_module("snakemake.persistence")
    saved = persistence.PersistenceBase.__dict__["_serialize_param_pandas"]
    try:
        assert use_builtin_param_serialisation() is True
        assert (
            persistence.PersistenceBase._serialize_param_pandas
            is persistence.PersistenceBase._serialize_param_builtin
        )
    finally:
        persistence.PersistenceBase._serialize_param_pandas = saved


def _table1_slice(label: str, rows: int = 40) -> dict:
    config = {
        "tables": {
            "table1": {
                "title": "Table 1",
                "rows": [{"variable": f"v{i}", "label": f"Variable {i}"} for i in range(rows)],
            }
        },
        "statistics": {"quantile_type": 7},
    }
    config["tables"]["table1"]["rows"][3]["label"] = label
    return config_slice(config, ["tables/table1", "statistics"])


def test_a_params_change_reason_names_the_changed_key_not_the_config():
    """A Table 1 label edit: Snakemake's reason names tables/table1/rows/3/label, old -> new, in
    one short line, instead of the repr of the whole slice before and now (issue 21, item 7)."""
    from snakemake.persistence import ParamsChange

    from retrocohort.pipeline.snakemake_params import use_compact_params_change_reason

    before, after = _table1_slice("Age (years)"), _table1_slice("Age at diagnosis (years)")
    change = ParamsChange(only_old={repr(before)}, only_new={repr(after)}, files={"results/t.md"})
    saved = ParamsChange.__dict__["__str__"]
    try:
        assert use_compact_params_change_reason() is True
        text = str(change)
    finally:
        ParamsChange.__str__ = saved
    assert text == "tables/table1/rows/3/label: 'Age (years)' -> 'Age at diagnosis (years)'"
    assert not ParamsChange(), "an empty change stays falsy"


def test_params_change_lines_cover_lists_new_keys_other_params_and_a_limit():
    from retrocohort.pipeline.snakemake_params import MAX_CHANGES, params_change_lines

    base = config_slice({"statistics": {"quantile_type": 7}, "v": [1, 2, 3]}, ["statistics", "v"])
    edited = config_slice(
        {"statistics": {"quantile_type": 6, "alpha": 0.05}, "v": [1, 3]}, ["statistics", "v"]
    )
    assert params_change_lines([repr(base)], [repr(edited)]) == [
        "statistics/alpha: (absent) -> 0.05",
        "statistics/quantile_type: 7 -> 6",
        "v: 3 -> 2 items, removed 2",
    ]
    hashes = {"data/raw/a.csv": "0" * 64}
    (line,) = params_change_lines([repr(hashes)], [repr({"data/raw/a.csv": "1" * 64})])
    assert line.startswith("data/raw/a.csv: '000") and "…" in line and len(line) < 120
    many = params_change_lines(
        [repr({f"k{i}": i for i in range(20)})], [repr({f"k{i}": -i for i in range(1, 21)})]
    )
    assert len(many) == MAX_CHANGES + 1 and many[-1].startswith("and ")
    declared = config_slice({"a": 1, "b": 2}, ["a", "b"])
    assert params_change_lines([repr(base)], [repr(declared)])[0] == "declared keys: statistics, v -> a, b"
