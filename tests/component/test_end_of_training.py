"""The end of a file, where the money moves: the organisme declares the exit with the completion,
then the service done with its invoice; the funder validates it (at once when consistent, else
an operator), and the unrealised part goes back to the élu's rights, once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib import services
from chalicelib.api import problem_for
from chalicelib.enrolment.end_of_training import NotHeld
from chalicelib.enrolment.rules import add_working_days
from chalicelib.enrolment.schemas import ServiceDeclaration
from chalicelib.errors import DomainError
from chalicelib.models import Account, Dossier, LedgerEntry
from infra import paiements
from tests.support.atomic_dynamodb import atomic_requests
from tests.support.end_of_training import act, at, half_exit, in_training, invoice
from tests.support.enrolment import (
    OTHER_ORGANISME,
    account_of,
    organisme_key,
)

ORGANISME_EMAIL = "inscriptions@institut.fr"


def balance(payload) -> int:
    return int(account_of(payload).dif_solde_centimes)


def test_a_full_completion_is_validated_at_once_and_paid_in_full(api, elus, key, outbox):
    payload, ident, _start, end = in_training(api, elus, key)
    with at(end):
        exit_ = act(
            api, key, ident, "sortie", {"date_sortie": end.isoformat(), "taux_realisation": 100}
        )
        assert exit_.status == 200, exit_.json
        assert exit_.json["statut"] == "sortie_declaree" and exit_.json["montant_du"] == "300.00"
        assert exit_.json["sortie"]["taux_realisation"] == "100.00"
        assert exit_.json["sortie"]["tardive"] is False
        assert "Sortie enregistrée" in outbox.last_to(ORGANISME_EMAIL).subject
        assert "fin de votre formation" in outbox.last_to(payload["email"]).subject
        done = act(api, key, ident, "service-fait", invoice("300"))
        assert done.status == 200, done.json
        assert done.json["statut"] == "service_fait_valide"
        assert (
            done.json["controle"]["issue"] == "validee"
            and done.json["controle"]["par"] == "systeme"
        )
        assert done.json["facture"]["montant_ttc"] == "300.00"
        assert done.json["rendu"] == "0.00"
        token = elus.token(payload)
        mine = api.get(f"/me/dossiers/{ident}", token=token).json
    assert [(e["statut"], e["par"]) for e in mine["historique"]][-4:] == [
        ("en_formation", "organisme"),
        ("sortie_declaree", "organisme"),
        ("service_fait_declare", "organisme"),
        ("service_fait_valide", "systeme"),
    ]
    assert mine["montant_du"] == "300.00" and mine["sortie"]["date_sortie"] == end.isoformat()
    assert "facture" not in mine and "controle" not in mine  # between organisme and funder
    assert balance(payload) == 50_000  # debited in full: everything was delivered
    assert "Service fait validé" in outbox.last_to(ORGANISME_EMAIL).subject
    assert "300,00\u00a0€" in outbox.last_to(payload["email"]).text
    payable = services.payment_store().payable_of(Dossier.get(ident).organisme)
    assert [d.id for d in payable] == [ident]


def test_a_partial_completion_pays_the_prorata_and_credits_back_the_rest(api, elus, key, outbox):
    payload, ident, start, end = in_training(api, elus, key, prix="300", heures="14")
    exit_day = start
    with at(end):
        exit_ = act(
            api,
            key,
            ident,
            "sortie",
            {
                "date_sortie": exit_day.isoformat(),
                "taux_realisation": 33.33,
                "motif_partiel": "abandon",
                "heures_realisees": 4.67,
            },
        )
        assert exit_.status == 200, exit_.json
        assert exit_.json["montant_du"] == "99.99"  # 300 x 33.33 %, to the cent
        assert exit_.json["sortie"]["motif_partiel"] == "abandon"
        assert exit_.json["sortie"]["heures_realisees"] == "4.67"
        over = act(api, key, ident, "service-fait", invoice("100"))
        assert over.status == 422 and over.json["montant_du"] == "99.99"
        assert over.json["errors"][0]["champ"] == "facture.montant_ttc"
        assert "99,99\u00a0€" in over.json["detail"]
        done = act(api, key, ident, "service-fait", invoice("99.99"))
        assert done.status == 200 and done.json["statut"] == "service_fait_valide", done.json
        assert done.json["rendu"] == "200.01"
        token = elus.token(payload)
        history = api.get("/me/rights/history", token=token).json["operations"]
        mine = api.get(f"/me/dossiers/{ident}", token=token).json
    assert balance(payload) == 50_000 + 20_001
    assert history[0]["sens"] == "credit" and history[0]["montant"] == "200.01"
    assert ident in history[0]["libelle"] and "non réalisée" in history[0]["libelle"]
    assert mine["rendu"] == "200.01" and mine["montant_du"] == "99.99"
    assert "200,01\u00a0€ recrédités" in outbox.last_to(payload["email"]).text


def test_what_the_organisme_sends_is_checked_field_by_field(api, elus, key):
    _payload, ident, start, end = in_training(api, elus, key)
    other = organisme_key(OTHER_ORGANISME, email=None)
    good_exit = {"date_sortie": end.isoformat(), "taux_realisation": 100}
    with at(end):
        # before the exit: no service done
        early = act(api, key, ident, "service-fait", invoice("300"))
        assert early.status == 409 and early.json["statut"] == "en_formation"

        def fields(body, action="sortie"):
            answer = act(api, key, ident, action, body)
            assert answer.status == 400, answer.json
            assert answer.json["detail"] and answer.json["errors"]
            return {e["champ"] for e in answer.json["errors"]}

        assert fields({}) == {"date_sortie", "taux_realisation"}
        assert fields({**good_exit, "taux_realisation": 120}) == {"taux_realisation"}
        assert fields({**good_exit, "taux_realisation": "cent"}) == {"taux_realisation"}
        assert fields({**good_exit, "taux_realisation": 50}) == {
            "motif_partiel",
            "heures_realisees",
        }
        assert fields({**good_exit, "motif_partiel": "abandon"}) == {"motif_partiel"}
        assert fields(
            {**good_exit, "taux_realisation": 50, "motif_partiel": "ennui", "heures_realisees": 7}
        ) == {"motif_partiel"}
        tomorrow = (end + timedelta(days=1)).isoformat()
        assert fields({**good_exit, "date_sortie": tomorrow}) == {"date_sortie"}
        before = act(
            api,
            key,
            ident,
            "sortie",
            {**good_exit, "date_sortie": (start - timedelta(days=1)).isoformat()},
        )
        assert before.status == 422 and before.json["errors"][0]["champ"] == "date_sortie"
        assert act(api, other, ident, "sortie", good_exit).status == 404
        assert act(api, key, "DOS-INCONNU23456", "sortie", good_exit).status == 404
        assert act(api, key, ident, "sortie", good_exit).status == 200

        assert fields({}, "service-fait") == {"facture"}
        assert fields({"facture": {}}, "service-fait") == {
            "facture.numero",
            "facture.date",
            "facture.montant_ht",
            "facture.montant_ttc",
        }
        dearer_ht = invoice("300")
        dearer_ht["facture"]["montant_ht"] = "301"
        assert fields(dearer_ht, "service-fait") == {"facture.montant_ht"}
        assert fields(invoice("300", day=tomorrow), "service-fait") == {"facture.date"}
        assert act(api, other, ident, "service-fait", invoice("300")).status == 404
        assert act(api, key, ident, "service-fait", invoice("300")).status == 200
        again = act(api, key, ident, "service-fait", invoice("300"))
        assert again.status == 409 and again.json["statut"] == "service_fait_valide"
        late_exit = act(api, key, ident, "sortie", good_exit)
        assert late_exit.status == 409


def test_an_exit_declared_after_3_working_days_is_accepted_and_flagged_late(api, elus, key):
    _, ident, _start, end = in_training(api, elus, key)
    with at(add_working_days(end, 3), 20):
        on_time = act(
            api, key, ident, "sortie", {"date_sortie": end.isoformat(), "taux_realisation": 100}
        )
        assert on_time.status == 200 and on_time.json["sortie"]["tardive"] is False
    with at(add_working_days(end, 4), 9):
        late = act(
            api, key, ident, "sortie", {"date_sortie": end.isoformat(), "taux_realisation": 100}
        )
        assert late.status == 200 and late.json["sortie"]["tardive"] is True


def test_an_inconsistent_declaration_waits_for_an_operator_who_validates_it(
    api, elus, key, capsys, outbox
):
    payload, ident, _start, end = in_training(api, elus, key, prix="280", heures="14")
    with at(end):
        # 50 % declared, but 10 of 14 hours: the funder does not pay that at once
        act(
            api,
            key,
            ident,
            "sortie",
            half_exit(end, "absence", 10),
        )
        held = act(api, key, ident, "service-fait", invoice("140"))
        assert held.status == 200 and held.json["statut"] == "service_fait_declare"
        assert held.json["controle"]["issue"] == "attente"
        assert "discordants" in held.json["controle"]["raisons"][0]
        assert "en vérification" in outbox.last_to(ORGANISME_EMAIL).subject
    assert balance(payload) == 80_000 - 28_000  # nothing back before the validation
    assert paiements.main(["attente"]) == 0
    listing = capsys.readouterr().out
    assert ident in listing and "discordants" in listing and "1 dossier(s) en attente" in listing
    with pytest.raises(SystemExit):
        paiements.main(["valider", ident])  # --par is required
    assert paiements.main(["valider", ident, "--par", "c.martin"]) == 0
    stored = Dossier.get(ident)
    assert stored.statut == "service_fait_valide" and stored.controle.par == "c.martin"
    assert stored.historique[-1].par == "operateur"
    assert int(stored.rendu_centimes) == 14_000 and balance(payload) == 52_000 + 14_000
    assert paiements.main(["valider", ident, "--par", "c.martin"]) == 1  # not held any more
    assert paiements.main(["attente"]) == 0
    assert "0 dossier(s) en attente" in capsys.readouterr().out


def test_an_operator_rejection_sends_the_file_back_to_the_organisme(api, elus, key, outbox):
    payload, ident, _start, end = in_training(api, elus, key)
    with at(end):
        act(
            api,
            key,
            ident,
            "sortie",
            half_exit(end, "force_majeure", 2),
        )
        act(api, key, ident, "service-fait", invoice("150"))
        holder_mails = len(outbox.to(payload["email"]))
        with pytest.raises(SystemExit):
            paiements.main(["rejeter", ident, "--par", "c.martin"])  # a reason is due
        assert (
            paiements.main(["rejeter", ident, "--par", "c.martin", "--motif", "Heures à revoir"])
            == 0
        )
        back = Dossier.get(ident)
        assert back.statut == "sortie_declaree" and back.motif == "Heures à revoir"
        assert back.controle.issue == "rejetee" and back.paiement is None
        mail = outbox.last_to(ORGANISME_EMAIL)
        assert "rejeté" in mail.subject and "Heures à revoir" in mail.text
        assert len(outbox.to(payload["email"])) == holder_mails  # nothing new for the élu
        again = act(
            api,
            key,
            ident,
            "sortie",
            half_exit(end, "force_majeure", 7),
        )
        assert again.status == 200 and "controle" not in again.json
        done = act(api, key, ident, "service-fait", invoice("150"))
        assert done.json["statut"] == "service_fait_valide", done.json
    assert balance(payload) == 50_000 + 15_000


def test_a_refund_never_lifts_the_balance_above_the_ceiling_of_the_debit(api, elus, key, outbox):
    payload, ident, _start, end = in_training(api, elus, key, prix="300")
    # a yearly credit since the debit: 500 + 250, the ceiling (800 €) leaves room for 50
    Account(account_of(payload).nir_hash).update(actions=[Account.dif_solde_centimes.add(25_000)])
    with at(end):
        act(
            api,
            key,
            ident,
            "sortie",
            half_exit(end, "abandon", 7),
        )
        done = act(api, key, ident, "service-fait", invoice("150"))
        assert done.status == 200 and done.json["rendu"] == "50.00", done.json
    assert balance(payload) == 80_000
    assert int(Dossier.get(ident).non_rendu_centimes) == 10_000
    assert "100,00\u00a0€ n'ont pas pu être recrédités" in outbox.last_to(payload["email"]).text


def _at_once(count_, action):
    start = threading.Barrier(count_)

    def run(n):
        start.wait()
        try:
            action(n)
            return "ok"
        except NotHeld:  # an operator's: decided meanwhile
            return "not held"
        except Exception as error:  # noqa: BLE001 - what each one ends with, said by the API
            if not isinstance(error, DomainError):
                return f"500 {type(error).__name__}"
            return problem_for(error).status

    with atomic_requests(), ThreadPoolExecutor(count_) as pool:
        return list(pool.map(run, range(count_)))


def _refunds(payload, ident) -> list[int]:
    return [
        int(e.montant_centimes)
        for e in LedgerEntry.query(account_of(payload).nir_hash)
        if e.dossier == ident and int(e.montant_centimes or 0) > 0
    ]


def test_twenty_declarations_of_the_service_done_at_once_credit_back_once(api, elus, key):
    payload, ident, _start, end = in_training(api, elus, key, prix="300")
    siret = Dossier.get(ident).organisme
    desk = services.end_of_training()
    with at(end):
        act(
            api,
            key,
            ident,
            "sortie",
            half_exit(end, "abandon", 7),
        )
        body = ServiceDeclaration.read(invoice("150"), end)
        outcomes = _at_once(20, lambda _: desk.declare_service(siret, ident, body))
    assert outcomes.count("ok") == 1 and outcomes.count(409) == 19, outcomes
    assert _refunds(payload, ident) == [15_000]
    assert balance(payload) == 50_000 + 15_000


def test_twenty_operator_validations_at_once_credit_back_once(api, elus, key):
    payload, ident, _start, end = in_training(api, elus, key, prix="300")
    with at(end):
        act(
            api,
            key,
            ident,
            "sortie",
            half_exit(end, "abandon", 3),
        )
        assert (
            act(api, key, ident, "service-fait", invoice("150")).json["statut"]
            == "service_fait_declare"
        )
    desk = services.end_of_training()

    outcomes = _at_once(20, lambda n: desk.validate(ident, f"operateur-{n}"))
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count(409) + outcomes.count("not held") == 19, outcomes
    assert _refunds(payload, ident) == [15_000]
    assert balance(payload) == 50_000 + 15_000


def test_files_ended_as_service_fait_are_migrated_once_and_wait_for_an_operator(
    api, elus, key, capsys
):
    payload, ident, _start, end = in_training(api, elus, key, prix="300")
    stored = Dossier.get(ident)
    stored.update(
        actions=[
            Dossier.statut.set("service_fait"),
            Dossier.statut_tri.set(f"service_fait#{stored.created_at.isoformat()}"),
        ]
    )
    assert paiements.main(["migrer"]) == 0
    assert "1 dossier(s) passé(s)" in capsys.readouterr().out
    assert paiements.main(["migrer"]) == 0
    assert "0 dossier(s) passé(s)" in capsys.readouterr().out
    migrated = Dossier.get(ident)
    assert migrated.statut == "service_fait_declare"
    assert (
        int(migrated.sortie.taux_centiemes) == 10_000
        and int(migrated.montant_du_centimes) == 30_000
    )
    assert migrated.paiement == "attente" and "aucune facture" in migrated.controle.raisons[0]
    with at(end):
        view = act(
            api, key, ident, "sortie", {"date_sortie": end.isoformat(), "taux_realisation": 100}
        )
    assert view.status == 409 and view.json["statut"] == "service_fait_declare"
    assert paiements.main(["valider", ident, "--par", "c.martin"]) == 0
    assert Dossier.get(ident).statut == "service_fait_valide"
    assert balance(payload) == 50_000  # at 100 %: nothing comes back


def _pdf_text(body: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(PdfReader(io.BytesIO(body)).pages[0].extract_text().split())


def test_the_elu_downloads_the_attestation_once_the_service_done_is_validated(api, elus, key):
    payload, ident, start, end = in_training(api, elus, key, prix="300", heures="14")
    pdf = {"Accept": "application/pdf"}
    with at(end):
        token = elus.token(payload)
        assert act(api, key, ident, "sortie", half_exit(start, "abandon", 7)).status == 200
        early = api.get(f"/me/dossiers/{ident}/attestation", token=token, headers=pdf)
        assert early.status == 409 and early.json["type"].endswith("attestation-indisponible")
        assert act(api, key, ident, "service-fait", invoice("150")).status == 200
        got = api.get(f"/me/dossiers/{ident}/attestation", token=token, headers=pdf)
        [(_, stranger)] = elus.create(prenoms="Paul", nom_naissance="Lemoine")
        theirs = api.get(f"/me/dossiers/{ident}/attestation", token=stranger, headers=pdf)
        rated = api.request("PUT", f"/me/dossiers/{ident}/evaluation", {"note": 5}, token=token)
    assert got.status == 200 and got.content_type == "application/pdf"
    assert got.headers["Content-Disposition"] == f'attachment; filename="attestation-{ident}.pdf"'
    text = _pdf_text(got.body)
    for expected in (
        "Attestation de formation",
        payload["prenoms"],
        "SIRET",
        f"du {start:%d/%m/%Y}",
        "7 heures (50 % de la formation)",
        "150,00 €",
        ident,
    ):
        assert expected in text, expected
    assert theirs.status == 404
    assert rated.status == 200  # after the exit, the training can be rated
