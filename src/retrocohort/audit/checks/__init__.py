"""The data-free checks: what printed numbers alone prove (see :mod:`retrocohort.audit`).

Foundation: ``rounding`` (printed vs computed), ``finding`` (one result). Checks: ``grim``,
``debit``, ``sprite``, ``statcheck``, ``quantile_checks``, ``impossible`` and
``impossible_spread``, ``consistency``, ``printed_p_check``, ``counts_only``, ``attainable``,
``hscore_totals``, ``stated_tests``; ``reported_stats`` runs the mean/SD/statistic families,
``data_free_rows`` turns findings into row statuses and ``study_checks.audit_study`` runs them
all on one study.
"""
