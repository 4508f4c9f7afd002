import pytest

from chalicelib import names


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Le Gall-Énaff", "LE GALL ENAFF"),
        ("  d’Estaing ", "D ESTAING"),
        ("D'ESTAING", "D ESTAING"),
        ("Œuvray", "OEUVRAY"),
        ("Müller", "MULLER"),
        ("Jean--Pierre", "JEAN PIERRE"),
        ("st. Jean", "ST JEAN"),
    ],
)
def test_normalise_ignores_case_accents_and_separators(typed, normalised):
    assert names.normalise(typed) == normalised


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("Marie-Hélène", True),
        ("N'Diaye", True),
        ("O’Neil", True),
        ("X Æ", True),
        ("R2D2", False),
        ("-", False),
        ("<script>", False),
        ("", False),
    ],
)
def test_plausible_names(value, plausible):
    assert names.is_plausible_name(value) is plausible
