"""What the webhook routes read and answer."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..enrolment.schemas import DateTime, Page
from ..fields import Text
from ..schemas import AnswerModel, RequestModel, one_of
from .addresses import MAX_URL_LENGTH


class WebhookRequest(RequestModel):
    url: Annotated[
        str,
        Text(
            "Adresse du webhook",
            max_length=MAX_URL_LENGTH,
            description="L'URL HTTPS (adresse publique) qui reçoit les événements.",
        ),
    ]


class WebhookRegistered(AnswerModel):
    """Le webhook enregistré, et son secret de signature : donné cette fois seulement."""

    url: str
    secret: Annotated[
        str,
        Field(
            pattern="^whsec_[A-Za-z0-9+/=]+$",
            description="Secret de signature (Standard Webhooks), à garder : il n'est plus "
            "jamais redonné. Un nouvel enregistrement en donne un autre.",
        ),
    ]
    enregistre_le: DateTime


class WebhookTestSent(AnswerModel):
    """L'événement de test, mis en file de livraison."""

    id: str
    type: Annotated[str, one_of("test")]


class Delivery(AnswerModel):
    id: Annotated[str, Field(description="L'identifiant de l'événement (`webhook-id`).")]
    type: str
    date: DateTime
    statut: Annotated[str, one_of("en_cours", "livree", "abandonnee")]
    tentatives: int
    code_http: Annotated[
        int | None, Field(description="Le statut HTTP de la dernière réponse (null : aucune).")
    ]
    derniere_tentative: DateTime


class DeliveryPage(AnswerModel):
    livraisons: list[Delivery]
    cursor: str | None


class DeliveryListing(Page):
    pass
