"""The rights ledger: every credit and debit of an account's DIF élus is an entry.

Entries sort by date (`<date>#<kind>#<ref>`). Items `annee#<year>` mark a year as credited
(the yearly credit is idempotent per account and year). The account's balance
(`Account.dif_solde_centimes`) only ever changes in the same transaction as an entry, so it
cannot disagree with the ledger.
"""

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model


class LedgerEntry(Model):
    class Meta:
        table_name = "rights-ledger"
        settings_field = "rights_ledger_table"
        billing_mode = "PAY_PER_REQUEST"

    account = UnicodeAttribute(hash_key=True)  # the account key (keyed hash of the NIR)
    sk = UnicodeAttribute(range_key=True)
    date = UnicodeAttribute(null=True)
    libelle = UnicodeAttribute(null=True)
    montant_centimes = NumberAttribute(null=True)  # credits positive, debits negative
    source = UnicodeAttribute(null=True)
    dossier = UnicodeAttribute(null=True)  # the enrolment file a debit or refund is about
    created_at = UTCDateTimeAttribute(null=True)
    # `efface#<time>`: an account of this NIR was deleted. Its ledger waits for an account whose
    # certified identity has this keyed hash (identité pivot), with the files it paid.
    identite_hash = UnicodeAttribute(null=True)
    dossiers = UnicodeSetAttribute(null=True)
    repris_le = UTCDateTimeAttribute(null=True)


class CreditRun(Model):
    """The daily job's progress, in the ledger's table (key `tache#credit-dif`, `etat`): the
    last day whose due accounts were all handed to the workers, and within the day under way,
    where the listing stopped."""

    class Meta:
        table_name = "rights-ledger"
        settings_field = "rights_ledger_table"
        billing_mode = "PAY_PER_REQUEST"

    account = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    jour_fait = UnicodeAttribute(null=True)
    jour_en_cours = UnicodeAttribute(null=True)
    reprise = UnicodeAttribute(null=True)  # the index position to go on from (JSON)
    comptes_envoyes = NumberAttribute(default=0)
