"""Reading the emails that moto's SES accepted, as a person would read them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_string
from email.policy import default


@dataclass
class ReceivedEmail:
    to: list[str]
    subject: str
    text: str
    html: str
    reply_to: str | None

    def code(self) -> str:
        return re.search(r"\b(\d{6})\b", self.text).group(1)

    def link(self) -> str:
        return re.search(r"https?://\S+", self.text).group(0)


def parse_raw(raw: str, destinations: list[str]) -> ReceivedEmail:
    message = message_from_string(raw, policy=default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return ReceivedEmail(
        to=destinations,
        subject=str(message["Subject"]),
        text=text,
        html=html,
        reply_to=message["Reply-To"],
    )


class Outbox:
    def __init__(self, region: str) -> None:
        self._region = region

    def all(self) -> list[ReceivedEmail]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses import ses_backends

        backend = ses_backends[DEFAULT_ACCOUNT_ID][self._region]
        return [parse_raw(m.raw_data, list(m.destinations)) for m in backend.sent_messages]

    def to(self, address: str) -> list[ReceivedEmail]:
        return [m for m in self.all() if address in m.to]

    def last_to(self, address: str) -> ReceivedEmail:
        messages = self.to(address)
        assert messages, f"no email sent to {address}"
        return messages[-1]
