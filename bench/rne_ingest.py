"""The RNE ingestion at national scale, against a moto server in another process.

    python -m bench.rne_ingest                               # 100,000 and 500,000 rows
    python -m bench.rne_ingest --rows 20000 --change label   # a quick run
    python -m bench.rne_ingest --rows 20000 --profile /tmp/rne   # cProfile of each ingestion

For each size, in one run and one moto server:
- floor: one item per row, batch-written (25 a request, one request at a time) into a table
  of the same keys: what writing the rows costs at the least;
- first ingestion of a generated conseillers municipaux export (`bench/rne_generator.py`);
- re-ingestion of the next quarter's export, where 1 % of the rows changed
  (`bench/rne_scenarios.py`): `seat`, another person in the seat since a month (a new
  mandate, and one to close); `label`, the same mandates under their commune's new name (a
  change of each). `both` (the default) ingests one after the other, each export the one
  before with its own 1 % changed (first, then seat, then label over seat): each is compared
  with a previous snapshot that differs from it by its own change only, and one first
  ingestion serves both.
It prints each figure beside its target: the first ingestion's time against the floor's, each
re-ingestion's DynamoDB write requests and time against the first ingestion's, and the
ingesting process's peak memory.

One row in 200 belongs to an account, registered in the identity index like a real one.
Invocations get the deployed function's 300 s, so a big file is handed over through the queue
as on AWS. Moto keeps about 30 KB per stored item: between two invocations (and every 100,000
floor items) the bench empties the mandates (and floor) table, outside the measured time; the
ingestion never reads that table back (the snapshot lists are in S3).
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
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
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


def bench_account(number: int, now, nom: str, prenoms: str, sexe: str, born: str, **more):
    """An active account of the benches, keyed `bench<number>` (no usable password)."""
    from chalicelib.models import Account, Address

    return Account(
        f"bench{number:012d}",
        id=f"account-{number}",
        statut="active",
        created_at=now,
        nom_naissance=nom,
        prenoms=prenoms,
        sexe=sexe,
        date_naissance=born,
        lieu_naissance="75056",
        email=f"elu{number}@exemple.fr",
        telephone="+33612345678",
        adresse=Address(ligne1="1 rue", code_postal="75001", commune="Paris", pays="France"),
        password_hash="$argon2id$bench",  # noqa: S106 - not a usable hash
        **more,
    )


def _seed_accounts(rows: int) -> int:
    """Accounts for one row in ACCOUNT_EVERY, registered under the row's identity keys."""
    from datetime import UTC, datetime

    from bench.rne_generator import rows as generated_rows
    from chalicelib.models import Account, IdentityIndex
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
            accounts.save(bench_account(number, now, row[6], row[7], row[8], born))
            for key in row_keys(parse_date(row[9]), row[8], row[6], row[7]):
                index.save(IdentityIndex(key, accounts={nir_hash}))
            count += 1
    return count


def _recreate(model) -> float:
    """Empty a table (outside the measured time: see the docstring); its seconds."""
    from bench.call_counter import _original  # the uncounted client call

    started = time.monotonic()
    # Through the ingestion's own connection: no new client, nothing left in its memory.
    with __import__("unittest").mock.patch("botocore.client.BaseClient._make_api_call", _original):
        if model.exists():
            model.delete_table()
        model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    return time.monotonic() - started


KEY = "national/elus-conseillers-municipaux-cm.csv"
# The next quarters' exports, in the order they are ingested, and their snapshots' age.
NEXT = {
    "seat": ("national/elus-conseillers-municipaux-cm-siege.csv", 10),
    "label": ("national/elus-conseillers-municipaux-cm-libelle.csv", 5),
}
FIRST_SNAPSHOT_DAYS = 100
CHANGES = {"seat": ["seat"], "label": ["label"], "both": ["seat", "label"]}


def _export(rows: int, kinds: list[str]):
    """The export after these changes, each over the one before."""
    from bench.rne_scenarios import label_changed, seat_changed

    scenario = {"seat": seat_changed, "label": label_changed}
    made = None
    for kind in kinds:
        made = scenario[kind](rows, made)
    return made


