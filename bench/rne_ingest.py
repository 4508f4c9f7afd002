"""The RNE ingestion at national scale, measured on the running system, on the path users take.

    python -m bench.rne_ingest                               # 100,000 and 500,000 rows
    python -m bench.rne_ingest --rows 20000 --change label   # a quick run
    python -m bench.rne_ingest --rows 20000 --profile /tmp/rne   # cProfile of each invocation

For each size, the local system starts (`python -m local.run`, what `make run` runs: moto in a
process of its own, the functions in Lambda-like containers fed by the S3 notification's queue),
and in one run on its moto server:
- floor: from another process, one item per row batch-written (25 a request, one request at a
  time) into a table of the same keys: what writing the rows costs at the least;
- first ingestion of a generated conseillers municipaux export (`bench/rne_generator.py`),
  uploaded into the system's RNE bucket as a prefecture does: the time from the upload to the
  report saying `termine` (S3 -> ObjectCreated -> SQS -> the relay -> `rne_ingest`, chunk after
  chunk through its queue when a file outlasts an invocation);
- re-ingestion of the next quarter's export, where 1 % of the rows changed
  (`bench/rne_scenarios.py`): `seat`, another person in the seat since a month (a new
  mandate, and one to close); `label`, the same mandates under their commune's new name (a
  change of each). `both` (the default) ingests one after the other, each export the one
  before with its own 1 % changed (first, then seat, then label over seat): each is compared
  with a previous snapshot that differs from it by its own change only, and one first
  ingestion serves both.
It prints each figure beside its target: the first ingestion's time against the floor's, each
re-ingestion's DynamoDB write requests (counted by the moto server: every function's, from the
upload to the report) and time against the first ingestion's, and the function's peak memory
(the "Max Memory Used" of its REPORT lines).

One row in 200 belongs to an account, registered in the identity index like a real one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.running_system import ROOT, RunningSystem, aws_environment, running_system

ACCOUNT_EVERY = 200
FUNCTION = "rne_ingest"


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
    # Uncounted, through the floor's own connection: the floor counts its writes only.
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
# after the demo's RNE file (dated about 60 days ago), before the replacements (40 days ago)
FIRST_SNAPSHOT_DAYS = 50
CHANGES = {"seat": ["seat"], "label": ["label"], "both": ["seat", "label"]}


def _export(rows: int, kinds: list[str]):
    """The export after these changes, each over the one before."""
    from bench.rne_scenarios import label_changed, seat_changed

    scenario = {"seat": seat_changed, "label": label_changed}
    made = None
    for kind in kinds:
        made = scenario[kind](rows, made)
    return made


DEMO_DEPARTMENT = "29"  # the demo élue's (local/demo_files.py), with her own RNE file


def _beside_the_demo(rows):
    """The rows, but those of the demo's department. Its current snapshot is the demo's file
    (60 days old), and every generated mandate there would be a mandate it did not list that
    began before it: what the ingestion takes for an old export, held for an operator."""
    return (row for row in rows if row[0] != DEMO_DEPARTMENT)


def _write_export(path: Path, rows) -> int:
    import csv

    from bench.rne_generator import HEADER

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(_beside_the_demo(rows))
    return path.stat().st_size


def setup(rows: int, change: str, folder: str) -> None:
    """The accounts in the running system's tables and the exports written into `folder` (a
    process of its own: the system's own processes do only their work)."""
    from bench.rne_generator import rows as generated_rows
    from chalicelib import services

    settings = services.bound_settings()  # the models' tables: the stage's names
    accounts = _seed_accounts(rows)
    size = _write_export(Path(folder) / "first.csv", generated_rows(rows))
    kinds = CHANGES[change]
    for done, kind in enumerate(kinds, start=1):
        _write_export(Path(folder) / f"{kind}.csv", _export(rows, kinds[:done]))
    from infra.resources import EVENT_SOURCES

    queues = [getattr(settings, source.queue_field) for source in EVENT_SOURCES]
    print(
        json.dumps(
            {"accounts": accounts, "bytes": size, "bucket": settings.rne_bucket, "queues": queues}
        )
    )


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
        for number, row in enumerate(_beside_the_demo(generated_rows(rows))):
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
    return {"seconds": round(seconds, 1), "write_requests": requests}


def floor(rows: int) -> None:
    from chalicelib import services

    services.bound_settings()
    print(json.dumps(_floor(rows)))


def _dynamodb(served: dict) -> dict[str, int]:
    return served.get("dynamodb", {})


def _through_the_system(
    system: RunningSystem, s3, bucket: str, key: str, path: Path, days_ago: int
) -> dict:
    """Upload `path` as `key` and wait for its report: the seconds from the upload's start to
    `termine`, the DynamoDB requests served meanwhile, and the function's invocations (the
    caller waits for a quiet system first)."""
    before, invocations_before = (
        _dynamodb(system.requests_served()),
        len(system.invocations(FUNCTION)),
    )
    started = time.monotonic()
    # the export's date, as the ministry's files carry it (the replacements started since)
    snapshot = (datetime.now(UTC) - timedelta(days=days_ago)).date().isoformat()
    s3.upload_file(str(path), bucket, key, ExtraArgs={"Metadata": {"date-instantane": snapshot}})
    uploaded = time.monotonic() - started
    report = _wait_for_report(s3, bucket, f"rne-reports/{key}.json")
    seconds = time.monotonic() - started
    after = _dynamodb(system.requests_served())
    dynamodb = {op: after[op] - before.get(op, 0) for op in after if after[op] > before.get(op, 0)}
    invocations = system.invocations(FUNCTION)[invocations_before:]
    return {
        "seconds": round(seconds, 1),
        "upload_seconds": round(uploaded, 1),
        "invocations": len(invocations),
        "write_requests": sum(n for op, n in dynamodb.items() if op in WRITES),
        "dynamodb_by_operation": dynamodb,
        "max_memory_used_mb": max((memory for _, memory in invocations), default=0),
        "statut": report["statut"],
        "report": report["compteurs"],
    }


