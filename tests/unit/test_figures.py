"""Unit tests for retrocohort.figures: structure of each plot, style, deterministic export."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from loaded_sections import statistics
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from retrocohort.figures import (
    FULL_PAGE,
    OKABE_ITO,
    ONE_AND_HALF_COLUMN,
    PAGE_HEIGHT,
    SINGLE_COLUMN,
    cohort_flow,
    hscore_distribution,
    journal_style,
    km_plot,
    save_figure,
    slope_plot,
    swimmer_plot,
)
from retrocohort.figures.exclusion import exclusion_reasons
from retrocohort.figures.labels import (
    SYNTHETIC_NOTE,
    km_note,
    km_ylabel,
    slope_annotations,
    slope_titles,
    swimmer_frame,
)
from retrocohort.figures.paired import paired_values
from retrocohort.figures.score_term import score_term
from retrocohort.figures.style import categorical_colors

# ---------------------------------------------------------------- helpers / fixtures


def long_pairs(day0: list[float], day7: list[float], parameter: str = "ferritin") -> pd.DataFrame:
    ids = [f"P{i}" for i in range(len(day0))]
    return pd.DataFrame(
        {
            "patient_id": ids + ids,
            "parameter": parameter,
            "day": [0] * len(ids) + [7] * len(ids),
            "value": list(day0) + list(day7),
        }
    )


def big_pairs(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d0 = np.exp(rng.normal(6, 1, n))
    pid = np.arange(n)
    return pd.DataFrame(
        {
            "patient_id": np.concatenate([pid, pid]),
            "parameter": "ferritin",
            "day": np.repeat([0, 7], n),
            "value": np.concatenate([d0, d0 * np.exp(rng.normal(-0.5, 0.5, n))]),
        }
    )


def patient_lines(ax) -> list[LineCollection]:
    return [c for c in ax.collections if c.get_gid() == "patient-lines"]


def gid_artists(fig: Figure, gid: str) -> list:
    return fig.findobj(lambda a: a.get_gid() == gid)


@pytest.fixture
def swimmer_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": [1, 2, 3, 4, 5],
            "duration_days": [13, 660, np.nan, 5, 90],
            "ongoing": [False, True, True, False, False],
            "efficacy": [True, True, np.nan, False, True],
            "alive": [True, True, True, False, False],
            "line": [1, 2, 2, 4, 1],
        }
    )


@pytest.fixture
def flow_steps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": [2, 1],  # deliberately unsorted
            "label": ["HScore > 169", "Anakinra-treated sHLH in records"],
            "n_in": [27, 34],
            "n_excluded": [6, 7],
            "n_out": [21, 27],
            "reason": ["Criteria not met", "Primary HLH; other indication"],
        }
    )


def example_figure() -> Figure:
    """A figure exercising text, log axes, collections, hatches and mathtext markers."""
    data = pd.concat(
        [long_pairs([100, 2000, 300], [50, 900, 310]), long_pairs([1, 1, 0], [0, 1, 0], parameter="fever")]
    )
    return slope_plot(
        data,
        ["ferritin", "fever"],
        log_scale={"ferritin": True},
        titles={"ferritin": "Ferritin (µg/L)"},
        annotations={"ferritin": "p = 0.25"},
    )


# ---------------------------------------------------------------- style


def test_journal_style_applies_and_restores_rcparams():
    before = mpl.rcParams["pdf.fonttype"], mpl.rcParams["svg.hashsalt"]
    with journal_style():
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["ps.fonttype"] == 42
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert mpl.rcParams["svg.hashsalt"] is not None
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert 7 <= mpl.rcParams["xtick.labelsize"] <= mpl.rcParams["font.size"] <= 9
    assert (mpl.rcParams["pdf.fonttype"], mpl.rcParams["svg.hashsalt"]) == before


def test_palette_is_okabe_ito_and_categorical_colors_are_stable():
    assert len(OKABE_ITO) == 8 and OKABE_ITO["vermillion"] == "#D55E00"
    assert categorical_colors([3, 1, 3]) == categorical_colors([1, 3])
    assert len(set(categorical_colors(range(8)).values())) == 8


# ---------------------------------------------------------------- paired / slope plot


def test_slope_plot_small_data_one_line_per_patient_and_medians():
    data = pd.concat(
        [long_pairs([10, 20, 30], [5, 25, 3]), long_pairs([1, 2, 4], [2, 2, 8], parameter="crp")]
    )
    fig = slope_plot(
        data,
        ["ferritin", "crp"],
        log_scale={"ferritin": True},
        titles={"ferritin": "Ferritin (µg/L)"},
        annotations={"ferritin": "Wilcoxon signed-rank p = 0.011"},
    )
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        (lc,) = patient_lines(ax)
        assert len(lc.get_segments()) == 3
    ferritin, crp = fig.axes
    assert ferritin.get_yscale() == "log" and crp.get_yscale() == "linear"
    (median,) = [ln for ln in ferritin.lines if ln.get_gid() == "median"]
    np.testing.assert_allclose(median.get_ydata(), [20, 5])
    title = ferritin.get_title(loc="left")
    assert title.startswith("Ferritin (µg/L)") and "n = 3 pairs" in title
    assert "Wilcoxon signed-rank p\u00a0=\u00a00.011" in title  # never split across lines
    assert crp.get_title(loc="left").startswith("crp")  # falls back to the parameter name
    assert fig.legends, "figure legend explaining patient lines and median"


def test_slope_plot_only_complete_pairs_are_drawn():
    data = long_pairs([10, 20, 30], [5, np.nan, 3])
    fig = slope_plot(data, ["ferritin"])
    (lc,) = patient_lines(fig.axes[0])
    assert len(lc.get_segments()) == 2
    assert "n = 2 pairs" in fig.axes[0].get_title(loc="left")


def test_density_path_above_threshold_has_no_per_patient_lines():
    data = big_pairs(500)
    fig = slope_plot(data, ["ferritin"], log_scale={"ferritin": True}, density_threshold=100)
    ax = fig.axes[0]
    assert not patient_lines(ax)
    assert not any(isinstance(c, LineCollection) for c in ax.collections)
    assert {ln.get_gid() for ln in ax.lines} == {"identity", "median"}
    (hexes,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert hexes.get_array().sum() == 500  # every pair counted once
    assert ax.get_xlim() == ax.get_ylim()
    assert len(fig.axes) == 2  # panel + colour bar
    legend = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert legend == ["Median of each day", "No change"]  # the marks the panel draws


def test_slope_plot_takes_the_pairs_themselves():
    """Table 3's pairs file gives the same figure as the long data it was built from."""
    data = long_pairs([10, 20, 30], [5, 6, 40])
    from_long = slope_plot(data, ["ferritin"])
    from_pairs = slope_plot({"ferritin": np.array([[10, 5], [20, 6], [30, 40]])}, ["ferritin"])
    segs = [
        c.get_segments()
        for ax in (from_long.axes[0], from_pairs.axes[0])
        for c in ax.collections
        if isinstance(c, LineCollection)
    ]
    np.testing.assert_array_equal(segs[0], segs[1])
    with pytest.raises(ValueError, match="not present in the pairs"):
        slope_plot({"ferritin": np.zeros((0, 2))}, ["ldh"])
    with pytest.raises(ValueError, match=r"not \(n_pairs, 2\) arrays"):
        slope_plot({"ferritin": np.zeros(4)}, ["ferritin"])


