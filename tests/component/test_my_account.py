"""Mon compte: contact data, email and password changes, export, deletion (and what a deletion
keeps: the DIF élus ledger, found again by the same person's new account)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from chalicelib.models import Account, AccountEmail, LedgerEntry
from tests.support.people import PASSWORD, signup_payload
from tests.support.rne_world import HELENE, RneWorld, days_ago

NEW_PASSWORD = "Hx8!cerisier-Granit"


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


@pytest.fixture
def claire(rne):
    return rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")


def login(api, person, password=PASSWORD) -> str:
    answer = api.post("/sessions", {"nir": person["nir"][:13], "mot_de_passe": password})
    assert answer.status == 200, answer.json
    return answer.json["token"]


def test_contact_data_and_diploma_are_corrected_identity_is_not(api, claire):
    token = login(api, claire)
    answer = api.patch(
        "/me",
        {
            "telephone": "07 98 76 54 32",
            "adresse": {"ligne1": "8 place du Marché", "code_postal": "29200", "commune": "Brest"},
            "diplome": "niveau_5",
        },
        token=token,
    )
    assert answer.status == 200
    me = api.get("/me", token=token).json
    assert me["telephone"] == answer.json["telephone"] != claire["telephone"]
    assert me["adresse"]["commune"] == "Brest" and me["diplome"] == "niveau_5"

    refused = api.patch("/me", {"nom_naissance": "Dupont", "telephone": "abc"}, token=token)
    assert refused.status == 400
    fields = {e["champ"]: e["message"] for e in refused.json["errors"]}
    assert "demande d'aide" in fields["nom_naissance"]
    assert "telephone" in fields
    assert api.get("/me", token=token).json["nom_naissance"] == "Martin"
    assert api.patch("/me", {"telephone": "07 00 00 00 01"}).status == 401


def test_the_email_changes_with_the_code_sent_to_the_new_address(api, claire, outbox):
    token = login(api, claire)
    new = "claire.martin@nouvelle-adresse.fr"
    assert (
        api.post("/me/email", {"email": new, "mot_de_passe": PASSWORD}, token=token).status == 202
    )
    assert api.get("/me", token=token).json["email"] == claire["email"]  # not before the code
    code = outbox.last_to(new).code()
    wrong = "000000" if code != "000000" else "111111"
    refused = api.post("/me/email/verification", {"code": wrong}, token=token)
    assert refused.status == 400 and refused.json["errors"][0]["champ"] == "code"
    answer = api.post("/me/email/verification", {"code": code}, token=token)
    assert answer.status == 200 and answer.json["email"] == new
    assert "a changé" in outbox.last_to(claire["email"]).subject
    assert AccountEmail.get(new).nir_hash == Account.get(AccountEmail.get(new).nir_hash).nir_hash
    with pytest.raises(AccountEmail.DoesNotExist):
        AccountEmail.get(claire["email"])
    # the old address is free again for someone else
    other = signup_payload(email=claire["email"], nom_naissance="Bernard", prenoms="Luc", sexe="M")
    assert api.post("/accounts", other).status == 201


def test_an_email_change_is_refused_without_the_password_for_a_taken_address_or_late(
    api, claire, rne, outbox
):
    other = rne.person(nom_naissance="Garnier", prenoms="Luc", sexe="M", email="luc@exemple.fr")
    token = login(api, claire)
    wrong = api.post("/me/email", {"email": "x@exemple.fr", "mot_de_passe": "faux"}, token=token)
    assert wrong.status == 403 and wrong.json["errors"][0]["champ"] == "mot_de_passe"
    taken = api.post("/me/email", {"email": other["email"], "mot_de_passe": PASSWORD}, token=token)
    assert taken.status == 409 and taken.json["errors"][0]["champ"] == "email"
    assert (
        api.post(
            "/me/email", {"email": "claire@ailleurs.fr", "mot_de_passe": PASSWORD}, token=token
        ).status
        == 202
    )
    code = outbox.last_to("claire@ailleurs.fr").code()
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16)):
        token = login(api, claire)
        late = api.post("/me/email/verification", {"code": code}, token=token)
        assert late.status == 410
    assert api.get("/me", token=login(api, claire)).json["email"] == claire["email"]


def test_a_new_password_ends_every_other_session(api, claire, outbox):
    here, elsewhere = login(api, claire), login(api, claire)
    weak = api.post(
        "/me/mot-de-passe",
        {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": "martin"},
        token=here,
    )
    assert weak.status == 400 and weak.json["errors"][0]["champ"] == "nouveau_mot_de_passe"
    wrong = api.post(
        "/me/mot-de-passe",
        {"mot_de_passe_actuel": "faux", "nouveau_mot_de_passe": NEW_PASSWORD},
        token=here,
    )
    assert wrong.status == 403 and wrong.json["errors"][0]["champ"] == "mot_de_passe_actuel"
    changed = api.post(
        "/me/mot-de-passe",
        {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": NEW_PASSWORD},
        token=here,
    )
    assert changed.status == 204
    assert api.get("/me", token=here).status == 200
    assert api.get("/me", token=elsewhere).status == 401
    assert (
        api.post("/sessions", {"nir": claire["nir"][:13], "mot_de_passe": PASSWORD}).status == 401
    )
    login(api, claire, NEW_PASSWORD)
    assert "modifié" in outbox.last_to(claire["email"]).subject


def _elu_with_history(rne, api):
    helene = rne.helene(snapshot=days_ago(30))
    token = login(api, helene)
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "800.00"
    help_request = api.post(
        "/support-requests",
        {
            "situation": "droits_elu_invisibles",
            "nom_naissance": "Roux",
            "prenoms": "Hélène",
            "date_naissance": "1968-09-02",
            "lieu_naissance": "Rennes",
            "collectivite": "Rennes",
            "email": helene["email"],
        },
        token=token,
    )
    assert help_request.status in (201, 202), help_request.json
    return helene, token, help_request.json["reference"]


def test_the_export_holds_everything_about_the_person(api, rne):
    helene, token, reference = _elu_with_history(rne, api)
    answer = api.get("/me/export", token=token)
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    data = answer.json
    account = data["compte"]
    assert account["email"] == helene["email"] and account["telephone"]
    assert account["adresse"]["commune"] == helene["adresse"]["commune"]
    assert account["diplome"] == helene["diplome"]
    for secret in ("password_hash", "nir_hash", "verification_code_hash", "auth_epoch"):
        assert secret not in account
    assert (
        helene["nir"] not in answer.body.decode() and helene["nir"][:13] not in answer.body.decode()
    )
    assert [m["type"] for m in data["mandats"]] == ["CM"]
    [stored] = list(Account.scan())
    entries = [e for e in LedgerEntry.query(stored.nir_hash) if e.montant_centimes is not None]
    assert len(data["droits_dif_elus"]) == len(entries) > 0
    assert sum(e["montant_centimes"] for e in data["droits_dif_elus"]) == 80_000
    assert [r["reference"] for r in data["demandes_aide"]] == [reference]
    assert data["dossiers"] == [] and data["franceconnect"] is None
    assert api.get("/me/export").status == 401


def test_deletion_erases_every_personal_item_and_a_new_account_finds_the_ledger(
    api, rne, aws, outbox, browser, franceconnect
):
    import requests

    helene, token, reference = _elu_with_history(rne, api)
    [account] = list(Account.scan())
    nir_hash = account.nir_hash
    form = api.post(
        f"/support-requests/{reference}/pieces", {"type": "image/png", "taille": 5}, token=token
    ).json
    for content in (b"12345", b"67890"):  # the form posted twice: two versions
        requests.post(
            form["url"], data=form["champs"], files={"file": ("id.png", content)}, timeout=5
        )
    assert len(list(_every_object(aws, prefix="pieces/"))) == 2
    # 500 € spent on a training: the balance is 300 €
    from chalicelib.rights.store import debit_operations, transact

    transact(
        debit_operations(
            nir_hash, 50_000, datetime.now(UTC).date(), "Formation", "D-TEST", datetime.now(UTC)
        )
    )
    assert api.delete("/me", body={"mot_de_passe": "faux"}, token=token).status == 403
    deleted = api.delete("/me", body={"mot_de_passe": PASSWORD}, token=token)
    assert deleted.status == 204
    assert api.get("/me", token=token).status == 401
    assert (
        api.post("/sessions", {"nir": helene["nir"][:13], "mot_de_passe": PASSWORD}).status == 401
    )
    assert "supprimé" in outbox.last_to(helene["email"]).subject

    personal = [
        helene["email"],
        helene["telephone"].replace(" ", ""),
        helene["adresse"]["ligne1"],
        account.id,
        "Hélène",
    ]
    for table, items in _every_table(aws):
        for item in items:
            text = str(item)
            assert not any(p in text for p in personal), (table, item)
            if table != "rights_ledger_table":
                assert nir_hash not in text, (table, item)
    reaching = [helene["email"], helene["telephone"].replace(" ", ""), account.id, nir_hash]
    for key, body in _every_object(aws):
        assert not any(p in body for p in reaching), key
        assert not key.startswith("pieces/"), key  # the help request's documents too

    # An account of the same NIR again: the ledger waits for a certified identity.
    again = rne.person(**HELENE, nir=helene["nir"], email="helene.roux@nouvelle.fr")
    token = login(api, again)
    rights = api.get("/me/rights", token=token).json
    assert rights["elu"]["montant_disponible"] == "0.00"
    assert "rattachés après FranceConnect+" in rights["rattachement"]
    assert api.get("/me/rights/history", token=token).json["operations"] == []
    assert api.get("/me/dossiers", token=token).json["dossiers"] == []
    # She certifies her identity with FranceConnect+: the ledger is hers, nothing credited twice.
    franceconnect.identities["helene"] = {
        "id": "helene",
        "given_name": "Hélène",
        "family_name": "ROUX",
        "preferred_username": "",
        "birthdate": "1968-09-02",
        "gender": "female",
        "birthplace": again["lieu_naissance"],
        "birthcountry": "99100",
        "email": "helene.roux@nouvelle.fr",
    }
    assert browser.login("helene", "niveau=eidas2").path == "/inscription"
    linked = browser.post("/sessions", {"nir": again["nir"][:13], "mot_de_passe": PASSWORD})
    assert linked.json_body["franceconnect"] == "lie"
    token = login(api, again)
    rights = api.get("/me/rights", token=token).json
    assert rights["elu"]["montant_disponible"] == "300.00" and "rattachement" not in rights
    operations = api.get("/me/rights/history", token=token).json["operations"]
    assert [o["sens"] for o in operations].count("debit") == 1
    assert sum(1 for e in LedgerEntry.query(nir_hash) if e.sk.startswith("annee#")) == len(
        {e.sk for e in LedgerEntry.query(nir_hash) if e.sk.startswith("annee#")}
    )


def _every_table(settings):
    import boto3

    client = boto3.client("dynamodb", region_name=settings.region)
    for field in settings.__dataclass_fields__:
        if not field.endswith("_table"):
            continue
        name = getattr(settings, field)
        items = []
        for page in client.get_paginator("scan").paginate(TableName=name):
            items += page["Items"]
        yield field, [item for item in items if not _is_rne_public_data(field, item)]


def _is_rne_public_data(field: str, item: dict) -> bool:
    """The RNE's own rows (public data the prefectures publish) name élus, account or not."""
    return field == "rne_mandates_table"


