"""Training organisations (organismes) and their API keys, in one table keyed by `pk`:

- `organisme#<SIRET>`: its name and the address its notifications go to;
- `cle#<sha256(key)>`: an API key (stored hashed), the SIRET it acts for, revocable.
"""

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model


class _OrganismeItem(Model):
    class Meta:
        table_name = "organismes"
        settings_field = "organismes_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)


class Organisme(_OrganismeItem):
    siret = UnicodeAttribute()
    nom = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class OrganismeKey(_OrganismeItem):
    siret = UnicodeAttribute()
    key_id = UnicodeAttribute()  # shown to operators, to revoke it (not the key)
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
