"""The local relay delivers S3 uploads and SQS messages to functions as Lambda would."""

import json
from urllib.parse import unquote_plus

import boto3
from chalice import Chalice

from infra.resources import EventSource
from local.relay import EventRelay


def make_app(received, failing_bodies):
    app = Chalice(app_name="relay-test")

    @app.lambda_function(name="on_upload")
    def on_upload(event, context):
        received["s3"].append(event)

    @app.lambda_function(name="on_message")
    def on_message(event, context):
        received["sqs"].append(event)
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                      for r in event["Records"] if r["body"] in failing_bodies]}

    return app


def test_uploads_and_messages_reach_their_functions(aws):
    received = {"s3": [], "sqs": []}
    failing = {"second"}
    app = make_app(received, failing)
    session = boto3.session.Session(region_name=aws.region)
    sources = (EventSource("s3", "rne_bucket", "on_upload"),
               EventSource("sqs", "support_queue_name", "on_message", batch_size=10))
    relay = EventRelay(app, aws, session, sources)
    relay.setup()

    s3, sqs = session.client("s3"), session.client("sqs")
    s3.put_object(Bucket=aws.rne_bucket, Key="depot/35/elus.csv", Body=b"x")
    queue_url = sqs.get_queue_url(QueueName=aws.support_queue_name)["QueueUrl"]
    for body in ("first", "second", "third"):
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    for _ in range(3):
        relay.poll_once()

    [upload] = received["s3"]
    record = upload["Records"][0]
    assert record["s3"]["bucket"]["name"] == aws.rne_bucket
    # Keys arrive URL-encoded in S3 events, as on AWS: handlers must decode them.
    assert unquote_plus(record["s3"]["object"]["key"]) == "depot/35/elus.csv"

    records = [r for event in received["sqs"] for r in event["Records"]]
    assert sorted(r["body"] for r in records) == ["first", "second", "third"]
    assert len({r["messageId"] for r in records}) == 3  # each message keeps its own id
    assert all(r["eventSource"] == "aws:sqs" for r in records)

    # Only the failed message is left, in flight until its visibility timeout ends.
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert attributes["ApproximateNumberOfMessages"] == "0"


def test_a_function_that_raises_gets_the_batch_again(aws):
    calls = []
    app = Chalice(app_name="relay-test")

    @app.lambda_function(name="flaky")
    def flaky(event, context):
        calls.append(len(event["Records"]))
        if len(calls) == 1:
            raise RuntimeError("first delivery fails")

    session = boto3.session.Session(region_name=aws.region)
    relay = EventRelay(app, aws, session, (EventSource("sqs", "support_queue_name", "flaky"),))
    relay.setup()
    sqs = session.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=aws.support_queue_name)["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"n": 1}))
    relay.poll_once()
    relay.poll_once()
    # Not deleted, not redelivered early: in flight until the visibility timeout ends.
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert relay.delivered == 0 and calls == [1]
