"""Treatment agents of a study config: declared codes and synonyms, how spellings compare, and
the derived variables that name an agent."""

from __future__ import annotations

import re
import unicodedata

from retrocohort.config.unknown import unknown_name_problems
from retrocohort.errors import Problem

#: Derived operations that name a treatment agent.
AGENT_OPS = ("treatment_line_of", "first_line", "monotherapy")


def agent_key(name: str) -> str:
    """How agent spellings compare: NFKC, case-folded, inner spaces collapsed ('2. ana' = 'ANA')."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


def agent_vocabulary(config: dict) -> dict[str, str]:
    """Declared ``agents:`` as {:func:`agent_key` of a code or synonym: code}; empty when undeclared."""
    vocabulary: dict[str, str] = {}
    for code, synonyms in (config.get("agents") or {}).items():
        for spelling in [code, *(synonyms or [])]:
            vocabulary.setdefault(agent_key(spelling), code)
    return vocabulary


def named_agents(config: dict) -> list[tuple[str, str]]:
    """(key path, agent) for every derived variable built from the treatment lines."""
    return [
        (f"derived/{name}/{op}/agent", spec[op]["agent"])
        for name, spec in config.get("derived", {}).items()
        for op in AGENT_OPS
        if op in spec
    ]


def agent_problems(config: dict, file: str) -> list[Problem]:
    """Declared agents: a spelling claimed by two codes, or a derived agent that is not a code."""
    declared = config.get("agents")
    if not declared:
        return []
    problems, owner = [], {}
    for code, synonyms in declared.items():
        for spelling in [code, *(synonyms or [])]:
            other = owner.setdefault(agent_key(spelling), code)
            if other != code:
                problems.append(
                    Problem(
                        f"spelling {spelling!r} names two agents ({other!r} and {code!r})",
                        file=file,
                        column=f"agents/{code}",
                        value=spelling,
                        expected="each spelling (compared case-insensitively) for one agent",
                    )
                )
    problems += unknown_name_problems(
        named_agents(config),
        declared,
        file,
        "agent",
        "an agent code declared under `agents:`: " + ", ".join(declared),
    )
    return problems
