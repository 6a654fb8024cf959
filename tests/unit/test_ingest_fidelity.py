"""No silent misreads at ingestion: decimal comma, percentages, binary codes, mis-decoded text."""

import numpy as np
import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.errors import InputError
from retrocohort.ingest.cells import parse_numbers, text_values
from retrocohort.ingest.sources import ingest_site

VARIABLES = {
    "age": {"kind": "continuous", "table": "patients", "unit": "years", "range": [0, 120]},
    "icu": {"kind": "binary", "table": "patients"},
    "outcome": {"kind": "text", "table": "patients"},
    "fever": {"kind": "binary", "table": "measurements"},
    "ferritin": {"kind": "continuous", "table": "measurements", "unit": "µg/L"},
    "glyco": {"kind": "continuous", "table": "measurements", "unit": "%", "range": [0, 100]},
}


def _site(tmp_path, patients, labs, encoding="utf-8", decimal="."):
    (tmp_path / "p.csv").write_bytes(patients.encode("utf-8"))
    (tmp_path / "m.csv").write_text(labs, encoding="utf-8")
    cfg = {
        "variables": VARIABLES,
        "missing_values": ["", "NA"],
        "sites": {
            "s": {
                "sources": [
                    {
                        "path": "p.csv",
                        "table": "patients",
                        "id_column": "id",
                        "encoding": encoding,
                        "columns": {
                            "age": {"column": "age"},
                            "icu": {"column": "icu"},
                            "outcome": {"column": "outcome"},
                        },
                    },
                    {
                        "path": "m.csv",
                        "table": "measurements",
                        "id_column": "id",
                        "day_column": "day",
                        "decimal": decimal,
                        "separator": ";",
                        "variable_column": "var",
                        "value_column": "value",
                        "unit_column": "unit",
                        "variable_names": {"fever": "fever", "ferritin": "ferritin", "glyco": "glyco"},
                    },
                ]
            }
        },
    }
    cfg = filled(cfg)
    return ingest_site("s", cfg["sites"]["s"], cfg, tmp_path)


P = "id,age,icu,outcome\n1,38,1,Évolution favorable\n2,61,0,Décès\n"
M = "id;day;var;value;unit\n1;0;ferritin;{f};µg/L\n1;0;fever;{b};1\n1;0;glyco;{g};%\n"


def _error(*args, **kw) -> str:
    with pytest.raises(InputError) as err:
        _site(*args, **kw)
    return str(err.value)


def test_clean_site_reads_as_written(tmp_path):
    t = _site(tmp_path, P, M.format(f="24657", b="1", g="12.6%"))
    values = t.measurements.set_index("variable")["value"]
    assert values["ferritin"] == 24657 and values["fever"] == 1 and values["glyco"] == 12.6
    assert t.patients["icu"].tolist() == [True, False]


def test_declared_decimal_comma_refuses_a_dotted_number(tmp_path):
    text = _error(tmp_path, P, M.format(f="24.657", b="1", g="12,6"), decimal=",")
    assert "row 2" in text and "value '24.657'" in text and "'.' in a number" in text
    t = _site(tmp_path, P, M.format(f="24,657", b="1", g="12,6"), decimal=",")
    assert t.measurements.set_index("variable")["value"]["ferritin"] == pytest.approx(24.657)


def test_percent_sign_only_for_a_percent_variable(tmp_path):
    text = _error(tmp_path, P, M.format(f="120%", b="1", g="12.6"))
    assert "value '120%'" in text and "a percentage for a variable whose unit is not %" in text


@pytest.mark.parametrize("code", ["0.5", "2", "-1"])
def test_binary_measurement_accepts_only_0_and_1(tmp_path, code):
    text = _error(tmp_path, P, M.format(f="1", b=code, g="1"))
    assert f"value '{code}'" in text and "binary fever must be coded 0 or 1" in text


@pytest.mark.parametrize("code", ["0.5", "yes", "1.0"])
def test_unmapped_binary_patient_column_accepts_only_0_and_1(tmp_path, code):
    text = _error(tmp_path, P.replace("1,38,1,", f"1,38,{code},"), M.format(f="1", b="1", g="1"))
    assert f"value '{code}'" in text and "unknown category" in text and "'1', '0'" in text


def test_utf8_file_declared_latin1_is_refused_with_the_repaired_text(tmp_path):
    text = _error(tmp_path, P, M.format(f="1", b="1", g="1"), encoding="latin-1")
    assert "column 'outcome'" in text and "mis-decoded" in text and "U+00C3" in text
    assert "`encoding: utf-8`" in text and "'Évolution favorable'" in text


