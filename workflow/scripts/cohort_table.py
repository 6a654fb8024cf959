"""Rule ``cohort_table``: one table the study declares by kind (``tables.<id>``), computed and
formatted by the kind registered in :mod:`retrocohort.kinds` (``descriptive``,
``regression``, ``listing``, ``comparison``, ``survival``, ``paired``) for the table's
population (``where:``), each long-format row at its time point. Writes the full-precision
statistics (CSV, JSON) and the formatted table in every registered table format (retrocohort.render.formats),
footnoted with every value of its variables changed by a declared policy
(``results/validation/adjustments.json``: "k values of X outside [a, b] set missing"); a
descriptive table declaring ``published_table`` marks (‡) the rows that differ from the paper."""

from retrocohort.audit.published import load_study
from retrocohort.ingest.policies import with_adjustment_footnotes
from retrocohort.io.csv_safe import safe_text_frame
from retrocohort.io.tabular import write_csv, write_json
from retrocohort.kinds import load_table_request, table_kind
from retrocohort.pipeline.step import optional_input, run_step
from retrocohort.stats.result import details_text, json_safe
from retrocohort.tables.published_marks import mark_published, published_rows
from retrocohort.tables.write import write_table_formats


def main(input: dict, output: dict, params: dict, config) -> None:
    request = load_table_request(input, config, params["table"])
    kind = table_kind(request.spec["kind"])
    stats = kind.statistics(request)
    flat = stats.assign(details=stats["details"].map(details_text)) if "details" in stats else stats
    write_csv(safe_text_frame(flat) if kind.free_text else flat, output["csv"])
    write_json(json_safe(stats.to_dict("records")), output["json"])
    table = kind.build(stats, request)
    if published := optional_input(input, "published"):  # reproduces one of the paper's: ‡ marks
        printed = published_rows(load_study(published).numbers, request.spec["published_table"])
        rule, hf = config["statistics"]["rounding"], config["statistics"]["quantile_type"]
        table = mark_published(table, stats, printed, rule, hf, "results/audit/audit.md")
    table = with_adjustment_footnotes(table, input["adjustments"], request.spec, config)
    write_table_formats(table, output, preset=config["tables"]["preset"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
