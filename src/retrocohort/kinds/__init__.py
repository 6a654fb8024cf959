"""The registry of table kinds: every table a study declares under ``tables:`` with a ``kind:``
is built by the rule ``cohort_table`` through the kind registered here.

Adding a kind is one module defining a :class:`~retrocohort.kinds.base.TableKind` named
``KIND`` plus its line in :data:`KINDS` (and its entry in the config schema's
``declared_table``); kinds that share their computation are one module defining ``KINDS``
(:mod:`retrocohort.kinds.per_patient`).
"""

from __future__ import annotations

from retrocohort.kinds import balance, comparison, competing_risks, paired, per_patient, survival
from retrocohort.kinds.base import TableKind, TableRequest, load_table_request

#: kind name -> TableKind, in the order config/README.md documents them.
KINDS: dict[str, TableKind] = {
    kind.name: kind for kind in (*per_patient.KINDS, comparison.KIND, survival.KIND, paired.KIND)
}
KINDS[competing_risks.KIND.name] = competing_risks.KIND
KINDS[balance.KIND.name] = balance.KIND

__all__ = ["KINDS", "TableKind", "TableRequest", "load_table_request", "table_kind"]


def table_kind(name: str) -> TableKind:
    """The registered kind ``name`` (the schema admits only registered kinds)."""
    return KINDS[name]
