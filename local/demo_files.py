"""Demo enrolment files at each step of the end of a training, and the demo organisme's bank
details, so that the payments can be played with on a fresh `make run`.

Nathalie Kerbrat, conseillère municipale de Quimper (fictional; her own demo RNE file,
`local/demo/elus-conseillers-municipaux-cm-29.csv`, recognises her), asked the demo organisme
for five trainings some weeks ago. Everything went through the use cases, on the day it
happened: the catalogue, her signup and her recognition (the file delivered by the relay, as
Lambda would), the organisme's bank details, the requests, the organisme's acceptances, her
validations (the DIF élus debits), the entries, exits and services done, the validation of the
service done (the unrealised part credited back), one payment batch and its payment. Today she
has one file at each step:

- `paye`: paid in a batch made days after the training;
- `service_fait_valide`: completed at 50 %, validated at once, its unrealised half credited
  back, to be paid: `python -m infra.paiements lancer` makes today's batch with its SEPA file;
- `service_fait_declare`: 50 % declared with hours that disagree, held for an operator
  (`python -m infra.paiements attente`);
- `sortie_declaree`: the exit declared, no service done yet;
- `en_formation`: in training since yesterday.

"Some weeks ago" is honest time travel (time_machine, a dev requirement `make run` installs):
the whole process lives on that day while a step runs, so every rule reads the day it would
have read (deadlines, "not in the future", working days). Time ticks on from the day travelled
to, never frozen: the moto server thread in this process sees the same clock, and its long
polls and visibility timeouts need time that passes. It runs before the API and the relay's
thread start, and nothing after it travels.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from chalicelib import services
from chalicelib.clock import PARIS, paris_today

TRAINEE_RNE_FILE = Path(__file__).parent / "demo" / "elus-conseillers-municipaux-cm-29.csv"
TRAINEE_RNE_KEY = "prefectures/29/elus-conseillers-municipaux-cm.csv"
# The demo organisme's account (a test IBAN, valid for schwifty: BNP Paribas's bank code).
DEMO_IBAN, DEMO_BIC = "FR7630004008280001234567841", "BNPAFRPP"
OPERATOR = "Agnès Martin (démo)"  # the operator who registered the IBAN and paid the batch


@dataclass(frozen=True)
class DemoFile:
    """One of the trainee's files: the step it stops at, its training and session (days
    before today)."""

    step: str
    formation_id: str
    title: str
    hours: int
    price_euros: int
    starts_days_ago: int
    days: int


FILES = (
    DemoFile(
        "paye",
        "F90001",
        "Les finances locales : construire et voter le budget communal",
        14,
        200,
        42,
        2,
    ),
    DemoFile(
        "service_fait_valide",
        "F90002",
        "Marchés publics : les fondamentaux pour les élus",
        14,
        160,
        21,
        2,
    ),
    DemoFile(
        "service_fait_declare",
        "F90003",
        "Prise de parole en public pour les élus locaux",
        14,
        120,
        21,
        2,
    ),
    DemoFile(
        "sortie_declaree",
        "F90004",
        "Présider et animer un conseil municipal",
        14,
        100,
        9,
        2,
    ),
    DemoFile(
        "en_formation",
        "F90005",
        "Le statut de l'élu local : droits, devoirs et indemnités",
        21,
        120,
        1,
        3,
    ),
)
# How each file ends: (taux_realisation, motif_partiel, heures_realisees); who has an invoice
EXITS = {
    "paye": (100, None, None),
    "service_fait_valide": (50, "abandon", 7),  # consistent: validated at once
    "service_fait_declare": (50, "absence", 3),  # 3 h of 14 is not 50 %: an operator decides
    "sortie_declaree": (100, None, None),
}
SERVICES_DONE = ("paye", "service_fait_valide", "service_fait_declare")


def trainee_account_data(password: str, nir: str) -> dict:
    return {
        "nir": nir,
        "nom_naissance": "Kerbrat",
        "nom_usage": None,
        "prenoms": "Nathalie",
        "sexe": "F",
        "date_naissance": "1970-06-15",
        "lieu_naissance": "29232",
        "email": "nathalie.kerbrat@exemple.fr",
        "telephone": "06 45 67 89 01",
        "adresse": {
            "ligne1": "2 rue de la Mairie",
            "code_postal": "29000",
            "commune": "Quimper",
            "pays": "France",
        },
        "mot_de_passe": password,
        "diplome": "niveau_5",
    }


@dataclass(frozen=True)
class Timeline:
    """The days of the story, from today: the requests well before the first session, the
    batch the working day after that session, its payment two working days later."""

    today: date

    def start(self, file: DemoFile) -> date:
        return self.today - timedelta(days=file.starts_days_ago)

    def end(self, file: DemoFile) -> date:
        return self.start(file) + timedelta(days=file.days - 1)

    @property
    def requests(self) -> date:
        from chalicelib.enrolment.rules import add_working_days

        earliest = min(self.start(f) for f in FILES)
        return add_working_days(earliest, -14)  # the élu validates 11 working days ahead

    @property
    def batch(self) -> date:
        from chalicelib.enrolment.rules import add_working_days

        paid = next(f for f in FILES if f.step == "paye")
        return add_working_days(self.end(paid), 1)

    @property
    def payment(self) -> date:
        from chalicelib.enrolment.rules import add_working_days

        return add_working_days(self.batch, 2)


def _at(day: date, hour: int, minute: int = 0):
    import time_machine

    return time_machine.travel(datetime.combine(day, time(hour, minute), tzinfo=PARIS), tick=True)


def catalogue_csv(timeline: Timeline) -> bytes:
    """The demo organisme's formations of these files, in the catalogue import format."""
    from chalicelib.catalogue.importer import COLUMNS
    from local.demo_catalogue import DEMO_ORGANISME, ORGANISMES, siret_for

    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for file in FILES:
        writer.writerow(
            {
                "id": file.formation_id,
                "catalogue": "mandat",
                "titre": file.title,
                "objectifs": "Formation suivie par l'élue de démonstration.",
                "duree_heures": file.hours,
                "prix_euros": file.price_euros,
                "modalite": "presentiel",
                "commune": "Quimper",
                "departement": "29",
                "sessions": f"{timeline.start(file)}/{timeline.end(file)}/12",
                "organisme_nom": ORGANISMES[DEMO_ORGANISME],
                "organisme_siret": siret_for(DEMO_ORGANISME),
                "agrement_numero": f"AGR-2024-{DEMO_ORGANISME:04d}",
                "agrement_debut": "2024-01-01",
                "agrement_fin": "2028-12-31",
            }
        )
    return out.getvalue().encode()


