"""Compare rule params without importing pandas on every Snakemake start.

Snakemake records each job's ``params`` and reruns the job when they change. To serialise them
it uses a pandas-aware function whenever pandas is installed, and that function imports pandas
(about 0.4 s on this machine class) even when no param is a pandas object: on a no-op run that
import was a quarter of the start-up. retrocohort's params are plain Python values (the config
slices of :mod:`retrocohort.config.slices`, lists, strings, numbers), for which the pandas-aware
and the builtin serialisers give the same text (``repr``), so the Snakefile selects the builtin
one. A test checks that both give identical records for our params, so a Snakemake upgrade that
changes either is noticed.
"""

from __future__ import annotations


def use_builtin_param_serialisation() -> bool:
    """Make Snakemake serialise params with its builtin (pandas-free) serialiser; False when this
    Snakemake has no such pair of methods (then nothing is changed)."""
    from snakemake.persistence import PersistenceBase as Persistence

    builtin = getattr(Persistence, "_serialize_param_builtin", None)
    if builtin is None or not hasattr(Persistence, "_serialize_param_pandas"):
        return False
    Persistence._serialize_param_pandas = builtin
    return True
