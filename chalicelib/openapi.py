"""The OpenAPI 3.1 description of the API. A test keeps it equal to the app's routes, and the
component tests check every answer they get against the schemas below."""

from __future__ import annotations

from functools import lru_cache

from .accounts.signup_form import ADRESSE, CONTACT, IDENTITE, MOT_DE_PASSE, STEPS
from .catalogue.importer import CATALOGUES, MODALITES
from .catalogue.search_form import SEARCH
from .cursors import MAX_LENGTH as CURSOR_MAX_LENGTH
from .enrolment.request_form import DOSSIER_REQUEST
from .enrolment.rules import STATUSES
from .franceconnect.identity import LEVELS
from .rne.formats import MANDATE_TYPES
from .support.form import FORM as SUPPORT_FORM
from .support.form import SITUATIONS
from .support.form import WORKING as SUPPORT_WORKING


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str, schema: str = "Problem") -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref(schema)}},
    }


_STRING = {"type": "string"}
# What a previous page gave (signed: any other value is a 400); its shape, for clients
_CURSOR = {
    "type": "string",
    "pattern": "^([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)?$",  # empty: the first page
    "maxLength": CURSOR_MAX_LENGTH,
}
_STEP_SCHEMAS = dict(
    zip(STEPS, ("Identite", "Contact", "Adresse", "MotDePasse"), strict=True)
)  # in the order of the form
_NULLABLE_STRING = {"type": ["string", "null"]}
_DATE = {"type": "string", "format": "date"}
_DATETIME = {"type": "string", "format": "date-time"}
_BEARER = [{"bearer": []}, {"cookie": []}]
# The 13 characters of a NIR people log in with (2A/2B for Corsica); the 15 with the key are
# accepted too, once the key checks out.
_NIR_13 = {
    "type": "string",
    "pattern": "^[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}$",
    "description": "Les 13 premiers caractères, sans la clé.",
}
_AMOUNT = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$", "description": "euros"}


def _support_request_schema() -> dict:
    """Case 1 (a procedure, nothing sent) takes the situation alone; the others, the form."""
    full = SUPPORT_FORM.schema()
    sent = [s for s in SITUATIONS if s != SUPPORT_WORKING]
    return {
        "oneOf": [
            {
                "type": "object",
                "required": ["situation"],
                "properties": {"situation": {"const": SUPPORT_WORKING}},
            },
            {**full, "properties": {**full["properties"], "situation": {"enum": sent}}},
        ]
    }


