"""retrocohort.synthetic.large_cohort: the simulated multi-site study is valid, deterministic and ingestible."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrocohort.cohort.frames import category_codes, cohort_measurements
from retrocohort.config.study import load_study
from retrocohort.errors import ConfigError
from retrocohort.ingest.sources import ingest_site, merge_sites
from retrocohort.io.raw import read_raw_table
from retrocohort.synthetic.large_cohort import simulate_cohort, site_sizes
from retrocohort.synthetic.large_cohort_model import LABS, RAW_NAMES, SITE_VARIANTS
from retrocohort.validate.canonical import validate_tables


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale")
    path = simulate_cohort(300, 5, out, seed=7, formats=("csv", "parquet"))
    return out, dict(load_study(path, base_dir=out).data)  # defaults filled, as the pipeline reads it


def test_config_is_schema_valid_and_labelled_synthetic(study) -> None:
    out, config = study
    assert "SYNTHETIC" in config["study"]["title"]
    assert "Synthetic" in config["study"]["synthetic_note"]
    sources = [s for site in config["sites"].values() for s in site["sources"]]
    assert all(s["synthetic"] and "synthetic" in s["path"] for s in sources)
    assert sorted(config["sites"]) == [f"site_0{k}" for k in range(1, 6)]


def test_formats_alternate_over_sites(study) -> None:
    out, _ = study
    names = sorted(p.name for p in (out / "data" / "raw").iterdir())
    assert names == [
        f"site_0{k}_synthetic_{t}.{'csv' if k % 2 else 'parquet'}"
        for k in range(1, 6)
        for t in ("measurements", "patients")
    ]


def test_sizes_and_long_rows(study) -> None:
    out, config = study
    n_patients = n_rows = 0
    for site in config["sites"].values():
        pat, meas = (read_raw_table(out / s["path"]) for s in site["sources"])
        n_patients += len(pat)
        n_rows += len(meas)
        assert len(meas) == len(pat) * len(LABS) * 2
    assert n_patients == 300 and n_rows == 300 * 16


def test_site_unit_variants_are_in_the_raw_files(study) -> None:
    out, config = study
    for k, (name, site) in enumerate(sorted(config["sites"].items())):
        meas = read_raw_table(out / site["sources"][1]["path"])
        units = dict(zip(meas["parameter"].astype(str), meas["unit"].astype(str)))
        for lab in LABS:
            expected = SITE_VARIANTS[k]["units"].get(lab.name, (lab.unit,))[0]
            assert units[RAW_NAMES[lab.name]] == expected, (name, lab.name)
        assert SITE_VARIANTS[k]["units"].get("triglycerides", ("",))[0] in ("", "mg/dL")


def test_every_site_ingests_and_validates(study, monkeypatch) -> None:
    out, config = study
    monkeypatch.chdir(out)
    parts = [ingest_site(s, config["sites"][s], config) for s in sorted(config["sites"])]
    merged = merge_sites(parts)
    validate_tables(merged, config["variables"])  # raises on any range or type problem
    meas = merged.measurements
    assert meas["patient_id"].nunique() == 300
    # canonical units after conversion: medians of both classes mixed stay plausible
    tg = meas.loc[meas["variable"] == "triglycerides", "value"]
    hb = meas.loc[meas["variable"] == "hemoglobin", "value"]
    assert 1.0 < tg.median() < 4.0 and 8.0 < hb.median() < 14.0
    missing = meas["value"].isna().mean()
    assert 0.05 < missing < 0.30  # cell-level missingness plus Day 7 loss to follow-up


def test_deterministic_and_seeded(tmp_path) -> None:
    a = simulate_cohort(50, 3, tmp_path / "a", seed=1)
    b = simulate_cohort(50, 3, tmp_path / "b", seed=1)
    c = simulate_cohort(50, 3, tmp_path / "c", seed=2)
    assert _digest(a.parents[1]) == _digest(b.parents[1])
    assert _digest(a.parents[1]) != _digest(c.parents[1])


@pytest.mark.parametrize(
    "n, sites, formats", [(0, 1, ("csv",)), (5, 6, ("csv",)), (10, 2, ("xlsx",)), (10, 2, ())]
)
def test_bad_arguments_are_config_errors(tmp_path, n, sites, formats) -> None:
    with pytest.raises(ConfigError):
        simulate_cohort(n, sites, tmp_path, formats=formats)
    assert not (tmp_path / "config").exists()


def test_site_sizes_sum_and_floor() -> None:
    sizes = site_sizes(1000, 7, np.random.default_rng(0))
    assert sizes.sum() == 1000 and sizes.min() >= 1 and len(set(sizes)) > 1
    assert site_sizes(3, 3, np.random.default_rng(0)).tolist() == [1, 1, 1]


def test_cohort_measurements_filters_and_categorises() -> None:
    meas = pd.DataFrame(
        {
            "patient_id": ["1", "1", "2", "3", "3"],
            "day": [0, 7, 0, 0, 3],
            "variable": ["crp", "crp", "ferritin", "crp", "crp"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    out = cohort_measurements(meas, pd.Series(["1", "3"]), ["crp"], (0, 7))
    assert out["value"].tolist() == [1.0, 2.0, 4.0]
    assert isinstance(out["variable"].dtype, pd.CategoricalDtype)
    assert list(out["variable"].cat.categories) == ["crp"]


def test_category_codes_missing_absent_and_repeated_categories() -> None:
    values = pd.Series(["b", None, "z", "a", "b"], dtype="string")
    assert category_codes(values, ["a", "b", "a"]).tolist() == [1, -1, -1, 0, 1]
