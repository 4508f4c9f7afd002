"""Prints what an organisme's publication costs in DynamoDB requests, and the search right after
it (moto in-process; requests are counted, not timed: moto's speed says nothing of DynamoDB's).

Every request with an organisme's key pays 1 for the key. Targets: publishing a formation <= 3
(the key, the organisme's name, one write: the search index is the table's own index), adding
a session <= 3 (the key, the formation, one write), a search page that finds the new formation
1 (one query on the catalogue index), whatever was published before.

Run: .venv/bin/python -m bench.publication_requests   (also part of `make bench`)
"""

from __future__ import annotations

import json

TARGETS = {
    "POST /organismes/formations": 3,
    "POST .../sessions": 3,
    "GET /formations?q= (finds it)": 1,
}


def measure() -> list[tuple[str, int, dict]]:
    from chalice.test import Client

    from bench.call_counter import count_aws_calls, dynamodb_calls
    from bench.in_process import local_stage
    from tests.support.enrolment import far, organisme_key

    results: list[tuple[str, int, dict]] = []
    with local_stage() as _:
        from app import app

        with Client(app, stage_name="local") as client:
            key = organisme_key()

            def call(label, method, path, body=None, as_organisme=True):
                headers = {"Content-Type": "application/json"}
                if as_organisme:
                    headers["Authorization"] = f"Bearer {key}"
                with count_aws_calls() as calls:
                    response = client.http.request(
                        method, path, headers=headers, body=json.dumps(body) if body else b""
                    )
                assert response.status_code < 300, (label, response.body)
                by_operation = {f"{s}.{op}": n for (s, op), n in sorted(calls.items())}
                results.append((label, dynamodb_calls(calls), by_operation))
                return json.loads(response.body) if response.body else None

            formation = call(
                "POST /organismes/formations",
                "POST",
                "/organismes/formations",
                {
                    "catalogue": "activite-professionnelle",
                    "titre": "Conduire une réunion publique",
                    "objectifs": "Préparer, animer et conclure une réunion.",
                    "duree_heures": 7,
                    "prix": "350",
                    "modalite": "presentiel",
                    "lieu": {"commune": "Rennes", "departement": "35"},
                },
            )
            call(
                "POST .../sessions",
                "POST",
                f"/organismes/formations/{formation['id']}/sessions",
                {"date_debut": far(60).isoformat(), "places": 12},
            )
            found = call(
                "GET /formations?q= (finds it)",
                "GET",
                "/formations?catalogue=activite-professionnelle&q=reunion",
                as_organisme=False,
            )
            assert [f["id"] for f in found["formations"]] == [formation["id"]]
            call(
                "PATCH /organismes/formations/{id}",
                "PATCH",
                f"/organismes/formations/{formation['id']}",
                {"prix": "300"},
            )
            call(
                "POST .../retrait",
                "POST",
                f"/organismes/formations/{formation['id']}/retrait",
            )
            gone = call(
                "GET /formations?q= (withdrawn)",
                "GET",
                "/formations?catalogue=activite-professionnelle&q=reunion",
                as_organisme=False,
            )
            assert gone["formations"] == []
    return results


def main() -> None:
    results = measure()
    print("DynamoDB requests of a publication and of the search after it (moto in-process)")
    print(f"  {'request':38} {'DynamoDB':>8}  all calls")
    for label, dynamodb, operations in results:
        detail = ", ".join(f"{op} x{n}" for op, n in operations.items())
        print(f"  {label:38} {dynamodb:8d}  {detail}")
    costs = {label: n for label, n, _ in results}
    print()
    for label, target in TARGETS.items():
        verdict = "ok" if costs[label] <= target else "MISSED"
        print(f"{label}: {costs[label]} (target <= {target}: {verdict})")


if __name__ == "__main__":
    main()
