"""The rights queue, drained by hand: its messages handed to the `crediter_droits` function as
Lambda would (the relay does the same in `make run`)."""

from __future__ import annotations

import json

import boto3


def take_rights_messages() -> list[dict]:
    from chalicelib.settings import get_settings

    settings = get_settings()
    sqs = boto3.session.Session(region_name=settings.region).client("sqs")
    url = sqs.get_queue_url(QueueName=settings.rights_queue_name)["QueueUrl"]
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def deliver_rights_messages(client, twice: bool = False) -> list[dict]:
    """Every message of the rights queue to the worker (each twice if asked: SQS delivers at
    least once); answers the bodies delivered."""
    from chalicelib.settings import get_settings

    bodies = take_rights_messages()
    for body in bodies:
        event = client.events.generate_sqs_event(
            queue_name=get_settings().rights_queue_name, message_bodies=[json.dumps(body)]
        )
        for _ in range(2 if twice else 1):
            answer = client.lambda_.invoke("crediter_droits", event).payload
            assert answer == {"batchItemFailures": []}, answer
    return bodies
