"""Rule ``cohort_table``: one table the study declares by kind (``tables.<id>``), computed and
formatted by the kind registered in :mod:`retrocohort.kinds` (``descriptive``,
``regression``, ``listing``, ``comparison``, ``survival``; ``paired`` tables have rule
``paired_table``) for the table's population (``where:``), each long-format row at its time
point. Writes the full-precision statistics (CSV, JSON) and the formatted table in every
registered table format (retrocohort.render.formats), footnoted with every value of its
variables changed by a declared policy (``results/validation/adjustments.json``: "k values of X
outside [a, b] set missing"; :func:`retrocohort.kinds.outputs.write_table_files`)."""

from retrocohort.kinds import load_table_request, table_kind
from retrocohort.kinds.outputs import write_table_files
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    request = load_table_request(input, config, params["table"])
    kind = table_kind(request.spec["kind"])
    write_table_files(kind, request, kind.statistics(request), input, output, config)


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
