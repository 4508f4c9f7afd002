"""The end of rights (6 months, reconversion only, then a lapse entry), re-election, and the
daily job (pages through the queue, a crash resumes, nothing credited twice, a missed day
caught up)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from chalicelib import services
from chalicelib.clock import PARIS, paris_today
from chalicelib.models import Account, CreditRun, LedgerEntry
from local.demo_catalogue import demo_catalogue_csv
from tests.support.people import PASSWORD
from tests.support.rights_jobs import deliver_rights_messages, take_rights_messages
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import HELENE_ROW, RneWorld, days_ago

OTHERS = [
    municipal_row("MARTIN", "Claire", "F", "14/03/1975"),
    municipal_row("BRUNET", "Joël", "M", "05/01/1955"),
]


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


@pytest.fixture
def helene(rne):
    return rne.helene(OTHERS, days_ago(40))


def login(api, person) -> str:
    return api.post("/sessions", {"nir": person["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]


def account_of(person) -> Account:
    return next(a for a in Account.scan() if a.email == person["email"])


def her_mandate_ends(rne) -> str:
    ended = days_ago(2)
    rne.ingest("prefectures/35/cm-2.csv", write(CURRENT_HEADER, OTHERS), ended)
    return ended


@pytest.fixture
def catalogue(aws):
    from chalicelib.catalogue.importer import import_catalogue

    import_catalogue(
        demo_catalogue_csv(paris_today()), "demo.csv", paris_today(), services.catalogue().save
    )


def test_an_ended_mandate_leaves_six_months_of_reconversion_then_the_rights_lapse(
    api, rne, helene, catalogue, client
):
    token = login(api, helene)
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "800.00"
    ended = her_mandate_ends(rne)  # the ingestion tells the rights workers (relayed here)

    assert api.get("/me", token=token).json["elu"] is False
    rights = api.get("/me/rights", token=token).json["elu"]
    until = date.fromisoformat(rights["utilisable_jusqu_au"])
    assert until > date.fromisoformat(ended) + timedelta(days=180)
    assert until < date.fromisoformat(ended) + timedelta(days=185)
    assert rights["en_mandat"] is False and rights["prochain_credit"] is None
    assert rights["utilisable_pour"] == ["reconversion"]
    assert rights["montant_disponible"] == "800.00"
    assert api.get("/formations?catalogue=mandat", token=token).status == 403
    assert api.get("/formations?catalogue=reconversion", token=token).status == 200
    assert account_of(helene).dif_prochain == (until + timedelta(days=1)).isoformat()

    the_day_after = datetime.combine(until + timedelta(days=1), datetime.min.time(), PARIS)
    with time_machine.travel(the_day_after + timedelta(hours=3), tick=False):
        run = client.lambda_.invoke("credit_dif_annuel", _scheduled(client)).payload
        assert run["comptes"] == 1
        deliver_rights_messages(client, twice=True)
        token = login(api, helene)
        rights = api.get("/me/rights", token=token).json["elu"]
        assert rights["montant_disponible"] == "0.00" and rights["utilisable_pour"] == []
        assert api.get("/formations?catalogue=reconversion", token=token).status == 403
        [lapse] = [
            o
            for o in api.get("/me/rights/history", token=token).json["operations"]
            if o["sens"] == "debit"
        ]
        assert lapse["montant"] == "800.00" and lapse["libelle"].startswith("Fin des droits")
    assert account_of(helene).dif_prochain is None


def test_a_re_elected_elu_keeps_the_rights(api, rne, helene):
    token = login(api, helene)
    her_mandate_ends(rne)
    assert api.get("/me", token=token).json["elu"] is False
    rne.ingest(
        "prefectures/35/cm-3.csv",
        write(
            CURRENT_HEADER,
            [municipal_row("ROUX", "Hélène", "F", "02/09/1968", debut=_fr(days_ago(1))), *OTHERS],
        ),
        days_ago(1),
    )
    assert api.get("/me", token=token).json["elu"] is True
    rights = api.get("/me/rights", token=token).json["elu"]
    assert rights["montant_disponible"] == "800.00" and rights["en_mandat"] is True
    assert rights["utilisable_pour"] == ["mandat", "reconversion"]
    assert rights["prochain_credit"] > paris_today().isoformat()


def test_the_daily_job_resumes_after_a_crash_catches_up_a_missed_day_and_credits_once(
    api, rne, monkeypatch
):
    from chalicelib.rights import daily

    people = [
        rne.person(nom_naissance=n, nom_usage=None, prenoms=p, sexe=s, date_naissance=b, email=e)
        for n, p, s, b, e in (
            ("Roux", "Hélène", "F", "1968-09-02", "helene@exemple.fr"),
            ("Martin", "Claire", "F", "1975-03-14", "claire@exemple.fr"),
            ("Brunet", "Joël", "M", "1955-01-05", "joel@exemple.fr"),
        )
    ]
    rne.ingest("prefectures/35/cm.csv", write(CURRENT_HEADER, [HELENE_ROW, *OTHERS]), days_ago(40))
    today = paris_today()
    yesterday = (today - timedelta(days=1)).isoformat()
    accounts = [account_of(p) for p in people]
    this_year = today.year if (today.month, today.day) >= (3, 30) else today.year - 1
    for account, due in zip(accounts, (yesterday, yesterday, today.isoformat()), strict=True):
        assert this_year in {int(y) for y in account.dif_annees}
        account.update(  # as if 700 € were spent and this year's credit fell on `due`
            actions=[
                Account.dif_solde_centimes.set(10_000),
                Account.dif_annees.delete({this_year}),
                Account.dif_prochain.set(due),
            ]
        )
        LedgerEntry(account.nir_hash, f"annee#{this_year}").delete()
    # the job last finished two days ago: yesterday was missed
    CreditRun("tache#credit-dif", "etat", jour_fait=(today - timedelta(days=2)).isoformat()).save()
    monkeypatch.setattr(daily, "QUERY_PAGE", 1)
    monkeypatch.setattr(daily, "MESSAGE_ACCOUNTS", 1)
    job = services.daily_credit()
    sent: list[dict] = []
    real_send = job._send

    def crash_on_second(body):
        if len(sent) == 1:
            raise ConnectionError("the function stops here")
        sent.append(body)
        real_send(body)

    monkeypatch.setattr(job, "_send", crash_on_second)
    with pytest.raises(ConnectionError):
        job.run(lambda: 300_000)
    state = CreditRun.get("tache#credit-dif", "etat")
    assert state.jour_en_cours == yesterday and state.reprise  # where it stopped

    monkeypatch.setattr(job, "_send", real_send)
    assert job.run(lambda: 300_000)["termine"] is True
    assert CreditRun.get("tache#credit-dif", "etat").jour_fait == today.isoformat()
    bodies = take_rights_messages()
    named = [h for body in bodies for h in body["comptes"]]
    assert sorted(set(named)) == sorted(a.nir_hash for a in accounts)

    for _ in range(2):  # every message delivered twice
        for body in [{"comptes": [a.nir_hash]} for a in accounts]:
            services.rights().review(body["comptes"], services.mandate_spans)
    for account in accounts:
        account.refresh()
        assert account.dif_solde_centimes == 50_000  # 400 € once
        assert account.dif_prochain > today.isoformat()
        yearly = [
            e for e in LedgerEntry.query(account.nir_hash) if e.sk.endswith(f"#credit#{this_year}")
        ]
        assert len(yearly) == 1


def _scheduled(client):
    return client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )


def _fr(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