def test_binary_parameter_drawn_as_stacked_proportions():
    data = long_pairs([1, 1, 1, 0], [0, 1, 0, 0], parameter="fever")
    fig = slope_plot(data, ["fever"])
    ax = fig.axes[0]
    assert not patient_lines(ax)
    ones = [p for p in ax.patches if p.get_gid() == "binary-1"]
    zeros = [p for p in ax.patches if p.get_gid() == "binary-0"]
    np.testing.assert_allclose([p.get_height() for p in ones], [0.75, 0.25])
    np.testing.assert_allclose([p.get_height() + p.get_y() for p in zeros], [1.0, 1.0])
    assert {t.get_text() for t in ax.texts} >= {"3/4", "1/4"}


def test_slope_plot_rejects_duplicates_unknown_parameters_and_nonpositive_log():
    data = long_pairs([10, 20], [5, 6])
    with pytest.raises(ValueError, match="duplicated"):
        slope_plot(pd.concat([data, data.iloc[:1]]), ["ferritin"])
    with pytest.raises(ValueError, match="not present"):
        slope_plot(data, ["ldh"])
    with pytest.raises(ValueError, match="log scale"):
        slope_plot(long_pairs([0, 20], [5, 6]), ["ferritin"], log_scale={"ferritin": True})


def test_paired_values_shape_and_order():
    pairs = paired_values(long_pairs([1, 2], [3, 4]), ["ferritin"])
    np.testing.assert_array_equal(pairs["ferritin"], [[1, 3], [2, 4]])


