"""The end of a training in a test: a file debited and in training, the organisme's
declarations through its key, at a chosen day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from chalicelib import services
from tests.support.enrolment import ORGANISME, account_of, certify, formation, request_place


def act(api, key, ident, action, body=None):
    return api.post(
        f"/organismes/dossiers/{ident}/{action}", body, headers={"Authorization": f"Bearer {key}"}
    )


def at(day: date, hour: int = 16):
    return time_machine.travel(
        datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour), tick=False
    )


def invoice(montant: str, numero: str = "F-2027-001", day: str | None = None) -> dict:
    return {
        "facture": {
            "numero": numero,
            "date": day or datetime.now(UTC).date().isoformat(),
            "montant_ht": montant,
            "montant_ttc": montant,
        }
    }


def in_training(api, elus, key, prix="300", heures="14", siret=ORGANISME):
    """A file debited and in training; (payload, file id, first day, last day)."""
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation(prix=prix, heures=heures, siret=siret)
    session = training["sessions"][0]
    ident = request_place(api, token, training["id"], session["id"]).json["id"]
    assert act(api, key, ident, "acceptation").status == 200
    services.holder_files().validate(account_of(payload), "eidas2", ident)
    start, end = date.fromisoformat(session["date_debut"]), date.fromisoformat(session["date_fin"])
    with at(start, 9):
        assert act(api, key, ident, "entree-en-formation").status == 200
    return payload, ident, start, end


def half_exit(day: date, motif: str, heures: int) -> dict:
    """An exit at 50 %, for `motif`, with the hours delivered."""
    return {
        "date_sortie": day.isoformat(),
        "taux_realisation": 50,
        "motif_partiel": motif,
        "heures_realisees": heures,
    }
