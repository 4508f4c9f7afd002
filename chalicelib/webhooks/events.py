"""The events an organisme hears, and when a failed delivery is tried again. Pure.

An event is `{id, type, date, dossier}`: `type` is `dossier.<statut>` (the file's new status),
`dossier` the file as the organisme's API shows it. The id is the `webhook-id` of every
attempt: the receiver deduplicates on it (a delivery is at least once)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from ..models import Dossier

TEST = "test"
ATTEMPTS = 8  # 30 s, 2 min, 8 min, 32 min, 2 h, 8.5 h, 12 h apart: the last one after 23.3 h
FIRST_DELAY_SECONDS = 30
# SQS keeps a message invisible 12 h at most from its receive, which was a moment ago
MAX_DELAY_SECONDS = 12 * 3600 - 300


def new_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


def dossier_event(dossier: Dossier, now: datetime) -> dict:
    from ..enrolment.views import for_organisme

    return {
        "id": new_id(),
        "type": f"dossier.{dossier.statut}",
        "date": now.isoformat(),
        "dossier": for_organisme(dossier).to_json(),
    }


def test_event(now: datetime) -> dict:
    """What `POST /organismes/webhook/test` sends: no file."""
    return {"id": new_id(), "type": TEST, "date": now.isoformat(), "dossier": None}


def body(event: dict) -> str:
    """The bytes signed and sent (the signature covers exactly these)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def retry_delay(attempt: int) -> int | None:
    """Seconds until the next attempt after the `attempt`-th failed one (1 for the first);
    None when it was the last: the event goes to the dead-letter queue."""
    if attempt >= ATTEMPTS:
        return None
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 4 ** (attempt - 1))
