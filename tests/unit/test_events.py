"""Long event files (``table: events``) and the endpoints declared from them (issue 23, item 1).

Ingestion: several rows per patient are the layout (no "duplicate patient id"), every bad cell
is a located problem. Endpoints: time to the first event of a set of types (censored at the
status rows or at a declared end of follow-up), event counts, the first event's day, composed
with ``earliest_of``; checked against R's ``survival::colon`` construction. Config mistakes are
refused at load naming the key.
"""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml
from loaded_sections import filled

from retrocohort.cohort.derive import derive_variables
from retrocohort.cohort.event_endpoints import event_count, first_event_day, time_to_event
from retrocohort.config.check import load_config
from retrocohort.errors import ConfigError, InputError
from retrocohort.ingest.sources import ingest_site

VARIABLES = {
    "arm": {"kind": "categorical", "table": "patients", "categories": ["a", "b"]},
    "futime": {"kind": "continuous", "table": "patients", "unit": "days", "range": [0, 5000]},
}
PATIENTS = "id,arm,futime\n1,a,100\n2,b,200\n3,a,300\n"
EVENTS_SOURCE = {
    "path": "e.csv",
    "table": "events",
    "id_column": "id",
    "day_column": "day",
    "event_column": "type",
    "event_types": {"1": "recurrence", "2": "death"},
}
STATUS_EVENTS = "id,day,type,status\n1,50,1,1\n1,90,2,1\n2,200,1,0\n2,200,2,0\n3,120,1,1\n3,300,2,0\n"


def _ingest_loaded(config, tmp_path):
    """Ingest site ``s`` of a hand-written config loaded as the pipeline loads it (defaults filled)."""
    loaded = filled(config)
    return ingest_site("s", loaded["sites"]["s"], loaded, tmp_path)


def _ingest(tmp_path, events, source=None, patients=PATIENTS):
    (tmp_path / "p.csv").write_text(patients, encoding="utf-8")
    (tmp_path / "e.csv").write_text(events, encoding="utf-8")
    pat = {
        "path": "p.csv",
        "table": "patients",
        "id_column": "id",
        "columns": {"arm": {"column": "arm"}, "futime": {"column": "futime"}},
    }
    config = {
        "variables": VARIABLES,
        "missing_values": ["", "NA"],
        "sites": {"s": {"sources": [pat, {**EVENTS_SOURCE, **(source or {})}]}},
    }
    return _ingest_loaded(config, tmp_path)


def _values(series):
    return [None if pd.isna(v) else v for v in series]


def _problems(tmp_path, events, source=None, patients=PATIENTS) -> str:
    with pytest.raises(InputError) as err:
        _ingest(tmp_path, events, source, patients)
    return str(err.value)


# --- ingestion ------------------------------------------------------------------------------


def test_several_rows_per_patient_become_the_canonical_events_table(tmp_path):
    tables = _ingest(tmp_path, STATUS_EVENTS, {"status_column": "status"})
    ev = tables.events
    assert list(ev.columns) == ["patient_id", "site", "day", "event", "status", "file", "row"]
    assert len(ev) == 6 and len(tables.patients) == 3
    assert ev["event"].tolist() == ["recurrence", "death"] * 3
    assert ev["status"].tolist() == [True, True, False, False, True, False]
    assert ev["row"].tolist() == [2, 3, 4, 5, 6, 7]


def test_a_file_of_one_kind_of_event_needs_no_event_column(tmp_path):
    """Counting-process rows (R's survival::cgd: one row per interval, its stop day and status)
    with `event_type` instead of an event column: every row is that event or its censoring."""
    counting = "id,tstart,tstop,status\n1,0,50,1\n1,50,90,1\n1,90,100,0\n2,0,200,0\n3,0,120,1\n3,120,300,0\n"
    source = {"day_column": "tstop", "status_column": "status", "event_type": "infection"}
    single = {k: v for k, v in EVENTS_SOURCE.items() if k not in ("event_column", "event_types")}
    (tmp_path / "p.csv").write_text(PATIENTS, encoding="utf-8")
    (tmp_path / "e.csv").write_text(counting, encoding="utf-8")
    pat = {"path": "p.csv", "table": "patients", "id_column": "id",
           "columns": {"arm": {"column": "arm"}, "futime": {"column": "futime"}}}  # fmt: skip
    config = {
        "variables": VARIABLES,
        "missing_values": ["", "NA"],
        "sites": {"s": {"sources": [pat, {**single, **source}]}},
    }
    site = _ingest_loaded(config, tmp_path)
    events = site.events.sort_values(["patient_id", "day"])
    assert events["event"].unique().tolist() == ["infection"]
    assert events["status"].tolist() == [True, True, False, False, True, False]
    counts = event_count(events, pd.Series(["1", "2", "3"]), ["infection"])
    assert counts.tolist() == [2, 0, 1]


