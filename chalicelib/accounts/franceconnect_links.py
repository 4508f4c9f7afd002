"""The accounts side of FranceConnect: which account a FranceConnect identity is linked to,
the accounts typed with the same identity, linking one (the certified identity is then searched
in the RNE too), and opening a session through FranceConnect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..clock import utc_now
from ..franceconnect.identity import FcIdentity, is_same_person
from ..models import Account, FcLink
from ..models.account import ACTIVE
from ..models.franceconnect import FcIdentityAttribute
from ..observability import Metric, count
from .elu import EluRecognition
from .errors import EmailNotVerified
from .sessions import NewSession, Sessions
from .store import AccountStore


class FranceConnectLinks:
    def __init__(
        self,
        store: AccountStore,
        sessions: Sessions,
        elu: EluRecognition,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._sessions = sessions
        self._elu = elu
        self._now = clock

    def linked_account(self, link_key: str) -> Account | None:
        """The account a FranceConnect identity was linked to (a link to an account gone, an
        unverified signup that expired, is forgotten)."""
        link = self._store.get_franceconnect_link(link_key)
        if link is None:
            return None
        account = self._store.get(link.nir_hash)
        if account is None:
            self._store.forget_franceconnect_link(link)
        return account

    def link(self, account: Account, identity: FcIdentity, link_key: str) -> None:
        """Link, then search the RNE with the certified identity too."""
        certified = FcIdentityAttribute(**identity.as_dict())
        self._store.link_franceconnect(
            account,
            FcLink(link_key, nir_hash=account.nir_hash, linked_at=self._now()),
            certified,
            identity.keys(),
        )
        account.franceconnect = certified
        count(Metric.FRANCECONNECT_LINKED)
        self._elu.recognise(account)

    def link_to_session(self, session: NewSession, identity: FcIdentity, link_key: str) -> bool:
        """The person just logged in with NIR and password, bringing an identity: linked only
        if it is the account's identity (same birth date and sex, a name and a given name,
        the birthplace when both are known). True if linked."""
        account = self._sessions.account(session.nir_hash)
        if not is_same_person(identity, account):
            return False
        self.link(account, identity, link_key)
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
        if known != identity.as_dict():
            self.link(account, identity, link_key)
        else:
            self._elu.at_login(account)
        count(Metric.FRANCECONNECT_LOGIN_SUCCEEDED)
        return self._sessions.open(account, fc_id_token=id_token, fc_acr=acr)