def test_large_cohort_switches_to_density_automatically(tmp_path):
    """10^5 pairs with the default threshold: one aggregated hexbin, not 10^5 line segments."""
    data = big_pairs(100_000)
    start = time.perf_counter()
    fig = slope_plot(data, ["ferritin"], log_scale={"ferritin": True})
    built = time.perf_counter()
    png, svg, pdf = save_figure(fig, tmp_path / "big")
    done = time.perf_counter()
    print(f"\n10^5 pairs: build {built - start:.2f} s, PNG+SVG+PDF render {done - built:.2f} s")
    ax = fig.axes[0]
    assert not patient_lines(ax)
    (hexes,) = ax.collections  # the only collection: at most gridsize^2 hexagons
    assert hexes.get_array().sum() == 100_000 and len(hexes.get_array()) <= 41 * 41 * 2
    assert len(ax.lines) == 2  # identity line + median point
    assert "n = 100,000 pairs" in ax.get_title(loc="left")
    assert svg.read_bytes().count(b"<path") < 5_000  # vs > 10^5 with one line per patient
    assert max(p.stat().st_size for p in (png, svg, pdf)) < 2_000_000
    assert done - start < 60  # catastrophic-regression guard only; timings are printed


def test_above_max_pairs_a_panel_is_a_seeded_subsample_under_the_median_and_iqr_of_all_pairs():
    """1,062 pairs (as a large study's Table 3) with max_pairs 200: 200 lines drawn at random
    (the same ones for the same seed) and the median with Q1–Q3 of all 1,062 pairs, said in
    the title and legend (failed before: slope_plot had no max_pairs, 1,062 lines drawn)."""
    rng = np.random.default_rng(5)
    pairs = {"ferritin": rng.lognormal(6, 1, size=(1062, 2))}
    figs = [slope_plot(pairs, ["ferritin"], max_pairs=200, seed=seed) for seed in (1, 1, 2)]
    segments = [patient_lines(fig.axes[0])[0].get_segments() for fig in figs]
    assert len(segments[0]) == 200
    np.testing.assert_array_equal(segments[0], segments[1])
    assert not np.array_equal(np.asarray(segments[0]), np.asarray(segments[2]))
    ax = figs[0].axes[0]
    assert "n = 1,062 pairs, 200 drawn at random" in ax.get_title(loc="left")
    (bar,) = ax.containers  # the median with its Q1–Q3 bars, of all 1,062 pairs
    np.testing.assert_allclose(bar.lines[0].get_ydata(), np.median(pairs["ferritin"], axis=0))
    (caps,) = bar.lines[2]
    q1, q3 = np.quantile(pairs["ferritin"], [0.25, 0.75], axis=0)
    np.testing.assert_allclose(sorted(np.ravel(caps.get_segments())[1::2]), sorted([*q1, *q3]))
    legend = [t.get_text() for lg in figs[0].legends for t in lg.get_texts()]
    assert legend == ["Patients drawn at random", "Median (Q1–Q3), all pairs"]
    small = slope_plot({"ferritin": pairs["ferritin"][:200]}, ["ferritin"], max_pairs=200, seed=1)
    assert len(patient_lines(small.axes[0])[0].get_segments()) == 200  # at the limit: every line
    with pytest.raises(ValueError, match="seed"):
        slope_plot(pairs, ["ferritin"], max_pairs=200)


