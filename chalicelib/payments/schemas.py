"""What the organisme's payment routes read and answer: its batches with their lines, and the
validated services done not yet in a batch."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..fields import Cursor
from ..models import PaymentLot
from ..money import euros
from ..schemas import AnswerModel, Euros, RequestModel, one_of
from .lots import HELD, LINE_STATUS, PAID, REJECTED, SENT, PayableLine

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]


class PaymentsQuery(RequestModel):
    cursor: Annotated[str | None, Cursor()] = None


class PaymentLineView(AnswerModel):
    """Une facture payée (ou à payer) : le dossier, le montant, où en est le paiement."""

    dossier: str
    titre: str
    facture: str
    montant: Euros
    statut: Annotated[str, one_of("a_payer", "en_lot", "paye", "rejete")]
    date_paiement: DateTime | None = None


class LotView(AnswerModel):
    """Un lot de paiement : un virement SEPA par facture, vers le compte enregistré."""

    reference: str
    date: Day
    statut: Annotated[str, one_of(HELD, SENT, PAID, REJECTED)]
    total: Euros
    nombre_factures: int
    compte: str  # masked
    date_paiement: DateTime | None = None
    motif: str | None = None
    lignes: list[PaymentLineView]

    @classmethod
    def of(cls, lot: PaymentLot) -> LotView:
        paid = lot.paye_le.isoformat() if lot.paye_le else None
        return cls(
            reference=lot.reference,
            date=lot.jour,
            statut=lot.statut,
            total=euros(int(lot.total_centimes)),
            nombre_factures=len(lot.lignes),
            compte=lot.iban_masque,
            date_paiement=paid,
            motif=lot.motif,
            lignes=[
                PaymentLineView(
                    dossier=line.dossier,
                    titre=line.titre,
                    facture=line.facture,
                    montant=euros(int(line.montant_centimes)),
                    statut=LINE_STATUS[lot.statut],
                    date_paiement=paid,
                )
                for line in lot.lignes
            ],
        )


class PaymentsPage(AnswerModel):
    """Les lots de l'organisme, du plus récent au plus ancien ; sur la première page, les
    services faits validés qui attendent le prochain lot."""

    a_payer: list[PaymentLineView]
    lots: list[LotView]
    cursor: str | None

    @classmethod
    def of(
        cls, lots: list[PaymentLot], payable: list[PayableLine], cursor: str | None
    ) -> PaymentsPage:
        return cls(
            a_payer=[
                PaymentLineView(
                    dossier=line.dossier,
                    titre=line.titre,
                    facture=line.invoice_number,
                    montant=euros(line.amount_cents),
                    statut="a_payer",
                )
                for line in payable
            ],
            lots=[LotView.of(lot) for lot in lots],
            cursor=cursor,
        )
