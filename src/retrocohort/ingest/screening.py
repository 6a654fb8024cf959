"""Privacy screening of one raw source, before any cell is typed.

In order: the source's declared ``identifiers`` are dropped or pseudonymised
(:func:`retrocohort.ingest.privacy.apply_identifier_policy`); every other column is scanned for
direct identifiers by name and by value (:func:`retrocohort.ingest.privacy.scan_identifiers`)
and inside free text (redacted under ``free_text_identifiers: redact``), except that columns
named by their role (:data:`ROLE_KEYS`: a long file's ``variable_column: name`` holds variable
names) are not judged by their names; the declared ``id_column`` is judged by :func:`retrocohort.ingest.privacy.id_column_problems` (accepted whatever
its name unless name and values together look like a hospital number; ``id_is_pseudonymous``).
"""

from __future__ import annotations

import pandas as pd

from retrocohort.errors import Problem
from retrocohort.ingest.privacy import (
    apply_identifier_policy,
    embedded_identifier_problems,
    id_column_problems,
    redact_embedded_identifiers,
    scan_identifiers,
)

#: Source keys naming a column by its role: their names are never taken for identifiers.
ROLE_KEYS = ("id_column", "day_column", "variable_column", "value_column", "unit_column")


def screen_source(
    frame: pd.DataFrame, source: dict, variables: dict, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """(the raw frame with declared identifiers dropped or pseudonymised, privacy problems)."""
    frame = apply_identifier_policy(frame, source, file)
    declared = _declared_columns(source)
    numeric = _numeric_columns(source, variables)
    id_col = source["id_column"]
    roles = [source[k] for k in ROLE_KEYS if k in source]
    whole_cell = scan_identifiers(frame, file, declared=declared, value_scan_skip=numeric, role_columns=roles)
    skip = declared | numeric | {p.column for p in whole_cell}
    if source["free_text_identifiers"] == "redact":
        frame = redact_embedded_identifiers(frame, skip=skip)
    problems = whole_cell + embedded_identifier_problems(frame, file, skip=skip)
    if id_col in frame and id_col not in declared:
        problems += id_column_problems(frame[id_col], file, id_col, pseudonymous=source["id_is_pseudonymous"])
    return frame, problems


def _declared_columns(source: dict) -> set[str]:
    """Columns the config has already classified: identifiers (after the policy) and dates."""
    dates = {source[k] for k in ("date_column", "origin_date_column") if k in source}
    return set(source.get("identifiers") or {}) | dates


def _numeric_columns(source: dict, variables: dict) -> set[str]:
    """Columns typed as numbers (or, in long files, joined to the patients) whose values are not
    scanned for identifiers: a non-number there is already an error, and an identifier that
    parses as a number (a 13-digit NIR) falls outside every plausible range."""
    if source["table"] != "measurements":
        return {
            m["column"]
            for v, m in source.get("columns", {}).items()
            if "map" not in m and variables.get(v, {}).get("kind") in ("continuous", "count")
        }
    return {source[k] for k in ("id_column", "day_column", "value_column") if k in source}
