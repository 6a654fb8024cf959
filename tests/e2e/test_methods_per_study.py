"""End to end: the Methods page of the report and results/manuscript/methods.md of each shipped
study (the flagship config/, studies/pbc, studies/mgus2, .test) list the methods its statistics files record,
and nothing about a stage the study lacks (issue 22, deliverable 5).

The flagship reuses the session's full run (conftest ``flagship``); studies/pbc and .test run
only the targets ``results/manuscript/methods.md`` (the statistics rules it needs) and
``results/provenance/inputs.json``. The Methods
page is rendered as ``snakemake --report`` renders the workflow description: Jinja (same
settings, ``snakemake.config`` = the escaped study config) then docutils, in the run directory
so its ``.. include::`` of ``results/manuscript/methods.rst`` resolves.
"""

import re
from pathlib import Path

import pytest
from docutils.core import publish_parts
from jinja2 import Environment

from retrocohort.config.study import load_study
from retrocohort.render.rst import rst_escape_text
from study import ROOT, warm_copy

pytestmark = pytest.mark.e2e

#: Targets the report defines (categories of the report) and the page links to.
REPORT_TARGETS = "\n\n.. _4. Provenance: #provenance\n.. _6. Reviewer notebook: #notebook\n"


def _methods_only(tmp_path_factory, name: str, study_dir: Path) -> Path:
    """A copy of the session's complete run of ``study_dir`` (rule all builds both files)."""
    work = warm_copy(tmp_path_factory, tmp_path_factory.mktemp(name), study_dir)
    targets = ("results/manuscript/methods.md", "results/provenance/inputs.json")  # the page includes both
    assert all((work / target).is_file() for target in targets)
    return work


@pytest.fixture(scope="module")
def pbc(tmp_path_factory) -> Path:
    return _methods_only(tmp_path_factory, "pbc_methods", ROOT / "studies" / "pbc")


@pytest.fixture(scope="module")
def mgus2(tmp_path_factory) -> Path:
    return _methods_only(tmp_path_factory, "mgus2_methods", ROOT / "studies" / "mgus2")


@pytest.fixture(scope="module")
def dot_test(tmp_path_factory) -> Path:
    return _methods_only(tmp_path_factory, "dottest_methods", ROOT / ".test")


def methods_page(work: Path, monkeypatch) -> str:
    """Plain text of the report's Methods section (up to the software versions)."""
    monkeypatch.chdir(work)

    class Snakemake:
        config = rst_escape_text(load_study(Path("config/config.yaml")).data)

    template = (work / "workflow/report/workflow.rst").read_text(encoding="utf-8") + REPORT_TARGETS
    rst = Environment(trim_blocks=True, lstrip_blocks=True).from_string(template).render(snakemake=Snakemake)
    html = publish_parts(rst, writer_name="html", settings_overrides={"report_level": 5})["html_body"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    start, end = text.index("Statistical methods"), text.index("Software versions and input checksums")
    return text[start:end]


def _methods_md(work: Path) -> str:
    return (work / "results/manuscript/methods.md").read_text(encoding="utf-8")


def test_pbc_methods_name_its_analyses_and_nothing_it_lacks(pbc, monkeypatch):
    page, text = methods_page(pbc, monkeypatch), _methods_md(pbc)
    for where in (page, text):
        for phrase in (
            "Kaplan–Meier",
            "Cox proportional-hazards",
            "Logistic regression",
            "chi-square",
            "Baseline and 1 year",
            "Fisher's exact",  # Table 8 (kind: comparison): ascites by sex
        ):
            assert phrase in where, phrase
        for phrase in ("Day 7", "Day 0", "HScore", "McNemar"):
            assert phrase not in where, phrase


def test_mgus2_methods_name_its_cohort_analyses_and_nothing_it_lacks(mgus2, monkeypatch):
    """The observational cohort: Table 1 by sex, two survival tables, Cox and logistic models;
    no paired test, no HScore, no exact test (every expected count is at least 5)."""
    page, text = methods_page(mgus2, monkeypatch), _methods_md(mgus2)
    for where in (page, text):
        for phrase in (
            "Mann–Whitney U",
            "chi-square",
            "Kaplan–Meier",
            "log-rank",
            "Cox proportional-hazards",
            "Logistic regression",
            "Progression to plasma-cell malignancy",
            "Aalen–Johansen",
            "Gray",
        ):
            assert phrase in where, phrase
        for phrase in ("Day 0", "Day 7", "HScore", "McNemar", "signed-rank", "Friedman", "Fisher"):
            assert phrase not in where, phrase


def test_dot_test_methods_name_its_paired_tests_and_no_survival(dot_test, monkeypatch):
    page, text = methods_page(dot_test, monkeypatch), _methods_md(dot_test)
    for where in (page, text):
        for phrase in ("Wilcoxon signed-rank", "Day 0 and Day 7", "HScore", "Holm"):
            assert phrase in where, phrase
        for phrase in (
            "McNemar",
            "Kaplan",
            "proportional-hazards",
            "Logistic regression",
            "chi-square",
        ):  # no binary parameter
            assert phrase not in where, phrase


def test_flagship_methods_name_its_paired_tests_and_hscore(flagship, monkeypatch):
    page, text = methods_page(flagship, monkeypatch), _methods_md(flagship)
    for where in (page, text):
        for phrase in (
            "Wilcoxon signed-rank",
            "McNemar",
            "Day 0 and Day 7",
            "HScore",
            "Kaplan–Meier",
            "Fisher's exact",
        ):
            assert phrase in where, phrase
        for phrase in ("proportional-hazards", "Logistic regression", "Kruskal"):
            assert phrase not in where, phrase
