"""Password reset: a single-use link by email, queued so that the answer, the work and the time
are the same whether or not an account has the NIR; then a new password that ends every
session. Following the link proves the email, so
it also activates an account still pending."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from .. import keyed_hashing
from ..clock import utc_now
from ..errors import FieldError, InvalidForm, TooManyRequests, invalid_field
from ..mailer import SesMailer, send_quietly
from ..models import PasswordReset
from ..models.account import PENDING
from ..observability import Metric, count
from ..rate_limit import RateLimiter
from ..rne.matching import keys_of_account
from . import emails, nir, passwords
from .elu import EluRecognition
from .errors import Conflict, ResetLinkGone
from .signup import RESEND_COOLDOWN, minutes
from .store import KEYS_PER_TRANSACTION, AccountStore

RESET_TOKEN_TTL = timedelta(minutes=30)
PER_NIR = (5, timedelta(hours=1))  # links asked for one NIR, an hour


class PasswordResets:
    def __init__(
        self,
        store: AccountStore,
        mailer: SesMailer,
        hasher: keyed_hashing.KeyedHasher,
        elu: EluRecognition,
        public_url: str,
        limiter: RateLimiter,
        send_to_queue: Callable[[dict], None],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._mailer = mailer
        self._hasher = hasher
        self._elu = elu
        self._public_url = public_url
        self._limiter = limiter
        self._send_to_queue = send_to_queue
        self._now = clock

    def request(self, raw_nir: str) -> None:
        """Queue the link's email; the same answer, the same work and the same time whether or
        not an account has this NIR (nothing is read here: the worker does the rest)."""
        try:
            body = nir.login_body(raw_nir)
        except nir.InvalidNir as error:
            raise invalid_field("nir", str(error)) from None
        nir_hash = self._hasher.nir(body)
        count(Metric.PASSWORD_RESET_REQUESTED)
        try:
            self._limiter.hit("reinitialisation", nir_hash, *PER_NIR, self._now())
        except TooManyRequests:
            return  # said to nobody: the answer must not tell whether the NIR has an account
        self._send_to_queue({"reinitialisation": nir_hash})

    def send_link(self, nir_hash: str) -> None:
        """The account mail worker: a single-use link to the account's address, if there is an
        account, and not twice within a minute. An SES failure raises: the message comes back."""
        now = self._now()
        account = self._store.get(nir_hash)
        if account is None:
            return
        if account.reset_requested_at and now - account.reset_requested_at < RESEND_COOLDOWN:
            return
        token = keyed_hashing.new_token()
        reset = PasswordReset(
            keyed_hashing.token_hash(token),
            nir_hash=account.nir_hash,
            expires_at=now + RESET_TOKEN_TTL,
            auth_epoch=int(account.auth_epoch or 0),
            email=account.email,
        )
        self._store.create_reset(account, reset, now)
        # a fragment: browsers never send it, so no server or log ever sees the token
        link = f"{self._public_url}/mot-de-passe/nouveau#jeton={token}"
        self._mailer.send(
            emails.password_reset(account.email, account.prenoms, link, minutes(RESET_TOKEN_TTL))
        )
        count(Metric.EMAIL_SENT)

    def reset(self, token: str, password: str) -> None:
        now = self._now()
        if not isinstance(password, str):
            raise invalid_field("mot_de_passe", "Mot de passe : ce champ est obligatoire.")
        errors = passwords.rule_errors(password)  # the rule first: it needs no account
        if errors:
            raise InvalidForm([FieldError("mot_de_passe", message) for message in errors])
        reset = self._store.get_reset(keyed_hashing.token_hash(token))
        account = None
        if reset is not None and reset.used_at is None and now < reset.expires_at:
            account = self._store.get(reset.nir_hash)
        if account is None or not _still_valid(reset, account):
            raise ResetLinkGone()
        words = (
            account.nom_naissance,
            account.nom_usage or "",
            account.prenoms,
            account.date_naissance[:4],
        )
        errors = passwords.rule_errors(password, words)
        if errors:
            raise InvalidForm([FieldError("mot_de_passe", message) for message in errors])
        was_pending = account.statut == PENDING
        try:
            self._store.complete_reset(
                reset, account, passwords.hash_password(password), now, keys_of_account(account)
            )
        except Conflict:
            raise ResetLinkGone() from None
        count(Metric.PASSWORD_RESET_COMPLETED)
        if was_pending:
            self._store.register_keys(
                account, sorted(keys_of_account(account))[KEYS_PER_TRANSACTION:]
            )
            self._elu.recognise(account)
        send_quietly(self._mailer, emails.password_changed(account.email, account.prenoms))


def _still_valid(reset, account) -> bool:
    """A link sent before the password or the address changed opens nothing."""
    if reset.auth_epoch is not None and int(reset.auth_epoch) != int(account.auth_epoch or 0):
        return False
    return reset.email is None or reset.email == account.email
