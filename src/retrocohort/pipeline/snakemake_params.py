"""How Snakemake compares rule params, and how it says they changed.

Comparing without pandas
------------------------

Snakemake records each job's ``params`` and reruns the job when they change. To serialise them
it uses a pandas-aware function whenever pandas is installed, and that function imports pandas
(about 0.4 s on this machine class) even when no param is a pandas object: on a no-op run that
import was a quarter of the start-up. retrocohort's params are plain Python values (the config
slices of :mod:`retrocohort.config.slices`, lists, strings, numbers), for which the pandas-aware
and the builtin serialisers give the same text (``repr``), so the Snakefile selects the builtin
one. A test checks that both give identical records for our params, so a Snakemake upgrade that
changes either is noticed.

Saying which keys changed
-------------------------
When a job's params differ from those recorded with its outputs, Snakemake gives the reason
"Params have changed since last execution" followed by the ``repr`` of every param that differs,
before and now: for a rule reading a config slice that is the whole slice, twice (a Table 1
label edit wrote 70 kB of log for 3 jobs). :func:`use_compact_params_change_reason` replaces
that text (and only the text: which jobs rerun is decided as before, on the same records) with
:func:`params_change_lines` joined: each changed key path, old -> new, values shortened.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

#: At most this many changed keys are named per job (then "and N more").
MAX_CHANGES = 8
#: A value longer than this (as repr) is shortened with "…".
MAX_VALUE = 48


def use_builtin_param_serialisation() -> bool:
    """Make Snakemake serialise params with its builtin (pandas-free) serialiser; False when this
    Snakemake has no such pair of methods (then nothing is changed)."""
    from snakemake.persistence import PersistenceBase as Persistence

    builtin = getattr(Persistence, "_serialize_param_builtin", None)
    if builtin is None or not hasattr(Persistence, "_serialize_param_pandas"):
        return False
    Persistence._serialize_param_pandas = builtin
    return True


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _parse(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _diff(old: Any, new: Any, path: str) -> Iterable[str]:
    """``path: old -> new`` for every leaf that differs (dicts by key, lists item by item when
    their lengths agree, else the items removed and added)."""
    where = path or "param"
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}/{key}" if path else str(key)
            if key not in old:
                yield f"{sub}: (absent) -> {_short(new[key])}"
            elif key not in new:
                yield f"{sub}: {_short(old[key])} -> (absent)"
            elif old[key] != new[key]:
                yield from _diff(old[key], new[key], sub)
    elif isinstance(old, list | tuple) and isinstance(new, list | tuple) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                yield from _diff(a, b, f"{path}/{index}" if path else str(index))
    elif isinstance(old, list | tuple) and isinstance(new, list | tuple):
        removed = [item for item in old if item not in new]
        added = [item for item in new if item not in old]
        parts = [f"{where}: {len(old)} -> {len(new)} items"]
        parts += [f"removed {_short(item)}" for item in removed[:2]]
        parts += [f"added {_short(item)}" for item in added[:2]]
        yield ", ".join(parts)
    else:
        yield f"{where}: {_short(old)} -> {_short(new)}"


def _slice_of(value: Any) -> tuple[str, ...] | None:
    """The declared key paths when ``value`` is a config slice (see config_slice), else None."""
    if isinstance(value, dict) and set(value) == {"declared", "values"}:
        return tuple(value["declared"])
    return None


def params_change_lines(only_old: Iterable[str], only_new: Iterable[str]) -> list[str]:
    """The changed keys of a job's params, one short line each: ``key/path: old -> new``.

    Parameters
    ----------
    only_old, only_new : iterable of str
        The serialised params (``repr``) recorded with the outputs and not among the current
        ones, and the current ones not recorded (Snakemake's ``ParamsChange``).

    Returns
    -------
    list of str
        Config slices are paired by their declared key paths and diffed key by key (paths are
        config key paths, e.g. ``tables/table1/rows/3/label``); a remaining single old/new pair
        is diffed the same way; anything else is named as removed or added. At most
        :data:`MAX_CHANGES` lines, then ``and N more``.
    """
    old = [_parse(text) for text in sorted(only_old)]
    new = [_parse(text) for text in sorted(only_new)]
    lines: list[str] = []
    for before in list(old):
        declared = _slice_of(before)
        match = next((after for after in new if declared is not None and _slice_of(after) == declared), None)
        if match is not None:
            lines += _diff(before["values"], match["values"], "")
            old.remove(before)
            new.remove(match)
    for before in list(old):  # a slice whose declaration changed, or another param
        declared = _slice_of(before)
        match = next((after for after in new if (_slice_of(after) is None) == (declared is None)), None)
        if match is not None and (declared is not None or len(old) == len(new) == 1):
            if declared is not None:
                lines.append(f"declared keys: {', '.join(declared)} -> {', '.join(_slice_of(match))}")
                lines += _diff(before["values"], match["values"], "")
            else:
                lines += _diff(before, match, "")
            old.remove(before)
            new.remove(match)
    lines += [f"removed param {_short(value)}" for value in old]
    lines += [f"added param {_short(value)}" for value in new]
    if len(lines) > MAX_CHANGES:
        lines = lines[:MAX_CHANGES] + [f"and {len(lines) - MAX_CHANGES} more"]
    return lines


def use_compact_params_change_reason() -> bool:
    """Make Snakemake's "Params have changed" reason name the changed keys (see
    :func:`params_change_lines`) instead of printing every changed param whole, before and now.
    Only the text changes; False when this Snakemake has no ``ParamsChange`` of the known shape."""
    from snakemake import persistence

    change = getattr(persistence, "ParamsChange", None)
    fields = getattr(change, "__dataclass_fields__", {})
    if change is None or not {"only_old", "only_new"} <= set(fields):
        return False

    def __str__(self) -> str:
        if not self:
            return "No params change"
        return "; ".join(params_change_lines(self.only_old, self.only_new))

    change.__str__ = __str__
    return True