def test_the_slope_plot_limit_and_seed_are_schema_defaults_stated_in_the_caption():
    from retrocohort.config.study import fill_defaults
    from retrocohort.config.time_points import _SCHEMA
    from retrocohort.config.yaml_strict import read_yaml_strict

    filled = fill_defaults({}, read_yaml_strict(_SCHEMA).data)
    assert filled["figures"]["slopes"]["max_pairs"] >= 2 and "seed" in filled["figures"]["slopes"]
    root = Path(__file__).resolve().parents[2]
    caption = (root / "workflow/report/figure_slopes.rst").read_text(encoding="utf-8")
    assert 'sl.get("max_pairs")' in caption and 'sl.get("seed")' in caption


# ---------------------------------------------------------------- HScore


def test_hscore_distribution_with_probability_curve():
    scores = pd.Series([150, 169, 170, 250, 300, np.nan])
    fig = hscore_distribution(scores, 169, ">", lambda x: 1 / (1 + np.exp(-(x - 169) / 20)))
    assert len(fig.axes) == 2  # histogram + secondary probability axis
    ax, ax2 = fig.axes
    labels = [t.get_text().strip() for t in ax.texts if t.get_gid() == "cutoff-label"]
    assert labels == ["> 169"]
    assert sum(p.get_height() for p in ax.patches) == 5  # NaN ignored, every score counted
    (curve,) = [ln for ln in ax2.lines if ln.get_gid() == "probability"]
    assert curve.get_xdata()[0] == 0 and curve.get_xdata()[-1] == 337
    assert ax2.get_ylim() == (0, 100)
    legend_text = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "HScore > 169 (3/5)" in legend_text  # 169 itself does not meet "> 169"


def test_hscore_distribution_without_probability_and_input_checks():
    fig = hscore_distribution(pd.Series([200, 210]), 169, ">=")
    assert len(fig.axes) == 1
    assert any(t.get_text().strip() == "≥ 169" for t in fig.axes[0].texts)
    with pytest.raises(ValueError, match="cutoff_operator"):
        hscore_distribution(pd.Series([200]), 169, "=>")
    with pytest.raises(ValueError, match="outside"):
        hscore_distribution(pd.Series([400]), 169, ">")
    with pytest.raises(ValueError, match="probability"):
        hscore_distribution(pd.Series([200]), 169, ">", lambda x: x)  # not within [0, 1]


def test_the_hscore_figure_names_the_score_as_the_tables_do():
    """The axis and legend say the study's term (flagship: "H score", the label of its
    reported score variable; failed before: "HScore" where every table says "H score")."""
    config = {
        "selection": {"score": "hscore_reported"},
        "variables": {"hscore_reported": {"label": "H score (as reported)"}},
    }
    assert score_term(config) == "H score"
    recomputed = {
        "selection": {"score": "recomputed"},
        "tables": {"table1": {"rows": [{"variable": "hscore", "label": "HScore (recomputed)"}]}},
    }
    assert score_term(recomputed) == "HScore"
    assert score_term({}) == "HScore"  # labelled nowhere: the method's published name
    fig = hscore_distribution(pd.Series([150, 200]), 169, ">", term=score_term(config))
    assert fig.axes[0].get_xlabel() == "H score"
    assert [t.get_text() for t in fig.legends[0].get_texts()][0] == "H score > 169 (1/2)"


# ---------------------------------------------------------------- swimmer


