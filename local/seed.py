"""Demo data for the local system: two active accounts (fictional NIRs) to log in with.

- Camille Durand, née Bernard: the demo RNE file `local/demo/elus-conseillers-municipaux-cm.csv`
  (fictional) lists her under her birth name, BERNARD.
- Joël Brunet: the first conseiller départemental of the real samples (public RNE data, Ain);
  uploading any of the conseillers départementaux samples recognises him.
- Nathalie Kerbrat: recognised at seed time, with files at each step of the end of a training
  (`local/demo_files.py`).
"""

from __future__ import annotations

from pathlib import Path

from stdnum.fr import nir as stdnum_nir

from chalicelib import services
from chalicelib.accounts.errors import AlreadyTaken
from chalicelib.accounts.schemas import AccountCreation
from chalicelib.clock import paris_today

DEMO_PASSWORD = "Ardoise-Velours-42"  # noqa: S105 - the fictional demo accounts
# The demo organisme's API key (local stage only: printed by `make run`, in docs/enrolment.md).
DEMO_ORGANISME_KEY = "mce_org_demo-institut-des-elus-de-l-ouest"
DEMO_RNE_FILE = Path(__file__).parent / "demo" / "elus-conseillers-municipaux-cm.csv"


def _nir(body: str) -> str:
    return body + stdnum_nir.calc_check_digits(body + "00")


DEMO_NIR = _nir("2750335238042")  # born March 1975 in Rennes (35238)
DEMO_ELU_NIR = _nir("1550501053117")  # born May 1955 in Bourg-en-Bresse (01053)
TRAINEE_NIR = _nir("2700629232057")  # born June 1970 in Quimper (29232)

_ADDRESS = {
    "ligne1": "1 place de la Mairie",
    "code_postal": "35000",
    "commune": "Rennes",
    "pays": "France",
}
DEMO_ACCOUNTS = [
    {
        "nir": DEMO_NIR,
        "nom_naissance": "Bernard",
        "nom_usage": "Durand",
        "prenoms": "Camille",
        "sexe": "F",
        "date_naissance": "1975-03-08",
        "lieu_naissance": "35238",
        "email": "camille.durand@exemple.fr",
        "telephone": "06 12 34 56 78",
        "adresse": _ADDRESS,
        "mot_de_passe": DEMO_PASSWORD,
        "diplome": "niveau_6",
    },
    {
        "nir": DEMO_ELU_NIR,
        "nom_naissance": "Brunet",
        "nom_usage": None,
        "prenoms": "Joël",
        "sexe": "M",
        "date_naissance": "1955-05-02",
        "lieu_naissance": "01053",
        "email": "joel.brunet@exemple.fr",
        "telephone": "06 98 76 54 32",
        "adresse": {**_ADDRESS, "code_postal": "01000", "commune": "Bourg-en-Bresse"},
        "mot_de_passe": DEMO_PASSWORD,
        "diplome": None,
    },
]


# CPF rights come from Mon Compte Formation: Camille works in the private sector (euros), Joël
# is a public agent (hours).
DEMO_CPF = {DEMO_NIR: {"cpf_euros_centimes": 125_000}, DEMO_ELU_NIR: {"cpf_heures": 120}}


def _link_franceconnect(account, email: str) -> None:
    """The demo accounts are linked to their identity at the local FranceConnect, as if each
    holder had proven the account once with the password."""
    from chalicelib.accounts.franceconnect_login import link_key
    from chalicelib.franceconnect.identity import FcIdentity
    from local.franceconnect_provider import DEMO_IDENTITIES, subject_for

    claims = next(i for i in DEMO_IDENTITIES if i["email"] == email)
    sub = subject_for(claims["id"], services.get_settings().franceconnect_client_id)
    services.franceconnect_links().link(account, FcIdentity.from_claims(claims), link_key(sub))


def seed_demo_catalogue() -> dict:
    from chalicelib.catalogue.importer import import_catalogue
    from local.demo_catalogue import demo_catalogue_csv

    today = paris_today()
    return import_catalogue(
        demo_catalogue_csv(today), "catalogue.csv", today, services.catalogue().save
    ).as_dict()


def create_demo_account(data: dict):
    """A demo account through the real signup path, activated and linked to its identity at
    the local FranceConnect; None when it exists already."""
    signup = services.signup()
    try:
        account = signup.create_account(AccountCreation.read(data, paris_today()))
    except AlreadyTaken:
        return None
    signup.activate(account)
    _link_franceconnect(account, data["email"])
    return account


def seed_demo_accounts() -> int:
    """Create and activate the demo accounts; the number made."""
    created = 0
    for data in DEMO_ACCOUNTS:
        account = create_demo_account(data)
        if account is None:
            continue
        account.update(
            actions=[
                getattr(type(account), name).set(value)
                for name, value in DEMO_CPF[data["nir"]].items()
            ]
        )
        created += 1
    return created


def seed_demo_organisme() -> dict:
    """The first demo organisme (it owns about a ninth of the demo formations), with an
    address for its notifications and the demo API key."""
    from local.demo_catalogue import DEMO_ORGANISME, ORGANISMES, siret_for

    desk = services.organisme_desk()
    siret = siret_for(DEMO_ORGANISME)
    desk.register(siret, ORGANISMES[DEMO_ORGANISME], "inscriptions@institut-ouest.exemple.fr")
    if not any(k.revoked_at is None for k in desk.keys(siret)):
        desk.new_key(siret, DEMO_ORGANISME_KEY)
    return {"siret": siret, "nom": ORGANISMES[DEMO_ORGANISME], "cle": DEMO_ORGANISME_KEY}
