"""`make run`: the whole system on this machine, with moto as the embedded AWS.

moto server (a process of its own) -> every resource of the local stage -> demo data -> the
API under /api and the event relay, which run the functions in Lambda-like containers (worker
processes: local/lambda_pool.py); then waits, and stops everything cleanly on Ctrl-C, the
storage last (every process it started stops with it, even if it is killed).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _ensure_free(port: int, name: str) -> None:
    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            sys.exit(
                f"Le port {port} ({name}) est déjà utilisé : arrêtez le programme qui "
                f"l'occupe ou choisissez-en un autre, par exemple {name}={port + 1}."
            )


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own http URL
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_for_ctrl_c() -> None:
    """Until SIGINT or SIGTERM. The handler only records it: a handler that took a lock (an
    Event's) would deadlock when a second Ctrl-C interrupts the first one's."""
    received: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, _: received.append(number))
    while not received:
        signal.pause()


def main() -> None:
    import warnings

    # Powertools warns when an invocation emits no business metric (health checks): expected.
    warnings.filterwarnings("ignore", "No application metrics to publish")
    moto_port, api_port = _number("MOTO_PORT", 5000), _number("API_PORT", 8000)
    # how many copies of the API's function may run at once (Lambda: the account's share)
    api_concurrency = _number("API_CONCURRENCY", 100)
    fc_port = _number("FRANCECONNECT_PORT", 8100)
    webhook_port = _number("WEBHOOK_PORT", 8300)  # the demo organisme's receiver
    _ensure_free(moto_port, "MOTO_PORT")
    _ensure_free(webhook_port, "WEBHOOK_PORT")
    _ensure_free(api_port, "API_PORT")
    _ensure_free(fc_port, "FRANCECONNECT_PORT")

    from infra.stage_config import stage_environment

    os.environ.update(stage_environment("local"))
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://{HOST}:{moto_port}",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_REGION": "eu-west-3",
            "PUBLIC_URL": f"http://{HOST}:{api_port}",
            "FRANCECONNECT_ISSUER": f"http://{HOST}:{fc_port}/api/v2",
            "FRANCECONNECT_PLUS_ISSUER": f"http://{HOST}:{fc_port}/plus/api/v2",
            "FRANCECONNECT_REDIRECT_URI": f"http://{HOST}:{api_port}/api/auth/franceconnect/callback",
            "FRANCECONNECT_POST_LOGOUT_URI": f"http://{HOST}:{api_port}/?deconnexion=1",
            # the local stage allow-lists its demo receiver: on another port, that one
            "WEBHOOK_ALLOWED_ORIGINS": f"http://{HOST}:{webhook_port}",
        }
    )

    from local import aws_process

    moto = aws_process.start(HOST, moto_port, quiet=False)
    try:
        _serve(moto_port, api_port, fc_port, webhook_port, api_concurrency)
    finally:
        aws_process.stop(moto)
        print("Arrêté.", flush=True)


def _serve(
    moto_port: int, api_port: int, fc_port: int, webhook_port: int, api_concurrency: int
) -> None:
    import boto3

    from chalicelib import services
    from chalicelib.settings import Settings
    from infra.provision import provision
    from infra.resources import EVENT_SOURCES
    from local import api_server, demo_files, seed
    from local.franceconnect_provider import LocalFranceConnect
    from local.lambda_pool import FunctionPool, limits_of_the_stage
    from local.relay import EventRelay
    from local.webhook_receiver import DemoReceiver

    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    queue_urls = provision(settings, session)
    services.reset()

    from app import app

    # the seed's events run in this process (in the past: see below), the rest in the pool
    relay = EventRelay(app, settings, session, EVENT_SOURCES)
    relay.setup()
    created = seed.seed_demo_accounts()
    catalogue = seed.seed_demo_catalogue()
    organisme = seed.seed_demo_organisme()
    # in the past (time travel): before any other thread of this process but moto's starts
    files = demo_files.seed_demo_files(organisme["siret"], relay.drain)
    franceconnect = LocalFranceConnect.for_stage(settings, session, HOST, fc_port).start()
    # after the demo files: their events (in the past) are not the receiver's
    receiver = DemoReceiver(
        HOST, webhook_port, lambda: services.webhooks().current_secret(organisme["siret"])
    ).start()
    receiver.secret = services.webhooks().register(organisme["siret"], receiver.url).secret

    pool = FunctionPool(limits_of_the_stage(api_concurrency))
    pool.start()
    api = api_server.start(app, HOST, api_port, pool.invoke)
    relay.start(pool.invoke)
    _wait_for(f"http://{HOST}:{api_port}/api/health")

    print(
        f"""
Mon Compte Élu tourne en local.
  Site web     http://{HOST}:{api_port}/
  API          http://{HOST}:{api_port}/api  (santé : /api/health, description : /api/openapi.json)
  Doc. API     http://{HOST}:{api_port}/documentation-api
  AWS (moto)   http://{HOST}:{moto_port}  (tableau de bord : /moto-api/, requêtes
               comptées : /_local/requests)
  Fonctions    conteneurs à la demande, une invocation à la fois chacun (API : jusqu'à
               {api_concurrency} à la fois, API_CONCURRENCY), ligne REPORT par invocation
  Bucket RNE   s3://{settings.rne_bucket}
  File support {queue_urls.get("support_queue_name")}
  Courriels    envoyés via SES (moto) : http://{HOST}:{moto_port}/moto-api/data.json
  Relais       {
            ", ".join(f"{getattr(settings, s.queue_field)} -> {s.function}" for s in EVENT_SOURCES)
        }
  Comptes démo ({created} créé(s)), mot de passe {seed.DEMO_PASSWORD} :
    Camille Durand (née Bernard)  NIR {seed.DEMO_NIR[:13]}
    Joël Brunet                   NIR {seed.DEMO_ELU_NIR[:13]}
  Catalogue    {catalogue["importees"]} formations de démonstration (3 catalogues)
  Organisme    {organisme["nom"]} (SIRET {organisme["siret"]}), clé d'API :
               {organisme["cle"]}
               curl -H 'Authorization: Bearer {organisme["cle"]}' \\
                 http://{HOST}:{api_port}/api/organismes/dossiers
               compte {files["iban"]} ({files["bic"]}) pour ses lots de paiement
               webhook {receiver.url} : chaque événement de ses dossiers,
               signature vérifiée, dans ce journal (« webhook démo : ... »)
  Fin de formation  Nathalie Kerbrat, élue de Quimper (NIR {files["nir"][:13]}, même mot de
               passe) : un dossier de l'organisme à chaque étape (en_formation,
               sortie_declaree, service_fait_declare en attente d'un opérateur,
               service_fait_valide à payer, paye dans {files["lot_paye"]})
  Lot du jour  STAGE=local AWS_ENDPOINT_URL=http://{HOST}:{moto_port} \\
                 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\
                 .venv/bin/python -m infra.paiements lancer
               (le lot du service fait à payer ; fichier SEPA sous
               s3://{settings.payments_bucket}/sepa/)
  FranceConnect (local) {franceconnect.issuer} : GET /api/auth/franceconnect dans un
               navigateur (Camille, Joël et Nathalie, liés à leur compte ; Anne-Sophie, sans
               compte : inscription)
  FranceConnect+ (local) {franceconnect.plus_issuer} : jetons signés ES256 et
               chiffrés pour les clés publiées sur /api/auth/franceconnect/jwks
  Fichier RNE  AWS_ENDPOINT_URL=http://{HOST}:{moto_port} aws s3 cp \
{
            seed.DEMO_RNE_FILE.relative_to(Path.cwd())
            if seed.DEMO_RNE_FILE.is_relative_to(Path.cwd())
            else seed.DEMO_RNE_FILE
        } s3://{settings.rne_bucket}/prefectures/35/
               (reconnaît Camille Durand ; rapport sous s3://{settings.rne_bucket}/rne-reports/)
Ctrl-C pour tout arrêter.""",
        flush=True,
    )

    wait_for_ctrl_c()
    print("\nArrêt : relais, API, conteneurs, moto…", flush=True)
    relay.stop()
    api.shutdown()
    pool.close()
    franceconnect.stop()
    receiver.stop()


if __name__ == "__main__":
    main()
