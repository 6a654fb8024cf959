"""The ingest stage's rules a draft must follow, passed in by the caller (``retrocohort init``).

The config stage comes before the ingest stage (tests/unit/test_architecture.py), so the draft
cannot import :mod:`retrocohort.ingest.units` or :mod:`retrocohort.ingest.privacy`; the command
line wires them in (:func:`retrocohort.cli.init.ingest_rules`). Tests may pass stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class IngestRules:
    """What the ingest stage accepts.

    Attributes
    ----------
    spellings : sequence of str
        The unit spellings the ingest accepts without ``unit_spellings``
        (:data:`retrocohort.ingest.units.UNIT_SPELLINGS`).
    known_unit : callable
        ``known_unit(spelling, extra)``: True when the ingest accepts the spelling, given the
        study's extra ``unit_spellings`` (:func:`retrocohort.ingest.units.is_known_unit`).
    convert : callable
        ``convert(values, from_unit, to_unit, extra)``: values converted (raises on units that
        do not convert).
    identifier_by_name : callable
        ``identifier_by_name(column)``: the kind of direct identifier a column name denotes,
        or None (:func:`retrocohort.ingest.privacy.identifier_kind_by_name`).
    identifier_by_values : callable
        ``identifier_by_values(values)``: (kind, index, value) of the first cell that looks
        like a direct identifier, or None.
    embedded_identifiers : callable
        ``embedded_identifiers(frame, file)``: number of text cells holding an identifier
        (e-mail, phone, date of birth...) that the ingest would refuse.
    """

    spellings: Sequence[str]
    known_unit: Callable[[str, dict], bool]
    convert: Callable[[np.ndarray, str, str, dict], np.ndarray]
    identifier_by_name: Callable[[str], str | None]
    identifier_by_values: Callable[[pd.Series], tuple | None]
    embedded_identifiers: Callable[[pd.DataFrame, str], int]