def test_without_status_column_every_row_is_an_event(tmp_path):
    ev = _ingest(tmp_path, "id,day,type\n1,50,1\n1,60,1\n").events
    assert ev["status"].tolist() == [True, True]


def test_unknown_event_type_names_row_value_and_the_allowed_codes(tmp_path):
    text = _problems(tmp_path, "id,day,type\n1,50,1\n2,60,3\n")
    assert "unknown event type" in text and "row 3" in text and "'3'" in text
    assert "'1' (recurrence), '2' (death)" in text


@pytest.mark.parametrize(
    "events, fragments",
    [
        ("id,day,type\n1,,1\n", ["missing day", "row 2", "day"]),
        ("id,day,type\n1,soon,1\n", ["row 2", "soon"]),
        ("id,day,type\n1,50,\n", ["missing event type", "row 2"]),
        ("id,day,type\n9,50,1\n", ["absent from the site's patient files", "row 2", "9"]),
        ("id,day,type,status\n1,50,1,2\n", ["unknown status", "row 2", "'2'"]),
        ("id,day,type,status\n1,50,1,\n", ["missing status", "row 2"]),
        ("id,day,type\n1,50,1\n1,50,1\n", ["event row repeated", "rows 2, 3"]),
        # censored for recurrence on day 40, yet a recurrence on day 50: conflicting status rows
        ("id,day,type,status\n1,50,1,1\n1,40,1,0\n", ["conflicting status rows", "row 3", "row 2"]),
        ("id,day,type,status\n1,40,1,0\n1,60,1,0\n", ["censored twice", "rows 2, 3"]),
    ],
)
def test_each_bad_cell_is_a_located_problem(tmp_path, events, fragments):
    text = _problems(tmp_path, events, {"status_column": "status"} if "status" in events else None)
    assert "e.csv" in text
    for fragment in fragments:
        assert fragment in text, text


def test_baseline_columns_repeated_on_each_event_row_give_one_patient_row(tmp_path):
    (tmp_path / "e.csv").write_text(
        "id,arm,day,type,status\n1,a,50,1,1\n1,a,90,2,1\n2,b,200,1,0\n2,b,200,2,0\n", encoding="utf-8"
    )
    source = {**EVENTS_SOURCE, "status_column": "status", "columns": {"arm": {"column": "arm"}}}
    config = {"variables": VARIABLES, "missing_values": ["", "NA"], "sites": {"s": {"sources": [source]}}}
    tables = _ingest_loaded(config, tmp_path)
    assert tables.patients["patient_id"].tolist() == ["1", "2"]
    assert tables.patients["arm"].tolist() == ["a", "b"]
    assert tables.adjustments == []  # the layout's repeats are not a cleaning
    assert len(tables.events) == 4


def test_baseline_columns_differing_between_rows_of_a_patient_are_refused(tmp_path):
    (tmp_path / "e.csv").write_text("id,arm,day,type\n1,a,50,1\n1,b,90,2\n", encoding="utf-8")
    source = {**EVENTS_SOURCE, "columns": {"arm": {"column": "arm"}}}
    config = {"variables": VARIABLES, "missing_values": ["", "NA"], "sites": {"s": {"sources": [source]}}}
    with pytest.raises(InputError) as err:
        _ingest_loaded(config, tmp_path)
    assert "arm" in str(err.value) and "e.csv" in str(err.value)


# --- endpoints ------------------------------------------------------------------------------


def _events(rows):
    frame = pd.DataFrame(rows, columns=["patient_id", "day", "event", "status"])
    return frame.assign(
        patient_id=frame["patient_id"].astype("string"),
        day=frame["day"].astype("Float64"),
        event=frame["event"].astype("string"),
        status=frame["status"].astype("boolean"),
        file="e.csv",
        row=np.arange(2, len(frame) + 2),
    )


