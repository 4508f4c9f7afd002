"""An organisme publishes and maintains its own offer through its API key: its formations and
their sessions, under the catalogue's rules (`rules`, the same as the operators' catalogue
file). An organisme reads and changes only the formations of its SIRET: any other is unknown
to it.

Each change writes the whole formation once, with its search words and its order, over the
version read: the search finds a new or changed formation at once, a withdrawn one no more,
and two changes at the same moment never lose one. The files already asked for keep their own
copy of the price and the title (see `enrolment.holder`); a session's dates move with the
files waiting for an answer, and not at all once a file is validated.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..clock import PARIS
from ..cursors import Cursors
from ..errors import FieldError, InvalidCursor, InvalidForm
from ..fields import is_identifier
from ..models import Formation
from ..models.formation import Organisme, TrainingSession
from ..money import euros
from . import publication_schemas as schemas
from . import rules
from .errors import (
    FormationChangedMeanwhile,
    FormationNotFound,
    FormationWithdrawn,
    PublishedSessionNotFound,
    SessionDatesLocked,
    SessionHasFiles,
)
from .publication_schemas import FormationFields, SessionFields, checked
from .rules import Approval
from .search import sort_key, vocabulary
from .store import CatalogueStore, VersionMoved

PAGE_SIZE = 50
_ID_BYTES = 6  # "P" and 12 hex characters: 48 bits, drawn again on the rare collision


class Publication:
    def __init__(
        self,
        store: CatalogueStore,
        cursors: Cursors,
        clock: Callable[[], datetime],
        organisme_name: Callable[[str], str | None],
        places_taken: Callable[[str, list[str]], dict[str, int]],
        move_files: Callable[[str, str, str, str, str], bool],
    ) -> None:
        """`places_taken(formation, sessions)`: the DIF files holding a place, by session;
        `move_files(siret, formation, session, debut, fin)`: the files waiting for an answer
        take the new dates, or nothing moves and False when a file is validated (both from the
        enrolment, given by the services)."""
        self._store = store
        self._cursors = cursors
        self._now = clock
        self._organisme_name = organisme_name
        self._places_taken = places_taken
        self._move_files = move_files

    def _today(self) -> date:
        return self._now().astimezone(PARIS).date()

    # --- formations -------------------------------------------------------------------------
    def page(self, siret: str, cursor: str | None) -> schemas.FormationPublieePage:
        try:
            after = self._cursors.decode("formations-organisme", siret, cursor, ("id",))
        except InvalidCursor:
            raise InvalidForm(
                [FieldError("cursor", "Curseur invalide : reprenez la liste.")]
            ) from None
        formations, last = self._store.of_organisme(siret, after, PAGE_SIZE)
        return schemas.FormationPublieePage(
            formations=[view(f) for f in formations],
            cursor=self._cursors.encode("formations-organisme", siret, last) if last else None,
        )

    def one(self, siret: str, formation_id: str) -> schemas.FormationPubliee:
        return self._detailed(self._own(siret, formation_id))

    def create(self, siret: str, fields: FormationFields) -> schemas.FormationPubliee:
        nom = self._organisme_name(siret) or siret
        for _ in range(3):
            formation = Formation("P" + secrets.token_hex(_ID_BYTES).upper(), sessions=[])
            _apply(formation, fields, siret, nom)
            try:
                self._store.write(formation, new=True)
            except VersionMoved:  # that id is taken: draw another
                continue
            return view(formation)
        raise FormationChangedMeanwhile()

    def change(
        self, siret: str, formation_id: str, changes: schemas.FormationChanges
    ) -> schemas.FormationPubliee:
        formation = self._own(siret, formation_id)
        # `lieu` and `agrement` are replaced whole
        merged = {**fields_of(formation), **changes.model_dump(exclude_unset=True)}
        merged["prix"] = euros(int(merged["prix"]))
        merged["duree_heures"] = float(merged["duree_heures"])
        fields = FormationFields.read(merged, self._today())
        approval = fields.approval()
        # the sessions already published stay within the approval
        problems = checked(
            [
                _session_check(fields.catalogue, approval, s, f"sessions.{s.id}.date_fin")
                for s in formation.sessions or []
            ]
        )
        if problems:
            raise InvalidForm(problems)
        _apply(formation, fields, siret, formation.organisme.nom)
        self._write(formation)
        return self._detailed(formation)

    def withdraw(self, siret: str, formation_id: str) -> schemas.FormationPubliee:
        formation = self._own(siret, formation_id)
        if formation.retiree_le is None:
            formation.retiree_le = self._now().isoformat()
            formation.tri = None  # out of the search index
            self._write(formation)
        return self._detailed(formation)

    # --- sessions ---------------------------------------------------------------------------
    def add_session(
        self, siret: str, formation_id: str, fields: SessionFields
    ) -> schemas.SessionPubliee:
        formation = self._own(siret, formation_id)
        if formation.retiree_le is not None:
            raise FormationWithdrawn()
        self._check_session(formation, fields)
        sessions = list(formation.sessions or [])
        session_id = "S" + fields.date_debut.replace("-", "")
        while any(s.id == session_id for s in sessions):
            session_id += "B"
        session = TrainingSession(
            id=session_id,
            date_debut=fields.date_debut,
            date_fin=fields.last_day.isoformat(),
            capacite=fields.places,
            modalite=formation.modalite,
            lieu=rules.session_place(formation.modalite, formation.commune),
        )
        formation.sessions = sorted([*sessions, session], key=lambda s: (s.date_debut, s.id))
        self._write(formation)
        return session_view(session, 0)

    def change_session(
        self, siret: str, formation_id: str, session_id: str, changes: schemas.SessionChanges
    ) -> schemas.SessionPubliee:
        formation = self._own(siret, formation_id)
        session = _session(formation, session_id)
        asked = changes.model_dump(exclude_unset=True)
        taken = self._places_taken(formation.id, [session.id])[session.id]
        debut = asked.get("date_debut") or session.date_debut
        fin = asked.get("date_fin") or (
            debut if "date_debut" in asked and "date_fin" not in asked else session.date_fin
        )
        dates_move = (debut, fin) != (session.date_debut, session.date_fin)
        places = asked.get("places") or int(session.capacite)
        if dates_move:
            merged = SessionFields.read(
                {"date_debut": debut, "date_fin": fin, "places": places}, self._today()
            )
            self._check_session(formation, merged)
        else:
            self._check_places(formation, places)
        if places < taken:
            raise InvalidForm(
                [
                    FieldError(
                        "places",
                        f"Places : {taken} dossiers en cours tiennent déjà une place dans "
                        "cette session (au moins autant de places).",
                    )
                ]
            )
        if (
            dates_move
            and taken
            and not self._move_files(siret, formation.id, session.id, debut, fin)
        ):
            raise SessionDatesLocked()
        session.date_debut, session.date_fin, session.capacite = debut, fin, places
        if asked.get("inscriptions_ouvertes") is not None:
            session.fermee = None if asked["inscriptions_ouvertes"] else True
        formation.sessions = sorted(formation.sessions or [], key=lambda s: (s.date_debut, s.id))
        self._write(formation)
        return session_view(session, taken)

    def delete_session(self, siret: str, formation_id: str, session_id: str) -> None:
        formation = self._own(siret, formation_id)
        session = _session(formation, session_id)
        if self._places_taken(formation.id, [session.id])[session.id]:
            raise SessionHasFiles()
        formation.sessions = [s for s in formation.sessions or [] if s.id != session.id]
        self._write(formation)

    # --- the rest ---------------------------------------------------------------------------
    def _own(self, siret: str, formation_id: str) -> Formation:
        """The organisme's formation; any other, like one that does not exist, is unknown."""
        formation = self._store.get(formation_id) if is_identifier(formation_id) else None
        if formation is None or formation.organisme.siret != siret:
            raise FormationNotFound()
        return formation

    def _write(self, formation: Formation) -> None:
        try:
            self._store.write(formation)
        except VersionMoved:
            raise FormationChangedMeanwhile() from None

    def _check_session(self, formation: Formation, fields: SessionFields) -> None:
        approval = approval_of(formation)
        problems = checked(
            [
                _session_check(formation.catalogue, approval, fields, "date_fin"),
                lambda: rules.check_capacity(
                    formation.catalogue, fields.places, fields.last_day, capped=True
                ),
            ]
        )
        if problems:
            raise InvalidForm(problems)

    def _check_places(self, formation: Formation, places: int) -> None:
        problems = checked(
            [lambda: rules.check_capacity(formation.catalogue, places, self._today(), capped=True)]
        )
        if problems:
            raise InvalidForm(problems)

    def _detailed(self, formation: Formation) -> schemas.FormationPubliee:
        """The formation with the files holding a place in each session (one more request)."""
        ids = [s.id for s in formation.sessions or []]
        taken = self._places_taken(formation.id, ids) if ids else {}
        return view(formation, taken)


