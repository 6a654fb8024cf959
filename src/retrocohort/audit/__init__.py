"""Reviewer audit: every printed number of a published paper, as data, checked for consistency.

The audit is split by concern into one module and four subpackages. Each may import only the
parts listed before it in its own line below (``tests/unit/test_architecture.py`` asserts it,
and that no part imports this package's ``__init__``, which sits above them all):

``published`` (module)
    The published-paper model: load and validate ``config/published/*.yaml`` into
    :class:`~retrocohort.audit.published.PublishedStudy` (every number kept as printed). Imports
    no other part: the synthetic-data builder and the draft reader use it without the checks.
``checks/`` (imports ``published``)
    What the printed numbers alone prove, no patient data: ``rounding`` (printed vs computed,
    the arithmetic every check shares) and ``finding`` (one result and its status), then the
    check families — ``grim``, ``debit``, ``sprite``, ``statcheck``, ``quantile_checks``,
    ``impossible``/``impossible_spread``, ``consistency``, ``printed_p_check``, ``counts_only``,
    ``attainable``, ``hscore_totals``, ``stated_tests`` — and the modules that gather them:
    ``reported_stats`` (GRIM, GRIMMER, DEBIT, SPRITE-style search, statcheck as findings),
    ``data_free_rows`` (findings as row statuses) and ``study_checks`` (:func:`audit_study`).
``draft/`` (imports ``published``)
    The draft reader of ``retrocohort audit draft``: pasted text -> located blocks
    (``draft_text``) -> guessed numbers (``draft_numbers``) -> a draft YAML (``draft``). It
    shares only the published model's vocabulary with the rest.
``regen/`` (imports ``published``, ``checks``)
    The same numbers regenerated from per-patient data: ``study_inputs`` and ``calibration``
    read a finished run, ``regen_model`` (the data model), ``regen_definitions``,
    ``regen_paired``, ``groups`` and ``regenerated`` recompute every entry under every method,
    ``compare`` gives one rounding-aware status per entry, ``unknowns`` and ``unknown_entries``
    treat missing values as parameters. It reuses the checks' rounding, quantile and 2x2-test
    arithmetic, never the other way round: the checks run without data.
``report/`` (imports ``published``, ``checks``, ``regen``)
    Assembly and output: ``study_audit`` (one study as JSON-ready data), ``summary_sentences``
    and ``referee`` (the findings as sentences), ``method_examples`` (the methods' published
    worked examples rerun for the closing note), ``report`` (Markdown, HTML, CSV) and ``batch``
    (the ``retrocohort audit`` command's engine).

Why this cut: the four concerns change for different reasons (the YAML format, a check method,
the text heuristics, the report layout), and the import direction is the data flow — a paper is
read, checked, regenerated, reported. This ``__init__`` re-exports the public entry points below.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Each re-exported name's module, imported on first use (PEP 562): a table step that reads the
#: published model (``retrocohort.audit.published``) runs this ``__init__`` first, and must not
#: pay for the checks and the ``scipy.stats`` they import.
_HOMES = {
    "Finding": "retrocohort.audit.checks.finding",
    "audit_study": "retrocohort.audit.checks.study_checks",
    "check_p_values": "retrocohort.audit.checks.attainable",
    "check_study": "retrocohort.audit.checks.consistency",
    "load_study": "retrocohort.audit.published",
}
__all__ = ["Finding", "audit_study", "check_p_values", "check_study", "load_study"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'retrocohort.audit' has no attribute {name!r}")
