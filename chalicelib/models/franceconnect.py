"""FranceConnect state, in one table keyed by `pk` with a prefix per kind of item:

- `etat#<sha256(state)>`: a login started here and not yet back (nonce, PKCE verifier), 10 min;
- `attente#<sha256(handle)>`: an identity FranceConnect certified that no account holds yet,
  kept 30 min for the person to sign up with it or to log in once to link it;
- `sub#<sha256(sub)>`: the account a FranceConnect identity is linked to (later logins);
  `plus#<sha256(sub)>` the same for FranceConnect+ (another subject for the same person).
"""

from pynamodb.attributes import (
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

FC_LINK, FC_PLUS_LINK = "sub#", "plus#"  # the prefixes of link keys, per platform


class FcIdentityAttribute(MapAttribute):
    """The identité pivot as the account keeps it (for recognition as an élu)."""

    nom_naissance = UnicodeAttribute()
    nom_usage = UnicodeAttribute(null=True)
    prenoms = UnicodeAttribute()
    sexe = UnicodeAttribute()
    date_naissance = UnicodeAttribute()
    lieu_naissance = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)


class _FranceConnectItem(Model):
    class Meta:
        table_name = "franceconnect"
        settings_field = "franceconnect_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    expires_at = TTLAttribute(null=True)


class FcLoginState(_FranceConnectItem):
    nonce = UnicodeAttribute()
    code_verifier = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    acr = UnicodeAttribute(null=True)  # the level asked for (eidas1 when absent)
    retour = UnicodeAttribute(null=True)  # the page of this site to come back to
    # the session open in this browser when the login started (sha256 of its token): coming
    # back to the same session links the identity to its account, if it is the account's
    session_hash = UnicodeAttribute(null=True)


class FcPendingIdentity(_FranceConnectItem):
    sub_hash = UnicodeAttribute()
    identite = FcIdentityAttribute()
    id_token = UnicodeAttribute()  # FranceConnect's logout needs it back (id_token_hint)
    acr = UnicodeAttribute(null=True)  # the level FranceConnect certified it at
    retour = UnicodeAttribute(null=True)  # the page the login was started from
    created_at = UTCDateTimeAttribute(null=True)  # a password login links it only soon after


class FcLink(_FranceConnectItem):
    nir_hash = UnicodeAttribute()
    linked_at = UTCDateTimeAttribute()
