""" "Mon compte": the person corrects their contact data, changes their email or password, takes
a copy of everything the service holds about them, or deletes their account (the RGPD's rights
of rectification, access, portability and erasure).

Identity (names, sex, birth date and place, NIR) is not corrected here: it is what the RNE
recognises, so a correction goes through a help request. Deleting keeps only the DIF élus
ledger (public money), under the keyed hash of the NIR: signing up again finds it, so a deletion
never resets a spent balance nor earns a second catch-up credit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .. import keyed_hashing
from ..errors import FieldError, InvalidForm, TooManyRequests
from ..fields import normalise_email
from ..franceconnect.identity import account_pivot
from ..mailer import SesMailer, send_quietly
from ..models import Account, Address, Session
from ..observability import Metric, count, logger
from ..rate_limit import RateLimiter
from ..rne.matching import keys_of_account
from . import emails, passwords
from .errors import (
    AlreadyTaken,
    ConcurrentChange,
    Conflict,
    FilesUnderWay,
    NoEmailChange,
    SameEmail,
    WrongCode,
    WrongPassword,
)
from .schemas import EmailChange, MeUpdate, PasswordChange, personal_words
from .store import AccountStore

EMAIL_CODE_TTL = timedelta(minutes=15)
EMAIL_CODE_MAX_ATTEMPTS = 5
# Codes to a new address: each one mails someone who asked for nothing, and complaints would
# get the SES sender suspended (every signup code and reset link with it). A minute between
# two codes (as at signup), a few a day per account and per address.
EMAIL_CODE_COOLDOWN = timedelta(seconds=60)
EMAIL_CHANGES_PER_ACCOUNT = (5, timedelta(days=1))
EMAIL_CODES_PER_ADDRESS = (3, timedelta(days=1))
# What an export never shows: secrets, even hashed, and the service's own bookkeeping.
NOT_EXPORTED = {
    "nir_hash",
    "password_hash",
    "verification_code_hash",
    "email_code_hash",
    "auth_epoch",
    "fc_lien",
    "fcplus_lien",
    "rne_mandats",
    "expires_at",
}


class MyAccount:
    def __init__(
        self,
        store: AccountStore,
        mailer: SesMailer,
        hasher: keyed_hashing.KeyedHasher,
        mandates: Callable[[Account], list[dict]],
        files_under_way: Callable[[list], bool],
        clock: Callable[[], datetime],
        delete_documents: Callable[[list[str]], None] = lambda references: None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._limiter = limiter
        self._store = store
        self._mailer = mailer
        self._hasher = hasher
        self._mandates = mandates
        self._under_way = files_under_way
        self._now = clock
        self._delete_documents = delete_documents

    # --- contact data -----------------------------------------------------------------------
    def update(self, account: Account, body: MeUpdate) -> None:
        """The fields the body names (a `diplome` of null clears it)."""
        changes: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
        if changes.get("adresse") is not None:
            changes["adresse"] = Address(**changes["adresse"].model_dump())
        self._store.update_contact(account, changes)
        for name, value in changes.items():
            setattr(account, name, value)

    # --- email ------------------------------------------------------------------------------
    def ask_email_change(self, account: Account, body: EmailChange) -> None:
        """A code goes to the new address; the account keeps the old one until it is typed."""
        self._check_password(account, body.mot_de_passe)
        email = normalise_email(body.email)
        if email == account.email:
            raise SameEmail()
        if self._store.get_by_email(email) is not None:
            raise AlreadyTaken("email")
        now = self._now()
        self._limit_codes(account, email, now)
        code = keyed_hashing.new_code()
        self._store.start_email_change(
            account, email, self._code_hash(account, email, code), now + EMAIL_CODE_TTL
        )
        send_quietly(
            self._mailer,
            emails.email_change_code(
                email, account.prenoms, code, int(EMAIL_CODE_TTL.total_seconds() // 60)
            ),
        )

    def _limit_codes(self, account: Account, email: str, now: datetime) -> None:
        """TooManyRequests (with the wait) before a code goes out too soon or too often."""
        if account.email_code_expire is not None:
            sent = account.email_code_expire - EMAIL_CODE_TTL
            if now - sent < EMAIL_CODE_COOLDOWN:
                raise TooManyRequests(
                    max(1, int((sent + EMAIL_CODE_COOLDOWN - now).total_seconds()))
                )
        if self._limiter is not None:
            self._limiter.hit("email-compte", account.nir_hash, *EMAIL_CHANGES_PER_ACCOUNT, now)
            self._limiter.hit("email-adresse", email, *EMAIL_CODES_PER_ADDRESS, now)

    def confirm_email_change(self, account: Account, code: str) -> None:
        now = self._now()
        new_email = account.email_nouveau
        if (
            not new_email
            or account.email_code_hash is None
            or account.email_code_expire is None
            or now >= account.email_code_expire
        ):
            raise NoEmailChange()
        tries = self._store.count_email_code_try(account, EMAIL_CODE_MAX_ATTEMPTS)
        if tries is None:
            raise NoEmailChange()
        if not keyed_hashing.same(
            self._code_hash(account, new_email, code), account.email_code_hash
        ):
            raise WrongCode(EMAIL_CODE_MAX_ATTEMPTS - tries)
        old_email = account.email
        try:
            self._store.change_email(account, new_email, now)  # AlreadyTaken
        except Conflict:  # another change asked meanwhile: its code is the one now
            raise ConcurrentChange() from None
        account.email, account.email_nouveau = new_email, None
        send_quietly(self._mailer, emails.email_changed(old_email, account.prenoms))
        count(Metric.EMAIL_CHANGED)

    def _code_hash(self, account: Account, email: str, code: str) -> str:
        return self._hasher.digest(f"email-change:{account.nir_hash}:{email}", code)

    # --- password ---------------------------------------------------------------------------
    def change_password(self, account: Account, session: Session, body: PasswordChange) -> None:
        """The same rules as at signup; this session stays, every other one ends."""
        if not passwords.verify_password(account.password_hash, body.mot_de_passe_actuel):
            raise WrongPassword("mot_de_passe_actuel")
        problems = passwords.rule_errors(
            body.nouveau_mot_de_passe,
            personal_words(
                {
                    "nom_naissance": account.nom_naissance,
                    "nom_usage": account.nom_usage,
                    "prenoms": account.prenoms,
                    "date_naissance": account.date_naissance,
                    "email": account.email,
                }
            ),
        )
        if problems:
            raise InvalidForm([FieldError("nouveau_mot_de_passe", m) for m in problems])
        try:
            self._store.change_password(
                account, passwords.hash_password(body.nouveau_mot_de_passe), session
            )
        except Conflict:  # changed meanwhile by another session: one of the two wins
            raise ConcurrentChange() from None
        send_quietly(self._mailer, emails.password_changed(account.email, account.prenoms))
        count(Metric.PASSWORD_CHANGED)

    # --- access and portability -------------------------------------------------------------
    def export(self, account: Account) -> dict[str, Any]:
        """Everything held about the person, as data: the account (without secrets), the
        mandates the RNE gave it, the ledger, the help requests, the training files, the
        FranceConnect link (the certified identity, without FranceConnect's subject)."""
        data = account.to_simple_dict(force=True)
        compte = {k: v for k, v in data.items() if k not in NOT_EXPORTED}
        franceconnect = compte.pop("franceconnect", None)
        ledger = self._store.ledger_of(account.nir_hash)
        return {
            "exporte_le": self._now().isoformat(),
            "compte": compte,
            "mandats": self._mandates(account),
            "droits_dif_elus": [
                {
                    "date": entry.date,
                    "libelle": entry.libelle,
                    "montant_centimes": int(entry.montant_centimes),
                    "dossier": entry.dossier,
                }
                for entry in ledger
                if entry.montant_centimes is not None
            ],
            "demandes_aide": [
                {
                    k: v
                    for k, v in request.to_simple_dict(force=True).items()
                    if k not in ("account", "expires_at")
                }
                for request in self._store.support_requests_of(account.nir_hash)
            ],
            "dossiers": [
                {k: v for k, v in dossier.to_simple_dict(force=True).items() if k != "account"}
                for dossier in self._store.dossiers_of(account.nir_hash)
            ],
            "franceconnect": {"identite_certifiee": franceconnect} if franceconnect else None,
        }

    # --- erasure ----------------------------------------------------------------------------
    def delete(self, account: Account, password: str) -> None:
        self._check_password(account, password)
        dossiers = self._store.dossiers_of(account.nir_hash)
        if self._under_way(dossiers):
            raise FilesUnderWay()
        email, prenoms = account.email, account.prenoms
        # the documents of its help requests first: the requests list them
        self._delete_documents(
            [r.reference for r in self._store.support_requests_of(account.nir_hash)]
        )
        pivot = account_pivot(account)
        self._store.erase(
            account,
            keys_of_account(account),
            dossiers,
            self._hasher.digest("identite-pivot", pivot) if pivot else None,
            self._now(),
        )
        count(Metric.ACCOUNT_DELETED)
        logger.info("Account deleted", extra={"account_id": account.id})
        send_quietly(self._mailer, emails.account_deleted(email, prenoms))

    @staticmethod
    def _check_password(account: Account, password: str) -> None:
        if not passwords.verify_password(account.password_hash, password):
            raise WrongPassword("mot_de_passe")
