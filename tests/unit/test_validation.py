"""Validation: vectorised measurement rules, per-site pandera checks, cross-site checks."""

import numpy as np
import pandas as pd
import pytest

from retrocohort.errors import ValidationFailed
from retrocohort.ingest.sources import CanonicalTables
from retrocohort.validate.canonical import (
    cross_site_problems,
    site_median_records,
    site_median_table,
    validate_site,
    validate_tables,
)
from retrocohort.validate.measurements import measurement_problems

VARIABLES = {
    "age": {"kind": "continuous", "table": "patients", "range": [0, 120]},
    "n_lines": {"kind": "count", "table": "patients"},
    "sex": {"kind": "categorical", "table": "patients", "categories": ["male", "female"]},
    "fever": {"kind": "binary", "table": "measurements"},
    "ferritin": {"kind": "continuous", "table": "measurements", "unit": "µg/L", "range": [0, 1e6]},
}
SOURCES = pd.DataFrame(
    {
        "site": ["a", "a"],
        "variable": ["ferritin", "fever"],
        "file": ["labs.csv", "labs.csv"],
        "synthetic": [True, True],
    }
)


def _s(values, dtype="string"):
    return pd.Series(values, dtype=dtype)


def _tables(site="a", ids=("1", "2", "3"), meas=None, **patient_cols) -> CanonicalTables:
    pats = pd.DataFrame(
        {
            "patient_id": _s(list(ids)),
            "site": _s([site] * len(ids)),
            "age": _s([30.0, 40.0, 50.0][: len(ids)], "Float64"),
            "sex": _s(["male", "female", "male"][: len(ids)]),
        }
    )
    for k, v in patient_cols.items():
        pats[k] = v
    rows = meas or [(i, 0, "ferritin", 1000.0 * (n + 1)) for n, i in enumerate(ids)]
    m = pd.DataFrame(
        {
            "patient_id": _s([r[0] for r in rows]),
            "site": _s([site] * len(rows)),
            "day": _s([r[1] for r in rows], "Int64"),
            "variable": _s([r[2] for r in rows]),
            "value": np.array([r[3] for r in rows], dtype="float64"),
            "unit": _s(["µg/L" if r[2] == "ferritin" else "1" for r in rows]),
        }
    )
    t = pd.DataFrame(
        {
            "patient_id": _s([ids[0]]),
            "site": _s([site]),
            "line": pd.Series([1], dtype="int64"),
            "agent": _s(["ANA"]),
        }
    )
    return CanonicalTables(pats, m, t, SOURCES.assign(site=site))


def test_clean_site_passes():
    validate_site(_tables(), VARIABLES)


@pytest.mark.parametrize(
    "rows, fragment",
    [
        ([("1", 0, "ferritin", -1.0)], "ferritin within [0, 1000000.0] µg/L"),
        ([("1", 0, "fever", 2.0)], "0 or 1"),
        ([("9", 0, "ferritin", 5.0)], "orphan measurement"),
        ([("1", 0, "ferritin", 5.0), ("1", 0, "ferritin", 6.0)], "one value per patient, day and variable"),
        ([("1", 9999, "ferritin", 5.0)], "day within [-365, 3650]"),
        ([("1", 0, "crp", 5.0)], "one of ferritin, fever"),
    ],
)
def test_each_measurement_rule_can_fail(rows, fragment):
    problems = measurement_problems(_tables(meas=rows).measurements, VARIABLES, _s(["1", "2", "3"]), SOURCES)
    text = "\n".join(p.render() for p in problems)
    assert fragment in text
    assert "labs.csv" in text or rows[0][2] == "crp"  # raw file named for every declared variable


def test_patient_rules_via_pandera():
    bad = _tables(n_lines=_s([1.0, -2.0, 0.0], "Float64"))
    bad.patients.loc[1, "sex"] = "other"
    with pytest.raises(ValidationFailed) as err:
        validate_site(bad, VARIABLES)
    text = str(err.value)
    assert "a non-negative count" in text and "value 'other'" in text and "patient 2" in text


def _two_sites(b_ids: tuple[str, str, str]) -> tuple[CanonicalTables, CanonicalTables, CanonicalTables]:
    """Site a (ferritin in the thousands) and site b (ferritin 1-3, ids ``b_ids``), and both merged."""
    a = _tables("a")
    b = _tables("b", ids=b_ids, meas=[(pid, 0, "ferritin", v) for pid, v in zip(b_ids, (1.0, 2.0, 3.0))])
    merged = CanonicalTables(
        *(
            pd.concat([x, y], ignore_index=True)
            for x, y in zip(
                (a.patients, a.measurements, a.treatments, a.sources),
                (b.patients, b.measurements, b.treatments, b.sources),
            )
        )
    )
    return a, b, merged


def test_cross_site_duplicate_ids_and_scale_mismatch():
    _, _, merged = _two_sites(("1", "5", "6"))
    text = "\n".join(p.render() for p in cross_site_problems(merged, VARIABLES))
    assert "value '1': patient id appears in more than one site" in text
    assert "site medians differ 1000-fold (a: 2000, b: 2 µg/L)" in text
    with pytest.raises(ValidationFailed):
        validate_tables(merged, VARIABLES)


def test_scale_check_from_per_site_median_records_equals_check_on_merged_rows():
    """The merge job checks scales from the site jobs' median records, never re-reading rows."""
    a, b, merged = _two_sites(("4", "5", "6"))
    records = site_median_records(b.measurements, VARIABLES) + site_median_records(a.measurements, VARIABLES)
    assert [(r["site"], r["median"], r["size"]) for r in records] == [("b", 2.0, 3), ("a", 2000.0, 3)]
    without_rows = CanonicalTables(
        merged.patients, merged.measurements.iloc[:0], merged.treatments, merged.sources
    )
    from_records = cross_site_problems(without_rows, VARIABLES, site_median_table(records))
    assert [p.render() for p in from_records] == [p.render() for p in cross_site_problems(merged, VARIABLES)]
    assert len(from_records) == 1 and "1000-fold" in from_records[0].render()


def test_merge_recomputes_medians_missing_from_an_older_site_summary(tmp_path):
    """A results/ directory from before the median records: the merge reads that site's rows."""
    import json

    from retrocohort.io.tabular import write_parquet
    from retrocohort.validate.sites import median_records as _median_records

    _, b, _ = _two_sites(("4", "5", "6"))
    write_parquet(b.measurements, tmp_path / "measurements.parquet")
    (tmp_path / "old.json").write_text(json.dumps({"site": "b", "status": "passed"}))
    (tmp_path / "new.json").write_text(
        json.dumps({"medians": site_median_records(b.measurements, VARIABLES)})
    )
    old = _median_records(str(tmp_path / "old.json"), str(tmp_path / "measurements.parquet"), VARIABLES)
    new = _median_records(str(tmp_path / "new.json"), str(tmp_path / "measurements.parquet"), VARIABLES)
    assert old == new == [{"variable": "ferritin", "site": "b", "median": 2.0, "size": 3}]
