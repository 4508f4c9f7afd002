from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import services
from chalicelib.clock import PARIS
from chalicelib.models import Account, LedgerEntry
from local.demo_catalogue import demo_catalogue_csv
from tests.support.people import PASSWORD
from tests.support.rne_world import RneWorld


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


def token_of(api, payload):
    return api.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]


@pytest.fixture
def elu(rne, api):
    """Hélène Roux, conseillère municipale since 28 June 2020: (payload, token)."""
    helene = rne.helene()
    return helene, token_of(api, helene)


@pytest.fixture
def catalogue(aws):
    from chalicelib.catalogue.importer import import_catalogue
    from chalicelib.clock import paris_today

    report = import_catalogue(
        demo_catalogue_csv(paris_today()), "demo.csv", paris_today(), services.catalogue().save
    )
    assert report.importees == 300


def test_an_elu_in_office_since_2020_sees_800_euros(api, elu):
    _, token = elu
    rights = api.get("/me/rights", token=token).json
    assert rights["elu"]["montant_disponible"] == "800.00"
    assert rights["elu"]["plafond"] == "800.00"
    today = datetime.now(UTC)
    next_year = today.year + (1 if (today.month, today.day) >= (3, 30) else 0)
    # elected at the 2020 general election: the third Monday after its first round
    assert rights["elu"]["prochain_credit"] == f"{next_year}-03-30"
    assert rights["elu"]["en_mandat"] is True
    assert rights["elu"]["utilisable_pour"] == ["mandat", "reconversion"]
    assert rights["elu"]["utilisable_jusqu_au"] is None
    assert rights["cpf_euros"] is None and rights["cpf_heures"] is None


def test_the_history_is_the_ledger_newest_first_and_adds_up_to_the_balance(api, elu):
    _, token = elu
    history = api.get("/me/rights/history", token=token).json
    assert [(o["date"], o["montant"], o["sens"]) for o in history["operations"]] == [
        ("2023-03-30", "100.00", "credit"),  # up to the new 800 € ceiling
        ("2021-07-23", "400.00", "credit"),
        ("2021-07-23", "300.00", "credit"),  # the 20 hours of the first year
    ]
    assert history["operations"][0]["libelle"] == "Crédit annuel DIF élus 2023"
    assert history["operations"][2]["libelle"].startswith("Conversion en euros des heures")
    [account] = list(Account.scan())
    entries = [e for e in LedgerEntry.query(account.nir_hash) if e.montant_centimes]
    assert sum(int(e.montant_centimes) for e in entries) == account.dif_solde_centimes == 80_000


def test_history_pages_with_an_opaque_cursor(api, elu, monkeypatch):
    from chalicelib.rights import service

    monkeypatch.setattr(service, "PAGE_SIZE", 1)
    _, token = elu
    first = api.get("/me/rights/history", token=token).json
    second = api.get(f"/me/rights/history?cursor={first['cursor']}", token=token).json
    assert [o["date"] for o in first["operations"] + second["operations"]] == [
        "2023-03-30",
        "2021-07-23",
    ]
    assert api.get("/me/rights/history?cursor=nimportequoi", token=token).status == 400


def test_a_history_cursor_carries_no_account_key_and_serves_its_owner_only(
    api, elu, rne, monkeypatch
):
    import base64

    from chalicelib.rights import service

    monkeypatch.setattr(service, "PAGE_SIZE", 1)
    _, token = elu
    cursor = api.get("/me/rights/history", token=token).json["cursor"]
    [account] = list(Account.scan())
    readable = base64.urlsafe_b64decode(cursor.split(".")[0] + "==").decode()
    assert account.nir_hash not in cursor and account.nir_hash not in readable
    other = rne.person(
        nom_naissance="Garnier",
        prenoms="Luc",
        sexe="M",
        date_naissance="1980-01-01",
        email="luc.garnier@exemple.fr",
    )
    other_token = token_of(api, other)
    foreign = api.get(f"/me/rights/history?cursor={cursor}", token=other_token)
    assert foreign.status == 400 and foreign.json["errors"][0]["champ"] == "cursor"


def test_tampered_catalogue_cursors_are_400s(api, catalogue):
    page = api.get("/formations?catalogue=activite-professionnelle").json
    payload, mac = page["cursor"].split(".")
    for cursor in (f"{payload}.{mac[::-1]}", f"{payload[:-2]}.{mac}", "e30", "%00", "Ω" * 3):
        refused = api.get(f"/formations?catalogue=activite-professionnelle&cursor={cursor}")
        assert refused.status == 400, cursor
        assert [e["champ"] for e in refused.json["errors"]] == ["cursor"]
    # a cursor of one catalogue does not page another
    elsewhere = api.get(f"/formations?catalogue=mandat&cursor={page['cursor']}")
    assert elsewhere.status in (400, 401)


def test_the_yearly_credit_runs_twice_and_credits_once(api, elu, client):
    from tests.support.rights_jobs import deliver_rights_messages

    _, token = elu
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "800.00"
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    [account] = list(Account.scan())
    # As if 700 € had been spent and this year's anniversary were today.
    this_year = max(int(y) for y in account.dif_annees)
    today = datetime.now(UTC).astimezone(PARIS).date().isoformat()
    account.update(
        actions=[
            Account.dif_solde_centimes.set(10_000),
            Account.dif_annees.delete({this_year}),
            Account.dif_prochain.set(today),
        ]
    )
    LedgerEntry(account.nir_hash, f"annee#{this_year}").delete()
    first = client.lambda_.invoke("credit_dif_annuel", event).payload
    assert first["comptes"] == 1 and first["termine"] is True
    assert client.lambda_.invoke("credit_dif_annuel", event).payload["comptes"] == 0
    assert deliver_rights_messages(client, twice=True) == [{"comptes": [account.nir_hash]}]
    account.refresh()
    assert account.dif_solde_centimes == 50_000 and account.dif_prochain > today
    assert (
        len([e for e in LedgerEntry.query(account.nir_hash) if e.sk == f"annee#{this_year}"]) == 1
    )


def test_the_next_session_is_counted_in_paris_time(api, aws):
    """At 23:30 UTC it is already tomorrow in Paris: a session of the UTC day is past."""
    import time_machine

    from tests.support.enrolment import far, formation

    day = far(60)
    formation(
        catalogue="activite-professionnelle",
        sessions=[(day, day, 12), (day + timedelta(days=4), day + timedelta(days=4), 12)],
    )
    late = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=23, minutes=30)
    with time_machine.travel(late, tick=False):
        [found] = api.get("/formations?catalogue=activite-professionnelle").json["formations"]
    assert found["prochaine_session"] == (day + timedelta(days=4)).isoformat()
