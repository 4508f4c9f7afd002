"""Sessions and password-reset tokens, keyed by the SHA-256 of the token: the token itself is
never stored."""

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model


class SessionsOfAccount(GlobalSecondaryIndex):
    """An account's sessions, to end them (password change, deletion)."""

    class Meta:
        index_name = "compte-index"
        projection = KeysOnlyProjection()

    nir_hash = UnicodeAttribute(hash_key=True)


class ResetsOfAccount(GlobalSecondaryIndex):
    """An account's password-reset links, to erase them with the account."""

    class Meta:
        index_name = "compte-index"
        projection = KeysOnlyProjection()

    nir_hash = UnicodeAttribute(hash_key=True)


class Session(Model):
    class Meta:
        table_name = "sessions"
        settings_field = "sessions_table"
        billing_mode = "PAY_PER_REQUEST"

    token_hash = UnicodeAttribute(hash_key=True)
    nir_hash = UnicodeAttribute()
    of_account = SessionsOfAccount()
    auth_epoch = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    # Sessions opened through FranceConnect keep its ID token: its logout endpoint wants it
    # back. It is a signed statement of identity, not a credential: it opens nothing here.
    fc_id_token = UnicodeAttribute(null=True)
    # The level of the FranceConnect login (eidas1; eidas2 for FranceConnect+): spending
    # rights needs eidas2 in the session.
    fc_acr = UnicodeAttribute(null=True)


class PasswordReset(Model):
    class Meta:
        table_name = "password-resets"
        settings_field = "password_resets_table"
        billing_mode = "PAY_PER_REQUEST"

    token_hash = UnicodeAttribute(hash_key=True)
    nir_hash = UnicodeAttribute()
    of_account = ResetsOfAccount()
    expires_at = TTLAttribute()
    used_at = UTCDateTimeAttribute(null=True)
    # the account's epoch and address when the link was sent: a password or an email changed
    # since ends it (even if the revocation, by the account's index, missed it)
    auth_epoch = NumberAttribute(null=True)
    email = UnicodeAttribute(null=True)
