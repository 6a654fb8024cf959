"""survival[].median_convention in the study config: the default is R survfit's rule, the
former values are refused at load with the rewrite in the message."""

import pytest

from retrocohort.config.check import SCHEMA_PATH, read_yaml, schema_problems
from retrocohort.config.study import fill_defaults

SCHEMA = read_yaml(SCHEMA_PATH)
ENTRY = {"id": "os", "time": "t", "event": "died"}


def test_default_is_the_survfit_midpoint_rule():
    config = fill_defaults({"survival": [dict(ENTRY)]}, SCHEMA)
    assert config["survival"][0]["median_convention"] == "midpoint"


@pytest.mark.parametrize(("old", "new"), [("R", "midpoint"), ("retrocohort", "first_below_half")])
def test_former_values_refused_with_how_to_rewrite(old, new):
    problems = schema_problems({"survival": [{**ENTRY, "median_convention": old}]}, SCHEMA, "config.yaml")
    mine = [p for p in problems if p.column == "survival/0/median_convention"]
    assert len(mine) == 1
    assert f"{old} as {new}" in mine[0].expected
