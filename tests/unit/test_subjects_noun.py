"""The noun of a study's subjects (``study.subjects_noun``): a population cohort declaring
"participants" gets no "patient(s)" in what retrocohort writes (a user trial: flchain's
population subjects were called patients): tables in every format, the Results text and its
generated template (placeholders untouched), the figures' texts; the default stays "patients"
(declared in the schema only)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from retrocohort.config.study import load_study  # noqa: E402
from retrocohort.figures.flow import cohort_flow  # noqa: E402
from retrocohort.figures.save import save_figure  # noqa: E402
from retrocohort.manuscript.resolve import ResolvedText  # noqa: E402
from retrocohort.manuscript.results_files import write_results  # noqa: E402
from retrocohort.manuscript.wording import template_in_subjects_noun  # noqa: E402
from retrocohort.render.formats import TABLE_FORMATS  # noqa: E402
from retrocohort.render.model import Footnote, Marked, Row, Table  # noqa: E402
from retrocohort.tables.write import write_table_formats  # noqa: E402

PARTICIPANTS = {"singular": "participant", "plural": "participants"}
WORD = r"(?i)\bpatients?\b"


def _no_patient(text: str) -> bool:
    import re

    return re.search(WORD, text.replace("\\-", "-")) is None


def _table() -> Table:
    return Table(
        title="Table 1. Characteristics of the {n} patients",
        columns=["Characteristic", "Patients (n = 12)", "p-Value"],
        rows=[
            Row(["Age", "61", Marked("0.2", "a")]),
            Row(["No patient excluded"], section=True),
            Row([Marked("Female patients", "b"), "5 (42)", ""]),
        ],
        footnotes=[
            Footnote("a", "Mann-Whitney U test on 12 patients."),
            "Percentages of the patient(s) with a value.",
        ],
        label="t1",
    )


def test_the_schema_default_is_patients(root, monkeypatch):
    monkeypatch.chdir(root / "studies/mgus2")
    study = load_study(root / "studies/mgus2/config/config.yaml", base_dir=root / "studies/mgus2")
    assert study.data["study"]["subjects_noun"] == {"singular": "patient", "plural": "patients"}


@pytest.mark.parametrize("fmt", [f for f in TABLE_FORMATS if not f.binary], ids=lambda f: f.name)
def test_every_table_format_says_participants(tmp_path, fmt):
    paths = {f.name: tmp_path / f"t.{f.name}" for f in TABLE_FORMATS}
    write_table_formats(_table(), paths, preset="mdpi", subjects=PARTICIPANTS)
    text = paths[fmt.name].read_text(encoding="utf-8")
    assert _no_patient(text), text
    assert "participants" in text.lower() and "participant(s)" in text
    write_table_formats(_table(), paths, preset="mdpi")  # the default keeps the builders' word
    assert not _no_patient(paths[fmt.name].read_text(encoding="utf-8"))


def test_results_text_and_generated_template(tmp_path):
    config = {
        "study": {"title": "T", "synthetic_note": "S.", "subjects_noun": PARTICIPANTS},
        "tables": {"preset": "ama"},
    }
    out = {k: str(tmp_path / f"r.{k}") for k in ("results_md", "results_docx", "values")}
    template = tmp_path / "t.md"
    template.write_text("template", encoding="utf-8")
    write_results(
        ResolvedText("Of 12 patients assessed, 1 patient was excluded.", []),
        str(template),
        [],
        {},
        config,
        out,
    )
    assert (
        Path(out["results_md"]).read_text(encoding="utf-8")
        == "Of 12 participants assessed, 1 participant was excluded.\n"
    )
    template = template_in_subjects_noun(
        "Of {{ cohort.screened }} patients; {{ tables.km.patients.n }}", PARTICIPANTS
    )
    assert template == "Of {{ cohort.screened }} participants; {{ tables.km.patients.n }}"


def test_figure_texts_say_participants(tmp_path):
    flow = pd.DataFrame(
        [{"step": 1, "label": "Patients in the study data", "n_in": 10, "n_excluded": 2, "n_out": 8,
          "reason": "patients under 18"}]
    )  # fmt: skip
    fig = cohort_flow(flow, subjects=PARTICIPANTS)
    fig.axes[0].set_ylabel("Patients")  # an axis label, as the HScore and slope figures draw
    save_figure(fig, tmp_path / "flow", formats=("svg",), subjects=PARTICIPANTS)
    svg = (tmp_path / "flow.svg").read_text(encoding="utf-8")
    comments = [line for line in svg.splitlines() if line.strip().startswith("<!--")]  # the texts drawn
    assert any("Participants in the study" in c for c in comments), comments
    assert all(_no_patient(c) for c in comments), comments