@pytest.mark.parametrize("log_x", [False, True])
def test_swimmer_plot_encodings(swimmer_df, log_x):
    fig = swimmer_plot(swimmer_df, log_x=log_x)
    ax, status_ax = fig.axes
    assert ax.get_xscale() == ("log" if log_x else "linear")
    bars = [p for p in ax.patches if p.get_gid() == "durations"]
    origin = 1 if log_x else 0
    assert sorted(b.get_x() + b.get_width() for b in bars) == [5, 13, 90, 660]  # known only
    assert {b.get_x() for b in bars} == {origin}
    assert len({tuple(b.get_facecolor()) for b in bars}) == 3  # lines 1, 2 and 4
    # an unknown duration is a dashed line across the row, never a bar that reads as a length
    placeholders = [ln for ln in ax.lines if ln.get_gid() == "missing-duration"]
    assert len(placeholders) == 1 and placeholders[0].get_linestyle() == "--"
    assert placeholders[0].get_ydata()[0] == 4  # the last row (patient 3)
    assert "duration unknown" in [t.get_text() for t in ax.texts]
    arrows = [a for a in ax.texts if isinstance(a, Annotation) and a.get_gid() == "ongoing"]
    assert len(arrows) == 2  # one with a known duration, one on the placeholder
    # sorted by duration, longest first, missing last
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2", "5", "1", "4", "3"]
    counts = {c.get_gid(): len(c.get_offsets()) for c in status_ax.collections}
    assert counts == {"response": 3, "no_response": 1, "response_unknown": 1, "died": 2}
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert legend == {
        "Anakinra as 1st line",
        "Anakinra as 2nd line",
        "Anakinra as 4th line",
        "Treatment ongoing",
        "Unknown duration",
        "Response",
        "No response",
        "Response unknown",
        "Died",
    }
    markers = {
        h.get_label(): h.get_marker() for h in fig.legends[0].legend_handles if hasattr(h, "get_marker")
    }
    assert markers["Died"] == "s"  # a filled square: "†" means synthetic everywhere else
    assert "\u2020" not in "".join(str(m) for m in markers.values())


def test_swimmer_plot_rejects_missing_columns(swimmer_df):
    with pytest.raises(ValueError, match="line"):
        swimmer_plot(swimmer_df.drop(columns="line"))


# ---------------------------------------------------------------- flow


def test_cohort_flow_boxes_and_arrows(flow_steps):
    fig = cohort_flow(flow_steps)
    assert len(gid_artists(fig, "main-box")) == 3  # two steps + final population
    assert len(gid_artists(fig, "exclusion-box")) == 2
    assert len(gid_artists(fig, "flow-arrow")) == 4
    text = "\n".join(t.get_text() for t in fig.axes[0].texts)
    assert "(n = 34)" in text and "(n = 21)" in text and "Excluded (n = 7)" in text
    assert "• Primary HLH" in text and "• other indication" in text
    assert fig.get_figwidth() == SINGLE_COLUMN


def test_cohort_flow_states_the_negation_of_the_inclusion_rule_never_the_rule():
    steps = pd.DataFrame(
        {
            "step": [1, 2],
            "label": ["H score > 169", "Received anakinra"],
            "n_in": [665, 42],
            "n_excluded": [623, 21],
            "n_excluded_missing": [12, 21],
            "n_out": [42, 21],
            "reason": [
                "hscore_reported > 169.0 (missing: exclude)",
                "anakinra_line is recorded (missing: exclude)",
            ],
        }
    )
    boxes = [t.get_text() for t in cohort_flow(steps).axes[0].texts if t.get_text().startswith("Excluded")]
    first = boxes[0].replace("\n   ", " ")
    assert "Excluded (n = 623):" in first
    assert "• H score not above 169 (n = 611)" in first and "• H score not recorded (n = 12)" in first
    assert "> 169" not in first and "missing: exclude" not in first
    assert "anakinra line not" in boxes[1] and "is recorded" not in boxes[1]


