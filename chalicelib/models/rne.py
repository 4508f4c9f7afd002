"""What the RNE ingestion stores.

- `RneMandate`: one mandate of the Répertoire national des élus, keyed by the person's identity
  key (birth date, sex, normalised name and first name) and the mandate (type, territory,
  start). Which mandates a snapshot lists is kept in S3 (see rne/ingestion/), not indexed here:
  closing what a new snapshot lacks then needs no query.
- `IdentityIndex`: which accounts answer to an identity key (one item per key, a set of
  account keys), so that a chunk of RNE rows finds its accounts with one BatchGetItem.
- `TakenBack`: mandates a typed identity held until a certified identity claimed the person.
- `RneFile` / `RneScope`: the state of each ingested file (phase, checkpoint, counters, lease)
  and, per mandate type and département, the snapshot (time and file) currently applied.
"""

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model


class RneMandate(Model):
    class Meta:
        table_name = "rne-mandates"
        settings_field = "rne_mandates_table"
        billing_mode = "PAY_PER_REQUEST"

    person_key = UnicodeAttribute(hash_key=True)
    mandate_key = UnicodeAttribute(range_key=True)
    scope = UnicodeAttribute()  # "<type>#<département or FR>"

    type = UnicodeAttribute()
    territoire = UnicodeAttribute()
    collectivite = UnicodeAttribute()
    departement = UnicodeAttribute(null=True)
    fonction = UnicodeAttribute(null=True)
    date_debut = UnicodeAttribute()
    date_debut_fonction = UnicodeAttribute(null=True)
    nom = UnicodeAttribute()
    prenom = UnicodeAttribute()
    fichier = UnicodeAttribute()  # the file that last wrote this mandate (new, changed, closed)
    vu_le = UnicodeAttribute()  # that file's snapshot date
    fin = UnicodeAttribute(null=True)  # set when a newer snapshot of the scope lacks it
    # A copy filed under one part of a hyphenated name ("MARTIN" for "MARTIN-LEFÈVRE"), so an
    # account that knows only that part finds the mandate: the original's person key and
    # mandate key. Copies are written and closed with their original.
    alias_of = UnicodeAttribute(null=True)

    @property
    def ref(self) -> str:
        """The original mandate's reference, "<person key>|<mandate key>"."""
        return self.alias_of or f"{self.person_key}|{self.mandate_key}"


class IdentityIndex(Model):
    class Meta:
        table_name = "identity-index"
        settings_field = "identity_index_table"
        billing_mode = "PAY_PER_REQUEST"

    person_key = UnicodeAttribute(hash_key=True)
    accounts = UnicodeSetAttribute(null=True)
    # The accounts among them that answer to the key through a certified identity
    # (FranceConnect: the civil registry), which a typed identity can never take over.
    certified = UnicodeSetAttribute(null=True)


class Counters(MapAttribute):
    lignes_lues = NumberAttribute(default=0)
    acceptees = NumberAttribute(default=0)
    rejetees = NumberAttribute(default=0)
    elus_reconnus = NumberAttribute(default=0)
    correspondances_ambigues = NumberAttribute(default=0)
    mandats_fermes = NumberAttribute(default=0)
    nouveaux = NumberAttribute(default=0)  # mandates the current snapshots did not list
    modifies = NumberAttribute(default=0)  # listed, with other values (function, name...)
    inchanges = NumberAttribute(default=0)  # listed as they are: not written again


class RneFile(Model):
    class Meta:
        table_name = "rne-ingestions"
        settings_field = "rne_ingestions_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)  # "fichier#<id>", "contenu#...", "etat#..."
    bucket = UnicodeAttribute(null=True)
    key = UnicodeAttribute(null=True)
    version = UnicodeAttribute(null=True)
    etag = UnicodeAttribute(null=True)
    statut = UnicodeAttribute(null=True)  # en_cours, en_attente, termine, rejete, ignore, ecarte
    # en_cours: "lecture" (rows read, compared, listed in S3), "ecriture" (changes written,
    # accounts linked), "fermeture" (absent mandates closed, scopes recorded)
    phase = UnicodeAttribute(null=True)
    applique = UnicodeAttribute(null=True)  # the last change object written (ecriture)
    ferme = UnicodeAttribute(null=True)  # the last closing object written (fermeture)
    # why it waits for an operator. PynamoDB types the elements as the attribute class that
    # reads them, not as the strings they are (pynamodb/PynamoDB#1246).
    attente: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    # per scope: current, to close, new, new but older
    bilan: ListAttribute[dict[str, Any]] = ListAttribute(null=True)
    confirme_par = UnicodeAttribute(null=True)  # the operator who applied a held snapshot
    motif = UnicodeAttribute(null=True)
    instantane = UnicodeAttribute(null=True)  # ISO timestamp of the snapshot
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    offset = NumberAttribute(default=0)
    next_line = NumberAttribute(default=1)
    # encoding, delimiter, header line, column mapping
    format: MapAttribute[str, Any] = MapAttribute(null=True)
    mandate_type = UnicodeAttribute(null=True)
    portee = UnicodeSetAttribute(null=True)  # départements, or {"*"} for the whole country
    departements_vus = UnicodeSetAttribute(null=True)
    compteurs = Counters(null=True)
    started_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    rapport = UnicodeAttribute(null=True)
    original = UnicodeAttribute(null=True)  # for "contenu#" items: the file first processed


class RneScope(Model):
    """The snapshot applied to one scope (mandate type and département, "FR" for national
    types): one item per scope, so that two départements finishing at once each keep theirs,
    and a snapshot replaces only an older one (conditional write)."""

    class Meta:
        table_name = "rne-ingestions"
        settings_field = "rne_ingestions_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)  # "portee#<type>#<dépt>", or "etat#derniere-ingestion"
    instantane = UnicodeAttribute(null=True)
    fichier = UnicodeAttribute(null=True)
    termine_le = UTCDateTimeAttribute(null=True)


class TakenBack(Model):
    """A mandate an account held through a typed identity only, taken back when a certified
    identity claimed the same person: listed for operators (`python -m infra.rne reprises`)."""

    class Meta:
        table_name = "rne-ingestions"
        settings_field = "rne_ingestions_table"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)  # "reprise#<ISO time>#<account id>"
    compte = UnicodeAttribute()  # the id (not the key) of the account that lost the mandates
    par = UnicodeAttribute()  # the id of the account whose certified identity took them
    mandats = UnicodeSetAttribute()
    repris_centimes = NumberAttribute(default=0)  # the DIF credits reversed
    created_at = UTCDateTimeAttribute()
