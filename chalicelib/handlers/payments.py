"""The organismes' payments: what an organisme reads of its batches, through its own key, and
the daily job that makes the batches and their SEPA files."""

from chalice import Blueprint, Cron

from .. import services
from ..api import ApiBlueprint, Reply
from ..operations import BAD_REQUEST, KEY_REFUSED, NO_STORE, ORGANISME
from ..payments.schemas import LotView, PaymentsPage, PaymentsQuery

bp = ApiBlueprint(__name__)
jobs = Blueprint(__name__ + ".jobs")


@bp.route(
    "/organismes/paiements",
    methods=["GET"],
    summary="Organisme : ses lots de paiement (les plus récents d'abord) et leurs factures ; "
    "sur la première page, les services faits validés qui attendent le prochain lot",
    security=ORGANISME,
    query=PaymentsQuery,
    responses={200: (PaymentsPage, "Une page de lots."), 400: BAD_REQUEST, 401: KEY_REFUSED},
)
def organisme_payments(siret, query: PaymentsQuery):
    return Reply(services.payment_desk().page(siret, query.cursor), headers=NO_STORE)


@bp.route(
    "/organismes/paiements/{reference}",
    methods=["GET"],
    summary="Organisme : un lot de paiement et ses factures",
    security=ORGANISME,
    responses={
        200: (LotView, "Le lot."),
        401: KEY_REFUSED,
        404: "Lot inconnu de cet organisme.",
    },
)
def organisme_payment(reference, siret):
    return Reply(services.payment_desk().lot_of(siret, reference), headers=NO_STORE)


# Every day at 5:00 UTC (6:00 or 7:00 in Paris): the batches leave before the bank's first cut-off.
@jobs.schedule(Cron(0, 5, "*", "*", "?", "*"), name="lots_de_paiement")
def make_payment_batches(event):
    report = services.payment_batches().run()
    return {
        "lots": report.lots,
        "en_attente": report.held,
        "fichiers": report.files,
        "sans_coordonnees_bancaires": report.without_bank_details,
        "reportees": report.carried_over,
        "deja_faits": report.already_made,
    }