@pytest.mark.parametrize(
    ("label", "reason", "n_missing", "expected"),
    [
        ("H score > 169", "hscore_reported > 169.0 (missing: exclude)", 0, ["H score not above 169"]),
        ("HScore >= 169", "hscore >= 169 (missing: include)", 3, ["HScore below 169"]),
        ("Age", "age < 18.5 (missing: exclude)", None, ["age not below 18.5"]),
        ("x", "sex == F (missing: exclude)", 0, ["sex not equal to F"]),
        ("x", "line in {1, 2} (missing: exclude)", 0, ["line not in {1, 2}"]),
        ("Adult", "adult is true (missing: exclude)", 0, ["adult not true"]),
        ("Primary", "Primary HLH; other indication", 0, ["Primary HLH", "other indication"]),
        ("x", float("nan"), 0, []),
    ],
)
def test_exclusion_reasons_negate_the_rule_in_words(label, reason, n_missing, expected):
    assert exclusion_reasons(label, reason, 10, n_missing) == expected


def test_cohort_flow_rejects_counts_that_do_not_add_up(flow_steps):
    bad = flow_steps.assign(n_out=[20, 27])
    with pytest.raises(ValueError, match="n_out"):
        cohort_flow(bad)


# ---------------------------------------------------------------- survival


def test_km_plot_curves_bands_and_at_risk_table():
    curves = pd.DataFrame(
        {
            "group": ["A", "A", "B", "B"],
            "time": [10, 30, 5, 50],
            "survival": [0.8, 0.5, 0.9, 0.6],
            "ci_low": [0.6, 0.3, 0.7, 0.4],
            "ci_high": [0.95, 0.7, 1.0, 0.8],
        }
    )
    # follow-up ends: A 10 patients (6 end at 20, 4 at 40), B 12 (6 at 25, 6 at 50)
    follow_up = pd.DataFrame({"group": ["A", "A", "B", "B"], "time": [20, 40, 25, 50], "n": [6, 4, 6, 6]})
    fig = km_plot(curves, follow_up=follow_up, at_risk_times=[0, 30])
    ax, table_ax = fig.axes
    steps = [ln for ln in ax.lines if (ln.get_gid() or "").startswith("km-")]
    assert len(steps) == 2
    assert steps[0].get_xdata()[0] == 0 and steps[0].get_ydata()[0] == 1  # starts at (0, 1)
    assert steps[0].get_drawstyle() == "steps-post"
    assert len([c for c in ax.collections if (c.get_gid() or "").startswith("ci-")]) == 2
    counts = [t for t in table_ax.texts if t.get_gid() == "at-risk"]
    assert [(t.get_position()[0], t.get_text()) for t in counts] == [
        (0, "10"),
        (30, "4"),
        (0, "12"),
        (30, "6"),
    ]
    assert ax.get_xticks().tolist() == [0, 30]
    assert len(km_plot(curves).axes) == 1


def _one_curve() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["all"] * 2,
            "time": [1.0, 2.0],
            "survival": [0.5, 0.1],
            "ci_low": [0.3, 0.0],
            "ci_high": [0.7, 0.4],
        }
    )


def test_km_plot_shows_the_synthetic_note_in_the_legend_even_for_one_curve():
    assert km_plot(_one_curve()).axes[0].get_legend() is None
    legend = km_plot(_one_curve(), note=SYNTHETIC_NOTE).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [SYNTHETIC_NOTE]
    two = pd.concat([_one_curve(), _one_curve().assign(group="B")])
    texts = [t.get_text() for t in km_plot(two, note=SYNTHETIC_NOTE).axes[0].get_legend().get_texts()]
    assert texts == ["all", "B", SYNTHETIC_NOTE]


def test_km_note_follows_the_synthetic_flag_of_the_analysis_rows():
    stats = pd.DataFrame({"analysis": ["fever", "fever", "death"], "synthetic": [False, True, False]})
    assert km_note(stats, "fever") == SYNTHETIC_NOTE
    assert km_note(stats, "death") is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"label": "Time to fever resolution after anakinra start"}, "Probability without fever resolution"),
        ({"label": "Time to death", "event_name": "relapse"}, "Probability without relapse"),
        ({"label": "Overall survival"}, "Probability without the event"),
        (
            {"label": "Time to death", "ylabel": "Probability of persisting fever"},
            "Probability of persisting fever",
        ),
    ],
)
def test_km_ylabel_names_the_event(spec, expected):
    assert km_ylabel(spec) == expected


