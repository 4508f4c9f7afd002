"""Enrolment in a test: formations with sessions, an organisme with its API key, élus
recognised from an RNE file, and FranceConnect+ sessions."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

from chalicelib import services
from chalicelib.clock import paris_today
from local.demo_catalogue import siret_for
from tests.support.people import PASSWORD, make_nir, signup_payload
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write

ORGANISME = siret_for(1)
OTHER_ORGANISME = siret_for(2)
_numbers = itertools.count(1)
_departements = itertools.cycle([*range(1, 20), *range(21, 96)])


def far(days: int = 90) -> date:
    """A day far enough ahead for the 11 working days of validation."""
    return paris_today() + timedelta(days=days)


def formation(
    *,
    catalogue: str = "mandat",
    prix: str = "450",
    heures: str = "14",
    sessions: list[tuple[date, date, int]] | None = None,
    siret: str = ORGANISME,
    agrement_fin: str = "2030-12-31",
) -> dict:
    """Save a formation (validated by the importer) and answer it as stored."""
    from chalicelib.catalogue.importer import validate

    number = next(_numbers)
    sessions = sessions or [(far(90), far(91), 12), (far(150), far(151), 12)]
    record = {
        "id": f"T{number:05d}",
        "catalogue": catalogue,
        "titre": f"Les finances locales {number}",
        "objectifs": "Voter le budget.",
        "duree_heures": heures,
        "prix_euros": prix,
        "modalite": "presentiel",
        "commune": "Rennes",
        "departement": "35",
        "sessions": "|".join(f"{a}/{b}/{n}" for a, b, n in sessions),
        "organisme_nom": "Institut des élus",
        "organisme_siret": siret,
        "agrement_numero": "AGR-2025-0001" if catalogue == "mandat" else "",
        "agrement_debut": "2025-01-01" if catalogue == "mandat" else "",
        "agrement_fin": agrement_fin if catalogue == "mandat" else "",
    }
    stored = validate(record, paris_today())
    services.catalogue().save([stored])
    return stored


def organisme_key(siret: str = ORGANISME, email: str | None = "inscriptions@institut.fr") -> str:
    desk = services.organisme_desk()
    desk.register(siret, "Institut des élus", email)
    return desk.new_key(siret)[1]


class Elus:
    """Élus recognised from one municipal RNE file (Rennes), with their sessions."""

    def __init__(self, api, outbox, rne) -> None:
        self.api = api
        self.outbox = outbox
        self.rne = rne

    def create(self, count: int = 1, **identity) -> list[tuple[dict, str]]:
        people = []
        for _ in range(count):
            n = next(_numbers)
            fields = {
                "nom_naissance": identity.get("nom_naissance", f"Elue{_letters(n)}"),
                "nom_usage": identity.get("nom_usage"),
                "prenoms": identity.get("prenoms", "Hélène"),
                "sexe": identity.get("sexe", "F"),
                "date_naissance": identity.get("date_naissance", "1968-09-02"),
                "lieu_naissance": identity.get("lieu_naissance", "75056"),
                "email": identity.get("email", f"elue.{n}.{uuid.uuid4().hex[:6]}@exemple.fr"),
            }
            payload = signup_payload(
                nir=make_nir(fields["sexe"], fields["date_naissance"], fields["lieu_naissance"]),
                **fields,
            )
            assert self.api.post("/accounts", payload).status == 201
            code = self.outbox.last_to(payload["email"]).code()
            assert (
                self.api.post(
                    "/accounts/verification", {"email": payload["email"], "code": code}
                ).status
                == 200
            )
            people.append(payload)
        # each call its own département: a new file of a département replaces its snapshot
        dept = f"{next(_departements):02d}"
        rows = [
            municipal_row(
                p["nom_naissance"].upper(),
                p["prenoms"],
                p["sexe"],
                _fr(p["date_naissance"]),
                dept=dept,
                commune=f"{dept}001",
                libelle="Commune",
            )
            for p in people
        ]
        self.rne.ingest(
            f"prefectures/{dept}/cm-{uuid.uuid4().hex[:8]}.csv", write(CURRENT_HEADER, rows)
        )
        return [(p, self.token(p)) for p in people]

    def token(self, payload: dict) -> str:
        response = self.api.post(
            "/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}
        )
        assert response.status == 200, response.body
        return response.json["token"]


def _letters(n: int) -> str:
    """Names take letters only: 1 -> A, 27 -> AA."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _fr(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def request_place(api, token: str, formation_id: str, session_id: str, key: str | None = None):
    return api.post(
        "/me/dossiers",
        {"formation_id": formation_id, "session_id": session_id},
        token=token,
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
    )


def certify(payload: dict, acr: str = "eidas2") -> None:
    """As if the person had linked FranceConnect: the account holds its certified identity
    (the FranceConnect+ session itself comes from `acr`, given to the use case)."""
    from chalicelib.models import Account
    from chalicelib.models.franceconnect import FcIdentityAttribute

    account = account_of(payload)
    account.update(
        actions=[
            Account.franceconnect.set(
                FcIdentityAttribute(
                    nom_naissance=payload["nom_naissance"],
                    nom_usage=payload.get("nom_usage"),
                    prenoms=payload["prenoms"],
                    sexe=payload["sexe"],
                    date_naissance=payload["date_naissance"],
                    lieu_naissance=payload["lieu_naissance"],
                    email=payload["email"],
                )
            )
        ]
    )


def account_of(payload: dict):
    from chalicelib.models import Account, AccountEmail

    return Account.get(AccountEmail.get(payload["email"]).nir_hash)
