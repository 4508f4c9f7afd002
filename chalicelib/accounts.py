"""Account use cases: signup, email verification, login, sessions, password reset.

Takes its adapters (store, mailer, keyed hasher, clock) through the constructor. Messages are
French and never quote a NIR, a password, a code or a token.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import emails, nir, passwords, secrets
from .account_store import AccountStore, AlreadyTaken, Conflict
from .clock import PARIS, utc_now
from .franceconnect.identity import FcIdentity, is_same_person
from .login_policy import FailureState
from .mailer import Email, SesMailer
from .models import Account, AccountEmail, Address, FcLink, PasswordReset, Session
from .models.account import ACTIVE, PENDING
from .models.franceconnect import FcIdentityAttribute
from .observability import Metric, count, logger
from .problems import FieldError, Problem, invalid
from .rights.service import RightsService
from .rne.matching import keys_of_account
from .rne.recognition import Recognition
from .signup_form import validate_signup

VERIFICATION_CODE_TTL = timedelta(minutes=15)
VERIFICATION_MAX_ATTEMPTS = 5
PENDING_ACCOUNT_TTL = timedelta(days=7)
RESEND_COOLDOWN = timedelta(seconds=60)
RESET_TOKEN_TTL = timedelta(minutes=30)

BAD_CREDENTIALS = ("Numéro de sécurité sociale ou mot de passe incorrect. Vérifiez votre saisie "
                   "ou réinitialisez votre mot de passe.")


@dataclass(frozen=True)
class NewSession:
    token: str
    expires_at: datetime
    max_age_seconds: int
    nir_hash: str


class AccountService:
    def __init__(self, store: AccountStore, mailer: SesMailer,
                 hasher: secrets.KeyedHasher, recognition: Recognition,
                 rights: RightsService, public_url: str,
                 session_ttl: timedelta = timedelta(minutes=60),
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._mailer = mailer
        self._hasher = hasher
        self._recognition = recognition
        self._rights = rights
        self._public_url = public_url
        self._session_ttl = session_ttl
        self._now = clock

    # --- signup -----------------------------------------------------------------------------
    def create_account(self, data: dict[str, Any],
                       franceconnect: tuple[FcIdentity, str] | None = None) -> Account:
        """A pending account. Through FranceConnect, (identity, link key): the identity fields
        are the certified ones, whatever the form says, and the account is linked to it."""
        now = self._now()
        if franceconnect is not None:
            data = {**data, **franceconnect[0].signup_fields()}
        result = validate_signup(data, now.astimezone(PARIS).date())
        if result.errors:
            raise invalid(result.errors)
        form = result.cleaned
        nir_hash = self._hasher.nir(form["nir"][:13])
        account = Account(
            nir_hash,
            id=str(uuid.uuid4()),
            statut=PENDING,
            created_at=now,
            expires_at=now + PENDING_ACCOUNT_TTL,
            nom_naissance=form["nom_naissance"],
            nom_usage=form.get("nom_usage"),
            prenoms=form["prenoms"],
            sexe=form["sexe"],
            date_naissance=form["date_naissance"],
            lieu_naissance=form["lieu_naissance"],
            email=form["email"],
            telephone=form["telephone"],
            adresse=Address(**form["adresse"]),
            diplome=form.get("diplome"),
            password_hash=passwords.hash_password(form["mot_de_passe"]),
        )
        code = secrets.new_code()
        account.verification_code_hash = self._code_hash(account, code)
        account.verification_expires_at = now + VERIFICATION_CODE_TTL
        account.verification_sent_at = now
        claim = AccountEmail(account.email, nir_hash=nir_hash, expires_at=account.expires_at)
        link = None
        if franceconnect is not None:
            identity, link_key = franceconnect
            account.franceconnect = FcIdentityAttribute(**identity.as_dict())
            link = FcLink(link_key, nir_hash=nir_hash, linked_at=now)
        try:
            self._store.create_pending(account, claim, now, link)
        except AlreadyTaken as taken:
            raise _already_taken(taken.field) from None
        count(Metric.ACCOUNT_CREATED)
        self._send(emails.verification_code(account.email, account.prenoms, code,
                                            _minutes(VERIFICATION_CODE_TTL)))
        return account

    def resend_code(self, email: str) -> None:
        """Send a fresh code to a pending account; says nothing about whether one exists."""
        now = self._now()
        account = self._store.get_by_email(email.strip().lower())
        if account is None or account.statut != PENDING:
            return
        if account.verification_sent_at and now - account.verification_sent_at < RESEND_COOLDOWN:
            return
        code = secrets.new_code()
        self._store.save_verification_code(account, self._code_hash(account, code),
                                           now + VERIFICATION_CODE_TTL, now)
        self._send(emails.verification_code(account.email, account.prenoms, code,
                                            _minutes(VERIFICATION_CODE_TTL)))

    def verify_email(self, email: str, code: str) -> Account:
        now = self._now()
        account = self._store.get_by_email(email.strip().lower())
        if account is None:
            raise invalid([FieldError("email", "Aucun compte en attente de vérification ne "
                                               "correspond à cette adresse électronique.")])
        if account.statut == ACTIVE:
            raise Problem(409, "Ce compte est déjà activé : vous pouvez vous connecter.",
                          slug="compte-deja-active")
        attempts = account.verification_attempts or 0
        if (account.verification_code_hash is None or account.verification_expires_at is None
                or now >= account.verification_expires_at
                or attempts >= VERIFICATION_MAX_ATTEMPTS):
            raise Problem(410, "Ce code n'est plus valable (expiré ou trop d'essais). Demandez "
                               "un nouveau code.", slug="code-expire")
        if not secrets.same(self._code_hash(account, code.strip()),
                            account.verification_code_hash):
            self._store.count_verification_failure(account)
            count(Metric.VERIFICATION_FAILED)
            left = VERIFICATION_MAX_ATTEMPTS - attempts - 1
            message = (f"Code incorrect. Il vous reste {left} essai{'s' if left > 1 else ''}."
                       if left else "Code incorrect. Demandez un nouveau code.")
            raise invalid([FieldError("code", message)])
        self.activate(account)
        return account

    def activate(self, account: Account) -> None:
        """Activate a pending account (its email is proven) and search the RNE for it."""
        self._store.activate(account, _identity_keys(account))
        account.statut = ACTIVE
        count(Metric.ACCOUNT_VERIFIED)
        self._recognise(account)

    def _recognise(self, account: Account) -> None:
        """Search the RNE; a newly recognised élu gets the completed years credited at once."""
        if self._recognition.recognise(account):
            self._rights.bring_up_to_date(account)

    # --- sessions ---------------------------------------------------------------------------
    def login(self, raw_nir: str, password: str) -> NewSession:
        try:
            body = nir.login_body(raw_nir)
        except nir.InvalidNir as error:
            raise invalid([FieldError("nir", str(error))]) from None
        now = self._now()
        account = self._store.get(self._hasher.nir(body))
        if account is None:
            passwords.verify_password(passwords.decoy_hash(), password)
            count(Metric.LOGIN_FAILED)
            raise Problem(401, BAD_CREDENTIALS, slug="identifiants-incorrects")
        state = FailureState(account.failed_logins or 0, account.failures_since,
                             account.locked_until)
        if state.is_locked(now):
            raise _locked(state.locked_until, now)
        if not passwords.verify_password(account.password_hash, password):
            count(Metric.LOGIN_FAILED)
            self._record_failure(account, now)
            raise Problem(401, BAD_CREDENTIALS, slug="identifiants-incorrects")
        if account.statut != ACTIVE:
            raise Problem(403, "Votre adresse électronique n'est pas encore vérifiée : saisissez "
                               "le code reçu par courriel, ou demandez-en un nouveau.",
                          slug="compte-non-verifie")
        if self._recognition.needs_check(account):
            self._recognise(account)
        rehash = (passwords.hash_password(password)
                  if passwords.needs_rehash(account.password_hash) else None)
        if not state.is_clean or rehash:
            self._store.record_login_success(account, rehash)
        count(Metric.LOGIN_SUCCEEDED)
        return self._open_session(account)

    def _open_session(self, account: Account, fc_id_token: str | None = None) -> NewSession:
        token = secrets.new_token()
        now = self._now()
        expires_at = now + self._session_ttl
        self._store.create_session(Session(secrets.token_hash(token), nir_hash=account.nir_hash,
                                           auth_epoch=account.auth_epoch or 0, created_at=now,
                                           expires_at=expires_at, fc_id_token=fc_id_token))
        return NewSession(token, expires_at, int(self._session_ttl.total_seconds()),
                          account.nir_hash)

    # --- FranceConnect ----------------------------------------------------------------------
    def account(self, nir_hash: str) -> Account:
        account = self._store.get(nir_hash)
        if account is None:
            raise Problem(401, "Votre session a expiré ou a été fermée : reconnectez-vous.",
                          slug="session-expiree")
        return account

    def franceconnect_account(self, link_key: str) -> Account | None:
        """The account a FranceConnect identity was linked to (a link to an account gone, an
        unverified signup that expired, is forgotten)."""
        link = self._store.get_franceconnect_link(link_key)
        if link is None:
            return None
        account = self._store.get(link.nir_hash)
        if account is None:
            self._store.forget_franceconnect_link(link)
        return account

    def accounts_of_identity(self, identity: FcIdentity) -> list[Account]:
        """The active accounts typed with this identity (see `is_same_person`)."""
        holders = self._recognition.accounts_answering_to(identity.keys())
        found = [self._store.get(nir_hash) for nir_hash in sorted(holders)]
        return [a for a in found if a is not None and a.statut == ACTIVE
                and is_same_person(identity, a)]

    def link_franceconnect(self, account: Account, identity: FcIdentity, link_key: str) -> None:
        """Link, then search the RNE with the certified identity too."""
        certified = FcIdentityAttribute(**identity.as_dict())
        self._store.link_franceconnect(account, FcLink(link_key, nir_hash=account.nir_hash,
                                                       linked_at=self._now()),
                                       certified, keys_of_account(account) | identity.keys())
        account.franceconnect = certified
        count(Metric.FRANCECONNECT_LINKED)
        self._recognise(account)

    def login_with_franceconnect(self, account: Account, identity: FcIdentity, link_key: str,
                                 id_token: str) -> NewSession:
        if account.statut != ACTIVE:
            raise Problem(403, "Votre adresse électronique n'est pas encore vérifiée : saisissez "
                               "le code reçu par courriel, ou demandez-en un nouveau.",
                          slug="compte-non-verifie")
        known = account.franceconnect.as_dict() if account.franceconnect else None
        if known != identity.as_dict():
            self.link_franceconnect(account, identity, link_key)
        elif self._recognition.needs_check(account):
            self._recognise(account)
        count(Metric.FRANCECONNECT_LOGIN_SUCCEEDED)
        return self._open_session(account, fc_id_token=id_token)

    def franceconnect_id_token(self, token: str | None) -> str | None:
        """The FranceConnect ID token of a session opened through it (for its logout)."""
        session = self._store.get_session(secrets.token_hash(token)) if token else None
        return session.fc_id_token if session else None

    def _record_failure(self, account: Account, now: datetime) -> None:
        for _ in range(3):
            state = FailureState(account.failed_logins or 0, account.failures_since,
                                 account.locked_until).after_failure(now)
            try:
                self._store.record_login_failure(account, state)
            except Conflict:
                account = self._store.get(account.nir_hash) or account
                continue
            if state.locked_until:
                count(Metric.ACCOUNT_LOCKED)
                logger.info("Account locked after repeated login failures",
                            extra={"account_id": account.id})
            return

    def authenticate(self, token: str | None) -> Account:
        if not token:
            raise Problem(401, "Vous devez être connecté pour accéder à ce service.",
                          slug="non-connecte", headers={"WWW-Authenticate": "Bearer"})
        session = self._store.get_session(secrets.token_hash(token))
        now = self._now()
        account = None
        if session is not None and now < session.expires_at:
            account = self._store.get(session.nir_hash)
        if (account is None or account.statut != ACTIVE
                or (account.auth_epoch or 0) != session.auth_epoch):
            raise Problem(401, "Votre session a expiré ou a été fermée : reconnectez-vous.",
                          slug="session-expiree", headers={"WWW-Authenticate": "Bearer"})
        return account

    def mandates(self, account: Account) -> list[dict]:
        return self._recognition.current_mandates(account) if account.rne_mandats else []

    def logout(self, token: str | None) -> None:
        self.authenticate(token)
        self.end_session(token)

    def end_session(self, token: str) -> None:
        self._store.delete_session(secrets.token_hash(token))

    # --- password reset ---------------------------------------------------------------------
    def request_password_reset(self, raw_nir: str) -> None:
        """Email a single-use link; the same answer whether or not the account exists."""
        try:
            body = nir.login_body(raw_nir)
        except nir.InvalidNir as error:
            raise invalid([FieldError("nir", str(error))]) from None
        now = self._now()
        account = self._store.get(self._hasher.nir(body))
        count(Metric.PASSWORD_RESET_REQUESTED)
        if account is None:
            return
        if account.reset_requested_at and now - account.reset_requested_at < RESEND_COOLDOWN:
            return
        token = secrets.new_token()
        reset = PasswordReset(secrets.token_hash(token), nir_hash=account.nir_hash,
                              expires_at=now + RESET_TOKEN_TTL)
        self._store.create_reset(account, reset, now)
        link = f"{self._public_url}/mot-de-passe/nouveau?jeton={token}"
        self._send(emails.password_reset(account.email, account.prenoms, link,
                                         _minutes(RESET_TOKEN_TTL)))

    def reset_password(self, token: str, password: str) -> None:
        now = self._now()
        reset = self._store.get_reset(secrets.token_hash(token))
        account = None
        if reset is not None and reset.used_at is None and now < reset.expires_at:
            account = self._store.get(reset.nir_hash)
        if account is None:
            raise _reset_link_gone()
        words = (account.nom_naissance, account.nom_usage or "", account.prenoms,
                 account.date_naissance[:4])
        errors = passwords.rule_errors(password, words) if isinstance(password, str) else [
            "Mot de passe : ce champ est obligatoire."]
        if errors:
            raise invalid([FieldError("mot_de_passe", message) for message in errors])
        was_pending = account.statut == PENDING
        try:
            self._store.complete_reset(reset, account, passwords.hash_password(password), now,
                                       _identity_keys(account))
        except Conflict:
            raise _reset_link_gone() from None
        count(Metric.PASSWORD_RESET_COMPLETED)
        if was_pending:
            self._recognise(account)
        self._send(emails.password_changed(account.email, account.prenoms))

    # --- helpers ----------------------------------------------------------------------------
    def _code_hash(self, account: Account, code: str) -> str:
        return self._hasher.digest("email-code:" + account.nir_hash, code)

    def _send(self, email: Email) -> None:
        """Send, and never fail the person's request for it: they can ask for the email again."""
        try:
            self._mailer.send(email)
        except Exception as error:  # noqa: BLE001 - SES outage must not lose the account
            count(Metric.EMAIL_SEND_FAILED)
            logger.error("Email could not be sent", extra={"error_type": type(error).__name__})
        else:
            count(Metric.EMAIL_SENT)


def _identity_keys(account: Account) -> set[str]:
    return keys_of_account(account)


def _already_taken(field: str) -> Problem:
    if field == "nir":
        message = ("Un compte existe déjà pour ce numéro de sécurité sociale. Connectez-vous, ou "
                   "réinitialisez votre mot de passe si vous l'avez oublié.")
    else:
        message = "Un compte existe déjà avec cette adresse électronique."
    return Problem(409, message, slug="compte-existant", errors=[FieldError(field, message)])


def _locked(until: datetime, now: datetime) -> Problem:
    seconds = max(1, int((until - now).total_seconds()) + 1)
    local = until.astimezone(PARIS)
    return Problem(
        429,
        "Trop de tentatives de connexion : votre compte est bloqué temporairement. Réessayez "
        f"après {local:%H} h {local:%M}.",
        slug="compte-bloque",
        headers={"Retry-After": str(seconds)},
        extra={"reessayer_apres": until.astimezone(UTC).isoformat()},
    )


def _reset_link_gone() -> Problem:
    return Problem(410, "Ce lien de réinitialisation n'est plus valable (il a expiré ou a déjà "
                        "servi). Faites une nouvelle demande.", slug="lien-expire")


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
