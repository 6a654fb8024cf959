"""``retrocohort simulate``: regenerate a study's synthetic files, or a large synthetic cohort."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from retrocohort.errors import ConfigError, Problem, RetrocohortError

DESCRIPTION = """\
Make SYNTHETIC data, in one of two modes.

--recipe: regenerate the synthetic raw files of a study from its seeded recipe
(config/synthetic/<study>.yaml; retrocohort.synthetic.calibrated). The recipe's `patients.path` and
`outputs` paths are relative to the project directory (-C); the files are written there, or
under --output-dir with the same relative paths. Deterministic: the same recipe gives
byte-identical files.

--patients/--sites/--out: a large wholly synthetic multi-site cohort for scale tests
(retrocohort.synthetic.large_cohort.simulate_cohort), written under --out."""

EPILOG = """\
examples:
  retrocohort simulate --recipe config/synthetic/baverez2022.yaml
  retrocohort simulate --recipe config/synthetic/baverez2022.yaml --output-dir /tmp/check
  retrocohort simulate --recipe .test/config/synthetic/covid_shlh_synthetic.yaml
  retrocohort simulate --patients 100000 --sites 5 --out /tmp/big --seed 7 --formats csv,parquet"""

DEFAULT_SEED = 1
DEFAULT_FORMATS = "csv"


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "simulate",
        parents=parents,
        help="make synthetic data",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    recipe = p.add_argument_group("study recipe mode")
    recipe.add_argument("--recipe", type=Path, metavar="YAML", help="seeded recipe file")
    recipe.add_argument(
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="write the recipe's outputs under DIR instead of the project directory",
    )
    scale = p.add_argument_group("large cohort mode")
    scale.add_argument("--patients", type=_positive_int, metavar="N", help="number of patients")
    scale.add_argument("--sites", type=_positive_int, metavar="K", help="number of sites")
    scale.add_argument("--out", type=Path, metavar="DIR", help="output directory")
    scale.add_argument(
        "--seed", type=int, default=None, metavar="S", help=f"random seed (default: {DEFAULT_SEED})"
    )
    scale.add_argument(
        "--formats",
        default=None,
        metavar="LIST",
        help=f"comma-separated file formats, e.g. csv,parquet (default: {DEFAULT_FORMATS})",
    )
    return p


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _usage_error(message: str, expected: str) -> RetrocohortError:
    return RetrocohortError("Invalid 'simulate' options", [Problem(message, expected=expected)])


def run(args: argparse.Namespace) -> int:
    scale_opts = {
        "--patients": args.patients,
        "--sites": args.sites,
        "--out": args.out,
        "--seed": args.seed,
        "--formats": args.formats,
    }
    given = [k for k, v in scale_opts.items() if v is not None]
    if args.recipe is not None:
        if given:
            raise _usage_error(
                f"{', '.join(given)} cannot be combined with --recipe",
                "either --recipe, or --patients/--sites/--out",
            )
        return simulate_recipe(args.recipe, args.directory, args.output_dir)
    if args.output_dir is not None:
        raise _usage_error("--output-dir only applies to --recipe", "--out DIR for a large cohort")
    missing = [k for k in ("--patients", "--sites", "--out") if scale_opts[k] is None]
    if missing:
        raise _usage_error(
            "missing " + ", ".join(missing), "--recipe YAML, or all of --patients N --sites K --out DIR"
        )
    return simulate_scale(
        args.patients,
        args.sites,
        args.out,
        DEFAULT_SEED if args.seed is None else args.seed,
        parse_formats(args.formats or DEFAULT_FORMATS),
    )


def parse_formats(text: str) -> tuple[str, ...]:
    """'csv, parquet' -> ('csv', 'parquet'); empty or repeated entries are errors."""
    formats = tuple(f.strip().lower() for f in text.split(","))
    if not all(formats) or len(set(formats)) != len(formats):
        raise _usage_error(f"bad --formats value {text!r}", "e.g. csv or csv,parquet")
    return formats


def simulate_recipe(recipe_path: Path, project: Path, output_dir: Path | None) -> int:
    """Regenerate a study's synthetic files; reports which files changed."""
    from retrocohort.config.check import read_yaml
    from retrocohort.synthetic.calibrated import simulate_from_recipe, write_synthetic

    recipe = read_yaml(recipe_path)
    outputs = recipe.get("outputs") if isinstance(recipe, dict) else None
    if not isinstance(outputs, dict) or not {"baseline", "measurements"} <= set(outputs):
        raise ConfigError(
            f"Recipe {recipe_path} does not name its output files",
            [
                Problem(
                    "missing `outputs: {baseline: PATH, measurements: PATH}`",
                    file=str(recipe_path),
                    column="outputs",
                    expected="paths relative to the project directory",
                )
            ],
        )
    root = (output_dir or project).resolve()
    targets = {
        key: root / outputs[key] for key in ("baseline", "measurements", "calibration") if outputs.get(key)
    }
    before = {key: path.read_bytes() if path.is_file() else None for key, path in targets.items()}
    _progress(f"generating from {recipe_path} (seed {recipe.get('seed')})")
    data = simulate_from_recipe(recipe, project)
    write_synthetic(data, targets["baseline"], targets["measurements"], targets.get("calibration"))
    for key, path in targets.items():
        state = (
            "new" if before[key] is None else "unchanged" if before[key] == path.read_bytes() else "CHANGED"
        )
        _progress(f"wrote {path} ({state})")
    rec = data.calibration
    _progress(f"calibration: {rec['n_met']} of {rec['n_targets']} targets met")
    for line in rec["not_met"]:
        _progress(f"  not met: {line}")
    return 0


def simulate_scale(n_patients: int, n_sites: int, out: Path, seed: int, formats: tuple[str, ...]) -> int:
    """Call :func:`retrocohort.synthetic.large_cohort.simulate_cohort` with progress lines around it."""
    try:
        from retrocohort.synthetic.large_cohort import simulate_cohort
    except ModuleNotFoundError as exc:
        if exc.name not in ("retrocohort.synthetic.large_cohort",):
            raise
        raise RetrocohortError(
            "Large-cohort simulation is not available",
            [
                Problem(
                    "this installation has no retrocohort.synthetic.large_cohort module",
                    expected="a retrocohort version that includes retrocohort.synthetic.large_cohort",
                )
            ],
        ) from None
    _progress(
        f"simulating {n_patients} patients over {n_sites} sites (seed {seed}, "
        f"formats {','.join(formats)}) -> {out}"
    )
    start = time.perf_counter()
    result = simulate_cohort(
        n_patients=n_patients, n_sites=n_sites, out_dir=Path(out), seed=seed, formats=formats
    )
    _progress(f"done in {time.perf_counter() - start:.1f} s")
    for line in _describe(result):
        print(line)
    return 0


def _describe(result: Any) -> list[str]:
    """Lines listing what simulate_cohort returned (a mapping, a list of paths, or nothing)."""
    if result is None:
        return []
    if isinstance(result, dict):
        return [f"{k}: {v}" for k, v in result.items()]
    if isinstance(result, (list, tuple, set)):
        return [str(x) for x in result]
    return [str(result)]
