"""HScore totals that can actually occur when some items are unknown.

The HScore (Fardet et al., Arthritis Rheumatol 2014;66:2613-20) adds the points of nine items,
each taking a few values (:data:`retrocohort.hscore.score.HSCORE_ITEMS`, the single source of
the points tables). With the points of some items known, a reported total is possible only if
it equals the known sum plus one choice of points for every unknown item: a finite set, much
sparser than the interval [minimum, maximum] (e.g. with the seven other items summing to 201
and temperature and AST unknown, only 201, 220, 234, 250, 253 and 269 occur in [201, 269]).
:func:`achievable_totals` lists that set with the item combinations behind each total;
:func:`check_hscore_total` turns a reported total into an audit finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import product

from retrocohort.audit.checks.finding import Finding, plural
from retrocohort.errors import InputError, Problem
from retrocohort.hscore.items import HSCORE_ITEMS

ITEM_POINTS: Mapping[str, tuple[int, ...]] = {i.name: tuple(sorted(set(i.points))) for i in HSCORE_ITEMS}


def _validated(known: Mapping[str, int | None], where: str) -> dict[str, int | None]:
    problems = []
    for item, points in known.items():
        if item not in ITEM_POINTS:
            problems.append(
                Problem(
                    f"unknown HScore item {item!r}",
                    file=where,
                    column="hscore_items",
                    value=item,
                    expected=", ".join(ITEM_POINTS),
                )
            )
        elif points is not None and points not in ITEM_POINTS[item]:
            problems.append(
                Problem(
                    f"HScore item {item!r} cannot score {points}",
                    file=where,
                    column=f"hscore_items.{item}",
                    value=points,
                    expected=" or ".join(map(str, ITEM_POINTS[item])),
                )
            )
    if problems:
        raise InputError(f"{where}: invalid HScore item points", problems)
    return dict(known)


def achievable_totals(
    known: Mapping[str, int | None],
    where: str = "hscore_items",
    allowed: Mapping[str, Iterable[int]] | None = None,
) -> dict[int, list[dict[str, int]]]:
    """Every HScore total possible given the known item points, with the points of the unknown
    items that give it.

    Parameters
    ----------
    known : item name -> its points (None, or absent, for an unknown item).
    where : where the points were read (named in errors).
    allowed : optional item name -> the points still possible for an unknown item (default:
        every value of its points table).

    Returns
    -------
    dict
        total -> list of {unknown item: points} combinations, totals ascending.

    Raises
    ------
    InputError
        An item name not in the HScore or points an item cannot score.
    """
    known = _validated(known, where)
    fixed = sum(p for p in known.values() if p is not None)
    unknown = [name for name in ITEM_POINTS if known.get(name) is None]
    choices = [tuple(sorted(set((allowed or {}).get(name, ITEM_POINTS[name])))) for name in unknown]
    out: dict[int, list[dict[str, int]]] = {}
    for combo in product(*choices):
        out.setdefault(fixed + sum(combo), []).append(dict(zip(unknown, combo)))
    return dict(sorted(out.items()))


def _combinations(combos: list[dict[str, int]], limit: int = 3) -> str:
    """The first ``limit`` combinations named item by item ("fever 33, organomegaly 0; ...").

    >>> _combinations([{"fever": 33, "organomegaly": 0}, {"fever": 0, "organomegaly": 23}], 1)
    'fever 33, organomegaly 0; 1 more'
    """
    if not combos[0]:
        return "no unknown item"
    named = "; ".join(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in c.items()) for c in combos[:limit])
    return named + (f"; {len(combos) - limit} more" if len(combos) > limit else "")


def check_hscore_total(
    entry_id: str, reported: int, known: Mapping[str, int | None], where: str = "hscore_items"
) -> Finding:
    """ "ok" when ``reported`` is an achievable total (details: the combinations), "inconsistent"
    otherwise (details: the nearest achievable totals below and above)."""
    totals = achievable_totals(known, where)
    unknown = [n for n in ITEM_POINTS if known.get(n) is None]
    if reported in totals:
        combos = totals[reported]
        return Finding(
            "hscore_total",
            entry_id,
            "ok",
            f"HScore {reported} is achievable with the known items ({plural(len(combos), 'combination')} "
            f"of the unknown items {', '.join(unknown) or 'none'}: {_combinations(combos)})",
            {"combinations": combos[:20], "totals": list(totals)[:60]},
        )
    below = [t for t in totals if t < reported][-1:]
    above = [t for t in totals if t > reported][:1]
    near = ", ".join(map(str, below + above))
    return Finding(
        "hscore_total",
        entry_id,
        "inconsistent",
        f"HScore {reported} cannot occur: with the known items, the possible totals are "
        f"{', '.join(map(str, list(totals)[:12]))}{' …' if len(totals) > 12 else ''} "
        f"(nearest: {near}; unknown items: {', '.join(unknown) or 'none'})",
        {"totals": list(totals)[:60], "nearest": below + above},
    )