IDS = pd.Series(["1", "2", "3", "4"], dtype="string")
ROWS = [
    ("1", 50, "recurrence", True),
    ("1", 90, "death", True),
    ("2", 200, "recurrence", False),
    ("2", 200, "death", False),
    ("3", 120, "recurrence", True),
    ("3", 300, "death", False),
    ("3", 150, "recurrence", True),
]  # patient 4: no row


def test_time_to_first_event_censored_at_the_status_rows():
    time, event = time_to_event(_events(ROWS), IDS, ["recurrence"])
    assert _values(time) == [50.0, 200.0, 120.0, None]
    assert _values(event) == [True, False, True, None]
    time, event = time_to_event(_events(ROWS), IDS, ["death"])
    assert _values(time) == [90.0, 200.0, 300.0, None]
    assert _values(event) == [True, False, False, None]
    time, event = time_to_event(_events(ROWS), IDS, ["recurrence", "death"])
    assert _values(time) == [50.0, 200.0, 120.0, None]
    assert _values(event) == [True, False, True, None]


def test_time_to_event_censored_at_a_declared_end_of_follow_up():
    end = pd.Series([100.0, 250.0, 310.0, 400.0], dtype="Float64")
    rows = [r for r in ROWS if r[3]]  # event rows only, no status column
    time, event = time_to_event(_events(rows), IDS, ["death"], end, "futime")
    assert _values(time) == [90.0, 250.0, 310.0, 400.0]
    assert _values(event) == [True, False, False, False]


def test_an_event_after_the_end_of_follow_up_is_a_data_error_naming_file_row_and_variable():
    end = pd.Series([80.0, 250.0, 310.0, 400.0], dtype="Float64")
    with pytest.raises(InputError) as err:
        time_to_event(_events(ROWS), IDS, ["death"], end, "futime")
    text = str(err.value)
    assert "e.csv" in text and "row 3" in text and "futime" in text and "day 90" in text and "day 80" in text


def test_event_count_and_first_event_day():
    events = _events(ROWS)
    assert _values(event_count(events, IDS)) == [2.0, 0.0, 2.0, 0.0]
    assert _values(event_count(events, IDS, ["recurrence"])) == [1.0, 0.0, 2.0, 0.0]
    assert _values(first_event_day(events, IDS, ["recurrence"])) == [50.0, None, 120.0, None]


def test_endpoints_compose_with_earliest_of_through_derive_variables():
    patients = pd.DataFrame({"patient_id": IDS})
    derived = {
        "rec_t": {"time_to_event": {"events": ["recurrence"]}},
        "rec": {"event_of": "rec_t"},
        "os_t": {"time_to_event": {"events": ["death"]}},
        "died": {"event_of": "os_t"},
        "rfs": {"earliest_of": [{"time": "rec_t", "event": "rec"}, {"time": "os_t", "event": "died"}]},
        "rfs_event": {"event_of": "rfs"},
        "rfs_direct": {"time_to_event": {"events": ["recurrence", "death"]}},
        "rfs_direct_event": {"event_of": "rfs_direct"},
        "n": {"event_count": {}},
    }
    empty = pd.DataFrame({"patient_id": [], "line": [], "agent": []})
    out = derive_variables(patients, empty, derived, _events(ROWS))
    assert _values(out["rfs"]) == _values(out["rfs_direct"]) == [50.0, 200.0, 120.0, None]
    assert _values(out["rfs_event"]) == _values(out["rfs_direct_event"]) == [True, False, True, None]
    assert _values(out["n"]) == [2.0, 0.0, 2.0, 0.0]


def test_colon_endpoints_equal_the_usual_r_construction(root):
    """R: ``os <- colon[colon$etype == 2, ]``; recurrence-free survival per patient as
    ``time = min(time)``, ``event = max(status)`` over the two rows (the recurrence row is
    censored at the death day when there was no recurrence)."""
    raw = pd.read_csv(root / "studies/colon/data/raw/colon.csv")
    events = _events(
        list(
            zip(
                raw["id"].astype(str),
                raw["time"],
                raw["etype"].map({1: "recurrence", 2: "death"}),
                raw["status"] == 1,
            )
        )
    )
    ids = pd.Series(sorted(raw["id"].unique()), dtype="int64").astype(str).astype("string")
    deaths = raw[raw["etype"] == 2].set_index("id").loc[[int(i) for i in ids]]
    time, event = time_to_event(events, ids, ["death"])
    assert time.to_numpy(dtype=float).tolist() == deaths["time"].astype(float).tolist()
    assert event.to_numpy(dtype=bool).tolist() == (deaths["status"] == 1).tolist()
    per = raw.groupby("id").agg(time=("time", "min"), status=("status", "max")).loc[[int(i) for i in ids]]
    time, event = time_to_event(events, ids, ["recurrence", "death"])
    assert time.to_numpy(dtype=float).tolist() == per["time"].astype(float).tolist()
    assert event.to_numpy(dtype=bool).tolist() == (per["status"] == 1).tolist()
    assert int(event.sum()) == 468 + 38  # R: 468 recurrences, 38 deaths without recurrence


