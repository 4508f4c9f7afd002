"""The organismes' webhooks, in one table keyed by (`siret`, `cle`):

- `abonnement`: the organisme's one endpoint (`WebhookSubscription`) and its signing secret,
  encrypted by KMS (the SIRET is its encryption context): the signer needs it back;
- `livraison#<event date>#<event id>`: one event's delivery (`WebhookDelivery`), updated at
  each attempt, kept a month for the organisme's list (newest first: a query on the prefix);
- `a_envoyer#<event id>`: the outbox (`WebhookOutbox`), events written in the same transaction
  as the change they tell of, until the delivery function has them; a sparse index of those
  still waiting lets a job queue again the ones the queue never had.
"""

from pynamodb.attributes import (
    BinaryAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

SUBSCRIPTION = "abonnement"
DELIVERY_PREFIX = "livraison#"
OUTBOX_PREFIX = "a_envoyer#"
WAITING = "oui"  # the value of `a_envoyer` (the outbox's index) while events wait


class _WebhookItem(Model):
    class Meta:
        table_name = "webhooks"
        settings_field = "webhooks_table"
        billing_mode = "PAY_PER_REQUEST"

    siret = UnicodeAttribute(hash_key=True)
    cle = UnicodeAttribute(range_key=True)


class WebhookSubscription(_WebhookItem):
    url = UnicodeAttribute()
    secret_chiffre = BinaryAttribute(legacy_encoding=False)  # KMS ciphertext of the secret
    enregistre_le = UTCDateTimeAttribute()


class WebhookDelivery(_WebhookItem):
    evenement = UnicodeAttribute()  # the event's id (the receiver deduplicates on it)
    type = UnicodeAttribute()
    date = UTCDateTimeAttribute()  # the event's
    statut = UnicodeAttribute()  # en_cours, livree, abandonnee
    tentatives = NumberAttribute(default=0)
    code_http = NumberAttribute(null=True)  # the last answer's status; none: no answer
    derniere_tentative = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class OutboxIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "a-envoyer-index"
        projection = AllProjection()

    a_envoyer = UnicodeAttribute(hash_key=True)
    depuis = UTCDateTimeAttribute(range_key=True)


class WebhookOutbox(_WebhookItem):
    """Events of one change (one file's, or a paid batch's files), all for this organisme."""

    evenements: MapAttribute = MapAttribute()  # event id -> the event, as JSON
    a_envoyer = UnicodeAttribute(default=WAITING)
    depuis = UTCDateTimeAttribute()
    expires_at = TTLAttribute()  # a safety net: the delivery function removes it
    outbox_index = OutboxIndex()
