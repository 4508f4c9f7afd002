"""The accounts side of FranceConnect: which account a FranceConnect identity is linked to,
linking one (certification), and opening a session through FranceConnect.

Certification is equality: an identity certifies an account only when it is the account's
identité pivot (identity.certifies). The account's identity then becomes the certified one,
its typed identity keys are dropped from the identity index, and the RNE is searched again
from the certified keys only: a mandate held through a typed key alone is released.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..clock import utc_now
from ..franceconnect.identity import FcIdentity, certifies
from ..keyed_hashing import token_hash
from ..models import Account, FcLink
from ..models.account import ACTIVE
from ..models.franceconnect import FcIdentityAttribute
from ..observability import Metric, count
from ..rne.matching import keys_of_account
from .elu import EluRecognition
from .errors import EmailNotVerified, NotLoggedIn, SessionExpired
from .sessions import NewSession, Sessions
from .store import AccountStore


class FranceConnectLinks:
    def __init__(
        self,
        store: AccountStore,
        sessions: Sessions,
        elu: EluRecognition,
        identity_hash: Callable[[str], str],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._identity_hash = identity_hash
        self._store = store
        self._sessions = sessions
        self._elu = elu
        self._now = clock

    def linked_account(self, link_key: str) -> Account | None:
        """The account a FranceConnect identity was linked to (a link to an account gone, an
        unverified signup that expired, an account of the same NIR made since, is forgotten)."""
        link = self._store.get_franceconnect_link(link_key)
        if link is None:
            return None
        account = self._store.get(link.nir_hash)
        if account is None or not account.holds_link(link_key):
            self._store.forget_franceconnect_link(link)
            return None
        return account

    def reconciled_account(self, identity: FcIdentity) -> Account | None:
        """The account already certified with this very identité pivot, for a subject not
        linked yet (FranceConnect and FranceConnect+ give one person different subjects): the
        platforms reconcile a person by the pivot. Only a certified account answers (a typed
        identity, however exact, never does), and only when it is the one."""
        if identity.pivot() is None:
            return None
        holders = sorted(self._store.certified_under(identity.keys()))
        found = [
            account
            for account in map(self._store.get, holders)
            if account is not None
            and account.franceconnect is not None
            and certifies(identity, account)
        ]
        return found[0] if len(found) == 1 else None

    def link(self, account: Account, identity: FcIdentity, link_key: str) -> None:
        """Certify the account with this identity (its own: the caller checked it, or the
        FranceConnect subject is already linked to it), then search the RNE again."""
        certified = FcIdentityAttribute(**identity.as_dict())
        fields = identity.account_fields()
        self._store.certify(
            account,
            FcLink(link_key, nir_hash=account.nir_hash, linked_at=self._now()),
            certified,
            fields,
            typed_keys=keys_of_account(account),
            certified_keys=identity.keys(),
        )
        for name, value in fields.items():
            setattr(account, name, value)
        account.franceconnect = certified
        account.keep_link(link_key)
        count(Metric.FRANCECONNECT_LINKED)
        pivot = identity.pivot()
        # the rights of a deleted account of this NIR, if it was this very person
        self._store.take_up_rights(
            account, self._identity_hash(pivot) if pivot else None, self._now()
        )
        self._elu.recognise(account)

    def link_if_certifies(self, account: Account, identity: FcIdentity, link_key: str) -> bool:
        """Link only if the identity is the account's (True), else nothing changes."""
        if not certifies(identity, account):
            return False
        self.link(account, identity, link_key)
        return True

    def link_to_session(self, session: NewSession, identity: FcIdentity, link_key: str) -> bool:
        """The person just logged in with NIR and password, bringing an identity: linked only
        if it is the account's identity. True if linked."""
        return self.link_if_certifies(self._sessions.account(session.nir_hash), identity, link_key)

    def live_session_hash(self, token: str | None) -> str | None:
        """The hash of this session token if it is a live session (a login starts from it)."""
        if not token:
            return None
        try:
            self._sessions.current(token)
        except (NotLoggedIn, SessionExpired):
            return None
        return token_hash(token)

    def link_to_open_session(
        self, token: str, identity: FcIdentity, link_key: str, id_token: str, acr: str | None
    ) -> bool:
        """A logged-in person went through FranceConnect from this session: the identity is
        linked if it is the account's, and the session is then certified at its level."""
        try:
            account, _ = self._sessions.current(token)
        except (NotLoggedIn, SessionExpired):
            return False
        if not self.link_if_certifies(account, identity, link_key):
            return False
        self._sessions.certify_token(token, id_token, acr)
        return True

    def certify_session(self, session: NewSession, id_token: str, acr: str | None) -> None:
        """The session of a password login that linked a FranceConnect identity counts as
        opened through FranceConnect, at the identity's level."""
        self._sessions.certify(session, id_token, acr)

    def log_in(
        self,
        account: Account,
        identity: FcIdentity,
        link_key: str,
        id_token: str,
        acr: str | None = None,
    ) -> NewSession:
        if account.statut != ACTIVE:
            raise EmailNotVerified()
        known = account.franceconnect.as_dict() if account.franceconnect else None
        if known != identity.as_dict() or not account.holds_link(link_key):
            self.link(account, identity, link_key)
        else:
            self._elu.at_login(account)
        count(Metric.FRANCECONNECT_LOGIN_SUCCEEDED)
        return self._sessions.open(account, fc_id_token=id_token, fc_acr=acr)
