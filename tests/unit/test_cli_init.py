"""`retrocohort init`: a draft config from the raw exports, loaded by the strict loader as is.

On the raw files of the three shipped studies (the flagship, studies/pbc, studies/mgus2) the
draft loads and validates, every guess carries a `# CONFIRM` mark, and the statistician's
decisions (a group, time points, models) are the only edits a first analysis needs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrocohort.cli import main
from retrocohort.cli.init import ingest_rules
from retrocohort.config.check import read_yaml
from retrocohort.config.draft.units import header_unit, pint_expression
from retrocohort.config.study import load_study

ROOT = Path(__file__).resolve().parents[2]
STUDIES = {
    "flagship": sorted((ROOT / "data/raw/baverez2022").glob("*.csv")),
    "pbc": sorted((ROOT / "studies/pbc/data/raw").glob("*.csv")),
    "mgus2": sorted((ROOT / "studies/mgus2/data/raw").glob("*.csv")),
}


def init(study: Path, *files: Path | str) -> int:
    return main(["init", str(study), *map(str, files)])


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, Path]:
    """Each shipped study's raw files drafted into a fresh study directory."""
    out = {}
    for name, files in STUDIES.items():
        study = tmp_path_factory.mktemp(name) / name
        assert init(study, *files) == 0
        out[name] = study
    return out


@pytest.mark.parametrize("name", sorted(STUDIES))
def test_the_draft_of_each_shipped_study_loads_and_validates(drafts, name, capsys):
    study = drafts[name]
    loaded = load_study(study / "config/config.yaml", base_dir=study)
    assert loaded.id == name
    files = [f"data/raw/{f.name}" for f in STUDIES[name]]
    assert main(["-C", str(study), "validate", *files]) == 0
    assert "VALID: patients" in capsys.readouterr().out
    for file in STUDIES[name]:  # copied unchanged
        assert (study / "data/raw" / file.name).read_bytes() == file.read_bytes()


def _variables(study: Path) -> dict:
    return read_yaml(study / "config/config.yaml")["variables"]


def _line(study: Path, start: str) -> str:
    return next(
        line
        for line in (study / "config/config.yaml").read_text().splitlines()
        if line.strip().startswith(start)
    )


def test_flagship_guesses(drafts):
    study = drafts["flagship"]
    config = read_yaml(study / "config/config.yaml")
    variables = config["variables"]
    # units from headers ("anakinra_duration_days") and from the unit column
    assert variables["anakinra_duration"] == {
        "label": "Anakinra duration",
        "kind": "continuous",
        "table": "patients",
        "unit": "days",
        "range": [0, 1000],
    }
    assert variables["ferritin"]["unit"] == "µg/L" and variables["ferritin"]["table"] == "measurements"
    assert variables["tmax"]["range"] == [35, 43]  # observed [36.8, 40.4], widened
    # a column holding "###" among numbers: the code proposed as missing, to confirm
    assert config["missing_values"] == ["", "NA", "###"]
    assert "'###' (2 cells)" in _line(study, "missing_values:")
    # yes/no words and M/F with their maps
    patients = config["sites"]["main"]["sources"]
    table2 = next(s for s in patients if s["path"].endswith("table2_patients.csv"))
    assert table2["columns"]["anakinra_efficacy"]["map"] == {"No": False, "Yes": True}
    assert table2["columns"]["sex"]["map"] == {"F": "female", "M": "male"}
    # the long file's "fever" meets the baseline file's "fever": renamed, and said so
    assert variables["fever_2"]["kind"] == "binary"
    assert "renamed: 'fever' is already a variable of data/raw/synthetic_baseline.csv" in _line(
        study, "fever_2:"
    )
    # every guessed variable carries a CONFIRM mark
    for name in variables:
        assert "# CONFIRM:" in _line(study, f"{name}:"), name


