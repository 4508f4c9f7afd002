"""The HTTP edge, what every view shares: the one table from domain errors to problem+json,
JSON bodies and answers, session tokens and cookies."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from http.cookies import CookieError, SimpleCookie
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from .accounts import errors as accounts
from .catalogue import errors as catalogue
from .clock import PARIS, paris_today
from .enrolment import errors as enrolment
from .errors import (
    Busy,
    DomainError,
    FieldError,
    InvalidCursor,
    InvalidForm,
    TooManyRequests,
)
from .evaluations import errors as evaluations
from .franceconnect.errors import NoPendingIdentity
from .money import euros, euros_fr
from .observability import Metric, count, logger
from .operations import OPERATIONS, ORGANISME, PUBLIC, SESSION, Operation, Responses, returns
from .payments.errors import LotNotFound
from .problems import Problem, generic, invalid
from .schemas import RequestModel, as_answer
from .support.errors import DocumentRefused, SupportRequestNotFound
from .webhooks.errors import NoWebhook

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 8  # no form of the API nests deeper than 3
SESSION_COOKIE = "mce_session"
_BEARER = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class Answer:
    """How a domain error is answered: status, problem type, French text (or how to write it
    from the error), and, when it is about one field, that field."""

    status: int
    slug: str
    detail: str | Callable[[Any], str]
    headers: Callable[[Any], dict[str, str]] | None = None
    members: Callable[[Any], dict[str, Any]] | None = None  # more members of the problem
    field: Callable[[Any], str] | None = None


def _locked_detail(error: accounts.AccountLocked) -> str:
    local = error.until.astimezone(PARIS)
    return (
        "Trop de tentatives de connexion : votre compte est bloqué temporairement. "
        f"Réessayez après {local:%H} h {local:%M}."
    )


def _taken_detail(error: accounts.AlreadyTaken) -> str:
    if error.field == "nir":
        return (
            "Un compte existe déjà pour ce numéro de sécurité sociale. Connectez-vous, ou "
            "réinitialisez votre mot de passe si vous l'avez oublié."
        )
    return "Un compte existe déjà avec cette adresse électronique."


def _wrong_code_detail(error: accounts.WrongCode) -> str:
    left = error.attempts_left
    return (
        f"Code incorrect. Il vous reste {left} essai{'s' if left > 1 else ''}."
        if left > 0
        else "Code incorrect. Demandez un nouveau code."
    )


def _retry_after(error: Any) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after_seconds)}


_NOT_VERIFIED = (
    "Votre adresse électronique n'est pas encore vérifiée : saisissez le code reçu "
    "par courriel, ou demandez-en un nouveau."
)
_SESSION_GONE = "Votre session a expiré ou a été fermée : reconnectez-vous."


def _date_fr(day) -> str:
    return f"{day:%d/%m/%Y}"


def _status_fr(statut: str) -> str:
    return statut.replace("_", " ")


def _insufficient(error: enrolment.InsufficientRights) -> dict[str, Any]:
    return {
        "reste_a_charge": _euros(error.missing_centimes),
        "montant": _euros(error.price_centimes),
        "disponible": _euros(error.balance_centimes),
    }


def _euros(centimes: int) -> str:
    return euros(centimes)


def certified_login_url(dossier_id: str) -> str:
    """Where the browser starts the FranceConnect+ login that comes back to the file."""
    from urllib.parse import quote

    return "/api/auth/franceconnect?niveau=eidas2&retour=" + quote(
        f"/dossier?id={dossier_id}", safe=""
    )


# The one table: every refusal of the domain, as the API answers it.
ANSWERS: dict[type[DomainError], Answer] = {
    InvalidCursor: Answer(
        400,
        "curseur-invalide",
        "Le paramètre cursor est invalide : reprenez la pagination depuis le début.",
        field=lambda _: "cursor",
    ),
    TooManyRequests: Answer(
        429,
        "trop-de-demandes",
        lambda e: (
            "Trop de demandes envoyées : "
            f"réessayez dans {max(1, e.retry_after_seconds // 60)} minute(s)."
        ),
        headers=_retry_after,
    ),
    Busy: Answer(
        503,
        "demandes-simultanees",
        "D'autres demandes sur le même compte étaient en cours au même moment : la vôtre n'a "
        "pas été enregistrée. Réessayez dans quelques instants.",
        headers=lambda _: {"Retry-After": "1"},
    ),
    accounts.AlreadyTaken: Answer(409, "compte-existant", _taken_detail, field=lambda e: e.field),
    accounts.BadCredentials: Answer(
        401,
        "identifiants-incorrects",
        "Numéro de sécurité "
        "sociale ou mot de passe incorrect. Vérifiez votre saisie "
        "ou réinitialisez votre mot de passe.",
    ),
    accounts.AccountLocked: Answer(
        429,
        "compte-bloque",
        _locked_detail,
        headers=_retry_after,
        members=lambda e: {"reessayer_apres": e.until.astimezone(UTC).isoformat()},
    ),
    accounts.EmailNotVerified: Answer(403, "compte-non-verifie", _NOT_VERIFIED),
    accounts.NoPendingAccount: Answer(
        400,
        "donnees-invalides",
        "Aucun compte n'attend d'activation avec cette adresse et ce code : vérifiez l'adresse "
        "électronique. Si votre compte est déjà activé, connectez-vous.",
        field=lambda _: "email",
    ),
    accounts.CodeExpired: Answer(
        410,
        "code-expire",
        "Ce code n'est plus valable (expiré ou trop d'essais). Demandez un nouveau code.",
    ),
    accounts.WrongCode: Answer(
        400, "donnees-invalides", _wrong_code_detail, field=lambda _: "code"
    ),
    accounts.ResetLinkGone: Answer(
        410,
        "lien-expire",
        "Ce lien de réinitialisation n'est "
        "plus valable (il a expiré ou a déjà servi). Faites une "
        "nouvelle demande.",
    ),
    accounts.WrongPassword: Answer(
        403,
        "mot-de-passe-incorrect",
        "Mot de passe incorrect : saisissez le mot de passe actuel de votre compte pour "
        "confirmer cette opération.",
        field=lambda e: e.field,
    ),
    accounts.ConcurrentChange: Answer(
        409,
        "modification-concurrente",
        "Une autre modification de votre compte a eu lieu au même moment (dans un autre "
        "onglet ou sur un autre appareil) : rechargez la page, vérifiez vos informations et "
        "recommencez si besoin.",
    ),
    accounts.SameEmail: Answer(
        400,
        "donnees-invalides",
        "Cette adresse est déjà celle de votre compte.",
        field=lambda _: "email",
    ),
    accounts.NoEmailChange: Answer(
        410,
        "code-expire",
        "Aucun changement d'adresse n'attend de code (délai dépassé ou trop d'essais) : "
        "recommencez le changement d'adresse.",
        field=lambda _: "code",
    ),
    accounts.FilesUnderWay: Answer(
        409,
        "dossier-en-cours",
        "Un de vos dossiers de formation est en cours : annulez-le ou attendez qu'il soit "
        "terminé avant de supprimer votre compte.",
        members=lambda _: {"dossiers": "/dossiers"},
    ),
    accounts.NotLoggedIn: Answer(
        401,
        "non-connecte",
        "Vous devez être connecté pour accéder à ce service.",
        headers=lambda _: _BEARER,
    ),
    accounts.SessionExpired: Answer(
        401, "session-expiree", _SESSION_GONE, headers=lambda _: _BEARER
    ),
    catalogue.FormationNotFound: Answer(
        404, "formation-introuvable", "Cette formation n'existe pas ou n'est plus proposée."
    ),
    catalogue.EluCatalogueLoginRequired: Answer(
        401,
        "connexion-requise",
        "Connectez-vous pour consulter cette formation : elle fait "
        "partie des catalogues réservés aux élus locaux.",
        headers=lambda _: _BEARER,
    ),
    catalogue.NotAnElu: Answer(
        403,
        "compte-elu-non-reconnu",
        "Ces formations sont réservées aux élus dont le compte "
        "est reconnu. Si vous êtes élu(e) et que votre compte élu ne s'affiche pas, demandez "
        "l'aide de la Caisse des Dépôts (page Aide, « Mon compte élu ne s'affiche pas »).",
        members=lambda _: {"aide": "/aide"},
    ),
    catalogue.PublishedSessionNotFound: Answer(
        404,
        "session-introuvable",
        "Cette session n'existe pas pour cette formation.",
        field=lambda _: "session_id",
    ),
    catalogue.FormationWithdrawn: Answer(
        409,
        "formation-retiree",
        "Cette formation est retirée de la recherche : elle ne prend plus de nouvelle session. "
        "Publiez une nouvelle formation.",
    ),
    catalogue.SessionClosed: Answer(
        409,
        "session-fermee",
        "L'organisme n'accepte plus de nouvelle demande pour cette session : choisissez une "
        "autre session.",
    ),
    catalogue.SessionHasFiles: Answer(
        409,
        "session-avec-dossiers",
        "Des dossiers sont en cours dans cette session : elle ne peut pas être supprimée. "
        'Fermez-la aux nouvelles demandes (PATCH avec "inscriptions_ouvertes": false) ; '
        "les dossiers en cours continuent.",
    ),
    catalogue.SessionDatesLocked: Answer(
        409,
        "session-avec-dossiers-valides",
        "Des dossiers de cette session sont validés (les droits des élus sont débités pour "
        "ces dates) : ses dates ne peuvent plus changer. Annulez ces dossiers (les élus sont "
        "remboursés) puis la session, ou publiez une nouvelle session aux nouvelles dates et "
        "fermez celle-ci aux nouvelles demandes.",
    ),
    catalogue.FormationChangedMeanwhile: Answer(
        409,
        "modification-concurrente",
        "Une autre modification de cette formation a eu lieu au même moment : relisez-la et "
        "recommencez si besoin.",
    ),
    enrolment.IdempotencyKeyMissing: Answer(
        400,
        "cle-idempotence-manquante",
        "L'en-tête Idempotency-Key est obligatoire (8 à 128 "
        "caractères : lettres, chiffres, - _ . :) : il évite qu'un clic répété crée deux "
        "dossiers.",
        field=lambda _: "Idempotency-Key",
    ),
    enrolment.IdempotencyKeyReused: Answer(
        422,
        "cle-idempotence-reutilisee",
        "Cette clé Idempotency-Key a déjà servi pour une autre session : utilisez-en une nouvelle.",
    ),
    enrolment.SessionNotFound: Answer(
        404,
        "session-introuvable",
        "Cette session n'existe pas pour cette formation.",
        field=lambda _: "session_id",
    ),
    enrolment.DossierNotFound: Answer(
        404, "dossier-introuvable", "Aucun dossier ne correspond à cette référence."
    ),
    enrolment.CatalogueNotFinanced: Answer(
        403,
        "catalogue-non-finance",
        "Le DIF élus finance uniquement les formations liées au "
        "mandat et les formations de reconversion. Cette formation relève de votre compte "
        "personnel de formation (CPF).",
    ),
    enrolment.RightsEnded: Answer(
        403,
        "droits-expires",
        "Vos mandats sont terminés : vos droits DIF élus ne peuvent "
        "plus servir qu'à une formation de reconversion, pendant les six mois qui suivent la "
        "fin de votre dernier mandat.",
    ),
    enrolment.SessionFull: Answer(
        409,
        "session-complete",
        "Il ne reste plus de place "
        "finançable par le DIF élus dans cette session : choisissez "
        "une autre session.",
    ),
    enrolment.AlreadyEnrolled: Answer(
        409,
        "deja-inscrit",
        "Vous avez déjà un dossier en cours pour cette session.",
        members=lambda e: {"dossier": e.dossier_id},
    ),
    enrolment.OneRequestUntilCertified: Answer(
        409,
        "une-demande-a-la-fois",
        "Votre identité n'est pas encore certifiée : vous ne pouvez avoir qu'une demande "
        "d'inscription en cours à la fois. Attendez la réponse à celle-ci, ou connectez-vous "
        "avec FranceConnect+ pour certifier votre identité et en faire d'autres.",
        members=lambda e: {"dossier": e.dossier_id},
    ),
    enrolment.TooLate: Answer(
        422,
        "delai-depasse",
        lambda e: (
            "Trop tard pour cette session : l'inscription doit "
            f"être validée au moins 11 jours ouvrés avant son début, au plus tard le "
            f"{_date_fr(e.latest)}. Choisissez une session plus lointaine."
        ),
    ),
    enrolment.ApprovalNotValid: Answer(
        422,
        "agrement-expire",
        "L'agrément ministériel de l'organisme ne couvre pas cette "
        "session : le DIF élus ne peut pas la financer.",
    ),
    enrolment.PriceOverHourlyCap: Answer(
        422,
        "cout-horaire-excessif",
        lambda e: (
            f"Cette formation coûte {euros_fr(e.per_hour_centimes)} HT par heure : le DIF élus "
            f"finance au plus {euros_fr(e.cap_centimes)} HT par heure pour une formation "
            "liée au mandat."
        ),
    ),
    enrolment.InsufficientRights: Answer(
        422,
        "reste-a-charge",
        lambda e: (
            f"Vos droits DIF élus ({euros_fr(e.balance_centimes)}) ne couvrent pas le prix de "
            f"la formation ({euros_fr(e.price_centimes)}) : il manque "
            f"{euros_fr(e.missing_centimes)}. Le paiement d'un reste à charge n'est pas "
            "possible ici : rien n'a été créé ni débité."
        ),
        members=_insufficient,
    ),
    enrolment.TransitionRefused: Answer(
        409,
        "transition-impossible",
        lambda e: (
            "Ce dossier est à l'état « "
            f"{_status_fr(e.current)} » : il ne peut pas passer à « {_status_fr(e.target)} »."
        ),
        members=lambda e: {"statut": e.current},
    ),
    enrolment.TrainingStarted: Answer(
        409,
        "formation-commencee",
        "La formation a commencé : "
        "l'inscription ne peut plus être annulée ici. "
        "Contactez l'organisme.",
    ),
    enrolment.CertifiedIdentityRequired: Answer(
        403,
        "identite-certifiee-requise",
        "Pour utiliser vos droits, confirmez votre identité "
        "avec FranceConnect+ : vous reviendrez ensuite à votre dossier pour le valider.",
        members=lambda e: {"connexion": certified_login_url(e.dossier_id)},
    ),
    enrolment.InvoiceOverDue: Answer(
        422,
        "facture-superieure-au-du",
        lambda e: (
            f"La facture ({euros_fr(e.invoiced_centimes)} TTC) dépasse le montant dû "
            f"({euros_fr(e.due_centimes)}) : le prix de la formation au taux de réalisation "
            "déclaré. Déposez une facture de ce montant au plus."
        ),
        field=lambda _: "facture.montant_ttc",
        members=lambda e: {"montant_du": _euros(e.due_centimes)},
    ),
    enrolment.ExitBeforeSession: Answer(
        422,
        "sortie-avant-la-session",
        lambda e: (
            "Date de sortie : la session commence le "
            f"{_date_fr(e.first_day)} ; la sortie ne peut pas la précéder."
        ),
        field=lambda _: "date_sortie",
    ),
    enrolment.AttestationNotYet: Answer(
        409,
        "attestation-indisponible",
        "L'attestation de formation sera disponible quand le financeur aura validé le service "
        "fait déclaré par l'organisme.",
    ),
    enrolment.OrganismeKeyInvalid: Answer(
        401,
        "cle-organisme-invalide",
        "Clé d'API d'organisme absente, inconnue ou révoquée "
        "(en-tête Authorization: Bearer mce_org_...).",
        headers=lambda _: _BEARER,
    ),
    evaluations.NotYetRateable: Answer(
        409,
        "evaluation-trop-tot",
        "Vous pourrez évaluer cette formation quand l'organisme aura déclaré votre sortie de "
        "formation.",
    ),
    evaluations.NoLongerEditable: Answer(
        409,
        "evaluation-close",
        "Votre évaluation ne se modifie plus : elle l'était pendant 30 jours.",
    ),
    evaluations.ConcurrentRating: Answer(
        409,
        "modification-concurrente",
        "Votre évaluation a été envoyée deux fois au même moment : rechargez la page pour voir "
        "celle qui a été enregistrée.",
    ),
    evaluations.RatingNotFound: Answer(
        404, "evaluation-introuvable", "Vous n'avez pas encore évalué cette formation."
    ),
    LotNotFound: Answer(
        404, "lot-introuvable", "Aucun de vos lots de paiement n'a cette référence."
    ),
    SupportRequestNotFound: Answer(
        404,
        "demande-introuvable",
        "Aucune demande ne correspond à cette référence et à cette adresse électronique.",
    ),
    DocumentRefused: Answer(400, "donnees-invalides", lambda e: e.message, field=lambda e: e.field),
    NoWebhook: Answer(
        404,
        "webhook-introuvable",
        "Aucun webhook n'est enregistré pour cet organisme : enregistrez-en un avec "
        "PUT /api/organismes/webhook.",
    ),
    NoPendingIdentity: Answer(
        404,
        "franceconnect-expire",
        "Aucune identité FranceConnect en attente : reconnectez-vous avec FranceConnect.",
    ),
}


def problem_for(error: DomainError) -> Problem:
    """The problem+json answer of a domain error (a 500 for one missing from the table)."""
    if isinstance(error, InvalidForm):
        return invalid(error.errors, error.detail)
    answer = next((ANSWERS[c] for c in type(error).__mro__ if c in ANSWERS), None)
    if answer is None:
        logger.error("Domain error without an answer", extra={"error_type": type(error).__name__})
        count(Metric.UNHANDLED_ERROR)
        return generic(500)
    detail = answer.detail(error) if callable(answer.detail) else answer.detail
    return Problem(
        answer.status,
        detail,
        slug=answer.slug,
        title="Données invalides" if answer.status == 400 and answer.field else None,
        errors=[FieldError(answer.field(error), detail)] if answer.field else [],
        headers=answer.headers(error) if answer.headers else {},
        extra=answer.members(error) if answer.members else {},
    )


Prepare = Callable[[Request, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]


@dataclass(frozen=True)
class Reply:
    """An answer with a status or headers of its own (a model, or a dict read into the declared
    model of that status)."""

    value: Any
    status: int | None = None
    headers: dict[str, Any] | None = None


class ApiBlueprint(Blueprint):
    """A Blueprint whose routes declare what they read and answer, and whose views answer a
    `Problem` (or any unexpected error) as problem+json.

    `body` and `query` are request models: the view receives them read and validated (`body=`,
    `query=`). A view returns a model, a dict of the declared model, a `Reply` or a Response.
    Chalice catches view exceptions before HTTP middleware can see them, so the guard has to
    sit around each view; doing it here keeps the views free of try/except boilerplate.
    """

    def route(  # type: ignore[override]
        self,
        path: str,
        *,
        methods: list[str],
        summary: str,
        responses: Responses,
        body: type[RequestModel] | None = None,
        body_required: bool = True,
        query: type[RequestModel] | None = None,
        security: tuple[str, ...] = PUBLIC,
        parameters: tuple[dict[str, Any], ...] = (),
        body_media_types: tuple[str, ...] = ("application/json",),
        any_body: bool = False,
        documented: bool = True,
        prepare: Prepare | None = None,
        **kwargs: Any,
    ) -> Callable:
        (method,) = methods
        operation = Operation(
            path,
            method.lower(),
            summary,
            returns(responses),
            body,
            body_required,
            query,
            security,
            parameters,
            body_media_types,
            any_body,
        )
        if documented:
            OPERATIONS.append(operation)
        register = super().route(path, methods=methods, **kwargs)

        def decorator(view: Callable) -> Callable:
            register(_problem_guard(view, operation, self, prepare))
            return view

        return decorator


def _problem_guard(
    view: Callable,
    operation: Operation,
    blueprint: Blueprint,
    prepare: Prepare | None = None,
) -> Callable:
    """The caller is known before the body is read (who is not logged in hears so first), and
    given to the view: `account` (and `session` if it asks) or the organisme's `siret`.
    `prepare` completes a body before it is read (the certified identity of a signup), and
    gives the view what it found doing so."""
    wants_session = "session" in inspect.signature(view).parameters

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            request = blueprint.current_request
            if operation.security == SESSION:
                account, session = current_session(request)
                kwargs["account"] = account
                if wants_session:
                    kwargs["session"] = session
            elif operation.security == ORGANISME:
                kwargs["siret"] = organisme_siret(request)
            if operation.body is not None:
                data = (
                    json_object(request)
                    if operation.body_required
                    else optional_json_object(request)
                )
                if prepare is not None:
                    data, found = prepare(request, data)
                    kwargs.update(found)
                kwargs["body"] = operation.body.read(data, paris_today())
            elif operation.method == "post" and not operation.any_body:
                _nothing_sent(request)
            if operation.query is not None:
                kwargs["query"] = operation.query.read(
                    dict(request.query_params or {}), paris_today()
                )
            return _render(operation, view(*args, **kwargs))
        except DomainError as error:
            return problem_for(error).to_response()
        except Problem as problem:
            return problem.to_response()
        except Exception as error:  # noqa: BLE001 - the last line of defence of a view
            # The exception type only: messages of library errors may quote user input.
            logger.error(
                "Unhandled error in view",
                extra={"error_type": type(error).__name__, "view": view.__name__},
            )
            count(Metric.UNHANDLED_ERROR)
            return generic(500).to_response()

    return guarded


def _render(operation: Operation, result: Any) -> Response:
    """The view's answer serialised through the model its route declares for that status."""
    if isinstance(result, Response):
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    status, model = operation.success()
    if reply.status is not None:
        status = reply.status
        model = operation.responses[status].model
    value = reply.value
    if model is not None:
        value = as_answer(model, value).to_json()
    return json_response(value, status=status, headers=reply.headers)


