"""Composite endpoints (``earliest_of`` time + ``event_of`` event): the first of several events,
missing values only where the result is undetermined, R's mgus2 progression-free survival, and
each key's mistakes refused at load."""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from retrocohort.cohort.composite import earliest_of, event_before
from retrocohort.cohort.derive import derive_variables
from retrocohort.config.check import load_config
from retrocohort.errors import ConfigError


def _values(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def _pair(rec_t, rec_e, death_t, death_e):
    times = pd.DataFrame(
        {"rec_t": pd.array(rec_t, dtype="Float64"), "death_t": pd.array(death_t, dtype="Float64")}
    )
    events = pd.DataFrame(
        {"rec_e": pd.array(rec_e, dtype="boolean"), "death_e": pd.array(death_e, dtype="boolean")}
    )
    return earliest_of(times, events)


@pytest.mark.parametrize(
    "rec, death, expected",
    [
        ((10, True), (30, True), (10, True)),  # recurrence, then death: the recurrence
        ((10, False), (30, True), (30, True)),  # recurrence censored at 10, death at 30: death counts
        ((20, False), (30, False), (20, False)),  # no event: censored at the earliest censoring
        ((20, True), (20, False), (20, True)),  # tie of an event and a censoring: event
        ((None, True), (30, True), (None, None)),  # an event without its time: undetermined
        ((None, False), (30, True), (30, True)),  # a censoring time unknown: the death decides
        ((None, False), (30, False), (None, None)),  # no event, a censoring time unknown
        ((10, None), (30, True), (None, None)),  # unknown status before the death: undetermined
        ((40, None), (30, True), (30, True)),  # unknown status after the death: determined
        ((None, None), (30, True), (None, None)),
        ((10, None), (30, False), (None, None)),  # no event seen, one status unknown
    ],
)
def test_first_event_and_missing_values(rec, death, expected):
    time, event = _pair([rec[0]], [rec[1]], [death[0]], [death[1]])
    assert (_values(time)[0], _values(event)[0]) == expected


def test_mgus2_progression_free_survival_matches_the_survival_vignette(root):
    """R survival vignette (compete.Rnw): ``etime <- ifelse(pstat == 0, futime, ptime)``,
    event = progression or death."""
    d = pd.read_csv(root / "studies/mgus2/data/raw/mgus2.csv")
    time, event = earliest_of(d[["ptime", "futime"]], d[["pstat", "death"]].astype(bool))
    r_time = np.where(d["pstat"] == 0, d["futime"], d["ptime"])
    r_event = (d["pstat"] == 1) | (d["death"] == 1)
    assert time.to_numpy(dtype=float).tolist() == r_time.astype(float).tolist()
    assert event.to_numpy(dtype=bool).tolist() == r_event.tolist()
    assert event.sum() == 1384 - int(((d["pstat"] == 0) & (d["death"] == 0)).sum())


def test_time_and_event_through_derive_variables():
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(["1", "2"], dtype="string"),
            "rec_t": pd.array([10.0, 20.0], dtype="Float64"),
            "rec_e": pd.array([False, False], dtype="boolean"),
            "death_t": pd.array([30.0, 25.0], dtype="Float64"),
            "death_e": pd.array([True, False], dtype="boolean"),
        }
    )
    empty = pd.DataFrame({"patient_id": [], "line": [], "agent": []})
    components = [{"time": "rec_t", "event": "rec_e"}, {"time": "death_t", "event": "death_e"}]
    out = derive_variables(
        patients, empty, {"rfs": {"earliest_of": components}, "rfs_event": {"event_of": "rfs"}}
    )
    assert _values(out["rfs"]) == [30.0, 20.0]
    assert _values(out["rfs_event"]) == [True, False]


PFS = {
    "pfs": {
        "label": "Progression-free survival",
        "earliest_of": [{"time": "ptime", "event": "pstat"}, {"time": "futime", "event": "death"}],
    },
    "pfs_event": {"label": "Progression or death", "event_of": "pfs"},
}


def _config(root, monkeypatch, edit):
    study = root / "studies/mgus2"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    cfg["derived"].update(copy.deepcopy(PFS))
    cfg["tables"]["pfs_table"] = {
        "kind": "survival",
        "analyses": [{"id": "pfs_overall", "time": "pfs", "event": "pfs_event"}],
    }
    edit(cfg)
    return cfg, study