def _wait_until_quiet(sqs, urls: list[str], seconds: float = 1800) -> None:
    """Until no queue that feeds a function (`urls`) holds a message, for two polls in a row:
    the next quarter's export comes when what the previous one set off (the rights of the élus
    it recognised) is done, not in the middle of it."""
    deadline, calm = time.monotonic() + seconds, 0
    while calm < 2 and time.monotonic() < deadline:
        waiting = sum(
            int(value)
            for url in urls
            for value in sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"].values()
        )
        calm = calm + 1 if waiting == 0 else 0
        time.sleep(1)


def _wait_for_report(s3, bucket: str, key: str, seconds: float = 3 * 3600) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except s3.exceptions.NoSuchKey:
            time.sleep(0.5)
    raise TimeoutError(f"no report {key} after {seconds:.0f} s")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run_size(rows: int, change: str, profile: str | None = None) -> dict:
    extra = {"LOCAL_PROFILE_DIR": profile} if profile else {}
    with (
        tempfile.TemporaryDirectory(prefix="mce-rne-") as folder,
        running_system(**extra) as system,
    ):
        environment = {**os.environ, **aws_environment(system.moto_port)}

        def step(*args: str) -> dict:
            out = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bench.rne_ingest", *args],
                cwd=ROOT,
                env=environment,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return json.loads(out.strip().splitlines()[-1])

        prepared = step("--setup", str(rows), "--change", change, "--folder", folder)
        floor_figures = step("--floor", str(rows))
        s3, sqs = system.client("s3"), system.client("sqs")
        bucket = prepared.pop("bucket")
        queues = [sqs.get_queue_url(QueueName=name)["QueueUrl"] for name in prepared.pop("queues")]
        files = [("first", KEY, FIRST_SNAPSHOT_DAYS)]
        files += [(kind, *NEXT[kind]) for kind in CHANGES[change]]
        measured = {}
        for name, key, days_ago in files:
            _wait_until_quiet(sqs, queues)
            measured[name] = _through_the_system(
                system, s3, bucket, key, Path(folder) / f"{name}.csv", days_ago
            )
        first = measured.pop("first")
        again = measured
        moto_pid = _moto_pid(system)
        result = {
            "rows": rows,
            **prepared,
            "floor": floor_figures,
            "first": first,
            "again": again,
            "first_vs_floor": round(first["seconds"] / floor_figures["seconds"], 2),
            "again_requests_share": {
                k: round(a["write_requests"] / first["write_requests"], 4) for k, a in again.items()
            },
            "again_time_ratio": {
                k: round(a["seconds"] / first["seconds"], 3) for k, a in again.items()
            },
            "peak_mib": max(r["max_memory_used_mb"] for r in (first, *again.values())),
            "moto_rss_mib": _rss_mib(moto_pid) if moto_pid else None,
        }
        print(json.dumps(result), flush=True)  # each size as soon as it is measured
        return result


def _moto_pid(system: RunningSystem) -> int | None:
    """The system's moto server process (a child of local.run)."""
    for child in Path(f"/proc/{system.process.pid}/task").glob("*/children"):
        for pid in child.read_text().split():
            if "local.moto_server" in Path(f"/proc/{pid}/cmdline").read_text():
                return int(pid)
    return None


FIRST_VS_FLOOR, AGAIN_TIME, AGAIN_WRITES, PEAK_MIB = 1.5, 0.2, 0.05, 512


def _against(name: str, value: float, target: float, shown: str, limit: str = "<=") -> str:
    verdict = "ok" if value <= target else "MISSED"
    return f"    {name:<20} {shown:>8}   target {limit} {target:g}   {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 500_000])
    parser.add_argument("--change", choices=sorted(CHANGES), default="both")
    parser.add_argument(
        "--profile", help="cProfile each invocation of the system's functions into the folder"
    )
    parser.add_argument("--setup", type=int)
    parser.add_argument("--folder")
    parser.add_argument("--floor", type=int)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup, args.change, args.folder)
        return
    if args.floor:
        floor(args.floor)
        return
    results = [run_size(rows, args.change, args.profile) for rows in args.rows]
    for r in results:
        print(f"\n{r['rows']} rows ({r['bytes']:,} bytes)")
        print(f"  floor {r['floor']['seconds']} s, first ingestion {r['first']['seconds']} s")
        ratio = r["first_vs_floor"]
        print(_against("first/floor time", ratio, FIRST_VS_FLOOR, f"{ratio}"))
        for kind, again in r["again"].items():
            print(f"  {kind} re-ingestion {again['seconds']} s, {again['report']}")
            ratio, share = r["again_time_ratio"][kind], r["again_requests_share"][kind]
            print(_against("again/first time", ratio, AGAIN_TIME, f"{ratio}"))
            print(_against("again/first writes", share, AGAIN_WRITES, f"{share:.2%}"))
        peak = r["peak_mib"]
        print(_against("peak memory MiB", peak, PEAK_MIB, f"{peak}", "(at 500,000 rows) <"))
    for r in results:
        for name, run in [("floor", r["floor"]), ("first", r["first"]), *r["again"].items()]:
            print(f"\n{r['rows']} rows, {name}: {json.dumps(run)}")


if __name__ == "__main__":
    main()
