"""Printed numbers regenerated from per-patient data and compared (see :mod:`retrocohort.audit`).

``study_inputs`` and ``calibration`` read a finished run; ``regen_model`` (the data model),
``regen_definitions``, ``regen_paired``, ``groups`` and ``regenerated`` recompute each entry under
every method; ``compare`` gives one rounding-aware status per entry; ``unknowns`` and
``unknown_entries`` treat missing per-patient values as parameters.
"""
