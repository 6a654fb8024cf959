"""Later steps of the bare chain: copy the input and append one line."""

from pathlib import Path

text = Path(snakemake.input[0]).read_text()  # noqa: F821
Path(snakemake.output[0]).write_text(text + f"{snakemake.rule}\n")  # noqa: F821
