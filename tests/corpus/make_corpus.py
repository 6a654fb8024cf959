"""Regenerate the bad-input corpus: ``python tests/corpus/make_corpus.py`` (idempotent).

Each case is ``cases/<id>/case.yaml`` (fault class, what it breaks, config patch, expected
message fragments) plus the small raw files that replace the base study's files
(``base/``). Files are committed; this script documents exactly how each was made
(byte-level cases such as UTF-16 or a truncated XLSX cannot be written by hand).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
BASE = HERE / "base" / "data"
A_P = (BASE / "a_patients.csv").read_text(encoding="utf-8")
A_L = (BASE / "a_labs.csv").read_text(encoding="utf-8")
B_L = (BASE / "b_labs.csv").read_text(encoding="utf-8")
P0 = "sites/a/sources/0"
L0 = "sites/a/sources/1"
EXP = "expected:"


def _xlsx(text: str) -> bytes:
    import pandas as pd

    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, engine="openpyxl")
    return buf.getvalue()


# (id, fault class, {target path: bytes|str}, config patch, special, expected fragments)
CASES: list[tuple] = [
    (
        "missing_file",
        "input file missing",
        {},
        [{"set": f"{L0}/path", "value": "data/a_labs_v2.csv"}],
        None,
        ["config.yaml", "sites/a/sources/1/path", "'data/a_labs_v2.csv'", "input file does not exist"],
    ),
    (
        "directory_not_file",
        "a directory instead of a file",
        {},
        [],
        "directory:data/a_labs.csv",
        ["data/a_labs.csv", "is a directory, not a file", EXP],
    ),
    (
        "fifo_not_file",
        "a FIFO (not a regular file)",
        {},
        [],
        "fifo:data/a_labs.csv",
        ["data/a_labs.csv", "not a regular file", EXP],
    ),
    (
        "unreadable_permissions",
        "unreadable permissions",
        {},
        [],
        "unreadable:data/a_labs.csv",
        ["data/a_labs.csv", "no permission to read the file", EXP],
    ),
    (
        "empty_file",
        "empty file",
        {"data/a_labs.csv": b""},
        [],
        None,
        ["data/a_labs.csv", "file is empty", EXP],
    ),
    (
        "header_only",
        "header only",
        {"data/a_labs.csv": "patient,day,parameter,value,unit\n"},
        [],
        None,
        ["data/a_labs.csv", "has a header but no data rows", EXP],
    ),
    (
        "latin1_undeclared",
        "Latin-1 encoding (declared UTF-8)",
        {"data/a_patients.csv": A_P.replace("Favourable evolution", "Évolution favorable").encode("latin-1")},
        [],
        None,
        ["data/a_patients.csv", "not valid utf-8", "`encoding:`"],
    ),
    (
        "utf16_undeclared",
        "UTF-16 encoding",
        {"data/a_patients.csv": A_P.encode("utf-16")},
        [],
        None,
        ["data/a_patients.csv", "UTF-16", "`encoding: utf-16`"],
    ),
    (
        "bom_wrong_encoding",
        "UTF-8 byte-order mark with another encoding declared",
        {"data/a_patients.csv": b"\xef\xbb\xbf" + A_P.encode("utf-8")},
        [{"set": f"{P0}/encoding", "value": "latin-1"}],
        None,
        ["data/a_patients.csv", "byte-order mark", "`encoding: latin-1`", EXP],
    ),
    (
        "semicolon_separator",
        "semicolon separator undeclared",
        {"data/a_patients.csv": A_P.replace(",", ";")},
        [],
        None,
        ["data/a_patients.csv", "separated by ';'", "`separator: ';'`"],
    ),
    (
        "decimal_comma",
        "decimal commas undeclared",
        {"data/a_labs.csv": A_L.replace("a1,0,tmax,39.6", 'a1,0,tmax,"39,6"')},
        [],
        None,
        ["data/a_labs.csv", "row 2", "column 'value'", "value '39,6'", "not a number", "'.' as decimal mark"],
    ),
    (
        "thousands_separator",
        "thousands separator in ferritin",
        {"data/a_labs.csv": A_L.replace("a1,0,ferritin,14835", 'a1,0,ferritin,"14,835"')},
        [],
        None,
        ["data/a_labs.csv", "row 3", "column 'value'", "value '14,835'", "no thousands separator"],
    ),
    (
        "ragged_row",
        "a row with more fields than the header",
        {"data/a_labs.csv": A_L.replace("a1,0,tg,4.2,mmol/L", "a1,0,tg,4.2,mmol/L,extra")},
        [],
        None,
        ["data/a_labs.csv", "not a readable csv file", "line 4", "Expected 5 fields"],
    ),
    (
        "excel_date_serial",
        "Excel date serials instead of dates",
        {
            "data/a_labs.csv": "patient,day,date,parameter,value,unit\na1,0,44652,tmax,39.6,°C\n"
            "a2,0,2022-04-02,tmax,38.1,°C\na3,0,2022-04-03,tmax,38.0,°C\n"
        },
        [{"set": f"{L0}/date_column", "value": "date"}],
        None,
        ["data/a_labs.csv", "row 2", "column 'date'", "value '44652'", "Excel date serial", "YYYY-MM-DD"],
    ),
    (
        "day7_before_day0",
        "Day 7 dated before Day 0",
        {
            "data/a_labs.csv": "patient,day,date,parameter,value,unit\na1,0,2022-04-10,tmax,39.6,°C\n"
            "a1,7,2022-04-03,tmax,37.2,°C\na2,0,2022-04-02,tmax,38.1,°C\na3,0,2022-04-03,tmax,38.0,°C\n"
        },
        [{"set": f"{L0}/date_column", "value": "date"}],
        None,
        [
            "data/a_labs.csv",
            "row 3",
            "column 'day'",
            "value 'day 7, dated -7 days from Day 0'",
            "Day 7 after Day 0",
        ],
    ),
    (
        "truncated_xlsx",
        "truncated XLSX",
        {"data/a_patients.xlsx": _xlsx(A_P)[:700]},
        [{"set": f"{P0}/path", "value": "data/a_patients.xlsx"}],
        None,
        ["data/a_patients.xlsx", "truncated or corrupt xlsx", EXP],
    ),
    (
        "xlsx_excel_serial_age",
        "XLSX cell typed as date where a number is expected",
        {"data/a_patients.xlsx": _xlsx(A_P.replace("a1,38", "a1,1986-02-01"))},
        [{"set": f"{P0}/path", "value": "data/a_patients.xlsx"}],
        None,
        ["data/a_patients.xlsx", "row 2", "column 'age'", "value '[date]'", "not a number", EXP],
    ),
    (
        "huge_file",
        "file above the size guard",
        {},
        [{"set": "input_limits", "value": {"max_bytes": 100}}],
        None,
        ["data/a_patients.csv", "above the input size limit of 100 bytes", "input_limits.max_bytes"],
    ),
    (
        "too_many_rows",
        "file above the row guard",
        {},
        [{"set": "input_limits", "value": {"max_rows": 10}}],
        None,
        ["data/a_labs.csv", "18 data rows, above the limit of 10", "input_limits.max_rows"],
    ),
    (
        "duplicated_column",
        "duplicated column names",
        {"data/a_patients.csv": A_P.replace("patient,age,sex", "patient,age,age", 1)},
        [],
        None,
        ["data/a_patients.csv", "column 'age'", "duplicated column name", "each column name once"],
    ),
    (
        "blank_column_name",
        "blank column name",
        {
            "data/a_patients.csv": A_P.replace("h_score,outcome", "h_score,outcome,")
            .replace("\n", ",\n")
            .replace("outcome,,", "outcome,")
        },
        [],
        None,
        ["data/a_patients.csv", "blank column name at position 6", "a name for every column"],
    ),
    (
        "missing_column",
        "missing column",
        {"data/a_patients.csv": "patient,age,h_score,outcome\na1,38,244,x\na2,61,198,y\na3,45,267,z\n"},
        [],
        None,
        ["data/a_patients.csv", "column 'sex'", "column not found", "patient, age, h_score, outcome"],
    ),
    (
        "renamed_column",
        "renamed column",
        {"data/a_patients.csv": A_P.replace("patient,age,sex", "patient,age,gender", 1)},
        [],
        None,
        ["data/a_patients.csv", "column 'sex'", "column not found", "gender"],
    ),
    (
        "text_in_number",
        "wrong type: text in a numeric column",
        {"data/a_patients.csv": A_P.replace("a2,61", "a2,sixty-one")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'age'", "value 'sixty-one'", "not a number", EXP],
    ),
    (
        "fraction_in_count",
        "wrong type: fraction in a count",
        {"data/a_patients.csv": A_P.replace(",198,", ",198.5,")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'h_score'", "value '198.5'", "an integer"],
    ),
    (
        "day_not_integer",
        "wrong type: non-integer day",
        {"data/a_labs.csv": A_L.replace("a1,7,tmax", "a1,D7,tmax")},
        [],
        None,
        ["data/a_labs.csv", "row 5", "column 'day'", "value 'D7'", "an integer"],
    ),
    (
        "censored_value",
        "censored value '<5' in a numeric column",
        {"data/a_labs.csv": A_L.replace("a1,7,tg,2.7", "a1,7,tg,<0.5")},
        [],
        None,
        ["data/a_labs.csv", "row 7", "column 'value'", "value '<0.5'", "not a number"],
    ),
    (
        "nan_string",
        "NaN string",
        {"data/a_labs.csv": A_L.replace("a1,0,ferritin,14835", "a1,0,ferritin,NaN")},
        [],
        None,
        ["data/a_labs.csv", "row 3", "column 'value'", "value 'NaN'", "not a number", "missing-value token"],
    ),
    (
        "inf_string",
        "inf string",
        {"data/a_labs.csv": A_L.replace("a1,0,ferritin,14835", "a1,0,ferritin,-inf")},
        [],
        None,
        ["data/a_labs.csv", "row 3", "column 'value'", "value '-inf'", "not a number"],
    ),
    (
        "unknown_unit",
        "unknown unit spelling",
        {"data/a_labs.csv": A_L.replace("a1,0,tg,4.2,mmol/L", "a1,0,tg,4.2,mmol/l")},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 4",
            "column 'unit'",
            "value 'mmol/l'",
            "unknown unit",
            "convertible to 'mmol/L'",
        ],
    ),
    (
        "missing_unit",
        "missing unit",
        {"data/a_labs.csv": A_L.replace("a1,0,ferritin,14835,µg/L", "a1,0,ferritin,14835,")},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 3",
            "column 'unit'",
            "missing unit for ferritin",
            "convertible to 'µg/L'",
        ],
    ),
    (
        "incompatible_unit",
        "unit of another dimension",
        {"data/a_labs.csv": A_L.replace("a1,0,ferritin,14835,µg/L", "a1,0,ferritin,14835,°C")},
        [],
        None,
        ["data/a_labs.csv", "row 3", "column 'unit'", "value '°C'", EXP],
    ),
    (
        "unit_mismatch_across_sites",
        "unit mismatch across sites (mg/L values labelled µg/L)",
        {
            "data/b_labs.csv": "\n".join(
                line
                if ",ferritin," not in line
                else line.replace(line.split(",")[3], f"{int(line.split(',')[3]) / 1000:g}")
                for line in B_L.splitlines()
            )
            + "\n"
        },
        [],
        None,
        ["data/b_labs.csv", "column 'ferritin'", "site medians differ", "a vs b", "within a factor 5"],
    ),
    (
        "duplicate_patient_id",
        "duplicate patient ids in a file",
        {"data/a_patients.csv": A_P.replace("a3,45", "a2,45")},
        [],
        None,
        [
            "data/a_patients.csv",
            "column 'patient'",
            "duplicate patient id: 2 rows",
            "row 3 'a2', row 4 'a2'",
            "each patient once",
        ],
    ),
    (
        "duplicate_id_across_sites",
        "duplicate patient ids across sites",
        {
            "data/b_patients.csv": "patient,age,sex,h_score,outcome\na1,52,M,230,x\nb2,29,F,215,y\nb3,70,M,250,z\n",
            "data/b_labs.csv": B_L.replace("b1,", "a1,"),
        },
        [],
        None,
        ["site b", "column 'patient_id'", "value 'a1'", "more than one site", "unique across sites"],
    ),
    (
        "missing_patient_id",
        "missing patient id",
        {"data/a_patients.csv": A_P.replace("a2,61", ",61")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'patient'", "missing patient identifier", EXP],
    ),
    (
        "orphan_measurement",
        "orphan measurements",
        {"data/a_labs.csv": A_L + "a9,0,tmax,38.2,°C\n"},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 20",
            "column 'patient'",
            "value 'a9'",
            "absent from the site's patient files",
        ],
    ),
    (
        "conflicting_duplicate",
        "duplicated (patient, day, variable) with conflicting values",
        {"data/a_labs.csv": A_L + "a1,0,ferritin,9000,µg/L\n"},
        [],
        None,
        [
            "data/a_labs.csv",
            "column 'value'",
            "conflicting values for the same patient, day and variable: 2 rows",
            "row 20 'patient a1, day 0, ferritin = 9000'",
        ],
    ),
    (
        "repeated_row",
        "exact duplicate row",
        {"data/a_labs.csv": A_L + "a1,0,ferritin,14835,µg/L\n"},
        [],
        None,
        ["data/a_labs.csv", "row 20", "repeated row", "one value per patient, day and variable"],
    ),
    (
        "unknown_category",
        "unknown category",
        {"data/a_patients.csv": A_P.replace("a2,61,F", "a2,61,X")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'sex'", "value 'X'", "unknown category", "'M', 'F'"],
    ),
    (
        "unknown_measurement_variable",
        "unknown measurement variable",
        {"data/a_labs.csv": A_L + "a1,0,crp,120,mg/L\n"},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 20",
            "column 'parameter'",
            "value 'crp'",
            "unknown measurement variable",
            "'tmax'",
        ],
    ),
    (
        "negative_count",
        "negative count",
        {"data/a_patients.csv": A_P.replace(",198,", ",-5,")},
        [],
        None,
        [
            "data/a_patients.csv",
            "row 3",
            "column 'h_score'",
            "value '-5'",
            "implausible hscore_reported",
            "within [0, 337]",
        ],
    ),
    (
        "temperature_60",
        "temperature 60 °C",
        {"data/a_labs.csv": A_L.replace("a2,0,tmax,39.7", "a2,0,tmax,60")},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 8",
            "column 'value'",
            "value '60'",
            "implausible temperature_max",
            "within [30, 45] °C",
        ],
    ),
    (
        "age_250",
        "age 250",
        {"data/a_patients.csv": A_P.replace("a3,45", "a3,250")},
        [],
        None,
        [
            "data/a_patients.csv",
            "row 4",
            "column 'age'",
            "value '250'",
            "implausible age",
            "within [0, 120] years",
        ],
    ),
    (
        "day_out_of_range",
        "day far outside the study window",
        {"data/a_labs.csv": A_L.replace("a1,7,tmax", "a1,99999,tmax")},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 5",
            "column 'day'",
            "value '99999'",
            "outside the study window",
            "within [-365, 3650]",
        ],
    ),
    (
        "formula_in_text",
        "formula-like string in a text column",
        {
            "data/a_patients.csv": A_P.replace(
                "Deceased (sepsis)", '"=HYPERLINK(""http://x.example"",""click"")"'
            )
        },
        [],
        None,
        [
            "data/a_patients.csv",
            "row 3",
            "column 'outcome'",
            "=HYPERLINK",
            "spreadsheet formula",
            "plain text",
        ],
    ),
    (
        "identifier_column_name",
        "direct identifier column (name)",
        {
            "data/a_patients.csv": "patient,nom,age,sex,h_score,outcome\n"
            + "\n".join(
                f"{line.split(',', 1)[0]},Dupont,{line.split(',', 1)[1]}" for line in A_P.splitlines()[1:]
            )
            + "\n"
        },
        [],
        None,
        ["data/a_patients.csv", "column 'nom'", "direct identifier (name)", "identifiers:"],
    ),
    (
        "identifier_value_nir",
        "national id (NIR) in an unnamed column",
        {
            "data/a_patients.csv": "patient,age,sex,h_score,outcome,ref\n"
            + "\n".join(
                f"{line},{ref}"
                for line, ref in zip(A_P.splitlines()[1:], ["x", "1 85 05 75 123 456 78", "y"])
            )
            + "\n"
        },
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'ref'", "value '[NIR]'", "NIR"],
    ),
    (
        "identifier_value_dob",
        "exact dates of birth",
        {
            "data/a_patients.csv": "patient,age,sex,h_score,outcome,born\n"
            + "\n".join(
                f"{line},{d}"
                for line, d in zip(A_P.splitlines()[1:], ["12/03/1984", "01/01/1961", "30/06/1977"])
            )
            + "\n"
        },
        [],
        None,
        ["data/a_patients.csv", "column 'born'", "(possible date of birth)", "row 2", "value '[date]'"],
    ),
    (
        "pseudonymise_without_key",
        "pseudonymisation requested without a key",
        {"data/a_patients.csv": A_P.replace("patient,", "ipp,", 1)},
        [
            {"set": f"{P0}/id_column", "value": "ipp"},
            {"set": f"{P0}/identifiers", "value": {"ipp": "pseudonymise"}},
            {"set": f"{P0}/pseudonym_salt_env", "value": "RETROCOHORT_CORPUS_UNSET_SALT"},
        ],
        None,
        ["data/a_patients.csv", "RETROCOHORT_CORPUS_UNSET_SALT is unset", "at least 16 characters"],
    ),
    (
        "config_unknown_key",
        "config: unknown key",
        {},
        [{"set": "sites/a/sources/0/seperator", "value": ";"}],
        None,
        ["config.yaml", "sites/a/sources/0", "'seperator' was unexpected"],
    ),
    (
        "config_wrong_type",
        "config: wrong type",
        {},
        [{"set": "variables/age/range", "value": "0-120"}],
        None,
        ["config.yaml", "variables/age/range", "'0-120' is not of type 'array'"],
    ),
    (
        "config_unknown_layout_variable",
        "config: unknown variable in a table layout",
        {},
        [{"set": "tables/table1/rows/0/variable", "value": "agee"}],
        None,
        [
            "config.yaml",
            "tables/table1/rows/0/variable",
            "value 'agee'",
            "unknown variable",
            "declared under `variables:`",
        ],
    ),
    (
        "config_unknown_mapped_variable",
        "config: unknown variable in a source mapping",
        {},
        [{"set": f"{P0}/columns/weight", "value": {"column": "weight"}}],
        None,
        ["config.yaml", "sites/a/sources/0/columns/weight", "unknown variable"],
    ),
    (
        "config_yaml_syntax",
        "config: YAML syntax error",
        {},
        [{"raw_append": "tables: [unclosed\n"}],
        None,
        ["config.yaml", "row ", "Cannot parse YAML"],
    ),
    (
        "mapped_to_undeclared_category",
        "a code mapped to a category the variable does not declare",
        {"data/a_patients.csv": A_P.replace("a2,61,F", "a2,61,U")},
        [{"set": f"{P0}/columns/sex/map", "value": {"M": "male", "F": "female", "U": "unknown"}}],
        None,
        [
            "Validation failed",
            "data/a_patients.csv",
            "column 'sex'",
            "value 'unknown'",
            "one of ['male', 'female']",
        ],
    ),
    (
        "patient_variable_in_long_file",
        "a patient-level variable in the measurement file",
        {"data/a_labs.csv": A_L + "a1,0,age,38,years\n"},
        [{"set": f"{L0}/variable_names/age", "value": "age"}],
        None,
        ["data/a_labs.csv", "row 20", "column 'parameter'", "value 'age'", "not declared as a measurement"],
    ),
]


def main() -> None:
    import sys

    sys.path.insert(0, str(HERE))
    from cases_config import CASES as CONFIG_CASES
    from cases_export import CASES as EXPORT_CASES
    from cases_ingest import CASES as INGEST_CASES

    all_cases = CASES + CONFIG_CASES + INGEST_CASES + EXPORT_CASES

    cases = HERE / "cases"
    shutil.rmtree(cases, ignore_errors=True)
    for case_id, fault, files, patch, special, expect in all_cases:
        folder = cases / case_id
        folder.mkdir(parents=True)
        replaced = {}
        for target, content in files.items():
            name = Path(target).name
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
            replaced[target] = name
        spec = {"fault": fault, "replace": replaced, "config": patch, "special": special, "expect": expect}
        (folder / "case.yaml").write_text(
            yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    print(f"{len(all_cases)} cases written to {cases}")


if __name__ == "__main__":
    main()
