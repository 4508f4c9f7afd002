"""A realistic demo catalogue (fictional organisations): about 300 formations in the three
catalogues, as a CSV file in the documented import format."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

from stdnum import luhn

from chalicelib.catalogue.importer import COLUMNS

MANDAT = [
    (
        "Les finances locales : construire et voter le budget communal",
        "Comprendre la structure du budget, les grands équilibres et le calendrier budgétaire.",
    ),
    (
        "Urbanisme : le plan local d'urbanisme et les autorisations d'urbanisme",
        "Maîtriser l'élaboration du PLU et l'instruction des permis de construire.",
    ),
    (
        "Prise de parole en public pour les élus locaux",
        "Préparer une intervention, convaincre en conseil municipal, répondre aux médias.",
    ),
    (
        "Marchés publics : les fondamentaux pour les élus",
        "Connaître les procédures, les seuils et le rôle de l'élu dans la commande publique.",
    ),
    (
        "Le statut de l'élu local : droits, devoirs et indemnités",
        "Connaître les garanties, la formation, la protection fonctionnelle et la déontologie.",
    ),
    (
        "Présider et animer un conseil municipal",
        "Maîtriser l'ordre du jour, le quorum, les délibérations et la police de l'assemblée.",
    ),
    (
        "Intercommunalité : compétences et gouvernance",
        "Comprendre les transferts de compétences et le fonctionnement de l'EPCI.",
    ),
    (
        "Gestion de crise et plan communal de sauvegarde",
        "Organiser la réponse de la commune aux risques majeurs et informer la population.",
    ),
    (
        "Transition écologique et sobriété énergétique des bâtiments publics",
        "Piloter un programme de rénovation énergétique et mobiliser les financements.",
    ),
    (
        "Démocratie participative et concertation citoyenne",
        "Concevoir un budget participatif et animer une concertation.",
    ),
    (
        "Laïcité et gestion du fait religieux dans les services publics locaux",
        "Appliquer le principe de laïcité au quotidien des services municipaux.",
    ),
    (
        "Protection de l'enfance : le rôle du département",
        "Comprendre l'aide sociale à l'enfance et la coordination des acteurs.",
    ),
    (
        "Ressources humaines territoriales pour les élus employeurs",
        "Recruter, gérer les carrières et dialoguer avec les représentants du personnel.",
    ),
    (
        "Responsabilité pénale et prévention des conflits d'intérêts",
        "Identifier les risques juridiques et adopter les bons réflexes déontologiques.",
    ),
]
RECONVERSION = [
    ("Bilan de compétences", "Faire le point sur ses compétences et construire un projet."),
    ("Créer ou reprendre une entreprise", "Étudier le marché, bâtir un plan de financement."),
    ("Titre professionnel de gestionnaire de paie", "Établir les bulletins de paie."),
    ("Devenir consultant en développement territorial", "Valoriser l'expérience d'élu."),
    ("Titre professionnel de développeur web et web mobile", "Concevoir des applications."),
    ("Certificat de formateur professionnel d'adultes", "Concevoir et animer des formations."),
    ("Médiation et gestion des conflits : certificat de médiateur", "Pratiquer la médiation."),
    ("Validation des acquis de l'expérience : accompagnement", "Obtenir un diplôme par la VAE."),
]
ACTIVITE = [
    ("Excel : perfectionnement et tableaux croisés dynamiques", "Analyser des données."),
    ("Anglais professionnel : préparation au TOEIC", "Progresser à l'oral et à l'écrit."),
    ("Comptabilité générale : les bases", "Tenir une comptabilité et lire un bilan."),
    ("Management d'équipe : prendre son premier poste de manager", "Fédérer une équipe."),
    ("CACES R489 chariots élévateurs", "Conduire en sécurité les chariots de catégorie 1 à 5."),
    ("Sauveteur secouriste du travail", "Intervenir face à une situation d'accident."),
    ("Gestion de projet : méthodes agiles", "Piloter un projet par itérations."),
    ("Word et PowerPoint : documents professionnels", "Produire des documents soignés."),
]
ORGANISMES = [
    "Institut de formation des élus de l'Ouest",
    "Académie des territoires",
    "Centre d'études municipales",
    "Formations Républiques & Territoires",
    "École des collectivités du Sud",
    "Atelier des élus locaux",
    "Campus Compétences",
    "Institut Horizons Formation",
    "Ateliers du Numérique Solidaire",
]
PLACES = [
    ("Rennes", "35"),
    ("Nantes", "44"),
    ("Lyon", "69"),
    ("Lille", "59"),
    ("Bordeaux", "33"),
    ("Toulouse", "31"),
    ("Strasbourg", "67"),
    ("Marseille", "13"),
    ("Paris", "75"),
    ("Ajaccio", "2A"),
    ("Saint-Denis", "974"),
    ("Brest", "29"),
]


DEMO_ORGANISME = 0  # the index of the organisme `make run` gives an API key to


def siret_for(index: int) -> str:
    """A valid SIRET: a SIREN (8 digits and its Luhn key), an establishment number, a key."""
    siren = f"{88000000 + index * 7919:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def demo_catalogue_csv(today: date, seed: int = 7) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo_records(today, scale=1, seed=seed))
    return out.getvalue().encode()


def demo_records(today: date, scale: int = 1, seed: int = 7) -> Iterator[dict]:
    """Rows of the import format: 120, 80 and 100 formations per catalogue, times `scale`."""
    rng = random.Random(seed)
    number = 0
    # Prices as organismes quote them: a mandate training of one or two days costs a few
    # hundred euros (well under 80 € HT an hour), a reconversion a few hundred to a few
    # thousand.
    for catalogue, themes, count, price_per_hour, durations in (
        ("mandat", MANDAT, 120, (25, 46), [7, 7, 14, 14, 21]),
        ("reconversion", RECONVERSION, 80, (15, 36), [14, 21, 35, 70, 140]),
        ("activite-professionnelle", ACTIVITE, 100, (15, 50), [7, 14, 21, 35, 70]),
    ):
        for _ in range(count * scale):
            number += 1
            title, objectives = rng.choice(themes)
            organisme = rng.randrange(len(ORGANISMES))
            hours = rng.choice(durations)
            modalite = rng.choice(["presentiel", "presentiel", "a_distance", "mixte"])
            commune, departement = rng.choice(PLACES)
            # sessions over the coming months, the first far enough for the 11 working days
            first = today + timedelta(days=rng.randrange(25, 120))
            days = max(1, min(5, hours // 7))
            sessions = [
                (start, start + timedelta(days=days - 1), rng.choice([8, 10, 12, 15, 20]))
                for start in (first + timedelta(days=45 * k) for k in range(rng.randrange(1, 4)))
            ]
            yield {
                "id": f"F{number:05d}",
                "catalogue": catalogue,
                "titre": title + (f" (niveau {rng.choice([1, 2])})" if rng.random() < 0.3 else ""),
                "objectifs": objectives,
                "duree_heures": hours,
                "prix_euros": hours * rng.randrange(*price_per_hour),
                "modalite": modalite,
                "commune": "" if modalite == "a_distance" else commune,
                "departement": "" if modalite == "a_distance" else departement,
                "sessions": "|".join(f"{a}/{b}/{n}" for a, b, n in sessions),
                "organisme_nom": ORGANISMES[organisme],
                "organisme_siret": siret_for(organisme),
                "agrement_numero": f"AGR-{2024 + organisme % 2}-{organisme:04d}"
                if catalogue == "mandat"
                else "",
                "agrement_debut": "2024-01-01" if catalogue == "mandat" else "",
                "agrement_fin": "2028-12-31" if catalogue == "mandat" else "",
            }
