"""A payment batch becomes a pain.001.001.03 file the bank takes: valid against the ISO 20022
schema, amounts exact to the cent, texts in the SEPA character set, the same bytes for the same
batch, and nothing written for a batch that is wrong."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring

from chalicelib.payments.batch import DebtorAccount, PaymentBatch, PaymentLine
from chalicelib.payments.sepa import (
    NAMESPACE,
    SepaFileRefused,
    credit_transfer_file,
    validate_pain_001,
)
from chalicelib.payments.sepa_text import LATIN_SUBSET, is_identifier, latin_text

XSD = Path(__file__).resolve().parents[1] / "fixtures" / "sepa" / "pain.001.001.03.xsd"
NS = {"p": NAMESPACE}
CREATED = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)

CAISSE = DebtorAccount(
    "Caisse des Dépôts et Consignations", "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP"
)
LINES = (
    PaymentLine(
        "Société d'Études & Formation — Île-de-France",
        "DE89 3704 0044 0532 0130 00",
        "COBADEFF",
        1_234_567,
        "E2E-0001",
        "DOS-42",
        "F-2026-001",
    ),
    PaymentLine(
        "Œuvre des élus",
        "FR7630006000011234567890189",
        "AGRIFRPPXXX",
        80_000,
        "E2E-0002",
        "DOS-43",
        "F-2026-002",
    ),
    PaymentLine(
        "Łódź Szkolenia",
        "FR7630006000011234567890189",
        "AGRIFRPP",
        45_050,
        "E2E-0003",
        "DOS-44",
        "F-2026-003",
    ),
)
BATCH = PaymentBatch("LOT-2026-12-01", date(2026, 12, 7), CAISSE, LINES)


def parsed(document: bytes) -> Element:
    return fromstring(document)


def texts(document: bytes, path: str) -> list[str]:
    return [node.text for node in parsed(document).iterfind(path, NS)]


def refusal(batch: PaymentBatch) -> str:
    with pytest.raises(SepaFileRefused) as refused:
        credit_transfer_file(batch, CREATED)
    return " ; ".join(refused.value.problems)


def test_the_schema_copy_the_tests_use_is_the_one_the_code_validates_with():
    bundled = resources.files("sepaxml") / "schemas" / "pain.001.001.03.xsd"
    assert XSD.read_bytes() == bundled.read_bytes()


def test_a_batch_of_three_lines_gives_a_file_valid_against_the_official_schema():
    document = credit_transfer_file(BATCH, CREATED)
    xmlschema.XMLSchema(str(XSD)).validate(document.decode())
    assert parsed(document).tag == f"{{{NAMESPACE}}}Document"
    assert len(texts(document, "p:CstmrCdtTrfInitn/p:PmtInf")) == 1


def test_the_counts_and_control_sums_are_those_of_the_lines():
    document = credit_transfer_file(BATCH, CREATED)
    for level in ("p:CstmrCdtTrfInitn/p:GrpHdr", "p:CstmrCdtTrfInitn/p:PmtInf"):
        assert texts(document, f"{level}/p:NbOfTxs") == ["3"]
        assert texts(document, f"{level}/p:CtrlSum") == ["13596.17"]  # 1 359 617 cents


def test_amounts_are_written_from_cents_exactly():
    document = credit_transfer_file(BATCH, CREATED)
    amounts = parsed(document).findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)
    assert [(a.text, a.get("Ccy")) for a in amounts] == [
        ("12345.67", "EUR"),
        ("800.00", "EUR"),
        ("450.50", "EUR"),
    ]
    one_cent = replace(BATCH, lines=(replace(LINES[0], amount_cents=1),))
    assert texts(credit_transfer_file(one_cent, CREATED), ".//p:InstdAmt") == ["0.01"]


def test_each_line_carries_its_organisme_account_reference_and_invoice():
    document = credit_transfer_file(BATCH, CREATED)
    tx = ".//p:CdtTrfTxInf"
    assert texts(document, f"{tx}/p:PmtId/p:EndToEndId") == ["E2E-0001", "E2E-0002", "E2E-0003"]
    assert texts(document, f"{tx}/p:CdtrAcct/p:Id/p:IBAN")[0] == "DE89370400440532013000"
    assert texts(document, f"{tx}/p:CdtrAgt/p:FinInstnId/p:BIC")[0] == "COBADEFF"
    assert texts(document, f"{tx}/p:RmtInf/p:Ustrd")[0] == "Dossier DOS-42 facture F-2026-001"
    pmt = "p:CstmrCdtTrfInitn/p:PmtInf"
    assert texts(document, f"{pmt}/p:ReqdExctnDt") == ["2026-12-07"]
    assert texts(document, f"{pmt}/p:DbtrAcct/p:Id/p:IBAN") == ["FR7630006000011234567890189"]
    assert texts(document, f"{pmt}/p:PmtTpInf/p:SvcLvl/p:Cd") == ["SEPA"]


def test_accented_and_foreign_names_are_transliterated_into_the_sepa_subset():
    document = credit_transfer_file(BATCH, CREATED)
    names = texts(document, ".//p:CdtTrfTxInf/p:Cdtr/p:Nm")
    assert names == [
        "Societe d'Etudes Formation - Ile-de-France",
        "Oeuvre des elus",
        "Lodz Szkolenia",
    ]
    assert texts(document, ".//p:Dbtr/p:Nm") == ["Caisse des Depots et Consignations"]
    every_text = "".join(node.text or "" for node in parsed(document).iter())
    assert set(every_text) <= LATIN_SUBSET


def test_latin_text_keeps_only_the_subset_and_the_fields_length():
    assert latin_text("  Ça   coûte <10 €> ! ", 70) == "Ca coute 10 EUR"
    assert latin_text("x" * 80, 70) == "x" * 70
    assert latin_text("日本", 70) == "RiBen"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("E2E-0001", True),
        ("A/B", True),
        ("/A", False),
        ("A/", False),
        ("A//B", False),
        ("A B", False),
        ("É1", False),
        ("", False),
        ("x" * 36, False),
    ],
)
def test_identifiers_follow_the_epc_rules(value, ok):
    assert is_identifier(value) is ok


def test_the_same_batch_and_time_give_byte_identical_files():
    first = credit_transfer_file(BATCH, CREATED)
    assert credit_transfer_file(BATCH, CREATED) == first
    paris = CREATED.astimezone(timezone(timedelta(hours=1)))
    assert credit_transfer_file(BATCH, paris) == first  # the same instant, written in UTC
    assert texts(first, ".//p:GrpHdr/p:MsgId") == ["LOT-2026-12-01-110000"]
    assert texts(first, ".//p:GrpHdr/p:CreDtTm") == ["2026-12-03T11:00:00"]
    assert texts(first, ".//p:PmtInf/p:PmtInfId") == ["LOT-2026-12-01"]


def test_a_new_creation_time_gives_a_new_message_id():
    later = credit_transfer_file(BATCH, CREATED + timedelta(minutes=1))
    assert texts(later, ".//p:GrpHdr/p:MsgId") == ["LOT-2026-12-01-110100"]


def test_an_empty_batch_is_refused():
    assert refusal(replace(BATCH, lines=())) == "le lot ne contient aucun virement"


def test_an_invalid_iban_is_refused_with_its_line_and_field():
    wrong = replace(LINES[1], iban="FR76 3000 6000 0112 3456 7890 188")
    problems = refusal(replace(BATCH, lines=(LINES[0], wrong)))
    assert problems == (
        "ligne 2 : iban : IBAN invalide : la clé de contrôle ne correspond pas, "
        "vérifiez-le sur le RIB."
    )


def test_the_debtor_account_is_checked_too():
    assert refusal(replace(BATCH, debtor=replace(CAISSE, bic="COBADEFF"))).startswith(
        "compte débité : bic : Ce BIC n'est pas celui de la banque"
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"amount_cents": 0}, "montant doit être compris"),
        ({"amount_cents": -500}, "montant doit être compris"),
        ({"amount_cents": 100_000_000_000}, "montant doit être compris"),
        ({"amount_cents": 12.5}, "nombre entier de centimes"),
        ({"amount_cents": True}, "nombre entier de centimes"),
        ({"end_to_end_id": "E2E 0001"}, "identifiant de bout en bout"),
        ({"end_to_end_id": "E" * 36}, "identifiant de bout en bout"),
        ({"creditor_name": " <> "}, "nom de l'organisme est vide"),
    ],
)
def test_lines_that_cannot_be_paid_are_refused(change, words):
    problems = refusal(replace(BATCH, lines=(replace(LINES[0], **change),)))
    assert problems.startswith("ligne 1 : ") and words in problems


def test_every_problem_is_listed_at_once():
    duplicate = replace(LINES[1], end_to_end_id="E2E-0001", amount_cents=0)
    problems = refusal(replace(BATCH, reference="LOT 1", lines=(LINES[0], duplicate)))
    assert problems.count(" ; ") == 2
    assert "référence du lot" in problems
    assert "ligne 2 : le montant" in problems
    assert "ligne 2 : l'identifiant de bout en bout E2E-0001 est déjà dans le lot" in problems


def test_a_batch_reference_too_long_for_the_message_id_is_refused():
    assert "1 à 28 caractères" in refusal(replace(BATCH, reference="L" * 29))


def test_a_creation_time_without_time_zone_is_refused():
    with pytest.raises(SepaFileRefused, match="fuseau horaire"):
        credit_transfer_file(BATCH, datetime(2026, 12, 3, 11, 0))


def test_a_document_the_schema_refuses_is_not_returned():
    document = credit_transfer_file(BATCH, CREATED)
    tampered = document.replace(b"<CtrlSum>13596.17</CtrlSum>", b"<CtrlSum>beaucoup</CtrlSum>", 1)
    with pytest.raises(SepaFileRefused) as refused:
        validate_pain_001(tampered)
    assert refused.value.problems[0].startswith(
        "le fichier ne respecte pas le schéma pain.001.001.03 : "
        "/Document/CstmrCdtTrfInitn/GrpHdr/CtrlSum"
    )
    validate_pain_001(document)  # the untouched file passes
