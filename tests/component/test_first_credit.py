"""The first DIF élus credit at the start of the first mandate year, through the API, and the
operators' repair of the accounts recognised while it came a year later."""

from datetime import date

import pytest

from chalicelib import services
from chalicelib.models import Account, LedgerEntry
from chalicelib.rights import rules
from infra import rights as rights_tool
from tests.support.people import PASSWORD
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import HELENE_ROW, RneWorld

NEWCOMER = {"nom_naissance": "Lemoine", "nom_usage": None, "prenoms": "Inès"}
NEWCOMER_ROW = municipal_row("LEMOINE", "Inès", "F", "14/03/1975", debut="22/03/2026")


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


def former_credit_days(basis, today):
    """The rule before the repair: the first credit after a full year of mandate."""
    special = rules.year_2021().day
    days = [special] if basis.in_office(special) and special <= today else []
    years = 1
    while (day := rules.anniversary(basis.anchor, years)) <= today:
        if rules.rule_on(day) is not None and basis.in_office(day):
            days.append(day)
        years += 1
    return days


def credits_of(nir_hash: str) -> list[tuple[str, int]]:
    return sorted(
        (e.date, int(e.montant_centimes)) for e in LedgerEntry.query(nir_hash) if e.montant_centimes
    )


def account_of(payload) -> Account:
    return next(a for a in Account.scan() if a.email == payload["email"])


def test_a_councillor_first_elected_in_march_2026_sees_400_euros_at_once(rne, api):
    person = rne.person(**NEWCOMER)
    rne.ingest("prefectures/35/cm.csv", write(CURRENT_HEADER, [NEWCOMER_ROW]))
    token = api.post("/sessions", {"nir": person["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    rights = api.get("/me/rights", token=token).json["elu"]
    assert rights["montant_disponible"] == "400.00"
    assert rights["prochain_credit"] == "2027-03-30"
    [credit] = api.get("/me/rights/history", token=token).json["operations"]
    assert (credit["date"], credit["montant"], credit["libelle"]) == (
        "2026-03-30",
        "400.00",
        "Crédit annuel DIF élus 2026",
    )


def test_the_repair_lists_then_makes_the_first_credits_the_former_rule_missed(
    rne, monkeypatch, capsys
):
    newcomer = rne.person(**NEWCOMER)
    helene = rne.person(
        nom_naissance="Roux", nom_usage=None, prenoms="Hélène", date_naissance="1968-09-02"
    )
    with monkeypatch.context() as former:
        former.setattr(rules, "credit_days", former_credit_days)
        rne.ingest("prefectures/35/cm.csv", write(CURRENT_HEADER, [NEWCOMER_ROW, HELENE_ROW]))
    mine = account_of(newcomer)
    assert mine.elu and int(mine.dif_solde_centimes or 0) == 0  # as the former rule left it
    helene_before = credits_of(account_of(helene).nir_hash)

    assert rights_tool.main(["premiers-credits"]) == 0
    dry_run = capsys.readouterr().out
    assert "comptes reconnus examinés : 2" in dry_run
    assert "comptes à créditer : 1" in dry_run
    assert "1, 400,00\u00a0€" in dry_run and "2026 : 1" in dry_run and "--appliquer" in dry_run
    assert credits_of(mine.nir_hash) == []  # a dry run writes nothing

    assert rights_tool.main(["premiers-credits", "--appliquer"]) == 0
    assert "crédits faits : 1, 400,00\u00a0€" in capsys.readouterr().out
    mine.refresh()
    assert int(mine.dif_solde_centimes) == 40_000
    assert credits_of(mine.nir_hash) == [("2026-03-30", 40_000)]  # dated the day it was due
    assert credits_of(account_of(helene).nir_hash) == helene_before  # an élu of 2020: as before

    assert rights_tool.main(["premiers-credits", "--appliquer"]) == 0
    assert "crédits faits : 0, 0,00\u00a0€" in capsys.readouterr().out
    mine.refresh()
    assert int(mine.dif_solde_centimes) == 40_000
    assert services.rights().missing_credits(mine) == []
    assert date.fromisoformat(mine.dif_prochain) == date(2027, 3, 30)