def _session_check(catalogue: str, approval: Approval, session, champ: str) -> Callable[[], None]:
    last_day = date.fromisoformat(str(session.date_fin or session.date_debut))
    return lambda: rules.check_approval_on(catalogue, approval, last_day, champ)


def _session(formation: Formation, session_id: str):
    found = next((s for s in formation.sessions or [] if s.id == session_id), None)
    if found is None:
        raise PublishedSessionNotFound()
    return found


def _apply(formation: Formation, fields: FormationFields, siret: str, nom: str) -> None:
    """The fields published, on the stored formation (its id, sessions and state kept)."""
    hours = fields.duree_heures
    lieu = fields.lieu or schemas.LieuFields()
    distance = fields.modalite == rules.DISTANCE
    agrement = fields.agrement or schemas.AgrementFields()
    formation.catalogue = fields.catalogue
    formation.titre = fields.titre
    formation.objectifs = fields.objectifs
    formation.duree_heures = int(hours) if hours == hours.to_integral_value() else float(hours)
    formation.prix_centimes = fields.prix
    formation.modalite = fields.modalite
    formation.commune = None if distance else lieu.commune
    formation.departement = None if distance or not lieu.departement else lieu.departement.zfill(2)
    formation.organisme = Organisme(
        nom=nom,
        siret=siret,
        agrement_numero=agrement.numero,
        agrement_debut=agrement.debut,
        agrement_fin=agrement.fin,
    )
    formation.siret = siret
    for session in formation.sessions or []:  # they follow the formation's place
        session.modalite = formation.modalite
        session.lieu = rules.session_place(formation.modalite, formation.commune)
    described = {
        "id": formation.id,
        "titre": formation.titre,
        "objectifs": formation.objectifs,
        "organisme": {"nom": nom},
    }
    formation.mots = vocabulary(described)
    formation.tri = sort_key(described) if formation.retiree_le is None else None


