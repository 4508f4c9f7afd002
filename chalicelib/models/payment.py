"""What the funder pays the organismes, in one table keyed by `pk`:

- `banque#<SIRET>`: the organisme's bank details, registered by an operator; the IBAN is kept
  encrypted by KMS (the SIRET is its encryption context), only its mask is readable;
- `lot#<reference>`: a payment batch (`PaymentLot`): one organisme, one day, its lines (one
  per validated service done), its total and the account it was made for. Immutable once made
  but for its status: paid or rejected as a whole.

Two sparse indexes: an organisme's batches, newest first (its API's list), and the batches an
operator or the job still has to act on (`suivi`: held, or at the bank).
"""

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _PaymentItem(Model):
    class Meta:
        table_name = "paiements"
        settings_field = "payments_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)


class OrganismeLotsIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "organisme-lots-index"
        projection = AllProjection()

    siret = UnicodeAttribute(hash_key=True)
    tri = UnicodeAttribute(range_key=True)  # "<day>#<reference>": newest first, reversed


class FollowUpIndex(GlobalSecondaryIndex):
    """`suivi`: "attente_iban" (held for an operator), "emis" (at the bank, not yet paid);
    absent once paid or rejected."""

    class Meta:
        index_name = "suivi-index"
        projection = AllProjection()

    suivi = UnicodeAttribute(hash_key=True)
    cree_le = UTCDateTimeAttribute(range_key=True)


class BankDetails(_PaymentItem):
    siret = UnicodeAttribute()
    iban_chiffre = BinaryAttribute(legacy_encoding=False)  # KMS ciphertext of the compact IBAN
    iban_masque = UnicodeAttribute()  # "FR76 **** **** 0189"
    bic = UnicodeAttribute()
    version = NumberAttribute()  # +1 at each registration: a batch is made for one version
    enregistre_le = UTCDateTimeAttribute()
    enregistre_par = UnicodeAttribute()
    # the IBAN changed: the organisme's next batch waits for an operator (the classic fraud)
    a_verifier = BooleanAttribute(default=False)
    precedent_masque = UnicodeAttribute(null=True)


class LotLine(MapAttribute):
    dossier = UnicodeAttribute()
    titre = UnicodeAttribute()
    facture = UnicodeAttribute()  # the invoice's number
    montant_centimes = NumberAttribute()
    bout_en_bout = UnicodeAttribute()  # the transfer's end-to-end id, back in the bank's notice
    service_declare_le = UTCDateTimeAttribute()  # the funder's 30 days run from it


class PaymentLot(_PaymentItem):
    reference = UnicodeAttribute()
    siret = UnicodeAttribute()
    organisme_nom = UnicodeAttribute()
    jour = UnicodeAttribute()  # the execution day asked of the bank
    tri = UnicodeAttribute()
    statut = UnicodeAttribute()  # attente_iban, emis, paye, rejete
    suivi = UnicodeAttribute(null=True)
    lignes = ListAttribute(of=LotLine)
    total_centimes = NumberAttribute()
    iban_chiffre = BinaryAttribute(legacy_encoding=False)  # the account it pays, as made
    iban_masque = UnicodeAttribute()
    bic = UnicodeAttribute()
    cree_le = UTCDateTimeAttribute()
    fichier = UnicodeAttribute(null=True)  # the SEPA file's key in the payments bucket
    paye_le = UTCDateTimeAttribute(null=True)
    rejete_le = UTCDateTimeAttribute(null=True)
    motif = UnicodeAttribute(null=True)  # why held or rejected
    par = UnicodeAttribute(null=True)  # the operator who released, paid or rejected it
    payes = UnicodeSetAttribute(null=True)  # end-to-end ids the bank reported paid, so far

    organisme_index = OrganismeLotsIndex()
    follow_up_index = FollowUpIndex()
