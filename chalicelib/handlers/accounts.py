from .. import services
from ..accounts.schemas import AccountStatus, EmailOnly, Verification
from ..api import ApiBlueprint, Reply
from ..operations import BAD_REQUEST
from ..schemas import Message

bp = ApiBlueprint(__name__)


@bp.route(
    "/accounts/verification",
    methods=["POST"],
    summary="Activer le compte avec le code reçu",
    body=Verification,
    responses={
        200: (AccountStatus, "Compte activé."),
        400: "Code incorrect, ou aucun compte en attente à cette adresse (la même réponse que "
        "l'adresse soit inconnue ou son compte déjà activé).",
        410: "Code expiré ou trop d'essais.",
    },
)
def verify_email(body: Verification):
    account = services.signup().verify_email(body.email, body.code)
    return AccountStatus(id=account.id, statut=account.statut)


@bp.route(
    "/accounts/verification-codes",
    methods=["POST"],
    summary="Recevoir un nouveau code",
    body=EmailOnly,
    responses={202: (Message, "Même réponse que le compte existe ou non."), 400: BAD_REQUEST},
)
def resend_verification_code(body: EmailOnly):
    services.signup().resend_code(body.email)
    return Reply(
        Message(
            message="Si un compte attend sa vérification à cette adresse, un "
            "nouveau code vient d'y être envoyé."
        ),
        status=202,
    )