def approval_of(formation: Formation) -> Approval:
    organisme = formation.organisme
    return Approval(
        organisme.agrement_numero,
        date.fromisoformat(organisme.agrement_debut) if organisme.agrement_debut else None,
        date.fromisoformat(organisme.agrement_fin) if organisme.agrement_fin else None,
    )


def fields_of(formation: Formation) -> dict:
    """A stored formation as the publication's fields (what a change is merged into)."""
    organisme = formation.organisme
    return {
        "catalogue": formation.catalogue,
        "titre": formation.titre,
        "objectifs": formation.objectifs,
        "duree_heures": float(formation.duree_heures),
        "prix": int(formation.prix_centimes),
        "modalite": formation.modalite,
        "lieu": {"commune": formation.commune, "departement": formation.departement},
        "agrement": {
            "numero": organisme.agrement_numero,
            "debut": organisme.agrement_debut,
            "fin": organisme.agrement_fin,
        },
    }


def session_view(session, taken: int | None = None) -> schemas.SessionPubliee:
    values: dict[str, Any] = {
        "id": session.id,
        "date_debut": session.date_debut,
        "date_fin": session.date_fin,
        "places": int(session.capacite),
        "inscriptions_ouvertes": not session.fermee,
        "lieu": session.lieu,
    }
    if taken is not None:
        values["dossiers_en_cours"] = taken
    return schemas.SessionPubliee.model_validate(values)


def view(formation: Formation, taken: dict[str, int] | None = None) -> schemas.FormationPubliee:
    organisme = formation.organisme
    values: dict[str, Any] = {
        "id": formation.id,
        "statut": schemas.WITHDRAWN if formation.retiree_le else schemas.PUBLISHED,
        "catalogue": formation.catalogue,
        "titre": formation.titre,
        "objectifs": formation.objectifs,
        "duree_heures": float(formation.duree_heures),
        "prix": euros(int(formation.prix_centimes)),
        "modalite": formation.modalite,
        "lieu": {"commune": formation.commune, "departement": formation.departement},
        "agrement": (
            {
                "numero": organisme.agrement_numero,
                "debut": organisme.agrement_debut,
                "fin": organisme.agrement_fin,
            }
            if organisme.agrement_numero and organisme.agrement_debut and organisme.agrement_fin
            else None
        ),
        "sessions": [
            session_view(s, None if taken is None else taken.get(s.id, 0))
            for s in formation.sessions or []
        ],
    }
    if formation.retiree_le:
        values["retiree_le"] = formation.retiree_le
    return schemas.FormationPubliee.model_validate(values)
