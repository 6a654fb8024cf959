"""SYNTHETIC patient-level data calibrated to published summaries, from a seeded recipe.

Used where a paper publishes only summaries. The recipe (``config/synthetic/<study>.yaml``)
names each target either by the id of a published number (``config/published/<study>.yaml``,
so every number lives in one place) or inline; the analysis settings (quantile type,
rounding, Wilcoxon/McNemar variants, decimals for tests) are read from the study config the
recipe names, so the data are calibrated under the same methods the pipeline uses.

* binary: exactly ``count`` patients, chosen at random, are 1;
* continuous and laboratory Day 0 values: :func:`retrocohort.synthetic.reconstruct.reconstruct_sample`
  (printed Q1/median/Q3 met under the Hyndman–Fan type; free values uniform between them);
* paired laboratory values (Table 3): Day 0 for all patients with the Table 1 quartiles *and*
  a k-patient subset with the Table 3 Day 0 median
  (:func:`retrocohort.synthetic.subset_median.reconstruct_with_subset`); Day 7
  for those k with the printed Day 7 median; then a seeded search for a pairing whose
  configured Wilcoxon p prints as published
  (:func:`retrocohort.synthetic.paired_search.search_paired_p`);
* paired binary (fever): the 2x2 table with the published margins whose configured McNemar p
  prints as published, or the closest one (:func:`retrocohort.synthetic.paired_search.paired_binary_table`).

The tables are built item by item by :class:`retrocohort.synthetic.recipe_builder.RecipeBuilder`;
every target is then recomputed from the generated tables with the pipeline's own functions
and written to a calibration record (met or not, and why not;
:mod:`retrocohort.synthetic.targets`). Run:
``python -m retrocohort.synthetic.calibrated config/synthetic/baverez2022.yaml``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from retrocohort.audit.published import PublishedNumber, load_study
from retrocohort.config.check import read_yaml
from retrocohort.io.json import json_text
from retrocohort.io.raw import read_raw_table
from retrocohort.synthetic.analysis_config import analysis_statistics, default_statistics
from retrocohort.synthetic.recipe_builder import RecipeBuilder

LABEL = "SYNTHETIC, calibrated to published summaries"


@dataclass
class SyntheticData:
    """Generated tables plus the calibration record (one entry per target)."""

    baseline: pd.DataFrame
    measurements: pd.DataFrame
    calibration: dict = field(default_factory=dict)


def generate(
    recipe: dict,
    patient_ids: list[str],
    published: dict[str, PublishedNumber] | None = None,
    statistics: dict | None = None,
) -> SyntheticData:
    """Generate the synthetic baseline and long measurement tables and their calibration record.

    ``statistics`` is a loaded study's ``statistics:`` section (schema defaults filled; see
    :mod:`retrocohort.synthetic.analysis_config`); None: the schema's defaults.
    """
    stats_cfg = default_statistics(recipe) if statistics is None else statistics
    b = RecipeBuilder(recipe, patient_ids, published or {}, stats_cfg)
    for spec in recipe.get("binary", []):
        b.binary(spec)
    if recipe.get("organomegaly"):
        b.organomegaly(recipe["organomegaly"])
    for spec in recipe.get("continuous", []):
        b.continuous(spec)
    if recipe.get("fever_paired"):
        b.fever_paired(recipe["fever_paired"])
    if recipe.get("temperature"):
        b.temperature(recipe["temperature"])
    for spec in recipe.get("labs", []):
        b.lab(spec)
    meas = b.measurements()
    targets = b.calibration(b.base, meas)
    record = {
        "label": LABEL,
        "seed": recipe["seed"],
        "published": recipe.get("published"),
        "analysis": recipe.get("analysis"),
        "quantile_type": b.qtype,
        "rounding": b.rule,
        "tests": {
            "wilcoxon": b.test_name("continuous"),
            "mcnemar": b.test_name("binary"),
            "decimals_for_tests": b.stats["decimals_for_tests"],
        },
        "n_targets": len(targets),
        "n_met": sum(t["status"] == "met" for t in targets),
        "not_met": [f"{t['target']}: {t['status']}: {t['reason']}" for t in targets if t["status"] != "met"],
        "targets": targets,
    }
    return SyntheticData(b.base, meas, record)


def simulate_from_recipe(recipe: dict, base_dir: Path = Path(".")) -> SyntheticData:
    """Generate the synthetic tables for the recipe's patients.

    ``patients`` either names a real patient file (``path``, ``id_column``) whose ids are
    reused, or asks for ``count`` wholly synthetic patients with ids ``id_prefix`` + 1..count.
    ``published`` (optional) is the published-numbers file whose ids the targets may use;
    ``analysis`` (optional) the study config whose ``statistics`` set the methods, loaded as
    ``retrocohort run`` loads it (:func:`retrocohort.synthetic.analysis_config.analysis_statistics`).
    """
    published = load_study(base_dir / recipe["published"]).by_id() if recipe.get("published") else {}
    stats_cfg = analysis_statistics(recipe, base_dir)
    pat = recipe["patients"]
    if "count" in pat:  # a wholly synthetic cohort: ids PREFIX1..PREFIXn
        ids = [f"{pat.get('id_prefix', '')}{i}" for i in range(1, pat["count"] + 1)]
    else:
        frame = read_raw_table(base_dir / pat["path"])
        ids = frame[pat["id_column"]].astype(str).str.strip().tolist()
    return generate(recipe, ids, published, stats_cfg)


def calibration_text(data: SyntheticData) -> str:
    """The calibration record as deterministic, strict JSON text (targets in recipe order)."""
    return json_text(data.calibration, sort_keys=False)


def csv_text(frame: pd.DataFrame) -> str:
    """A synthetic table as deterministic CSV text (fixed float format, LF line endings)."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def write_synthetic(
    data: SyntheticData, baseline_path: Path, measurements_path: Path, calibration_path: Path | None = None
) -> None:
    """Write both CSVs (and the calibration JSON) deterministically."""
    texts = [(baseline_path, csv_text(data.baseline)), (measurements_path, csv_text(data.measurements))]
    if calibration_path is not None:
        texts.append((calibration_path, calibration_text(data)))
    for path, text in texts:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m retrocohort.synthetic.calibrated RECIPE [--root DIR]``: write the recipe's outputs."""
    parser = argparse.ArgumentParser(description="Generate synthetic data from a seeded recipe.")
    parser.add_argument("recipe", type=Path)
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="directory the recipe's paths are relative to"
    )
    args = parser.parse_args(argv)
    recipe = read_yaml(args.recipe)
    data = simulate_from_recipe(recipe, args.root)
    out = recipe["outputs"]
    write_synthetic(
        data,
        args.root / out["baseline"],
        args.root / out["measurements"],
        args.root / out["calibration"] if out.get("calibration") else None,
    )
    rec = data.calibration
    print(f"{rec['n_met']}/{rec['n_targets']} targets met")
    for line in rec["not_met"]:
        print(f"  not met: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
