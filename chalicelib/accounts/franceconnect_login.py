"""Logging in with FranceConnect, from the redirection to the provider to a session, a link to
an account, or an identity waiting for its account.

On the way back, in order: the state (the one this browser was given, once), the code
exchanged with PKCE, the ID token (signature, issuer, audience, dates, nonce), the userinfo of
the same subject. Then the account: the one linked to this FranceConnect identity; else, when
the login was started from a session of this browser that is still the one open, that
session's account if the identity is its own (an explicit "link" from a logged-in person);
else the identity waits: 30 minutes for the person to sign up with it, and 5 minutes for the
password login that follows to link it (only if it is that account's identity). Any other
login drops it: an identity left on a shared computer becomes nobody's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .. import keyed_hashing
from ..fields import local_path
from ..franceconnect import (
    FRANCECONNECT,
    FRANCECONNECT_PLUS,
    LINK_WINDOW,
    PENDING_TTL,
    STATE_TTL,
    platform_for,
)
from ..franceconnect.client import FranceConnectError, OidcClient
from ..franceconnect.errors import NoPendingIdentity
from ..franceconnect.identity import LEVELS, FcIdentity, UnusableIdentity, meets
from ..franceconnect.store import FcStore
from ..models import FcLoginState, FcPendingIdentity
from ..models.franceconnect import FC_LINK, FC_PLUS_LINK, FcIdentityAttribute
from ..observability import Metric, count, logger
from .errors import EmailNotVerified
from .franceconnect_links import FranceConnectLinks
from .sessions import NewSession


@dataclass(frozen=True)
class Started:
    url: str
    state: str  # for the browser's cookie: the state must come back to the browser it left


@dataclass(frozen=True)
class Pending:
    """An identity brought back from FranceConnect, waiting (30 minutes) for its account."""

    identity: FcIdentity
    link_key: str
    handle: str
    acr: str | None
    retour: str | None
    id_token: str
    created_at: datetime | None


@dataclass(frozen=True)
class Outcome:
    statut: str  # connecte, a_completer, refuse, erreur
    session: NewSession | None = None  # None when the session already open was certified
    pending: str | None = None  # the handle of an identity awaiting an account (cookie)
    motif: str | None = None
    retour: str | None = None  # the page of this site to go back to once logged in


def link_key(sub: str, platform: str = FRANCECONNECT) -> str:
    """The key of the link of a subject of this platform (FranceConnect and FranceConnect+
    give one person different subjects): an account holds one link on each."""
    prefix = FC_PLUS_LINK if platform == FRANCECONNECT_PLUS else FC_LINK
    return prefix + keyed_hashing.token_hash(sub)


def _state_key(state: str) -> str:
    return "etat#" + keyed_hashing.token_hash(state)


def _pending_key(handle: str) -> str:
    return "attente#" + keyed_hashing.token_hash(handle)


class FranceConnectLogin:
    def __init__(
        self,
        client: Callable[[str], OidcClient],  # the client of a platform
        store: FcStore,
        links: FranceConnectLinks,
        clock: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._store = store
        self._links = links
        self._now = clock

    def start(
        self, level: str = "eidas1", retour: str | None = None, session_token: str | None = None
    ) -> Started:
        """Send the browser to FranceConnect, at this eIDAS level (eidas2: FranceConnect+),
        to come back to `retour` (a path of this site; anything else is ignored). Started from
        a live session (`session_token`), the identity brought back links to its account."""
        if level not in LEVELS:
            level = "eidas1"
        state, nonce = keyed_hashing.new_token(), keyed_hashing.new_token()
        # PKCE: a verifier of 43 to 128 characters
        verifier = keyed_hashing.new_token() + keyed_hashing.new_token()
        url = self._client(platform_for(level)).authorization_url(state, nonce, verifier, acr=level)
        now = self._now()
        self._store.save_state(
            FcLoginState(
                _state_key(state),
                nonce=nonce,
                code_verifier=verifier,
                created_at=now,
                expires_at=now + STATE_TTL,
                acr=level,
                retour=local_path(retour),
                session_hash=self._links.live_session_hash(session_token),
            )
        )
        return Started(url, state)

    def finish(
        self,
        params: dict[str, str],
        browser_state: str | None,
        session_token: str | None = None,
    ) -> Outcome:
        """`session_token`: the session the browser holds as it comes back."""
        try:
            outcome = self._finish(params, browser_state, session_token)
        except FranceConnectError as error:
            outcome = Outcome("erreur", motif=error.motif)
        except EmailNotVerified:
            outcome = Outcome("erreur", motif="compte_non_verifie")
        if outcome.statut in ("erreur", "refuse"):
            count(Metric.FRANCECONNECT_LOGIN_FAILED)
            logger.info(
                "FranceConnect login not completed",
                extra={"statut": outcome.statut, "motif": outcome.motif},
            )
        return outcome

    def _finish(
        self, params: dict[str, str], browser_state: str | None, session_token: str | None
    ) -> Outcome:
        state = params.get("state") or ""
        if not state or not browser_state or not keyed_hashing.same(state, browser_state):
            raise FranceConnectError("etat_invalide")
        login = self._store.take_state(_state_key(state))
        if login is None or login.expires_at < self._now():
            raise FranceConnectError("etat_invalide")
        if params.get("error"):
            if params["error"] == "access_denied":
                return Outcome("refuse", motif="refus_usager")
            raise FranceConnectError("fournisseur_erreur", params["error"])
        if not params.get("code"):
            raise FranceConnectError("code_invalide")
        platform = platform_for(login.acr)
        client = self._client(platform)
        token = client.exchange_code(params["code"], login.code_verifier)
        claims = client.verify_id_token(token, login.nonce)
        if not meets(claims.get("acr"), login.acr or "eidas1"):
            raise FranceConnectError("niveau_insuffisant", str(claims.get("acr")))
        try:
            identity = FcIdentity.from_claims(client.userinfo(token["access_token"], claims["sub"]))
        except UnusableIdentity:
            raise FranceConnectError("identite_incomplete") from None
        key = link_key(claims["sub"], platform)
        # Only an identity already linked logs in (or the same identité pivot certified on the
        # other platform). An account typed with the same identity is not enough (the RNE is
        # public, anyone can type an official's identity): the holder proves the account once
        # with its password, or signs up.
        account = self._links.linked_account(key) or self._links.reconciled_account(identity)
        if account is not None:
            session = self._links.log_in(
                account, identity, key, token["id_token"], claims.get("acr")
            )
            return Outcome("connecte", session=session, retour=login.retour)
        if (
            login.session_hash
            and session_token
            and keyed_hashing.same(keyed_hashing.token_hash(session_token), login.session_hash)
        ):
            # started from this session, back to it: the person asked to link their account
            if not self._links.link_to_open_session(
                session_token, identity, key, token["id_token"], claims.get("acr")
            ):
                count(Metric.FRANCECONNECT_LINK_REFUSED)
                return Outcome("erreur", motif="identite_differente", retour=login.retour)
            return Outcome("connecte", retour=login.retour)
        handle = keyed_hashing.new_token()
        now = self._now()
        self._store.save_pending(
            FcPendingIdentity(
                _pending_key(handle),
                sub_hash=key,
                id_token=token["id_token"],
                identite=FcIdentityAttribute(**identity.as_dict()),
                expires_at=now + PENDING_TTL,
                acr=claims.get("acr"),
                retour=login.retour,
                created_at=now,
            )
        )
        count(Metric.FRANCECONNECT_SIGNUP_STARTED)
        return Outcome("a_completer", pending=handle)

    # --- an identity awaiting its account ---------------------------------------------------
    def pending(self, handle: str | None) -> Pending:
        """The identity this browser brought back from FranceConnect, waiting for an account."""
        if not handle:
            raise NoPendingIdentity()
        item = self._store.get_pending(_pending_key(handle))
        if item is None or item.expires_at < self._now():
            raise NoPendingIdentity()
        return Pending(
            FcIdentity.stored(item.identite.as_dict()),
            item.sub_hash,
            handle,
            item.acr,
            item.retour,
            item.id_token,
            item.created_at,
        )

    def signed_up(self, handle: str) -> None:
        self._store.delete_pending(_pending_key(handle))

    def link_after_login(self, pending: Pending, session: NewSession) -> str:
        """The person logged in with NIR and password on the browser where an identity waits:
        linked only if this login comes within 5 minutes of FranceConnect and the identity is
        the account's (identity.certifies). Either way the identity stops waiting. Answers
        "lie" (the session is then certified at the identity's level), "non_lie" (not the
        account's identity) or "expire" (too late: FranceConnect again)."""
        self._store.delete_pending(_pending_key(pending.handle))
        if pending.created_at is None or self._now() - pending.created_at > LINK_WINDOW:
            count(Metric.FRANCECONNECT_LINK_REFUSED)
            logger.info("FranceConnect identity not linked: the login came too late")
            return "expire"
        if not self._links.link_to_session(session, pending.identity, pending.link_key):
            count(Metric.FRANCECONNECT_LINK_REFUSED)
            logger.warning("FranceConnect identity not linked: not the account's identity")
            return "non_lie"
        self._links.certify_session(session, pending.id_token, pending.acr)
        return "lie"

    def logout_url(self, id_token: str, acr: str | None) -> str:
        """The logout of the platform that opened the session (its ID token as the hint)."""
        return self._client(platform_for(acr)).logout_url(id_token, keyed_hashing.new_token())