# --- config mistakes, refused at load --------------------------------------------------------


def _colon(root, monkeypatch, edit):
    study = root / "studies/colon"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    edit(cfg)
    return cfg, study


def _source(c):
    return c["sites"]["mayo_ncctg"]["sources"][0]


def test_the_colon_config_loads(root, tmp_path, monkeypatch):
    cfg, study = _colon(root, monkeypatch, lambda c: None)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    assert load_config(good, base_dir=study)["derived"]["died"]["event_of"] == "os_days"


def _patient_source(c):
    src = copy.deepcopy(_source(c))
    for key in ("day_column", "event_column", "event_types", "status_column"):
        src.pop(key)
    return {**src, "table": "patients"}


@pytest.mark.parametrize(
    "edit, key, fragment",
    [
        (lambda c: _source(c).pop("event_types"), "sites/mayo_ncctg/sources/0", "needs `event_types`"),
        (lambda c: _source(c).pop("event_column"), "sites/mayo_ncctg/sources/0", "needs `event_column`"),
        (lambda c: _source(c).pop("day_column"), "sites/mayo_ncctg/sources/0", "needs `day_column`"),
        (
            lambda c: _source(c).update(event_type="recurrence"),  # and event_column + event_types
            "sites/mayo_ncctg/sources/0/event_column",
            "names its events twice",
        ),
        (
            lambda c: c["sites"]["mayo_ncctg"]["sources"].__setitem__(
                0, {**_patient_source(c), "event_type": "relapse"}
            ),
            "sites/mayo_ncctg/sources/0/event_type",
            "for events sources",
        ),
        (
            lambda c: _source(c).update(variable_column="etype"),
            "sites/mayo_ncctg/sources/0/variable_column",
            "not a key of an events source",
        ),
        (
            lambda c: _source(c)["event_types"].update({"3": "rx"}),
            "sites/mayo_ncctg/sources/0/event_types/3",
            "also the name of a variable",
        ),
        (
            lambda c: _source(c)["event_types"].update({"3": "Bad Name"}),
            "sites/mayo_ncctg/sources/0/event_types/3",
            "does not match",
        ),
        (
            lambda c: c["sites"]["mayo_ncctg"]["sources"].__setitem__(
                0, {**_patient_source(c), "status_column": "status"}
            ),
            "sites/mayo_ncctg/sources/0/status_column",
            "for events sources",
        ),
        (
            lambda c: c["derived"]["os_days"]["time_to_event"].update(events=["relapse"]),
            "derived/os_days/time_to_event/events/0",
            "unknown event type 'relapse'",
        ),
        (
            lambda c: c["derived"]["n_events"].update(event_count={"events": ["relapse"]}),
            "derived/n_events/event_count/events/0",
            "death, recurrence",
        ),
        (
            lambda c: _source(c).pop("status_column"),
            "derived/os_days/time_to_event",
            "no end of follow-up",
        ),
        (
            lambda c: c["derived"]["os_days"]["time_to_event"].update(end_of_follow_up="nope"),
            "derived/os_days/time_to_event/end_of_follow_up",
            "unknown variable",
        ),
        (
            lambda c: c["derived"]["os_days"]["time_to_event"].update(end_of_follow_up="sex"),
            "derived/os_days/time_to_event/end_of_follow_up",
            "not a number",
        ),
        (
            lambda c: c["derived"]["os_days"]["time_to_event"].update(follow_up="age"),
            "derived/os_days/time_to_event",
            "Additional properties",
        ),
        (
            lambda c: c["derived"].update(first_rec={"first_event_day": {"events": []}}),
            "derived/first_rec/first_event_day/events",
            "should be non-empty",
        ),
        (
            lambda c: c["sites"]["mayo_ncctg"]["sources"].__setitem__(0, _patient_source(c)),
            "derived/os_days/time_to_event",
            "no source is an events file",
        ),
        (
            lambda c: c["tables"]["cox_os"].update(event="recurred"),
            "tables/cox_os/time",
            "`time: recurrence_days`",
        ),
        # fixed units of a long file: checked at load too (before: only at ingestion)
        (
            lambda c: _source(c).update(unit="years"),
            "sites/mayo_ncctg/sources/0/unit",
            "not a key of an events source",
        ),
        (
            lambda c: c["sites"]["mayo_ncctg"]["sources"].__setitem__(0, {**_patient_source(c), "unit": "g"}),
            "sites/mayo_ncctg/sources/0/unit",
            "on a patient source",
        ),
    ],
)
def test_each_event_mistake_is_refused_at_load_naming_its_key(
    root, tmp_path, monkeypatch, edit, key, fragment
):
    cfg, study = _colon(root, monkeypatch, edit)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    lines = [line for line in str(err.value).splitlines() if f"'{key}'" in line or f"{key}:" in line]
    assert any(fragment in line for line in lines), str(err.value)