def test_pbc_guesses(drafts):
    study = drafts["pbc"]
    config = read_yaml(study / "config/config.yaml")
    variables = config["variables"]
    assert variables["edema"]["categories"] == ["0", "0.5", "1"]  # numeric codes, to name
    assert variables["stage"]["kind"] == "categorical"
    assert variables["time"]["kind"] == "continuous"
    # unit spellings of the unit column the ingest does not know: declared, read by pint
    assert config["unit_spellings"] == {
        "U/mL": "enzyme_unit / milliliter",
        "10^3/mm3": "1000 / millimeter ** 3",
    }
    assert variables["platelet_2"]["unit"] == "10^3/mm3"
    assert config["day_range"] == [0, 8000]  # days up to 5152 (default window: to 3650)
    source = config["sites"]["main"]["sources"][1]
    assert source["variable_names"]["alk.phos"] == "alk_phos_2"
    assert source["unit_column"] == "unit" and source["layout"] == "long"


def _decide(text: str, edits: list[tuple[str, str]]) -> str:
    by_line = next(line for line in text.splitlines() if line.startswith("    # by: "))
    edits = [(by_line if old == "<by line>" else old, new) for old, new in edits]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_the_statisticians_decisions_are_the_only_edits(drafts, tmp_path):
    """mgus2: a group for Table 1, a survival table and a Cox model (3 edits) load as written."""
    study = drafts["mgus2"]
    text = (study / "config/config.yaml").read_text(encoding="utf-8")
    decided = _decide(
        text,
        [
            ("<by line>", "    by: sex\n    smd: true"),
            (
                "tables:\n  table1:\n",
                "tables:\n  survival_death:\n    kind: survival\n    analyses:\n"
                "      - {id: os, time: futime, event: death, group_variable: sex}\n"
                "  cox_death:\n    kind: regression\n    model: cox\n    time: futime\n    event: death\n"
                "    predictors: [age, sex, hgb, creat, mspike]\n    multivariable: [age, sex, hgb, creat, mspike]\n"
                "  table1:\n",
            ),
        ],
    )
    edited = study / "config/decided.yaml"
    edited.write_text(decided, encoding="utf-8")
    loaded = load_study(edited, base_dir=study)
    assert loaded.get("tables/table1/by") == "sex"
    assert loaded.get("tables/cox_death/model") == "cox"


def test_pbc_time_points_are_a_decision_that_loads(drafts):
    """pbc: uncommenting the TODO's time points makes the long-file rows usable in Table 1."""
    study = drafts["pbc"]
    text = (study / "config/config.yaml").read_text(encoding="utf-8")
    decided = _decide(
        text,
        [
            ("      # - {variable: bili_2}", "      - {variable: bili_2}"),
            ("# time_points:\n#   baseline:", "time_points:\n  baseline:"),
        ],
    )
    edited = study / "config/decided.yaml"
    edited.write_text(decided, encoding="utf-8")
    assert load_study(edited, base_dir=study).get("time_points/baseline/day") == 0


def test_an_existing_config_is_never_overwritten(drafts, capsys):
    study = drafts["mgus2"]
    config = study / "config/config.yaml"
    before = config.read_bytes()
    assert init(study, *STUDIES["mgus2"]) == 1
    err = capsys.readouterr().err
    assert f"A config already exists: {config}" in err and "never overwrites" in err
    assert config.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("garbage.xlsx", b"not a zip", "truncated or corrupt xlsx file"),
        ("notes.docx", b"x", "unsupported file extension '.docx'"),
        ("empty.csv", b"", "file is empty"),
        ("absent.csv", None, "file does not exist"),
    ],
)
def test_an_unreadable_file_is_refused_naming_it(tmp_path, capsys, name, content, message):
    bad = tmp_path / "exports" / name
    bad.parent.mkdir()
    if content is not None:
        bad.write_bytes(content)
    study = tmp_path / "study"
    assert init(study, STUDIES["mgus2"][0], bad) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and message in err
    assert not (study / "config/config.yaml").exists()


