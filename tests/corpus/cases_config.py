"""Corpus cases for strict config loading and cross-checks (issue 14, item 1).

Same tuple layout as ``make_corpus.CASES``: (id, fault class, files, config patch, special,
expected fragments). Config patches that YAML would normalise away (duplicate keys, tags,
aliases) are appended as raw text.
"""

P0 = "sites/a/sources/0"
L0 = "sites/a/sources/1"
_BOMB = "".join(
    [f"a0: &a0 [{', '.join(['x'] * 9)}]\n"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)]
)

CASES: list[tuple] = [
    (
        "config_duplicate_site",
        "config: a site block written twice (duplicate YAML key)",
        {},
        [{"raw_append": "sites:\n  a: {sources: []}\n"}],
        None,
        ["config.yaml", "duplicate key 'sites'", "first written at line", "each key once per mapping"],
    ),
    (
        "config_python_tag",
        "config: a YAML tag that would build a Python object",
        {},
        [{"raw_append": "baseline_day: !!python/name:os.getcwd ''\n"}],
        None,
        ["config.yaml", "python/name:os.getcwd", "is not allowed", "line "],
    ),
    (
        "config_local_tag",
        "config: a non-standard local YAML tag",
        {},
        [{"raw_append": "baseline_day: !days 0\n"}],
        None,
        ["config.yaml", "YAML tag '!days' is not allowed", "line "],
    ),
    (
        "config_alias_bomb",
        "config: YAML alias bomb",
        {},
        [{"raw_append": _BOMB}],
        None,
        ["config.yaml", "YAML aliases (*name)", "alias bomb", "line "],
    ),
    (
        "config_yte",
        "config: Snakemake YTE templating key",
        {},
        [{"raw_append": "__use_yte__: true\n"}],
        None,
        ["config.yaml", "`__use_yte__`", "execute code", "line "],
    ),
    (
        "config_int_map_key",
        "config: non-string (integer) map key",
        {},
        [{"set": f"{P0}/columns/sex/map", "value": {1: "male", 2: "female"}}],
        None,
        ["config.yaml", f"{P0}/columns/sex/map", "key '1' is not a string", "quoted key", "line "],
    ),
    (
        "config_yes_key",
        "config: unquoted Yes as a map key (YAML 1.1 boolean)",
        {},
        [{"raw_append": "unit_spellings: {Yes: '1'}\n"}],
        None,
        ["config.yaml", "key 'Yes' is not a string", "YAML 1.1 reads an unquoted yes/no/on/off as a boolean"],
    ),
    (
        "config_yes_value",
        "config: unquoted No where text is expected (YAML 1.1 boolean)",
        {},
        [{"raw_append": "unit_spellings: {mg: No}\n"}],
        None,
        [
            "config.yaml",
            "unit_spellings/mg",
            "unquoted No is read by YAML 1.1 as the boolean False",
            "in quotes",
            "line ",
        ],
    ),
    (
        "config_paired_days_equal",
        "config: the two paired days are the same",
        {},
        [{"set": "paired_days", "value": [0, 0]}],
        None,
        ["config.yaml", "paired_days", "the two paired days are the same day", "line "],
    ),
    (
        "config_window_reversed",
        "config: HScore window reversed",
        {},
        [{"set": "hscore", "value": {"window_days": [0, -3]}}],
        None,
        ["config.yaml", "hscore/window_days", "starts after it ends"],
    ),
    (
        "config_day_outside_window",
        "config: a configured day outside the study window",
        {},
        [{"set": "paired_days", "value": [0, 7000]}],
        None,
        ["config.yaml", "paired_days/1", "value 7000", "outside the study window"],
    ),
    (
        "config_swimmer_duration_typo",
        "config: unknown variable in the swimmer plot",
        {},
        [
            {
                "set": "figures",
                "value": {
                    "swimmer": {
                        "duration": "duraton",
                        "line": "age",
                        "status": {"variable": "sex", "alive_value": "male"},
                    }
                },
            }
        ],
        None,
        ["config.yaml", "figures/swimmer/duration", "value 'duraton'", "unknown variable"],
    ),
    (
        "config_selection_score_typo",
        "config: unknown selection score",
        {},
        [{"set": "selection", "value": {"score": "hscore_reportd", "criteria": []}}],
        None,
        ["config.yaml", "selection/score", "value 'hscore_reportd'", "unknown variable", "`recomputed`"],
    ),
    (
        "config_survival_time_typo",
        "config: unknown time-to-event variable",
        {},
        [{"set": "survival", "value": [{"id": "s", "time": "fever_days", "event_when_observed": True}]}],
        None,
        ["config.yaml", "survival/0/time", "value 'fever_days'", "unknown variable"],
    ),
    (
        "config_survival_event_not_binary",
        "config: time-to-event event variable not binary",
        {},
        [{"set": "survival", "value": [{"id": "s", "time": "age", "event": "sex"}]}],
        None,
        ["config.yaml", "survival/0/event", "value 'sex'", "not binary"],
    ),
    (
        "config_survival_no_event",
        "config: time-to-event analysis without an event definition",
        {},
        [{"set": "survival", "value": [{"id": "s", "time": "age"}]}],
        None,
        ["config.yaml", "survival/0", "no event definition", "event_when_observed"],
    ),
    (
        "config_binary_map_to_strings",
        "config: binary variable mapped to strings",
        {},
        [
            {"set": "variables/fever_flag", "value": {"kind": "binary", "table": "patients"}},
            {"set": f"{P0}/columns/fever_flag", "value": {"column": "sex", "map": {"M": "yes", "F": "no"}}},
        ],
        None,
        ["config.yaml", f"{P0}/columns/fever_flag/map/M", "value 'yes'", "not true/false"],
    ),
    (
        "config_layout_wide",
        "config: unimplemented layout: wide",
        {},
        [{"set": f"{L0}/layout", "value": "wide"}],
        None,
        ["config.yaml", f"{L0}/layout", "'wide' is not one of ['long']"],
    ),
    (
        "config_survival_event_and_observed",
        "config: survival entry with both event and event_when_observed (event used silently before)",
        {},
        [
            {"set": "derived", "value": {"female": {"equals": {"variable": "sex", "value": "female"}}}},
            {
                "set": "survival",
                "value": [{"id": "s", "time": "age", "event": "female", "event_when_observed": True}],
            },
        ],
        None,
        [
            "config.yaml",
            "survival/0/event_when_observed",
            "`event` and `event_when_observed` are alternatives",
        ],
    ),
    (
        "config_raw_code_value",
        "config: a value written as the raw code of a map instead of the mapped value",
        {},
        [{"set": "derived", "value": {"female": {"equals": {"variable": "sex", "value": "F"}}}}],
        None,
        [
            "config.yaml",
            "derived/female/equals/value",
            "raw code of 'sex'",
            "maps it to 'female'",
            "male, female",
        ],
    ),
    (
        "config_schema_and_reference_together",
        "config: a schema error and a cross-reference error in one config (one pass shows both)",
        {},
        [
            {"set": "baseline_day", "value": "zero"},
            {"set": "survival", "value": [{"id": "s", "time": "fever_days", "event_when_observed": True}]},
        ],
        None,
        ["config.yaml", "baseline_day", "survival/0/time", "unknown variable"],
    ),
]