def _nothing_sent(request: Request) -> None:
    """An action that takes no data (accept, withdraw...) refuses data rather than ignore it:
    a client that sends some expects it read. An empty body or `{}` is nothing."""
    if optional_json_object(request):
        raise Problem(
            400,
            "Cette action ne prend aucune donnée : envoyez un corps vide ou {}.",
            slug="corps-inattendu",
        )


def optional_json_object(request: Request) -> dict[str, Any]:
    """The JSON object of a request whose body may be left empty."""
    return json_object(request) if (request.raw_body or b"").strip() else {}


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400/413 a person can understand."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise Problem(413, "La requête dépasse la taille autorisée (64 Ko).")
    if not raw.strip():
        raise Problem(
            400,
            "Le corps de la requête est vide : un objet JSON est attendu.",
            slug="json-invalide",
        )
    try:
        body = json.loads(raw, parse_constant=_no_constant)
        _check_depth(body, MAX_DEPTH)
        # a lone surrogate ("\ud800") parses but can be stored or hashed nowhere
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):
        raise Problem(
            400,
            "Le corps de la requête n'est pas un JSON valide (nombres, caractères et "
            f"imbrication : au plus {MAX_DEPTH} niveaux).",
            slug="json-invalide",
        ) from None
    if not isinstance(body, dict):
        raise Problem(400, "Le corps de la requête doit être un objet JSON.", slug="json-invalide")
    return body


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python's extension, refused


