"""Ingests generated conseillers municipaux files into a moto server and prints, per size:
rows per second, DynamoDB requests per 1,000 rows, and the peak memory of the ingesting process.

    python -m bench.rne_ingest                 # 100,000 and 500,000 rows
    python -m bench.rne_ingest --rows 20000    # a quick run

Each size runs in a fresh process against a fresh moto server (in another process, so the
figures are the ingestion's own, as in Lambda where DynamoDB is not in the function's memory).
One row in 200 belongs to an account, registered in the identity index like a real one.
Invocations get the deployed function's 300 s, so a big file is handed over through the queue
as on AWS. Moto keeps about 30 KB per stored item: between two invocations the bench empties
the mandates table (the ingestion never reads it back during a file: the snapshot lists are in
S3), so that 500,000 rows fit in this machine's memory.
Targets: at most 60 DynamoDB requests per 1,000 rows; peak memory at 500,000 rows within 10%
of that at 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from infra.resources import RNE_INGEST_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_EVERY = 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(port: int) -> None:
    from infra.stage_config import stage_environment

    os.environ.update(stage_environment("local"))
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_REGION": "eu-west-3",
        }
    )


def _seed_accounts(rows: int) -> int:
    """Accounts for one row in ACCOUNT_EVERY, registered under the row's identity keys."""
    from datetime import UTC, datetime

    from bench.rne_generator import rows as generated_rows
    from chalicelib.models import Account, Address, IdentityIndex
    from chalicelib.rne.matching import row_keys
    from chalicelib.rne.rows import parse_date

    now = datetime.now(UTC)
    count = 0
    with Account.batch_write() as accounts, IdentityIndex.batch_write() as index:
        for number, row in enumerate(generated_rows(rows)):
            if number % ACCOUNT_EVERY:
                continue
            nir_hash = f"bench{number:012d}"
            born = parse_date(row[9]).isoformat()
            accounts.save(
                Account(
                    nir_hash,
                    id=f"account-{number}",
                    statut="active",
                    created_at=now,
                    nom_naissance=row[6],
                    prenoms=row[7],
                    sexe=row[8],
                    date_naissance=born,
                    lieu_naissance="75056",
                    email=f"elu{number}@exemple.fr",
                    telephone="+33612345678",
                    adresse=Address(
                        ligne1="1 rue", code_postal="75001", commune="Paris", pays="France"
                    ),
                    password_hash="$argon2id$bench",  # noqa: S106 - not a usable hash
                )
            )
            for key in row_keys(parse_date(row[9]), row[8], row[6], row[7]):
                index.save(IdentityIndex(key, accounts={nir_hash}))
            count += 1
    return count


def _relieve_moto() -> float:
    """Empty the mandates table between two invocations (not counted: see the docstring)."""
    from bench.call_counter import _original  # the uncounted client call
    from chalicelib.models import RneMandate

    started = time.monotonic()
    # Through the ingestion's own connection: no new client, nothing left in its memory.
    with __import__("unittest").mock.patch("botocore.client.BaseClient._make_api_call", _original):
        RneMandate.delete_table()
        RneMandate.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    return time.monotonic() - started


