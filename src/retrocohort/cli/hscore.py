"""``retrocohort hscore``: score a one-row-per-patient sheet and explain every point."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrocohort.errors import Problem, RetrocohortError
from retrocohort.hscore.cutoff import CUTOFF_OPERATORS, DEFAULT_OPERATOR, FARDET_CUTOFF

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from retrocohort.hscore.sheet import HScoreSheet

DESCRIPTION = """\
Compute the HScore (Fardet et al., Arthritis Rheumatol 2014) of every patient (row) of FILE,
with the points of each item, the total, the probability of haemophagocytic syndrome, the
minimum and maximum achievable totals when items are missing, and the cut-off status
(reached: even the minimum meets it; reachable: only the maximum does; unreachable).
Scoring is retrocohort.hscore.score; units are converted with retrocohort.ingest.units (pint)."""

EPILOG_HEAD = """\
accepted columns (header case, spaces, '-' and '_' do not matter):
"""

EPILOG_TAIL = """
units: laboratory columns need a unit, in the header ('ferritin [ng/mL]', 'triglycerides
[mg/dL]', 'temperature [degF]') or per row in a '<column>_unit' column ('hb_unit'). Accepted
spellings include G/L 10^9/L /mm3 /uL, g/dL g/L mg/dL, µg/L ng/mL, mmol/L, U/L IU/L, °C degC
°F degF. mg/dL <-> mmol/L uses 885.7 g/mol for triglycerides, 16114 g/mol for haemoglobin
(or the config's molar_mass).
plausible ranges: converted values outside a variable's plausible range are errors (file, row,
column, value, range, and the usual unit that would make the value plausible): this catches a
wrong unit (e.g. 101.3 in a '[°C]' column, 38.5 °C written in °F). The range is the study
config's `variables.<name>.range` (--configfile, or config/config.yaml in the project
directory) where it gives one, else the built-in clinical plausibility range of the item
(retrocohort.hscore.items.BUILT_IN_RANGES); the ranges used are printed on stderr.
yes/no columns: yes/no, y/n, true/false, 1/0. Missing: empty, NA, N/A, ND, missing, unknown.
Other columns are ignored (listed on stderr). An absent item column counts as missing.

probability: logistic approximation of Fardet's published table (retrocohort.hscore.probability),
given only when all 9 items are known.