def seed_demo_files(siret: str, deliver: Callable[[], None]) -> dict:
    """The trainee and her files, the organisme's bank details; what `make run` prints.
    `deliver()`: the relay, until every queue is empty. Nothing is made again when her account
    exists (a second seed on the same moto)."""
    from chalicelib.payments.bank_details import mask_iban
    from local.seed import DEMO_PASSWORD, TRAINEE_NIR, create_demo_account

    data = trainee_account_data(DEMO_PASSWORD, TRAINEE_NIR)
    timeline = Timeline(paris_today())
    summary = {
        "nir": TRAINEE_NIR,
        "iban": mask_iban(DEMO_IBAN),
        "bic": DEMO_BIC,
    }
    with _at(timeline.requests, 9):
        account = create_demo_account(data)
        if account is None:  # seeded before, on this moto
            return {**summary, **_seeded_before(siret, data["email"])}
        _recognise(deliver)
        services.payment_desk().register_bank(siret, DEMO_IBAN, DEMO_BIC, OPERATOR)
    return {**summary, **_files(siret, account.nir_hash, timeline)}


def _seeded_before(siret: str, email: str) -> dict:
    existing = services.account_store().get_by_email(email)
    files = services.holder_files().page(existing, None).dossiers if existing else []
    lots = services.payment_desk().page(siret, None).lots
    return {
        "dossiers": {f.statut: f.id for f in files},
        "lot_paye": next((lot.reference for lot in lots if lot.statut == "paye"), None),
    }