# ---------------------------------------------------------------- saving


def test_save_figure_writes_formats_atomically(tmp_path):
    paths = save_figure(example_figure(), tmp_path / "sub" / "fig.v1")
    assert [p.name for p in paths] == ["fig.v1.png", "fig.v1.svg", "fig.v1.pdf"]
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in paths[1].read_bytes()[:500]
    assert paths[2].read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == sorted(p.name for p in paths)
    with pytest.raises(ValueError, match="unsupported"):
        save_figure(example_figure(), tmp_path / "x", formats=("bmp",))


def test_save_figure_failure_keeps_previous_file_and_leaves_no_temp(tmp_path, monkeypatch):
    fig = example_figure()
    (old,) = save_figure(fig, tmp_path / "fig", formats=("png",))
    before = old.read_bytes()

    def broken_savefig(fh, **kwargs):
        fh.write(b"partial")
        raise KeyboardInterrupt  # e.g. the job is killed mid-write

    monkeypatch.setattr(fig, "savefig", broken_savefig)
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, tmp_path / "fig", formats=("png",))
    assert old.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["fig.png"]


def test_saved_files_carry_no_timestamps(tmp_path):
    png, svg, pdf = (p.read_bytes() for p in save_figure(example_figure(), tmp_path / "f"))
    assert b"Matplotlib version" not in png
    assert b"<dc:date>" not in svg
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf
    assert b"/FontFile2" in pdf and b"/Type3" not in pdf  # TrueType (Type 42) embedded


def test_save_figure_is_byte_identical_when_rebuilt(tmp_path):
    first = save_figure(example_figure(), tmp_path / "a" / "fig")
    second = save_figure(example_figure(), tmp_path / "b" / "fig")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.suffix} differs between runs"