def _upload(session, settings, key: str, rows, days_ago: int) -> int:
    import csv

    from bench.rne_generator import HEADER

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rne.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        size = path.stat().st_size
        snapshot = (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat()
        session.client("s3").upload_file(
            str(path),
            settings.rne_bucket,
            key,
            ExtraArgs={"Metadata": {"date-instantane": snapshot}},
        )
    return size


def setup(rows: int, port: int, change: str) -> None:
    """Tables, accounts and the two exports uploaded (its own process: the measured one only
    ingests, so its peak memory is the ingestion's)."""
    _environment(port)
    import boto3

    from bench.rne_generator import rows as generated_rows
    from chalicelib import services
    from chalicelib.settings import Settings
    from infra.provision import provision

    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    provision(settings, session)
    services.reset()
    accounts = _seed_accounts(rows)
    size = _upload(session, settings, KEY, generated_rows(rows), FIRST_SNAPSHOT_DAYS)
    kinds = CHANGES[change]
    for done, kind in enumerate(kinds, start=1):
        _upload(session, settings, NEXT[kind][0], _export(rows, kinds[:done]), NEXT[kind][1])
    sqs = session.client("sqs")
    sqs.purge_queue(QueueUrl=sqs.get_queue_url(QueueName=settings.rne_queue_name)["QueueUrl"])
    print(json.dumps({"accounts": accounts, "bytes": size}))


WRITES = {"BatchWriteItem", "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems"}


def _floor(rows: int) -> dict:
    """One item per row, as the ingestion stores a mandate, batch-written one request at a
    time into a table of the same keys."""
    from pynamodb.attributes import UnicodeAttribute

    from bench.call_counter import count_aws_calls
    from bench.rne_generator import rows as generated_rows
    from chalicelib.models import RneMandate

    class Floor(RneMandate):
        class Meta(RneMandate.Meta):
            table_name = f"{RneMandate.Meta.table_name}-floor"

        person_key = UnicodeAttribute(hash_key=True)
        mandate_key = UnicodeAttribute(range_key=True)

    relief = _recreate(Floor)
    started = time.monotonic()
    with count_aws_calls() as calls:
        batch = Floor.batch_write()
        for number, row in enumerate(generated_rows(rows)):
            batch.save(
                Floor(
                    f"{row[9]}#{row[8]}#{row[6]}#{row[7]}",
                    f"CM#{row[4]}#{row[12]}",
                    scope=f"CM#{row[0]}",
                    type="CM",
                    territoire=row[4],
                    collectivite=row[5],
                    departement=row[0],
                    fonction=row[13] or None,
                    date_debut=row[12],
                    date_debut_fonction=row[14] or None,
                    nom=row[6],
                    prenom=row[7],
                    fichier="fichier#floor",
                    vu_le="2026-01-01",
                )
            )
            if number % 100_000 == 99_999:
                batch.commit()
                relief += _recreate(Floor)
        batch.commit()
    seconds = time.monotonic() - started - relief
    Floor.delete_table()
    requests = sum(n for (service, op), n in calls.items() if service == "dynamodb")
    return {"seconds": round(seconds, 1), "write_requests": requests - 0}


def _ingest(ingestion, sqs, queue: str, key: str, bucket: str, s3) -> dict:
    """One file, through as many invocations as it takes; time without the table reliefs."""
    from bench.call_counter import count_aws_calls
    from chalicelib.models import RneMandate

    head = s3.head_object(Bucket=bucket, Key=key)
    event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": bucket},
                    "object": {"key": key, "eTag": head["ETag"].strip('"')},
                },
            }
        ]
    }
    timeout_ms = RNE_INGEST_TIMEOUT * 1000
    relief, invocations, messages = 0.0, 0, [event]
    started, cpu = time.monotonic(), time.process_time()
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
                relief += _recreate(RneMandate)
    seconds = time.monotonic() - started - relief
    # the function's own CPU (with the reliefs' little): on a shared machine, steadier than time
    cpu = time.process_time() - cpu
    dynamodb = {op: n for (service, op), n in calls.items() if service == "dynamodb"}
    report = json.loads(s3.get_object(Bucket=bucket, Key=f"rne-reports/{key}.json")["Body"].read())
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "invocations": invocations,
        "write_requests": sum(n for op, n in dynamodb.items() if op in WRITES),
        "dynamodb_by_operation": dynamodb,
        "seconds_waiting_by_operation": {
            f"{k[0]}.{k[1]}": round(v, 1) for k, v in calls.seconds.most_common(8)
        },
        "statut": report["statut"],
        "report": report["compteurs"],
    }


@contextmanager
def _profiled(path: str | None, name: str):
    """cProfile of the block's thread into `<path>.<name>` (threads it starts are not seen)."""
    if not path:
        yield
        return
    import cProfile

    with cProfile.Profile() as profile:
        yield
    profile.dump_stats(f"{path}.{name}")


def _ingest_profiled(profile: str | None, name: str, *args) -> dict:
    with _profiled(profile, name):
        return _ingest(*args)


