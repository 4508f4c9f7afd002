"""Signup: a pending account from the 4 steps (or FranceConnect's certified identity), its
6-digit email code, and activation, which searches the RNE for the new account.

Messages are French and never quote a NIR, a password or a code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .. import keyed_hashing
from ..clock import utc_now
from ..fields import normalise_email
from ..franceconnect.identity import FcIdentity
from ..mailer import SesMailer, send_quietly
from ..models import Account, AccountEmail, Address, FcLink
from ..models.account import ACTIVE, PENDING
from ..models.franceconnect import FcIdentityAttribute
from ..observability import Metric, count
from ..rate_limit import RateLimiter
from ..rne.matching import keys_of_account
from . import emails, passwords
from .elu import EluRecognition
from .errors import CodeExpired, NoPendingAccount, WrongCode
from .schemas import AccountCreation
from .store import AccountStore

VERIFICATION_CODE_TTL = timedelta(minutes=15)
VERIFICATION_MAX_ATTEMPTS = 5
PENDING_ACCOUNT_TTL = timedelta(days=7)
RESEND_COOLDOWN = timedelta(seconds=60)
PER_ADDRESS = (30, timedelta(hours=1))  # signups from one address (a town hall's included)


def minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


class Signup:
    def __init__(
        self,
        store: AccountStore,
        mailer: SesMailer,
        hasher: keyed_hashing.KeyedHasher,
        elu: EluRecognition,
        limiter: RateLimiter | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._mailer = mailer
        self._hasher = hasher
        self._elu = elu
        self._limiter = limiter
        self._now = clock

    def create_account(
        self,
        form: AccountCreation,
        franceconnect: tuple[FcIdentity, str] | None = None,
        client_address: str | None = None,
    ) -> Account:
        """A pending account. Through FranceConnect, (identity, link key): the form was read
        with the certified identity fields (`certified_form`), and the account is linked to
        it. The answer says when a NIR has an account already (people need to know): signups
        are limited per address, so that nobody can test NIRs in bulk."""
        now = self._now()
        if client_address is not None and self._limiter is not None:
            self._limiter.hit("inscription", client_address, *PER_ADDRESS, now)
        nir_hash = self._hasher.nir(form.nir[:13])
        account = Account(
            nir_hash,
            id=str(uuid.uuid4()),
            statut=PENDING,
            created_at=now,
            expires_at=now + PENDING_ACCOUNT_TTL,
            nom_naissance=form.nom_naissance,
            nom_usage=form.nom_usage,
            prenoms=form.prenoms,
            sexe=form.sexe,
            date_naissance=form.date_naissance,
            lieu_naissance=form.lieu_naissance,
            email=form.email,
            telephone=form.telephone,
            adresse=Address(**form.adresse.model_dump()),
            diplome=form.diplome,
            password_hash=passwords.hash_password(form.mot_de_passe),
        )
        code = keyed_hashing.new_code()
        account.verification_code_hash = self._code_hash(account, code)
        account.verification_expires_at = now + VERIFICATION_CODE_TTL
        account.verification_sent_at = now
        claim = AccountEmail(account.email, nir_hash=nir_hash, expires_at=account.expires_at)
        link = None
        if franceconnect is not None:
            identity, link_key = franceconnect
            account.franceconnect = FcIdentityAttribute(**identity.as_dict())
            account.keep_link(link_key)
            link = FcLink(link_key, nir_hash=nir_hash, linked_at=now)
        self._store.create_pending(account, claim, now, link)  # AlreadyTaken
        count(Metric.ACCOUNT_CREATED)
        send_quietly(
            self._mailer,
            emails.verification_code(
                account.email, account.prenoms, code, minutes(VERIFICATION_CODE_TTL)
            ),
        )
        return account

    @staticmethod
    def certified_form(data: dict[str, Any], identity: FcIdentity | None) -> dict[str, Any]:
        """What the form is read from: through FranceConnect, the identity fields are the
        certified ones, whatever the form says."""
        return data if identity is None else {**data, **identity.signup_fields()}

    def resend_code(self, email: str) -> None:
        """Send a fresh code to a pending account; says nothing about whether one exists."""
        now = self._now()
        account = self._store.get_by_email(normalise_email(email))
        if account is None or account.statut != PENDING:
            return
        if account.verification_sent_at and now - account.verification_sent_at < RESEND_COOLDOWN:
            return
        code = keyed_hashing.new_code()
        self._store.save_verification_code(
            account, self._code_hash(account, code), now + VERIFICATION_CODE_TTL, now
        )
        send_quietly(
            self._mailer,
            emails.verification_code(
                account.email, account.prenoms, code, minutes(VERIFICATION_CODE_TTL)
            ),
        )

    def verify_email(self, email: str, code: str) -> Account:
        """Activate with the emailed code. An unknown address and an account already active get
        the same answer (no way to learn who has an account). Each try is counted before the
        code is compared: tries fired at once compare 5 codes at most."""
        now = self._now()
        account = self._store.get_by_email(normalise_email(email))
        if account is None or account.statut == ACTIVE:
            raise NoPendingAccount()
        if (
            account.verification_code_hash is None
            or account.verification_expires_at is None
            or now >= account.verification_expires_at
        ):
            raise CodeExpired()
        tries = self._store.count_verification_try(account, VERIFICATION_MAX_ATTEMPTS)
        if tries is None:
            raise CodeExpired()
        if not keyed_hashing.same(
            self._code_hash(account, code.strip()), account.verification_code_hash
        ):
            count(Metric.VERIFICATION_FAILED)
            raise WrongCode(VERIFICATION_MAX_ATTEMPTS - tries)
        self.activate(account)
        return account

    def activate(self, account: Account) -> None:
        """Activate a pending account (its email is proven) and search the RNE for it."""
        self._store.activate(account, keys_of_account(account))
        account.statut = ACTIVE
        count(Metric.ACCOUNT_VERIFIED)
        self._elu.recognise(account)

    def _code_hash(self, account: Account, code: str) -> str:
        return self._hasher.digest("email-code:" + account.nir_hash, code)