def setup(rows: int, port: int) -> None:
    """Tables, accounts and the uploaded file (its own process: the measured one only
    ingests, so its peak memory is the ingestion's)."""
    _environment(port)
    import boto3

    from bench.rne_generator import write
    from chalicelib import services
    from chalicelib.settings import Settings
    from infra.provision import provision

    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    provision(settings, session)
    services.reset()
    accounts = _seed_accounts(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cm.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            write(out, rows)
        size = path.stat().st_size
        session.client("s3").upload_file(str(path), settings.rne_bucket, KEY)
    sqs = session.client("sqs")
    sqs.purge_queue(QueueUrl=sqs.get_queue_url(QueueName=settings.rne_queue_name)["QueueUrl"])
    print(json.dumps({"accounts": accounts, "bytes": size}))


KEY = "national/elus-conseillers-municipaux-cm.csv"


def child(rows: int, port: int, prepared: dict) -> None:
    """One measured ingestion (runs in its own process, after `setup`)."""
    _environment(port)
    import boto3

    from bench.call_counter import count_aws_calls
    from chalicelib import services
    from chalicelib.settings import Settings

    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    services.bound_settings()
    key, accounts, size = KEY, prepared["accounts"], prepared["bytes"]
    s3, sqs = session.client("s3"), session.client("sqs")
    queue = sqs.get_queue_url(QueueName=settings.rne_queue_name)["QueueUrl"]
    head = s3.head_object(Bucket=settings.rne_bucket, Key=key)
    event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "eventTime": "2026-11-26T12:00:00.000Z",
                "s3": {
                    "bucket": {"name": settings.rne_bucket},
                    "object": {"key": key, "eTag": head["ETag"].strip('"')},
                },
            }
        ]
    }
    ingestion = services.rne_ingestion()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    invocations = 0
    timeout_ms = RNE_INGEST_TIMEOUT * 1000
    messages = [event]
    with count_aws_calls() as calls:
        while messages:
            invocation_start = time.monotonic()
            ingestion.handle_message(
                messages.pop(),
                lambda s=invocation_start: int(timeout_ms - (time.monotonic() - s) * 1000),
            )
            invocations += 1
            received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
            for message in received.get("Messages", []):
                messages.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
            if messages:
                calls.seconds["relief"] = _relieve_moto()
    seconds = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = json.loads(
        s3.get_object(Bucket=settings.rne_bucket, Key=f"rne-reports/{key}.json")["Body"].read()
    )
    dynamodb = {op: n for (service, op), n in calls.items() if service == "dynamodb"}
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": size,
                "accounts": accounts,
                "seconds": round(seconds, 1),
                "invocations": invocations,
                "rows_per_second": round(rows / seconds),
                "dynamodb_requests": sum(dynamodb.values()),
                "dynamodb_per_1000_rows": round(sum(dynamodb.values()) * 1000 / rows, 1),
                "dynamodb_by_operation": dynamodb,
                "seconds_by_operation": {
                    f"{k[0]}.{k[1]}" if isinstance(k, tuple) else k: round(v, 1)
                    for k, v in calls.seconds.most_common(6)
                },
                "peak_rss_mib": round(peak_kib / 1024, 1),
                "rss_before_ingestion_mib": round(rss_before / 1024, 1),
                "report": report["compteurs"],
                "statut": report["statut"],
            }
        )
    )


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run_size(rows: int) -> dict:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("moto server did not start")
            time.sleep(0.2)

        def step(*args: str) -> dict:
            out = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bench.rne_ingest", *args, "--port", str(port)],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return json.loads(out.strip().splitlines()[-1])

        prepared = step("--setup", str(rows))
        result = step("--child", str(rows), "--prepared", json.dumps(prepared))
        result["moto_rss_mib"] = _rss_mib(server.pid)
        print(json.dumps(result), flush=True)  # each size as soon as it is measured
        return result
    finally:
        server.kill()  # gigabytes of moto state: no need to let it tidy up
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 500_000])
    parser.add_argument("--setup", type=int)
    parser.add_argument("--child", type=int)
    parser.add_argument("--prepared")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup, args.port)
        return
    if args.child:
        child(args.child, args.port, json.loads(args.prepared))
        return
    results = [run_size(rows) for rows in args.rows]
    print(
        f"{'rows':>8} {'MB':>6} {'s':>7} {'rows/s':>7} {'DynamoDB/1000 rows':>19} "
        f"{'peak RSS MiB':>13} {'élus recognised':>16}"
    )
    for r in results:
        print(
            f"{r['rows']:>8} {r['bytes'] / 1e6:>6.1f} {r['seconds']:>7.1f} "
            f"{r['rows_per_second']:>7} {r['dynamodb_per_1000_rows']:>19} "
            f"{r['peak_rss_mib']:>13} {r['report']['elus_reconnus']:>16}"
        )
    for r in results:
        print(
            f"\n{r['rows']} rows: {json.dumps(r['dynamodb_by_operation'])}; "
            f"time waiting for AWS: {json.dumps(r['seconds_by_operation'])}; "
            f"{r['invocations']} invocation(s); report {json.dumps(r['report'])}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = (last["peak_rss_mib"] - first["peak_rss_mib"]) / first["peak_rss_mib"] * 100
        print(
            f"\npeak memory {first['rows']} -> {last['rows']} rows: {growth:+.1f}% "
            "(target: within 10%)"
        )
    print("target: at most 60 DynamoDB requests per 1,000 rows")


if __name__ == "__main__":
    main()
