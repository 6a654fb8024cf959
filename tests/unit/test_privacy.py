"""Direct identifiers are refused unless dropped or pseudonymised; no network use anywhere."""

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.errors import ConfigError, InputError
from retrocohort.ingest.privacy import (
    apply_identifier_policy,
    identifier_kind_by_name,
    identifier_kind_by_values,
    pseudonym,
    scan_identifiers,
)
from retrocohort.ingest.sources import ingest_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Nom", "name"),
        ("first_name", "name"),
        ("Prénom", "name"),
        ("Date de naissance", "date of birth"),
        ("Date of birth", "date of birth"),
        ("DOB", "date of birth"),
        ("date_naissance", "date of birth"),
        ("IPP", "hospital number"),
        ("MRN", "hospital number"),
        ("hospital_number", "hospital number"),
        ("NIR", "national id"),
        ("SSN", "national id"),
        ("email", "contact details"),
        ("patient", None),
        ("patient_id", None),
        ("age", None),
        ("outcome", None),
        ("h_score", None),
        ("predisposing_precipitating_factors", None),
        ("live_status", None),
        ("parameter", None),
    ],
)
def test_identifier_column_names(name, kind):
    assert identifier_kind_by_name(name) == kind


@pytest.mark.parametrize(
    "values, kind",
    [
        (["1 85 05 75 123 456 78"], "French NIR / INSEE number"),
        (["2850575123456"], "French NIR / INSEE number"),
        (["123-45-6789"], "US social security number"),
        (["jean.dupont@chu.fr"], "e-mail address"),
        (["12/03/1961"], "full calendar date (possible date of birth)"),
        (["1961-03-12"], "full calendar date (possible date of birth)"),
        (["38", "M", "Tuberculosis, COVID-19", "1. CTC, 2. ANA", "13835", "2.5"], None),
    ],
)
def test_identifier_values(values, kind):
    found = identifier_kind_by_values(pd.Series(["x"] + values))
    assert (found[0] if found else None) == kind
    if found:
        assert found[1] == 1 and found[2] == values[0]  # first offending row index and value


def test_scan_names_file_row_column_value():
    frame = pd.DataFrame({"patient": ["1", "2"], "contact": ["", "a.b@c.org"], "name": ["A", "B"]})
    problems = [p.render() for p in scan_identifiers(frame, "f.csv", declared=[])]
    assert (
        "f.csv, row 3, column 'contact': value '[e-mail]': value looks like a direct identifier (e-mail address)"
        in problems[0]
    )
    assert "a.b@c.org" not in problems[0]  # the identifier is never echoed
    assert "column 'name': column name looks like a direct identifier (name)" in problems[1]
    assert scan_identifiers(frame, "f.csv", declared=["contact", "name"]) == []


def test_pseudonym_is_keyed_stable_and_not_the_value(monkeypatch):
    a = pseudonym(pd.Series(["123", "456", None]), b"k" * 16)
    b = pseudonym(pd.Series(["123"]), b"k" * 16)
    c = pseudonym(pd.Series(["123"]), b"j" * 16)
    assert a[0] == b[0] != c[0] and len(a[0]) == 16 and "123" not in a[0] and pd.isna(a[2])
    frame = pd.DataFrame({"ipp": ["123"], "nom": ["Dupont"], "age": ["3"]})
    monkeypatch.setenv("RC_TEST_SALT", "s" * 20)
    out = apply_identifier_policy(
        frame,
        {"identifiers": {"ipp": "pseudonymise", "nom": "drop"}, "pseudonym_salt_env": "RC_TEST_SALT"},
        "f",
    )
    assert list(out.columns) == ["ipp", "age"] and out["ipp"][0] != "123"
    monkeypatch.delenv("RC_TEST_SALT")
    with pytest.raises(ConfigError, match="RC_TEST_SALT is unset"):
        apply_identifier_policy(
            frame, {"identifiers": {"ipp": "pseudonymise"}, "pseudonym_salt_env": "RC_TEST_SALT"}, "f"
        )


