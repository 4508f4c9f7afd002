"""The local event relay: delivers SQS messages to the app's functions as Lambda's SQS event
sources do on AWS (moto stores messages but never calls a handler). S3 uploads reach their
function the same way, since the bucket notifies a queue (see infra/resources.py).

For each source, as many pollers as the source's MaximumConcurrency long-poll the queue, each
invoking the function (in the pool's containers: local/lambda_pool.py) with an SQS event of up
to `batch_size` records (each with its own messageId), deleting what succeeded and honouring
`batchItemFailures`; failed messages come back after the visibility timeout, and moto's redrive
policy moves them to the dead-letter queue after `maxReceiveCount` receives.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable

from infra.resources import EventSource
from local.lambda_pool import in_this_process

Invoke = Callable[[str, dict], dict]  # (function, event) -> its result
# Long polls, as Lambda's pollers make them (20 s there): a message wakes its poller at once;
# shorter here so that Ctrl-C stops the pollers within seconds.
POLL_SECONDS = 5


class EventRelay:
    def __init__(
        self, app, settings, session, sources: tuple[EventSource, ...], invoke: Invoke | None = None
    ) -> None:
        """`invoke` runs a function (the pool's containers); by default, in this process."""
        self._functions = app.handler_map
        self._settings = settings
        self._sqs = session.client("sqs")
        self._sources = sources
        self._invoke = invoke or in_this_process(app)
        self._queues: list[tuple[EventSource, str, str]] = []  # source, queue url, queue arn
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._count = threading.Lock()
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

    def start(self, invoke: Invoke | None = None) -> None:
        """Poll every source in threads of its own, invoking through `invoke` from now on."""
        self._invoke = invoke or self._invoke
        for queue in self._queues:
            for number in range(queue[0].max_concurrency):
                thread = threading.Thread(
                    target=self._poll_forever,
                    args=(queue,),
                    name=f"relay-{queue[0].function}-{number}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _poll_forever(self, queue: tuple[EventSource, str, str]) -> None:
        while not self._stop.is_set():
            try:
                self._poll(*queue, wait_seconds=POLL_SECONDS)
            except Exception:  # noqa: BLE001 - a poller outlives a failed receive, as Lambda's
                if not self._stop.is_set():
                    print(f"relay {queue[0].function}: {traceback.format_exc()}", flush=True)
                    self._stop.wait(1)

    def drain(self) -> None:
        """Relay until every queue is empty (before `start`: the seed's events)."""
        while self.poll_once():
            pass

    def poll_once(self) -> int:
        """Relay what is waiting on every source, once; answer how many messages came."""
        return sum(self._poll(*queue, wait_seconds=0) for queue in self._queues)

    def _poll(self, source: EventSource, url: str, arn: str, wait_seconds: int) -> int:
        """Relay one receive of a source; answer how many messages it received."""
        messages = self._sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(source.batch_size, 10),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if messages:
            self._deliver(source, url, arn, messages)
        return len(messages)

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
        try:
            result = self._invoke(source.function, event) or {}
        except Exception as error:  # noqa: BLE001 - like Lambda: the whole batch comes back later
            print(f"relay {source.function} failed:\n{error}", flush=True)
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
        with self._count:
            self.delivered += len(done)
