"""What a ``derived:`` config entry reads: its operations and input variables (no pandas).

Kept apart from :mod:`retrocohort.cohort.derive` (which computes the variables with pandas) because
the Snakefile checks the config at parse time, where importing pandas would cost every
``snakemake`` call ~0.4 s.
"""

from __future__ import annotations

FLAG_OPS = ("any_of", "all_of", "count_of")
VARIABLE_OPS = ("equals", "less_than")
#: Keys of a derived entry that are options, not its operation.
OPTION_KEYS = ("label", "missing_items")


def derived_operation(spec: dict) -> str:
    """The operation of a derived entry (its one key that is neither the label nor an option)."""
    return next(k for k in spec if k not in OPTION_KEYS)


def points_items(arg: list[dict]) -> list[str]:
    """Variables a ``points`` score reads, in item order."""
    return [item["variable"] for item in arg]


def first_of_rules(arg: list[dict]) -> list[tuple[list[str], str]]:
    """``first_of`` rules as (flag variables, value); ``variable`` may be one name or a list."""
    return [
        ([r["variable"]] if isinstance(r["variable"], str) else list(r["variable"]), str(r["value"]))
        for r in arg
    ]


def derived_inputs(spec: dict) -> list[str]:
    """Variables a derived variable is computed from (patient-level; agents are not variables)."""
    out: list[str] = []
    for op, arg in spec.items():
        if op in FLAG_OPS:
            out += list(arg)
        elif op in VARIABLE_OPS:
            out.append(arg["variable"])
        elif op == "first_of":
            out += [v for names, _ in first_of_rules(arg) for v in names]
        elif op == "points":
            out += points_items(arg)
    return list(dict.fromkeys(out))
