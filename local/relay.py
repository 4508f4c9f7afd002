"""The local event relay: delivers SQS messages to the app's functions as Lambda's SQS event
sources do on AWS (moto stores messages but never calls a handler). S3 uploads reach their
function the same way, since the bucket notifies a queue (see infra/resources.py).

For each source it long-polls the queue, invokes the function with an SQS event of up to
`batch_size` records (each with its own messageId), deletes what succeeded and honours
`batchItemFailures`; failed messages come back after the visibility timeout, and moto's redrive
policy moves them to the dead-letter queue after `maxReceiveCount` receives.
"""

from __future__ import annotations

import threading
import traceback
import uuid

from chalice.local import LambdaContext

from infra.resources import EventSource
from local.invocations import ONE_AT_A_TIME


class EventRelay:
    def __init__(
        self, app, settings, session, sources: tuple[EventSource, ...], timeout_seconds: int = 300
    ) -> None:
        # handler_map holds each function wrapped with its middleware, as Lambda runs it.
        self._functions = app.handler_map
        self._settings = settings
        self._sqs = session.client("sqs")
        self._sources = sources
        self._timeout_ms = timeout_seconds * 1000
        self._queues: list[tuple[EventSource, str, str]] = []  # source, queue url, queue arn
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    def setup(self) -> None:
        for source in self._sources:
            if source.function not in self._functions:
                raise LookupError(f"no @app.lambda_function named {source.function!r}")
            url = self._sqs.get_queue_url(QueueName=getattr(self._settings, source.queue_field))[
                "QueueUrl"
            ]
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            self._queues.append((source, url, arn))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.poll_once(wait_seconds=1) and not self._queues:
                self._stop.wait(1)

    def drain(self) -> None:
        """Relay until every queue is empty (before `start`: the seed's events)."""
        while self.poll_once():
            pass

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Relay what is waiting on every source; answer how many messages were received."""
        received = 0
        for source, url, arn in self._queues:
            messages = self._sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(source.batch_size, 10),
                WaitTimeSeconds=wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            received += len(messages)
            if messages:
                self._deliver(source, url, arn, messages)
        return received

    def _deliver(self, source: EventSource, url: str, arn: str, messages: list) -> None:
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": m.get("MessageAttributes", {}),
                    "md5OfBody": m.get("MD5OfBody"),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": arn,
                    "awsRegion": arn.split(":")[3],
                }
                for m in messages
            ]
        }
        context = LambdaContext(
            function_name=source.function, memory_size=1024, max_runtime_ms=self._timeout_ms
        )
        try:
            with ONE_AT_A_TIME:
                result = self._functions[source.function](event, context) or {}
        except Exception:  # noqa: BLE001 - like Lambda: the whole batch comes back later
            print(f"relay {source.function} failed:\n{traceback.format_exc()}", flush=True)
            return
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(uuid.uuid4()), "ReceiptHandle": m["ReceiptHandle"]} for m in done
                ],
            )
        self.delivered += len(done)
