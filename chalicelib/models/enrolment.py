"""Enrolment files ("dossiers") and what keeps them consistent, in one table keyed by `id`:

- `DOS-...`: a file (`Dossier`): who, which session, the price, the status and its history;
- `places#<formation>#<session>`: the places a session has given to DIF files
  (`SessionPlaces`), taken and released in the same transaction as the file's status;
- `inscription#<account>#<formation>#<session>`: one open file per person and session
  (`EnrolmentGuard`), deleted when the file ends without the training.

Four sparse indexes serve the lists: the holder's files (newest first), an organisme's files
by status, the files whose deadline runs (for the expiry job: no Scan), and the files at the
funder's (`paiement`: held for an operator, or validated and to be paid, by organisme).
"""

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

RUNNING_DEADLINE = "oui"  # the value of `a_echeance` while a deadline runs


class HolderIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "titulaire-index"
        projection = AllProjection()

    account = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class OrganismeIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "organisme-index"
        projection = AllProjection()

    organisme = UnicodeAttribute(hash_key=True)
    statut_tri = UnicodeAttribute(range_key=True)


class DeadlineIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "echeance-index"
        projection = AllProjection()

    a_echeance = UnicodeAttribute(hash_key=True)
    echeance = UTCDateTimeAttribute(range_key=True)


class PaymentIndex(GlobalSecondaryIndex):
    """`paiement`: "attente" while an operator must decide on the service done, "a_payer" once
    validated (the payment batches read it by organisme: `paiement_tri` starts with the
    SIRET), "en_lot" once in a batch; absent once paid."""

    class Meta:
        index_name = "paiement-index"
        projection = AllProjection()

    paiement = UnicodeAttribute(hash_key=True)
    paiement_tri = UnicodeAttribute(range_key=True)  # "<siret>#<since>"


class StatusChange(MapAttribute):
    date = UTCDateTimeAttribute()
    statut = UnicodeAttribute()
    par = UnicodeAttribute()  # titulaire, organisme, systeme
    motif = UnicodeAttribute(null=True)


class Trainee(MapAttribute):
    """Who the organisme trains: the name it needs, nothing more."""

    nom = UnicodeAttribute()
    prenoms = UnicodeAttribute()


class Exit(MapAttribute):
    """The organisme's declaration of the end of the training."""

    date_sortie = UnicodeAttribute()
    taux_centiemes = NumberAttribute()  # the completion rate in hundredths of a percent
    motif_partiel = UnicodeAttribute(null=True)  # abandon, force_majeure, absence
    heures_centiemes = NumberAttribute(null=True)  # hours delivered, in hundredths
    declaree_le = UTCDateTimeAttribute()
    tardive = BooleanAttribute(default=False)  # after the 3rd working day following the exit


class Invoice(MapAttribute):
    numero = UnicodeAttribute()
    date = UnicodeAttribute()
    montant_ht_centimes = NumberAttribute()
    montant_ttc_centimes = NumberAttribute()
    deposee_le = UTCDateTimeAttribute()


class ServiceCheck(MapAttribute):
    """The funder's decision on the service done: validated (by whom, when), held (why), or
    rejected (why)."""

    issue = UnicodeAttribute()  # validee, attente, rejetee
    par = UnicodeAttribute(null=True)  # "systeme", or the operator's name
    le = UTCDateTimeAttribute()
    raisons = ListAttribute(of=UnicodeAttribute, null=True)


class _EnrolmentItem(Model):
    class Meta:
        table_name = "dossiers"
        settings_field = "dossiers_table"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)


class Dossier(_EnrolmentItem):
    account = UnicodeAttribute()  # the holder's account key (keyed hash of the NIR)
    formation_id = UnicodeAttribute()
    session_id = UnicodeAttribute()
    catalogue = UnicodeAttribute()
    titre = UnicodeAttribute()
    organisme = UnicodeAttribute()  # SIRET
    organisme_nom = UnicodeAttribute()
    date_debut = UnicodeAttribute()
    date_fin = UnicodeAttribute()
    montant_centimes = NumberAttribute()
    statut = UnicodeAttribute()
    statut_tri = UnicodeAttribute()  # "<statut>#<created_at>": an organisme's lists by status
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    echeance = UTCDateTimeAttribute(null=True)
    a_echeance = UnicodeAttribute(null=True)  # set only while a deadline runs (sparse index)
    historique = ListAttribute(of=StatusChange)
    debite = BooleanAttribute(default=False)
    rembourse = BooleanAttribute(default=False)
    # asked for by a declared (uncertified) identity: holds its one-request guard until it ends
    garde_declaree = BooleanAttribute(default=False)
    motif = UnicodeAttribute(null=True)
    demande = UnicodeAttribute()  # hash of what was asked, for a replayed Idempotency-Key
    stagiaire = Trainee(null=True)  # erased with the account, once the file has ended
    duree_centiemes = NumberAttribute(null=True)  # the training's hours, in hundredths
    # the end of the training and its payment
    sortie = Exit(null=True)
    facture = Invoice(null=True)
    montant_du_centimes = NumberAttribute(null=True)  # what the funder pays the organisme
    controle = ServiceCheck(null=True)
    valide_le = UTCDateTimeAttribute(null=True)  # the service done validated
    rendu_centimes = NumberAttribute(null=True)  # the unrealised part credited back
    non_rendu_centimes = NumberAttribute(null=True)  # what the ceiling kept from coming back
    paiement = UnicodeAttribute(null=True)  # attente, a_payer, en_lot (payment-index)
    paiement_tri = UnicodeAttribute(null=True)
    lot = UnicodeAttribute(null=True)  # the payment batch it is in

    holder_index = HolderIndex()
    organisme_index = OrganismeIndex()
    deadline_index = DeadlineIndex()
    payment_index = PaymentIndex()


class SessionPlaces(_EnrolmentItem):
    inscrits = NumberAttribute(default=0)


class EnrolmentGuard(_EnrolmentItem):
    dossier = UnicodeAttribute()
