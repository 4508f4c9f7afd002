"""The whole journey in a real browser (Debian's Chromium through Playwright) against the
running local system: pages checked with axe-core (no serious or critical violation) and
photographed at 1280 and 375 px wide under test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import boto3
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.support.people import make_nir
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
MAILBOX = "dfp_mcf_gestion-des-droits-et-formationen@caissedesdepots.fr"
PASSWORD = "Lv6!chardon-Falaise"
HELENE = {
    "nom_naissance": "Roux",
    "prenoms": "Hélène",
    "sexe": "F",
    "date_naissance": "1968-09-02",
    "lieu_naissance": "35238",
}


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
    assert AXE.exists(), "axe-core is missing: `make test` runs npm ci"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def site(local_system):
    return local_system.api.removesuffix("/api")


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def check(page, name: str) -> None:
    """axe-core finds no serious or critical violation; screenshots at 1280 and 375 px."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: "tag",
                  values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    })).violations.filter(v => ["serious", "critical"].includes(v.impact))
      .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(" ")).join(", ")})`)""")
    assert violations == [], f"{name}: {violations}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        no_sideways_scroll = page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert no_sideways_scroll, f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def upload_rne(local_system, key: str, rows: list) -> None:
    s3 = boto3.client(
        "s3",
        endpoint_url=local_system.moto,
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    s3.put_object(Bucket="mce-local-rne", Key=key, Body=write(CURRENT_HEADER, rows))
    s3.get_waiter("object_exists").wait(
        Bucket="mce-local-rne",
        Key=f"rne-reports/{key}.json",
        WaiterConfig={"Delay": 1, "MaxAttempts": 60},
    )


def contact_address_password(page, email: str, address: tuple, screenshot: str = "") -> None:
    """Steps 2 to 4 of Création de compte, from the Contact step to "Créer mon compte"."""
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Téléphone").fill("06 11 22 33 44")
    if screenshot:
        check(page, screenshot)
    page.get_by_role("button", name="Étape suivante").click()
    ligne, code_postal, commune = address
    page.get_by_label("Numéro et voie").fill(ligne)
    page.get_by_label("Code postal").fill(code_postal)
    page.get_by_label("Commune", exact=True).fill(commune)
    page.get_by_role("button", name="Étape suivante").click()
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()


def log_in(page, nir: str, password: str) -> None:
    page.get_by_label("Numéro de sécurité sociale").fill(nir[:13])
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_signup_recognition_rights_catalogue_history_logout_and_back_to_a_formation(
    local_system, site, page
):
    nir = make_nir("F", HELENE["date_naissance"], place=HELENE["lieu_naissance"])
    email = "helene.roux.navigateur@exemple.fr"

    page.goto(site + "/")
    header = page.get_by_role("banner")
    # the header is drawn once the page knows whether someone is logged in: wait for it
    expect(header.get_by_role("link", name="Création de compte")).to_be_visible()
    expect(header.get_by_role("link", name="Connexion")).to_be_visible()
    check(page, "01-accueil")

    # Création de compte: each step checked by the API, errors beside the field.
    header.get_by_role("link", name="Création de compte").click()
    page.wait_for_url("**/inscription")
    check(page, "02-inscription-identite")
    page.get_by_role("button", name="Étape suivante").click()
    error = page.locator("#nir-erreur")
    assert "obligatoire" in error.inner_text()
    assert page.locator("#nir").get_attribute("aria-invalid") == "true"
    page.get_by_label("Numéro de sécurité sociale").fill(nir)
    page.get_by_label("Nom de naissance").fill(HELENE["nom_naissance"])
    page.get_by_label("Prénom(s)").fill(HELENE["prenoms"])
    page.get_by_label("Féminin").check()
    page.get_by_label("Date de naissance").fill("02/09/1968")  # as people write it
    page.get_by_label("Lieu de naissance").fill(HELENE["lieu_naissance"])
    page.get_by_label("Votre plus haut diplôme").select_option("niveau_6")
    page.get_by_role("button", name="Étape suivante").click()
    contact_address_password(
        page, email, ("2 place de la Mairie", "35000", "Rennes"), "03-inscription-contact"
    )

    # The email code, read from moto's SES.
    page.get_by_label("Code reçu par courriel").wait_for()
    check(page, "04-inscription-code")
    code = local_system.emails_to(email)[-1].code()
    page.get_by_label("Code reçu par courriel").fill(code)
    page.get_by_role("button", name="Valider mon adresse").click()
    page.get_by_text("Votre compte est activé").wait_for()

    # The prefecture's file lists her: she is an élue.
    # (in a département of its own: a file replaces what its département had)
    upload_rne(
        local_system,
        "prefectures/56/navigateur-cm.csv",
        [
            municipal_row(
                "ROUX",
                "Hélène",
                "F",
                "02/09/1968",
                dept="56",
                commune="56121",
                libelle="Lorient",
                debut="28/06/2020",
            )
        ],
    )

    page.get_by_role("link", name="Me connecter").click()
    page.wait_for_url("**/connexion")
    check(page, "05-connexion")
    log_in(page, nir, PASSWORD)
    page.wait_for_url("**/espace")
    page.get_by_role("heading", name="Votre compte élu").wait_for()
    expect(page.get_by_role("img", name="Cocarde tricolore").first).to_be_visible()
    assert "800,00" in page.locator("#montant-elu").inner_text()
    assert "Hélène ROUX" in page.get_by_role("banner").inner_text()
    check(page, "06-espace-elu")

    page.get_by_role(
        "link", name="Chercher les formations liées à l'exercice de mon mandat"
    ).click()
    page.wait_for_url("**/formations?catalogue=mandat")
    results = page.locator("#resultats li")
    results.first.wait_for()
    assert page.get_by_label("Catalogue").input_value() == "mandat"
    check(page, "07-recherche-mandat")
    page.get_by_role("button", name="Page suivante").click()
    page.get_by_text("Page 2").wait_for()
    results.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/formation\?id=.+"))
    page.get_by_role("heading", name="Objectifs").wait_for()
    formation_url, title = page.url, page.get_by_role("heading", level=1).inner_text()
    check(page, "08-fiche-formation")

    page.goto(site + "/espace")
    page.get_by_role("link", name="Consulter l'historique").click()
    page.wait_for_url("**/historique")
    page.locator("#operations tr").first.wait_for()
    assert "+ 400,00" in page.locator("#operations").inner_text()  # a yearly credit
    check(page, "09-historique")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/\?deconnexion=1"))
    page.get_by_text("Vous êtes déconnecté(e)").wait_for()

    # A mandate formation's link opened logged out: log in, then back to it.
    page.goto(formation_url)
    page.get_by_role("heading", name="Formation réservée aux élus").wait_for()
    assert "indisponible" not in page.content()
    check(page, "10-fiche-deconnecte")
    page.get_by_role("link", name="Me connecter").click()
    page.wait_for_url(re.compile(r".*/connexion\?retour=.+"))
    log_in(page, nir, PASSWORD)
    page.wait_for_url(formation_url)
    page.get_by_role("heading", name=title).wait_for()


def test_the_help_form_reaches_the_caisse_des_depots_mailbox(local_system, site, page):
    page.goto(site + "/aide")
    check(page, "11-aide")
    page.get_by_label("mon compte élu ne s'affiche pas").check()
    page.get_by_label("Nom de naissance").fill("Quéméneur")
    page.get_by_label("Nom d'usage ou marital").fill("Le Goff")
    page.get_by_label("Prénom(s)").fill("Maëlle")
    page.get_by_label("Date de naissance").fill("23/07/1971")
    page.get_by_label("Lieu de naissance").fill("Landerneau (29)")
    page.get_by_label("Collectivité de votre mandat").fill("Commune de Plougastel-Daoulas")
    page.get_by_label("Adresse électronique pour la réponse").fill("maelle@exemple.fr")
    page.get_by_role("button", name="Envoyer ma demande").click()
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("MCE-")
    check(page, "12-aide-envoyee")
    for _ in range(40):
        if any(reference in mail.subject for mail in local_system.emails_to(MAILBOX)):
            break
        page.wait_for_timeout(500)
    else:
        pytest.fail("the help request never reached the mailbox")

    # Following it, and attaching a document the Caisse des Dépôts asked for.
    page.get_by_role("link", name="Suivre ma demande").click()
    page.wait_for_url(re.compile(r".*/suivi\?reference=.+"))
    page.get_by_label("Adresse électronique donnée avec la demande").fill("maelle@exemple.fr")
    page.get_by_role("button", name="Voir où en est ma demande").click()
    page.get_by_role("heading", name=f"Demande {reference}").wait_for()
    page.get_by_label("Document à joindre").set_input_files(
        {"name": "carte-identite.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 x"}
    )
    page.get_by_role("button", name="Joindre ce document").click()
    page.get_by_text("Document joint (carte-identite.pdf).").wait_for()
    expect(page.locator("#etat-demande")).to_contain_text("1 document(s)")
    check(page, "12b-suivi-document")
    for _ in range(40):
        if any(
            reference in m.subject and "Documents" in m.subject
            for m in local_system.emails_to(MAILBOX)
        ):
            break
        page.wait_for_timeout(500)
    else:
        pytest.fail("the mailbox never heard of the document")


def as_demo_organisme(local_system, dossier: str, action: str, body: dict | None = None):
    """What the demo organisme declares on a file, through its API with its key."""
    import requests

    from local.seed import DEMO_ORGANISME_KEY

    return requests.post(
        f"{local_system.api}/organismes/dossiers/{dossier}/{action}",
        json=body,
        headers={"Authorization": f"Bearer {DEMO_ORGANISME_KEY}"},
        timeout=10,
    )


def enrol_and_validate(local_system, site, page, formation_id: str, photographed=False) -> str:
    """Joël Brunet (logged in) asks for the first session, the demo organisme accepts, he
    validates with FranceConnect+; the file's id. `photographed`: each step checked."""

    def shot(name: str) -> None:
        if photographed:
            check(page, name)

    page.goto(site + f"/formation?id={formation_id}")
    page.get_by_role("heading", name="Sessions").wait_for()
    shot("14-fiche-sessions")
    page.get_by_role("button", name=re.compile("S'inscrire")).first.click()
    page.wait_for_url(re.compile(r".*/dossier\?id=DOS-.+"))
    dossier = page.url.rsplit("=", 1)[1]
    page.get_by_text("En attente de la réponse de l'organisme").first.wait_for()
    shot("15-dossier-en-attente")

    assert as_demo_organisme(local_system, dossier, "acceptation").status_code == 200
    page.reload()
    page.get_by_role("button", name=re.compile("Valider mon inscription")).click()
    page.get_by_role("link", name="Confirmer mon identité avec FranceConnect+").wait_for()
    shot("16-dossier-franceconnect-plus")
    page.get_by_role("link", name="Confirmer mon identité avec FranceConnect+").click()
    page.get_by_role("heading", name="FranceConnect+ (local)").wait_for()
    page.get_by_role("link", name=re.compile("Joël BRUNET")).click()
    page.wait_for_url(re.compile(rf".*/dossier\?id={dossier}$"))
    page.get_by_role("button", name=re.compile("Valider mon inscription")).click()
    page.get_by_text("Validée (droits débités)").first.wait_for()
    shot("17-dossier-valide")
    return dossier


def test_an_elu_enrols_validates_with_franceconnect_plus_and_cancels(local_system, site, page):
    from local.seed import DEMO_ELU_NIR, DEMO_PASSWORD
    from tests.e2e.conftest import demo_mandate_training, recognise_the_demo_elu, wait_until_elu

    recognise_the_demo_elu(local_system)
    assert wait_until_elu(local_system.api, DEMO_ELU_NIR)["elu"] is True
    formation_id, _ = demo_mandate_training(max_euros=600, skip=1)
    page.goto(site + "/connexion")
    log_in(page, DEMO_ELU_NIR, DEMO_PASSWORD)
    page.wait_for_url("**/espace")
    before = page.locator("#montant-elu").inner_text()

    dossier = enrol_and_validate(local_system, site, page, formation_id, photographed=True)

    page.goto(site + "/espace")
    after = page.locator("#montant-elu").inner_text()
    assert after != before
    page.goto(site + "/historique")
    page.locator("#operations tr").first.wait_for()
    assert "−" in page.locator("#operations tr").first.inner_text()  # the debit, newest

    page.goto(site + f"/dossier?id={dossier}")
    page.get_by_role("button", name="Annuler mon inscription").click()
    page.get_by_role("button", name="Confirmer l'annulation").click()
    page.get_by_text("Annulée par vous").first.wait_for()
    assert "recrédités" in page.locator("#dossier").inner_text()
    page.goto(site + "/espace")
    expect(page.locator("#montant-elu")).to_have_text(before)
    page.goto(site + "/dossiers")
    page.get_by_role("link", name=re.compile("")).first.wait_for()
    check(page, "18-mes-dossiers")


def start_the_session_today(local_system, dossier: str) -> str:
    """Sessions open to enrolment 11 working days ahead at least, and the local system keeps
    real time: the weeks until the first day go by in the stored file, whose session is moved
    to start today (its length kept). Today's date (Paris)."""
    from datetime import date

    from chalicelib.clock import paris_today

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=local_system.moto,
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    key = {"id": {"S": dossier}}
    stored = dynamodb.get_item(TableName="mce-local-dossiers", Key=key)["Item"]
    start, end = (date.fromisoformat(stored[k]["S"]) for k in ("date_debut", "date_fin"))
    today = paris_today()
    dynamodb.update_item(
        TableName="mce-local-dossiers",
        Key=key,
        UpdateExpression="SET date_debut = :debut, date_fin = :fin",
        ExpressionAttributeValues={
            ":debut": {"S": today.isoformat()},
            ":fin": {"S": (today + (end - start)).isoformat()},
        },
    )
    return today.isoformat()


def test_the_end_of_a_training_on_the_files_page(local_system, site, page):
    """A file walked to its validated service done at 50 % (abandon): the page names the new
    steps, shows the exit and what came back to the rights, downloads the attestation (a PDF
    naming the training), and takes a rating (refusing none chosen)."""
    import io
    from decimal import Decimal

    from pypdf import PdfReader

    from chalicelib.clock import paris_today
    from local.demo_catalogue import demo_records
    from local.seed import DEMO_ELU_NIR, DEMO_PASSWORD
    from tests.e2e.conftest import demo_mandate_training, recognise_the_demo_elu, wait_until_elu

    recognise_the_demo_elu(local_system)
    assert wait_until_elu(local_system.api, DEMO_ELU_NIR)["elu"] is True
    formation_id, _ = demo_mandate_training(max_euros=600, skip=2)
    formation = next(r for r in demo_records(paris_today()) if r["id"] == formation_id)
    page.goto(site + "/connexion")
    log_in(page, DEMO_ELU_NIR, DEMO_PASSWORD)
    page.wait_for_url("**/espace")
    dossier = enrol_and_validate(local_system, site, page, formation_id)

    today = start_the_session_today(local_system, dossier)
    assert as_demo_organisme(local_system, dossier, "entree-en-formation").status_code == 200
    half = Decimal(str(formation["duree_heures"])) / 2
    exit_ = as_demo_organisme(
        local_system,
        dossier,
        "sortie",
        {
            "date_sortie": today,
            "taux_realisation": 50,
            "motif_partiel": "abandon",
            "heures_realisees": float(half),
        },
    )
    assert exit_.status_code == 200, exit_.text
    due = exit_.json()["montant_du"]
    facture = {"numero": "F-E2E-001", "date": today, "montant_ht": due, "montant_ttc": due}
    done = as_demo_organisme(local_system, dossier, "service-fait", {"facture": facture})
    assert done.status_code == 200, done.text
    assert done.json()["statut"] == "service_fait_valide"
    returned = done.json()["rendu"]
    assert Decimal(returned) == Decimal(done.json()["montant"]) - Decimal(due) > 0

    page.goto(site + f"/dossier?id={dossier}")
    page.get_by_role("heading", name="Fin de la formation").wait_for()
    timeline = spaces(page.locator(".chronologie").inner_text())
    for label in (
        "En formation",
        "Sortie de formation déclarée par l'organisme",
        "Service fait déclaré : en attente de validation",
        "Service fait validé",
    ):
        assert label in timeline
    # validated at once by the funder's checks, not by a deadline passing
    assert re.search(r"Service fait validé — .* \(par la Caisse des Dépôts\)", timeline)
    end = spaces(
        page.locator(
            "section", has=page.get_by_role("heading", name="Fin de la formation")
        ).inner_text()
    )
    assert "réalisée à 50 %" in end and "abandon" in end
    day = page.evaluate(
        "(iso) => new Intl.DateTimeFormat('fr-FR', {dateStyle: 'long'})"
        ".format(new Date(`${iso}T12:00:00Z`))",
        today,
    )
    assert f"Sortie le {day}" in end
    assert euro_text(due) in end and euro_text(returned) in end
    check(page, "40-dossier-service-fait-valide")

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger l'attestation de formation (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert " ".join(formation["titre"].split()) in text

    rating = page.locator("section", has=page.get_by_role("heading", name="Évaluer la formation"))
    rating.get_by_role("button", name="Enregistrer mon évaluation").click()
    rating.get_by_role("alert").wait_for()
    assert "Note" in rating.locator("#note-erreur").inner_text()
    check(page, "41-dossier-evaluation-refusee")
    rating.get_by_label("4", exact=True).check()
    rating.get_by_label("Commentaire").fill("Utile pour le budget communal.")
    rating.get_by_role("button", name="Enregistrer mon évaluation").click()
    rating.get_by_text("Évaluation enregistrée, modifiable jusqu'au").wait_for()
    expect(rating.get_by_role("alert")).to_have_count(0)
    check(page, "42-dossier-evaluation-enregistree")
    page.reload()
    rating.get_by_text("Évaluation enregistrée, modifiable jusqu'au").wait_for()
    expect(rating.get_by_label("4", exact=True)).to_be_checked()
    expect(rating.get_by_label("Commentaire")).to_have_value("Utile pour le budget communal.")


def euro_text(amount: str) -> str:
    """ "150.00" as the page writes it: "150,00 €" (spaces normalised)."""
    whole, cents = amount.split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} €"


def test_franceconnect_in_the_browser(local_system, site, page):
    page.goto(site + "/connexion")
    page.get_by_role("link", name="S'identifier avec FranceConnect").click()
    page.get_by_role("link", name=re.compile("Camille BERNARD")).click()
    page.wait_for_url("**/espace")
    assert "Camille DURAND" in page.get_by_role("banner").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/\?deconnexion=1"))
    page.goto(site + "/formation?id=inconnue")
    page.get_by_role("heading", name="Formation introuvable").wait_for()
    check(page, "13-formation-introuvable")


@pytest.mark.parametrize(
    ("name", "path", "heading"),
    [
        ("14-mot-de-passe-oublie", "/mot-de-passe/oubli", "Mot de passe oublié"),
        (
            "15-nouveau-mot-de-passe",
            "/mot-de-passe/nouveau#jeton=exemple",
            "Choisir un nouveau mot de passe",
        ),
        (
            "16-franceconnect-erreur",
            "/connexion/franceconnect?statut=erreur&motif=jeton_invalide",
            "Connexion avec FranceConnect",
        ),
        (
            "17-recherche-publique",
            "/formations?catalogue=activite-professionnelle",
            "Recherche de formation",
        ),
        ("18-page-introuvable", "/nulle-part", "Page introuvable"),
        ("19-suivi-demande", "/suivi?reference=MCE-2026-ABCDEFGH", "Suivre ma demande d'aide"),
        ("20-espace-organisme", "/organisme", "Espace organisme de formation"),
    ],
)
def test_every_other_page_is_accessible(local_system, site, page, name, path, heading):
    page.goto(site + path)
    page.get_by_role("heading", name=heading, level=1).wait_for()
    check(page, name)


def test_an_expired_password_reset_link_says_so(local_system, site, page):
    page.goto(site + "/mot-de-passe/nouveau#jeton=inconnu")
    page.get_by_label("Nouveau mot de passe").fill("Lv6!chardon-Falaise")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("alert").get_by_text("n'est plus valable").wait_for()


def test_my_account_phone_email_export_deletion(local_system, site, page):
    """Mon compte: the name in the header leads there; the phone, then the email (with the code
    sent to the new address) change; the data download; the deletion, after which the login
    fails."""
    import json

    import requests

    from tests.support.people import signup_payload

    payload = signup_payload(
        nom_naissance="Perrin", nom_usage=None, prenoms="Anne", email="anne.perrin@exemple.fr"
    )
    payload["mot_de_passe"] = PASSWORD
    assert (
        requests.post(f"{local_system.api}/accounts", json=payload, timeout=10).status_code == 201
    )
    code = local_system.emails_to(payload["email"])[-1].code()
    verified = requests.post(
        f"{local_system.api}/accounts/verification",
        json={"email": payload["email"], "code": code},
        timeout=10,
    )
    assert verified.status_code == 200

    page.goto(site + "/connexion")
    log_in(page, payload["nir"], PASSWORD)
    page.wait_for_url("**/espace")
    page.get_by_role("banner").get_by_role("link", name=re.compile("Mon compte")).click()
    page.wait_for_url("**/compte")
    expect(page.get_by_label("Téléphone")).to_have_value("+33612345678")  # as stored
    check(page, "20-mon-compte")

    page.get_by_label("Téléphone").fill("07 98 76 54 32")
    page.get_by_role("button", name="Enregistrer mes coordonnées").click()
    page.get_by_text("Vos coordonnées sont enregistrées.").wait_for()

    new = "anne.perrin@nouvelle-adresse.fr"
    page.get_by_label("Nouvelle adresse électronique").fill(new)
    page.locator("#email-mot-de-passe").fill(PASSWORD)
    page.get_by_role("button", name="Recevoir un code à la nouvelle adresse").click()
    page.get_by_label("Code reçu à la nouvelle adresse").wait_for()
    page.get_by_label("Code reçu à la nouvelle adresse").fill(
        local_system.emails_to(new)[-1].code()
    )
    page.get_by_role("button", name="Confirmer la nouvelle adresse").click()
    page.get_by_text(f"Votre adresse est maintenant {new}.").wait_for()
    expect(page.locator("#email-actuel")).to_have_text(new)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["compte"]["email"] == new
    assert exported["compte"]["telephone"] == "+33798765432"

    page.get_by_role("button", name="Supprimer mon compte").click()
    page.get_by_text("Cochez la case pour confirmer la suppression.").wait_for()
    page.locator("#suppression-mot-de-passe").fill(PASSWORD)
    page.get_by_label("Je confirme vouloir supprimer mon compte").check()
    page.get_by_role("button", name="Supprimer mon compte").click()
    page.get_by_role("heading", name="Votre compte est supprimé").wait_for()
    check(page, "21-compte-supprime")

    page.goto(site + "/connexion")
    log_in(page, payload["nir"], PASSWORD)
    page.get_by_role("alert").wait_for()
    assert "incorrect" in page.get_by_role("alert").inner_text()


def _set_cpf(local_system, email: str, euros_centimes: int, heures: int) -> None:
    """As Mon Compte Formation would: CPF rights in euros and in hours on the account."""
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=local_system.moto,
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    claim = dynamodb.get_item(TableName="mce-local-account-emails", Key={"email": {"S": email}})
    dynamodb.update_item(
        TableName="mce-local-accounts",
        Key={"nir_hash": claim["Item"]["nir_hash"]},
        UpdateExpression="SET cpf_euros_centimes = :e, cpf_heures = :h",
        ExpressionAttributeValues={":e": {"N": str(euros_centimes)}, ":h": {"N": str(heures)}},
    )


def spaces(text: str) -> str:
    """French formats put (narrow) no-break spaces between thousands and before €."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_the_guide_step_by_step(local_system, site, page):
    """The Caisse des Dépôts guide, in its order: home, the 4 steps of Création de compte, the
    code, Connexion, Votre compte élu, Recherche, the mandate catalogue, a training, Aide."""
    nir = make_nir("M", "1959-04-11", place="2A004")  # born in Corsica: 2A in the NIR
    email = "jean.casanova.guide@exemple.fr"

    def header_links():
        banner = page.get_by_role("banner")
        expect(banner.get_by_role("link", name="Recherche", exact=True)).to_be_visible()
        expect(banner.get_by_role("link", name="Aide", exact=True)).to_be_visible()

    page.goto(site + "/")
    header_links()
    check(page, "30-guide-accueil")

    page.get_by_role("banner").get_by_role("link", name="Création de compte").click()
    page.wait_for_url("**/inscription")
    header_links()
    nir_field = page.get_by_label("Numéro de sécurité sociale")
    assert nir_field.get_attribute("inputmode") != "numeric"  # 2A/2B hold letters
    nir_field.fill(nir)
    page.get_by_label("Nom de naissance").fill("Casanova")
    page.get_by_label("Prénom(s)").fill("Jean")
    page.get_by_label("Masculin").check()
    page.get_by_label("Date de naissance").fill("11/04/1959")
    page.get_by_label("Lieu de naissance").fill("2A004")
    assert "réinsertion professionnelle" in page.locator("#diplome-aide").inner_text()
    page.get_by_role("button", name="Étape suivante").click()
    contact_address_password(page, email, ("1 cours Napoléon", "20000", "Ajaccio"))
    page.get_by_label("Code reçu par courriel").wait_for()
    page.get_by_label("Code reçu par courriel").fill(local_system.emails_to(email)[-1].code())
    page.get_by_role("button", name="Valider mon adresse").click()
    page.get_by_text("Votre compte est activé").wait_for()
    upload_rne(
        local_system,
        "prefectures/2A/guide-cm.csv",
        [
            municipal_row(
                "CASANOVA",
                "Jean",
                "M",
                "11/04/1959",
                dept="2A",
                commune="2A004",
                libelle="Ajaccio",
                debut="28/06/2020",
            )
        ],
    )
    _set_cpf(local_system, email, 150_000, 1_200)

    page.goto(site + "/connexion?retour=%2Fformations%3Fcatalogue%3Dmandat")
    franceconnect = page.get_by_role("link", name="S'identifier avec FranceConnect")
    expect(franceconnect).to_have_attribute(
        "href", re.compile(r"retour=%2Fformations%3Fcatalogue%3Dmandat")
    )
    reminder = page.locator("#connexion").inner_text()
    assert "strictement personnels" in reminder and "12 caractères" in reminder
    check(page, "31-guide-connexion")
    page.goto(site + "/connexion")
    log_in(page, nir, PASSWORD)
    page.wait_for_url("**/espace")
    page.get_by_role("heading", name="Votre compte élu").wait_for()
    assert spaces(page.locator("#montant-elu").inner_text()) == "800,00 €"
    euros_card = page.locator(
        "section", has=page.get_by_role("heading", name="Vos droits CPF en euros (privé)")
    )
    hours_card = page.locator(
        "section", has=page.get_by_role("heading", name="Vos droits CPF en heures (agent public)")
    )
    assert "1 500,00 €" in spaces(euros_card.inner_text())
    assert "heure" not in euros_card.inner_text()
    assert "1 200 heures" in spaces(hours_card.inner_text())
    assert (
        page.get_by_role("banner")
        .get_by_role("link", name=re.compile("Mon compte"))
        .get_attribute("href")
        == "/compte"
    )
    check(page, "32-guide-compte-elu")

    page.get_by_role("banner").get_by_role("link", name="Recherche", exact=True).click()
    page.wait_for_url("**/formations")
    page.get_by_label("Catalogue").select_option("mandat")
    page.get_by_role("button", name="Rechercher").click()
    page.locator("#resultats li").first.wait_for()
    check(page, "33-guide-recherche-mandat")
    page.locator("#resultats li").first.get_by_role("link").click()
    page.get_by_role("heading", name="Objectifs").wait_for()
    assert re.search(r"Durée : [\d ,]+ heures?", page.locator("main").inner_text())
    check(page, "34-guide-formation")

    page.get_by_role("banner").get_by_role("link", name="Aide", exact=True).click()
    page.wait_for_url("**/aide")
    page.get_by_label("je travaille et je ne parviens pas à créer mon compte").check()
    expect(page.get_by_label("Nom de naissance")).to_be_hidden()
    page.get_by_role("button", name="Voir la marche à suivre").click()
    procedure = page.get_by_role("link", name="Voir la marche à suivre sur Mon Compte Formation")
    assert procedure.get_attribute("href") == (
        "https://www.moncompteformation.gouv.fr/espace-public/node/93"
    )
    check(page, "35-guide-aide-cas-1")

    page.goto(site + "/cette-page-nexiste-pas")
    page.get_by_role("heading", name="Page introuvable").wait_for()
    assert "Bonjour" not in page.locator("main").inner_text()
    check(page, "36-guide-404-connecte")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/\?deconnexion=1"))
    page.goto(site + "/formations?catalogue=mandat")
    page.locator("#reserve-elus").wait_for()
    expect(page.locator("#etat")).not_to_have_text("")
    assert "connectez-vous" in page.locator("#reserve-elus").inner_text()
    check(page, "37-guide-recherche-deconnecte")


def test_the_api_documentation_renders_what_the_api_describes(local_system, site, page):
    """Swagger UI, from npm and served by the site itself, renders /api/openapi.json under the
    Content-Security-Policy CloudFront sets in production, and calls nobody else."""
    import requests

    from chalicelib.settings import Settings
    from infra.stage_config import stage_environment
    from infra.template.web import content_security_policy

    policy = content_security_policy(Settings.from_env(stage_environment("prod")))

    def with_the_production_policy(route):
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": policy},
        )

    page.route(f"{site}/**", with_the_production_policy)
    page.add_init_script("""window.refused = [];
        document.addEventListener("securitypolicyviolation",
          (e) => window.refused.push(`${e.effectiveDirective} ${e.blockedURI}`));""")
    elsewhere = []
    page.on("request", lambda r: r.url.startswith(site) or elsewhere.append(r.url))
    described = requests.get(f"{local_system.api}/openapi.json", timeout=10).json()
    summary = described["paths"]["/me/dossiers"]["post"]["summary"]

    page.goto(site + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Documentation de l'API").click()
    page.wait_for_url("**/documentation-api")
    page.get_by_role("heading", name="Documentation de l'API", level=1).wait_for()
    operation = page.locator(".opblock-post").filter(has=page.locator('[data-path="/me/dossiers"]'))
    expect(operation).to_be_visible()
    expect(operation).to_contain_text(summary)
    assert page.evaluate("window.refused") == []
    assert elsewhere == []

    # axe-core is added as an inline script, which that policy refuses: checked without it
    page.unroute(f"{site}/**")
    page.reload()
    expect(operation).to_be_visible()
    check(page, "38-documentation-api")
    operation.locator(".opblock-summary-control").click()
    expect(operation.locator(".opblock-body")).to_contain_text("Idempotency-Key")
    check(page, "39-documentation-api-operation")


def waiting_files(local_system, count: int) -> list[str]:
    """Files waiting for the demo organisme's answer: Joël Brunet asks for a place in as many of
    its mandate trainings (ones no other test takes)."""
    import time

    import requests

    from local.seed import DEMO_ELU_NIR, DEMO_PASSWORD
    from tests.e2e.conftest import demo_mandate_training, recognise_the_demo_elu, wait_until_elu

    api = local_system.api
    recognise_the_demo_elu(local_system)
    assert wait_until_elu(api, DEMO_ELU_NIR)["elu"] is True
    token = requests.post(
        f"{api}/sessions",
        json={"nir": DEMO_ELU_NIR[:13], "mot_de_passe": DEMO_PASSWORD},
        timeout=10,
    ).json()["token"]
    found = []
    for skip in range(3, 3 + count):
        formation_id, session = demo_mandate_training(max_euros=300, skip=skip)
        created = requests.post(
            f"{api}/me/dossiers",
            json={"formation_id": formation_id, "session_id": session["id"]},
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": f"e2e-organisme-{skip}-{time.time_ns()}",
            },
            timeout=10,
        )
        assert created.status_code == 201, created.text
        found.append(created.json()["id"])
    return found


def announced(page, text):
    """The result of an action on the organisme's page, where the focus goes."""
    return page.locator(".annonce").filter(has_text=text)


def test_the_organisme_answers_publishes_and_hears_its_webhook(local_system, site, page):
    """The organisme's space with its API key: it accepts a request and refuses another with
    a reason, publishes a formation with a session that the search finds, withdraws it,
    registers its webhook (the secret shown once) and sees its test event delivered."""
    from datetime import timedelta

    import requests

    from chalicelib.clock import paris_today
    from local.seed import DEMO_ORGANISME_KEY

    accepted, refused = waiting_files(local_system, 2)
    page.goto(site + "/organisme")
    page.get_by_role("heading", name="Connexion avec votre clé d'API").wait_for()
    page.get_by_label("Clé d'API").fill("mce_org_inconnue")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#cle-api-erreur")).to_contain_text("Clé d'API")
    check(page, "40-organisme-cle-refusee")
    page.get_by_label("Clé d'API").fill(DEMO_ORGANISME_KEY)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Demandes à traiter")).to_be_focused()
    # the key stays in the tab, never in the address
    assert DEMO_ORGANISME_KEY not in page.url
    assert page.evaluate("sessionStorage.getItem('mce-organisme-cle')") == DEMO_ORGANISME_KEY

    # The requests to answer: one accepted, one refused with its reason.
    page.locator(f"#demande-{accepted}").wait_for()
    check(page, "41-organisme-demandes")
    page.locator(f"#demande-{accepted}").get_by_role("button", name="Accepter").click()
    expect(announced(page, f"Demande {accepted} acceptée")).to_be_focused()
    expect(page.locator(f"#demande-{accepted}")).to_have_count(0)
    page.locator(f"#demande-{refused}").get_by_role("button", name="Refuser").click()
    motif = page.get_by_label(f"Motif du refus du dossier {refused}")
    expect(motif).to_be_focused()
    page.get_by_role("button", name="Confirmer le refus").click()
    expect(page.locator(f"#motif-{refused}-erreur")).to_contain_text("obligatoire")
    check(page, "42-organisme-refus-motif")
    motif.fill("Session complète : nous vous proposons la suivante.")
    page.get_by_role("button", name="Confirmer le refus").click()
    expect(announced(page, f"Demande {refused} refusée")).to_be_focused()
    organisme = {"Authorization": f"Bearer {DEMO_ORGANISME_KEY}"}
    api = local_system.api
    for dossier, statut in ((accepted, "acceptee"), (refused, "refusee")):
        listed = requests.get(
            f"{api}/organismes/dossiers", params={"statut": statut}, headers=organisme, timeout=10
        ).json()["dossiers"]
        assert dossier in [d["id"] for d in listed]
    # its other files, by status
    page.get_by_label("Statut").select_option("refusee")
    page.get_by_role("button", name="Afficher", exact=True).click()
    expect(page.locator(f"#dossier-{refused}")).to_contain_text("Refusée")

    # A formation: the API's field errors beside the fields, then published with a session.
    page.get_by_role("button", name="Publier une formation").click()
    expect(page.get_by_role("heading", name="Nouvelle formation")).to_be_focused()
    fiche = page.locator("#fiche-formation")
    fiche.get_by_label("Catalogue").select_option("activite-professionnelle")
    fiche.get_by_label("Objectifs").fill("Préparer et animer un conseil de quartier.")
    fiche.get_by_label("Durée (heures)").fill("7")
    fiche.get_by_label("Prix HT (€)").fill("350")
    fiche.get_by_label("Modalité").select_option("presentiel")
    fiche.get_by_label("Commune").fill("Vannes")
    fiche.get_by_role("button", name="Publier la formation").click()
    expect(page.locator("#f-titre-erreur")).to_contain_text("obligatoire")
    check(page, "43-organisme-formation-erreurs")
    fiche.get_by_label("Titre").fill("Animer un conseil de quartier selon la méthode Quinconce")
    fiche.get_by_role("button", name="Publier la formation").click()
    # the catalogue's rules once every field reads
    expect(page.locator("#f-departement-erreur")).to_contain_text("Département manquant")
    expect(page.locator("#f-titre-erreur")).to_have_count(0)
    fiche.get_by_label("Département").fill("56")
    fiche.get_by_role("button", name="Publier la formation").click()
    expect(announced(page, "Formation publiée")).to_be_focused()
    formation_id = re.search(r"\bP[0-9A-F]{12}\b", fiche.inner_text()).group(0)
    first_day = (paris_today() + timedelta(days=60)).strftime("%d/%m/%Y")
    fiche.get_by_label("Date de début").fill(first_day)
    fiche.get_by_label("Places").fill("10")
    fiche.get_by_role("button", name="Ajouter la session").click()
    expect(announced(page, "Session ajoutée")).to_be_focused()
    expect(fiche).to_contain_text("10 places")
    expect(page.locator(f"#li-{formation_id}")).to_contain_text("1 session")
    check(page, "44-organisme-formation-session")

    def search() -> list[str]:
        found = requests.get(
            f"{api}/formations",
            params={"catalogue": "activite-professionnelle", "q": "quinconce"},
            timeout=10,
        )
        assert found.status_code == 200
        return [f["id"] for f in found.json()["formations"]]

    assert search() == [formation_id]
    # changed: the session's places, the title (the search reads it at once)
    fiche.get_by_role("button", name="Modifier la session").click()
    fiche.get_by_role("listitem").get_by_label("Places").fill("8")
    fiche.get_by_role("button", name="Enregistrer la session").click()
    expect(announced(page, "Session enregistrée")).to_be_focused()
    expect(fiche).to_contain_text("8 places")
    fiche.get_by_label("Titre").fill(
        "Animer un conseil de quartier selon la méthode Quinconce, 2e édition"
    )
    fiche.get_by_role("button", name="Enregistrer les modifications").click()
    expect(announced(page, "Modifications enregistrées")).to_be_focused()
    expect(page.locator(f"#li-{formation_id}")).to_contain_text("2e édition")
    assert search() == [formation_id]
    fiche.get_by_role("button", name="Retirer la formation de la recherche").click()
    expect(page.get_by_role("button", name="Confirmer le retrait")).to_be_focused()
    page.get_by_role("button", name="Confirmer le retrait").click()
    expect(announced(page, "Formation retirée de la recherche.")).to_be_focused()
    expect(page.locator(f"#li-{formation_id}")).to_contain_text("Retirée")
    assert search() == []
    check(page, "45-organisme-formation-retiree")

    # The webhook: an address refused beside its field, then the demo receiver (allow-listed
    # by the local stage); its secret shown once; the test event's delivery listed.
    receiver = re.search(r"webhook (http://\S+)", local_system.output.read_text()).group(1)
    page.get_by_label("Adresse du webhook").fill("http://exemple.fr/webhooks")
    page.get_by_role("button", name="Enregistrer le webhook").click()
    expect(page.locator("#webhook-url-erreur")).to_be_visible()
    page.get_by_label("Adresse du webhook").fill(receiver)
    page.get_by_role("button", name="Enregistrer le webhook").click()
    expect(page.get_by_label("Secret de signature")).to_have_value(re.compile(r"^whsec_"))
    expect(page.locator("#webhook-secret .alerte")).to_be_focused()
    check(page, "46-organisme-webhook-secret")
    page.get_by_role("button", name=re.compile("J'ai copié le secret")).click()
    expect(page.get_by_label("Secret de signature")).to_have_count(0)
    page.get_by_role("button", name="Envoyer un événement de test").click()
    sent = announced(page, re.compile(r"Événement de test evt_[0-9a-f]+ envoyé"))
    expect(sent).to_be_focused()
    event = re.search(r"evt_[0-9a-f]+", sent.inner_text()).group(0)
    # the demo receiver takes the new secret, as the organisme would: verified, answered 204
    delivery = page.locator(f"#livraison-{event}")
    expect(delivery).to_contain_text("tentative", timeout=30_000)
    expect(delivery).to_contain_text("Livrée")
    expect(delivery).to_contain_text("réponse HTTP 204")
    assert f"(événement {event})" in local_system.output.read_text()
    check(page, "47-organisme-webhook-livraison")

    page.get_by_role("main").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_label("Clé d'API")).to_be_focused()
    assert page.evaluate("sessionStorage.getItem('mce-organisme-cle')") is None