examples:
  retrocohort hscore patients.csv
  retrocohort hscore patients.csv --out scores.json --operator '>=' --cutoff 169"""


def epilog() -> str:
    """Accepted columns (from :data:`retrocohort.hscore.sheet_columns.ACCEPTED_COLUMNS`), units, examples."""
    from retrocohort.hscore.sheet_columns import ACCEPTED_COLUMNS

    lines = [EPILOG_HEAD.rstrip("\n")]
    for col in ACCEPTED_COLUMNS:
        names = ", ".join((col.name, *col.aliases))
        unit = f" [canonical unit {col.unit}]" if col.unit else ""
        lines.append(f"  {names}: {col.description}{unit}")
    return "\n".join(lines) + "\n" + EPILOG_TAIL


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "hscore",
        parents=parents,
        help="score HScores from a CSV",
        description=DESCRIPTION,
        epilog_factory=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="CSV (or XLSX) with one row per patient")
    p.add_argument(
        "--out",
        type=Path,
        metavar="OUT",
        help="also write the full breakdown to OUT.csv or OUT.json (full precision)",
    )
    p.add_argument(
        "--operator",
        choices=tuple(CUTOFF_OPERATORS),
        help="cut-off rule: HScore > cutoff or >= cutoff (default: the study config's "
        f"hscore.operator, else {DEFAULT_OPERATOR})",
    )
    p.add_argument(
        "--cutoff",
        type=float,
        help=f"cut-off (default: the study config's hscore.cutoff, else {FARDET_CUTOFF:g})",
    )
    p.add_argument(
        "--configfile",
        type=Path,
        metavar="F",
        help="study config whose variables' plausible `range` (checked after unit "
        "conversion) and `molar_mass` apply, loaded and checked as `retrocohort run` loads it "
        "(default: config/config.yaml in the project directory, when it exists)",
    )
    p.add_argument(
        "--no-range-check",
        action="store_true",
        help="do not check values against plausible ranges (the config's, else the built-in ones)",
    )
    p.add_argument(
        "--molar-mass",
        action="append",
        default=[],
        metavar="VARIABLE=MASS",
        help="molar mass for mg/dL <-> mmol/L, e.g. triglycerides='860 g/mol' "
        "(repeatable; overrides the config and the defaults)",
    )
    return p


def study_config(args: argparse.Namespace) -> tuple[Path | None, Mapping[str, Any]]:
    """The study given with --configfile, else the project's config/config.yaml if any, loaded
    as ``retrocohort run`` loads it (a config ``run`` refuses is refused here the same way)."""
    from retrocohort.cli.study import load_cli_study

    study = load_cli_study(args.configfile, args.directory, required=False)
    return (None, {}) if study is None else (study.path, study.data)


def ranges_note(ranges: dict[str, tuple[float, float]], sources: dict[str, str]) -> str:
    """The plausible ranges a run checks, grouped by where they come from (printed on stderr)."""
    from retrocohort.hscore.items import INPUTS

    by_source: dict[str, list[str]] = {}
    for variable, (lo, hi) in ranges.items():
        by_source.setdefault(sources[variable], []).append(
            f"{variable} {lo:.10g}–{hi:.10g} {INPUTS[variable].unit}"
        )
    return "note: plausible ranges checked after unit conversion: " + "; ".join(
        f"{source}: {', '.join(items)}" for source, items in by_source.items()
    )


def _molar_masses(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, mass = pair.partition("=")
        if not sep or not name.strip() or not mass.strip():
            raise RetrocohortError(
                "Invalid --molar-mass",
                [Problem("not VARIABLE=MASS", value=pair, expected="e.g. triglycerides='885.7 g/mol'")],
            )
        out[name.strip()] = mass.strip()
    return out


def _pct(p: float) -> str:
    """Percent with one decimal; the extremes print as bounds, not as 0.0 % or 100.0 %."""
    if p < 0.0005:
        return "< 0.1 %"
    if p > 0.9995:
        return "> 99.9 %"
    return f"{100 * p:.1f} %"


def _is_missing(x: Any) -> bool:
    """None, NaN or pd.NA (a scalar cell)."""
    import pandas as pd

    return x is None or bool(pd.isna(x))


def input_text(sheet: HScoreSheet, scored: pd.DataFrame, pid: str, name: str) -> str:
    """One input cell as given, with its unit and, when converted, the canonical value."""
    from retrocohort.hscore.items import INPUTS
    from retrocohort.hscore.sheet_columns import ACCEPTED_COLUMNS, MISSING_VALUES

    col = next(c for c in ACCEPTED_COLUMNS if c.name == name)
    raw = sheet.given.at[pid, name]
    raw = "" if _is_missing(raw) else str(raw)
    if raw in MISSING_VALUES:
        return f"{name} missing" + (f" ({raw})" if raw else "")
    if col.kind != "number":
        return f"{name} {raw}"
    unit = sheet.units.at[pid, name]
    canonical = INPUTS[col.variable].unit
    text = f"{name} {raw} {unit}"
    if unit != canonical:
        text += f" (= {scored.at[pid, col.variable]:.4g} {canonical})"
    return text


def item_rows(sheet: HScoreSheet, scored: pd.DataFrame, pid: str) -> list[tuple[str, list[str], str]]:
    """(item, its inputs as given [= canonical], points or '?' when not determined) per item."""
    from retrocohort.hscore.items import HSCORE_ITEMS

    rows = []
    for item in HSCORE_ITEMS:
        parts = [input_text(sheet, scored, pid, name) for name in sheet.columns_of_item(item.columns)] or [
            "(no column: missing)"
        ]
        points = scored.at[pid, f"{item.name}_points"]
        rows.append((item.name, parts, "?" if math.isnan(points) else f"{points:.0f}"))
    return rows


def summary_line(row: pd.Series, rule: str) -> str:
    """Total, bounds, probability and cut-off status of one scored patient."""
    from retrocohort.hscore.items import N_ITEMS
    from retrocohort.hscore.probability import hlh_probability

    observed = int(row["items_observed"])
    if bool(row["complete"]):
        text = (
            f"HScore {row['hscore']:.0f} (all {N_ITEMS} items); probability of HLH "
            f"{_pct(row['hlh_probability'])}"
        )
    else:
        lo, hi = hlh_probability([row["hscore_min"], row["hscore_max"]])
        text = (
            f"HScore unknown: {observed}/{N_ITEMS} items known (their points sum to "
            f"{row['hscore']:.0f}); achievable total {row['hscore_min']}–{row['hscore_max']}; "
            f"probability not computed "
            f"(incomplete; {_pct(lo)} to {_pct(hi)} over the achievable range)"
        )
    text += f"; cut-off {rule}: {row['cutoff_status']}"
    if "hscore_reported" in row and not math.isnan(row["hscore_reported"]):
        if bool(row["complete"]):
            verdict = "DISAGREES" if row["disagrees"] else "agrees"
        else:
            verdict = "OUTSIDE the achievable range" if row["disagrees"] else "possible"
        text += f"; reported {row['hscore_reported']:.0f} ({verdict})"
    return text


def print_breakdown(sheet: HScoreSheet, scored: pd.DataFrame) -> None:
    rule = scored.attrs.get("cutoff_rule", "")
    for pid in scored.index:
        print(f"patient {pid}")
        rows = item_rows(sheet, scored, pid)
        width = max(len(part) for _, parts, _ in rows for part in parts)
        for item, parts, points in rows:
            print(f"  {item:<18} {parts[0]:<{width}}  {points:>3}")
            for part in parts[1:]:
                print(f"  {'':<18} {part}")
        print("  " + summary_line(scored.loc[pid], rule.replace("hscore ", "")))
        print()


def output_frame(sheet: HScoreSheet, scored: pd.DataFrame) -> pd.DataFrame:
    """Cells and units as given (``<column>_given``, ``<column>_unit_given``), then the full
    :func:`score_hscore` result, one row per patient."""
    given = sheet.given.add_suffix("_given").join(sheet.units.add_suffix("_unit_given"))
    order = [
        c
        for name in sheet.given.columns
        for c in (f"{name}_given", f"{name}_unit_given")
        if c in given.columns
    ]
    frame = given[order].join(scored).reset_index()
    frame["cutoff_status"] = frame["cutoff_status"].astype("string")
    frame["cutoff_rule"] = scored.attrs.get("cutoff_rule", "")
    return frame


def check_output_path(out: Path) -> None:
    """Only .csv and .json outputs (checked before any work is done)."""
    if out.suffix.lower() not in (".csv", ".json"):
        raise RetrocohortError(
            "Unsupported output file",
            [Problem("unknown extension", file=str(out), value=out.suffix, expected="'.csv' or '.json'")],
        )


def write_output(frame: pd.DataFrame, out: Path, source: str) -> None:
    """CSV (formula-safe text, %.17g floats) or JSON (shortest round-trip floats), atomic."""
    from retrocohort.io.csv_safe import safe_text_frame
    from retrocohort.io.tabular import write_csv, write_json

    check_output_path(out)
    if out.suffix.lower() == ".csv":
        write_csv(safe_text_frame(frame), out)
    else:
        records = frame.astype(object).to_dict("records")
        doc = {
            "source": source,
            "method": "HScore (Fardet et al. 2014); probability: logistic approximation of "
            "the published table (retrocohort.hscore.probability)",
            "patients": records,
        }
        write_json(doc, out, sort_keys=False)


def run(args: argparse.Namespace) -> int:
    import sys

    from retrocohort.hscore.cutoff import study_cutoff
    from retrocohort.hscore.sheet import plausible_ranges, read_hscore_sheet, score_sheet, study_limits

    if args.out is not None:
        check_output_path(args.out)
    config_path, config = study_config(args)
    _, masses = study_limits(config)
    ranges, sources = plausible_ranges(config, None if config_path is None else str(config_path))
    if config_path is not None:
        print(f"note: molar masses from {config_path}", file=sys.stderr)
    else:
        print("note: no study config found (config/config.yaml, or --configfile)", file=sys.stderr)
    if args.no_range_check:
        print("note: plausible ranges NOT checked (--no-range-check)", file=sys.stderr)
    else:
        print(ranges_note(ranges, sources), file=sys.stderr)
    sheet = read_hscore_sheet(
        args.file,
        molar_masses={**masses, **_molar_masses(args.molar_mass)},
        plausible_ranges=None if args.no_range_check else ranges,
        range_sources=sources,
    )
    if sheet.ignored:
        print(f"note: ignored column(s): {', '.join(sheet.ignored)}", file=sys.stderr)
    if sheet.absent:
        print(
            f"note: no column for {', '.join(sheet.absent)}: counted as missing for every patient",
            file=sys.stderr,
        )
    cutoff, operator = study_cutoff(config.get("hscore"), cutoff=args.cutoff, operator=args.operator)
    scored = score_sheet(sheet, cutoff=cutoff, operator=operator)
    print_breakdown(sheet, scored)
    if args.out is not None:
        write_output(output_frame(sheet, scored), args.out, str(args.file))
        print(f"wrote {args.out}", file=sys.stderr)
    return 0
