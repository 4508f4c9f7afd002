"""The élu's enrolment files, under the session; and the job that expires overdue files."""

from chalice import Blueprint, Rate, Response

from .. import services
from ..api import ApiBlueprint, Reply, header
from ..enrolment.schemas import IDEMPOTENCY_KEY, Dossier, DossierPage, DossierRequest, Page
from ..operations import BAD_REQUEST, NO_STORE, PDF, SESSION, UNAUTHENTICATED, Returns

bp = ApiBlueprint(__name__)
jobs = Blueprint(__name__ + ".jobs")
_UNKNOWN = "Dossier inconnu."


@bp.route(
    "/me/dossiers",
    methods=["POST"],
    summary="Demander une place dans une session (dossier DIF élus)",
    security=SESSION,
    parameters=(IDEMPOTENCY_KEY,),
    body=DossierRequest,
    responses={
        201: (Dossier, "Dossier créé (ou déjà créé avec cette clé)."),
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: "Pas élu, catalogue non finançable ou droits expirés.",
        404: "Formation ou session inconnue.",
        409: "Session complète, ou déjà inscrit à cette session.",
        422: "Trop tard, agrément expiré, coût horaire excessif, reste à charge "
        "(`reste_a_charge`), clé réutilisée.",
    },
)
def request_a_place(account, body: DossierRequest):
    dossier, created = services.holder_files().request(
        account,
        body.formation_id,
        body.session_id,
        header(bp.current_request, "idempotency-key") or None,
    )
    return Reply(
        dossier,
        headers={
            **NO_STORE,
            "Location": f"/api/me/dossiers/{dossier.id}",
            **({} if created else {"Idempotent-Replayed": "true"}),
        },
    )


@bp.route(
    "/me/dossiers",
    methods=["GET"],
    summary="Mes dossiers, les plus récents d'abord",
    security=SESSION,
    query=Page,
    responses={
        200: (DossierPage, "Une page de dossiers."),
        400: "Curseur invalide.",
        401: UNAUTHENTICATED,
    },
)
def my_files(account, query: Page):
    return Reply(services.holder_files().page(account, query.cursor), headers=NO_STORE)


@bp.route(
    "/me/dossiers/{dossier_id}",
    methods=["GET"],
    summary="Un dossier, son échéance et son historique",
    security=SESSION,
    responses={200: (Dossier, "Le dossier."), 401: UNAUTHENTICATED, 404: _UNKNOWN},
)
def my_file(dossier_id, account):
    return Reply(services.holder_files().one(account, dossier_id), headers=NO_STORE)


@bp.route(
    "/me/dossiers/{dossier_id}/validation",
    methods=["POST"],
    summary="Valider l'inscription : le prix est débité des droits DIF élus",
    security=SESSION,
    responses={
        200: (Dossier, "Validé et débité."),
        401: UNAUTHENTICATED,
        403: "Identité non certifiée : `connexion` ouvre FranceConnect+.",
        404: _UNKNOWN,
        409: "Le dossier n'est pas à valider (`statut`).",
        422: "Trop tard, ou droits insuffisants (`reste_a_charge`).",
    },
)
def validate_my_file(dossier_id, account, session):
    return Reply(
        services.holder_files().validate(account, session.fc_acr, dossier_id), headers=NO_STORE
    )


@bp.route(
    "/me/dossiers/{dossier_id}/annulation",
    methods=["POST"],
    summary="Annuler l'inscription (remboursée si elle était débitée)",
    security=SESSION,
    responses={
        200: (Dossier, "Annulé."),
        401: UNAUTHENTICATED,
        404: _UNKNOWN,
        409: "Formation commencée, ou dossier déjà clos.",
    },
)
def cancel_my_file(dossier_id, account):
    return Reply(services.holder_files().cancel(account, dossier_id), headers=NO_STORE)


@bp.route(
    "/me/dossiers/{dossier_id}/attestation",
    methods=["GET"],
    summary="L'attestation de formation (PDF), une fois le service fait validé",
    security=SESSION,
    responses={
        200: Returns("L'attestation, en PDF.", media_type=PDF),
        401: UNAUTHENTICATED,
        404: _UNKNOWN,
        409: "Service fait pas encore validé.",
    },
)
def my_attestation(dossier_id, account):
    pdf = services.holder_files().attestation(account, dossier_id)
    return Response(
        body=pdf,
        status_code=200,
        headers={
            **NO_STORE,
            "Content-Type": PDF,
            "Content-Disposition": f'attachment; filename="attestation-{dossier_id}.pdf"',
        },
    )


@jobs.schedule(Rate(15, unit=Rate.MINUTES), name="expirer_dossiers")
def expire_overdue_files(event):
    """Every 15 minutes: files past their deadline expire and give their place back."""
    return {"dossiers_expires": services.deadlines().expire_overdue()}
