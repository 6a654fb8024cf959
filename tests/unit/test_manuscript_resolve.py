"""Manuscript placeholders resolved from statistics files: formatting as in the tables, the
synthetic dagger, traceability records, unknown keys, Word determinism, methods section."""

import json

import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.errors import ConfigError
from retrocohort.manuscript.docx_text import text_docx_bytes
from retrocohort.manuscript.method_sentences import method_lines, methods_used
from retrocohort.manuscript.methods import methods_markdown
from retrocohort.manuscript.resolve import build_namespace, resolve_template

WILCOXON = "Wilcoxon signed-rank test, exact conditional null; zero differences dropped."
CONFIG = filled(
    {
        "study": {"title": "T", "synthetic_note": "Synthetic\n  values."},
        "statistics": {
            "quantile_type": 7,
            "rounding": "half_up",
            "p_value": {"decimals": 3, "threshold": 0.001},
            "multiplicity": "none",
            "hodges_lehmann": {"conf_level": 0.95},
        },
        "tables": {
            "preset": "mdpi",
            "table1": {"rows": [{"variable": "sex_male"}, {"variable": "age", "decimals": 1}]},
            "table3": {"parameters": [{"variable": "crp"}], "bold_p_below": 0.05},
        },
    }
)


def _paired(variable, p, synthetic=True, **extra):
    return {
        "variable": variable,
        "label": variable.upper(),
        "role": "main",
        "test": "Wilcoxon signed-rank",
        "method": WILCOXON,
        "adjustment": "none",
        "p_value": p,
        "p_adjusted": None,
        "n_pairs": 15,
        "day0_median": 10044.0,
        "day7_median": 2014.0,
        "synthetic": synthetic,
        **extra,
    }


@pytest.fixture
def stats(tmp_path):
    t1 = pd.DataFrame(
        [
            {"variable": "sex_male", "stat": "count_pct", "n": 21, "missing": 0, "count": 13,
             "denominator": 21, "percent": 100 * 13 / 21, "median": None, "q1": None, "q3": None,
             "synthetic": False},
            {"variable": "age", "stat": "median_iqr", "n": 21, "missing": 0, "count": None,
             "denominator": None, "percent": None, "median": 45.0, "q1": 32.75, "q3": 58.25,
             "synthetic": False},
        ]
    )  # fmt: skip
    paths = {name: str(tmp_path / f"{name}.{ext}") for name, ext in
             (("table1", "csv"), ("flow", "csv"), ("paired", "json"))}  # fmt: skip
    t1.to_csv(paths["table1"], index=False)
    pd.DataFrame([{"step": 1, "id": "hscore", "n_in": 30, "n_excluded": 9, "n_out": 21}]).to_csv(
        paths["flow"], index=False
    )
    records = [_paired("crp", 0.00018310546875), _paired("ferritin", 0.0107421875, synthetic=False)]
    (tmp_path / "paired.json").write_text(json.dumps(records))
    return paths


def test_numbers_formatted_as_in_the_tables_and_traced(stats):
    space = build_namespace(stats, CONFIG)
    text = (
        "Among {{ cohort.n }} of {{ cohort.screened }} patients, {{ table1.sex_male.count_pct }} "
        "men, {{ table1.sex_male.complement }} women, age {{ table1.age.median_iqr }} "
        "({{ table1.age.median_iqr:0 }}); CRP p {{ paired.crp.p }}, ferritin p {{ paired.ferritin.p }} "
        "from {{ paired.ferritin.day0_median:0 }} to {{ paired.ferritin.day7_median:0 }}."
    )
    resolved = resolve_template(text, "results.md", space, {stats["table1"]: "table1_statistics"})
    assert resolved.text == (
        "Among 21 of 30 patients, 13 (62%) men, 8 women, age 45.0 [32.8–58.3] (45 [33–58]); "
        "CRP p < 0.001†, ferritin p = 0.011 from 10,044 to 2,014."
    )
    first = resolved.records[0]
    assert first["placeholder"] == "cohort.n" and first["value"] == 21
    assert first["source"] == {"file": stats["flow"], "record": 0, "column": "n_out", "rule": None}
    age = next(r for r in resolved.records if r["placeholder"] == "table1.age.median_iqr:0")
    assert age["value"] == {"median": 45.0, "q1": 32.75, "q3": 58.25}  # full precision
    assert age["source"]["rule"] == "table1_statistics" and age["source"]["record"] == 1
    crp = next(r for r in resolved.records if r["placeholder"] == "paired.crp.p")
    assert crp["synthetic"] and crp["value"] == 0.00018310546875
    assert resolved.synthetic


def test_rounding_rule_of_the_study_is_used(stats):
    half_even = {**CONFIG, "statistics": {**CONFIG["statistics"], "rounding": "half_even"}}
    text = "{{ table1.age.iqr }}"
    assert resolve_template(text, "t", build_namespace(stats, CONFIG)).text == "32.8–58.3"
    assert resolve_template(text, "t", build_namespace(stats, half_even)).text == "32.8–58.2"


def test_unknown_placeholder_names_line_key_and_closest(stats):
    with pytest.raises(ConfigError) as err:
        resolve_template(
            "ok {{ cohort.n }}\n\nsee {{ table1.age.medain }}", "results.md", build_namespace(stats, CONFIG)
        )
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.value) == ("results.md", 3, "table1.age.medain")
    assert "table1.age.median" in problem.expected


def test_word_output_is_deterministic_and_drops_comments():
    text = "# Results\n\nAmong **21** patients. <!-- not regenerated: why -->\n"
    first, second = text_docx_bytes(text, "T", "mdpi"), text_docx_bytes(text, "T", "mdpi")
    assert first == second
    import io

    import docx

    paragraphs = [p.text for p in docx.Document(io.BytesIO(first)).paragraphs]
    assert paragraphs[:2] == ["Results", "Among 21 patients."]  # the comment itself is not text
    assert paragraphs[2:] == [  # but its reason is listed after the text (docx_text)
        "Not regenerated by the pipeline",
        "Sentences written by hand in the template (marked by a comment in the text); check them by hand:",
        "1. Why.",
    ]


def test_methods_name_each_test_as_computed(stats):
    records = json.loads(open(stats["paired"]).read())
    lines = method_lines(methods_used({"table3_paired.json": records}), CONFIG["statistics"])
    assert [line.sentence for line in lines] == [WILCOXON.rstrip(".") + " (CRP and FERRITIN)."]
    text = methods_markdown(CONFIG, {"table3_paired.json": records}, synthetic=True)
    assert "Day 0 and Day 7 values were compared" in text
    assert "not adjusted for multiple comparisons" in text
    assert "p < 0.05 was considered significant" in text
    assert "numpy " in text and "Python 3." in text
    assert "† Synthetic values." in text
    # the adjustment the records say was applied, not the config's intention
    holm = [{**rec, "adjustment": "holm"} for rec in records]
    assert "Holm step-down" in methods_markdown(CONFIG, {"table3_paired.json": holm}, synthetic=False)
    assert "†" not in methods_markdown(CONFIG, {"table3_paired.json": holm}, synthetic=False)
