"""The three catalogues: storage, French keyword search, filters and pagination.

A catalogue holds a few thousand formations at most: each container keeps each catalogue in
memory for a minute (one query on the catalogue index), and searches it there, insensitive to
case and accents, every word of the query being the beginning of a word of the formation.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from ..models import Formation
from ..names import normalise
from ..problems import FieldError, Problem, invalid
from ..rights.rules import euros
from .importer import CATALOGUES, MODALITES

PAGE_SIZE = 20
CACHE_SECONDS = 60
_STOPWORDS = {"LE", "LA", "LES", "L", "DE", "DES", "DU", "D", "ET", "EN", "A", "AU", "AUX", "UN",
              "UNE", "POUR", "SUR", "DANS", "PAR", "SON", "SA", "SES"}
ELUS_ONLY = ("mandat", "reconversion")


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[^A-Z0-9]+", normalise(text)) if w]


class Catalogue:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._now = clock
        self._cache: dict[str, tuple[float, list[tuple[Formation, set[str]]]]] = {}

    # --- storage ----------------------------------------------------------------------------
    def save(self, formations: list[dict]) -> None:
        with Formation.batch_write() as batch:
            for data in formations:
                batch.save(Formation(data["id"], **{k: v for k, v in data.items() if k != "id"}))
        self._cache.clear()

    def get(self, formation_id: str) -> Formation | None:
        try:
            return Formation.get(formation_id)
        except Formation.DoesNotExist:
            return None

    def _formations(self, catalogue: str) -> list[tuple[Formation, set[str]]]:
        cached = self._cache.get(catalogue)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = sorted(Formation.catalogue_index.query(catalogue),
                       key=lambda f: (normalise(f.titre), f.id))
        indexed = [(f, set(words(f"{f.titre} {f.objectifs} {f.organisme.nom}"))) for f in found]
        self._cache[catalogue] = (time.monotonic(), indexed)
        return indexed

    # --- search -----------------------------------------------------------------------------
    def search(self, params: dict[str, str]) -> dict:
        catalogue, query, departement, modalite, prix_max, offset = _parse(params)
        terms = [w for w in words(query) if w not in _STOPWORDS]
        matches = []
        for formation, vocabulary in self._formations(catalogue):
            if departement and formation.departement != departement and (
                    formation.modalite != "a_distance"):
                continue
            if modalite and formation.modalite != modalite:
                continue
            if prix_max is not None and formation.prix_centimes > prix_max:
                continue
            if all(any(w.startswith(t) for w in vocabulary) for t in terms):
                matches.append(formation)
        page = matches[offset:offset + PAGE_SIZE]
        more = offset + PAGE_SIZE < len(matches)
        return {"formations": [summary(f, self._now().date().isoformat()) for f in page],
                "total": len(matches),
                "cursor": _encode(offset + PAGE_SIZE) if more else None}


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
    if departement and not re.fullmatch(r"\d{2,3}|2[AB]", departement):
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
    offset = 0
    if params.get("cursor"):
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(params["cursor"].encode()))["o"])
        except (ValueError, KeyError, TypeError):
            errors.append(FieldError("cursor", "Curseur invalide : reprenez la recherche."))
    if errors:
        raise invalid(errors)
    return catalogue, query, departement, modalite, prix_max, max(0, offset)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def elus_only_problem(logged_in: bool) -> Problem:
    """What someone who may not see the élus' catalogues is told: log in, or get recognised."""
    if not logged_in:
        return Problem(401, "Cette formation fait partie des catalogues réservés aux élus "
                            "locaux : connectez-vous à votre compte pour la consulter.",
                       slug="connexion-requise", headers={"WWW-Authenticate": "Bearer"})
    return Problem(403, "Ces formations sont réservées aux élus dont le compte est reconnu. Si "
                        "vous êtes élu(e) et que votre compte élu ne s'affiche pas, demandez "
                        "l'aide de la Caisse des Dépôts (page Aide, « Mon compte élu ne "
                        "s'affiche pas »).", slug="compte-elu-non-reconnu",
                   extra={"aide": "/aide"})
