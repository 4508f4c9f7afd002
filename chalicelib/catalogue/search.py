"""The three catalogues: French keyword search, filters and pagination, and who may see them.

A search page is one to five queries on the catalogue index (partition: the catalogue, order:
the normalised title), whatever the catalogue's size: DynamoDB filters on the normalised words
(each word of the query must begin a word of the title, objectives or organisation, whatever
the case and accents) and on département, modality and price. A page holds up to 20 formations;
when five queries found fewer, the page is shorter and the cursor goes on from where they
stopped, so pages never repeat nor skip a formation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from ..clock import PARIS, paris_today
from ..cursors import Cursors
from ..errors import FieldError, InvalidCursor, InvalidForm
from ..fields import is_identifier
from ..models import Account, Formation
from ..money import euros
from ..names import normalise
from ..rights.standing import account_usable_for
from . import schemas
from .errors import EluCatalogueLoginRequired, FormationNotFound, NotAnElu
from .rules import ELUS_ONLY
from .store import CatalogueStore, Filters

PAGE_SIZE = 20
MAX_QUERIES = 5
_STOPWORDS = {
    "LE",
    "LA",
    "LES",
    "L",
    "DE",
    "DES",
    "DU",
    "D",
    "ET",
    "EN",
    "A",
    "AU",
    "AUX",
    "UN",
    "UNE",
    "POUR",
    "SUR",
    "DANS",
    "PAR",
    "SON",
    "SA",
    "SES",
}


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[^A-Z0-9]+", normalise(text)) if w]


def check_access(catalogue: str, account: Callable[[], Account | None]) -> None:
    """The élus' catalogues are for recognised élus only: `mandat` while in office,
    `reconversion` also during the months after the last mandate ended. `account()` is the
    session's account, or None without a session: asked only for those catalogues."""
    if catalogue not in ELUS_ONLY:
        return
    found = account()
    if found is None:
        raise EluCatalogueLoginRequired()
    usable_for, _ = account_usable_for(found, paris_today())
    if catalogue not in usable_for:
        raise NotAnElu()


def sort_key(formation: dict) -> str:
    # " #" sorts before any letter: a title comes before its longer variants.
    return f"{normalise(formation['titre'])[:100]} #{formation['id']}"


def vocabulary(formation: dict) -> str:
    """ " WORD WORD ... ": the normalised words a search finds the formation by."""
    text = f"{formation['titre']} {formation['objectifs']} {formation['organisme']['nom']}"
    return " " + " ".join(sorted(set(words(text)))) + " "


