"""The organisme publishes and maintains its own offer with its API key: formations found by the
search at once, sessions, withdrawal; the catalogue's rules, each refusal naming its field;
the files already asked for keep their price, and the dates of a validated one never move."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import services
from chalicelib.catalogue import publication
from chalicelib.clock import paris_today
from chalicelib.models import Dossier
from tests.support.enrolment import (
    OTHER_ORGANISME,
    account_of,
    certify,
    far,
    organisme_key,
    request_place,
)


def as_organisme(key: str) -> dict:
    return {"headers": {"Authorization": f"Bearer {key}"}}


def fields(**overrides) -> dict:
    body = {
        "catalogue": "mandat",
        "titre": "Le budget participatif",
        "objectifs": "Associer les habitants au budget.",
        "duree_heures": 14,
        "prix": "700",
        "modalite": "presentiel",
        "lieu": {"commune": "Rennes", "departement": "35"},
        "agrement": {"numero": "AGR-2025-0042", "debut": "2025-01-01", "fin": "2030-12-31"},
    }
    body.update(overrides)
    return body


def session(days: int = 90, length: int = 1, places: int = 12) -> dict:
    return {
        "date_debut": far(days).isoformat(),
        "date_fin": far(days + length).isoformat(),
        "places": places,
    }


def publish(api, key, **overrides) -> dict:
    created = api.post("/organismes/formations", fields(**overrides), **as_organisme(key))
    assert created.status == 201, created.json
    return created.json


def add_session(api, key, formation_id, **kwargs) -> dict:
    created = api.post(
        f"/organismes/formations/{formation_id}/sessions", session(**kwargs), **as_organisme(key)
    )
    assert created.status == 201, created.json
    return created.json


def search(api, q: str, catalogue: str = "activite-professionnelle") -> list[str]:
    found = api.get(f"/formations?catalogue={catalogue}&q={q}")
    assert found.status == 200
    return [f["id"] for f in found.json["formations"]]


def errors_of(response) -> dict[str, str]:
    assert response.status == 400, response.json
    assert response.content_type == "application/problem+json"
    return {e["champ"]: e["message"] for e in response.json["errors"]}


# --- publishing -----------------------------------------------------------------------------
def test_a_published_formation_is_found_at_once_and_listed_as_its_organisme_s(api, key):
    created = publish(
        api, key, catalogue="activite-professionnelle", titre="Tisser des liens", agrement=None
    )
    assert created["statut"] == "publiee" and created["sessions"] == []
    assert created["prix"] == "700.00" and created["lieu"] == {
        "commune": "Rennes",
        "departement": "35",
    }
    assert search(api, "tisser") == [created["id"]]
    fiche = api.get(f"/formations/{created['id']}").json
    assert fiche["organisme"]["nom"] == "Institut des élus"
    assert fiche["organisme"]["siret"] == services.organisme_desk().authenticate(key)

    own = api.get(f"/organismes/formations/{created['id']}", **as_organisme(key))
    assert own.status == 200 and own.json["titre"] == "Tisser des liens"
    listed = api.get("/organismes/formations", **as_organisme(key)).json
    assert [f["id"] for f in listed["formations"]] == [created["id"]]


def test_the_list_pages_with_a_signed_cursor(api, key, monkeypatch):
    monkeypatch.setattr(publication, "PAGE_SIZE", 1)
    ids = {publish(api, key)["id"], publish(api, key)["id"]}
    first = api.get("/organismes/formations", **as_organisme(key)).json
    second = api.get(f"/organismes/formations?cursor={first['cursor']}", **as_organisme(key))
    assert {f["id"] for f in first["formations"] + second.json["formations"]} == ids
    other = organisme_key(OTHER_ORGANISME, email=None)
    foreign = api.get(f"/organismes/formations?cursor={first['cursor']}", **as_organisme(other))
    assert foreign.status == 400 and "cursor" in errors_of(foreign)


def test_an_organisme_never_reads_nor_changes_another_s_formations(api, key):
    mine = publish(api, key)
    with_session = add_session(api, key, mine["id"])
    other = organisme_key(OTHER_ORGANISME, email=None)
    base = f"/organismes/formations/{mine['id']}"
    session_path = f"{base}/sessions/{with_session['id']}"
    for response in (
        api.get(base, **as_organisme(other)),
        api.patch(base, {"titre": "Volée"}, **as_organisme(other)),
        api.post(f"{base}/retrait", **as_organisme(other)),
        api.post(f"{base}/sessions", session(), **as_organisme(other)),
        api.patch(session_path, {"places": 3}, **as_organisme(other)),
        api.delete(session_path, **as_organisme(other)),
    ):
        assert response.status == 404, response.json
        assert response.json["type"].endswith("formation-introuvable")
    assert api.get("/organismes/formations", **as_organisme(other)).json["formations"] == []
    assert api.get(base, **as_organisme(key)).json["titre"] == "Le budget participatif"
    assert api.get("/organismes/formations", headers={"Authorization": "Bearer x"}).status == 401


# --- the catalogue's rules ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "champ", "said"),
    [
        ({"catalogue": "loisirs"}, "catalogue", "choisissez parmi"),
        ({"prix": "1200"}, "prix", "au plus 80,00\u00a0€ HT par heure"),
        ({"duree_heures": 0}, "duree_heures", "durée doit être positive"),
        ({"prix": "-3"}, "prix", "montant en euros"),
        ({"agrement": None}, "agrement.numero", "sans numéro d'agrément"),
        (
            {"agrement": {"numero": "AGR-1", "debut": "2025-01-01"}},
            "agrement.fin",
            "Dates de début et de fin",
        ),
        ({"lieu": {"commune": "Rennes"}}, "lieu.departement", "Département manquant"),
        ({"lieu": {"departement": "AB"}}, "lieu.departement", "un code comme 35"),
        ({"modalite": "distanciel"}, "modalite", "a_distance"),
        ({"titre": ""}, "titre", "obligatoire"),
    ],
)
def test_a_formation_breaking_a_rule_is_refused_naming_the_field(api, key, overrides, champ, said):
    refused = api.post("/organismes/formations", fields(**overrides), **as_organisme(key))
    assert said in errors_of(refused)[champ]
    assert api.get("/organismes/formations", **as_organisme(key)).json["formations"] == []


def test_at_a_distance_no_place_and_sessions_without_one(api, key):
    created = publish(api, key, modalite="a_distance", lieu=None)
    assert created["lieu"] == {"commune": None, "departement": None}
    assert add_session(api, key, created["id"])["lieu"] is None


@pytest.mark.parametrize(
    ("body", "champ", "said"),
    [
        (session(days=0), "date_debut", "après aujourd'hui"),
        (
            {**session(), "date_fin": (paris_today() + timedelta(days=80)).isoformat()},
            "date_fin",
            "précède la date de début",
        ),
        ({**session(), "date_debut": "31/12/2030"}, "date_debut", "jj/mm/aaaa"),
        (session(places=16), "places", "au plus 15 élus"),
        (session(places=0), "places", "entre 1 et 500"),
        ({**session(), "places": "douze"}, "places", "nombre entier"),
    ],
)
def test_a_session_breaking_a_rule_is_refused_naming_the_field(api, key, body, champ, said):
    formation_id = publish(api, key)["id"]
    refused = api.post(f"/organismes/formations/{formation_id}/sessions", body, **as_organisme(key))
    assert said in errors_of(refused)[champ]


def test_the_approval_is_valid_on_the_last_day_of_each_session(api, key):
    ends = far(100).isoformat()
    formation_id = publish(
        api, key, agrement={"numero": "AGR-9", "debut": "2025-01-01", "fin": ends}
    )["id"]
    path = f"/organismes/formations/{formation_id}/sessions"
    assert api.post(path, session(days=99, length=1), **as_organisme(key)).status == 201
    refused = api.post(path, session(days=99, length=2), **as_organisme(key))
    assert "non valide le" in errors_of(refused)["date_fin"]
    # nor may the approval be shortened under a published session
    shortened = api.patch(
        f"/organismes/formations/{formation_id}",
        {"agrement": {"numero": "AGR-9", "debut": "2025-01-01", "fin": far(99).isoformat()}},
        **as_organisme(key),
    )
    assert any(champ.endswith(".date_fin") for champ in errors_of(shortened))


def test_a_reconversion_session_may_offer_more_than_15_places(api, key):
    formation_id = publish(api, key, catalogue="reconversion", agrement=None)["id"]
    assert add_session(api, key, formation_id, places=40)["places"] == 40


# --- changes and withdrawal -----------------------------------------------------------------
def test_a_change_is_seen_by_the_search_at_once_and_checked_by_the_rules(api, key):
    formation_id = publish(
        api, key, catalogue="activite-professionnelle", titre="Parler en public", agrement=None
    )["id"]
    path = f"/organismes/formations/{formation_id}"
    changed = api.patch(path, {"titre": "Prendre la parole"}, **as_organisme(key))
    assert changed.status == 200 and changed.json["titre"] == "Prendre la parole"
    assert search(api, "prendre") == [formation_id]
    assert search(api, "parler") == []
    mandate = publish(api, key)["id"]
    refused = api.patch(f"/organismes/formations/{mandate}", {"prix": "1500"}, **as_organisme(key))
    assert "au plus 80,00" in errors_of(refused)["prix"]


def test_a_later_price_change_leaves_the_files_already_asked_for_untouched(api, key, elus):
    formation_id = publish(api, key, prix="450")["id"]
    session_id = add_session(api, key, formation_id)["id"]
    [(_, token)] = elus.create()
    asked = request_place(api, token, formation_id, session_id)
    assert asked.status == 201 and asked.json["montant"] == "450.00"

    path = f"/organismes/formations/{formation_id}"
    assert api.patch(path, {"prix": "600"}, **as_organisme(key)).json["prix"] == "600.00"
    assert api.get(f"/me/dossiers/{asked.json['id']}", token=token).json["montant"] == "450.00"
    assert int(Dossier.get(asked.json["id"]).montant_centimes) == 45_000
    assert api.get(f"/formations/{formation_id}", token=token).json["prix"] == "600.00"


def test_a_withdrawn_formation_leaves_the_search_and_its_open_files_go_on(api, key, elus):
    formation_id = publish(api, key, catalogue="reconversion", titre="Rebondir", agrement=None)[
        "id"
    ]
    session_id = add_session(api, key, formation_id)["id"]
    [(_, token)] = elus.create()
    asked = request_place(api, token, formation_id, session_id).json
    found = api.get("/formations?catalogue=reconversion&q=rebondir", token=token).json
    assert [f["id"] for f in found["formations"]] == [formation_id]

    withdrawn = api.post(f"/organismes/formations/{formation_id}/retrait", **as_organisme(key))
    assert withdrawn.status == 200 and withdrawn.json["statut"] == "retiree"
    assert withdrawn.json["retiree_le"]
    found = api.get("/formations?catalogue=reconversion&q=rebondir", token=token).json
    assert found["formations"] == []
    assert api.get(f"/formations/{formation_id}", token=token).status == 404
    assert request_place(api, token, formation_id, session_id).status == 404
    # the file already asked for goes on
    accepted = api.post(f"/organismes/dossiers/{asked['id']}/acceptation", **as_organisme(key))
    assert accepted.status == 200 and accepted.json["statut"] == "acceptee"
    # the organisme still sees it; no new session
    own = api.get(f"/organismes/formations/{formation_id}", **as_organisme(key)).json
    assert own["statut"] == "retiree" and own["sessions"][0]["dossiers_en_cours"] == 1
    refused = api.post(
        f"/organismes/formations/{formation_id}/sessions", session(), **as_organisme(key)
    )
    assert refused.status == 409 and refused.json["type"].endswith("formation-retiree")


# --- sessions -------------------------------------------------------------------------------
def test_a_session_without_files_changes_and_is_deleted(api, key):
    formation_id = publish(api, key)["id"]
    added = add_session(api, key, formation_id, days=60)
    assert added["inscriptions_ouvertes"] is True and added["lieu"] == "Rennes"
    path = f"/organismes/formations/{formation_id}/sessions/{added['id']}"
    moved = api.patch(
        path,
        {"date_debut": far(70).isoformat(), "date_fin": far(71).isoformat(), "places": 8},
        **as_organisme(key),
    )
    assert moved.status == 200
    assert (moved.json["date_debut"], moved.json["places"]) == (far(70).isoformat(), 8)
    assert api.delete(path, **as_organisme(key)).status == 204
    assert (
        api.get(f"/organismes/formations/{formation_id}", **as_organisme(key)).json["sessions"]
        == []
    )
    assert api.delete(path, **as_organisme(key)).status == 404


def test_a_session_with_files_is_closed_never_deleted(api, key, elus):
    formation_id = publish(api, key)["id"]
    session_id = add_session(api, key, formation_id)["id"]
    [(_, first), (_, second)] = elus.create(2)
    assert request_place(api, first, formation_id, session_id).status == 201
    path = f"/organismes/formations/{formation_id}/sessions/{session_id}"

    refused = api.delete(path, **as_organisme(key))
    assert refused.status == 409 and refused.json["type"].endswith("session-avec-dossiers")
    assert "inscriptions_ouvertes" in refused.json["detail"]
    shrunk = api.patch(path, {"places": 0}, **as_organisme(key))
    assert "places" in errors_of(shrunk)

    closed = api.patch(path, {"inscriptions_ouvertes": False}, **as_organisme(key))
    assert closed.status == 200 and closed.json["inscriptions_ouvertes"] is False
    late = request_place(api, second, formation_id, session_id)
    assert late.status == 409 and late.json["type"].endswith("session-fermee")
    reopened = api.patch(path, {"inscriptions_ouvertes": True}, **as_organisme(key))
    assert reopened.json["inscriptions_ouvertes"] is True
    assert request_place(api, second, formation_id, session_id).status == 201


def test_the_dates_of_a_session_move_with_files_waiting_not_with_a_validated_one(api, key, elus):
    formation_id = publish(api, key, prix="300")["id"]
    session_id = add_session(api, key, formation_id)["id"]
    [(payload, token)] = elus.create()
    dossier_id = request_place(api, token, formation_id, session_id).json["id"]
    path = f"/organismes/formations/{formation_id}/sessions/{session_id}"

    later = {"date_debut": far(100).isoformat(), "date_fin": far(101).isoformat()}
    assert api.patch(path, later, **as_organisme(key)).status == 200
    moved = api.get(f"/me/dossiers/{dossier_id}", token=token).json["session"]
    assert moved == {"date_debut": far(100).isoformat(), "date_fin": far(101).isoformat()}

    # accepted, then validated with a certified identity: the rights are debited for these dates
    assert (
        api.post(f"/organismes/dossiers/{dossier_id}/acceptation", **as_organisme(key)).status
        == 200
    )
    certify(payload)
    certified = services.sessions().open(account_of(payload), fc_acr="eidas2").token
    validated = api.post(f"/me/dossiers/{dossier_id}/validation", token=certified)
    assert validated.status == 200, validated.json

    refused = api.patch(
        path,
        {"date_debut": far(110).isoformat(), "date_fin": far(110).isoformat()},
        **as_organisme(key),
    )
    assert refused.status == 409
    assert refused.json["type"].endswith("session-avec-dossiers-valides")
    assert "Annulez" in refused.json["detail"] and "nouvelle session" in refused.json["detail"]
    still = api.get(f"/me/dossiers/{dossier_id}", token=token).json["session"]
    assert still["date_debut"] == far(100).isoformat()
    # what does not move the dates still changes
    assert api.patch(path, {"places": 10}, **as_organisme(key)).json["places"] == 10


def test_a_change_cannot_empty_what_a_formation_always_has(api, key):
    """Found by the fuzzer: `null` for the title or the price was a 500."""
    formation = publish(api, key)
    emptied = api.patch(
        f"/organismes/formations/{formation['id']}",
        {"titre": None, "prix": None, "modalite": None},
        **as_organisme(key),
    )
    assert emptied.status == 400
    assert [e["champ"] for e in emptied.json["errors"]] == ["titre", "prix", "modalite"]
    kept = api.get(f"/organismes/formations/{formation['id']}", **as_organisme(key)).json
    assert kept["titre"] == formation["titre"]


def test_an_action_that_takes_no_data_refuses_data_sent_to_it(api, key):
    """Found by the fuzzer: a withdrawal with a body was done, the body ignored."""
    formation = publish(api, key)
    sent = api.post(
        f"/organismes/formations/{formation['id']}/retrait", {"motif": "x"}, **as_organisme(key)
    )
    assert sent.status == 400 and sent.json["type"].endswith("corps-inattendu")
    still = api.get(f"/organismes/formations/{formation['id']}", **as_organisme(key)).json
    assert still["statut"] != "retiree"
    assert (
        api.post(
            f"/organismes/formations/{formation['id']}/retrait", {}, **as_organisme(key)
        ).status
        == 200
    )


def test_formations_loaded_before_the_api_are_attached_to_their_organisme_once(api, key, capsys):
    from chalicelib.models import Formation
    from infra import import_catalogue
    from tests.support.enrolment import formation

    loaded = formation(catalogue="activite-professionnelle")
    Formation(loaded["id"]).update(actions=[Formation.siret.remove()])  # as saved before it
    listed = api.get("/organismes/formations", **as_organisme(key)).json["formations"]
    assert loaded["id"] not in [f["id"] for f in listed]
    assert import_catalogue.main(["rattacher"]) == 0
    assert "1 formation(s) rattachée(s)" in capsys.readouterr().out
    listed = api.get("/organismes/formations", **as_organisme(key)).json["formations"]
    assert loaded["id"] in [f["id"] for f in listed]
    assert import_catalogue.main(["rattacher"]) == 0
    assert "0 formation(s) rattachée(s)" in capsys.readouterr().out