def test_save_figure_is_byte_identical_across_processes(tmp_path):
    """Fresh interpreters with different hash seeds (set ordering) and start times."""
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        import numpy as np, pandas as pd
        from retrocohort.figures import save_figure, swimmer_plot
        df = pd.DataFrame({"patient_id": [1, 2, 3], "duration_days": [13, 660, np.nan],
                           "ongoing": [False, True, True], "efficacy": [True, np.nan, False],
                           "alive": [True, False, True], "line": [1, 2, 3]})
        save_figure(swimmer_plot(df, log_x=True), Path(sys.argv[1]) / "swimmer")
        assert "matplotlib.pyplot" not in sys.modules
    """)
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env)
        outputs.append(out)
        time.sleep(1.1)  # a leaked timestamp would now differ
    for fmt in ("png", "svg", "pdf"):
        a, b = (o / f"swimmer.{fmt}" for o in outputs)
        assert a.read_bytes() == b.read_bytes(), f"{fmt} differs across processes"


def test_page_width_panels():
    data = pd.concat([long_pairs([1, 2], [3, 4], parameter=p) for p in "abcd"])
    fig = slope_plot(data, list("abcd"))
    assert fig.get_figwidth() == FULL_PAGE
    assert len(fig.axes) == 4  # unused grid cells removed


# ---------------------------------------------------------------- journal format


def test_png_is_300_dpi_and_svg_pdf_embed_glyphs(tmp_path):
    from PIL import Image

    png, svg, pdf = save_figure(example_figure(), tmp_path / "f")
    with Image.open(png) as img:
        assert [round(v) for v in img.info["dpi"]] == [300, 300]
        assert img.size[0] == round(example_figure().get_figwidth() * 300)
    text = svg.read_text(encoding="utf-8")
    assert "<text" not in text and "font-family" not in text  # glyphs are outlines
    assert b"/FontFile2" in pdf.read_bytes()  # TrueType program embedded


def test_every_figure_fits_a_journal_column_or_page(swimmer_df, flow_steps):
    many = pd.concat([long_pairs([1, 2], [3, 4], parameter=f"p{i}") for i in range(20)])
    big_swimmer = pd.DataFrame(
        {
            "patient_id": range(500),
            "duration_days": np.arange(1, 501, dtype=float),
            "ongoing": False,
            "efficacy": True,
            "alive": True,
            "line": 1,
        }
    )
    figures = [
        slope_plot(many, [f"p{i}" for i in range(20)]),
        swimmer_plot(swimmer_df),
        swimmer_plot(big_swimmer),
        cohort_flow(flow_steps),
        hscore_distribution(pd.Series([200, 210]), 169, ">"),
    ]
    for fig in figures:
        assert fig.get_figwidth() in (SINGLE_COLUMN, ONE_AND_HALF_COLUMN, FULL_PAGE)
        assert fig.get_figheight() <= PAGE_HEIGHT + 1e-9
    big = figures[2].axes[0]
    assert big.get_yticklabels() == [] and "n = 500" in big.get_ylabel()


def test_slope_plot_note_is_shown_in_the_legend():
    fig = slope_plot(long_pairs([1, 2], [3, 4]), ["ferritin"], note="† computed from synthetic data")
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["Individual patient", "Median", "† computed from synthetic data"]


# ---------------------------------------------------------------- rule glue (steps.figures)


def table3_rows(adjustment: str = "none") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variable": ["crp", "crp", "fever"],
            "role": ["main", "sign", "main"],
            "test": ["Wilcoxon signed-rank", "Sign test", "McNemar"],
            "p_value": [0.00537109375, 0.2, 0.0004],
            "p_adjusted": [0.0107421875, 0.3, 0.0008],
            "adjustment": adjustment,
            "synthetic": [True, True, False],
        }
    )


def test_slope_annotations_print_p_as_table3_does():
    config = {"statistics": {"p_value": {"decimals": 3, "threshold": 0.005}, "rounding": "half_up"}}
    assert slope_annotations(table3_rows(), config) == {
        "crp": "Wilcoxon signed-rank p = 0.005",
        "fever": "McNemar p <0.005",
    }
    adjusted = slope_annotations(table3_rows("holm"), {"statistics": statistics()})
    assert adjusted["crp"] == "Wilcoxon signed-rank p (holm-adjusted) = 0.011"


def test_slope_titles_mark_synthetic_parameters():
    config = {
        "tables": {
            "table3": {"parameters": [{"variable": "crp", "label": "CRP (mg/L)"}, {"variable": "fever"}]}
        }
    }
    assert slope_titles(table3_rows(), config) == {"crp": "CRP (mg/L) †", "fever": "fever"}


def test_swimmer_frame_reads_optional_ongoing_variable():
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(["1", "2", "3"], dtype="string"),
            "dur": pd.array([13.0, None, 40.0], dtype="Float64"),
            "eff": pd.array([True, None, False], dtype="boolean"),
            "line": pd.array([1.0, 2.0, None], dtype="Float64"),
            "status": pd.array(["alive", "deceased", None], dtype="string"),
            "still_on": pd.array([False, True, None], dtype="boolean"),
        }
    )
    spec = {
        "duration": "dur",
        "efficacy": "eff",
        "line": "line",
        "status": {"variable": "status", "alive_value": "alive"},
    }
    frame = swimmer_frame(patients, spec)
    assert frame["ongoing"].tolist() == [False, False, False]
    assert frame["alive"].tolist() == [True, False, False]
    assert swimmer_frame(patients, {**spec, "ongoing": "still_on"})["ongoing"].tolist() == [
        False,
        True,
        False,
    ]
    fig = swimmer_plot(swimmer_frame(patients, {**spec, "ongoing": "still_on"}))
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {"Line of anakinra unknown", "Treatment ongoing"} <= legend  # line 0 = missing
