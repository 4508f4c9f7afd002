"""Writing RNE files in every published variant, from a header and rows of cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bench.rne_generator import HEADER

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rne"
CURRENT_HEADER = HEADER  # the ministry's current layout, as the generator writes it


def sample(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sample_table(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a fixture, read with the csv module and the known delimiter (the
    header is the first line with one: a preamble line has none)."""
    data = sample(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if any(d in line for d in "\t;,"))
    first = lines[start]
    delimiter = "\t" if "\t" in first else (";" if ";" in first else ",")
    rows = list(csv.reader(io.StringIO("".join(lines[start:]), newline=""), delimiter=delimiter))
    return rows[0], [r for r in rows[1:] if any(r)]


def write(
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    newline: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
    preamble: list[str] = (),
) -> bytes:
    out = io.StringIO(newline="")
    for line in preamble:
        out.write(line + newline)
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def municipal_row(
    nom: str,
    prenom: str,
    sexe: str,
    naissance: str,
    *,
    dept: str = "35",
    commune: str = "35238",
    libelle: str = "Rennes",
    debut: str = "28/06/2020",
    fonction: str = "",
) -> list[str]:
    return [
        dept,
        "Ille-et-Vilaine",
        "",
        "",
        commune,
        libelle,
        nom,
        prenom,
        sexe,
        naissance,
        "38",
        "Ingénieur et cadre technique d'entreprise",
        debut,
        fonction,
        "",
        "FRA",
    ]
