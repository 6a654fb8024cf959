"""Parse numbered treatment lines ("1. CTC, 2. VP16, 3. ANA + CTC") into one row per agent.

Lines are numbered 1, 2, 3... in order and separated by ``,`` or ``;``; ``+`` joins agents given
together in one line. Agents are read against the study's declared vocabulary (``agents:``:
code -> synonyms, compared by :func:`retrocohort.config.agents.agent_key`, i.e. case-insensitive
after NFKC), so ``2. ana`` and ``2. Anakinra`` are the agent ``ANA``; an agent outside the
vocabulary, or a cell that is not numbered lines, is an error naming patient, file, row and text.
Without a declared vocabulary agents are kept as written, and an agent that differs from one
named in ``derived:`` only by case or spacing is an error (it would silently not match).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import pandas as pd

from retrocohort.config.agents import agent_key
from retrocohort.errors import Problem

TREATMENT_COLUMNS = ["patient_id", "site", "line", "agent"]
_LINE_PATTERN = re.compile(r"(\d+)\.\s*(.+?)\s*(?=[,;]\s*\d+\.|$)")
_FORMAT = "'1. AGENT, 2. AGENT + AGENT, ...' (or ';' between lines) numbered from 1"


def _agent_code(
    agent: str, vocabulary: Mapping[str, str], named: Mapping[str, str]
) -> tuple[str | None, str]:
    """(code, why not when None) of one written agent."""
    if not agent:
        return None, "empty agent"
    if vocabulary:
        code = vocabulary.get(agent_key(agent))
        return code, "" if code else f"unknown agent {agent!r}"
    twin = named.get(agent_key(agent))
    if twin is not None and twin != agent:
        return None, f"agent {agent!r} spelled differently from {twin!r} (named in `derived:`)"
    return agent, ""


def parse_treatment_lines(
    text: pd.Series,
    ids: pd.Series,
    *,
    file: str,
    column: str,
    missing: list[str],
    vocabulary: Mapping[str, str] | None = None,
    named: Collection[str] = (),
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse treatment-line cells into (patient_id, line, agent) rows, agents as declared codes.

    Parameters
    ----------
    text, ids
        The raw treatment cells and the patient id of each row (same index; row = index + 2).
    vocabulary
        :func:`retrocohort.config.agents.agent_vocabulary` (folded spelling -> code); empty or
        None: agents kept as written.
    named
        Agents named by ``derived:`` operations (checked for case/spacing variants when no
        vocabulary is declared).
    """
    vocabulary = vocabulary or {}
    named_keys = {agent_key(a): a for a in named}
    expected_agent = (
        "an agent declared under `agents:` (code or synonym): " + ", ".join(sorted(set(vocabulary.values())))
        if vocabulary
        else "the spelling used in `derived:`, or declare `agents:` with synonyms"
    )
    rows: list[tuple[str, int, str]] = []
    problems: list[Problem] = []
    text = text.astype("string")
    for idx, pid, cell in zip(text.index, ids, text):
        if pd.isna(cell) or cell.strip() in missing:
            continue
        found = _LINE_PATTERN.findall(cell.strip())
        numbers = [int(n) for n, _ in found]
        if not found or numbers != list(range(1, len(found) + 1)):
            problems.append(
                Problem(
                    "cannot parse treatment lines",
                    file=file,
                    row=int(idx) + 2,
                    column=column,
                    value=cell,
                    expected=_FORMAT,
                )
            )
            continue
        for number, agents in found:
            for written in (a.strip() for a in agents.split("+")):
                code, reason = _agent_code(written, vocabulary, named_keys)
                if code is None:
                    problems.append(
                        Problem(
                            f"treatment line {number}: {reason}",
                            file=file,
                            row=int(idx) + 2,
                            column=column,
                            value=cell,
                            expected=expected_agent,
                        )
                    )
                else:
                    rows.append((pid, int(number), code))
    frame = pd.DataFrame(rows, columns=["patient_id", "line", "agent"])
    return frame.astype({"patient_id": "string", "line": "int64", "agent": "string"}), problems
