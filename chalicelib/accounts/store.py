"""All DynamoDB access for accounts, sessions and password resets (PynamoDB).

Uniqueness of NIR and email holds under concurrent signups because both claims are written in
one conditional transaction; nothing here reads before it writes to decide uniqueness.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..models import (
    Account,
    AccountEmail,
    Dossier,
    FcLink,
    IdentityIndex,
    LedgerEntry,
    PasswordReset,
    Session,
    SupportRequest,
    is_condition_failure,
    set_or_remove,
    shared_connection,
    transact_retrying_conflicts,
)
from ..models.account import ACTIVE, PENDING
from .errors import AlreadyTaken, Conflict
from .login_policy import FailureState

ERASED = "efface#"  # the ledger's marker of a deleted account, and its files' holder meanwhile

# What a transaction that activates or links an account leaves for identity keys: DynamoDB
# takes at most 100 items in one transaction.
KEYS_PER_TRANSACTION = 90


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
            reasons = _refusals(error)
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

    def count_verification_try(self, account: Account, most: int) -> int | None:
        """Count one more try of the code, if fewer than `most` were counted: the number of
        tries with this one, or None when none is left."""
        return _count_try(account, Account.verification_attempts, Account.statut == PENDING, most)

    def activate(self, account: Account, identity_keys: set[str]) -> None:
        """Activate, and register the account under its identity keys (the RNE ingestion finds
        accounts through them): in the same transaction as far as DynamoDB's 100 items allow,
        the rest right after."""
        keys = sorted(identity_keys)
        actions = self._activation_actions() + self._rights_kept(account)
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.update(account, actions=actions, condition=Account.statut == PENDING)
            transaction.update(
                AccountEmail(account.email),
                actions=[AccountEmail.expires_at.remove()],
                condition=AccountEmail.nir_hash == account.nir_hash,
            )
            self._register_identity(transaction, account, keys[:KEYS_PER_TRANSACTION])
        self.register_keys(account, keys[KEYS_PER_TRANSACTION:])

    def register_keys(self, account: Account, keys) -> None:
        """Register the account under these identity keys, in transactions of at most 100
        items."""
        keys = sorted(keys)
        for start in range(0, len(keys), 100):
            with TransactWrite(connection=shared_connection()) as transaction:
                self._register_identity(transaction, account, keys[start : start + 100])

    @classmethod
    def _register_identity(cls, transaction: TransactWrite, account: Account, keys) -> None:
        """An account signed up through FranceConnect answers to its keys as certified."""
        certified = account.franceconnect is not None
        cls._file_keys(transaction, account, [(key, certified) for key in sorted(keys)], True)

    @staticmethod
    def _rights_kept(account: Account) -> list:
        """Rights belong to the person, and anyone may type a NIR: an account created again
        for a NIR whose account was deleted keeps the years credited (never a second catch-up
        credit) but its balance is withheld, and the old entries hidden, until a certified
        identity proves it is the same person (`take_up_rights`). One query, empty for almost
        everyone."""
        years: set[float] = set()  # a number set, as the model keeps it
        balance, erased = 0, None
        for entry in LedgerEntry.query(account.nir_hash):
            if entry.sk.startswith("annee#"):
                years.add(int(entry.sk.split("#", 1)[1]))
            elif entry.sk.startswith(ERASED):
                erased = max(erased or entry.created_at, entry.created_at)
            elif entry.montant_centimes is not None:
                balance += int(entry.montant_centimes)
        if not years and not balance:
            return []
        erased = erased or account.created_at
        account.dif_solde_centimes, account.dif_annees = 0, years or None
        account.dif_retenu_centimes, account.dif_retenu_depuis = balance, erased
        actions = [
            Account.dif_solde_centimes.set(0),
            Account.dif_retenu_centimes.set(balance),
            Account.dif_retenu_depuis.set(erased),
        ]
        return actions + ([Account.dif_annees.set(years)] if years else [])

    def take_up_rights(self, account: Account, identity_hash: str | None, now: datetime) -> bool:
        """The withheld balance and the files of the deleted account, to this account, if its
        certified identity is the deleted one (same keyed hash). One transaction; True if
        taken up."""
        if account.dif_retenu_depuis is None or identity_hash is None:
            return False
        markers = [
            m
            for m in LedgerEntry.query(account.nir_hash, LedgerEntry.sk.startswith(ERASED))
            if m.repris_le is None and m.identite_hash == identity_hash
        ]
        if not markers:
            return False
        withheld = int(account.dif_retenu_centimes or 0)
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.update(
                account,
                actions=[
                    Account.dif_solde_centimes.add(withheld),
                    Account.dif_retenu_centimes.remove(),
                    Account.dif_retenu_depuis.remove(),
                ],
                condition=Account.dif_retenu_centimes == withheld,
            )
            for marker in markers:
                transaction.update(marker, actions=[LedgerEntry.repris_le.set(now)])
        for marker in markers:
            for dossier_id in sorted(marker.dossiers or ()):
                Dossier(dossier_id).update(actions=[Dossier.account.set(account.nir_hash)])
        account.dif_solde_centimes = int(account.dif_solde_centimes or 0) + withheld
        account.dif_retenu_centimes = account.dif_retenu_depuis = None
        return True

    @staticmethod
    def _activation_actions() -> list:
        return [
            Account.statut.set(ACTIVE),
            Account.expires_at.remove(),
            Account.verification_code_hash.remove(),
            Account.verification_expires_at.remove(),
        ]

    # --- login ------------------------------------------------------------------------------
    def reserve_login_attempt(self, account: Account, attempt: FailureState) -> None:
        """Count an attempt, if the count and the lock are still those read (Conflict)."""
        read_lock = account.locked_until
        condition = Account.failed_logins == (account.failed_logins or 0)
        condition &= (
            Account.locked_until.does_not_exist()
            if read_lock is None
            else Account.locked_until == read_lock
        )
        try:
            account.update(
                actions=[
                    Account.failed_logins.set(attempt.count),
                    # a reserved attempt always has its window's start
                    Account.failures_since.set(attempt.since),  # type: ignore[arg-type]
                    Account.locked_until.remove(),
                ],
                condition=condition,
            )
        except UpdateError as error:
            if is_condition_failure(error):
                raise Conflict() from None
            raise

    def lock(self, account: Account, until: datetime) -> None:
        """Lock until `until`; a later lock already there stays (a lock is never shortened)."""
        try:
            account.update(
                actions=[Account.locked_until.set(until)],
                condition=Account.locked_until.does_not_exist() | (Account.locked_until < until),
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise

    def create_session_clearing_failures(
        self, session: Session, account: Account, new_password_hash: str | None
    ) -> None:
        """The session of a successful login, and its attempts cleared, together; refused
        (Conflict) when a lock was set meanwhile."""
        actions: list[Action] = [Account.failed_logins.set(0), Account.failures_since.remove()]
        if new_password_hash:
            actions.append(Account.password_hash.set(new_password_hash))

        def write(transaction: TransactWrite) -> None:
            transaction.save(session)
            transaction.update(
                account, actions=actions, condition=Account.locked_until.does_not_exist()
            )

        try:
            # the same person's logins at once (several devices, a double click) each clear
            # the account's attempts: DynamoDB cancels those that overlap, which are retried
            transact_retrying_conflicts(write)
        except TransactWriteError as error:
            if "ConditionalCheckFailed" in _refusals(error):
                raise Conflict() from None
            raise

    # --- FranceConnect ----------------------------------------------------------------------
    def get_franceconnect_link(self, link_key: str) -> FcLink | None:
        try:
            return FcLink.get(link_key)
        except DoesNotExist:
            return None

    def certify(
        self,
        account: Account,
        link: FcLink,
        identity,
        fields: dict,
        typed_keys: set[str],
        certified_keys: set[str],
    ) -> None:
        """Link the identity to the account, which takes its fields (the typed ones replaced),
        and file the account under the certified keys only: out of the typed keys it had, into
        the certified ones as certified. The link and the account in one transaction with as
        many keys as it takes, the rest right after."""
        dropped = [
            (key, False) for key in sorted(typed_keys - certified_keys)
        ]  # typed keys no longer answer for this account
        added = [(key, True) for key in sorted(certified_keys)]
        keys = dropped + added
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.save(link)
            transaction.update(
                account,
                actions=[
                    Account.franceconnect.set(identity),
                    account.link_attribute(link.pk).set(link.pk),
                    *set_or_remove(Account, fields),
                ],
                condition=Account.statut == ACTIVE,
            )
            self._file_keys(transaction, account, keys[:KEYS_PER_TRANSACTION])
        for start in range(KEYS_PER_TRANSACTION, len(keys), 100):
            with TransactWrite(connection=shared_connection()) as transaction:
                self._file_keys(transaction, account, keys[start : start + 100])

    @staticmethod
    def _file_keys(
        transaction: TransactWrite, account: Account, keys, adding: bool | None = None
    ) -> None:
        """(key, certified) pairs. Adding: filed under the key (as certified if so); else
        (certifying) True files it as certified and False takes it out of the key."""
        member = {account.nir_hash}
        for key, certified in keys:
            actions: list[Action]
            if adding or certified:
                actions = [IdentityIndex.accounts.add(member)]
                if certified:
                    actions.append(IdentityIndex.certified.add(member))
            else:
                actions = [
                    IdentityIndex.accounts.delete(member),
                    IdentityIndex.certified.delete(member),
                ]
            transaction.update(IdentityIndex(key), actions=actions)

    def certified_under(self, keys: set[str]) -> set[str]:
        """The accounts filed under these identity keys through a certified identity (key
        lookups, one batch)."""
        found: set[str] = set()
        for item in IdentityIndex.batch_get(sorted(keys)):
            found |= item.certified or set()
        return found

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

    def certify_session(self, token_hash: str, id_token: str, acr: str | None) -> None:
        Session(token_hash).update(
            # no level: written as NULL (PynamoDB's set() takes None, but is not typed so)
            actions=[Session.fc_id_token.set(id_token), Session.fc_acr.set(acr)],  # type: ignore[arg-type]
            condition=Session.token_hash.exists(),
        )

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
        actions: list[Action] = [
            Account.password_hash.set(password_hash),
            Account.auth_epoch.add(1),
            Account.failed_logins.set(0),
            Account.failures_since.remove(),
            Account.locked_until.remove(),
        ]
        if account.statut == PENDING:
            actions += self._activation_actions() + self._rights_kept(account)
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
                    self._register_identity(
                        transaction, account, sorted(identity_keys)[:KEYS_PER_TRANSACTION]
                    )
        except TransactWriteError as error:
            reasons = _refusals(error)
            if "ConditionalCheckFailed" in reasons:
                raise Conflict() from None
            raise

    # --- my account: contact, email, password, export, erasure ------------------------------
    def update_contact(self, account: Account, changes: dict) -> None:
        account.update(actions=set_or_remove(Account, changes), condition=Account.statut == ACTIVE)

    def start_email_change(
        self, account: Account, email: str, code_hash: str, expires_at: datetime
    ) -> None:
        account.update(
            actions=[
                Account.email_nouveau.set(email),
                Account.email_code_hash.set(code_hash),
                Account.email_code_expire.set(expires_at),
                Account.email_code_essais.set(0),
            ],
            condition=Account.statut == ACTIVE,
        )

    def count_email_code_try(self, account: Account, most: int) -> int | None:
        """Like the signup code: one more try counted before comparing, None when none is left."""
        return _count_try(
            account, Account.email_code_essais, Account.email_code_hash.exists(), most
        )

    def change_email(self, account: Account, new_email: str, now: datetime) -> None:
        """The new address claimed (unique, as at signup), the old one freed, in one
        transaction; AlreadyTaken if someone claimed the new one meanwhile. The reset links
        sent to the old address are revoked."""
        try:
            with TransactWrite(connection=shared_connection()) as transaction:
                transaction.save(
                    AccountEmail(new_email, nir_hash=account.nir_hash),
                    condition=AccountEmail.email.does_not_exist() | (AccountEmail.expires_at < now),
                )
                transaction.delete(
                    AccountEmail(account.email),
                    condition=AccountEmail.nir_hash == account.nir_hash,
                )
                transaction.update(
                    account,
                    actions=[
                        Account.email.set(new_email),
                        Account.email_nouveau.remove(),
                        Account.email_code_hash.remove(),
                        Account.email_code_expire.remove(),
                        Account.email_code_essais.remove(),
                    ],
                    condition=Account.email_nouveau == new_email,
                )
        except TransactWriteError as error:
            reasons = _refusals(error)
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise AlreadyTaken("email") from None
            if "ConditionalCheckFailed" in reasons:
                raise Conflict() from None
            raise
        self.revoke_resets(account.nir_hash)

    def revoke_resets(self, nir_hash: str) -> None:
        """Every reset link still out for this account, deleted (a password or an address
        changed: the links sent before open nothing)."""
        self._delete_all(
            [PasswordReset(r.token_hash) for r in PasswordReset.of_account.query(nir_hash)]
        )

    def change_password(self, account: Account, password_hash: str, kept: Session) -> None:
        """The new password; every session but `kept` ends (a new epoch, which `kept` follows,
        and the others erased), every reset link too."""
        epoch = int(account.auth_epoch or 0) + 1
        try:
            with TransactWrite(connection=shared_connection()) as transaction:
                transaction.update(
                    account,
                    actions=[
                        Account.password_hash.set(password_hash),
                        Account.auth_epoch.set(epoch),
                    ],
                    condition=Account.auth_epoch == account.auth_epoch,
                )
                transaction.update(kept, actions=[Session.auth_epoch.set(epoch)])
        except TransactWriteError as error:
            reasons = _refusals(error)
            if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
                raise Conflict() from None
            raise
        account.auth_epoch = epoch
        self._delete_all(
            [Session(h) for h in self.session_keys(account.nir_hash) if h != kept.token_hash]
        )
        self.revoke_resets(account.nir_hash)

    def session_keys(self, nir_hash: str) -> list[str]:
        return [s.token_hash for s in Session.of_account.query(nir_hash)]

    def support_requests_of(self, nir_hash: str) -> list[SupportRequest]:
        keys = [r.reference for r in SupportRequest.of_account.query(nir_hash)]
        return list(SupportRequest.batch_get(keys)) if keys else []

    def ledger_of(self, nir_hash: str) -> list[LedgerEntry]:
        return list(LedgerEntry.query(nir_hash))

    def dossiers_of(self, nir_hash: str) -> list[Dossier]:
        return list(Dossier.holder_index.query(nir_hash))

    def erase(
        self,
        account: Account,
        identity_keys: set[str],
        dossiers: list[Dossier],
        identity_hash: str | None,
        now: datetime,
    ) -> None:
        """Everything that names or reaches the person, erased; the ledger (public money) is
        kept under the keyed hash of the NIR alone, with the keyed hash of the identité pivot
        (whoever signs up with the NIR again takes it up only with that certified identity);
        the files it paid keep their amounts and titles without the trainee's name, out of
        the NIR's list until then. The account goes last: a failure half-way leaves it, and
        erasing again finishes the work."""
        nir_hash = account.nir_hash
        LedgerEntry(
            nir_hash,
            f"{ERASED}{now.isoformat()}",
            identite_hash=identity_hash,
            dossiers={d.id for d in dossiers} or None,
            created_at=now,
        ).save()
        self._delete_all([Session(h) for h in self.session_keys(nir_hash)])
        self._delete_all(
            [PasswordReset(r.token_hash) for r in PasswordReset.of_account.query(nir_hash)]
        )
        self._delete_all(
            [SupportRequest(r.reference) for r in SupportRequest.of_account.query(nir_hash)]
        )
        for link_key in filter(None, (account.fc_lien, account.fcplus_lien)):
            FcLink(link_key).delete(condition=FcLink.nir_hash == nir_hash)
        for key in sorted(identity_keys):
            IdentityIndex(key).update(
                actions=[
                    IdentityIndex.accounts.delete({nir_hash}),
                    IdentityIndex.certified.delete({nir_hash}),
                ]
            )
        for dossier in dossiers:
            dossier.update(
                actions=[Dossier.stagiaire.remove(), Dossier.account.set(f"{ERASED}{nir_hash}")]
            )
        with TransactWrite(connection=shared_connection()) as transaction:
            transaction.delete(
                AccountEmail(account.email), condition=AccountEmail.nir_hash == nir_hash
            )
            transaction.delete(account)

    @staticmethod
    def _delete_all(items: list) -> None:
        if not items:
            return
        with type(items[0]).batch_write() as batch:
            for item in items:
                batch.delete(item)


def _count_try(account: Account, counter, guard, most: int) -> int | None:
    """One more try counted on `counter`, while `guard` holds and fewer than `most` were
    counted (a conditional update: tries fired at once are counted one by one). The number of
    tries with this one, or None when none is left."""
    try:
        account.update(
            actions=[counter.add(1)],
            condition=guard & (counter.does_not_exist() | (counter < most)),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return int(getattr(account, counter.attr_name))


def _refusals(error: TransactWriteError) -> list[str | None]:
    """Why each write of a cancelled transaction was refused, in the order DynamoDB gives."""
    return [getattr(r, "code", None) for r in (error.cancellation_reasons or [])]
