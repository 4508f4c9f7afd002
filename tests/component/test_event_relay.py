"""The local relay delivers SQS messages to functions as Lambda would, and S3 uploads reach
their function through the bucket's notification queue."""

import json
from urllib.parse import unquote_plus

import boto3
from chalice import Chalice

from infra.resources import EventSource
from local.relay import EventRelay


def relay_for(aws, app, function, queue_field="support_queue_name", batch_size=10):
    session = boto3.session.Session(region_name=aws.region)
    relay = EventRelay(app, aws, session, (EventSource(queue_field, function, batch_size),))
    relay.setup()
    return relay, session.client("sqs"), session.client("s3")


def queue_counts(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def test_messages_reach_the_function_and_only_failures_stay(aws):
    received = []
    app = Chalice(app_name="relay-test")

    @app.lambda_function(name="on_message")
    def on_message(event, context):
        received.extend(event["Records"])
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]}
                for r in event["Records"]
                if r["body"] == "second"
            ]
        }

    relay, sqs, _ = relay_for(aws, app, "on_message")
    url = sqs.get_queue_url(QueueName=aws.support_queue_name)["QueueUrl"]
    for body in ("first", "second", "third"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    while relay.poll_once():
        pass

    assert sorted(r["body"] for r in received) == ["first", "second", "third"]
    assert len({r["messageId"] for r in received}) == 3  # each message keeps its own id
    assert all(r["eventSource"] == "aws:sqs" for r in received)
    assert relay.delivered == 2
    assert queue_counts(sqs, url) == (0, 1)  # the failed one, in flight until its timeout


def test_a_function_that_raises_gets_the_batch_again_later(aws):
    calls = []
    app = Chalice(app_name="relay-test")

    @app.lambda_function(name="flaky")
    def flaky(event, context):
        calls.append(len(event["Records"]))
        raise RuntimeError("first delivery fails")

    relay, sqs, _ = relay_for(aws, app, "flaky")
    url = sqs.get_queue_url(QueueName=aws.support_queue_name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": 1}))
    relay.poll_once()
    relay.poll_once()
    assert calls == [1] and relay.delivered == 0
    assert queue_counts(sqs, url) == (0, 1)  # not lost, not redelivered early


def test_an_upload_to_the_rne_bucket_reaches_the_ingestion_queue(aws):
    events = []
    app = Chalice(app_name="relay-test")

    @app.lambda_function(name="on_upload")
    def on_upload(event, context):
        events.extend(json.loads(r["body"]) for r in event["Records"])

    relay, _, s3 = relay_for(aws, app, "on_upload", queue_field="rne_queue_name")
    s3.put_object(Bucket=aws.rne_bucket, Key="prefectures/35/elus cm.csv", Body=b"x")
    while relay.poll_once():
        pass
    records = [r for e in events for r in e.get("Records", [])]
    [record] = records
    assert record["s3"]["bucket"]["name"] == aws.rne_bucket
    # Keys arrive URL-encoded in S3 events, as on AWS: handlers decode them.
    assert unquote_plus(record["s3"]["object"]["key"]) == "prefectures/35/elus cm.csv"