_SCHEMAS: dict[str, dict] = {
    "JwkSet": {
        "type": "object",
        "description": "Public JSON Web Keys (RFC 7517) the service decrypts with.",
        "required": ["keys"],
        "properties": {
            "keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kty", "kid", "use", "alg"],
                    "properties": {
                        "kty": _STRING,
                        "kid": _STRING,
                        "use": {"const": "enc"},
                        "alg": _STRING,
                    },
                },
            }
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details, in French.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": _STRING,
            "title": _STRING,
            "status": {"type": "integer"},
            "detail": _STRING,
            "errors": {"type": "array", "items": _ref("FieldError")},
            "reessayer_apres": _DATETIME,
            "reste_a_charge": _AMOUNT,
            "montant": _AMOUNT,
            "disponible": _AMOUNT,
            "connexion": {
                "type": "string",
                "description": "Lien qui ouvre la connexion FranceConnect+ et revient au dossier.",
            },
            "statut": {"enum": list(STATUSES)},
            "dossier": _STRING,
            "aide": _STRING,
        },
    },
    "ValidationProblem": {
        "allOf": [_ref("Problem"), {"type": "object", "required": ["errors"]}],
    },
    "FieldError": {
        "type": "object",
        "required": ["champ", "message"],
        "properties": {"champ": _STRING, "message": _STRING},
    },
    "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
    "Identite": IDENTITE.schema(),
    "Contact": CONTACT.schema(),
    "Adresse": ADRESSE.schema(),
    "MotDePasse": MOT_DE_PASSE.schema(),
    "PasswordResetConfirmation": {
        "type": "object",
        "required": ["jeton", "mot_de_passe"],
        "properties": {
            "jeton": {"type": "string", "minLength": 1, "maxLength": 200},
            "mot_de_passe": MOT_DE_PASSE.schema()["properties"]["mot_de_passe"],
        },
    },
    "AccountCreation": {
        "allOf": [_ref("Identite"), _ref("Contact"), _ref("Adresse"), _ref("MotDePasse")]
    },
    "AccountStatus": {
        "type": "object",
        "required": ["id", "statut"],
        "properties": {
            "id": _STRING,
            "statut": {"enum": ["en_attente_verification", "active"]},
            "franceconnect": {"const": "lie", "description": "Créé avec l'identité FranceConnect."},
        },
    },
    "FranceConnectIdentity": {
        "type": "object",
        "required": ["identite", "modifiable"],
        "properties": {
            "identite": {
                "type": "object",
                "description": "Champs d'identité certifiés, à reprendre tels quels.",
                "required": ["nom_naissance", "prenoms", "sexe", "date_naissance"],
                "properties": {
                    "nom_naissance": _STRING,
                    "nom_usage": _NULLABLE_STRING,
                    "prenoms": _STRING,
                    "sexe": {"enum": ["F", "M"]},
                    "date_naissance": _DATE,
                    "lieu_naissance": _STRING,
                },
            },
            "email": _NULLABLE_STRING,
            "modifiable": {"const": False},
        },
    },
    "StepValid": {
        "type": "object",
        "required": ["valide"],
        "properties": {"valide": {"const": True}},
    },
    "Verification": {
        "type": "object",
        "required": ["email", "code"],
        "properties": {
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "code": {"type": "string", "pattern": "^[0-9]{6}$"},
        },
    },
    "EmailOnly": {
        "type": "object",
        "required": ["email"],
        "properties": {"email": {"type": "string", "format": "email", "maxLength": 254}},
    },
    "Message": {"type": "object", "required": ["message"], "properties": {"message": _STRING}},
    "Login": {
        "type": "object",
        "required": ["nir", "mot_de_passe"],
        "properties": {
            "nir": _NIR_13,
            "mot_de_passe": {"type": "string", "minLength": 1, "maxLength": 1024},
        },
    },
    "Session": {
        "type": "object",
        "required": ["token", "expires_at"],
        "properties": {
            "token": _STRING,
            "expires_at": _DATETIME,
            "franceconnect": {
                "enum": ["lie", "non_lie"],
                "description": "L'identité FranceConnect en attente est liée à ce compte, ou "
                "non (ce n'est pas la sienne : elle est oubliée).",
            },
            "franceconnect_motif": _STRING,
            "retour": {"type": "string", "description": "La page d'où la connexion est partie."},
        },
    },
    "Me": {
        "type": "object",
        "required": ["id", "prenoms", "nom", "email", "elu", "identite", "mandats"],
        "properties": {
            "id": _STRING,
            "prenoms": _STRING,
            "nom": _STRING,
            "nom_naissance": _STRING,
            "nom_usage": _NULLABLE_STRING,
            "email": _STRING,
            "telephone": _STRING,
            "adresse": {"type": "object"},
            "diplome": _NULLABLE_STRING,
            "elu": {"type": "boolean"},
            "identite": {
                "enum": ["declaree", "certifiee"],
                "description": "Saisie à l'inscription, ou certifiée par FranceConnect.",
            },
            "mandats": {"type": "array", "items": _ref("Mandat")},
            "email_en_attente": {
                **_NULLABLE_STRING,
                "description": "La nouvelle adresse qui attend son code, le cas échéant.",
            },
        },
    },
    "MeUpdate": {
        "type": "object",
        "description": "Coordonnées et diplôme ; l'identité ne se corrige pas ici (demande "
        "d'aide).",
        "properties": {
            "telephone": {"type": "string", "maxLength": 30},
            "adresse": {
                "type": "object",
                "properties": {
                    "ligne1": {"type": "string", "maxLength": 200},
                    "code_postal": {"type": "string", "maxLength": 12},
                    "commune": {"type": "string", "maxLength": 80},
                    "pays": {"type": "string", "maxLength": 80},
                },
            },
            "diplome": {"type": ["string", "null"], "maxLength": 40},
        },
    },
    "EmailChange": {
        "type": "object",
        "required": ["email", "mot_de_passe"],
        "properties": {
            "email": {"type": "string", "maxLength": 254},
            "mot_de_passe": {"type": "string", "minLength": 1, "maxLength": 1024},
        },
    },
    "CodeOnly": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string", "maxLength": 20}},
    },
    "PasswordChange": {
        "type": "object",
        "required": ["mot_de_passe_actuel", "nouveau_mot_de_passe"],
        "properties": {
            "mot_de_passe_actuel": {"type": "string", "minLength": 1, "maxLength": 1024},
            "nouveau_mot_de_passe": MOT_DE_PASSE.schema()["properties"]["mot_de_passe"],
        },
    },
    "PasswordConfirmation": {
        "type": "object",
        "required": ["mot_de_passe"],
        "properties": {"mot_de_passe": {"type": "string", "minLength": 1, "maxLength": 1024}},
    },
    "Export": {
        "type": "object",
        "required": ["exporte_le", "compte", "mandats", "droits_dif_elus", "demandes_aide"],
        "properties": {
            "exporte_le": _DATETIME,
            "compte": {"type": "object"},
            "mandats": {"type": "array", "items": {"type": "object"}},
            "droits_dif_elus": {"type": "array", "items": {"type": "object"}},
            "demandes_aide": {"type": "array", "items": {"type": "object"}},
            "dossiers": {"type": "array", "items": {"type": "object"}},
            "franceconnect": {"type": ["object", "null"]},
        },
    },
    "Mandat": {
        "type": "object",
        "description": "Un mandat en cours, tel que le RNE le publie.",
        "required": [
            "type",
            "libelle",
            "collectivite",
            "code_territoire",
            "departement",
            "fonction",
            "date_debut",
        ],
        "properties": {
            "type": {"enum": list(MANDATE_TYPES)},
            "libelle": _STRING,
            "collectivite": _NULLABLE_STRING,
            "code_territoire": _NULLABLE_STRING,
            "departement": _NULLABLE_STRING,
            "fonction": _NULLABLE_STRING,
            "date_debut": _DATE,
        },
    },
    "Rights": {
        "type": "object",
        "required": ["elu", "cpf_euros", "cpf_heures"],
        "properties": {
            "elu": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["montant_disponible", "plafond"],
                        "properties": {
                            "montant_disponible": _AMOUNT,
                            "plafond": _AMOUNT,
                            "prochain_credit": {"type": ["string", "null"], "format": "date"},
                            "en_mandat": {"type": "boolean"},
                            "utilisable_pour": {
                                "type": "array",
                                "items": {"enum": ["mandat", "reconversion"]},
                            },
                            "utilisable_jusqu_au": {"type": ["string", "null"], "format": "date"},
                        },
                    },
                ]
            },
            "rattachement": {
                "type": "string",
                "description": "Présent quand les droits d'un compte supprimé de la même "
                "personne attendent d'être rattachés (après FranceConnect+).",
            },
            "cpf_euros": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["montant_disponible"],
                        "properties": {"montant_disponible": _AMOUNT},
                    },
                ]
            },
            "cpf_heures": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["heures_disponibles"],
                        "properties": {"heures_disponibles": {"type": "integer"}},
                    },
                ]
            },
        },
    },
    "RightsHistory": {
        "type": "object",
        "required": ["operations", "cursor"],
        "properties": {
            "operations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["date", "libelle", "montant", "sens", "source"],
                    "properties": {
                        "date": _DATE,
                        "libelle": _STRING,
                        "montant": _AMOUNT,
                        "sens": {"enum": ["credit", "debit"]},
                        "source": _STRING,
                    },
                },
            },
            "cursor": _NULLABLE_STRING,
        },
    },
    "FormationSummary": {
        "type": "object",
        "required": [
            "id",
            "catalogue",
            "titre",
            "organisme",
            "prix",
            "duree_heures",
            "modalite",
            "lieu",
        ],
        "properties": {
            "id": _STRING,
            "catalogue": {"enum": list(CATALOGUES)},
            "titre": _STRING,
            "organisme": _STRING,
            "prix": _AMOUNT,
            "duree_heures": {"type": "number"},
            "modalite": {"enum": list(MODALITES)},
            "lieu": {
                "type": "object",
                "properties": {"commune": _NULLABLE_STRING, "departement": _NULLABLE_STRING},
            },
            "prochaine_session": {"type": ["string", "null"], "format": "date"},
        },
    },
    "FormationPage": {
        "type": "object",
        "required": ["formations", "cursor"],
        "properties": {
            "formations": {"type": "array", "items": _ref("FormationSummary")},
            "cursor": _NULLABLE_STRING,
        },
    },
    "Formation": {
        "type": "object",
        "required": [
            "id",
            "catalogue",
            "titre",
            "objectifs",
            "organisme",
            "prix",
            "duree_heures",
            "modalite",
            "lieu",
            "sessions",
        ],
        "properties": {
            "id": _STRING,
            "catalogue": {"enum": list(CATALOGUES)},
            "titre": _STRING,
            "objectifs": _STRING,
            "prix": _AMOUNT,
            "duree_heures": {"type": "number"},
            "modalite": {"enum": list(MODALITES)},
            "lieu": {"type": "object"},
            "prochaine_session": {"type": ["string", "null"], "format": "date"},
            "sessions": {"type": "array", "items": _ref("SessionFormation")},
            "organisme": {
                "type": "object",
                "required": ["nom", "siret"],
                "properties": {
                    "nom": _STRING,
                    "siret": _STRING,
                    "agrement": {"type": ["object", "null"]},
                },
            },
        },
    },
    "SessionFormation": {
        "type": "object",
        "required": ["id", "date_debut", "date_fin", "places_restantes", "modalite", "lieu"],
        "properties": {
            "id": _STRING,
            "date_debut": _DATE,
            "date_fin": _DATE,
            "places_restantes": {
                "type": "integer",
                "minimum": 0,
                "description": "Places encore finançables par le DIF élus.",
            },
            "modalite": {"enum": list(MODALITES)},
            "lieu": _NULLABLE_STRING,
        },
    },
    "DossierRequest": DOSSIER_REQUEST.schema(),
    "Dossier": {
        "type": "object",
        "required": ["id", "statut", "montant", "formation_id", "session_id", "echeance"],
        "properties": {
            "id": _STRING,
            "statut": {"enum": list(STATUSES)},
            "montant": _AMOUNT,
            "formation_id": _STRING,
            "session_id": _STRING,
            "echeance": {"type": ["string", "null"], "format": "date-time"},
            "titre": _STRING,
            "catalogue": {"enum": list(CATALOGUES)},
            "organisme": {
                "type": "object",
                "properties": {"nom": _STRING, "siret": _STRING},
            },
            "session": {
                "type": "object",
                "properties": {"date_debut": _DATE, "date_fin": _DATE},
            },
            "cree_le": _DATETIME,
            "debite": {"type": "boolean"},
            "rembourse": {"type": "boolean"},
            "historique": {"type": "array", "items": _ref("DossierEvent")},
            "stagiaire": {
                "type": "object",
                "properties": {"nom": _STRING, "prenoms": _STRING},
            },
        },
    },
    "DossierEvent": {
        "type": "object",
        "required": ["date", "statut", "par"],
        "properties": {
            "date": _DATETIME,
            "statut": {"enum": list(STATUSES)},
            "par": {"enum": ["titulaire", "organisme", "systeme"]},
            "motif": _STRING,
        },
    },
    "DossierPage": {
        "type": "object",
        "required": ["dossiers", "cursor"],
        "properties": {
            "dossiers": {"type": "array", "items": _ref("Dossier")},
            "cursor": _NULLABLE_STRING,
        },
    },
    "Motif": {
        "type": "object",
        "required": ["motif"],
        "properties": {"motif": {"type": "string", "maxLength": 500}},
    },
    "SupportRequest": _support_request_schema(),
    "SupportAccepted": {
        "type": "object",
        "required": ["reference", "statut"],
        "properties": {"reference": _STRING, "statut": {"const": "recue"}},
    },
    "SupportProcedure": {
        "type": "object",
        "required": ["message", "procedure"],
        "properties": {"message": _STRING, "procedure": _STRING},
    },
    "SupportStatus": {
        "type": "object",
        "required": ["reference", "statut"],
        "properties": {
            "reference": _STRING,
            "situation": {"enum": list(SITUATIONS)},
            "recue_le": _DATETIME,
            "statut": {"enum": ["recue", "resolue_automatiquement", "transmise", "echec"]},
            "pieces": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"nom": _STRING, "taille": {"type": "integer"}},
                },
            },
        },
    },
    "DocumentRequest": {
        "type": "object",
        "required": ["type", "taille"],
        "properties": {
            "type": {"enum": ["application/pdf", "image/jpeg", "image/png"]},
            "taille": {"type": "integer", "minimum": 1, "maximum": 5 * 1024 * 1024},
            "email": {"type": "string", "maxLength": 254},
        },
    },
    "DocumentForm": {
        "type": "object",
        "required": ["url", "champs", "nom"],
        "description": "Un POST présigné : envoyer le fichier à `url` en multipart/form-data, "
        "avec les `champs` puis le fichier (`file`).",
        "properties": {"url": _STRING, "champs": {"type": "object"}, "nom": _STRING},
    },
    "PasswordResetRequest": {"type": "object", "required": ["nir"], "properties": {"nir": _NIR_13}},
    "PasswordResetDone": {
        "type": "object",
        "required": ["statut"],
        "properties": {"statut": {"const": "mot_de_passe_modifie"}},
    },
}