def _every_object(settings, prefix: str = ""):
    """Every version of every object, and every delete marker (a versioned bucket keeps what a
    plain delete only hides)."""
    import boto3

    s3 = boto3.client("s3", region_name=settings.region)
    for bucket in (settings.rne_bucket, settings.support_bucket):
        pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for marker in page.get("DeleteMarkers", []):
                yield marker["Key"], ""
            for entry in page.get("Versions", []):
                key = entry["Key"]
                if key.startswith(("prefectures/", "national/")):
                    continue  # the uploads themselves: the RNE, public data
                body = s3.get_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])
                yield key, body["Body"].read().decode("utf-8", "replace")


def test_a_help_request_is_kept_a_year_after_it_is_closed(api, rne):
    from chalicelib.models import SupportRequest

    _, _, reference = _elu_with_history(rne, api)
    rne.deliver()  # the support worker closes it (recognised, or forwarded)
    request = SupportRequest.get(reference)
    assert request.statut in ("resolue_automatiquement", "transmise")
    kept = request.expires_at - request.updated_at
    assert timedelta(days=364) < kept <= timedelta(days=366)


def test_an_account_cannot_make_the_service_mail_codes_to_anyone_at_will(api, claire, outbox):
    """A logged-in account asking for email changes over and over, to one victim's address or
    to many: a minute between codes, a few a day per account, a few a day per address."""
    victim = "victime@exemple.fr"
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
        days=1
    )  # one day, whatever the hour the tests run

    def ask(address):
        return api.post("/me/email", {"email": address, "mot_de_passe": PASSWORD}, token=token)

    with time_machine.travel(start, tick=False):
        token = login(api, claire)
        assert ask(victim).status == 202
        again = ask(victim)
        assert again.status == 429 and int(again.headers["Retry-After"]) > 0
    assert len(outbox.to(victim)) == 1
    answers = []
    for n in range(1, 30):  # two minutes apart: the cooldown alone does not stop it
        with time_machine.travel(start + timedelta(minutes=2 * n), tick=False):
            answers.append(ask(victim if n % 2 else f"autre{n}@exemple.fr").status)
    assert answers.count(202) <= 4 and answers.count(429) >= 25
    assert len(outbox.to(victim)) <= 3
