"""The flagship's time-to-event analyses are a declared table (issue 22, item 1): `tables.survival`
of `kind: survival`, built by rule `cohort_table`, with the same statistics and the same printed
table as the classic top-level `survival:` (rule `survival`) it replaces. The classic form keeps
working for other studies; declaring both is refused, saying how to rewrite."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from loaded_sections import edited_flagship

from retrocohort.analysis.survival import survival_statistics
from retrocohort.errors import ConfigError
from retrocohort.kinds import TableRequest, table_kind
from retrocohort.render.markdown import to_markdown
from retrocohort.tables.survival_table import build_survival_table

#: Fever resolved (time), never resolved (censored at the anakinra duration), or neither known
#: (excluded), in first- and later-line patients.
FRAME = pd.DataFrame(
    {
        "patient_id": [f"p{i}" for i in range(10)],
        "fever_resolution_days": [0.0, 1, 1, 2, 3, None, 1, 2, 5, None],
        "anakinra_duration_days": [10.0, 20, 5, 7, 30, 660, 9, 14, 40, None],
        "anakinra_first_line": [True, True, True, True, True, False, False, False, False, False],
    }
)


@pytest.fixture
def flagship(root, tmp_path, monkeypatch):
    return edited_flagship(root, tmp_path, monkeypatch, lambda c: None).data


def _classic(config: dict) -> dict:
    """The same study written the classic way: the analyses under the top-level `survival:`, the
    table's title under `tables.survival` without a kind."""
    classic = copy.deepcopy(config)
    spec = classic["tables"]["survival"]
    classic["survival"] = spec.pop("analyses")
    spec.pop("kind")
    return classic


def test_the_flagship_declares_its_survival_analyses_as_a_survival_table(flagship):
    """Failed before: the flagship's analyses were the classic top-level `survival:`."""
    assert flagship["survival"] == []
    spec = flagship["tables"]["survival"]
    assert spec["kind"] == "survival"
    assert [a["id"] for a in spec["analyses"]] == ["fever_resolution", "fever_resolution_by_line"]
    assert all(a["censor_time"] == "anakinra_duration_days" for a in spec["analyses"])


def test_the_declared_table_equals_the_classic_computation(flagship):
    """Failed before (no `analyses` under tables.survival): the declared kind's statistics
    (medians, horizons, log-rank) and printed table equal the classic rule's on the same data."""
    kind = table_kind("survival")
    request = TableRequest("survival", flagship["tables"]["survival"], flagship, FRAME)
    declared = kind.statistics(request)
    classic_config = _classic(flagship)
    classic, _ = survival_statistics(
        FRAME,
        classic_config["survival"],
        classic_config["variables"],
        classic_config["derived"],
        classic_config["statistics"],
        set(),
    )
    pd.testing.assert_frame_equal(declared, classic)
    roles = set(declared["role"])
    assert {"median", "horizon", "logrank", "patients"} <= roles
    censored = declared[(declared["role"] == "patients") & (declared["analysis"] == "fever_resolution")]
    assert censored[["n", "n_censored"]].iloc[0].tolist() == [9, 1]  # p5 censored at 660, p9 out
    printed = to_markdown(kind.build(declared, request))
    classic_printed = to_markdown(build_survival_table(classic, classic_config))
    # the one difference: the declared kind's note on horizons with fewer than min_at_risk (schema
    # default 10) patients at risk, which every estimate of these 21 patients has
    same, extra = printed[: len(classic_printed)], printed[len(classic_printed) :]
    assert same == classic_printed
    assert extra.strip().startswith("Fewer than 10 patients at risk: Time to fever resolution after")
    assert "at 1 day (8 at risk)" in extra and "at 3 days (3 at risk)" in extra


def test_the_classic_form_still_loads_and_both_forms_at_once_are_refused(root, tmp_path, monkeypatch):
    study = edited_flagship(root, tmp_path, monkeypatch, lambda c: c.update(_classic(c)))
    assert [a["id"] for a in study.data["survival"]] == ["fever_resolution", "fever_resolution_by_line"]

    def both(c):
        c["survival"] = copy.deepcopy(c["tables"]["survival"]["analyses"])

    with pytest.raises(ConfigError) as err:
        edited_flagship(root, tmp_path, monkeypatch, both)
    hit = [p for p in err.value.problems if p.column == "survival"]
    assert hit, [p.column for p in err.value.problems]
    assert "tables.survival.analyses" in hit[0].expected and "no top-level `survival:`" in hit[0].expected
    assert hit[0].value == ["fever_resolution", "fever_resolution_by_line"]


def test_another_kind_cannot_take_the_id_survival(root, tmp_path, monkeypatch):
    def other(c):
        c["tables"]["survival"] = {"kind": "listing", "columns": [{"variable": "age", "header": "Age"}]}

    with pytest.raises(ConfigError) as err:
        edited_flagship(root, tmp_path, monkeypatch, other)
    hit = [p for p in err.value.problems if p.column == "tables/survival"]
    assert hit and "table id used by another output" in hit[0].message


def test_the_flagship_config_declares_its_survival_table_as_documented(root):
    """config/README.md's example is the flagship's entry: its kind, title and first analysis."""
    import yaml

    readme = (root / "config/README.md").read_text(encoding="utf-8")
    marker = "  survival:                     # config/config.yaml (the flagship)\n"
    example = yaml.safe_load("survival:\n" + readme.split(marker)[1].split("```")[0])["survival"]
    shipped = yaml.safe_load((root / "config/config.yaml").read_text(encoding="utf-8"))["tables"]["survival"]
    assert {k: v for k, v in shipped.items() if k != "analyses"} == {
        k: v for k, v in example.items() if k != "analyses"
    }
    assert example["analyses"] == shipped["analyses"][: len(example["analyses"])]