def test_c1_control_characters_suggest_cp1252():
    cells = pd.Series(["ok", "d\u00e9j\u00e0 \u0093cit\u00e9\u0094"])
    problems = text_values(cells, file="f.csv", column="c", missing=[])[1]
    assert len(problems) == 1 and problems[0].row == 3
    assert "U+0093" in problems[0].message and "`encoding: cp1252`" in problems[0].expected


def test_genuine_accented_text_is_not_flagged():
    cells = pd.Series(["Évolution favorable", "Décès – sepsis", "naïve “quoted” 5 µg/L", "Â la carte"])
    assert text_values(cells, file="f.csv", column="c", missing=[])[1] == []


def test_parse_numbers_percent_mask_is_per_row():
    values, problems = parse_numbers(
        pd.Series(["12.6%", "12.6%"]), file="f", column="c", missing=[], percent=np.array([True, False])
    )
    assert values.iloc[0] == 12.6 and np.isnan(values.iloc[1]) and [p.row for p in problems] == [3]


def test_declared_agents_read_synonyms_and_refuse_unknown_agents():
    from retrocohort.config.agents import agent_vocabulary
    from retrocohort.ingest.treatments import parse_treatment_lines

    vocabulary = agent_vocabulary({"agents": {"ANA": ["anakinra", "Kineret"], "CTC": ["corticosteroids"]}})
    cells = pd.Series(
        [
            "1. CTC; 2. ANA",
            "1. ctc, 2. ana",
            "1. Corticosteroids, 2. Anakinra + CTC",
            "1. CTC, 2. Rituximab",
            "CTC then ANA",
        ]
    )
    frame, problems = parse_treatment_lines(
        cells,
        pd.Series(["p1", "p2", "p3", "p4", "p5"]),
        file="t.csv",
        column="lines",
        missing=[],
        vocabulary=vocabulary,
    )
    lines = {pid: list(zip(g["line"], g["agent"])) for pid, g in frame.groupby("patient_id")}
    assert lines["p1"] == lines["p2"] == [(1, "CTC"), (2, "ANA")]
    assert lines["p3"] == [(1, "CTC"), (2, "ANA"), (2, "CTC")]
    assert [(p.row, p.message) for p in problems] == [
        (5, "treatment line 2: unknown agent 'Rituximab'"),
        (6, "cannot parse treatment lines"),
    ]
    assert problems[0].value == "1. CTC, 2. Rituximab" and "ANA, CTC" in problems[0].expected


def test_without_declared_agents_a_case_variant_of_a_derived_agent_is_an_error():
    from retrocohort.ingest.treatments import parse_treatment_lines

    frame, problems = parse_treatment_lines(
        pd.Series(["1. CTC, 2. ana", "1. ANA"]),
        pd.Series(["p1", "p2"]),
        file="t.csv",
        column="lines",
        missing=[],
        named=["ANA"],
    )
    assert frame["agent"].tolist() == ["CTC", "ANA"]
    assert len(problems) == 1 and "agent 'ana' spelled differently from 'ANA'" in problems[0].message


def test_a_g_per_dl_site_ingests_to_the_same_values_as_a_g_per_l_site(tmp_path):
    """Ingestion rounds converted values (12 significant digits): no float noise breaks a tie."""
    variables = {"fibrinogen": {"kind": "continuous", "table": "measurements", "unit": "g/L"}}
    rows = {"g/L": [3.52, 1.7, 4.1], "g/dL": [0.352, 0.17, 0.41]}
    values = {}
    for unit, numbers in rows.items():
        folder = tmp_path / unit.replace("/", "_")
        folder.mkdir()
        (folder / "p.csv").write_text("id\n1\n2\n3\n", encoding="utf-8")
        (folder / "m.csv").write_text(
            "id,day,var,value,unit\n"
            + "".join(f"{i + 1},0,fibrinogen,{v},{unit}\n" for i, v in enumerate(numbers)),
            encoding="utf-8",
        )
        cfg = {
            "variables": variables,
            "sites": {
                "s": {
                    "sources": [
                        {"path": "p.csv", "table": "patients", "id_column": "id"},
                        {
                            "path": "m.csv",
                            "table": "measurements",
                            "id_column": "id",
                            "day_column": "day",
                            "variable_column": "var",
                            "value_column": "value",
                            "unit_column": "unit",
                        },
                    ]
                }
            },
        }
        cfg = filled(cfg)
        values[unit] = ingest_site("s", cfg["sites"]["s"], cfg, folder).measurements["value"].tolist()
    assert values["g/dL"] == values["g/L"] == [3.52, 1.7, 4.1]