def _site(tmp_path, patients: str, policy: dict | None = None):
    (tmp_path / "p.csv").write_text(patients, encoding="utf-8")
    src = {
        "path": "p.csv",
        "table": "patients",
        "id_column": "ipp",
        "columns": {"age": {"column": "age", "unit": "years"}},
        **(policy or {}),
    }
    cfg = {
        "variables": {"age": {"kind": "continuous", "table": "patients", "unit": "years"}},
        "sites": {"s": {"sources": [src]}},
    }
    cfg = filled(cfg)
    return ingest_site("s", cfg["sites"]["s"], cfg, tmp_path)


def test_identifiers_refused_then_accepted_when_declared(tmp_path, monkeypatch):
    raw = "ipp,nom,age\n8001234,Dupont,38\n8001235,Martin,41\n"
    with pytest.raises(InputError) as err:
        _site(tmp_path, raw)
    text = str(err.value)
    assert (
        "row 2, column 'ipp': value '[7 digits]': column name looks like a direct identifier (hospital number)"
        in text
    )
    assert "8001234" not in text
    assert "column 'nom'" in str(err.value)
    monkeypatch.setenv("RC_SALT", "0123456789abcdef")
    tables = _site(
        tmp_path,
        raw,
        {"identifiers": {"ipp": "pseudonymise", "nom": "drop"}, "pseudonym_salt_env": "RC_SALT"},
    )
    flat = tables.patients.astype(str).to_csv()
    assert "8001234" not in flat and "Dupont" not in flat and "Martin" not in flat
    assert tables.patients["age"].tolist() == [38, 41]


NETWORK_MODULES = {
    "socket",
    "urllib",
    "urllib2",
    "urllib3",
    "requests",
    "http",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "telnetlib",
    "paramiko",
    "websocket",
    "xmlrpc",
    "pycurl",
}


def _code_files():
    yield from (ROOT / "src").rglob("*.py")
    yield from (ROOT / "workflow").rglob("*.py")
    yield from (ROOT / "workflow").rglob("*.smk")
    yield ROOT / "Snakefile"


def test_no_network_modules_or_urls_in_pipeline_code():
    """No pipeline code imports a network module or fetches a URL (comments/docstrings aside)."""
    offenders = []
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            tree = ast.parse(text)
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                offenders += [f"{path}: import {n}" for n in names if n.split(".")[0] in NETWORK_MODULES]
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and re.search(r"\b(https?|ftp)://", node.value)
                    and not _is_docstring(tree, node)
                ):
                    offenders.append(f"{path}: URL string {node.value[:60]!r}")
        else:
            code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
            offenders += [f"{path}: {m.group(0)}" for m in re.finditer(r"\b(https?|ftp)://\S+", code)]
            offenders += [
                f"{path}: {m.group(0)}"
                for m in re.finditer(r"\b(import|from)\s+(" + "|".join(NETWORK_MODULES) + r")\b", code)
            ]
    assert offenders == []


