"""The local event relay: delivers S3 uploads and SQS messages to the app's functions, as the
Lambda event sources do on AWS (moto stores events but never calls a handler).

- SQS source: long-polls the queue, invokes the function with an SQS event of up to
  `batch_size` records (each with its own messageId), deletes what succeeded and honours
  `batchItemFailures`; failed messages come back after the visibility timeout, and moto's
  redrive policy moves them to the dead-letter queue after `maxReceiveCount` receives.
- S3 source: the bucket notifies a relay queue (moto implements S3 -> SQS notifications); each
  notification is passed to the function as the S3 event Lambda would receive.
"""

from __future__ import annotations

import json
import threading
import traceback
import uuid

from chalice.local import LambdaContext

from infra.resources import EventSource


class EventRelay:
    def __init__(self, app, settings, session, sources: tuple[EventSource, ...]) -> None:
        self._functions = {f.name: f for f in app.pure_lambda_functions}
        self._settings = settings
        self._sqs = session.client("sqs")
        self._s3 = session.client("s3")
        self._sources = sources
        self._queues: list[tuple[EventSource, str, str]] = []  # source, queue url, queue arn
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    def setup(self) -> None:
        for source in self._sources:
            if source.function not in self._functions:
                raise LookupError(f"no @app.lambda_function named {source.function!r}")
            name = getattr(self._settings, source.settings_field)
            if source.kind == "s3":
                url = self._sqs.create_queue(QueueName=f"{name}-relay")["QueueUrl"]
                arn = self._queue_arn(url)
                self._s3.put_bucket_notification_configuration(
                    Bucket=name, NotificationConfiguration={"QueueConfigurations": [
                        {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
            else:
                url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
                arn = self._queue_arn(url)
            self._queues.append((source, url, arn))

    def _queue_arn(self, url: str) -> str:
        return self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.poll_once(wait_seconds=1) and not self._queues:
                self._stop.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Relay what is waiting on every source; answer how many messages were received."""
        received = 0
        for source, url, arn in self._queues:
            messages = self._sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10),
                WaitTimeSeconds=wait_seconds, AttributeNames=["All"],
                MessageAttributeNames=["All"]).get("Messages", [])
            received += len(messages)
            if not messages:
                continue
            if source.kind == "s3":
                for message in messages:
                    self._deliver_s3(source, url, message)
            else:
                self._deliver_sqs(source, url, arn, messages)
        return received

    def _invoke(self, source: EventSource, event: dict):
        context = LambdaContext(function_name=source.function, memory_size=512,
                                max_runtime_ms=900_000)
        return self._functions[source.function](event, context)

    def _deliver_s3(self, source: EventSource, url: str, message: dict) -> None:
        event = json.loads(message["Body"])
        if "Records" in event:  # moto also sends an s3:TestEvent when notifications are set
            try:
                self._invoke(source, event)
            except Exception:  # noqa: BLE001 - like Lambda: log it, and retry later
                print(f"relay {source.function} failed:\n{traceback.format_exc()}", flush=True)
                return
            self.delivered += 1
        self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def _deliver_sqs(self, source: EventSource, url: str, arn: str, messages: list) -> None:
        region = arn.split(":")[3]
        event = {"Records": [{
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": m.get("MessageAttributes", {}),
            "md5OfBody": m.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": arn,
            "awsRegion": region,
        } for m in messages]}
        try:
            result = self._invoke(source, event) or {}
        except Exception:  # noqa: BLE001 - the whole batch comes back after the timeout
            print(f"relay {source.function} failed:\n{traceback.format_exc()}", flush=True)
            return
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(uuid.uuid4()), "ReceiptHandle": m["ReceiptHandle"]} for m in done])
        self.delivered += len(done)
