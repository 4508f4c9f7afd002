from chalice import Blueprint, Rate

from .. import services
from ..api import ApiBlueprint, current_account, json_response
from ..observability import logger

bp = ApiBlueprint(__name__)
jobs = Blueprint(__name__ + ".jobs")


@bp.route("/me/rights", methods=["GET"])
def my_rights():
    account = current_account(bp.current_request)
    return json_response(services.rights().summary(account), headers={"Cache-Control": "no-store"})


@bp.route("/me/rights/history", methods=["GET"])
def my_rights_history():
    account = current_account(bp.current_request)
    cursor = (bp.current_request.query_params or {}).get("cursor")
    return json_response(
        services.rights().history(account, cursor), headers={"Cache-Control": "no-store"}
    )


@jobs.schedule(Rate(1, unit=Rate.DAYS), name="credit_dif_annuel")
def yearly_dif_credit(event):
    """Daily: credit every recognised élu whose mandate anniversary has come (once a year each;
    running it twice credits once)."""
    credited = services.rights().credit_every_elu(services.elu_recognition().mandates)
    logger.info("Yearly DIF credit done", extra={"years_credited": credited})
    return {"annees_creditees": credited}
