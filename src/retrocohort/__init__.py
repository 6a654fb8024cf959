"""retrocohort: reproducible analysis of retrospective clinical cohort studies."""

__version__ = "0.1.0"
