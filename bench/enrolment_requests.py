"""Prints what each enrolment request costs in DynamoDB requests (moto in-process; requests are
counted, not timed: moto's speed says nothing of DynamoDB's).

Every authenticated request pays 2 for its session (the session, then the account). Targets:
validation <= 6 in all (the debit is one transaction; 5 unless a mandate is held through a
copy under another form of the name, whose certified key is then looked up), a list page <= 2
beyond the session, the service done validated at once with its refund <= 6 (the key, the
file, one transaction, the two emails' addressees).

Run: .venv/bin/python -m bench.enrolment_requests   (also part of `make bench`)
"""

from __future__ import annotations

import json
import uuid

SESSION = 2  # what authenticating costs every request


def measure() -> list[tuple[str, int, dict]]:
    from chalice.test import Client

    from bench.call_counter import count_aws_calls, dynamodb_calls
    from bench.in_process import local_stage
    from chalicelib import services

    results: list[tuple[str, int, dict]] = []
    with local_stage() as (settings, _):
        from app import app
        from tests.support.api import Api
        from tests.support.enrolment import Elus, certify, formation, organisme_key
        from tests.support.mail import Outbox
        from tests.support.rne_world import RneWorld

        with Client(app, stage_name="local") as client:
            api = Api(client)
            outbox = Outbox("eu-west-3")
            [(payload, _)] = Elus(api, outbox, RneWorld(settings, api, outbox)).create()
            certify(payload)
            training = formation(prix="300")
            key = organisme_key()
            account = services.sessions().authenticate(
                services.sessions().login(payload["nir"][:13], payload["mot_de_passe"]).token
            )
            # as after a FranceConnect+ login
            token = services.sessions().open(account, fc_acr="eidas2").token

            def call(label, method, path, body=None, headers=None, as_organisme=False):
                sent = {
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {key if as_organisme else token}",
                    **(headers or {}),
                }
                with count_aws_calls() as calls:
                    response = client.http.request(
                        method, path, headers=sent, body=json.dumps(body) if body else b""
                    )
                assert response.status_code < 300, (label, response.body)
                by_operation = {f"{s}.{op}": n for (s, op), n in sorted(calls.items())}
                results.append((label, dynamodb_calls(calls), by_operation))
                return json.loads(response.body)

            session = training["sessions"][0]["id"]
            call("GET /formations/{id} (with places)", "GET", f"/formations/{training['id']}")
            dossier = call(
                "POST /me/dossiers",
                "POST",
                "/me/dossiers",
                {"formation_id": training["id"], "session_id": session},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )["id"]
            call("GET /me/dossiers (a page)", "GET", "/me/dossiers")
            call("GET /me/dossiers/{id}", "GET", f"/me/dossiers/{dossier}")
            call(
                "GET /organismes/dossiers (a page)",
                "GET",
                "/organismes/dossiers",
                as_organisme=True,
            )
            call(
                "POST .../acceptation",
                "POST",
                f"/organismes/dossiers/{dossier}/acceptation",
                as_organisme=True,
            )
            call("POST .../validation (debit)", "POST", f"/me/dossiers/{dossier}/validation")
            call("POST .../annulation (refund)", "POST", f"/me/dossiers/{dossier}/annulation")
            _end_of_training(call, training, headers={"Idempotency-Key": uuid.uuid4().hex})
    return results


def _end_of_training(call, training: dict, headers: dict) -> None:
    """A second file to its end: in training, the exit at 50 %, the service done validated at
    once with the unrealised half credited back."""
    from datetime import UTC, date, datetime, timedelta

    import time_machine

    session = training["sessions"][1]
    dossier = call(
        "POST /me/dossiers (second)",
        "POST",
        "/me/dossiers",
        {"formation_id": training["id"], "session_id": session["id"]},
        headers=headers,
    )["id"]
    base = f"/organismes/dossiers/{dossier}"
    call("POST .../acceptation (second)", "POST", f"{base}/acceptation", as_organisme=True)
    call("POST .../validation (second)", "POST", f"/me/dossiers/{dossier}/validation")
    start, end = (date.fromisoformat(session[k]) for k in ("date_debut", "date_fin"))
    with time_machine.travel(
        datetime.combine(start, datetime.min.time(), UTC) + timedelta(hours=9)
    ):
        call(
            "POST .../entree-en-formation", "POST", f"{base}/entree-en-formation", as_organisme=True
        )
    with time_machine.travel(datetime.combine(end, datetime.min.time(), UTC) + timedelta(hours=16)):
        exit_ = {
            "date_sortie": end.isoformat(),
            "taux_realisation": 50,
            "motif_partiel": "abandon",
            "heures_realisees": 7,
        }
        call("POST .../sortie", "POST", f"{base}/sortie", exit_, as_organisme=True)
        invoice = {
            "numero": "F-1",
            "date": end.isoformat(),
            "montant_ht": "150",
            "montant_ttc": "150",
        }
        call(
            "POST .../service-fait (validated)",
            "POST",
            f"{base}/service-fait",
            {"facture": invoice},
            as_organisme=True,
        )


def main() -> None:
    results = measure()
    print("DynamoDB requests per enrolment request (moto in-process)")
    print(f"  {'request':38} {'DynamoDB':>8}  all calls")
    for label, dynamodb, operations in results:
        detail = ", ".join(f"{op} x{n}" for op, n in operations.items())
        print(f"  {label:38} {dynamodb:8d}  {detail}")
    costs = {label: n for label, n, _ in results}
    validation = costs["POST .../validation (debit)"]
    page = costs["GET /me/dossiers (a page)"] - SESSION
    print(
        f"\nvalidation: {validation} in all (target <= 6: {'ok' if validation <= 6 else 'MISSED'})"
    )
    print(
        f"list page: {page} beyond the {SESSION} of the session (target <= 2: "
        f"{'ok' if page <= 2 else 'MISSED'})"
    )
    service = costs["POST .../service-fait (validated)"]
    print(
        f"service done validated with its refund: {service} in all (target <= 6: "
        f"{'ok' if service <= 6 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
