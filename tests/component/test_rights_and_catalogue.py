from datetime import UTC, datetime

import pytest

from chalicelib import services
from chalicelib.models import Account, LedgerEntry
from local.demo_catalogue import demo_catalogue_csv
from tests.support.people import PASSWORD
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
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
    helene = rne.person(
        nom_naissance="Roux", nom_usage=None, prenoms="Hélène", date_naissance="1968-09-02"
    )
    rne.ingest(
        "prefectures/35/cm.csv",
        write(
            CURRENT_HEADER, [municipal_row("ROUX", "Hélène", "F", "02/09/1968", debut="28/06/2020")]
        ),
    )
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
    next_year = today.year + (1 if (today.month, today.day) >= (6, 28) else 0)
    assert rights["elu"]["prochain_credit"] == f"{next_year}-06-28"
    assert rights["cpf_euros"] is None and rights["cpf_heures"] is None


def test_the_history_is_the_ledger_newest_first_and_adds_up_to_the_balance(api, elu):
    _, token = elu
    history = api.get("/me/rights/history", token=token).json
    assert [(o["date"], o["montant"], o["sens"]) for o in history["operations"]] == [
        ("2023-06-28", "400.00", "credit"),
        ("2022-06-28", "400.00", "credit"),
    ]
    assert history["operations"][0]["libelle"] == "Crédit annuel DIF élus 2023"
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
        "2023-06-28",
        "2022-06-28",
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
    _, token = elu
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "800.00"
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    [account] = list(Account.scan())
    # As if 700 € had been spent and this year's anniversary were still to come.
    this_year = max(int(y) for y in account.dif_annees)
    account.update(
        actions=[Account.dif_solde_centimes.set(10_000), Account.dif_annees.delete({this_year})]
    )
    LedgerEntry(account.nir_hash, f"annee#{this_year}").delete()
    first = client.lambda_.invoke("credit_dif_annuel", event).payload
    second = client.lambda_.invoke("credit_dif_annuel", event).payload
    assert (first, second) == ({"annees_creditees": 1}, {"annees_creditees": 0})
    account.refresh()
    assert account.dif_solde_centimes == 50_000  # 100 € left, plus this year's 400 €


def test_cpf_rights_are_shown_apart_euros_or_hours(api, logged_in):
    _, token = logged_in
    assert api.get("/me/rights", token=token).json == {
        "elu": None,
        "cpf_euros": None,
        "cpf_heures": None,
    }
    [account] = list(Account.scan())
    account.update(actions=[Account.cpf_heures.set(120)])
    assert api.get("/me/rights", token=token).json["cpf_heures"] == {"heures_disponibles": 120}


def test_the_professional_catalogue_is_public_and_paginated(api, catalogue):
    seen, cursor = [], None
    while True:
        page = api.get(
            "/formations?catalogue=activite-professionnelle"
            + (f"&cursor={cursor}" if cursor else "")
        ).json
        seen += [f["id"] for f in page["formations"]]
        cursor = page["cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 100


def test_french_keyword_search_ignores_case_and_accents(api, catalogue):
    def ids(query):
        return {
            f["id"]
            for f in api.get(f"/formations?catalogue=activite-professionnelle&q={query}").json[
                "formations"
            ]
        }

    assert ids("comptabilite") == ids("COMPTABILITÉ") != set()
    assert ids("compta bases") <= ids("comptabilite")
    assert ids("astrophysique") == set()


def test_filters(api, catalogue):
    page = api.get(
        "/formations?catalogue=activite-professionnelle&modalite=a_distance&prix_max=500"
    ).json
    assert page["formations"]
    assert all(
        f["modalite"] == "a_distance" and float(f["prix"]) <= 500 for f in page["formations"]
    )
    local = api.get("/formations?catalogue=activite-professionnelle&departement=35").json
    assert all(f["lieu"]["departement"] in ("35", None) for f in local["formations"])
    bad = api.get("/formations?catalogue=loisirs&departement=XYZ&prix_max=cher")
    assert {e["champ"] for e in bad.json["errors"]} == {"catalogue", "departement", "prix_max"}


def test_mandate_formations_are_for_recognised_elus(api, catalogue, logged_in, elu):
    anonymous = api.get("/formations?catalogue=mandat")
    assert anonymous.status == 401 and "Connectez-vous" in anonymous.json["detail"]
    _, not_elu = logged_in
    refused = api.get("/formations?catalogue=reconversion", token=not_elu)
    assert refused.status == 403 and "Aide" in refused.json["detail"]
    _, elu_token = elu
    page = api.get("/formations?catalogue=mandat&q=budget", token=elu_token).json
    assert page["formations"] and all(f["catalogue"] == "mandat" for f in page["formations"])


def test_a_mandate_formation_link_opened_logged_out_says_to_log_in(api, catalogue, elu):
    formation_id = "F00001"  # the first formation of the demo catalogue: a mandate one
    logged_out = api.get(f"/formations/{formation_id}")
    assert logged_out.status == 401
    assert logged_out.json["detail"].startswith("Connectez-vous pour consulter cette formation")
    assert "indisponible" not in logged_out.json["detail"]
    _, token = elu
    fiche = api.get(f"/formations/{formation_id}", token=token).json
    assert fiche["organisme"]["agrement"]["numero"].startswith("AGR-")
    assert api.get("/formations/F99999").status == 404
    public = api.get("/formations/F00201").json
    assert public["catalogue"] == "activite-professionnelle"


def test_a_word_beginning_finds_the_formation_and_pages_never_repeat(api, catalogue, elu):
    _, token = elu
    seen, cursor = [], None
    while True:
        page = api.get(
            "/formations?catalogue=mandat&q=budg&modalite=presentiel"
            + (f"&cursor={cursor}" if cursor else ""),
            token=token,
        ).json
        seen += page["formations"]
        cursor = page["cursor"]
        if cursor is None:
            break
    from chalicelib.catalogue.search import words
    from chalicelib.clock import paris_today
    from local.demo_catalogue import demo_records

    expected = {
        r["id"]
        for r in demo_records(paris_today())
        if r["catalogue"] == "mandat"
        and r["modalite"] == "presentiel"
        and any(
            w.startswith("BUDG")
            for w in words(f"{r['titre']} {r['objectifs']} {r['organisme_nom']}")
        )
    }
    assert len({f["id"] for f in seen}) == len(seen)  # no page repeats another
    assert {f["id"] for f in seen} == expected != set()  # and none is skipped
    from chalicelib.names import normalise

    titles = [normalise(f["titre"]) for f in seen]
    assert titles == sorted(titles)


def test_request_costs_of_a_rights_call_and_a_search_page(api, catalogue, elu):
    from bench.call_counter import count_aws_calls, dynamodb_calls

    _, token = elu
    with count_aws_calls() as calls:
        assert api.get("/me/rights", token=token).status == 200
    assert dynamodb_calls(calls) <= 3
    for query in ("", "&q=finances", "&q=zzz", "&departement=35&prix_max=900"):
        with count_aws_calls() as calls:
            assert api.get(f"/formations?catalogue=mandat{query}", token=token).status == 200
        # 2 to authenticate the élu, at most 5 to search
        assert dynamodb_calls(calls) <= 2 + 5
