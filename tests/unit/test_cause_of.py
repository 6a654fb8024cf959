"""``cause_of``: which event of an ``earliest_of`` composite time came first, as a category (the
cause-coded status of a competing-risks analysis): ties, censoring, missing values, studies/mgus2's
former three-variable construction, and each mistake refused at load naming its key."""

import pandas as pd
import pytest
import yaml

from retrocohort.cohort.composite import cause_of, earliest_of
from retrocohort.cohort.derive import derive_variables
from retrocohort.config.check import load_config
from retrocohort.config.values import value_domain
from retrocohort.errors import ConfigError

CAUSES = ["recurrence", "death"]


def _cause(rec_t, rec_e, death_t, death_e):
    times = pd.DataFrame({0: pd.array(rec_t, dtype="Float64"), 1: pd.array(death_t, dtype="Float64")})
    events = pd.DataFrame({0: pd.array(rec_e, dtype="boolean"), 1: pd.array(death_e, dtype="boolean")})
    return cause_of(times, events, CAUSES, "censored"), earliest_of(times, events)


@pytest.mark.parametrize(
    "rec, death, expected",
    [
        ((10, True), (30, True), "recurrence"),  # recurrence, then death
        ((10, False), (30, True), "death"),  # recurrence censored at 10, died at 30
        ((40, True), (30, True), "death"),  # died before the recurrence date
        ((20, False), (30, False), "censored"),  # no event
        ((20, True), (20, True), "recurrence"),  # tie: the component listed first
        ((20, False), (20, True), "death"),  # an event tied with a censoring: the event
        ((None, True), (30, True), None),  # an event without its time: undetermined
        ((10, None), (30, True), None),  # unknown status before the death: undetermined
        ((20, None), (20, True), None),  # unknown status, listed first, tied with the death
        ((30, True), (30, None), "recurrence"),  # unknown status listed after a tied event
        ((50, None), (30, True), "death"),  # unknown status after the death: death decides
        ((20, False), (None, False), None),  # a censoring time unknown: undetermined
    ],
)
def test_the_first_event_names_its_cause(rec, death, expected):
    got, (time, event) = _cause([rec[0]], [rec[1]], [death[0]], [death[1]])
    assert (None if pd.isna(got[0]) else got[0]) == expected
    # agrees with the composite pair: missing when its time is, censored exactly when no event
    if pd.isna(time[0]):
        assert pd.isna(got[0])
    if expected is not None:
        assert (expected == "censored") == (not event[0])


def test_ties_follow_the_order_of_the_components_not_of_the_levels():
    times = pd.DataFrame({0: [5.0, 5.0], 1: [5.0, 7.0]})
    events = pd.DataFrame({0: [True, False], 1: [True, True]})
    assert cause_of(times, events, ["a", "b"], "none").tolist() == ["a", "b"]
    swapped = cause_of(
        times[[1, 0]].set_axis([0, 1], axis=1), events[[1, 0]].set_axis([0, 1], axis=1), ["b", "a"], "none"
    )
    assert swapped.tolist() == ["b", "b"]


def test_mgus2_status_equals_the_former_first_of_construction(root):
    """The shipped study's former status (first_of: pstat, death, then neither) on its data."""
    d = pd.read_csv(root / "studies/mgus2/data/raw/mgus2.csv")
    frame = pd.DataFrame(
        {
            "patient_id": d["id"].astype(str),
            "ptime": d["ptime"].astype("Float64"),
            "pstat": d["pstat"].astype("boolean"),
            "futime": d["futime"].astype("Float64"),
            "death": d["death"].astype("boolean"),
        }
    )
    cfg = yaml.safe_load((root / "studies/mgus2/config/config.yaml").read_text())
    derived = {k: cfg["derived"][k] for k in ("pcm_etime", "pcm_status")}
    out = derive_variables(frame, pd.DataFrame({"patient_id": [], "line": [], "agent": []}), derived)
    former = d["pstat"].map({1: "progression"}).fillna(d["death"].map({1: "death", 0: "censored"}))
    assert out["pcm_status"].tolist() == former.tolist()
    assert out["pcm_etime"].tolist() == d["ptime"].astype(float).tolist()  # ptime = futime unless progression


def _config(root, monkeypatch, edit):
    study = root / "studies/mgus2"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    edit(cfg)
    return cfg, study


def _cause_of(c):
    return c["derived"]["pcm_status"]["cause_of"]


def test_the_status_levels_are_known_at_load(root, tmp_path, monkeypatch):
    cfg, study = _config(root, monkeypatch, lambda c: None)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    loaded = load_config(good, base_dir=study)
    assert value_domain(loaded, "pcm_status") == ("progression", "death", "censored")


@pytest.mark.parametrize(
    "edit, key, fragment",
    [
        (lambda c: _cause_of(c).update(time="nope"), "derived/pcm_status/cause_of/time", "unknown variable"),
        (
            lambda c: _cause_of(c).update(time="ptime"),
            "derived/pcm_status/cause_of/time",
            "not a composite time",
        ),
        (
            lambda c: _cause_of(c).update(time="anaemia"),
            "derived/pcm_status/cause_of/time",
            "not a composite time",
        ),
        (
            lambda c: _cause_of(c)["causes"].pop("death"),
            "derived/pcm_status/cause_of/causes",
            "'death' of 'pcm_etime' has no level",
        ),
        (
            lambda c: _cause_of(c)["causes"].update(death="pstat"),
            "derived/pcm_status/cause_of/causes/death",
            "already has the level",
        ),
        (
            lambda c: _cause_of(c)["causes"].update(relapse="anaemia"),
            "derived/pcm_status/cause_of/causes/relapse",
            "not the event of a component",
        ),
        (
            lambda c: _cause_of(c)["causes"].update(other="nope"),
            "derived/pcm_status/cause_of/causes/other",
            "unknown variable",
        ),
        (
            lambda c: _cause_of(c).update(censored="death"),
            "derived/pcm_status/cause_of/censored",
            "also the level of a cause",
        ),
        (lambda c: _cause_of(c).pop("censored"), "derived/pcm_status/cause_of", "'censored' is a required"),
        (lambda c: _cause_of(c).update(censored=""), "derived/pcm_status/cause_of/censored", "non-empty"),
        (
            lambda c: c["derived"]["pcm_etime"]["earliest_of"][1].update(event="pstat"),
            "derived/pcm_status/cause_of/time",
            "share an event variable",
        ),
        (
            lambda c: c["tables"]["competing_pcm"]["analyses"][0].update(cause="relapse"),
            "tables/competing_pcm/analyses/0/cause",
            "not a level of the status variable",
        ),
    ],
)
def test_each_cause_of_mistake_is_refused_naming_its_key(root, tmp_path, monkeypatch, edit, key, fragment):
    cfg, study = _config(root, monkeypatch, edit)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    lines = [line for line in str(err.value).splitlines() if f"'{key}'" in line or f"{key}:" in line]
    assert any(fragment in line for line in lines), str(err.value)


def test_a_cause_of_variable_is_summarised_as_a_category_not_a_count():
    """A ``cause_of`` row of a descriptive table is n (%) per cause, like ``first_of``."""
    from retrocohort.analysis.descriptive import variable_kind

    derived = {"status": {"cause_of": {"time": "t", "causes": {"progression": "p"}, "censored": "censored"}}}
    assert variable_kind("status", {}, derived) == "categorical"
