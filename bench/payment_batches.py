"""Prints what the daily payment job costs in DynamoDB requests, per line paid: a day of
validated services done for a few organismes, the job run once (its batches, their
transactions and files), run again the same day (nothing to make), and each batch paid.

Target: <= 2 DynamoDB requests per line. The job's requests do not grow with its lines: a query
of the payable files a page at a time, the organismes' bank details and addresses by batches
of 100 keys, then per organisme one transaction (the batch and its files moved `en_lot`) and
one update once its SEPA file is in the bucket; and the queries of what is still waiting, for
the lateness metric.

Run: .venv/bin/python -m bench.payment_batches [--organismes 3] [--lignes 10]
     (also part of `make bench`)
"""

from __future__ import annotations

import argparse

IBAN, BIC = "FR7630004008280001234567841", "BNPAFRPP"


def measure(organismes: int, lines: int) -> dict[str, tuple[int, dict]]:
    from chalice.test import Client

    from bench.call_counter import count_aws_calls, dynamodb_calls
    from bench.in_process import local_stage
    from infra import organismes as organismes_tool
    from infra import paiements
    from local.demo_catalogue import siret_for

    results: dict[str, tuple[int, dict]] = {}
    with local_stage() as (settings, _):
        from app import app
        from tests.support.api import Api
        from tests.support.end_of_training import act, at, in_training, invoice
        from tests.support.enrolment import Elus, organisme_key
        from tests.support.mail import Outbox
        from tests.support.rne_world import RneWorld

        with Client(app, stage_name="local") as client:
            api = Api(client)
            outbox = Outbox("eu-west-3")
            elus = Elus(api, outbox, RneWorld(settings, api, outbox))
            sirets = [siret_for(n) for n in range(1, organismes + 1)]
            keys = {
                siret: organisme_key(siret, f"compta{n}@organisme.fr")
                for n, siret in enumerate(sirets)
            }
            for siret in sirets:
                assert organismes_tool.main(["iban", siret, IBAN, BIC, "--par", "bench"]) == 0
            for _ in range(lines):
                for siret in sirets:
                    _, ident, _, end = in_training(api, elus, keys[siret], siret=siret)
                    with at(end):
                        exit_ = {"date_sortie": end.isoformat(), "taux_realisation": 100}
                        assert act(api, keys[siret], ident, "sortie", exit_).status == 200
                        done = act(api, keys[siret], ident, "service-fait", invoice("300"))
                        assert done.json["statut"] == "service_fait_valide"

            event = client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
            )

            def counted(label, action):
                with count_aws_calls() as calls:
                    answer = action()
                by_operation = {f"{s}.{op}": n for (s, op), n in sorted(calls.items())}
                results[label] = (dynamodb_calls(calls), by_operation)
                return answer

            run = counted("job", lambda: client.lambda_.invoke("lots_de_paiement", event).payload)
            assert len(run["lots"]) == organismes and len(run["fichiers"]) == organismes
            counted("job again", lambda: client.lambda_.invoke("lots_de_paiement", event).payload)
            counted(
                "pay every batch",
                lambda: [paiements.main(["payer", lot, "--par", "bench"]) for lot in run["lots"]],
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.payment_batches")
    parser.add_argument("--organismes", type=int, default=3)
    parser.add_argument("--lignes", type=int, default=10, help="lines per organisme")
    args = parser.parse_args()
    results = measure(args.organismes, args.lignes)
    total = args.organismes * args.lignes
    print(f"{args.organismes} organismes, {args.lignes} lines each: {total} lines")
    for label, (count, by_operation) in results.items():
        print(
            f"{label:18} {count:4} DynamoDB requests  {count / total:.2f} per line  {by_operation}"
        )
    per_line = results["job"][0] / total
    print(
        f"\nbatch job: {per_line:.2f} DynamoDB requests per line "
        f"(target <= 2: {'ok' if per_line <= 2 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
