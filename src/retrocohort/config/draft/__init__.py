"""A first study config drafted from the raw exports themselves (``retrocohort init``).

:mod:`~retrocohort.config.draft.layout` reads each file and tells its layout (one row per
patient, long measurements, long events) and the roles of its columns;
:mod:`~retrocohort.config.draft.columns` guesses each variable (kind, categories and code map,
plausible range); :mod:`~retrocohort.config.draft.units` reads units from headers and unit
columns; :mod:`~retrocohort.config.draft.emit` writes the commented YAML;
:mod:`~retrocohort.config.draft.study` puts them together. The rules of the ingest stage (which
unit spellings exist, which columns are direct identifiers) are passed in as
:class:`~retrocohort.config.draft.rules.IngestRules`, so this config-stage package imports no
later stage.
"""
