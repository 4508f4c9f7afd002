"""An organisme's IBAN and BIC: checked before a transfer, normalised as the SEPA file writes
them, refused in French under the field's name."""

import pytest

from chalicelib.errors import InvalidForm
from chalicelib.payments.bank_details import BankAccount, check_bank_account, mask_iban

CREDIT_AGRICOLE = "FR76 3000 6000 0112 3456 7890 189"  # its bank: Crédit Agricole SA, AGRIFRPP
COMMERZBANK = "DE89 3704 0044 0532 0130 00"  # its bank: Commerzbank, COBADEFF


def refusal(iban, bic):
    with pytest.raises(InvalidForm) as refused:
        check_bank_account(iban, bic)
    return {error.champ: error.message for error in refused.value.errors}


def test_valid_details_come_back_compact_and_upper_case():
    assert check_bank_account(" fr76 3000 6000 0112 3456 7890 189 ", "agri fr pp") == (
        BankAccount(iban="FR7630006000011234567890189", bic="AGRIFRPP")
    )
    assert check_bank_account(COMMERZBANK, "COBADEFFXXX").bic == "COBADEFFXXX"


def test_a_branch_bic_of_the_ibans_bank_is_accepted():
    assert check_bank_account(CREDIT_AGRICOLE, "AGRIFRPP882").bic == "AGRIFRPP882"


def test_a_wrong_checksum_is_refused_under_iban():
    assert refusal("FR76 3000 6000 0112 3456 7890 188", "AGRIFRPP") == {
        "iban": "IBAN invalide : la clé de contrôle ne correspond pas, vérifiez-le sur le RIB."
    }


def test_a_wrong_french_rib_key_is_refused_even_when_the_iban_checksum_holds():
    # IBAN check digits recomputed for a BBAN whose RIB key (88 instead of 89) is wrong
    assert "clé de contrôle" in refusal("FR06 3000 6000 0112 3456 7890 188", "AGRIFRPP")["iban"]


@pytest.mark.parametrize(
    ("iban", "words"),
    [
        ("FR76 3000 6000 0112 3456 7890 18", "longueur"),
        ("XX76 3000 6000 0112 3456 7890 189", "code pays"),
        ("FR76 3000 6000 0112 3456 7890 1#9", "caractères"),
    ],
)
def test_malformed_ibans_are_refused(iban, words):
    assert words in refusal(iban, "AGRIFRPP")["iban"]


def test_a_country_outside_the_sepa_zone_is_refused():
    # a valid Turkish IBAN: checksum right, but Turkey is not in the SEPA zone
    assert "zone SEPA" in refusal("TR56 0004 60F3 XH5V SUPV HGMO 4Z", "AKBKTRIS")["iban"]


@pytest.mark.parametrize("bic", ["AGRIFRP", "AGRIFRPP88", "AGRI-FRPP", "AGRIXXPP"])
def test_malformed_bics_are_refused_under_bic(bic):
    assert refusal(CREDIT_AGRICOLE, bic) == {
        "bic": "BIC invalide : il compte 8 ou 11 lettres et chiffres (AGRIFRPP...)."
    }


def test_a_bic_of_another_bank_than_the_ibans_is_refused():
    assert refusal(CREDIT_AGRICOLE, "COBADEFF") == {
        "bic": "Ce BIC n'est pas celui de la banque de l'IBAN (CREDIT AGRICOLE SA, BIC AGRIFRPP)."
    }


def test_both_fields_are_reported_at_once_and_empty_ones_asked_for():
    assert refusal("  ", "") == {
        "iban": "Indiquez l'IBAN du compte de l'organisme.",
        "bic": "Indiquez le BIC de la banque de l'organisme.",
    }
    assert set(refusal("FR00", "AGRIFRP")) == {"iban", "bic"}


def test_an_iban_is_masked_for_display_whatever_its_length():
    assert mask_iban(CREDIT_AGRICOLE) == "FR76 **** **** 0189"
    assert mask_iban("de89370400440532013000") == "DE89 **** **** 3000"
    assert mask_iban("FR76") == "**** **** ****"
