"""Accounts, keyed by the keyed hash of the 13-character NIR: login is one GetItem."""

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from .franceconnect import FC_PLUS_LINK, FcIdentityAttribute

PENDING = "en_attente_verification"
ACTIVE = "active"


class Address(MapAttribute):
    ligne1 = UnicodeAttribute()
    code_postal = UnicodeAttribute()
    commune = UnicodeAttribute()
    pays = UnicodeAttribute()


class CreditDueIndex(GlobalSecondaryIndex):
    """The élus whose rights change on a day (a credit, or their end): the daily job's only
    read. Sparse: accounts without `dif_prochain` are not in it."""

    class Meta:
        index_name = "prochain-credit-index"
        projection = KeysOnlyProjection()

    dif_prochain = UnicodeAttribute(hash_key=True)


class Account(Model):
    class Meta:
        table_name = "accounts"
        settings_field = "accounts_table"
        billing_mode = "PAY_PER_REQUEST"

    nir_hash = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute()
    statut = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    # Unverified accounts expire, freeing the NIR and the email for a new signup.
    expires_at = TTLAttribute(null=True)

    nom_naissance = UnicodeAttribute()
    nom_usage = UnicodeAttribute(null=True)
    prenoms = UnicodeAttribute()
    sexe = UnicodeAttribute()
    date_naissance = UnicodeAttribute()
    lieu_naissance = UnicodeAttribute()
    email = UnicodeAttribute()
    telephone = UnicodeAttribute()
    adresse = Address()
    diplome = UnicodeAttribute(null=True)  # confidential: only ever shown to its owner

    password_hash = UnicodeAttribute()
    # Bumped when every session must end (password reset): sessions carry the epoch they saw.
    auth_epoch = NumberAttribute(default=0)

    verification_code_hash = UnicodeAttribute(null=True)
    verification_expires_at = UTCDateTimeAttribute(null=True)
    verification_attempts = NumberAttribute(default=0)
    verification_sent_at = UTCDateTimeAttribute(null=True)

    failed_logins = NumberAttribute(default=0)
    failures_since = UTCDateTimeAttribute(null=True)
    locked_until = UTCDateTimeAttribute(null=True)
    reset_requested_at = UTCDateTimeAttribute(null=True)

    # A change of email under way: the new address, waiting for the code sent there.
    email_nouveau = UnicodeAttribute(null=True)
    email_code_hash = UnicodeAttribute(null=True)
    email_code_expire = UTCDateTimeAttribute(null=True)
    email_code_essais = NumberAttribute(null=True)

    # Recognition as an elected official (RNE): references "<person key>|<mandate key>" of the
    # mandates matched to this account, and when the RNE was last searched for it.
    elu = BooleanAttribute(default=False)
    rne_mandats = UnicodeSetAttribute(null=True)
    rne_checked_at = UTCDateTimeAttribute(null=True)

    # Rights. The DIF balance changes only with a ledger entry, in the same transaction.
    dif_solde_centimes = NumberAttribute(default=0)
    dif_annees = NumberSetAttribute(null=True)  # the years credited (one credit a year)
    dif_debut = UnicodeAttribute(null=True)  # start of the earliest current mandate (ISO)
    dif_ancre = UnicodeAttribute(null=True)  # its credit anchor (rights/calendar.py)
    dif_fin = UnicodeAttribute(null=True)  # once no mandate is current: when the last ended
    dif_prochain = UnicodeAttribute(null=True)  # next change: a credit, or the end of rights
    # A new account of a NIR whose account was deleted: the ledger's balance is withheld (not
    # in dif_solde_centimes) until a certified identity proves it is the same person; the
    # ledger entries written before `dif_retenu_depuis` are not shown meanwhile.
    dif_retenu_centimes = NumberAttribute(null=True)
    dif_retenu_depuis = UTCDateTimeAttribute(null=True)
    credit_due = CreditDueIndex()
    # CPF rights come from Mon Compte Formation: euros (private sector) or hours (public agents).
    cpf_euros_centimes = NumberAttribute(null=True)
    cpf_heures = NumberAttribute(null=True)

    # FranceConnect: the certified identity of the linked FranceConnect account, searched in
    # the RNE beside the identity typed at signup.
    franceconnect = FcIdentityAttribute(null=True)
    fc_lien = UnicodeAttribute(null=True)  # the key of its link item (to erase it with the account)
    fcplus_lien = UnicodeAttribute(null=True)  # the same on FranceConnect+ (another subject)

    @staticmethod
    def link_field(link_key: str) -> str:
        """Where the key of a link is kept: one link per platform (FranceConnect+'s keys start
        with its own prefix)."""
        return "fcplus_lien" if link_key.startswith(FC_PLUS_LINK) else "fc_lien"

    def link_attribute(self, link_key: str):
        return getattr(Account, self.link_field(link_key))

    def keep_link(self, link_key: str) -> None:
        setattr(self, self.link_field(link_key), link_key)

    def holds_link(self, link_key: str) -> bool:
        return link_key in (self.fc_lien, self.fcplus_lien)

    @property
    def nom(self) -> str:
        return self.nom_usage or self.nom_naissance


class AccountEmail(Model):
    """Claims an email address for one account (unique emails, lookup for verification)."""

    class Meta:
        table_name = "account-emails"
        settings_field = "account_emails_table"
        billing_mode = "PAY_PER_REQUEST"

    email = UnicodeAttribute(hash_key=True)
    nir_hash = UnicodeAttribute()
    expires_at = TTLAttribute(null=True)
