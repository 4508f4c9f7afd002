"""The élus rate their trainings after the exit; organismes read their average; the public
fiche shows one from 5 ratings."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine

from chalicelib import services
from chalicelib.clock import utc_now
from chalicelib.errors import DomainError
from chalicelib.evaluations.errors import NoLongerEditable
from chalicelib.evaluations.schemas import RatingRequest
from chalicelib.models import Dossier
from tests.support.atomic_dynamodb import atomic_requests
from tests.support.enrolment import (
    OTHER_ORGANISME,
    account_of,
    certify,
    far,
    formation,
    organisme_key,
    request_place,
)


def _exited(dossier_id: str) -> None:
    """The organisme has declared the exit (the status the end of a training starts from)."""
    Dossier.get(dossier_id).update(actions=[Dossier.statut.set("sortie_declaree")])


def _files(api, elus, count: int = 1):
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation(sessions=[(far(60 + i), far(60 + i), 5) for i in range(count)])
    idents = [
        request_place(api, token, training["id"], s["id"]).json["id"] for s in training["sessions"]
    ]
    return payload, token, training, idents


def rate(api, token, ident, body):
    return api.request("PUT", f"/me/dossiers/{ident}/evaluation", body, token=token)


def test_an_elu_rates_after_the_exit_edits_for_30_days_and_the_organisme_reads_its_average(
    api, elus
):
    payload, token, _, [ident] = _files(api, elus)
    early = rate(api, token, ident, {"note": 4})
    assert early.status == 409 and early.json["type"].endswith("evaluation-trop-tot")
    assert api.get(f"/me/dossiers/{ident}/evaluation", token=token).status == 404

    _exited(ident)
    first = rate(api, token, ident, {"note": 4, "commentaire": "  Très  concret. "})
    assert first.status == 200
    assert first.json["note"] == 4 and first.json["commentaire"] == "Très concret."
    assert api.get(f"/me/dossiers/{ident}/evaluation", token=token).json == first.json
    key = organisme_key()
    mine = api.get("/organismes/evaluations", headers={"Authorization": f"Bearer {key}"})
    assert mine.json == {"moyenne": "4.0", "nombre": 1}

    assert rate(api, token, ident, {"note": 2}).json["note"] == 2  # an edit, not a second one
    mine = api.get("/organismes/evaluations", headers={"Authorization": f"Bearer {key}"})
    assert mine.json == {"moyenne": "2.0", "nombre": 1}
    other = organisme_key(OTHER_ORGANISME, email=None)
    theirs = api.get("/organismes/evaluations", headers={"Authorization": f"Bearer {other}"})
    assert theirs.json == {"moyenne": None, "nombre": 0}

    with time_machine.travel(utc_now() + timedelta(days=31)), pytest.raises(NoLongerEditable):
        services.evaluations().rate(account_of(payload), ident, RatingRequest.read({"note": 5}))
    assert api.get(f"/me/dossiers/{ident}/evaluation", token=token).json["note"] == 2


@pytest.mark.parametrize("note", [0, 6, 4.5, "4", True, None])
def test_a_note_is_a_whole_number_from_1_to_5(api, elus, note):
    _, token, _, [ident] = _files(api, elus)
    _exited(ident)
    refused = rate(api, token, ident, {"note": note, "commentaire": "ok"})
    assert refused.status == 400
    assert refused.json["errors"] == [
        {"champ": "note", "message": "Note : un nombre entier de 1 à 5."}
    ]


def test_a_comment_follows_the_one_text_policy(api, elus):
    _, token, _, [ident] = _files(api, elus)
    _exited(ident)
    refused = rate(api, token, ident, {"note": 3, "commentaire": "Bien\r\nBcc: x@y.fr"})
    assert refused.status == 400 and refused.json["errors"][0]["champ"] == "commentaire"
    assert rate(api, token, ident, {"note": 3, "commentaire": "x" * 501}).status == 400


def test_nobody_rates_or_reads_another_elus_file(api, elus):
    _, _, _, [ident] = _files(api, elus)
    _exited(ident)
    [(_, stranger)] = elus.create(prenoms="Paul", nom_naissance="Lemoine")
    assert rate(api, stranger, ident, {"note": 1}).status == 404
    assert api.get(f"/me/dossiers/{ident}/evaluation", token=stranger).status == 404
    assert rate(api, stranger, "pas un identifiant !", {"note": 1}).status == 404


def test_the_public_fiche_shows_the_average_from_five_ratings(api, elus):
    _, token, training, idents = _files(api, elus, count=5)
    for ident, note in zip(idents[:4], (5, 4, 4, 3), strict=True):
        _exited(ident)
        assert rate(api, token, ident, {"note": note}).status == 200
    assert "evaluation" not in api.get(f"/formations/{training['id']}", token=token).json
    _exited(idents[4])
    assert rate(api, token, idents[4], {"note": 5}).status == 200
    fiche = api.get(f"/formations/{training['id']}", token=token).json
    assert fiche["evaluation"] == {"moyenne": "4.2", "nombre": 5}


def test_ratings_sent_at_once_count_once(api, elus):
    payload, _, _, [ident] = _files(api, elus)
    _exited(ident)
    account = account_of(payload)
    ratings = services.evaluations()
    start = threading.Barrier(10)

    def send(note):
        start.wait()
        try:
            return ratings.rate(account, ident, RatingRequest.read({"note": note})).note
        except DomainError as refused:
            return type(refused).__name__

    with atomic_requests(), ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(send, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]))
    kept = [o for o in outcomes if isinstance(o, int)]
    assert len(kept) >= 1 and set(outcomes) - set(kept) <= {"ConcurrentRating"}
    totals = ratings.of_organisme(Dossier.get(ident).organisme)
    assert totals.nombre == 1
    assert totals.moyenne == f"{ratings.mine(account, ident).note:.1f}"