def _query_parameters(form_schema: dict) -> list[dict]:
    """A form's fields as query parameters (absent rather than null when optional)."""
    parameters = []
    for name, schema in form_schema["properties"].items():
        schema = {k: v for k, v in schema.items() if k != "description"}
        if isinstance(schema.get("type"), list):
            schema["type"] = "string"
        if "enum" in schema:
            schema["enum"] = [v for v in schema["enum"] if v is not None]
        parameters.append(
            {
                "name": name,
                "in": "query",
                "schema": schema,
                "required": name in form_schema["required"],
                "description": form_schema["properties"][name]["description"],
            }
        )
    return parameters


def _dossier_action(
    summary: str, responses: dict, body: str | None = None, security: list | None = None
) -> dict:
    """A POST on a file, with or without a body."""
    schema = _ref(body) if body else {"type": "object", "maxProperties": 0}
    return {
        "summary": summary,
        "security": security or _BEARER,
        "parameters": [_DOSSIER_ID],
        "requestBody": {
            "required": bool(body),
            "content": {"application/json": {"schema": schema}},
        },
        "responses": responses,
    }


_DOSSIER_ID = {"name": "dossier_id", "in": "path", "required": True, "schema": _STRING}
_ORGANISME = [{"organisme": []}]


_BAD_REQUEST = _problem("Données invalides (`errors`, champ par champ) ou corps JSON illisible.")
_UNAUTHENTICATED = _problem("Non connecté, ou session expirée.")
_ORGANISME_ANSWERS = {
    "200": _json(_ref("Dossier"), "Le dossier, dans son nouvel état."),
    "400": _BAD_REQUEST,
    "401": _problem("Clé d'API absente, inconnue ou révoquée."),
    "404": _problem("Dossier inconnu de cet organisme."),
    "409": _problem("Changement d'état impossible (`statut`)."),
}


