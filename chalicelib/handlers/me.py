from .. import services
from ..api import ApiBlueprint, current_account, json_response

bp = ApiBlueprint(__name__)


@bp.route("/me", methods=["GET"])
def me():
    account = current_account(bp.current_request)
    adresse = account.adresse
    return json_response(
        {
            "id": account.id,
            "prenoms": account.prenoms,
            "nom": account.nom,
            "nom_naissance": account.nom_naissance,
            "nom_usage": account.nom_usage,
            "email": account.email,
            "telephone": account.telephone,
            "adresse": {
                "ligne1": adresse.ligne1,
                "code_postal": adresse.code_postal,
                "commune": adresse.commune,
                "pays": adresse.pays,
            },
            "diplome": account.diplome,
            "elu": bool(account.elu),
            # typed at signup, or certified by FranceConnect (the civil registry)
            "identite": "certifiee" if account.franceconnect else "declaree",
            "mandats": services.elu_recognition().mandates(account),
        },
        headers={"Cache-Control": "no-store"},
    )
