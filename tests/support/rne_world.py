"""The RNE side of a test: uploads to the moto bucket, delivery through the local relay (as
Lambda would deliver the ingestion queue), reports and stored mandates."""

from __future__ import annotations

import json

import boto3

from tests.support.people import PASSWORD, make_nir, signup_payload
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write

HELENE = {
    "nom_naissance": "Roux",
    "nom_usage": None,
    "prenoms": "Hélène",
    "date_naissance": "1968-09-02",
}
HELENE_ROW = municipal_row("ROUX", "Hélène", "F", "02/09/1968", debut="28/06/2020")


class RneWorld:
    def __init__(self, settings, api, outbox) -> None:
        from app import app
        from infra.resources import EVENT_SOURCES
        from local.relay import EventRelay

        self.settings = settings
        self.api = api
        self.outbox = outbox
        session = boto3.session.Session(region_name=settings.region)
        self.s3 = session.client("s3")
        self.sqs = session.client("sqs")
        self.relay = EventRelay(app, settings, session, EVENT_SOURCES)
        self.relay.setup()

    def upload(self, key: str, data: bytes, snapshot: str | None = None) -> None:
        extra = {"Metadata": {"date-instantane": snapshot}} if snapshot else {}
        self.s3.put_object(Bucket=self.settings.rne_bucket, Key=key, Body=data, **extra)

    def take_upload_event(self) -> dict:
        """Take the S3 notification off the ingestion queue (moto also queues a test event when
        the notification is configured): its message, to deliver by hand."""
        url = self.sqs.get_queue_url(QueueName=self.settings.rne_queue_name)["QueueUrl"]
        while True:
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
            for message in messages:
                if "Records" in json.loads(message["Body"]):
                    return message

    def deliver(self) -> int:
        delivered = 0
        while self.relay.poll_once():
            delivered += 1
        return delivered

    def ingest(self, key: str, data: bytes, snapshot: str | None = None) -> dict:
        self.upload(key, data, snapshot)
        self.deliver()
        return self.report(key)

    def report(self, key: str) -> dict:
        body = self.s3.get_object(Bucket=self.settings.rne_bucket, Key=f"rne-reports/{key}.json")[
            "Body"
        ].read()
        return json.loads(body)

    def file_state(self, key: str):
        """The ingestion's state of the file uploaded under `key` (a test's scan)."""
        from chalicelib.models import RneFile

        return next(f for f in RneFile.scan() if f.key == key)

    def mandates(self) -> list:
        from chalicelib.models import RneMandate

        return [m for m in RneMandate.scan() if not m.alias_of]

    def helene(self, others: tuple = (), snapshot: str | None = None, **identity) -> dict:
        """Hélène Roux's account (this identity added), and a file of département 35 listing
        her as conseillère municipale since 28 June 2020, beside `others`."""
        person = self.person(**{**HELENE, **identity})
        self.ingest("prefectures/35/cm.csv", write(CURRENT_HEADER, [HELENE_ROW, *others]), snapshot)
        return person

    def person(self, **identity) -> dict:
        """A verified account with this identity: (payload with its token)."""
        sexe = identity.get("sexe", "F")
        born = identity.get("date_naissance", "1975-03-14")
        identity.setdefault("nir", make_nir(sexe, born))
        payload = signup_payload(**identity)
        assert self.api.post("/accounts", payload).status == 201
        code = self.outbox.last_to(payload["email"]).code()
        assert (
            self.api.post(
                "/accounts/verification", {"email": payload["email"], "code": code}
            ).status
            == 200
        )
        return payload

    def me(self, payload: dict) -> dict:
        token = self.api.post(
            "/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}
        ).json["token"]
        return self.api.get("/me", token=token).json


def days_ago(days: int) -> str:
    """A snapshot date relative to today: a file's date must be close to its upload."""
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(days=days)).date().isoformat()
