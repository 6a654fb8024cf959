"""Strict JSON: the one encoding policy of every JSON file the package writes.

JSON (RFC 8259, ECMA-404) has no NaN or Infinity; Python's :func:`json.dumps` writes them as
the bare tokens ``NaN`` / ``Infinity`` unless told otherwise, and strict readers (JavaScript's
``JSON.parse``, jq, R's jsonlite in strict mode) refuse the file. Here:

* non-finite floats (NaN, +inf, -inf), ``None``, pandas ``NA`` and ``NaT`` become ``null``;
* numpy scalars become the Python number, boolean or string they hold (``.item()``), numpy
  arrays become lists, tuples become lists, mapping keys that are numpy scalars become Python
  scalars;
* dates, times and paths become their ``str()`` text (the text the previous writers gave them
  through ``default=str``);
* anything else is refused with a ``TypeError`` naming where in the document it sits, instead
  of being turned silently into its ``str()``.

The text is then written with ``allow_nan=False`` (a NaN that escaped the conversion is an
error, never a token), two-space indentation, non-ASCII characters as themselves and a final
newline; keys are sorted unless the caller keeps insertion order on purpose (a record meant
to be read top to bottom). Writing the text to disk atomically is
:func:`retrocohort.io.atomic.write_json`.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

#: Types written as their ``str()`` text.
_AS_TEXT = (_dt.date, _dt.time, PurePath)  # datetime.datetime is a datetime.date

#: Types json.dumps accepts as mapping keys.
_KEY_TYPES = (str, int, float, bool, type(None))


def json_ready(value: Any, where: str = "$") -> Any:
    """``value`` made of JSON types only (dict, list, str, int, finite float, bool, None).

    Parameters
    ----------
    value
        A document: mappings, lists and tuples of scalars, numpy scalars and arrays included.
    where
        Location of ``value`` in the document (JSONPath-like, e.g. ``$.inputs[2].sha256``),
        used in the error message.

    Returns
    -------
    A copy in which every non-finite float and missing marker is ``None`` (see the module
    docstring for each conversion).

    Raises
    ------
    TypeError
        For an object with no JSON form (a set, a ``Fraction``, an arbitrary class...), naming
        its location and type.
    """
    if value is None or type(value) in (str, bool):
        return value
    if isinstance(value, str):  # a str subclass (numpy.str_, an enum...): its plain text
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {_key(k, where): json_ready(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if type(value).__module__ == "numpy":
        if hasattr(value, "tolist") and getattr(value, "ndim", 0):  # an array
            return json_ready(value.tolist(), where)
        return json_ready(value.item(), where)  # a numpy scalar (or 0-d array)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing markers
        return None
    if isinstance(value, _AS_TEXT):
        return str(value)
    raise TypeError(
        f"{where}: a {type(value).__module__}.{type(value).__qualname__} cannot be written "
        f"as JSON (value {value!r}); expected a mapping, list, string, number, boolean, "
        "None, numpy scalar or array, date or path"
    )


def _key(key: Any, where: str) -> Any:
    """A mapping key json.dumps accepts: str, int, float, bool or None (numpy scalars unwrapped)."""
    if type(key).__module__ == "numpy" and hasattr(key, "item"):
        key = key.item()
    if isinstance(key, _KEY_TYPES):
        return key
    raise TypeError(
        f"{where}: a mapping key of type {type(key).__qualname__} ({key!r}) cannot be "
        "written as JSON; expected a string or number"
    )


def json_text(document: Any, *, sort_keys: bool = True) -> str:
    """Strict JSON text of ``document`` (:func:`json_ready`), two-space indent, final newline.

    ``sort_keys=False`` keeps insertion order (for records read top to bottom); the default
    sorts keys so the same content always gives the same bytes.
    """
    return (
        json.dumps(json_ready(document), indent=2, sort_keys=sort_keys, ensure_ascii=False, allow_nan=False)
        + "\n"
    )
