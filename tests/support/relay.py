"""Delivering the queues to the app's functions in a test (as Lambda's event sources would)."""

from __future__ import annotations

import boto3


class Relay:
    def __init__(self, settings) -> None:
        from app import app
        from infra.resources import EVENT_SOURCES
        from local.relay import EventRelay

        self._relay = EventRelay(
            app, settings, boto3.session.Session(region_name=settings.region), EVENT_SOURCES
        )
        self._relay.setup()

    def deliver(self) -> int:
        delivered = 0
        while self._relay.poll_once():
            delivered += 1
        return delivered
