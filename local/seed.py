"""Demo data for the local system: an active account to log in with (fictional identity)."""

from __future__ import annotations

from stdnum.fr import nir as stdnum_nir

from chalicelib import services
from chalicelib.account_store import AlreadyTaken
from chalicelib.problems import Problem

DEMO_PASSWORD = "Ardoise-Velours-42"  # noqa: S105 - the fictional demo account
_DEMO_BODY = "2750335238042"  # born March 1975 in Rennes (35238), 42nd registration
DEMO_NIR = _DEMO_BODY + stdnum_nir.calc_check_digits(_DEMO_BODY + "00")

DEMO_ACCOUNT = {
    "nir": DEMO_NIR,
    "nom_naissance": "Bernard",
    "nom_usage": "Durand",
    "prenoms": "Camille",
    "sexe": "F",
    "date_naissance": "1975-03-08",
    "lieu_naissance": "35238",
    "email": "camille.durand@exemple.fr",
    "telephone": "06 12 34 56 78",
    "adresse": {"ligne1": "1 place de la Mairie", "code_postal": "35000", "commune": "Rennes",
                "pays": "France"},
    "mot_de_passe": DEMO_PASSWORD,
    "diplome": "niveau_6",
}


def seed_demo_account() -> bool:
    """Create and activate the demo account through the real signup path; False if present."""
    accounts = services.accounts()
    try:
        account = accounts.create_account(DEMO_ACCOUNT)
    except Problem as problem:
        if problem.status == 409:
            return False
        raise
    except AlreadyTaken:
        return False
    from chalicelib.account_store import AccountStore

    AccountStore().activate(account)
    return True