def _post(summary: str, body: str, responses: dict, **extra) -> dict:
    return {
        "summary": summary,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(body)}}},
        "responses": responses,
        **extra,
    }


_PATHS: dict[str, dict] = {
    "/health": {
        "get": {
            "summary": "État du service",
            "responses": {"200": _json(_ref("Health"), "Le service répond.")},
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "Cette description",
            "responses": {"200": _json({"type": "object"}, "Description OpenAPI 3.1.")},
        }
    },
    # one path per step, each with its own body: a schema cannot tie a body to a path value
    **{
        f"/signup/steps/{step}": {
            "post": {
                "summary": f"Valider l'étape « {step} » du formulaire de création de compte",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                "responses": {
                    "200": _json(_ref("StepValid"), "Étape valide."),
                    "400": _BAD_REQUEST,
                },
            }
        }
        for step, schema in _STEP_SCHEMAS.items()
    },
    "/accounts": {
        "post": _post(
            "Créer un compte (les 4 étapes)",
            "AccountCreation",
            {
                "201": _json(
                    _ref("AccountStatus"), "Compte créé; un code est envoyé par courriel."
                ),
                "400": _BAD_REQUEST,
                "404": _problem(
                    "L'identité FranceConnect a expiré : recommencer avec FranceConnect."
                ),
                "409": _problem("Un compte existe déjà pour ce NIR ou cette adresse."),
                "429": _problem("Trop de créations de compte depuis cette adresse."),
            },
        )
    },
    "/accounts/verification": {
        "post": _post(
            "Activer le compte avec le code reçu",
            "Verification",
            {
                "200": _json(_ref("AccountStatus"), "Compte activé."),
                "400": _problem(
                    "Code incorrect, ou aucun compte en attente à cette adresse (la même "
                    "réponse que l'adresse soit inconnue ou son compte déjà activé)."
                ),
                "410": _problem("Code expiré ou trop d'essais."),
            },
        )
    },
    "/accounts/verification-codes": {
        "post": _post(
            "Recevoir un nouveau code",
            "EmailOnly",
            {
                "202": _json(_ref("Message"), "Même réponse que le compte existe ou non."),
                "400": _BAD_REQUEST,
            },
        )
    },
    "/sessions": {
        "post": _post(
            "Se connecter avec le NIR (13 caractères) et le mot de passe",
            "Login",
            {
                "200": _json(_ref("Session"), "Connecté; la session est aussi posée en cookie."),
                "400": _BAD_REQUEST,
                "401": _problem("NIR ou mot de passe incorrect (même réponse)."),
                "403": _problem("Adresse électronique pas encore vérifiée."),
                "429": _problem("Compte bloqué temporairement (voir Retry-After)."),
            },
        )
    },
    "/auth/franceconnect": {
        "get": {
            "summary": "S'identifier avec FranceConnect : redirige vers FranceConnect",
            "parameters": [
                {
                    "name": "niveau",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "eidas2 ou eidas3 : FranceConnect+, exigé pour utiliser "
                    f"ses droits ({', '.join(LEVELS)} ; toute autre valeur : eidas1, "
                    "FranceConnect).",
                },
                {
                    "name": "retour",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Page de ce site où revenir une fois connecté (toute autre "
                    "adresse, ou plus de 300 caractères : ignorée).",
                },
            ],
            "responses": {
                "303": {
                    "description": "Vers FranceConnect (ou la page d'erreur si "
                    "FranceConnect est injoignable)."
                }
            },
        }
    },
    "/auth/franceconnect/callback": {
        "get": {
            "summary": "Retour de FranceConnect : redirige vers la page du résultat",
            "parameters": [
                {"name": name, "in": "query", "schema": _STRING}
                for name in ("code", "state", "error")
            ],
            "responses": {
                "303": {
                    "description": "Connecté (cookie de session), identité à "
                    "compléter (inscription ou liaison), refus ou "
                    "erreur (`motif`)."
                }
            },
        }
    },
    "/auth/franceconnect/jwks": {
        "get": {
            "summary": "Les clés publiques de chiffrement du service (JWKS) : FranceConnect+ "
            "chiffre pour elles ses jetons",
            "responses": {
                "200": {
                    "description": "Clé courante d'abord, la précédente ensuite (rotation).",
                    "content": {"application/jwk-set+json": {"schema": _ref("JwkSet")}},
                },
                "503": _problem("Clés pas encore créées (première mise en service)."),
            },
        }
    },
    "/auth/franceconnect/identity": {
        "get": {
            "summary": "L'identité FranceConnect en attente, pour préremplir l'inscription",
            "responses": {
                "200": _json(_ref("FranceConnectIdentity"), "Identité certifiée."),
                "404": _problem("Aucune identité en attente (ou expirée)."),
            },
        }
    },
    "/auth/franceconnect/logout": {
        "post": {
            "summary": "Se déconnecter, et de FranceConnect si la session en vient (POST "
            "seulement : un lien ne déconnecte personne)",
            "security": [{}, *_BEARER],
            "requestBody": {
                "required": False,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                    "application/json": {"schema": {"type": "object"}},
                },
            },
            "responses": {
                "303": {"description": "Vers la déconnexion FranceConnect, ou l'accueil."}
            },
        }
    },
    "/sessions/current": {
        "delete": {
            "summary": "Se déconnecter",
            "security": _BEARER,
            "responses": {"204": {"description": "Déconnecté."}, "401": _UNAUTHENTICATED},
        }
    },
    "/me": {
        "get": {
            "summary": "Mon compte",
            "security": _BEARER,
            "responses": {
                "200": _json(_ref("Me"), "Le compte de la personne connectée."),
                "401": _UNAUTHENTICATED,
            },
        },
        "patch": _post(
            "Corriger ses coordonnées (téléphone, adresse) ou son diplôme",
            "MeUpdate",
            {
                "200": _json(_ref("Me"), "Le compte, corrigé."),
                "400": _BAD_REQUEST,
                "401": _UNAUTHENTICATED,
            },
            security=_BEARER,
        ),
        "delete": _post(
            "Supprimer son compte (mot de passe exigé) : le grand livre DIF élus est conservé "
            "sous le seul hachage du NIR",
            "PasswordConfirmation",
            {
                "204": {"description": "Compte supprimé ; la session est fermée."},
                "400": _BAD_REQUEST,
                "401": _UNAUTHENTICATED,
                "403": _problem("Mot de passe incorrect."),
                "409": _problem("Un dossier de formation est en cours."),
            },
            security=_BEARER,
        ),
    },
    "/me/email": {
        "post": _post(
            "Changer d'adresse électronique : un code part vers la nouvelle adresse",
            "EmailChange",
            {
                "202": _json({"type": "object"}, "Code envoyé à la nouvelle adresse."),
                "400": _BAD_REQUEST,
                "401": _UNAUTHENTICATED,
                "403": _problem("Mot de passe incorrect."),
                "409": _problem("Adresse déjà utilisée par un compte."),
                "429": _problem(
                    "Un code vient de partir, ou trop de codes envoyés aujourd'hui (pour ce "
                    "compte ou cette adresse) : voir Retry-After."
                ),
            },
            security=_BEARER,
        )
    },
    "/me/email/verification": {
        "post": _post(
            "Confirmer la nouvelle adresse avec le code reçu",
            "CodeOnly",
            {
                "200": _json(_ref("Me"), "Le compte, avec sa nouvelle adresse."),
                "400": _BAD_REQUEST,
                "401": _UNAUTHENTICATED,
                "409": _problem(
                    "Adresse prise entre-temps par un autre compte, ou autre changement en "
                    "même temps."
                ),
                "410": _problem("Aucun changement n'attend de code (expiré, trop d'essais)."),
            },
            security=_BEARER,
        )
    },
    "/me/mot-de-passe": {
        "post": _post(
            "Changer de mot de passe : les autres sessions sont fermées",
            "PasswordChange",
            {
                "204": {"description": "Mot de passe changé."},
                "400": _BAD_REQUEST,
                "401": _UNAUTHENTICATED,
                "403": _problem("Mot de passe actuel incorrect."),
                "409": _problem("Mot de passe changé au même moment depuis une autre session."),
            },
            security=_BEARER,
        )
    },
    "/me/export": {
        "get": {
            "summary": "Télécharger mes données (tout ce que le service conserve sur moi)",
            "security": _BEARER,
            "responses": {
                "200": _json(_ref("Export"), "Les données, en JSON."),
                "401": _UNAUTHENTICATED,
            },
        }
    },
    "/me/rights": {
        "get": {
            "summary": "Mes droits : DIF élus, CPF en euros ou en heures",
            "security": _BEARER,
            "responses": {
                "200": _json(
                    _ref("Rights"), "Les droits; `elu` vaut null hors compte élu reconnu."
                ),
                "401": _UNAUTHENTICATED,
            },
        }
    },
    "/me/rights/history": {
        "get": {
            "summary": "Historique des opérations DIF élus, les plus récentes d'abord",
            "security": _BEARER,
            "parameters": [{"name": "cursor", "in": "query", "schema": _CURSOR}],
            "responses": {
                "200": _json(_ref("RightsHistory"), "Une page d'opérations."),
                "400": _problem("Curseur invalide."),
                "401": _UNAUTHENTICATED,
            },
        }
    },
    "/formations": {
        "get": {
            "summary": "Rechercher dans un catalogue (mandat et reconversion : élus reconnus)",
            "parameters": [
                *_query_parameters(SEARCH.schema()),
                {"name": "cursor", "in": "query", "schema": _CURSOR},
            ],
            "responses": {
                "200": _json(_ref("FormationPage"), "Une page de résultats."),
                "400": _BAD_REQUEST,
                "401": _problem("Catalogue réservé aux élus : connectez-vous."),
                "403": _problem("Compte non reconnu comme élu : voir l'aide."),
            },
        }
    },
    "/formations/{formation_id}": {
        "get": {
            "summary": "Fiche formation",
            "parameters": [
                {"name": "formation_id", "in": "path", "required": True, "schema": _STRING}
            ],
            "responses": {
                "200": _json(_ref("Formation"), "La fiche."),
                "401": _problem("Formation réservée aux élus : connectez-vous."),
                "403": _problem("Compte non reconnu comme élu : voir l'aide."),
                "404": _problem("Formation inconnue."),
            },
        }
    },
    "/me/dossiers": {
        "post": {
            "summary": "Demander une place dans une session (dossier DIF élus)",
            "security": _BEARER,
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:\\-]{8,128}$"},
                    "description": "La même clé renvoie le même dossier.",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("DossierRequest")}},
            },
            "responses": {
                "201": _json(_ref("Dossier"), "Dossier créé (ou déjà créé avec cette clé)."),
                "400": _BAD_REQUEST,
                "401": _UNAUTHENTICATED,
                "403": _problem("Pas élu, catalogue non finançable ou droits expirés."),
                "404": _problem("Formation ou session inconnue."),
                "409": _problem("Session complète, ou déjà inscrit à cette session."),
                "422": _problem(
                    "Trop tard, agrément expiré, coût horaire excessif, reste à "
                    "charge (`reste_a_charge`), clé réutilisée."
                ),
            },
        },
        "get": {
            "summary": "Mes dossiers, les plus récents d'abord",
            "security": _BEARER,
            "parameters": [{"name": "cursor", "in": "query", "schema": _CURSOR}],
            "responses": {
                "200": _json(_ref("DossierPage"), "Une page de dossiers."),
                "400": _problem("Curseur invalide."),
                "401": _UNAUTHENTICATED,
            },
        },
    },
    "/me/dossiers/{dossier_id}": {
        "get": {
            "summary": "Un dossier, son échéance et son historique",
            "security": _BEARER,
            "parameters": [_DOSSIER_ID],
            "responses": {
                "200": _json(_ref("Dossier"), "Le dossier."),
                "401": _UNAUTHENTICATED,
                "404": _problem("Dossier inconnu."),
            },
        }
    },
    "/me/dossiers/{dossier_id}/validation": {
        "post": _dossier_action(
            "Valider l'inscription : le prix est débité des droits DIF élus",
            {
                "200": _json(_ref("Dossier"), "Validé et débité."),
                "401": _UNAUTHENTICATED,
                "403": _problem("Identité non certifiée : `connexion` ouvre FranceConnect+."),
                "404": _problem("Dossier inconnu."),
                "409": _problem("Le dossier n'est pas à valider (`statut`)."),
                "422": _problem("Trop tard, ou droits insuffisants (`reste_a_charge`)."),
            },
        )
    },
    "/me/dossiers/{dossier_id}/annulation": {
        "post": _dossier_action(
            "Annuler l'inscription (remboursée si elle était débitée)",
            {
                "200": _json(_ref("Dossier"), "Annulé."),
                "401": _UNAUTHENTICATED,
                "404": _problem("Dossier inconnu."),
                "409": _problem("Formation commencée, ou dossier déjà clos."),
            },
        )
    },
    "/organismes/dossiers": {
        "get": {
            "summary": "Organisme : ses dossiers, par statut",
            "security": _ORGANISME,
            "parameters": [
                {
                    "name": "statut",
                    "in": "query",
                    # empty, like absent: every status
                    "schema": {"enum": ["", *STATUSES]},
                },
                {"name": "cursor", "in": "query", "schema": _CURSOR},
            ],
            "responses": {
                "200": _json(_ref("DossierPage"), "Une page de dossiers."),
                "400": _BAD_REQUEST,
                "401": _problem("Clé d'API absente, inconnue ou révoquée."),
            },
        }
    },
    "/organismes/dossiers/{dossier_id}/acceptation": {
        "post": _dossier_action(
            "Organisme : accepter la demande (le titulaire a 4 jours ouvrés pour valider)",
            _ORGANISME_ANSWERS,
            None,
            _ORGANISME,
        )
    },
    "/organismes/dossiers/{dossier_id}/refus": {
        "post": _dossier_action(
            "Organisme : refuser la demande",
            _ORGANISME_ANSWERS,
            "Motif",
            _ORGANISME,
        )
    },
    "/organismes/dossiers/{dossier_id}/entree-en-formation": {
        "post": _dossier_action(
            "Organisme : déclarer l'entrée en formation (dès le premier jour)",
            _ORGANISME_ANSWERS,
            None,
            _ORGANISME,
        )
    },
    "/organismes/dossiers/{dossier_id}/service-fait": {
        "post": _dossier_action(
            "Organisme : déclarer le service fait (dès le dernier jour)",
            _ORGANISME_ANSWERS,
            None,
            _ORGANISME,
        )
    },
    "/organismes/dossiers/{dossier_id}/annulation": {
        "post": _dossier_action(
            "Organisme : annuler (remboursé si débité)",
            _ORGANISME_ANSWERS,
            "Motif",
            _ORGANISME,
        )
    },
    "/support-requests": {
        "post": {
            **_post(
                "Demander de l'aide (« Mon compte élu ne s'affiche pas »); public, ou lié au "
                "compte si une session est envoyée",
                "SupportRequest",
                {
                    "202": _json(_ref("SupportAccepted"), "Demande enregistrée et transmise."),
                    "200": _json(
                        _ref("SupportProcedure"),
                        "Cas 1 (en activité) : la "
                        "procédure de Mon Compte Formation, rien n'est transmis.",
                    ),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHENTICATED,
                    "429": _problem("Trop de demandes (par adresse ou par IP)."),
                },
            ),
            "security": [{}, *_BEARER],
        }
    },
    "/support-requests/{reference}": {
        "get": {
            "summary": "Suivre sa demande, avec la session d'où elle a été envoyée",
            "security": _BEARER,
            "parameters": [
                {"name": "reference", "in": "path", "required": True, "schema": _STRING},
            ],
            "responses": {
                "200": _json(_ref("SupportStatus"), "L'état de la demande."),
                "401": _UNAUTHENTICATED,
                "404": _problem("Pas de demande pour cette référence et ce demandeur."),
            },
        }
    },
    "/support-requests/{reference}/pieces": {
        "post": {
            **_post(
                "Joindre un document à sa demande (PDF, JPEG, PNG ; 5 Mo, 5 documents au plus) : "
                "renvoie un POST présigné, le fichier part directement vers le stockage",
                "DocumentRequest",
                {
                    "201": _json(_ref("DocumentForm"), "Où et comment envoyer le fichier."),
                    "400": _BAD_REQUEST,
                    "404": _problem("Pas de demande pour cette référence et ce demandeur."),
                },
            ),
            "security": [{}, *_BEARER],
            "parameters": [
                {"name": "reference", "in": "path", "required": True, "schema": _STRING},
            ],
        }
    },
    "/support-requests/{reference}/consultation": {
        "post": {
            **_post(
                "Suivre sa demande sans session : la référence et l'adresse électronique "
                "donnée avec elle (dans le corps, jamais dans l'URL)",
                "EmailOnly",
                {
                    "200": _json(_ref("SupportStatus"), "L'état de la demande."),
                    "400": _BAD_REQUEST,
                    "404": _problem("Pas de demande pour cette référence et cette adresse."),
                },
            ),
            "security": [{}, *_BEARER],
            "parameters": [
                {"name": "reference", "in": "path", "required": True, "schema": _STRING},
            ],
        }
    },
    "/password-resets": {
        "post": _post(
            "Demander un lien de réinitialisation",
            "PasswordResetRequest",
            {
                "202": _json(_ref("Message"), "Même réponse que le compte existe ou non."),
                "400": _BAD_REQUEST,
            },
        )
    },
    "/password-resets/confirmation": {
        "post": _post(
            "Choisir un nouveau mot de passe avec le jeton du lien reçu (ferme toutes les "
            "sessions) ; le jeton voyage dans le corps, jamais dans l'URL",
            "PasswordResetConfirmation",
            {
                "200": _json(_ref("PasswordResetDone"), "Mot de passe modifié."),
                "400": _BAD_REQUEST,
                "410": _problem("Lien expiré ou déjà utilisé."),
            },
        )
    },
}


def _with_common_errors(paths: dict) -> dict:
    """Every operation may fail unexpectedly (500), receive what the gateway cannot read (400)
    or a method it does not take (405); every body may be too big or not JSON."""
    for operations in paths.values():
        for method, operation in operations.items():
            operation["responses"].setdefault("500", _problem("Erreur inattendue."))
            operation["responses"].setdefault("400", _problem("Requête illisible."))
            operation["responses"].setdefault("405", _problem("Méthode non acceptée ici."))
            if method == "post":
                operation["responses"].setdefault("413", _problem("Corps trop volumineux."))
                operation["responses"].setdefault("415", _problem("Corps qui n'est pas du JSON."))
    return paths


@lru_cache(maxsize=1)
def spec() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mon Compte Élu",
            "version": "1.0.0",
            "description": "API de Mon Compte Élu : comptes, droits DIF élus, catalogues.",
        },
        "servers": [{"url": "/api"}],
        "paths": _with_common_errors(_PATHS),
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "organisme": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Clé d'API d'un organisme (mce_org_...).",
                },
                "cookie": {"type": "apiKey", "in": "cookie", "name": "mce_session"},
            },
        },
    }