def _is_docstring(tree: ast.AST, node: ast.Constant) -> bool:
    for parent in ast.walk(tree):
        body = getattr(parent, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and body[0].value is node:
            return True
    return False


def test_the_network_scan_can_fail(tmp_path):
    """The scan above is not vacuous: it flags a file that does use the network."""
    bad = tmp_path / "x.py"
    bad.write_text("import urllib.request\nurllib.request.urlopen('https://example.org')\n")
    tree = ast.parse(bad.read_text())
    imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert imports[0].split(".")[0] in NETWORK_MODULES


def test_csv_frame_neutralises_text_categories_and_headers_vectorised():
    from retrocohort.io.csv_safe import safe_csv_frame

    df = pd.DataFrame(
        {
            "id": pd.Series(["=1+1", "p2", None], dtype="string"),
            "cat": pd.Categorical(["@SUM(A1)", "b", "b"]),
            "-x": [-1.5, 2.0, 3.0],
            "mixed": pd.Series(["+cmd", 5, "-3"], dtype=object),
        }
    )
    out = safe_csv_frame(df)
    assert out["id"].tolist()[:2] == ["'=1+1", "p2"] and pd.isna(out["id"].iloc[2])
    assert out["cat"].tolist() == ["'@SUM(A1)", "b", "b"] and isinstance(
        out["cat"].dtype, pd.CategoricalDtype
    )
    assert list(out.columns) == ["id", "cat", "'-x", "mixed"] and out["'-x"].tolist() == [-1.5, 2.0, 3.0]
    assert out["mixed"].tolist() == ["'+cmd", 5, "-3"]
    assert df["id"].iloc[0] == "=1+1"  # input untouched


# --- identifiers inside free text, hospital-number ids, paths out of the study -------------------

from retrocohort.config.paths import resolve_inside  # noqa: E402
from retrocohort.ingest.privacy import (  # noqa: E402
    REDACTED,
    embedded_identifier_problems,
    id_column_problems,
    redact_embedded_identifiers,
)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("contact: jean.dupont@chu-lyon.fr for details", "e-mail address"),
        ("Mme DUPONT Marie, nee le 12/03/1984, suivie", "date of birth"),
        ("Patient né(e) le 1.3.84 à Lyon", "date of birth"),
        ("tel 06 12 34 56 78 (fille)", "phone number"),
        ("joindre au 06.12.34.56.78", "phone number"),
        ("appeler +33 6 12 34 56 78", "phone number"),
        ("call +1 (415) 555-2671", "phone number"),
        ("NIR: 1.85.05.75.123.456.78", "French NIR / INSEE number"),
        ("nir 1-85-05-75-123-456", "French NIR / INSEE number"),
        ("SSN 123 45 6789 on file", "US social security number"),
        ("seen on 03/04/2021 for relapse", "full calendar date (possible date of birth)"),
    ],
)
def test_identifiers_inside_free_text_are_found_and_never_echoed(text, kind):
    frame = pd.DataFrame({"id": ["p1", "p2"], "outcome": ["Favourable evolution", text]})
    problems = embedded_identifier_problems(frame, "p.csv", skip={"id"})
    assert len(problems) == 1
    p = problems[0]
    assert (p.row, p.column) == (3, "outcome") and kind in p.message and "[" in p.value and text != p.value
    assert "free_text_identifiers: redact" in p.expected


def test_every_identifier_in_a_refused_cell_is_masked():
    """Issue 21: a refused cell echoed its second e-mail address and its phone number (only the
    first match was masked)."""
    cell = "écrire à a.dupont@chu.fr ou b.martin@chu.fr, tél 06 12 34 56 78, NIR 1 85 05 75 123 456"
    frame = pd.DataFrame({"id": ["p1", "p2"], "outcome": ["ok", cell]})
    (problem,) = embedded_identifier_problems(frame, "p.csv", skip={"id"})
    shown = problem.render()
    for secret in ("a.dupont@chu.fr", "b.martin@chu.fr", "06 12 34 56 78", "1 85 05 75 123 456", "chu.fr"):
        assert secret not in shown
    assert problem.value == "écrire à [e-mail] ou [e-mail], tél [phone], NIR [NIR]"


def test_mask_identifiers_masks_every_match_of_every_pattern():
    from retrocohort.ingest.privacy import mask_identifiers

    text = "x@y.org, z@w.com; +33 6 12 34 56 78 / 07.11.22.33.44; 123-45-6789; née le 12/03/1961"
    masked = mask_identifiers(text)
    assert not re.search(r"@|\d{2}[ .]\d{2}|6789|1961", masked), masked
    assert (
        mask_identifiers("Favourable evolution, ferritin 14 835") == "Favourable evolution, ferritin 14 835"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Recurrence of IRIS without criterion of sHLH at 1 month.",
        "1. CTC, 2. VP16, 3. ANA + CTC",
        "HScore 309, ferritin 14 835 µg/L, day 7",
        "Tuberculosis, COVID-19",
        "CRP 120 mg/L +12 %",
        "HLH-2004 protocol",
        "score 2.5-3.0",
        "platelets 45 G/L (2019)",
    ],
)
def test_clinical_text_is_not_mistaken_for_identifiers(text):
    frame = pd.DataFrame({"outcome": [text]})
    assert embedded_identifier_problems(frame, "p.csv", skip=()) == []