def test_a_composite_endpoint_loads_as_a_survival_analysis(root, tmp_path, monkeypatch):
    cfg, study = _config(root, monkeypatch, lambda c: None)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    assert load_config(good, base_dir=study)["derived"]["pfs_event"] == {
        "label": "Progression or death",
        "event_of": "pfs",
    }


def _analysis(c):
    return c["tables"]["pfs_table"]["analyses"][0]


@pytest.mark.parametrize(
    "edit, key, fragment",
    [
        (
            lambda c: c["derived"]["pfs"]["earliest_of"][0].update(time="sex"),
            "derived/pfs/earliest_of/0/time",
            "not a number",
        ),
        (
            lambda c: c["derived"]["pfs"]["earliest_of"][1].update(event="age"),
            "derived/pfs/earliest_of/1/event",
            "not a yes/no",
        ),
        (
            lambda c: c["derived"]["pfs"]["earliest_of"][1].update(event="nope"),
            "derived/pfs/earliest_of/1/event",
            "unknown variable",
        ),
        (
            lambda c: c["derived"]["pfs"]["earliest_of"][0].pop("event"),
            "derived/pfs/earliest_of/0",
            "'event' is a required",
        ),
        (lambda c: c["derived"]["pfs"]["earliest_of"].pop(), "derived/pfs/earliest_of", "too short"),
        (
            lambda c: c["derived"]["pfs_event"].update(event_of="anaemia"),
            "derived/pfs_event/event_of",
            "not a composite time",
        ),
        (
            lambda c: c["derived"]["pfs_event"].update(event_of="futime"),
            "derived/pfs_event/event_of",
            "not a composite time",
        ),
        (
            lambda c: c["derived"]["pfs_event"].update(event_of="nope"),
            "derived/pfs_event/event_of",
            "unknown variable",
        ),
        (
            lambda c: _analysis(c).update(event="death"),
            "tables/pfs_table/analyses/0/event",
            "`event: pfs_event`",
        ),
        (lambda c: _analysis(c).update(time="futime"), "tables/pfs_table/analyses/0/time", "`time: pfs`"),
        (
            lambda c: c["tables"]["cox_death"].update(time="pfs"),
            "tables/cox_death/event",
            "composite time",
        ),
    ],
)
def test_each_composite_mistake_is_refused_naming_its_key(root, tmp_path, monkeypatch, edit, key, fragment):
    cfg, study = _config(root, monkeypatch, edit)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    lines = [line for line in str(err.value).splitlines() if f"'{key}'" in line or f"{key}:" in line]
    assert any(fragment in line for line in lines), str(err.value)


def test_event_before_is_missing_only_when_the_status_at_the_limit_is_unknown():
    time = pd.Series(pd.array([30.0, 30.0, 60.0, 80.0, 80.0, None, 30.0, 90.0], dtype="Float64"))
    event = pd.Series(pd.array([True, False, True, False, True, True, None, None], dtype="boolean"))
    # died at 30; censored at 30 (unknown at 60); died at 60 (not before); followed past 60
    # (twice); no time; status unknown before 60; status unknown but followed past 60
    expected = [True, None, False, False, False, None, None, False]
    assert _values(event_before(time, event, 60)) == expected


def test_mgus2_death_within_5_years_equals_the_four_variable_construction(root):
    """The shipped study's former construction: death & futime < 60, analysed where not
    (alive & futime < 60)."""
    d = pd.read_csv(root / "studies/mgus2/data/raw/mgus2.csv")
    got = event_before(d["futime"], d["death"].astype(bool), 60)
    before = (d["death"] == 1) & (d["futime"] < 60)
    known = ~((d["death"] == 0) & (d["futime"] < 60))
    assert got.notna().tolist() == known.tolist()
    assert got[known].astype(bool).tolist() == before[known].tolist()


@pytest.mark.parametrize(
    "edit, key, fragment",
    [
        ({"time": "sex"}, "derived/death_5y/event_before/time", "not a number"),
        ({"event": "hgb"}, "derived/death_5y/event_before/event", "not a yes/no"),
        ({"event": "nope"}, "derived/death_5y/event_before/event", "unknown variable"),
        ({"limit": "5 years"}, "derived/death_5y/event_before/limit", "not of type"),
    ],
)
def test_each_event_before_mistake_is_refused_naming_its_key(
    root, tmp_path, monkeypatch, edit, key, fragment
):
    cfg, study = _config(root, monkeypatch, lambda c: c["derived"]["death_5y"]["event_before"].update(edit))
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    lines = [line for line in str(err.value).splitlines() if f"'{key}'" in line or f"{key}:" in line]
    assert any(fragment in line for line in lines), str(err.value)
