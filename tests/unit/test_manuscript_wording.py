"""A Results template copied from the generated skeleton goes stale when the config's words
change (a user trial: a relabelled group kept its old name in the copied text): the skeleton
records the config texts it printed, and the manuscript rule warns naming the template line, the
old words, the key path and the new text; an unchanged config gives no warning."""

from __future__ import annotations

import copy

from test_manuscript_skeleton import BY_ARM, BY_ARM_RECORDS, _config, _space

from retrocohort.manuscript.resolve import resolve_template
from retrocohort.manuscript.skeleton import skeleton_template
from retrocohort.manuscript.wording import RECORD, stale_wording, without_record, wording_record


def _copied_skeleton(tmp_path, config) -> tuple[str, object]:
    space, _ = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS})
    text = skeleton_template(config, space, declared={"by_arm": BY_ARM_RECORDS})
    return text.rstrip("\n") + "\n\n" + wording_record(text, config) + "\n", space


def test_a_relabelled_variable_is_named_with_its_line_and_key(tmp_path):
    config = _config(by_arm=BY_ARM)
    template, space = _copied_skeleton(tmp_path, config)
    assert stale_wording(template, "config/manuscript/results.md", config) == []
    changed = copy.deepcopy(config)
    changed["variables"]["arm"]["label"] = "Randomised group"
    warnings = stale_wording(template, "config/manuscript/results.md", changed)
    line = next(i for i, text in enumerate(template.splitlines(), 1) if "by treatment arm" in text)
    assert warnings == [
        f'config/manuscript/results.md, line {line}: "Treatment arm" was the text of '
        'variables/arm/label, now "Randomised group"'
    ]
    del changed["variables"]["arm"]["label"]  # a text the rule cannot read is not checked
    assert stale_wording(template, "t.md", changed) == []


def test_the_record_is_left_out_of_the_resolved_text_and_keeps_line_numbers(tmp_path):
    config = _config(by_arm=BY_ARM)
    template, space = _copied_skeleton(tmp_path, config)
    assert RECORD.search(template)
    resolved = resolve_template(without_record(template), "results.md", space)
    assert "retrocohort wording" not in resolved.text
    assert len(without_record(template).splitlines()) == len(template.splitlines())


def test_a_template_without_a_record_or_with_edited_words_gives_no_warning(tmp_path):
    config = _config(by_arm=BY_ARM)
    template, _ = _copied_skeleton(tmp_path, config)
    changed = copy.deepcopy(config)
    changed["variables"]["arm"]["label"] = "Randomised group"
    assert stale_wording(without_record(template), "t.md", changed) == []
    edited = template.replace("by treatment arm", "by randomised group")
    assert stale_wording(edited, "t.md", changed) == []


def test_words_written_under_two_keys_are_named_once_per_line():
    old = {
        "derived": {"g": {"level_labels": {"Q1": "Younger"}}},
        "tables": {"t": {"group_labels": {"Q1": "Younger"}}},
    }
    text = "5 in younger.\n" + wording_record("5 in younger.", old) + "\n"
    new = {
        "derived": {"g": {"level_labels": {"Q1": "Lower half"}}},
        "tables": {"t": {"group_labels": {"Q1": "Lower half"}}},
    }
    assert stale_wording(text, "r.md", new) == [
        'r.md, line 1: "Younger" was the text of derived/g/level_labels/Q1, now "Lower half"'
    ]