def test_a_file_of_unknown_layout_is_refused(tmp_path, capsys):
    repeated = tmp_path / "visits.csv"
    repeated.write_text("id,weight\n1,70\n1,71\n2,80\n", encoding="utf-8")
    assert init(tmp_path / "study", repeated) == 1
    err = capsys.readouterr().err
    assert f"Cannot tell the layout of {repeated}" in err and "'id' repeats" in err


def test_an_events_file_is_drafted_for_the_events_source(tmp_path):
    patients = tmp_path / "data/raw/patients.csv"
    patients.parent.mkdir(parents=True)
    patients.write_text("patient_id,age\n" + "".join(f"P{i},{40 + i}\n" for i in range(12)), encoding="utf-8")
    events = tmp_path / "data/raw/events.csv"
    events.write_text(
        "patient_id,day,event\n"
        + "".join(
            f"P{i},{30 * i},{'relapse' if i % 2 else 'death'}\nP{i},{30 * i + 5},death\n" for i in range(6)
        ),
        encoding="utf-8",
    )
    assert init(tmp_path, patients, events) == 0
    text = (tmp_path / "config/config.yaml").read_text(encoding="utf-8")
    assert "table: events" in text and "event_column: event" in text
    assert re.search(r"event_types:\n\s*#?\s*death: death\n\s*#?\s*relapse: relapse", text)
    load_study(tmp_path / "config/config.yaml", base_dir=tmp_path)


def test_a_french_export_separator_decimal_encoding_and_identifiers(tmp_path, capsys):
    export = tmp_path / "export.csv"
    rows = "".join(
        f"{i};{'Dupont' if i % 2 else 'Martin'};1{i % 9},5;{'oui' if i % 3 else 'non'};2020-01-{i + 1:02d}\n"
        for i in range(10)
    )
    export.write_bytes(("patient;nom;Créatinine (mg/dL);fièvre;date_entree\n" + rows).encode("cp1252"))
    study = tmp_path / "study"
    assert init(study, export) == 0
    config = read_yaml(study / "config/config.yaml")
    source = config["sites"]["main"]["sources"][0]
    assert (source["separator"], source["decimal"], source["encoding"]) == (";", ",", "cp1252")
    assert source["identifiers"] == {"nom": "drop", "date_entree": "drop"}
    assert config["variables"]["creatinine"]["unit"] == "mg/dL"
    assert source["columns"]["fievre"]["map"] == {"non": False, "oui": True}
    assert main(["-C", str(study), "validate", "data/raw/export.csv"]) == 0, capsys.readouterr()


def test_an_xlsx_export(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["subject", "Ferritin (ng/mL)", "group", "glycosylated"])
    for i in range(9):
        sheet.append([f"S{i}", 100.5 + i, "a" if i % 2 else "b", 0.1 + i / 100])
        sheet.cell(row=i + 2, column=4).number_format = "0.0%"  # read as "10.0%", "11.0%"...
    export = tmp_path / "data/raw/export.xlsx"
    export.parent.mkdir(parents=True)
    book.save(export)
    assert init(tmp_path, export) == 0
    config = read_yaml(tmp_path / "config/config.yaml")
    assert config["variables"]["ferritin"]["unit"] == "ng/mL"
    assert config["variables"]["group"]["categories"] == ["a", "b"]
    assert config["variables"]["glycosylated"]["unit"] == "%"
    assert config["variables"]["glycosylated"]["range"] == [6, 22]
    assert main(["-C", str(tmp_path), "validate", "data/raw/export.xlsx"]) == 0
    assert config["sites"]["main"]["sources"][0]["path"] == "data/raw/export.xlsx"  # in place, not copied


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("ferritin_ng_ml", "ferritin", "ng/mL"),
        ("Ferritin (ng/mL)", "Ferritin", "ng/mL"),
        ("Ferritin [NG/ML]", "Ferritin", "ng/mL"),
        ("crp_mg_l", "crp", "mg/L"),
        ("follow_up_months", "follow_up", "months"),
        ("wbc_x10_9_l", "wbc", "x10^9/L"),
        ("fraction_pct", "fraction", "%"),
        ("vitamin_c", "vitamin_c", None),
        ("temp_min", "temp_min", None),
        ("days", "days", None),
    ],
)
def test_units_from_headers(header, name, unit):
    found = header_unit(header, ingest_rules())
    assert (found.name, found.unit) == (name, unit)


