"""The three catalogues: storage, French keyword search, filters and pagination.

A search page is one to five queries on the catalogue index (partition: the catalogue, order:
the normalised title), whatever the catalogue's size: DynamoDB filters on the normalised words
(each word of the query must begin a word of the title, objectives or organisation, whatever
the case and accents) and on département, modality and price. A page holds up to 20 formations;
when five queries found fewer, the page is shorter and the cursor goes on from where they
stopped, so pages never repeat nor skip a formation.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from ..models import Formation
from ..names import normalise
from ..problems import FieldError, Problem, invalid
from ..rights.rules import euros
from .importer import CATALOGUES, MODALITES

PAGE_SIZE = 20
MAX_QUERIES = 5
_STOPWORDS = {"LE", "LA", "LES", "L", "DE", "DES", "DU", "D", "ET", "EN", "A", "AU", "AUX", "UN",
              "UNE", "POUR", "SUR", "DANS", "PAR", "SON", "SA", "SES"}
_CURSOR_KEYS = {"id", "catalogue", "tri"}


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[^A-Z0-9]+", normalise(text)) if w]


class Catalogue:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._now = clock

    # --- storage ----------------------------------------------------------------------------
    def save(self, formations: list[dict]) -> None:
        with Formation.batch_write() as batch:
            for data in formations:
                fields = {k: v for k, v in data.items() if k != "id"}
                vocabulary = sorted(set(words(
                    f"{data['titre']} {data['objectifs']} {data['organisme']['nom']}")))
                # " #" sorts before any letter: a title comes before its longer variants.
                batch.save(Formation(data["id"], tri=f"{normalise(data['titre'])[:100]} #"
                                                     f"{data['id']}",
                                     mots=" " + " ".join(vocabulary) + " ", **fields))

    def get(self, formation_id: str) -> Formation | None:
        try:
            return Formation.get(formation_id)
        except Formation.DoesNotExist:
            return None

    # --- search -----------------------------------------------------------------------------
    def search(self, params: dict[str, str]) -> dict:
        catalogue, query, departement, modalite, prix_max, start = _parse(params)
        condition = None
        for term in dict.fromkeys(w for w in words(query) if w not in _STOPWORDS):
            condition &= Formation.mots.contains(f" {term}")
        if departement:
            condition &= (Formation.departement == departement) | (
                Formation.modalite == "a_distance")
        if modalite:
            condition &= Formation.modalite == modalite
        if prix_max is not None:
            condition &= Formation.prix_centimes <= prix_max
        results = Formation.catalogue_index.query(
            catalogue, filter_condition=condition, last_evaluated_key=start,
            page_size=None if condition is not None else PAGE_SIZE + 1)
        found: list[Formation] = []
        cursor = None
        for _ in range(MAX_QUERIES):
            try:
                page = next(results.page_iter)
            except StopIteration:
                break
            items = [Formation.from_raw_data(raw) for raw in page.get("Items", [])]
            room = PAGE_SIZE - len(found)
            found += items[:room]
            if len(items) > room:  # more matches than fit: go on after the last one shown
                cursor = _key_of(found[-1])
                break
            cursor = page.get("LastEvaluatedKey")
            if cursor is None or len(found) == PAGE_SIZE:
                break
        today = self._now().date().isoformat()
        return {"formations": [summary(f, today) for f in found],
                "cursor": _encode(cursor) if cursor else None}


def _key_of(formation: Formation) -> dict:
    return {"id": {"S": formation.id}, "catalogue": {"S": formation.catalogue},
            "tri": {"S": formation.tri}}


def summary(formation: Formation, today: str) -> dict:
    upcoming = [s for s in formation.sessions or [] if s >= today]
    return {
        "id": formation.id,
        "catalogue": formation.catalogue,
        "titre": formation.titre,
        "organisme": formation.organisme.nom,
        "prix": euros(int(formation.prix_centimes)),
        "duree_heures": float(formation.duree_heures),
        "modalite": formation.modalite,
        "lieu": {"commune": formation.commune, "departement": formation.departement},
        "prochaine_session": upcoming[0] if upcoming else None,
    }


def detail(formation: Formation, today: str) -> dict:
    organisme = formation.organisme
    agrement = ({"numero": organisme.agrement_numero, "debut": organisme.agrement_debut,
                 "fin": organisme.agrement_fin} if organisme.agrement_numero else None)
    return {**summary(formation, today), "objectifs": formation.objectifs,
            "organisme": {"nom": organisme.nom, "siret": organisme.siret,
                          "agrement": agrement},
            "sessions": list(formation.sessions or [])}


def _parse(params: dict[str, str]) -> tuple:
    errors = []
    catalogue = params.get("catalogue", "")
    if catalogue not in CATALOGUES:
        errors.append(FieldError("catalogue", "Catalogue : choisissez " + ", ".join(CATALOGUES)
                                 + "."))
    query = params.get("q", "")
    if len(query) > 200:
        errors.append(FieldError("q", "Recherche : 200 caractères au maximum."))
    departement = params.get("departement", "").strip().upper() or None
    if departement and not re.fullmatch(r"\d{1,3}|2[AB]", departement):
        errors.append(FieldError("departement", "Département : un code comme 35, 2A ou 974."))
    if departement and len(departement) == 1:
        departement = departement.zfill(2)
    modalite = params.get("modalite") or None
    if modalite and modalite not in MODALITES:
        errors.append(FieldError("modalite", "Modalité : " + ", ".join(MODALITES) + "."))
    prix_max = None
    if params.get("prix_max"):
        try:
            prix_max = int(Decimal(params["prix_max"].replace(",", ".")) * 100)
        except ArithmeticError:
            errors.append(FieldError("prix_max", "Prix maximum : un montant en euros."))
    start = None
    if params.get("cursor"):
        try:
            start = json.loads(base64.urlsafe_b64decode(params["cursor"].encode()))
            if not isinstance(start, dict) or set(start) != _CURSOR_KEYS or start[
                    "catalogue"] != {"S": catalogue}:
                raise ValueError
        except ValueError:
            errors.append(FieldError("cursor", "Curseur invalide : reprenez la recherche."))
    if errors:
        raise invalid(errors)
    return catalogue, query, departement, modalite, prix_max, start


def _encode(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def elus_only_problem(logged_in: bool) -> Problem:
    """What someone who may not see the élus' catalogues is told: log in, or get recognised."""
    if not logged_in:
        return Problem(401, "Connectez-vous pour consulter cette formation : elle fait partie "
                            "des catalogues réservés aux élus locaux.",
                       slug="connexion-requise", headers={"WWW-Authenticate": "Bearer"})
    return Problem(403, "Ces formations sont réservées aux élus dont le compte est reconnu. Si "
                        "vous êtes élu(e) et que votre compte élu ne s'affiche pas, demandez "
                        "l'aide de la Caisse des Dépôts (page Aide, « Mon compte élu ne "
                        "s'affiche pas »).", slug="compte-elu-non-reconnu",
                   extra={"aide": "/aide"})