def test_redact_policy_replaces_only_the_identifier():
    frame = pd.DataFrame({"outcome": ["Mme X, tel 06 12 34 56 78, favourable", "ok"]})
    out = redact_embedded_identifiers(frame, skip=())
    assert out["outcome"].tolist() == [f"Mme X, tel {REDACTED}, favourable", "ok"]
    assert embedded_identifier_problems(out, "p.csv", skip=()) == []


def test_redact_policy_at_ingestion(tmp_path):
    (tmp_path / "p.csv").write_text(
        'patient,outcome\np1,"née le 12/03/1984, alive"\np2,ok\n', encoding="utf-8"
    )
    cfg = {
        "variables": {"outcome": {"kind": "text", "table": "patients"}},
        "sites": {
            "s": {
                "sources": [
                    {
                        "path": "p.csv",
                        "table": "patients",
                        "id_column": "patient",
                        "columns": {"outcome": {"column": "outcome"}},
                    }
                ]
            }
        },
    }
    cfg = filled(cfg)
    with pytest.raises(InputError, match=r"free text contains a direct identifier \(date of birth\)"):
        ingest_site("s", cfg["sites"]["s"], cfg, tmp_path)
    cfg["sites"]["s"]["sources"][0]["free_text_identifiers"] = "redact"
    cfg = filled(cfg)
    tables = ingest_site("s", cfg["sites"]["s"], cfg, tmp_path)
    assert tables.patients["outcome"].tolist() == [f"{REDACTED}, alive", "ok"]


def test_hospital_number_ids_are_refused_whatever_the_name():
    assert id_column_problems(pd.Series(["p1", "p2", "1234567x"]), "p.csv", "patient") == []
    (problem,) = id_column_problems(pd.Series(["x", "12345678", "87654321"]), "p.csv", "patient")
    assert problem.row == 3 and "2 of 3 patient ids" in problem.message and "pseudonymise" in problem.expected
    assert "12345678" not in problem.render() and problem.value == "[8 digits]"
    assert id_column_problems(pd.Series(["12345678"]), "p.csv", "patient", pseudonymous=True) == []


def test_raw_paths_and_symlinks_out_of_the_study_are_refused_before_reading(tmp_path):
    study = tmp_path / "study"
    (study / "data").mkdir(parents=True)
    secret = tmp_path / "secret.csv"
    secret.write_text("patient,outcome\nTOP-SECRET-LINE,x\n", encoding="utf-8")
    (study / "data" / "p.csv").symlink_to(secret)
    for relative in ("data/p.csv", "../secret.csv", str(secret)):
        with pytest.raises(InputError) as err:
            resolve_inside(study, relative)
        assert "outside the study directory" in str(err.value) and "TOP-SECRET" not in str(err.value)
    with pytest.raises(InputError, match="through a symbolic link"):
        resolve_inside(study, "data/p.csv")
    (study / "data" / "q.csv").write_text("x\n", encoding="utf-8")
    assert resolve_inside(study, "data/q.csv") == (study / "data" / "q.csv").resolve()
    cfg = {
        "variables": {"outcome": {"kind": "text", "table": "patients"}},
        "sites": {
            "s": {
                "sources": [
                    {
                        "path": "data/p.csv",
                        "table": "patients",
                        "id_column": "patient",
                        "columns": {"outcome": {"column": "outcome"}},
                    }
                ]
            }
        },
    }
    cfg = filled(cfg)
    with pytest.raises(InputError) as err:
        ingest_site("s", cfg["sites"]["s"], cfg, study)
    assert "TOP-SECRET" not in str(err.value)
