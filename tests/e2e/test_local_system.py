"""The running local system, over HTTP, as a browser or an API client uses it."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests

from local.seed import DEMO_ELU_NIR, DEMO_NIR, DEMO_PASSWORD, DEMO_RNE_FILE
from tests.e2e.conftest import ROOT, wait_until_elu
from tests.support.leaks import leaked
from tests.support.people import PASSWORD, signup_payload

pytestmark = pytest.mark.e2e


def test_health_and_openapi(local_system):
    assert requests.get(f"{local_system.api}/health", timeout=5).json() == {"status": "ok"}
    document = requests.get(f"{local_system.api}/openapi.json", timeout=5).json()
    assert document["openapi"].startswith("3.1") and "/accounts" in document["paths"]
    missing = requests.get(f"{local_system.api}/nulle-part", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"


def test_the_demo_account_logs_in(local_system):
    response = requests.post(
        f"{local_system.api}/sessions",
        timeout=10,
        json={"nir": DEMO_NIR[:13], "mot_de_passe": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    me = requests.get(
        f"{local_system.api}/me",
        timeout=5,
        headers={"Authorization": f"Bearer {response.json()['token']}"},
    ).json()
    # linked to the local FranceConnect: the civil registry's identity, as it spells it
    assert (me["prenoms"], me["nom"], me["identite"]) == ("Camille", "DURAND", "certifiee")


def test_signup_email_code_login_me_logout_reset(local_system):
    api = local_system.api
    payload = signup_payload()
    for step, fields in [
        (
            "identite",
            (
                "nir",
                "nom_naissance",
                "nom_usage",
                "prenoms",
                "sexe",
                "date_naissance",
                "lieu_naissance",
            ),
        ),
        ("contact", ("email", "telephone")),
        ("adresse", ("adresse",)),
        ("mot-de-passe", ("mot_de_passe",)),
    ]:
        response = requests.post(
            f"{api}/signup/steps/{step}", timeout=10, json={k: payload[k] for k in fields}
        )
        assert response.json() == {"valide": True}, response.text
    assert requests.post(f"{api}/accounts", json=payload, timeout=10).status_code == 201

    [mail] = local_system.emails_to(payload["email"])
    verified = requests.post(
        f"{api}/accounts/verification",
        timeout=10,
        json={"email": payload["email"], "code": mail.code()},
    )
    assert verified.json()["statut"] == "active"

    browser = requests.Session()
    login = browser.post(
        f"{api}/sessions", timeout=10, json={"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}
    )
    assert login.status_code == 200
    assert "HttpOnly" in login.headers["Set-Cookie"]
    # requests keeps Secure cookies for http://127.0.0.1 only if told; send it as a browser would.
    cookie = {"Cookie": f"mce_session={login.json()['token']}"}
    assert browser.get(f"{api}/me", headers=cookie, timeout=5).json()["email"] == payload["email"]
    assert browser.delete(f"{api}/sessions/current", headers=cookie, timeout=5).status_code == 204
    assert browser.get(f"{api}/me", headers=cookie, timeout=5).status_code == 401

    requests.post(f"{api}/password-resets", json={"nir": payload["nir"][:13]}, timeout=10)
    for _ in range(40):  # the account mail worker sends it, through its queue
        mails = [m for m in local_system.emails_to(payload["email"]) if "jeton=" in m.text]
        if mails:
            break
        time.sleep(0.25)
    link = mails[-1].link()
    token = parse_qs(urlparse(link).fragment)["jeton"][0]
    assert link.startswith(f"http://127.0.0.1:{local_system.api_port}/")
    reset = requests.post(
        f"{api}/password-resets/confirmation",
        timeout=10,
        json={"jeton": token, "mot_de_passe": "Hv8$colline-Granit"},
    )
    assert reset.status_code == 200

    # What the system printed meanwhile (request lines, JSON logs, metrics) keeps secrets out.
    output = local_system.output.read_text()
    assert (
        leaked(
            output,
            [
                payload["nir"],
                payload["nir"][:13],
                PASSWORD,
                mail.code(),
                token,
                login.json()["token"],
            ],
        )
        == []
    )


def login_token(api: str, nir: str) -> str:
    response = requests.post(
        f"{api}/sessions", timeout=10, json={"nir": nir[:13], "mot_de_passe": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def s3_client(local_system):
    return boto3.client(
        "s3",
        endpoint_url=local_system.moto,
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def test_uploading_the_demo_rne_file_recognises_the_demo_account(local_system):
    api = local_system.api
    assert wait_until_elu(api, DEMO_NIR, seconds=0)["elu"] is False
    s3_client(local_system).upload_file(
        str(DEMO_RNE_FILE), "mce-local-rne", "prefectures/35/elus-conseillers-municipaux-cm.csv"
    )
    me = wait_until_elu(api, DEMO_NIR)
    assert me["elu"] is True
    assert [m["collectivite"] for m in me["mandats"]] == ["Rennes"]


def test_the_recognised_demo_elu_sees_rights_and_mandate_formations(local_system):
    api = local_system.api
    headers = {"Authorization": f"Bearer {login_token(api, DEMO_NIR)}"}
    rights = requests.get(f"{api}/me/rights", headers=headers, timeout=10).json()
    assert rights["elu"]["montant_disponible"] == "800.00"  # in office since June 2020
    assert rights["cpf_euros"] == {"montant_disponible": "1250.00"}
    page = requests.get(
        f"{api}/formations",
        headers=headers,
        timeout=10,
        params={"catalogue": "mandat", "q": "budget"},
    ).json()
    assert page["formations"]
    link = f"{api}/formations/{page['formations'][0]['id']}"
    logged_out = requests.get(link, timeout=10)
    assert logged_out.status_code == 401 and "Connectez-vous" in logged_out.json()["detail"]
    assert requests.get(link, headers=headers, timeout=10).status_code == 200


def test_uploading_a_real_sample_recognises_the_other_demo_account(local_system):
    sample = ROOT / "tests" / "fixtures" / "rne" / "2022-12_conseillers-departementaux_tab.csv"
    s3_client(local_system).upload_file(str(sample), "mce-local-rne", f"national/{sample.name}")
    me = wait_until_elu(local_system.api, DEMO_ELU_NIR)
    assert me["elu"] is True and me["mandats"][0]["libelle"] == "Conseiller départemental"
    # The account is linked during the file; the report comes once the whole file is read.
    s3 = s3_client(local_system)
    s3.get_waiter("object_exists").wait(
        Bucket="mce-local-rne",
        Key=f"rne-reports/national/{sample.name}.json",
        WaiterConfig={"Delay": 1, "MaxAttempts": 60},
    )
    report = s3.get_object(Bucket="mce-local-rne", Key=f"rne-reports/national/{sample.name}.json")
    assert json.loads(report["Body"].read())["compteurs"]["acceptees"] == 200


def test_a_help_request_reaches_the_mailbox_within_seconds(local_system):
    api = local_system.api
    response = requests.post(
        f"{api}/support-requests",
        timeout=10,
        json={
            "situation": "droits_elu_invisibles",
            "nom_naissance": "Roux",
            "nom_usage": "",
            "prenoms": "Hélène",
            "date_naissance": "1968-09-02",
            "lieu_naissance": "Nantes",
            "collectivite": "Commune de Rezé",
            "email": "helene.roux@exemple.fr",
        },
    )
    assert response.status_code == 202
    reference = response.json()["reference"]
    mailbox = "dfp_mcf_gestion-des-droits-et-formationen@caissedesdepots.fr"
    deadline = time.monotonic() + 20
    while not [m for m in local_system.emails_to(mailbox) if reference in m.subject]:
        assert time.monotonic() < deadline, "the help request never reached the mailbox"
        time.sleep(0.5)
    status = requests.post(
        f"{api}/support-requests/{reference}/consultation",
        timeout=10,
        json={"email": "helene.roux@exemple.fr"},
    ).json()
    assert status["statut"] == "transmise"


def test_franceconnect_login_over_http_opens_a_session_for_the_demo_account(local_system):
    """The browser's journey: the API, the local FranceConnect's page, back to the API."""
    start = requests.get(
        f"{local_system.api}/auth/franceconnect", allow_redirects=False, timeout=10
    )
    assert start.status_code == 303
    authorize = start.headers["Location"]
    assert authorize.startswith(local_system.franceconnect + "/api/v2/authorize?")
    state_cookie = start.headers["Set-Cookie"].split(";")[0]
    page = requests.get(authorize, timeout=10)
    link = re.search(r'href="([^"]+identite=camille)"', page.text).group(1).replace("&amp;", "&")
    back = requests.get(local_system.franceconnect + link, allow_redirects=False, timeout=10)
    callback = requests.get(
        back.headers["Location"],
        headers={"Cookie": state_cookie},
        allow_redirects=False,
        timeout=10,
    )
    assert callback.status_code == 303
    assert callback.headers["Location"].endswith("/connexion/franceconnect?statut=connecte")
    session = re.search(r"mce_session=([^;]+)", callback.headers["Set-Cookie"]).group(1)
    me = requests.get(
        f"{local_system.api}/me", headers={"Cookie": f"mce_session={session}"}, timeout=10
    )
    assert (me.status_code, me.json()["prenoms"]) == (200, "Camille")


def test_an_elu_enrols_the_organisme_accepts_and_franceconnect_plus_validates(local_system):
    """Joël, recognised from a real RNE file, enrols; the demo organisme accepts with its key;
    he validates through the local FranceConnect+; 800 € become 800 − the price, then come
    back when he cancels."""
    from local.seed import DEMO_ORGANISME_KEY
    from tests.e2e.conftest import (
        demo_mandate_training,
        recognise_the_demo_elu,
        validate_with_franceconnect_plus,
    )

    api = local_system.api
    recognise_the_demo_elu(local_system)
    assert wait_until_elu(api, DEMO_ELU_NIR)["elu"] is True
    formation_id, session = demo_mandate_training(max_euros=600)
    token = login_token(api, DEMO_ELU_NIR)
    browser = requests.Session()
    browser.headers["Authorization"] = f"Bearer {token}"
    before = browser.get(f"{api}/me/rights", timeout=10).json()["elu"]["montant_disponible"]
    created = browser.post(
        f"{api}/me/dossiers",
        timeout=10,
        json={"formation_id": formation_id, "session_id": session["id"]},
        headers={"Idempotency-Key": f"e2e-http-{time.time_ns()}"},
    )
    assert created.status_code == 201, created.text
    dossier, price = created.json()["id"], created.json()["montant"]

    organisme = {"Authorization": f"Bearer {DEMO_ORGANISME_KEY}"}
    waiting = requests.get(
        f"{api}/organismes/dossiers",
        timeout=10,
        headers=organisme,
        params={"statut": "en_attente_organisme"},
    ).json()["dossiers"]
    assert dossier in [d["id"] for d in waiting]
    accepted = requests.post(
        f"{api}/organismes/dossiers/{dossier}/acceptation", timeout=10, headers=organisme
    )
    assert accepted.status_code == 200 and accepted.json()["statut"] == "acceptee"

    refused = browser.post(f"{api}/me/dossiers/{dossier}/validation", timeout=10)
    assert refused.status_code == 403
    certified = validate_with_franceconnect_plus(
        api, local_system.franceconnect, refused.json()["connexion"], "joel", dossier
    )
    browser.headers["Authorization"] = f"Bearer {certified}"

    validated = browser.post(f"{api}/me/dossiers/{dossier}/validation", timeout=10)
    assert validated.status_code == 200, validated.text
    after = browser.get(f"{api}/me/rights", timeout=10).json()["elu"]["montant_disponible"]
    assert float(after) == float(before) - float(price)
    cancelled = browser.post(f"{api}/me/dossiers/{dossier}/annulation", timeout=10)
    assert cancelled.status_code == 200 and cancelled.json()["rembourse"] is True
    assert browser.get(f"{api}/me/rights", timeout=10).json()["elu"]["montant_disponible"] == before


def test_the_seed_has_a_file_at_each_end_of_training_step_and_one_lancer_pays_the_due(
    local_system,
):
    """Nathalie Kerbrat's files, made in the past through the use cases: one at each step, a
    ledger that adds up, a batch paid; the banner's command makes today's batch and its SEPA
    file, with nothing else in the environment."""
    import os
    import shlex

    from chalicelib.payments.sepa import validate_pain_001
    from chalicelib.resource_names import stage_names
    from local.demo_files import DEMO_IBAN, FILES
    from local.seed import DEMO_ORGANISME_KEY, TRAINEE_NIR

    api = local_system.api
    organisme = {"Authorization": f"Bearer {DEMO_ORGANISME_KEY}"}

    def files_at(step: str) -> list[dict]:
        listed = requests.get(
            f"{api}/organismes/dossiers", params={"statut": step}, headers=organisme, timeout=10
        ).json()["dossiers"]
        return [d for d in listed if d["stagiaire"]["prenoms"] == "Nathalie"]

    steps = {f.step: files_at(f.step) for f in FILES}
    assert {step: len(found) for step, found in steps.items()} == {f.step: 1 for f in FILES}
    [held] = steps["service_fait_declare"]
    assert (
        held["controle"]["issue"] == "attente" and "discordants" in held["controle"]["raisons"][0]
    )
    [due] = steps["service_fait_valide"]
    assert (due["montant_du"], due["rendu"]) == ("80.00", "80.00")

    token = login_token(api, TRAINEE_NIR)
    headers = {"Authorization": f"Bearer {token}"}
    history = requests.get(f"{api}/me/rights/history", headers=headers, timeout=10).json()
    debits = [o["montant"] for o in history["operations"] if o["sens"] == "debit"]
    assert sorted(debits) == sorted(f"{f.price_euros}.00" for f in FILES)
    assert "Part non réalisée" in history["operations"][0]["libelle"]
    balance = requests.get(f"{api}/me/rights", headers=headers, timeout=10).json()["elu"]
    assert balance["montant_disponible"] == "180.00"  # 800 − 700 debited + 80 credited back

    lots = requests.get(f"{api}/organismes/paiements", headers=organisme, timeout=10).json()
    assert [lot["statut"] for lot in lots["lots"]] == ["paye"]
    # other tests of this session may have made files of the demo organisme to pay too
    assert due["id"] in [line["dossier"] for line in lots["a_payer"]]

    banner = local_system.output.read_text()
    command = re.search(r"Lot du jour\s+(.*?infra\.paiements lancer)", banner, re.DOTALL)
    shell_line = command.group(1).replace("\\\n", " ")  # the banner's continuation lines
    *assignments, python, dash_m, module, verb = shlex.split(shell_line)
    env = {"PATH": os.environ["PATH"], **dict(a.split("=", 1) for a in assignments)}
    run = subprocess.run(  # noqa: S603 - the command our own banner prints
        [python, dash_m, module, verb], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    [key] = re.findall(r"Fichier SEPA : (\S+)", run.stdout)
    bucket = stage_names("local")["payments_bucket"]
    document = s3_client(local_system).get_object(Bucket=bucket, Key=key)
    sepa = document["Body"].read()
    validate_pain_001(sepa)
    assert DEMO_IBAN.encode() in sepa and b'<InstdAmt Ccy="EUR">80.00</InstdAmt>' in sepa
    lots = requests.get(f"{api}/organismes/paiements", headers=organisme, timeout=10).json()
    assert [lot["statut"] for lot in lots["lots"]] == ["emis", "paye"] and not lots["a_payer"]
    assert due["id"] in [line["dossier"] for line in lots["lots"][0]["lignes"]]


def test_the_demo_organisme_publishes_an_elu_enrols_and_its_receiver_hears_it(local_system):
    """Over HTTP: the demo organisme publishes a formation and a session with its key, Joël
    finds it in the search and asks for a place, and the organisme's receiver (the demo's, on
    loopback) gets the signed event of the new request."""
    from datetime import timedelta

    from chalicelib.clock import paris_today
    from local.seed import DEMO_ORGANISME_KEY
    from tests.e2e.conftest import recognise_the_demo_elu

    api = local_system.api
    organisme = {"Authorization": f"Bearer {DEMO_ORGANISME_KEY}"}
    recognise_the_demo_elu(local_system)
    assert wait_until_elu(api, DEMO_ELU_NIR)["elu"] is True
    created = requests.post(
        f"{api}/organismes/formations",
        headers=organisme,
        timeout=10,
        json={
            "catalogue": "mandat",
            "titre": "Le budget participatif pas à pas",
            "objectifs": "Associer les habitants au budget de la commune.",
            "duree_heures": 7,
            "prix": "280",
            "modalite": "presentiel",
            "lieu": {"commune": "Bourg-en-Bresse", "departement": "01"},
            "agrement": {"numero": "AGR-2025-0042", "debut": "2025-01-01", "fin": "2030-12-31"},
        },
    )
    assert created.status_code == 201, created.text
    formation_id = created.json()["id"]
    day = paris_today() + timedelta(days=60)
    session = requests.post(
        f"{api}/organismes/formations/{formation_id}/sessions",
        headers=organisme,
        timeout=10,
        json={"date_debut": day.isoformat(), "places": 10},
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]

    elu = {"Authorization": f"Bearer {login_token(api, DEMO_ELU_NIR)}"}
    found = requests.get(
        f"{api}/formations",
        params={"catalogue": "mandat", "q": "budget participatif"},
        headers=elu,
        timeout=10,
    ).json()["formations"]
    assert formation_id in [f["id"] for f in found]
    asked = requests.post(
        f"{api}/me/dossiers",
        json={"formation_id": formation_id, "session_id": session_id},
        headers={**elu, "Idempotency-Key": f"e2e-webhook-{time.time_ns()}"},
        timeout=10,
    )
    assert asked.status_code == 201, asked.text
    heard = f"webhook démo : dossier.en_attente_organisme {asked.json()['id']}"
    deadline = time.monotonic() + 30
    while heard not in local_system.output.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert heard in local_system.output.read_text()  # verified with its signature, then printed


def test_ctrl_c_stops_everything_and_frees_the_ports(local_system):
    process: subprocess.Popen = local_system.process
    for _ in range(3):  # a person presses it more than once
        process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    for port in (local_system.moto_port, local_system.api_port, local_system.franceconnect_port):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
    assert "Arrêté." in local_system.output.read_text()
