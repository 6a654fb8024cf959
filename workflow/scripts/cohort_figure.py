"""Rule ``cohort_figure``: one figure of a table declared by kind (a Kaplan–Meier curve of a
``survival`` table's analysis), drawn by the kind registered in :mod:`retrocohort.kinds`,
with the numbers it prints (numbers at risk) as CSV."""

from pathlib import Path

from retrocohort.io.tabular import write_csv
from retrocohort.kinds import load_table_request, table_kind
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    request = load_table_request(input, config, params["table"])
    kind = table_kind(request.spec["kind"])
    printed = kind.draw(request, params["figure"], str(Path(output["png"]).with_suffix("")))
    write_csv(printed, output["numbers"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