def _recognise(deliver: Callable[[], None]) -> None:
    """Her RNE file, uploaded and delivered to the ingestion as the bucket's queue would, dated
    the day of the story (moto, in a process of its own, stamps the upload with today)."""
    s3 = services.aws_session().client("s3")
    bucket = services.get_settings().rne_bucket
    s3.put_object(
        Bucket=bucket,
        Key=TRAINEE_RNE_KEY,
        Body=TRAINEE_RNE_FILE.read_bytes(),
        Metadata={"date-instantane": datetime.now(UTC).isoformat(timespec="seconds")},
    )
    deliver()


def _files(siret: str, nir_hash: str, timeline: Timeline) -> dict:
    """The five files, day after day (nothing they do is queued: no relay needed)."""
    from chalicelib.catalogue.importer import import_catalogue
    from chalicelib.enrolment.schemas import ExitDeclaration, ServiceDeclaration

    holder, organisme = services.holder_files(), services.organisme_desk()
    end_of_training, accounts = services.end_of_training(), services.account_store()
    ids: dict[str, str] = {}
    with _at(timeline.requests, 10):
        report = import_catalogue(
            catalogue_csv(timeline),
            "demo-fin-de-formation.csv",
            paris_today(),
            services.catalogue().save,
        ).as_dict()
        if report["rejetees"]:
            raise RuntimeError(f"demo catalogue refused: {report['rejets']}")
        trainee = accounts.get(nir_hash)
        for file in FILES:
            session = f"S{timeline.start(file):%Y%m%d}"
            view, _ = holder.request(trainee, file.formation_id, session, f"demo-{file.step}")
            ids[file.step] = view.id
    with _at(timeline.requests, 14):
        for file in FILES:
            organisme.act(siret, ids[file.step], "acceptation")
    with _at(timeline.requests, 18):
        for file in FILES:  # each with her balance as it is, after FranceConnect+ (eIDAS 2)
            holder.validate(accounts.get(nir_hash), "eidas2", ids[file.step])
    steps = sorted(
        (
            [(timeline.start(f), 9, "entree", f) for f in FILES]
            + [(timeline.end(f), 17, "sortie", f) for f in FILES if f.step in EXITS]
            + [(timeline.end(f), 18, "service", f) for f in FILES if f.step in SERVICES_DONE]
        ),
        key=lambda s: (s[0], s[1]),
    )
    batch: str | None = None
    for day, hour, what, file in steps:
        if batch is None and day > timeline.batch:
            batch = _batch_and_payment(timeline)
        ident = ids[file.step]
        with _at(day, hour):
            today = paris_today()
            if what == "entree":
                organisme.act(siret, ident, "entree-en-formation")
            elif what == "sortie":
                rate, reason, hours = EXITS[file.step]
                body = {"date_sortie": today.isoformat(), "taux_realisation": rate}
                if reason:
                    body |= {"motif_partiel": reason, "heures_realisees": hours}
                end_of_training.declare_exit(siret, ident, ExitDeclaration.read(body, today))
            else:
                due = file.price_euros * EXITS[file.step][0] // 100
                invoice = {
                    "numero": f"F-{today:%Y}-{file.formation_id[-3:]}",
                    "date": today.isoformat(),
                    "montant_ht": str(due),
                    "montant_ttc": str(due),
                }
                end_of_training.declare_service(
                    siret, ident, ServiceDeclaration.read({"facture": invoice}, today)
                )
    batch = batch or _batch_and_payment(timeline)
    reached = {step: services.dossier_store().get(ident).statut for step, ident in ids.items()}
    if any(step != statut for step, statut in reached.items()):
        raise RuntimeError(f"demo files not at their steps: {reached}")
    return {"dossiers": ids, "lot_paye": batch}


def _batch_and_payment(timeline: Timeline) -> str:
    """The daily job the working day after the first training; two days later the operator
    marks the batch paid, as the bank's statement says."""
    with _at(timeline.batch, 7):
        report = services.payment_batches().run()
    if len(report.lots) != 1 or report.held:
        raise RuntimeError(f"demo payment batch not made: {report}")
    with _at(timeline.payment, 11):
        services.payment_desk().pay(report.lots[0], OPERATOR)
    return report.lots[0]