def _check_depth(value: Any, left: int) -> None:
    if left < 0:
        raise ValueError("too deep")
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, left - 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, left - 1)


def json_response(body: Any, status: int = 200, headers: dict[str, Any] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def header(request: Request, name: str) -> str:
    """A request's header ("" when absent; names are case-insensitive)."""
    headers: Mapping[str, str] = request.headers or {}
    return headers.get(name, "")


def session_token(request: Request) -> str | None:
    """The session token of a request: `Authorization: Bearer` first, then the browser cookie."""
    authorization = header(request, "authorization")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return read_cookie(request, SESSION_COOKIE)


def current_account(request: Request):
    """The account of the request's session (NotLoggedIn, SessionExpired otherwise)."""
    from . import services

    return services.sessions().authenticate(session_token(request))


def current_session(request: Request):
    """(account, session) of the request's session: how it was opened matters to spend."""
    from . import services

    return services.sessions().current(session_token(request))


def organisme_siret(request: Request) -> str:
    """The SIRET of the organisme whose key the request carries (OrganismeKeyInvalid else)."""
    from . import services

    scheme, _, key = header(request, "authorization").partition(" ")
    return services.organisme_desk().authenticate(
        key.strip() if scheme.lower() == "bearer" else None
    )


def optional_account(request: Request):
    """The session's account when the request carries a session, else None."""
    return current_account(request) if session_token(request) else None


def client_ip(request: Request) -> str:
    """The viewer's address: behind CloudFront, the header its function sets for every request
    (overwriting whatever the client sent; the API answers only through CloudFront); locally,
    the caller's own address. Never a header the client chooses."""
    from .settings import get_settings

    name = get_settings().client_ip_header
    if name:
        value = header(request, name).strip()
        if value:
            return value
    return ((request.context or {}).get("identity") or {}).get("sourceIp") or "inconnue"


def read_cookie(request: Request, name: str) -> str | None:
    cookie_header = header(request, "cookie")
    if not cookie_header:
        return None
    try:
        cookie = SimpleCookie(cookie_header)
    except CookieError:
        return None
    return cookie[name].value if name in cookie and cookie[name].value else None


def cookie(name: str, value: str, max_age_seconds: int) -> str:
    """A cookie JavaScript cannot read, sent only over TLS, and on cross-site navigations to us
    (the way back from FranceConnect) but not on cross-site requests."""
    return f"{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; Secure; SameSite=Lax"


def session_cookie(token: str, max_age_seconds: int) -> str:
    return cookie(SESSION_COOKIE, token, max_age_seconds)


def expired_session_cookie() -> str:
    return cookie(SESSION_COOKIE, "", 0)
