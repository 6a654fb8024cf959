"""Parse numbered treatment lines ("1. CTC, 2. VP16, 3. ANA + CTC") into one row per agent."""

from __future__ import annotations

import re

import pandas as pd

from retrocohort.errors import Problem

TREATMENT_COLUMNS = ["patient_id", "site", "line", "agent"]
_LINE_PATTERN = re.compile(r"(\d+)\.\s*(.+?)\s*(?=,\s*\d+\.|$)")


def parse_treatment_lines(text: pd.Series, ids: pd.Series, *, file: str, column: str,
                          missing: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse "1. CTC, 2. VP16, 3. ANA + CTC" into (patient_id, line, agent) rows.

    Lines must be numbered 1, 2, 3... in order; '+' separates agents combined in one line.
    """
    rows: list[tuple[str, int, str]] = []
    problems: list[Problem] = []
    text = text.astype("string")
    for idx, pid, cell in zip(text.index, ids, text):
        if pd.isna(cell) or cell.strip() in missing:
            continue
        found = _LINE_PATTERN.findall(cell.strip())
        numbers = [int(n) for n, _ in found]
        if not found or numbers != list(range(1, len(found) + 1)):
            problems.append(Problem("cannot parse treatment lines", file=file,
                                    row=int(idx) + 2, column=column, value=cell,
                                    expected="'1. AGENT, 2. AGENT + AGENT, ...' numbered from 1"))
            continue
        rows += [(pid, n, a.strip()) for n, agents in found for a in agents.split("+")]
    frame = pd.DataFrame(rows, columns=["patient_id", "line", "agent"])
    return frame.astype({"patient_id": "string", "line": "int64", "agent": "string"}), problems
