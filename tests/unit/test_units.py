import numpy as np
import pytest

from retrocohort.errors import InputError
from retrocohort.ingest.units import convert


@pytest.mark.parametrize("value, src, dst, expected, molar", [
    (100.0, "mg/dL", "mmol/L", 100 / 88.57, "885.7 g/mol"),
    (250.0, "mg/dL", "g/L", 2.5, None),
    (92.0, "g/L", "g/dL", 9.2, None),
    (5.7, "mmol/L", "g/dL", 5.7 * 1.6114, "16114 g/mol"),
    (102.2, "°F", "°C", 39.0, None),
    (4300.0, "/mm3", "G/L", 4.3, None),
    (13835.0, "ng/mL", "µg/L", 13835.0, None),
    (40.0, "IU/L", "U/L", 40.0, None),
])
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
