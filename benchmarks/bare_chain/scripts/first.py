"""First step of the bare chain: write one line."""

from pathlib import Path

Path(snakemake.output[0]).write_text("step 1\n")  # noqa: F821
