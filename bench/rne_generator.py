"""A realistic conseillers municipaux file of the RNE, current layout, of any size (fictional
people): semicolon-separated UTF-8 with CRLF endings, the 16 columns of the ministry's export.

    python -m bench.rne_generator out.csv --rows 500000
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TextIO

HEADER = [
    "Code du département",
    "Libellé du département",
    "Code de la collectivité à statut particulier",
    "Libellé de la collectivité à statut particulier",
    "Code de la commune",
    "Libellé de la commune",
    "Nom de l'élu",
    "Prénom de l'élu",
    "Code sexe",
    "Date de naissance",
    "Code de la catégorie socio-professionnelle",
    "Libellé de la catégorie socio-professionnelle",
    "Date de début du mandat",
    "Libellé de la fonction",
    "Date de début de la fonction",
    "Code nationalité",
]

SURNAMES = (
    (
        "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON "
        "MICHEL LEFEBVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT "
        "LAMBERT FONTAINE ROUSSEAU VINCENT MULLER LEFÈVRE FAURE ANDRÉ MERCIER BLANC GUÉRIN "
        "BOYER GARNIER CHEVALIER FRANÇOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLÉMENT "
        "MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT "
        "MARIE LEMAIRE NOËL MEYER DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS "
        "BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GÉRARD ROCHE RENARD SCHMITT ROY LEROUX "
        "COLIN VIDAL CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER "
        "PHILIPPE BOURGEOIS PIERRE BENOÎT REY LECLERC PAYET ROLLAND LE_GALL LE_GOFF "
        "D'ALMEIDA N'DIAYE"
    )
    .replace("_", " ")
    .split()
)
FEMALE = (
    "Marie Nathalie Isabelle Sylvie Catherine Martine Christine Françoise Valérie "
    "Sandrine Stéphanie Véronique Sophie Céline Chantal Patricia Anne Brigitte Julie "
    "Monique Aurélie Nicole Laurence Annie Émilie Dominique Virginie Corinne Élodie "
    "Christelle Camille Caroline Léa Sarah Marie-Claire Anne-Sophie"
).split()
MALE = (
    "Jean Philippe Michel Alain Patrick Nicolas Christophe Pierre Christian Éric Frédéric "
    "Laurent Stéphane David Pascal Daniel Sébastien Julien Thierry Olivier Bernard Thomas "
    "Alexandre Gérard Didier Dominique Vincent François Bruno Guillaume Jérôme Jacques "
    "Marc Jean-Pierre Jean-Luc Jean-François Joël"
).split()
PROFESSIONS = [
    ("23", "Chef d'entreprise de 10 salariés ou plus"),
    ("31", "Profession libérale"),
    ("33", "Cadre de la fonction publique"),
    ("38", "Ingénieur et cadre technique d'entreprise"),
    ("42", "Professeur des écoles, instituteur et assimilé"),
    ("54", "Employé administratif d'entreprise"),
    ("74", "Ancien cadre"),
    ("11", "Agriculteur sur petite exploitation"),
    ("69", "Ouvrier agricole"),
]
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + [
    "2A",
    "2B",
    "971",
    "972",
    "973",
    "974",
    "976",
]
ELECTIONS = (date(2020, 3, 15), date(2020, 6, 28))


def rows(count: int, seed: int = 2026) -> Iterable[list[str]]:
    rng = random.Random(seed)
    for index in range(count):
        dept = DEPARTEMENTS[index * len(DEPARTEMENTS) // max(count, 1)]
        commune = (
            f"{dept[:2]}{rng.randrange(1, 999):03d}"
            if len(dept) == 2
            else (f"{dept}{rng.randrange(1, 35):02d}")
        )
        female = rng.random() < 0.42
        first = rng.choice(FEMALE if female else MALE)
        name = rng.choice(SURNAMES)
        if rng.random() < 0.05:
            name = f"{name}-{rng.choice(SURNAMES)}"
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 62))
        start = rng.choice(ELECTIONS)
        function = rng.choices(
            ["", "Maire", "1er adjoint au maire", "Conseiller délégué"], weights=[85, 3, 3, 9]
        )[0]
        profession = rng.choice(PROFESSIONS)
        yield [
            dept,
            f"Département {dept}",
            "",
            "",
            commune,
            f"Commune {commune}",
            name,
            first,
            "F" if female else "M",
            born.strftime("%d/%m/%Y"),
            profession[0],
            profession[1],
            start.strftime("%d/%m/%Y"),
            function,
            start.strftime("%d/%m/%Y") if function else "",
            "FRA",
        ]


def write(out: TextIO, count: int, extra: Iterable[list[str]] = (), seed: int = 2026) -> None:
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(extra)
    writer.writerows(rows(count, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8", newline="") as out:
        write(out, args.rows)


if __name__ == "__main__":
    main()
