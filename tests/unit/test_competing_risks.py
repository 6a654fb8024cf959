"""Competing risks (issue 23, item 6): the Aalen–Johansen cumulative incidence with its
infinitesimal-jackknife standard error and log CI equal R ``survfit`` (multi-state, survival
3.5-3), Gray's test equals ``cmprsk::cuminc`` (2.2-11); the ``competing_risks`` table kind
computes them per group and cause, refuses a status value it was not told about, and its config
mistakes are refused at load naming the key.

The R numbers were printed with ``print(..., digits = 17)`` by::

    t <- c(1,2,2,3,4,5,5,6,7,8,8,9,10,12); e <- c(1,2,0,1,0,2,1,1,0,2,2,1,0,1)
    g <- rep(c("a","b"), 7)
    s <- summary(survfit(Surv(t, factor(e, 0:2)) ~ 1), times = c(3, 8))  # pstate, std.err, lower, upper
    cuminc(t, e, g)$Tests
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from retrocohort.config.study import load_study
from retrocohort.errors import ConfigError, InputError
from retrocohort.kinds import KINDS, TableRequest
from retrocohort.render.markdown import to_markdown
from retrocohort.stats.competing_risks import cumulative_incidence, gray_test, incidence_at

T = [1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 12]
E = [1, 2, 0, 1, 0, 2, 1, 1, 0, 2, 2, 1, 0, 1]
G = ["a", "b"] * 7
#: R: summary(survfit(...), times = c(3, 8)): per time, (cause 1, cause 2) of each field
R_CIF = {
    3: {
        "cif": (0.14935064935064934, 0.071428571428571438),
        "std_err": (0.097645449765894593, 0.068830293689959382),
        "ci_low": (0.041465945587992104, 0.010805220488227558),
        "ci_high": (0.53792614988430354, 0.47218294359520763),
    },
    8: {
        "cif": (0.32251082251082253, 0.365800865800865849),
        "std_err": (0.133887429172596523, 0.146869028255108058),
        "ci_low": (0.142947224872576911, 0.166528033860607855),
        "ci_high": (0.72763378742976381, 0.80353001424774451),
    },
}
#: R: cuminc(t, e, g)$Tests, causes 1 and 2: (stat, pv)
R_GRAY = {1: (0.0033246931011897754, 0.95401933514618831), 2: (0.5696276564409333831, 0.45040691372791952)}


@pytest.mark.parametrize("at", [3, 8])
@pytest.mark.parametrize("field", ["cif", "std_err", "ci_low", "ci_high"])
def test_aalen_johansen_incidence_and_its_standard_error_equal_r_survfit(at, field):
    cif = cumulative_incidence(T, E, ["relapse", "death"])
    for cause, expected in zip(("relapse", "death"), R_CIF[at][field]):
        assert incidence_at(cif, cause, at)[field] == pytest.approx(expected, rel=1e-12), (cause, at, field)


def test_the_incidences_and_the_event_free_probability_sum_to_one_and_the_counts_are_kept():
    cif = cumulative_incidence(T, E, ["relapse", "death"])
    wide = cif.pivot(index="time", columns="cause", values="cif")
    assert (wide.sum(axis=1) <= 1 + 1e-12).all()
    last = cif[cif["time"] == 12]
    assert last["cif"].sum() == pytest.approx(1.0)  # the last patient has the event: nobody left
    assert cif.groupby("cause")["n_event"].sum().to_dict() == {"death": 4, "relapse": 6}
    assert cif.loc[cif["time"] == 1, "n_risk"].tolist() == [14, 14]


def test_incidence_is_zero_before_the_first_time_and_undefined_beyond_the_last():
    cif = cumulative_incidence(T, E, ["relapse", "death"])
    assert incidence_at(cif, "relapse", 0.5)["cif"] == 0.0
    assert np.isnan(incidence_at(cif, "relapse", 13)["cif"])


@pytest.mark.parametrize("cause", [1, 2])
def test_gray_test_equals_cmprsk_cuminc(cause):
    res = gray_test(T, E, G, of=cause)
    assert res.statistic == pytest.approx(R_GRAY[cause][0], rel=1e-10)
    assert res.p_value == pytest.approx(R_GRAY[cause][1], rel=1e-10)
    assert res.details["df"] == 1


def test_gray_test_needs_two_groups_and_known_cause_codes():
    with pytest.raises(ValueError, match="two groups"):
        gray_test(T, E, ["a"] * len(T))
    with pytest.raises(ValueError, match="cause codes"):
        cumulative_incidence([1, 2], [1, 3], ["relapse", "death"])


# --- the table kind ----------------------------------------------------------------------------
SPEC = {
    "kind": "competing_risks",
    "title": "Table 9. Relapse and death.",
    "analyses": [
        {
            "id": "by_arm",
            "label": "Relapse and death without relapse by arm",
            "time": "months",
            "status": "first_event",
            "cause": "relapse",
            "competing": ["death"],
            "censored": ["none"],
            "group_variable": "arm",
            "times": [3, 8],
            "conf_level": 0.95,
            "decimals": 1,
            "ylabel": "Cumulative incidence",
        }
    ],
}
CONFIG = {
    "variables": {
        "months": {"label": "Months", "kind": "continuous", "table": "patients", "unit": "months"},
        "first_event": {"label": "First event", "kind": "categorical", "table": "patients",
                        "level_labels": {"relapse": "Relapse", "death": "Death without relapse"}},
        "arm": {"label": "Arm", "kind": "categorical", "table": "patients"},
    },
    "statistics": {"rounding": "half_up", "p_value": {"decimals": 3, "threshold": 0.001}},
    "tables": {"t9": SPEC},
    "study": {},
}  # fmt: skip
CODES = {0: "none", 1: "relapse", 2: "death"}


def _request(status=None, time=None) -> TableRequest:
    frame = pd.DataFrame(
        {
            "patient_id": [f"p{i}" for i in range(len(T))],
            "months": T if time is None else time,
            "first_event": [CODES[e] for e in E] if status is None else status,
            "arm": G,
        }
    )
    return TableRequest("t9", SPEC, CONFIG, frame)


def test_the_kind_tabulates_r_numbers_per_group_and_cause_with_gray_p():
    kind = KINDS["competing_risks"]
    stats = kind.statistics(_request())
    gray = stats[stats["role"] == "gray"].set_index("cause")
    assert gray.loc["relapse", "p_value"] == pytest.approx(R_GRAY[1][1], rel=1e-10)
    assert gray.loc["death", "statistic"] == pytest.approx(R_GRAY[2][0], rel=1e-10)
    inc = stats[stats["role"] == "incidence"]
    a = inc[(inc["group"] == "a") & (inc["cause"] == "relapse") & (inc["time"] == 8)].iloc[0]
    mine = [t for t, g in zip(T, G) if g == "a"], [e for e, g in zip(E, G) if g == "a"]
    assert a["cif"] == pytest.approx(
        incidence_at(cumulative_incidence(*mine, ["relapse", "death"]), "relapse", 8)["cif"]
    )
    events = stats[stats["role"] == "events"]
    assert events.groupby("cause")["n_events"].sum().to_dict() == {"death": 4, "relapse": 6}
    text = to_markdown(kind.build(stats, _request()))
    assert "Death without relapse" in text and "Cumulative incidence at 3 months" in text
    # each cause label as declared, heading its count (not capitalised mid-sentence)
    assert (
        "Relapse and death without relapse by arm: 14 patients analysed. "
        "First event: Relapse, 6; Death without relapse, 4; Censored, 4." in text
    )


def test_a_patient_without_status_is_excluded_with_the_reason_and_counted():
    status = [CODES[e] for e in E]
    status[3] = None
    stats = KINDS["competing_risks"].statistics(_request(status=status))
    (patients,) = stats[stats["role"] == "patients"].to_dict("records")
    assert (patients["n"], patients["n_excluded"]) == (13, 1)
    assert patients["excluded_reason"] == "1 patient excluded (First event unknown)"


def test_a_status_value_outside_the_declared_levels_is_refused_naming_patient_and_value():
    status = [CODES[e] for e in E]
    status[5] = "lost"
    with pytest.raises(InputError) as err:
        KINDS["competing_risks"].statistics(_request(status=status))
    text = str(err.value)
    assert "p5" in text and "lost" in text and "tables/t9/analyses/0" in text


# --- config mistakes refused at load -----------------------------------------------------------
def _problems(root, tmp_path, monkeypatch, edit) -> list:
    study = root / "studies" / "mgus2"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text(encoding="utf-8"))
    edit(cfg["tables"]["competing_pcm"]["analyses"][1])
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        load_study(path, base_dir=study)
    except ConfigError as exc:
        return exc.problems
    return []


def test_mgus2_competing_risks_table_loads(root, tmp_path, monkeypatch):
    assert _problems(root, tmp_path, monkeypatch, lambda a: None) == []


@pytest.mark.parametrize(
    "edit, key, words",
    [
        (lambda a: a.update(cause="relapse"), "analyses/1/cause", "not a level"),
        (lambda a: a.update(competing=["death", "progresion"]), "analyses/1/competing/1", "not a level"),
        (lambda a: a.update(competing=["progression"]), "analyses/1/competing/0", "one role"),
        (lambda a: a.update(censored=["death"]), "analyses/1/censored/0", "one role"),
        (lambda a: a.update(times=[120, 60]), "analyses/1/times", "not increasing"),
        (lambda a: a.update(times=[60, 60]), "analyses/1/times", "not increasing"),
        (lambda a: a.update(at_risk_times=[0, 120, 60]), "analyses/1/at_risk_times", "not increasing"),
        (
            lambda a: a.update(cause_labels={"relapse": "Relapse"}),
            "analyses/1/cause_labels/relapse",
            "not a cause",
        ),
        (lambda a: a.update(time="sex"), "analyses/1/time", "follow-up time"),
        (lambda a: a.update(status="pcm_stat"), "analyses/1/status", "unknown variable"),
        (lambda a: a.update(group_variable="sexe"), "analyses/1/group_variable", "unknown variable"),
    ],
)
def test_competing_risks_mistakes_are_refused_at_load_naming_the_key(
    root, tmp_path, monkeypatch, edit, key, words
):
    problems = _problems(root, tmp_path, monkeypatch, edit)
    where = f"tables/competing_pcm/{key}"
    assert any(p.column == where and words in p.message for p in problems), [
        (p.column, p.message) for p in problems
    ]


def test_the_figure_prints_the_numbers_at_risk_under_the_declared_ticks(tmp_path):
    spec = {**SPEC, "analyses": [{**SPEC["analyses"][0], "at_risk_times": [0, 4, 8, 12]}]}
    request = TableRequest("t9", spec, CONFIG, _request().frame)
    kind = KINDS["competing_risks"]
    assert kind.figures(spec) == ["by_arm"]
    printed = kind.draw(request, "by_arm", str(tmp_path / "cif"))
    assert (tmp_path / "cif.png").exists() and (tmp_path / "cif.svg").exists()
    for group in ("a", "b"):
        times = np.array([t for t, g in zip(T, G) if g == group])
        mine = printed[printed["group"] == group]
        assert mine["time"].tolist() == [0, 4, 8, 12]
        assert mine["n_at_risk"].tolist() == [int((times >= x).sum()) for x in (0, 4, 8, 12)]
    assert set(printed["role"]) == {"at_risk"} and set(printed["analysis"]) == {"by_arm"}


def test_the_methods_name_aalen_johansen_and_gray_only_when_a_table_computed_them():
    from retrocohort.manuscript.method_sentences import method_lines, methods_used

    stats = KINDS["competing_risks"].statistics(_request())
    records = stats.to_dict("records")
    used = methods_used({"t9.json": records})
    assert list(used) == ["cif", "Gray"]
    text = " ".join(line.sentence for line in method_lines(used, CONFIG["statistics"]))
    assert "Aalen–Johansen" in text and "Gray's k-sample test" in text
    ungrouped = [r for r in records if r["role"] != "gray"]
    assert list(methods_used({"t9.json": ungrouped})) == ["cif"]
    assert methods_used({"km.json": [{"role": "km", "method": "Kaplan–Meier estimate"}]}).keys() == {"km"}


def test_gray_test_of_three_groups_equals_cmprsk_cuminc_even_when_a_group_runs_out():
    """R: cuminc(t, e, g)$Tests with g = rep(c("a", "b", "c"), 7); group b ends with an event
    (its Kaplan–Meier reaches 0) before the last time: no 0/0 warning, the same statistic."""
    t = [1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 12, 3, 4, 6, 6, 9, 11, 2]
    e = [1, 2, 0, 1, 0, 2, 1, 1, 0, 2, 2, 1, 0, 1, 1, 2, 0, 1, 2, 1, 1]
    g = ["abc"[i % 3] for i in range(21)]
    expected = {1: (3.02618592993861890, 0.22022776670779087), 2: (0.35505962220522125, 0.83733603705315895)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cause, (stat, p) in expected.items():
            res = gray_test(t, e, g, of=cause)
            assert (res.statistic, res.p_value, res.details["df"]) == (
                pytest.approx(stat, rel=1e-10),
                pytest.approx(p, rel=1e-10),
                2,
            )
