"""The élu's enrolment files, under the session; and the job that expires overdue files."""

from chalice import Blueprint, Rate

from .. import services
from ..api import ApiBlueprint, current_account, current_session, json_object, json_response

bp = ApiBlueprint(__name__)
jobs = Blueprint(__name__ + ".jobs")
_NO_STORE = {"Cache-Control": "no-store"}


@bp.route("/me/dossiers", methods=["POST"])
def request_a_place():
    request = bp.current_request
    account = current_account(request)
    body = json_object(request)
    dossier, created = services.holder_files().request(
        account,
        str(body.get("formation_id") or ""),
        str(body.get("session_id") or ""),
        (request.headers or {}).get("idempotency-key"),
    )
    return json_response(
        dossier,
        status=201,
        headers={
            **_NO_STORE,
            "Location": f"/api/me/dossiers/{dossier['id']}",
            **({} if created else {"Idempotent-Replayed": "true"}),
        },
    )


@bp.route("/me/dossiers", methods=["GET"])
def my_files():
    account = current_account(bp.current_request)
    cursor = (bp.current_request.query_params or {}).get("cursor")
    return json_response(services.holder_files().page(account, cursor), headers=_NO_STORE)


@bp.route("/me/dossiers/{dossier_id}", methods=["GET"])
def my_file(dossier_id):
    account = current_account(bp.current_request)
    return json_response(services.holder_files().one(account, dossier_id), headers=_NO_STORE)


@bp.route("/me/dossiers/{dossier_id}/validation", methods=["POST"])
def validate_my_file(dossier_id):
    account, session = current_session(bp.current_request)
    return json_response(
        services.holder_files().validate(account, session.fc_acr, dossier_id), headers=_NO_STORE
    )


@bp.route("/me/dossiers/{dossier_id}/annulation", methods=["POST"])
def cancel_my_file(dossier_id):
    account = current_account(bp.current_request)
    return json_response(services.holder_files().cancel(account, dossier_id), headers=_NO_STORE)


@jobs.schedule(Rate(15, unit=Rate.MINUTES), name="expirer_dossiers")
def expire_overdue_files(event):
    """Every 15 minutes: files past their deadline expire and give their place back."""
    return {"dossiers_expires": services.deadlines().expire_overdue()}
