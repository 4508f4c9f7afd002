"""An organisme's bank details, checked before any money is sent to them: the IBAN (checksum,
length, a country of the SEPA zone) and the BIC (format, and the IBAN's bank when schwifty's
registry knows it), in the compact upper-case writing the SEPA file uses. Refusals are French
field errors, like every form of the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.errors import FieldError, InvalidForm

if TYPE_CHECKING:  # schwifty is imported when a check runs: 70 ms a cold start need not pay
    from schwifty import BIC, IBAN


@dataclass(frozen=True)
class BankAccount:
    """Checked bank details, compact: "FR7630006000011234567890189", "AGRIFRPP"."""

    iban: str
    bic: str


def compact(value: str) -> str:
    """As banks compare them: no spaces, upper case ("fr76 3000 6000 ..." -> "FR7630006000...")."""
    return "".join(value.split()).upper()


def check_bank_account(iban: str, bic: str) -> BankAccount:
    """The organisme's IBAN and BIC, normalised, or `InvalidForm` naming `iban` and/or `bic`."""
    errors: list[FieldError] = []
    checked_iban = _checked_iban(compact(iban), errors)
    checked_bic = _checked_bic(compact(bic), errors)
    if checked_iban is not None and checked_bic is not None:
        mismatch = _bank_mismatch(checked_iban, checked_bic)
        if mismatch:
            errors.append(FieldError("bic", mismatch))
    if errors or checked_iban is None or checked_bic is None:
        raise InvalidForm(errors)
    return BankAccount(iban=checked_iban.compact, bic=checked_bic.compact)


def mask_iban(iban: str) -> str:
    """An IBAN to show on a page or in an email: the country and key, the last four characters,
    and a fixed mask between so that even the length is not given ("FR76 **** **** 0189")."""
    value = compact(iban)
    if len(value) < 12:  # not an IBAN: nothing of it is shown
        return "**** **** ****"
    return f"{value[:4]} **** **** {value[-4:]}"


def _checked_iban(value: str, errors: list[FieldError]) -> IBAN | None:
    from schwifty import IBAN
    from schwifty.exceptions import (
        InvalidBBANChecksum,
        InvalidChecksumDigits,
        InvalidCountryCode,
        SchwiftyException,
    )

    if not value:
        errors.append(FieldError("iban", "Indiquez l'IBAN du compte de l'organisme."))
        return None
    try:
        # validate_bban: the national key too (the French RIB key), not only the IBAN's own
        checked = IBAN(value, validate_bban=True)
    except (InvalidChecksumDigits, InvalidBBANChecksum):
        message = "IBAN invalide : la clé de contrôle ne correspond pas, vérifiez-le sur le RIB."
    except InvalidCountryCode:
        message = "IBAN invalide : il ne commence pas par un code pays connu (FR76...)."
    except SchwiftyException:
        message = "IBAN invalide : vérifiez sa longueur et ses caractères sur le RIB."
    else:
        if checked.in_sepa_zone:
            return checked
        message = (
            "Ce compte n'est pas dans la zone SEPA : les virements ne vont qu'à des comptes "
            "de la zone SEPA."
        )
    errors.append(FieldError("iban", message))
    return None


def _checked_bic(value: str, errors: list[FieldError]) -> BIC | None:
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    if not value:
        errors.append(FieldError("bic", "Indiquez le BIC de la banque de l'organisme."))
        return None
    try:
        return BIC(value)
    except SchwiftyException:
        errors.append(
            FieldError("bic", "BIC invalide : il compte 8 ou 11 lettres et chiffres (AGRIFRPP...).")
        )
        return None


def _bank_mismatch(iban: IBAN, bic: BIC) -> str | None:
    """Why the BIC is not the IBAN's bank, when the registry knows the bank's BICs; None when it
    matches or when the bank is unknown (the registry is not exhaustive: no refusal on doubt).
    Bank and country are compared, not the branch: one bank has several branch codes."""
    from schwifty import BIC
    from schwifty.exceptions import InvalidBankCode

    try:
        candidates = BIC.candidates_from_bank_code(iban.country_code, iban.bank_code)
    except InvalidBankCode:
        return None
    if any(candidate.compact[:6] == bic.compact[:6] for candidate in candidates):
        return None
    expected = candidates[0]
    bank = iban.bank_name or expected.compact
    return f"Ce BIC n'est pas celui de la banque de l'IBAN ({bank}, BIC {expected.compact[:8]})."
