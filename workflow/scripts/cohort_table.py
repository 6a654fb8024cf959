"""Rule ``cohort_table``: one table the study declares by kind (``tables.<id>``), computed and
formatted by the kind registered in :mod:`retrocohort.kinds` (``descriptive``,
``regression``, ``listing``, ``comparison``, ``survival``; ``paired`` tables have rule
``paired_table``) for the table's population (``where:``), each long-format row at its time
point. Writes the full-precision statistics (CSV, JSON) and the formatted table in every
registered table format (retrocohort.render.formats), footnoted with every value of its
variables changed by a declared policy (``results/validation/adjustments.json``: "k values of X
outside [a, b] set missing"; :func:`retrocohort.kinds.outputs.write_table_files`); a descriptive
table declaring ``published_table`` marks (‡) the rows that differ from the paper."""

from retrocohort.audit.published import load_study
from retrocohort.kinds import load_table_request, table_kind
from retrocohort.kinds.outputs import write_table_files
from retrocohort.pipeline.step import optional_input, run_step
from retrocohort.tables.published_marks import mark_published, published_rows


def main(input: dict, output: dict, params: dict, config) -> None:
    request = load_table_request(input, config, params["table"])
    kind = table_kind(request.spec["kind"])
    marks = None
    if published := optional_input(input, "published"):  # reproduces one of the paper's: ‡ marks
        printed = published_rows(load_study(published).numbers, request.spec["published_table"])
        rule, hf = config["statistics"]["rounding"], config["statistics"]["quantile_type"]

        def marks(table, stats):
            return mark_published(table, stats, printed, rule, hf, "results/audit/audit.md")

    write_table_files(kind, request, kind.statistics(request), input, output, config, marks)


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
