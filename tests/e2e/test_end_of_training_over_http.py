"""The whole life of a file over HTTP, to the organisme's payment: an élu enrols, the organisme
accepts, the élu validates with FranceConnect+, the organisme declares the entry, an exit at 50 %
(abandon) and the service done; half the price comes back to the élu's rights; the daily job
makes the batch, whose SEPA file is in the payments bucket and valid; the élu downloads the
attestation.

The app is served over HTTP by the local server `make run` uses, the local FranceConnect+ on its
own port, AWS in-process (moto): the session's days come by moving the clock of this process,
which the running system cannot do."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import boto3
import pytest
import requests
import time_machine

from chalicelib import services
from chalicelib.payments.sepa import validate_pain_001
from local.free_ports import free_port
from tests.e2e.conftest import demo_mandate_training, validate_with_franceconnect_plus

pytestmark = pytest.mark.e2e
HOST = "127.0.0.1"
AIN_SAMPLE = "2022-12_conseillers-departementaux_tab.csv"  # names Joël Brunet


@pytest.fixture
def served(aws, outbox, monkeypatch):
    """The API on a free port with the demo data, and the local FranceConnect pointed at it."""
    from infra.organismes import main as organismes_tool
    from local import api_server, seed
    from local.franceconnect_provider import LocalFranceConnect
    from tests.support.api import Api
    from tests.support.rne_world import RneWorld

    port = free_port()
    site = f"http://{HOST}:{port}"
    monkeypatch.setenv("PUBLIC_URL", site)
    monkeypatch.setenv("FRANCECONNECT_REDIRECT_URI", f"{site}/api/auth/franceconnect/callback")
    monkeypatch.setenv("FRANCECONNECT_POST_LOGOUT_URI", f"{site}/?deconnexion=1")
    services.reset()
    provider = LocalFranceConnect.for_stage(
        services.get_settings(),
        boto3.session.Session(region_name=aws.region),
        HOST,
        0,
        service_keys=services.franceconnect_public_keys,
    ).start()
    monkeypatch.setenv("FRANCECONNECT_ISSUER", provider.issuer)
    monkeypatch.setenv("FRANCECONNECT_PLUS_ISSUER", provider.plus_issuer)
    services.reset()
    seed.seed_demo_accounts()
    seed.seed_demo_catalogue()
    siret = seed.seed_demo_organisme()["siret"]
    iban = "FR7630004008280001234567841"
    assert organismes_tool(["iban", siret, iban, "BNPAFRPP", "--par", "Agnès Martin"]) == 0

    from chalice.test import Client

    from app import app

    server = api_server.start(app, HOST, port)
    with Client(app, stage_name="local") as client:
        world = RneWorld(aws, Api(client), outbox)
        yield {
            "api": f"{site}/api",
            "franceconnect": provider.issuer.removesuffix("/api/v2"),
            "world": world,
            "client": client,
            "aws": aws,
            "iban": iban,
            "key": seed.DEMO_ORGANISME_KEY,
        }
    server.shutdown()
    provider.stop()


def travel(day: date, hour: int):
    moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour)
    return time_machine.travel(moment, tick=True)


def login(api: str) -> requests.Session:
    from local.seed import DEMO_ELU_NIR, DEMO_PASSWORD

    answer = requests.post(
        f"{api}/sessions",
        json={"nir": DEMO_ELU_NIR[:13], "mot_de_passe": DEMO_PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    browser = requests.Session()
    browser.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return browser


def available(browser: requests.Session, api: str) -> Decimal:
    return Decimal(browser.get(f"{api}/me/rights", timeout=10).json()["elu"]["montant_disponible"])


def test_from_the_request_to_the_organismes_payment_and_the_attestation(served):
    from pypdf import PdfReader

    from tests.support.rne_files import FIXTURES

    api, key = served["api"], {"Authorization": f"Bearer {served['key']}"}
    served["world"].ingest(f"national/{AIN_SAMPLE}", (FIXTURES / AIN_SAMPLE).read_bytes())
    elu = login(api)
    before = available(elu, api)
    assert before > 0
    formation_id, session = demo_mandate_training(max_euros=600)
    created = elu.post(
        f"{api}/me/dossiers",
        json={"formation_id": formation_id, "session_id": session["id"]},
        headers={"Idempotency-Key": f"e2e-fin-{time.time_ns()}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    dossier, price = created.json()["id"], Decimal(created.json()["montant"])
    fiche = elu.get(f"{api}/formations/{formation_id}", timeout=10).json()
    hours = Decimal(str(fiche["duree_heures"]))
    organisme = f"{api}/organismes/dossiers/{dossier}"
    assert requests.post(f"{organisme}/acceptation", headers=key, timeout=10).status_code == 200
    refused = elu.post(f"{api}/me/dossiers/{dossier}/validation", timeout=10)
    assert refused.status_code == 403
    certified = validate_with_franceconnect_plus(
        api, served["franceconnect"], refused.json()["connexion"], "joel", dossier
    )
    validated = requests.post(
        f"{api}/me/dossiers/{dossier}/validation",
        headers={"Authorization": f"Bearer {certified}"},
        timeout=10,
    )
    assert validated.status_code == 200, validated.text
    assert available(elu, api) == before - price

    start, end = date.fromisoformat(session["date_debut"]), date.fromisoformat(session["date_fin"])
    with travel(start, 8):
        entry = requests.post(f"{organisme}/entree-en-formation", headers=key, timeout=10)
        assert entry.status_code == 200, entry.text
    with travel(end, 16):
        exit_ = requests.post(
            f"{organisme}/sortie",
            headers=key,
            json={
                "date_sortie": start.isoformat(),
                "taux_realisation": 50,
                "motif_partiel": "abandon",
                "heures_realisees": float(hours / 2),
            },
            timeout=10,
        )
        assert exit_.status_code == 200, exit_.text
        due = Decimal(exit_.json()["montant_du"])
        assert due == price / 2
        done = requests.post(
            f"{organisme}/service-fait",
            headers=key,
            json={
                "facture": {
                    "numero": "F-E2E-001",
                    "date": end.isoformat(),
                    "montant_ht": str(due),
                    "montant_ttc": str(due),
                }
            },
            timeout=10,
        )
        assert done.status_code == 200, done.text
        assert done.json()["statut"] == "service_fait_valide", done.json()
        elu = login(api)  # the morning's session has ended long ago
        assert available(elu, api) == before - price / 2  # half the price came back
        mine = elu.get(f"{api}/me/dossiers/{dossier}", timeout=10).json()
        assert mine["rendu"] == f"{price / 2:.2f}" and mine["sortie"]["taux_realisation"] == "50.00"

    with travel(end + timedelta(days=1), 5):
        event = served["client"].events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        run = served["client"].lambda_.invoke("lots_de_paiement", event).payload
        [reference] = run["lots"]
        lot = requests.get(f"{api}/organismes/paiements/{reference}", headers=key, timeout=10)
        assert lot.status_code == 200 and lot.json()["total"] == f"{due:.2f}"
        [key_of_file] = run["fichiers"]
        s3 = boto3.client("s3", region_name=served["aws"].region)
        document = s3.get_object(Bucket=served["aws"].payments_bucket, Key=key_of_file)
        body = document["Body"].read()
        validate_pain_001(body)
        assert served["iban"].encode() in body and f"{due:.2f}".encode() in body

        elu = login(api)
        pdf = elu.get(
            f"{api}/me/dossiers/{dossier}/attestation",
            headers={"Accept": "application/pdf"},
            timeout=10,
        )
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
        words = " ".join(text.split())
        assert " ".join(mine["titre"].split()) in words and "Joël" in words, words
