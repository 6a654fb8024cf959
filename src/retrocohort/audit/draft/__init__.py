"""The draft reader: pasted paper text -> a draft published-numbers YAML (see :mod:`retrocohort.audit`).

``draft_text`` cuts the text into located blocks, ``draft_numbers`` finds and guesses each
printed number, ``draft`` assembles the study and its YAML.
"""
