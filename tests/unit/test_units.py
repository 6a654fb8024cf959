import numpy as np
import pytest

from retrocohort.errors import InputError
from retrocohort.ingest.units import convert, is_known_unit, unknown_unit_message


@pytest.mark.parametrize(
    "value, src, dst, expected, molar",
    [
        (100.0, "mg/dL", "mmol/L", 100 / 88.57, "885.7 g/mol"),
        (250.0, "mg/dL", "g/L", 2.5, None),
        (92.0, "g/L", "g/dL", 9.2, None),
        (5.7, "mmol/L", "g/dL", 5.7 * 1.6114, "16114 g/mol"),
        (102.2, "°F", "°C", 39.0, None),
        (4300.0, "/mm3", "G/L", 4.3, None),
        (13835.0, "ng/mL", "µg/L", 13835.0, None),
        (40.0, "IU/L", "U/L", 40.0, None),
    ],
)
def test_clinical_conversions(value, src, dst, expected, molar):
    assert convert(np.array([value]), src, dst, molar_mass=molar)[0] == pytest.approx(expected, rel=1e-4)


def test_nan_is_preserved():
    out = convert(np.array([1.0, np.nan]), "g/L", "g/dL")
    assert out[0] == pytest.approx(0.1) and np.isnan(out[1])


def test_unknown_spelling_is_an_error_not_a_guess():
    with pytest.raises(InputError, match="Unknown unit 'mg/dl'"):
        convert(np.array([1.0]), "mg/dl", "g/L")


def test_mass_to_substance_needs_a_molar_mass():
    with pytest.raises(InputError, match="molar_mass"):
        convert(np.array([1.0]), "mg/dL", "mmol/L")


def test_greek_mu_and_micro_sign_are_the_same_unit_after_nfkc():
    from retrocohort.ingest.units import is_known_unit, unit_key

    assert unit_key("\u03bcg/L") == unit_key("\u00b5g/L")
    assert is_known_unit("\u03bcg/L") and is_known_unit("\u2103")  # GREEK MU; DEGREE CELSIUS sign
    assert convert(np.array([5.0]), "\u03bcg/L", "µg/L")[0] == 5.0
    assert convert(np.array([0.352]), "g/dL", "g/L")[0] != 3.52  # float noise unless asked to round
    assert not is_known_unit("×109/L")  # superscripts are kept: 10⁹ is not 109


def test_unknown_look_alike_unit_is_spelled_out_by_code_point():
    from retrocohort.ingest.units import unknown_unit_message

    message = unknown_unit_message("\u0441mol/L")  # CYRILLIC ES, not a Latin c
    assert "U+0441 CYRILLIC SMALL LETTER ES" in message and "closest accepted spelling" in message
    assert "closest accepted spelling: 'mmol/L'" in unknown_unit_message("mmol/l")


@pytest.mark.parametrize(
    "noisy, clean",
    [
        (3.5200000000000005, 3.52),
        (12000.000000000002, 12000.0),
        (-2.7000000000000006, -2.7),
        (0.0, 0.0),
        (1.23456789012345e-20, 1.23456789012e-20),
    ],
)
def test_round_significant_removes_float_noise(noisy, clean):
    from retrocohort.ingest.units import round_significant

    assert round_significant(np.array([noisy]))[0] == clean


def test_round_significant_keeps_nan_and_infinities():
    from retrocohort.ingest.units import round_significant

    out = round_significant(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == -np.inf


def test_a_g_per_l_site_and_a_g_per_dl_site_give_identical_values_ranks_and_p_values():
    from scipy.stats import rankdata

    from retrocohort.stats.two_sample import mann_whitney

    rng = np.random.default_rng(14)
    grams_per_litre = np.round(rng.uniform(0.5, 8.0, 40), 2)  # as a g/L site writes them
    decilitre = np.round(grams_per_litre / 10, 3)  # the same patients, a g/dL site
    converted = convert(decilitre, "g/dL", "g/L", significant=12)
    assert np.array_equal(converted, grams_per_litre)
    assert (decilitre * 10 != grams_per_litre).any()  # without rounding, float noise breaks ties
    assert np.array_equal(rankdata(converted), rankdata(grams_per_litre))
    a = mann_whitney(grams_per_litre[:20], grams_per_litre[20:])
    b = mann_whitney(converted[:20], converted[20:])
    assert a.p_value == b.p_value and a.statistic == b.statistic


def test_a_look_alike_of_another_magnitude_is_not_offered():
    """'fmol/L' is not a typo of 'µmol/L' (a factor 1e9): say what pint reads instead (found by a
    first-time user on the Rotterdam cohort, whose receptors are in fmol/L)."""
    message = unknown_unit_message("fmol/L")
    assert "closest accepted spelling" not in message
    assert "pint reads it as 'femtomole / liter'" in message
    assert "`unit_spellings: {'fmol/L': 'femtomole / liter'}`" in message
    assert "closest accepted spelling" not in unknown_unit_message("Mg/dL")
    assert "megagram / deciliter" in unknown_unit_message("Mg/dL")


def test_a_look_alike_of_the_same_unit_is_still_offered():
    assert unknown_unit_message("mmol/l").endswith("closest accepted spelling: 'mmol/L'")


@pytest.mark.parametrize(
    ("spelling", "target", "value", "expected"),
    [
        ("kg", "g", 70.0, 70_000.0),
        ("lb", "kg", 1.0, 0.45359237),
        ("cm", "m", 180.0, 1.8),
        ("kg/m2", "kg/m²", 24.0, 24.0),
        ("mmHg", "kPa", 120.0, 120 * 0.133322387415),
        ("bpm", "/min", 72.0, 72.0),
    ],
)
def test_body_measurements_and_vital_signs_need_no_declared_spelling(spelling, target, value, expected):
    """A user had to declare kg, cm and mmHg under `unit_spellings` although the docs' own
    blood-pressure example writes mmHg (user trial: survival::nafld)."""
    assert is_known_unit(spelling)
    assert convert(np.array([value]), spelling, target)[0] == pytest.approx(expected, rel=1e-12)
