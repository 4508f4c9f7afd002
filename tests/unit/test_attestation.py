import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from chalicelib.enrolment.attestation import (
    Approval,
    AttestationFacts,
    attestation_pdf,
    lines,
    printable,
)

FACTS = AttestationFacts(
    dossier_id="DOS-4K7M2Q9XAB3C",
    prenoms="Chloé",
    nom="Lœuvre-Kowalczył",
    formation="Finances locales : préparer et voter le budget",
    organisme="Institut de formation des élus de l'Ouest",
    siret="88000000500012",
    agrement=Approval("2024-35-001", date(2024, 1, 1), date(2027, 12, 31)),
    date_debut=date(2026, 10, 5),
    date_fin=date(2026, 10, 6),
    date_sortie=date(2026, 10, 6),
    heures_realisees=7.5,
    taux_realisation=50,
    montant_dif_centimes=120_000,
    validee_le=datetime(2026, 10, 9, 14, 30, tzinfo=UTC),
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def test_the_attestation_says_who_what_where_when_and_what_the_dif_paid():
    text = _text(attestation_pdf(FACTS))
    for expected in (
        "Attestation de formation",
        "Chloé Lœuvre-Kowalczyl",  # ł has no letter in the fonts: its nearest Latin one
        "Finances locales : préparer et voter le budget",
        "Institut de formation des élus de l'Ouest (SIRET 88000000500012)",
        "n° 2024-35-001, du 01/01/2024 au 31/12/2027",
        "du 05/10/2026 au 06/10/2026",
        "7,5 heures (50 % de la formation)",
        "1 200,00 €",
        "DOS-4K7M2Q9XAB3C",
        "validé le 09/10/2026",
    ):
        assert expected in text, expected


def test_the_same_facts_give_the_same_bytes_and_other_facts_other_bytes():
    assert attestation_pdf(FACTS) == attestation_pdf(FACTS)
    other = AttestationFacts(**{**FACTS.__dict__, "taux_realisation": 100})
    assert attestation_pdf(other) != attestation_pdf(FACTS)


def test_without_an_approval_there_is_no_approval_line():
    facts = AttestationFacts(**{**FACTS.__dict__, "agrement": None})
    assert "Agrément du ministère" not in [label for label, _ in lines(facts)]
    assert "Agrément" not in _text(attestation_pdf(facts))


def test_what_the_fonts_cannot_write_is_transliterated_not_dropped():
    assert printable("Œuvre à 1\u202f200,00\u00a0€") == "Œuvre à 1\u00a0200,00\u00a0€"
    assert printable("Łódź, Ğülşen") == "Lódz, Gülsen"  # ó and ü are in the fonts