class Catalogue:
    def __init__(
        self,
        store: CatalogueStore,
        cursors: Cursors,
        clock: Callable[[], datetime],
        places_taken: Callable[[str, list[str]], dict[str, int]],
        places_for_dif: Callable[[str, int, date], int],
        rating_of: Callable[[str], tuple[str, int] | None] = lambda _: None,
    ) -> None:
        self._store = store
        self._cursors = cursors
        self._now = clock
        self._places_taken = places_taken
        # the enrolment's rule of how many DIF files a session takes, given by the services:
        # the catalogue shows it and never imports the enrolment that uses the catalogue
        self._places_for_dif = places_for_dif
        # the élus' average of a formation, from the evaluations (shown from 5 ratings)
        self._rating_of = rating_of

    # --- storage ----------------------------------------------------------------------------
    def save(self, formations: list[dict]) -> None:
        """Formations as the importer validated them, with their search words and order."""
        self._store.save(
            [{**data, "tri": sort_key(data), "mots": vocabulary(data)} for data in formations]
        )

    def get(self, formation_id: str) -> Formation:
        formation = self._store.get(formation_id) if is_identifier(formation_id) else None
        if formation is None or formation.retiree_le is not None:  # withdrawn by its organisme
            raise FormationNotFound()
        return formation

    def fiche(self, formation: Formation) -> schemas.Formation:
        """The fiche, with the places left in each session (one more request)."""
        sessions = [s.id for s in formation.sessions or []]
        taken = self._places_taken(formation.id, sessions) if sessions else {}
        day = self._now().astimezone(PARIS).date()
        fiche = detail(formation, day, taken, self._places_for_dif)
        rating = self._rating_of(formation.id)
        if rating is None:
            return fiche
        moyenne, nombre = rating
        return fiche.model_copy(
            update={"evaluation": schemas.Notes(moyenne=moyenne, nombre=nombre)}
        )

    # --- search -----------------------------------------------------------------------------
    def search(self, query: schemas.SearchQuery) -> schemas.FormationPage:
        catalogue = query.catalogue
        try:
            start = self._cursors.decode("catalogue", catalogue, query.cursor, ("id", "tri"))
        except InvalidCursor:
            raise InvalidForm(
                [FieldError("cursor", "Curseur invalide : reprenez la recherche.")]
            ) from None
        departement = query.departement
        filters = Filters(
            terms=tuple(dict.fromkeys(w for w in words(query.q or "") if w not in _STOPWORDS)),
            departement=departement.zfill(2) if departement else None,
            modalite=query.modalite,
            prix_max_centimes=query.prix_max,
        )
        pages = self._store.pages(
            catalogue, filters, start, page_size=None if filters.any else PAGE_SIZE + 1
        )
        found: list[Formation] = []
        cursor = None
        for _, (items, last) in zip(range(MAX_QUERIES), pages, strict=False):
            room = PAGE_SIZE - len(found)
            found += items[:room]
            if len(items) > room:  # more matches than fit: go on after the last one shown
                cursor = {"id": found[-1].id, "tri": found[-1].tri or ""}
                break
            cursor = last
            if cursor is None or len(found) == PAGE_SIZE:
                break
        today = self._now().astimezone(PARIS).date().isoformat()  # one clock: Paris
        return schemas.FormationPage(
            formations=[schemas.FormationSummary(**summary(f, today)) for f in found],
            cursor=self._cursors.encode("catalogue", catalogue, cursor) if cursor else None,
        )


def summary(formation: Formation, today: str) -> dict:
    """What a result and a fiche both show."""
    upcoming = [s.date_debut for s in formation.sessions or [] if s.date_debut >= today]
    return {
        "id": formation.id,
        "catalogue": formation.catalogue,
        "titre": formation.titre,
        "organisme": formation.organisme.nom,
        "prix": euros(int(formation.prix_centimes)),
        "duree_heures": float(formation.duree_heures),
        "modalite": formation.modalite,
        "lieu": schemas.Lieu(commune=formation.commune, departement=formation.departement),
        "prochaine_session": upcoming[0] if upcoming else None,
    }


def detail(
    formation: Formation,
    day: date,
    taken: dict[str, int],
    places_for_dif: Callable[[str, int, date], int],
) -> schemas.Formation:
    """The fiche, with each session's places left for DIF files (`taken`: the places DIF
    files hold, by session)."""
    organisme = formation.organisme
    agrement = (
        {
            "numero": organisme.agrement_numero,
            "debut": organisme.agrement_debut,
            "fin": organisme.agrement_fin,
        }
        if organisme.agrement_numero
        else None
    )
    sessions = [
        schemas.SessionFormation(
            id=s.id,
            date_debut=s.date_debut,
            date_fin=s.date_fin,
            places_restantes=max(
                0, places_for_dif(formation.catalogue, int(s.capacite), day) - taken.get(s.id, 0)
            ),
            modalite=s.modalite,
            lieu=s.lieu,
        )
        for s in formation.sessions or []
    ]
    return schemas.Formation(
        **{
            **summary(formation, day.isoformat()),
            "objectifs": formation.objectifs,
            "organisme": schemas.OrganismeFiche(
                nom=organisme.nom, siret=organisme.siret, agrement=agrement
            ),
            "sessions": sessions,
        }
    )