def test_a_header_unit_with_two_readings_gives_none_and_says_so():
    found = header_unit("platelets_g_l", ingest_rules())
    assert found.unit is None and "'G/L' or 'g/L'" in found.note


def test_pint_expressions_of_unknown_spellings():
    assert pint_expression("U/mL") == "enzyme_unit / milliliter"
    assert pint_expression("IU/mL") == "enzyme_unit / milliliter"
    assert pint_expression("10^3/mm3") == "1000 / millimeter ** 3"
    assert pint_expression("zzz/qq") is None
    assert pint_expression("12") is None  # a number is not a unit


def test_init_is_a_listed_subcommand_with_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "init" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["init", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: retrocohort init") and "STUDY_DIR" in out and "CONFIRM" in out


def test_the_documented_commands_work_from_the_directory_shown(tmp_path, monkeypatch, capsys):
    """docs/new-study.md, "Start from your files": the commands as typed there, from the
    directory holding `exports/` (the run itself: tests/e2e/test_init_study.py)."""
    import shlex

    doc = (ROOT / "docs/new-study.md").read_text(encoding="utf-8")
    section = doc.split("## Start from your files", 1)[1]
    commands = section.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert [c.split()[1] for c in commands] == ["init", "validate", "run"]
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports/patients.csv").write_bytes(
        (ROOT / "studies/pbc/data/raw/pbc_patients.csv").read_bytes()
    )
    (tmp_path / "exports/labs_long.csv").write_bytes(
        (ROOT / "studies/pbc/data/raw/pbcseq_labs_long.csv").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    for command in commands[:2]:
        args = shlex.split(command)
        assert args[0] == "retrocohort"
        assert main(args[1:]) == 0, (command, capsys.readouterr())
    out = capsys.readouterr().out
    assert commands[1] in out  # init prints the next commands as typed here
    assert "VALID: patients 418 rows" in out
    assert commands[2] in out


def test_rows_repeated_exactly_are_collapsed_and_said(tmp_path, capsys):
    patients = tmp_path / "data/raw/patients.csv"
    patients.parent.mkdir(parents=True)
    rows = "".join(f"P{i},{40 + i}\n" for i in range(8))
    patients.write_text("patient_id,age\n" + rows + "P1,41\n", encoding="utf-8")
    labs = tmp_path / "data/raw/labs.csv"
    body = "".join(f"P{i},0,crp,{10 + i},mg/L\n" for i in range(8))
    labs.write_text(
        "patient_id,day,variable,value,unit\n" + body + body + "P0,0,crp,99,mg/L\n", encoding="utf-8"
    )
    assert init(tmp_path, patients, labs) == 0
    config = read_yaml(tmp_path / "config/config.yaml")
    assert [s.get("duplicates") for s in config["sites"]["main"]["sources"]] == ["collapse_identical"] * 2
    text = (tmp_path / "config/config.yaml").read_text(encoding="utf-8")
    assert "8 rows repeat an earlier row exactly" in text
    assert "# TODO: 1 rows share patient, day and variable with another row but not its value" in text


def test_an_id_only_file_is_refused_and_text_in_a_long_file_is_left_to_the_user(tmp_path, capsys):
    only_id = tmp_path / "ids.csv"
    only_id.write_text("id\n1\n2\n", encoding="utf-8")
    assert init(tmp_path / "a", only_id) == 1
    assert "Nothing to draft" in capsys.readouterr().err
    patients = tmp_path / "patients.csv"
    patients.write_text("id,notes\n1,a b\n2,c d\n", encoding="utf-8")  # text only: no Table 1 row
    labs = tmp_path / "labs.csv"
    labs.write_text("id,day,test,result\n1,0,a,x\n1,1,a,y\n2,0,b,3\n", encoding="utf-8")
    assert init(tmp_path / "b", patients, labs) == 0
    config = tmp_path / "b/config/config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "# TODO: the rows of 'a' hold values that are not numbers" in text
    assert "tables: {}  # TODO: no variable to summarise" in text
    assert read_yaml(config)["sites"]["main"]["sources"][1]["variable_names"] == {"b": "b"}


def test_tiny_numbers_are_written_as_numbers(tmp_path):
    export = tmp_path / "data/raw/p.csv"
    export.parent.mkdir(parents=True)
    export.write_text("id,conc\n" + "".join(f"{i},0.00000{i + 1}\n" for i in range(5)), encoding="utf-8")
    assert init(tmp_path, export) == 0
    assert read_yaml(tmp_path / "config/config.yaml")["variables"]["conc"]["range"] == [
        0,
        0.000008,
    ]  # "8e-06" would read as a string


@pytest.mark.parametrize(
    ("name", "row"), [("flagship", "flagship:"), ("pbc", "`studies/pbc/"), ("mgus2", "`studies/mgus2/")]
)
def test_the_measured_table_of_the_docs_is_the_drafts(drafts, name, row):
    """docs/new-study.md states, per shipped study, the variables drafted, the CONFIRM marks and
    0 edits before the draft runs green: the same as the drafts made here."""
    doc = (ROOT / "docs/new-study.md").read_text(encoding="utf-8")
    line = next(line for line in doc.splitlines() if line.startswith(f"| {row}"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    text = (drafts[name] / "config/config.yaml").read_text(encoding="utf-8")
    assert cells[1:4] == [str(len(_variables(drafts[name]))), str(text.count("  # CONFIRM:")), "0"]


def test_a_counting_process_file_of_one_event_is_drafted_alone(tmp_path, capsys):
    """An invented counting-process export (as R's survival::cgd: baseline columns repeated on
    each interval row, tstart/tstop/status, no event-type column) is the study's only file."""
    rows = []
    for i in range(10):
        stops = [40 + 7 * i, 90 + 11 * i, 300][: 1 + i % 3]
        start = 0
        for k, stop in enumerate(stops, start=1):
            status = int(k < len(stops))
            arm = "placebo" if i % 2 else "drug"
            rows.append(f"{i + 1},{arm},{30 + i},2020-01-{i + 1:02d},{start},{k},{stop},{status}\n")
            start = stop
    export = tmp_path / "data/raw/intervals.csv"
    export.parent.mkdir(parents=True)
    export.write_text("id,arm,age,randomised,tstart,enum,tstop,status\n" + "".join(rows), encoding="utf-8")
    assert init(tmp_path, export) == 0, capsys.readouterr().err
    config = tmp_path / "config/config.yaml"
    study = load_study(config, base_dir=tmp_path)
    (source,) = study.data["sites"]["main"]["sources"]
    assert source["table"] == "events" and source["day_column"] == "tstop"
    assert source["event_type"] == "event" and source["status_column"] == "status"
    assert "event_column" not in source
    assert set(source["columns"]) == {"arm", "age"}
    assert source["identifiers"] == {"randomised": "drop"}
    assert study.data["variables"]["arm"]["table"] == "patients"
    text = config.read_text(encoding="utf-8")
    assert re.search(r"event_type: event +# CONFIRM: .*name it", text)
    assert re.search(r"# TODO: columns 'tstart', 'enum' vary within a patient", text)


def test_an_events_file_reads_no_column_of_the_patient_file_again_and_alone_needs_baseline(tmp_path, capsys):
    patients = tmp_path / "data/raw/patients.csv"
    patients.parent.mkdir(parents=True)
    patients.write_text("id,age\n" + "".join(f"{i},{40 + i}\n" for i in range(8)), encoding="utf-8")
    events = tmp_path / "data/raw/events.csv"
    events.write_text(
        "id,age,arm,stop,status\n"
        + "".join(
            f"{i},{40 + i},{'a' if i % 2 else 'b'},{10 + i},1\n{i},{40 + i},{'a' if i % 2 else 'b'},{90 + i},0\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    assert init(tmp_path, patients, events) == 0, capsys.readouterr().err
    study = load_study(tmp_path / "config/config.yaml", base_dir=tmp_path)
    assert set(study.data["variables"]) == {"age", "arm"}
    assert set(study.data["sites"]["main"]["sources"][1]["columns"]) == {"arm"}
    assert (
        "columns 'age' are read from the patient file already"
        in (tmp_path / "config/config.yaml").read_text()
    )
    alone = tmp_path / "alone"
    bare = tmp_path / "bare.csv"
    bare.write_text("id,stop,status\n1,10,1\n1,20,0\n2,15,0\n", encoding="utf-8")
    assert init(alone, bare) == 1
    err = capsys.readouterr().err
    assert "No patient-level export" in err and "no events file repeats baseline columns" in err


def test_a_file_without_an_id_column_is_drafted_with_row_numbers_and_runs(tmp_path, capsys):
    # R's write.csv(flchain, row.names = FALSE): one row per subject, no id column, the first
    # column (age) repeats; init refused it ("the patient id column 'age' repeats") (user trial)
    export = tmp_path / "data/raw/cohort.csv"
    export.parent.mkdir(parents=True)
    rows = "".join(f"{60 + i % 3},{'F' if i % 2 else 'M'},{1 + i / 10:.1f}\n" for i in range(12))
    export.write_text("age,sex,creatinine\n" + rows, encoding="utf-8")
    assert init(tmp_path, export) == 0
    source = read_yaml(tmp_path / "config/config.yaml")["sites"]["main"]["sources"][0]
    assert source.get("id_from_row") is True and "id_column" not in source
    assert "each row is taken as one patient" in (tmp_path / "config/config.yaml").read_text(encoding="utf-8")
    assert main(["validate", "-C", str(tmp_path), str(export)]) == 0
    assert "VALID: patients 12 rows" in capsys.readouterr().out


def test_row_numbers_as_ids_are_refused_where_they_cannot_name_patients(tmp_path):
    from retrocohort.config.source_checks import row_id_problems

    patients = {"path": "p.csv", "table": "patients", "id_from_row": True}
    labs = {"path": "l.csv", "table": "measurements", "id_column": "id"}
    alone = {"sites": {"s": {"sources": [patients]}}}
    assert row_id_problems(alone, "config.yaml") == []
    problems = row_id_problems({"sites": {"s": {"sources": [{**patients, "id_column": "id"}, labs]}}}, "c")
    said = " | ".join(p.message for p in problems)
    assert "both declared" in said and "in a study with 2 sources" in said
    long_file = {"sites": {"s": {"sources": [{**labs, "id_from_row": True}]}}}
    assert [p.column for p in row_id_problems(long_file, "c")] == ["sites/s/sources/0/id_from_row"] * 2


def _case_control_export(tmp_path: Path) -> Path:
    """R's write.csv(survival::nafld1): a unique ``id``, a ``case.id`` repeated by each case's
    controls, and a ``status`` column (death) that made the file look like long events."""
    export = tmp_path / "data/raw/cohort.csv"
    export.parent.mkdir(parents=True)
    rows = "".join(f"{i},{40 + i},{i - i % 3},{100 + 10 * i},{i % 2}\n" for i in range(12))
    export.write_text('"id","age","case.id","futime","status"\n' + rows, encoding="utf-8")
    return export


def test_a_unique_id_is_preferred_to_a_repeating_case_id(tmp_path, capsys):
    """init refused R's nafld1 export: "No day column ... a long (events) file needs the day of
    each row": it took the repeating ``case.id`` for the patient id (user trial)."""
    export = _case_control_export(tmp_path)
    assert init(tmp_path, export) == 0
    source = read_yaml(tmp_path / "config/config.yaml")["sites"]["main"]["sources"][0]
    assert source["table"] == "patients" and source["id_column"] == "id"
    assert main(["validate", "-C", str(tmp_path), str(export)]) == 0


def test_the_id_column_can_be_named_and_a_wrong_name_is_refused(tmp_path, capsys):
    export = _case_control_export(tmp_path)
    assert main(["init", str(tmp_path), str(export), "--id-column", "case.id"]) != 0
    err = capsys.readouterr().err
    assert "'case.id' repeats" in err and "--id-column" in err  # the guess named, and the way out
    assert main(["init", str(tmp_path), str(export), "--id-column", "patient"]) != 0
    assert "No export has the id column 'patient'" in capsys.readouterr().err
    assert main(["init", str(tmp_path), str(export), "--id-column", "id"]) == 0


def test_the_events_example_without_status_names_the_end_of_follow_up_and_loads(tmp_path):
    """The draft's example ``time_to_event: {events: [mi]}`` failed at load when uncommented
    ("no end of follow-up for event type 'mi'"): an events file without status gives no
    censoring day, so the example now names the patient file's follow-up time."""
    patients = _case_control_export(tmp_path)
    events = tmp_path / "data/raw/events.csv"
    events.write_text(
        "id,days,event\n" + "".join(f"{i},{5 * i},mi\n{i},{5 * i + 9},stroke\n" for i in range(0, 12, 2)),
        encoding="utf-8",
    )
    assert init(tmp_path, patients, events) == 0
    config = tmp_path / "config/config.yaml"
    text = config.read_text(encoding="utf-8")
    example = re.search(r"e\.g\. `derived: (\{.*\})`", text).group(1)
    assert "end_of_follow_up: futime" in example
    config.write_text(text + f"\nderived: {example}\n", encoding="utf-8")
    load_study(config, base_dir=tmp_path)


def test_two_variables_holding_the_same_values_are_named_for_the_user_to_check(tmp_path):
    """R's survival::nafld2 gives chol the values of hdl on every patient-day; the Table 1 of a
    user then printed a total cholesterol of 49 mg/dL. The draft names such pairs (long and
    wide files); two flags that are all 0 are not a copy; nothing is changed."""
    long = tmp_path / "data/raw/labs.csv"
    long.parent.mkdir(parents=True)
    rows = [f"P{i},0,{test},{40 + i}\n" for i in range(25) for test in ("hdl", "chol")]
    rows += [f"P{i},0,ldl,{100 + i % 7}\n" for i in range(25)]
    long.write_text("patient_id,day,test,value\n" + "".join(rows), encoding="utf-8")
    wide = tmp_path / "data/raw/patients.csv"
    wide.write_text(
        "patient_id,sbp,sbp_copy,flag_a,flag_b,age\n"
        + "".join(f"P{i},{110 + i},{110 + i},0,0,{30 + i % 5}\n" for i in range(25)),
        encoding="utf-8",
    )
    assert init(tmp_path, wide, long) == 0
    text = (tmp_path / "config/config.yaml").read_text(encoding="utf-8")
    assert "'chol' and 'hdl' have the same value in every patient-day where both are recorded" in text
    assert "'sbp' and 'sbp_copy' have the same value in every row where both have a value" in text
    assert "'flag_a' and 'flag_b'" not in text and "'ldl'" not in text