def child(rows: int, port: int, prepared: dict, change: str, profile: str | None) -> None:
    """The measured run (its own process, after `setup`)."""
    _environment(port)
    import boto3

    from chalicelib import services
    from chalicelib.settings import Settings

    settings = Settings.from_env()
    session = boto3.session.Session(region_name=settings.region)
    services.bound_settings()
    s3, sqs = session.client("s3"), session.client("sqs")
    queue = sqs.get_queue_url(QueueName=settings.rne_queue_name)["QueueUrl"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    floor = _floor(rows)
    ingestion = services.rne_ingestion()
    profile = profile and f"{profile}.{rows}"
    first = _ingest_profiled(profile, "first", ingestion, sqs, queue, KEY, settings.rne_bucket, s3)
    again = {
        kind: _ingest_profiled(
            profile, kind, ingestion, sqs, queue, NEXT[kind][0], settings.rne_bucket, s3
        )
        for kind in CHANGES[change]
    }
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": prepared["bytes"],
                "accounts": prepared["accounts"],
                "floor": floor,
                "first": first,
                "again": again,
                "first_vs_floor": round(first["seconds"] / floor["seconds"], 2),
                "again_requests_share": {
                    k: round(a["write_requests"] / first["write_requests"], 4)
                    for k, a in again.items()
                },
                "again_time_ratio": {
                    k: round(a["seconds"] / first["seconds"], 3) for k, a in again.items()
                },
                "peak_rss_mib": round(peak_kib / 1024, 1),
                "rss_before_ingestion_mib": round(rss_before / 1024, 1),
            }
        )
    )


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@contextmanager
def moto_server():
    """The bench's moto server (bench/moto_server.py) in its own process, on a free port: the
    port, until the block ends."""
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
        yield port, server.pid
    finally:
        server.kill()  # gigabytes of moto state: no need to let it tidy up
        server.wait(timeout=60)


def run_size(rows: int, change: str, profile: str | None = None) -> dict:
    with moto_server() as (port, server_pid):

        def step(*args: str) -> dict:
            out = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bench.rne_ingest", *args, "--port", str(port)],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return json.loads(out.strip().splitlines()[-1])

        options = ["--change", change, *(["--profile", profile] if profile else [])]
        prepared = step("--setup", str(rows), *options)
        result = step("--child", str(rows), "--prepared", json.dumps(prepared), *options)
        result["moto_rss_mib"] = _rss_mib(server_pid)
        print(json.dumps(result), flush=True)  # each size as soon as it is measured
        return result


FIRST_VS_FLOOR, AGAIN_TIME, AGAIN_WRITES, PEAK_MIB = 1.5, 0.2, 0.05, 512


def _against(name: str, value: float, target: float, shown: str, limit: str = "<=") -> str:
    verdict = "ok" if value <= target else "MISSED"
    return f"    {name:<20} {shown:>8}   target {limit} {target:g}   {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 500_000])
    parser.add_argument("--change", choices=sorted(CHANGES), default="both")
    parser.add_argument(
        "--profile", help="cProfile each ingestion into PATH.<rows>.<first|seat|label>"
    )
    parser.add_argument("--setup", type=int)
    parser.add_argument("--child", type=int)
    parser.add_argument("--prepared")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup, args.port, args.change)
        return
    if args.child:
        child(args.child, args.port, json.loads(args.prepared), args.change, args.profile)
        return
    results = [run_size(rows, args.change, args.profile) for rows in args.rows]
    for r in results:
        print(f"\n{r['rows']} rows ({r['bytes']:,} bytes)")
        print(f"  floor {r['floor']['seconds']} s, first ingestion {r['first']['seconds']} s")
        ratio = r["first_vs_floor"]
        print(_against("first/floor time", ratio, FIRST_VS_FLOOR, f"{ratio}"))
        for kind, again in r["again"].items():
            print(
                f"  {kind} re-ingestion {again['seconds']} s ({again['cpu_seconds']} s CPU, "
                f"first {r['first']['cpu_seconds']}), {again['report']}"
            )
            ratio, share = r["again_time_ratio"][kind], r["again_requests_share"][kind]
            print(_against("again/first time", ratio, AGAIN_TIME, f"{ratio}"))
            print(_against("again/first writes", share, AGAIN_WRITES, f"{share:.2%}"))
        peak = r["peak_rss_mib"]
        print(_against("peak RSS MiB", peak, PEAK_MIB, f"{peak}", "(at 500,000 rows) <"))
    for r in results:
        for name, run in [("floor", r["floor"]), ("first", r["first"]), *r["again"].items()]:
            print(f"\n{r['rows']} rows, {name}: {json.dumps(run)}")


if __name__ == "__main__":
    main()
