"""The commented TODO blocks of a draft: what only the statistician can decide.

Groups, time points, inclusion criteria, derived endpoints and models are never guessed; each
block shows the keys with the draft's own variable names where one fits (a yes/no variable as
an event, a number with a time unit as a follow-up time), else a ``<placeholder>``.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrocohort.config.draft.emit import comment_block

TIME_UNITS = {"days", "day", "d", "months", "month", "years", "year", "y", "weeks", "week"}
#: Words of a yes/no variable's name that make it the example event (first match wins).
EVENT_WORDS = ("death", "dead", "died", "status", "event", "relapse", "recur", "progress", "fail")


def _event_first(binary: Sequence[str]) -> list[str]:
    """Yes/no variables, those named like an outcome (:data:`EVENT_WORDS`) first.

    >>> _event_first(["mgus", "sex_male", "death"])
    ['death', 'mgus', 'sex_male']
    """
    return sorted(binary, key=lambda n: not any(w in n.lower() for w in EVENT_WORDS))


def _first(candidates: Sequence[str], placeholder: str) -> str:
    return candidates[0] if candidates else placeholder


def todo_blocks(variables: Sequence, first_day: int = -3) -> list[str]:
    """The TODO section (commented YAML) for the drafted ``variables``
    (:class:`~retrocohort.config.draft.sources.DraftVariable`); the example baseline window
    starts at ``first_day`` when the draft's ``day_range`` starts later than day -3."""
    patients = [v for v in variables if v.table == "patients"]
    measured = [v.name for v in variables if v.table == "measurements" and v.spec.get("kind") == "continuous"]
    binary = _event_first([v.name for v in patients if v.spec["kind"] == "binary"])
    numbers = [v.name for v in patients if v.spec["kind"] == "continuous"]
    times = [v.name for v in patients if v.spec["kind"] == "continuous" and v.spec.get("unit") in TIME_UNITS]
    times += [n for n in numbers if n not in times and any(w in n for w in ("time", "follow", "fu"))]
    if len(numbers) > len(times):  # a follow-up time is no predictor of its own event
        numbers = [n for n in numbers if n not in times]
    groups = [
        v.name for v in patients if v.spec["kind"] == "categorical" and len(v.spec["categories"]) in (2, 3, 4)
    ]
    time, event = _first(times, "<follow-up time>"), _first(binary, "<yes/no event>")
    group, number = _first(groups, "<group>"), _first(numbers, "<number>")
    lab = _first(measured, "<lab>")
    lines = [
        "-" * 88,
        "TODO: the statistician's decisions. retrocohort cannot guess them: uncomment and edit.",
        "-" * 88,
        "Groups: Table 1 by a group, with p-values and standardised mean differences: uncomment",
        f"`by:` under tables/table1 above (e.g. by: {group}) and add `smd: true`.",
        "",
        "Time points: a long-file variable takes its value at a declared time point (a window of",
        "days around a target day); one named `baseline` is used by every table unless a row names",
        "another. Then uncomment the long-file rows of Table 1.",
        "time_points:",
        f'  baseline: {{day: 0, window: [{max(-3, first_day)}, 0], rule: closest, label: "Baseline"}}',
        '  day7: {day: 7, window: [5, 9], rule: closest, label: "Day 7"}',
        "paired_time_points: [baseline, day7]   # a paired table of two visits (tables.table3):",
        "# tables: {table3: {parameters: [{variable: " + lab + "}]}}",
        "",
        "Inclusion criteria (flow diagram); without them every patient is analysed:",
        "selection:",
        "  criteria:",
        f'    - {{id: known_{number}, label: "{number} known", column: {number}, operator: notna}}',
        "",
        "Derived variables: flags, scores, composite endpoints (config/README.md, derived):",
        "derived:",
        f"  high_{number}: {{at_least: {{variable: {number}, value: 0}}}}   # the threshold is yours",
        "",
        "Models and survival: add under `tables:` above (config/README.md, kinds).",
        "  survival:",
        "    kind: survival",
        '    title: "Table 2. Kaplan-Meier estimates."',
        "    analyses:",
        f"      - {{id: overall, time: {time}, event: {event}, group_variable: {group}}}",
        "  cox:",
        "    kind: regression",
        "    model: cox",
        '    title: "Table 3. Cox proportional hazards model."',
        f"    time: {time}",
        f"    event: {event}",
        f"    predictors: [{', '.join(numbers[:3]) or '<predictor>'}]",
        f"    multivariable: [{', '.join(numbers[:3]) or '<predictor>'}]",
        "  logistic:",
        "    kind: regression",
        "    model: logistic",
        '    title: "Table 4. Logistic regression."',
        f"    outcome: {event}",
        f"    predictors: [{', '.join(numbers[:3]) or '<predictor>'}]",
    ]
    return comment_block(lines)
