"""Help requests ("Mon compte élu ne s'affiche pas"), the counters that rate-limit them, and the
table Powertools' idempotency utility keeps its records in."""

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

RECEIVED, AUTO_RESOLVED = "recue", "resolue_automatiquement"
FORWARDED, FAILED = "transmise", "echec"


class RequestsOfAccount(GlobalSecondaryIndex):
    """The help requests sent with a session, by account (export, deletion). Sparse."""

    class Meta:
        index_name = "compte-index"
        projection = KeysOnlyProjection()

    account = UnicodeAttribute(hash_key=True)


class SupportRequest(Model):
    class Meta:
        table_name = "support-requests"
        settings_field = "support_requests_table"
        billing_mode = "PAY_PER_REQUEST"

    reference = UnicodeAttribute(hash_key=True)
    statut = UnicodeAttribute()
    situation = UnicodeAttribute()
    identite: MapAttribute[str, Any] = MapAttribute()  # nom_naissance, nom_usage, prenoms, ...
    email = UnicodeAttribute()
    account = UnicodeAttribute(null=True)  # the account key, when sent with a session
    of_account = RequestsOfAccount()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)
    verification = UnicodeAttribute(null=True)  # what the automatic check found (French)
    mailbox_sent = BooleanAttribute(default=False)  # the Caisse des Dépôts email went out
    person_notified = BooleanAttribute(default=False)  # the requester's email went out
    expires_at = TTLAttribute(null=True)
    # Documents: a key is reserved when its upload form is issued (5 at most, counted here,
    # not in the bucket), received at its first upload (a later version of it is ignored),
    # and told to the mailbox in one summary a while after the last upload (debounced).
    pieces_reservees = UnicodeSetAttribute(null=True)
    pieces_recues = UnicodeSetAttribute(null=True)
    pieces_signalees = UnicodeSetAttribute(null=True)
    resume_prevu = UTCDateTimeAttribute(null=True)


class RateLimit(Model):
    """A counter per key and time window; expires with its window."""

    class Meta:
        table_name = "rate-limits"
        settings_field = "rate_limits_table"
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class IdempotencyRecord(Model):
    """Declared so that the table exists everywhere with the layout Powertools expects; only
    the idempotency utility reads and writes it."""

    class Meta:
        table_name = "idempotency"
        settings_field = "idempotency_table"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)
