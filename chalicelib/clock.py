"""Time as the service sees it: UTC for storage, the Paris calendar for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utc_now() -> datetime:
    return datetime.now(UTC)


def paris_today() -> date:
    return utc_now().astimezone(PARIS).date()
