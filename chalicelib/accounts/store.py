"""All DynamoDB access for accounts, sessions and password resets (PynamoDB).

Uniqueness of NIR and email holds under concurrent signups because both claims are written in
one conditional transaction; nothing here reads before it writes to decide uniqueness.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from ..models import (
    Account,
    AccountEmail,
    FcLink,
    IdentityIndex,
    PasswordReset,
    Session,
    is_condition_failure,
    shared_connection,
)
from ..models.account import ACTIVE, PENDING
from .errors import AlreadyTaken, Conflict
from .login_policy import FailureState


class AccountStore:
    # --- accounts ---------------------------------------------------------------------------
    def create_pending(
        self, account: Account, claim: AccountEmail, now: datetime, link: FcLink | None = None
    ) -> None:
        """The account and its email claim (and, signing up through FranceConnect, the link of
        the FranceConnect identity), all or nothing."""
        expired_pending_account = (Account.statut == PENDING) & (Account.expires_at < now)
        expired_claim = AccountEmail.expires_at < now
        try:
            with TransactWrite(connection=shared_connection()) as transaction:
                transaction.save(
                    account, condition=Account.nir_hash.does_not_exist() | expired_pending_account
                )
                transaction.save(
                    claim, condition=AccountEmail.email.does_not_exist() | expired_claim
                )
                if link is not None:
                    transaction.save(link)
        except TransactWriteError as error:
            reasons = [getattr(r, "code", None) for r in (error.cancellation_reasons or [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise AlreadyTaken("nir") from None
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise AlreadyTaken("email") from None
            raise

    def get(self, nir_hash: str) -> Account | None:
        try:
            return Account.get(nir_hash, consistent_read=True)
        except DoesNotExist:
            return None

    def get_by_email(self, email: str) -> Account | None:
        try:
            claim = AccountEmail.get(email, consistent_read=True)
        except DoesNotExist:
            return None
        account = self.get(claim.nir_hash)
        return account if account is not None and account.email == email else None

    def save_verification_code(
        self, account: Account, code_hash: str, expires_at: datetime, now: datetime
    ) -> None:
        account.update(
            actions=[
                Account.verification_code_hash.set(code_hash),
                Account.verification_expires_at.set(expires_at),
                Account.verification_attempts.set(0),
                Account.verification_sent_at.set(now),
            ],
            condition=Account.statut == PENDING,
        )

    def count_verification_failure(self, account: Account) -> None:
        account.update(actions=[Account.verification_attempts.add(1)])

    def activate(self, account: Account, identity_keys: set[str]) -> None:
        """Activate, and register the account under its identity keys in the same transaction
        (the RNE ingestion finds accounts through them)."""
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.update(
                account, actions=self._activation_actions(), condition=Account.statut == PENDING
            )
            transaction.update(
                AccountEmail(account.email),
                actions=[AccountEmail.expires_at.remove()],
                condition=AccountEmail.nir_hash == account.nir_hash,
            )
            self._register_identity(transaction, account, identity_keys)

    @staticmethod
    def _register_identity(
        transaction: TransactWrite, account: Account, identity_keys: set[str]
    ) -> None:
        for key in sorted(identity_keys):
            transaction.update(
                IdentityIndex(key), actions=[IdentityIndex.accounts.add({account.nir_hash})]
            )

    @staticmethod
    def _activation_actions() -> list:
        return [
            Account.statut.set(ACTIVE),
            Account.expires_at.remove(),
            Account.verification_code_hash.remove(),
            Account.verification_expires_at.remove(),
        ]

    # --- login ------------------------------------------------------------------------------
    def record_login_failure(self, account: Account, state: FailureState) -> None:
        """Store the new failure state if nobody else changed it since it was read."""
        actions = [Account.failed_logins.set(state.count), Account.failures_since.set(state.since)]
        actions.append(
            Account.locked_until.set(state.locked_until)
            if state.locked_until
            else Account.locked_until.remove()
        )
        try:
            account.update(
                actions=actions, condition=Account.failed_logins == (account.failed_logins or 0)
            )
        except UpdateError as error:
            if is_condition_failure(error):
                raise Conflict() from None
            raise

    def record_login_success(self, account: Account, new_password_hash: str | None) -> None:
        actions = [
            Account.failed_logins.set(0),
            Account.failures_since.remove(),
            Account.locked_until.remove(),
        ]
        if new_password_hash:
            actions.append(Account.password_hash.set(new_password_hash))
        account.update(actions=actions)

    # --- FranceConnect ----------------------------------------------------------------------
    def get_franceconnect_link(self, link_key: str) -> FcLink | None:
        try:
            return FcLink.get(link_key)
        except DoesNotExist:
            return None

    def link_franceconnect(
        self, account: Account, link: FcLink, identity, identity_keys: set[str]
    ) -> None:
        """Link the identity to the account, keep it there, and register its identity keys
        for the RNE ingestion: one transaction."""
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.save(link)
            transaction.update(
                account,
                actions=[Account.franceconnect.set(identity)],
                condition=Account.statut == ACTIVE,
            )
            self._register_identity(transaction, account, identity_keys)

    def forget_franceconnect_link(self, link: FcLink) -> None:
        link.delete()

    # --- sessions ---------------------------------------------------------------------------
    def create_session(self, session: Session) -> None:
        session.save()

    def get_session(self, token_hash: str) -> Session | None:
        try:
            return Session.get(token_hash, consistent_read=True)
        except DoesNotExist:
            return None

    def delete_session(self, token_hash: str) -> None:
        Session(token_hash).delete()

    # --- password resets --------------------------------------------------------------------
    def create_reset(self, account: Account, reset: PasswordReset, now: datetime) -> None:
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.save(reset, condition=PasswordReset.token_hash.does_not_exist())
            transaction.update(account, actions=[Account.reset_requested_at.set(now)])

    def get_reset(self, token_hash: str) -> PasswordReset | None:
        try:
            return PasswordReset.get(token_hash, consistent_read=True)
        except DoesNotExist:
            return None

    def complete_reset(
        self,
        reset: PasswordReset,
        account: Account,
        password_hash: str,
        now: datetime,
        identity_keys: set[str],
    ) -> None:
        """Use the token once, set the password, end every session (new epoch), and activate an
        account still pending: following the emailed link proves the address."""
        actions = [
            Account.password_hash.set(password_hash),
            Account.auth_epoch.add(1),
            Account.failed_logins.set(0),
            Account.failures_since.remove(),
            Account.locked_until.remove(),
        ]
        if account.statut == PENDING:
            actions += self._activation_actions()
        try:
            with TransactWrite(connection=shared_connection()) as transaction:
                transaction.update(
                    reset,
                    actions=[PasswordReset.used_at.set(now)],
                    condition=PasswordReset.used_at.does_not_exist()
                    & (PasswordReset.expires_at > now),
                )
                transaction.update(account, actions=actions)
                if account.statut == PENDING:
                    transaction.update(
                        AccountEmail(account.email),
                        actions=[AccountEmail.expires_at.remove()],
                        condition=AccountEmail.nir_hash == account.nir_hash,
                    )
                    self._register_identity(transaction, account, identity_keys)
        except TransactWriteError as error:
            reasons = [getattr(r, "code", None) for r in (error.cancellation_reasons or [])]
            if "ConditionalCheckFailed" in reasons:
                raise Conflict() from None
            raise
