from .. import services
from ..accounts.schemas import STEPS, AccountCreation, AccountStatus, StepValid
from ..api import ApiBlueprint, Reply, client_ip
from ..operations import BAD_REQUEST
from ..problems import Problem
from .franceconnect import forget_pending_cookie, pending_identity

bp = ApiBlueprint(__name__)


def _step_route(step: str, model: type) -> None:
    # one path per step, each with its own body: a schema cannot tie a body to a path value
    def validate_step(body):
        return StepValid(valide=True)

    validate_step.__name__ = f"validate_step_{step.replace('-', '_')}"
    bp.route(
        f"/signup/steps/{step}",
        methods=["POST"],
        summary=f"Valider l'étape « {step} » du formulaire de création de compte",
        body=model,
        responses={200: (StepValid, "Étape valide."), 400: BAD_REQUEST},
    )(validate_step)


for _step, _model in STEPS.items():
    _step_route(_step, _model)


@bp.route(
    "/signup/steps/{step}",
    methods=["POST"],
    summary="Étape inconnue",
    responses={404: "Étape inconnue."},
    documented=False,
)
def unknown_step(step):
    raise Problem(
        404, "Étape inconnue : les étapes sont " + ", ".join(STEPS) + ".", slug="etape-inconnue"
    )


def _with_certified_identity(request, data: dict) -> tuple[dict, dict]:
    pending = pending_identity(request)
    form = services.signup().certified_form(data, pending.identity if pending else None)
    return form, {"pending": pending}


@bp.route(
    "/accounts",
    methods=["POST"],
    summary="Créer un compte (les 4 étapes)",
    body=AccountCreation,
    prepare=_with_certified_identity,
    responses={
        201: (AccountStatus, "Compte créé; un code est envoyé par courriel."),
        400: BAD_REQUEST,
        404: "L'identité FranceConnect a expiré : recommencer avec FranceConnect.",
        409: "Un compte existe déjà pour ce NIR ou cette adresse.",
        429: "Trop de créations de compte depuis cette adresse.",
    },
)
def create_account(body: AccountCreation, pending):
    """Signup; with an identity brought back from FranceConnect, its fields are the certified
    ones and the account is linked to it."""
    request = bp.current_request
    franceconnect = (pending.identity, pending.link_key) if pending else None
    account = services.signup().create_account(
        body, franceconnect, client_address=client_ip(request)
    )
    if pending is None:
        return AccountStatus(id=account.id, statut=account.statut)
    services.franceconnect().signed_up(pending.handle)
    return Reply(
        AccountStatus(id=account.id, statut=account.statut, franceconnect="lie"),
        headers={"Set-Cookie": forget_pending_cookie()},
    )