def test_units_of_a_long_file_naming_no_measurement_refused_at_load(root, tmp_path, monkeypatch):
    """``units:`` was checked only when the file was ingested; now at load, naming the key."""
    study = root / "studies/pbc"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    long = cfg["sites"]["mayo"]["sources"][1]
    long["units"] = {"age": "years"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    text = str(err.value)
    assert "sites/mayo/sources/1/units/age" in text and "names no measurement variable" in text
    assert "sites/mayo/sources/1/units" in text and "`unit_column:` both declared" in text


def test_a_long_events_file_read_as_patients_points_to_table_events(tmp_path):
    """Before: one "duplicate patient id" per row, no hint; now one problem naming the kind."""
    (tmp_path / "p.csv").write_text("id,day,type\n1,50,1\n1,90,2\n2,60,1\n2,70,2\n", encoding="utf-8")
    source = {"path": "p.csv", "table": "patients", "id_column": "id", "columns": {}}
    config = {"variables": VARIABLES, "missing_values": ["", "NA"], "sites": {"s": {"sources": [source]}}}
    with pytest.raises(InputError) as err:
        _ingest_loaded(config, tmp_path)
    assert len(err.value.problems) == 1
    assert "duplicate patient id" in str(err.value) and "`table: events`" in str(err.value)


@pytest.mark.parametrize(
    "extra, key, fragment",
    [
        ({"day_column": "time"}, "sites/mayo/sources/0/day_column", "for long measurement files"),
        ({"date_column": "date"}, "sites/mayo/sources/0/date_column", "for long measurement files"),
        (
            {"identifiers": {"name": "pseudonymise"}},
            "sites/mayo/sources/0/pseudonym_salt_env",
            "`pseudonym_salt_env` is not set",
        ),
    ],
)
def test_source_keys_read_only_at_ingestion_are_refused_at_load(
    root, tmp_path, monkeypatch, extra, key, fragment
):
    """Before: a long-file key on a patient file was ignored, and a pseudonymisation without
    its key's variable name was found only when the file was read."""
    study = root / "studies/pbc"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    cfg["sites"]["mayo"]["sources"][0].update(extra)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    lines = [line for line in str(err.value).splitlines() if f"'{key}'" in line]
    assert any(fragment in line for line in lines), str(err.value)


def test_retrocohort_validate_names_an_event_after_the_end_of_follow_up(tmp_path):
    from retrocohort.cli.validate import check_sites

    (tmp_path / "p.csv").write_text(PATIENTS, encoding="utf-8")
    (tmp_path / "e.csv").write_text("id,day,type\n1,50,2\n2,250,2\n", encoding="utf-8")
    pat = {
        "path": "p.csv",
        "table": "patients",
        "id_column": "id",
        "columns": {"arm": {"column": "arm"}, "futime": {"column": "futime"}},
    }
    config = {
        "variables": VARIABLES,
        "derived": {"os": {"time_to_event": {"events": ["death"], "end_of_follow_up": "futime"}}},
        "missing_values": ["", "NA"],
        "sites": {"s": {"sources": [pat, EVENTS_SOURCE]}},
    }
    problems, _ = check_sites(["s"], filled(config), tmp_path)
    (problem,) = problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("e.csv", 3, "futime", 250.0)
    assert "after the end of follow-up (day 200)" in problem.message


# --- calendar dates instead of days (issue 23: events as hospitals export them) ------------------
DATED = {"day_column": None, "date_column": "date", "origin_date_column": "registered"}


def _dated(tmp_path, events, status=True):
    source = {k: v for k, v in {**EVENTS_SOURCE, **DATED}.items() if v is not None}
    if status:
        source["status_column"] = "status"
    (tmp_path / "p.csv").write_text(PATIENTS, encoding="utf-8")
    (tmp_path / "e.csv").write_text(events, encoding="utf-8")
    pat = {"path": "p.csv", "table": "patients", "id_column": "id", "columns": {"arm": {"column": "arm"}}}
    config = {
        "variables": {"arm": VARIABLES["arm"]},
        "missing_values": ["", "NA"],
        "sites": {"s": {"sources": [pat, source]}},
    }
    return _ingest_loaded(config, tmp_path)


def test_event_dates_become_days_from_each_patients_own_day_0_date(tmp_path):
    events = (
        "id,registered,date,type,status\n"
        "1,2020-01-31,2020-03-01,1,1\n"  # 30 days (2020 is a leap year)
        "1,2020-01-31,2021-01-31,2,0\n"  # 366 days
        "2,2019-12-25,2019-12-25,1,1\n"  # day 0
    )
    ev = _dated(tmp_path, events).events
    assert ev["day"].tolist() == [30.0, 366.0, 0.0]
    assert ev["status"].tolist() == [True, False, True]


@pytest.mark.parametrize(
    "cell, fragments",
    [
        ("2020-02-30", ["not an ISO date", "row 2", "date", "[date]"]),  # no 30 February
        ("01/03/2020", ["not an ISO date", "row 2", "[date]"]),
        ("43891", ["Excel date serial number", "row 2", "43891"]),
        ("", ["missing date", "row 2", "date"]),
        ("2019-12-31", ["before the patient's Day 0 date", "row 2", "[date]", "registered"]),
    ],
)
def test_an_unreadable_or_impossible_date_names_file_row_column_and_value(tmp_path, cell, fragments):
    """Failed before: an events source without `day_column` could not be declared at all. A
    date-like value is masked in messages ("[date]", as every date cell: it may be a birth date)."""
    with pytest.raises(InputError) as err:
        _dated(tmp_path, f"id,registered,date,type,status\n1,2020-01-01,{cell},1,1\n")
    text = str(err.value)
    assert "e.csv" in text
    for fragment in fragments:
        assert fragment in text, text


def _with_dates(c, **keys):
    """colon's events source with ``keys`` in place of its ``day_column``."""
    _source(c).pop("day_column")
    _source(c).update(keys)


@pytest.mark.parametrize(
    "edit, key, fragment",
    [
        (
            lambda c: _source(c).update(date_column="date", origin_date_column="registered"),
            "sites/mayo_ncctg/sources/0/date_column",
            "gives its day twice",
        ),
        (
            lambda c: _with_dates(c, date_column="date"),
            "sites/mayo_ncctg/sources/0/origin_date_column",
            "`date_column` without `origin_date_column`",
        ),
        (
            lambda c: _with_dates(c, origin_date_column="registered"),
            "sites/mayo_ncctg/sources/0/date_column",
            "`origin_date_column` without `date_column`",
        ),
        (
            lambda c: c["sites"]["mayo_ncctg"]["sources"].__setitem__(
                0, {**_patient_source(c), "origin_date_column": "registered"}
            ),
            "sites/mayo_ncctg/sources/0/origin_date_column",
            "for events sources",
        ),
    ],
)
def test_calendar_date_mistakes_are_refused_at_load_naming_the_key(
    root, tmp_path, monkeypatch, edit, key, fragment
):
    test_each_event_mistake_is_refused_at_load_naming_its_key(
        root, tmp_path, monkeypatch, edit, key, fragment
    )


def test_an_events_source_missing_its_types_gets_one_problem_not_an_echo(root, tmp_path, monkeypatch):
    """A user whose events source lacked its event types was also told that "no source is an
    events file" for every endpoint, although one was declared."""
    cfg, study = _colon(
        root, monkeypatch, lambda c: (_source(c).pop("event_types"), _source(c).pop("event_column"))
    )
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError) as err:
        load_config(path, base_dir=study)
    text = str(err.value)
    assert "needs `event_column`" in text and "or, for a file of one kind of event" in text
    assert "no source is an events file" not in text
