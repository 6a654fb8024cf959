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
