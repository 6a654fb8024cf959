"""Pipeline steps: one function per Snakemake rule, taking plain input/output/params/config."""
