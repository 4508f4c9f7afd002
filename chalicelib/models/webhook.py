"""The organismes' webhooks, in one table keyed by (`siret`, `cle`):

- `abonnement`: the organisme's one endpoint (`WebhookSubscription`) and its signing secret,
  encrypted by KMS (the SIRET is its encryption context): the signer needs it back;
- `livraison#<event date>#<event id>`: one event's delivery (`WebhookDelivery`), updated at
  each attempt, kept a month for the organisme's list (newest first: a query on the prefix).
"""

from pynamodb.attributes import (
    BinaryAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

SUBSCRIPTION = "abonnement"
DELIVERY_PREFIX = "livraison#"


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
