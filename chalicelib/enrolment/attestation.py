"""The training attestation the élu keeps once the service done is validated: a one-page PDF
in French, drawn with fpdf2's core fonts (no font file, nothing from the system). Pure: the
facts in, the bytes out, the same bytes for the same facts.

The core fonts write Windows-1252, which has every letter of French (é, à, ç, œ) and the euro
sign; a character it lacks (a name's ł or ğ) is written as its nearest Latin letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..money import euros_fr

ENCODING = "windows-1252"
_TITLE = "Attestation de formation"


@dataclass(frozen=True)
class Approval:
    numero: str
    debut: date | None
    fin: date | None


@dataclass(frozen=True)
class AttestationFacts:
    dossier_id: str
    prenoms: str
    nom: str
    formation: str
    organisme: str
    siret: str
    agrement: Approval | None
    date_debut: date
    date_fin: date
    date_sortie: date
    heures_realisees: float
    taux_realisation: float  # percent (33.33)
    montant_dif_centimes: int  # what the DIF élus paid
    validee_le: datetime  # when the funder validated the service done


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _hours(hours: float) -> str:
    return f"{_number(hours)} heure{'s' if hours >= 2 else ''}"


def printable(text: str) -> str:
    """`text` as the core fonts can write it: French as is, other letters transliterated."""
    from anyascii import anyascii

    text = text.replace("\u202f", "\u00a0")  # the thin space of French thousands: a plain one
    out = []
    for character in text:
        try:
            character.encode(ENCODING)
        except UnicodeEncodeError:
            character = anyascii(character) or "?"
        out.append(character)
    return "".join(out)


def lines(facts: AttestationFacts) -> list[tuple[str, str]]:
    """What the attestation says, as (label, value) rows, in order."""
    rows = [
        ("Élu(e)", f"{facts.prenoms} {facts.nom}"),
        ("Formation", facts.formation),
        ("Organisme de formation", f"{facts.organisme} (SIRET {facts.siret})"),
    ]
    if facts.agrement is not None:
        span = ""
        if facts.agrement.debut and facts.agrement.fin:
            span = f", du {_day(facts.agrement.debut)} au {_day(facts.agrement.fin)}"
        rows.append(("Agrément du ministère", f"n° {facts.agrement.numero}{span}"))
    rows += [
        ("Session", f"du {_day(facts.date_debut)} au {_day(facts.date_fin)}"),
        ("Sortie de formation", _day(facts.date_sortie)),
        (
            "Réalisation",
            f"{_hours(facts.heures_realisees)} ({_number(facts.taux_realisation)} % de la "
            "formation)",
        ),
        ("Financé par le DIF élus", euros_fr(facts.montant_dif_centimes)),
        ("Dossier", facts.dossier_id),
    ]
    return rows


def attestation_pdf(facts: AttestationFacts) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_creation_date(facts.validee_le.astimezone(UTC))
    pdf.set_title(_TITLE)
    pdf.set_lang("fr")
    pdf.set_author("Mon Compte Élu - Caisse des Dépôts")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.cell(0, 12, printable(_TITLE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        printable(
            "Mon Compte Élu (Caisse des Dépôts) atteste que la personne ci-dessous a suivi la "
            "formation suivante, financée par ses droits au titre du droit individuel à la "
            "formation des élus locaux (DIF élus), et que le service fait déclaré par "
            f"l'organisme a été validé le {_day(facts.validee_le.date())}."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    for label, value in lines(facts):
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(62, 8, printable(label))
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 8, printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("Helvetica", style="I", size=9)
    pdf.multi_cell(
        0,
        5,
        printable(
            "Document établi à partir des déclarations de l'organisme de formation et de la "
            "validation du financeur. Il peut être présenté à votre collectivité."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
