"""Sending email with SES (v2 API): a MIME message with a plain-text and an HTML part."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    reply_to: str | None = None


class SesMailer:
    def __init__(
        self,
        client,
        sender: str,
        sender_name: str = "Mon Compte Élu",
        configuration_set: str | None = None,
    ) -> None:
        self._client = client
        # the configuration set publishes deliveries, bounces and complaints to CloudWatch
        self._configuration = (
            {"ConfigurationSetName": configuration_set} if configuration_set else {}
        )
        self._sender = sender
        self._sender_name = sender_name

    def send(self, email: Email) -> str:
        message = EmailMessage()
        message["From"] = formataddr((self._sender_name, self._sender))
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = make_msgid(domain=self._sender.rsplit("@", 1)[-1])
        message["Content-Language"] = "fr"
        if email.reply_to:
            message["Reply-To"] = email.reply_to
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        response = self._client.send_email(
            FromEmailAddress=self._sender,
            Destination={"ToAddresses": [email.to]},
            Content={"Raw": {"Data": message.as_bytes()}},
            **self._configuration,
        )
        return response["MessageId"]


def send_quietly(mailer: SesMailer, email: Email) -> bool:
    """Send, and never fail the person's request for it (they can ask for the email again):
    an SES outage is counted and logged, without the address or the text."""
    from .observability import Metric, count, logger

    try:
        mailer.send(email)
    except Exception as error:  # noqa: BLE001 - SES outage must not lose the person's request
        count(Metric.EMAIL_SEND_FAILED)
        logger.error("Email could not be sent", extra={"error_type": type(error).__name__})
        return False
    count(Metric.EMAIL_SENT)
    return True
