"""Formations of the three catalogues, with their sessions (the places DIF files take in each
session are counted apart, in the enrolment table: a new catalogue file never resets them).

The search index holds a formation while it has its order (`tri`): a withdrawn formation loses
it, and leaves the search at once, without a second item to keep in step. An organisme's own
formations are listed through the index of its SIRET."""

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class CatalogueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "catalogue-index"
        projection = AllProjection()

    catalogue = UnicodeAttribute(hash_key=True)
    tri = UnicodeAttribute(range_key=True)


class OrganismeIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "organisme-index"
        projection = AllProjection()

    siret = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)


class Organisme(MapAttribute):
    nom = UnicodeAttribute()
    siret = UnicodeAttribute()
    agrement_numero = UnicodeAttribute(null=True)  # ministry approval, for mandate formations
    agrement_debut = UnicodeAttribute(null=True)
    agrement_fin = UnicodeAttribute(null=True)


class TrainingSession(MapAttribute):
    """One session of a formation: its dates (ISO), the seats the organisme offers, where."""

    id = UnicodeAttribute()
    date_debut = UnicodeAttribute()
    date_fin = UnicodeAttribute()
    capacite = NumberAttribute()
    modalite = UnicodeAttribute()
    lieu = UnicodeAttribute(null=True)  # the commune, or null at a distance
    fermee = BooleanAttribute(null=True)  # closed to new requests by its organisme


class Formation(Model):
    class Meta:
        table_name = "formations"
        settings_field = "formations_table"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    catalogue = UnicodeAttribute()  # mandat, reconversion, activite-professionnelle
    catalogue_index = CatalogueIndex()
    # the order of results: normalised title, then id; none once withdrawn (out of the index)
    tri = UnicodeAttribute(null=True)
    mots = UnicodeAttribute()  # " WORD WORD ... ": normalised words, for the keyword search
    organisme = Organisme()
    titre = UnicodeAttribute()
    objectifs = UnicodeAttribute()
    duree_heures = NumberAttribute()
    prix_centimes = NumberAttribute()  # hors taxes
    modalite = UnicodeAttribute()  # presentiel, a_distance, mixte
    commune = UnicodeAttribute(null=True)
    departement = UnicodeAttribute(null=True)
    sessions = ListAttribute(of=TrainingSession, null=True)  # by start date
    siret = UnicodeAttribute(null=True)  # the organisme's, for its own list (organisme-index)
    organisme_index = OrganismeIndex()
    retiree_le = UnicodeAttribute(null=True)  # withdrawn from the search by its organisme
    version = NumberAttribute(null=True)  # each change by the organisme's API: the last read
