"""The committed synthetic files are exactly what their seeded recipes generate."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from retrocohort.simulate import anchored_sample, simulate_from_recipe
from retrocohort.stats.quantiles import quantile

ROOT = Path(__file__).resolve().parents[2]
RECIPES = [ROOT / "config/synthetic/baverez2022.yaml", ROOT / ".test/config/synthetic/covid_shlh_synthetic.yaml"]


@pytest.mark.parametrize("recipe_path", RECIPES, ids=lambda p: p.stem)
def test_committed_synthetic_files_match_the_recipe(recipe_path, tmp_path):
    recipe = yaml.safe_load(recipe_path.read_text())
    data = simulate_from_recipe(recipe, ROOT)
    for frame, key in ((data.baseline, "baseline"), (data.measurements, "measurements")):
        committed = (ROOT / recipe["outputs"][key]).read_text(encoding="utf-8")
        regenerated = frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")
        assert committed == regenerated, f"{recipe['outputs'][key]} drifted from its recipe"


@pytest.mark.parametrize("n", [5, 8, 20, 21, 100])
def test_anchored_sample_hits_type7_quartiles(n):
    rng = np.random.default_rng(1)
    x = anchored_sample(rng, n, {0.25: 10.0, 0.5: 20.0, 0.75: 35.0}, (1.0, 90.0), 1)
    assert np.allclose(quantile(x, [0.25, 0.5, 0.75], 7), [10.0, 20.0, 35.0])
    assert np.all(np.diff(x) >= 0)
