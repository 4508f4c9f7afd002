import csv
import io
from datetime import date

import pytest

from chalicelib.rne.formats import mandate_type
from chalicelib.rne.reader import NotAnRneFile, detect_format, iter_lines, iter_rows
from chalicelib.rne.rows import InvalidRow, parse_row
from tests.support.rne_files import FIXTURES, sample, sample_table, write

TODAY = date(2026, 11, 26)
SAMPLES = sorted(p.name for p in FIXTURES.glob("*.csv"))


def read_all(data: bytes, key: str = "x.csv"):
    file_format = detect_format(io.BytesIO(data), key)
    kind = mandate_type(key, set(file_format.columns.values()))
    rows = list(
        iter_rows(
            io.BytesIO(data[file_format.data_offset :]),
            file_format,
            file_format.data_offset,
            file_format.header_line + 1,
        )
    )
    mandates, problems = [], []
    for row in rows:
        try:
            if row.problem:
                raise InvalidRow(row.problem)
            mandates.append(parse_row(row.fields, kind, TODAY))
        except InvalidRow as error:
            problems.append((row.line, str(error)))
    return file_format, kind, rows, mandates, problems


@pytest.mark.parametrize("name", SAMPLES)
def test_every_real_sample_reads_without_a_rejected_row(name):
    data = sample(name)
    _, kind, rows, mandates, problems = read_all(data, name)
    assert problems == []
    assert len(mandates) == len(sample_table(name)[1]) >= 30
    kinds = {
        "departementaux": "CD",
        "arrondissement": "CA",
        "fde": "CFE",
        "deputes": "DEP",
        "membres-assemblees": "CSP",
    }
    assert kind == kinds[next(k for k in kinds if k in name)]
    # the columns alone decide: the ministry's file names are a hint, never a requirement
    assert read_all(data, "export.csv")[1] == kind
    assert rows[-1].end_offset == len(data)
    assert all(m.nom and m.prenom and m.sexe in "MF" for m in mandates)


def test_the_snake_case_export_reads_like_the_human_one():
    *_, human, _ = read_all(sample("2022-12_conseillers-departementaux_tab.csv"))
    *_, snake, _ = read_all(sample("2023_conseillers-departementaux_snake-case-timestamps.csv"))
    assert [(m.nom, m.date_naissance, m.date_debut) for m in human][:150] == [
        (m.nom, m.date_naissance, m.date_debut) for m in snake
    ][:150]


def test_departement_codes_without_leading_zero_are_padded():
    *_, mandates, _ = read_all(sample("2024-07_deputes_semicolon.csv"), "deputes.csv")
    assert mandates[0].departement == "01"
    # "101" there is constituency 01 of the Ain, as older exports write it
    assert mandates[0].territoire == "01:01"
    *_, older, _ = read_all(sample("2022-03_deputes_latin1-preamble.csv"), "deputes.csv")
    assert older[0].territoire == mandates[0].territoire
    assert (older[0].nom, older[0].departement) == (mandates[0].nom, "01")


def test_the_members_of_assemblies_file_is_read_per_collectivite():
    *_, mandates, _ = read_all(sample("2023-12_membres-assemblees_comma.csv"))
    spm, lyon = mandates[0], mandates[-1]
    assert (spm.type, spm.territoire, spm.departement) == ("CSP", "975", "975")
    assert (lyon.territoire, lyon.collectivite, lyon.departement) == (
        "69M",
        "Métropole De Lyon",
        "69",
    )


BASE = "2022-12_conseillers-departementaux_tab.csv"


def baseline():
    return read_all(sample(BASE))[3]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
@pytest.mark.parametrize("delimiter", ["\t", ";", ","])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_encodings_delimiters_and_line_endings(encoding, delimiter, newline):
    header, rows = sample_table(BASE)
    data = write(header, rows, delimiter=delimiter, encoding=encoding, newline=newline)
    file_format, _, _, mandates, problems = read_all(data)
    assert problems == []
    assert mandates == baseline()
    assert file_format.delimiter == delimiter


@pytest.mark.parametrize("quoting", [csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_MINIMAL])
def test_quoted_fields(quoting):
    header, rows = sample_table(BASE)
    assert read_all(write(header, rows, delimiter=",", quoting=quoting))[3] == baseline()


def test_a_preamble_before_the_header_is_skipped():
    header, rows = sample_table(BASE)
    data = write(
        header,
        rows,
        encoding="latin-1",
        newline="\r\n",
        delimiter="\t",
        preamble=["Titre du rapport\tListe des conseillers départementaux", ""],
    )
    file_format, _, read_rows, mandates, _ = read_all(data)
    assert file_format.header_line == 3
    assert read_rows[0].line == 4
    assert mandates == baseline()


def test_header_typos_curly_apostrophes_and_old_labels():
    header, rows = sample_table(BASE)
    typos = {
        "Code sexe": "Code sexe ",
        "Date de naissance": "Date de naissancee",
        "Nom de l'élu": "Nom  de l’élu",
        "Code de la catégorie socio-professionnelle": "Code profession",
    }
    assert read_all(write([typos.get(h, h) for h in header], rows))[3] == baseline()


@pytest.mark.parametrize("style", ["d/m/yyyy", "yyyy-mm-dd", "yyyy-mm-dd 00:00:00+00"])
def test_date_formats(style):
    header, rows = sample_table(BASE)

    def restyle(value: str) -> str:
        day, month, year = value.split("/")
        return {
            "d/m/yyyy": f"{int(day)}/{int(month)}/{year}",
            "yyyy-mm-dd": f"{year}-{month}-{day}",
            "yyyy-mm-dd 00:00:00+00": f"{year}-{month}-{day} 00:00:00+00",
        }[style]

    dates = [i for i, h in enumerate(header) if h.startswith("Date")]
    restyled = [[restyle(c) if i in dates and c else c for i, c in enumerate(r)] for r in rows]
    assert read_all(write(header, restyled))[3] == baseline()


def test_reading_resumes_exactly_at_a_row_boundary():
    data = write(*sample_table(BASE), newline="\r")
    file_format = detect_format(io.BytesIO(data))
    all_rows = list(
        iter_rows(
            io.BytesIO(data[file_format.data_offset :]),
            file_format,
            file_format.data_offset,
            file_format.header_line + 1,
        )
    )
    middle = all_rows[99]
    rest = list(
        iter_rows(
            io.BytesIO(data[middle.end_offset :]), file_format, middle.end_offset, middle.line + 1
        )
    )
    assert rest == all_rows[100:]


def test_lines_split_on_every_ending_even_across_reads():
    data = b"a\r\nb\rc\nd\r\r\ne"

    class Trickle(io.BytesIO):
        def read(self, size=-1):
            return super().read(1)  # one byte at a time: CR and LF arrive apart

    assert list(iter_lines(Trickle(data))) == [
        (b"a", 3),
        (b"b", 5),
        (b"c", 7),
        (b"d", 9),
        (b"", 11),
        (b"e", 12),
    ]


def test_malformed_rows_are_reported_with_their_line_and_reason():
    header, rows = sample_table(BASE)
    rows = [list(r) for r in rows[:6]]
    rows[0][header.index("Date de naissance")] = "31/02/1960"
    rows[1][header.index("Nom de l'élu")] = ""
    rows[2][header.index("Code sexe")] = "X"
    rows[3] = rows[3] + ["en trop", "encore"]
    rows[4][header.index("Date de début du mandat")] = ""
    data = write(header, rows, delimiter="\t")
    *_, mandates, problems = read_all(data)
    assert len(mandates) == 1
    assert [line for line, _ in problems] == [2, 3, 4, 5, 6]
    reasons = dict(problems)
    assert "Date de naissance illisible" in reasons[2]
    assert "Nom" in reasons[3]
    assert "sexe" in reasons[4]
    assert "colonnes" in reasons[5]
    assert "début du mandat manquante" in reasons[6]


def test_undecodable_bytes_in_a_utf8_file_reject_the_row_only():
    header, rows = sample_table(BASE)
    data = write(header, rows[:3], delimiter="\t", newline="\n")
    lines = data.split(b"\n")
    lines[2] = (
        lines[2].replace("é".encode(), b"\xe9", 1)
        if "é".encode() in lines[2]
        else (lines[2] + b"\xff")
    )
    file_format, _, _, mandates, problems = read_all(b"\n".join(lines))
    assert file_format.encoding == "utf-8"
    assert len(mandates) == 2 and problems[0][0] == 3


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00binary",
        "Nom;Prénom;Âge\nDupont;Jean;42\n".encode(),
        b"colonne1,colonne2\n1,2\n",
    ],
)
def test_files_that_are_not_rne_files_are_refused_whole(content):
    with pytest.raises(NotAnRneFile):
        detect_format(io.BytesIO(content))


def test_a_header_missing_a_required_column_says_which():
    with pytest.raises(NotAnRneFile, match="date_naissance"):
        detect_format(
            io.BytesIO(
                "Nom de l'élu;Prénom de l'élu;Code sexe;Date de début du "
                "mandat\nA;B;M;01/01/2020\n".encode()
            )
        )


def test_a_latin1_file_with_a_single_accent_is_not_taken_for_utf8():
    from chalicelib.rne.reader import detect_encoding

    assert detect_encoding("Nom;Prénom\n".encode("latin-1")) == "cp1252"
    assert detect_encoding("Nom;Prénom\n".encode()) == "utf-8"
    cut = ("é" * 40_000).encode()[: 64 * 1024 - 1]  # a sample ending inside a character
    assert detect_encoding(cut + b"\xc3") == "utf-8"


def test_a_line_far_too_long_is_skipped_without_being_held():
    data = b"a;b\n" + b"x" * (16 * 1024 * 1024) + b"\r\nc;d\r\n" + b"y" * 20_000
    lines = list(iter_lines(io.BytesIO(data)))
    assert lines == [
        (b"a;b", 4),
        (None, 4 + 16 * 1024 * 1024 + 2),
        (b"c;d", 4 + 16 * 1024 * 1024 + 7),
        (None, len(data)),
    ]


def test_crlf_split_across_reads_stays_one_line_end_after_a_long_line():
    data = b"x" * 9000 + b"\r\nok\n"
    assert list(iter_lines(io.BytesIO(data), chunk_size=9001)) == [(None, 9002), (b"ok", 9005)]


def test_the_2026_municipal_layout_reads_with_its_timestamps_and_nuances():
    """The 2026 exports: snake_case columns, birth dates as timestamps, nuance columns."""
    header = [
        "code_departement", "libelle_departement", "code_commune", "libelle_commune",
        "nom_elu", "prenom_elu", "sexe_elu", "date_naissance_elu",
        "code_categorie_socio_professionnelle", "libelle_categorie_socio_professionnelle",
        "date_debut_mandat", "libelle_fonction", "date_debut_fonction",
        "code_nuance_mandat", "libelle_nuance_mandat",
    ]  # fmt: skip
    row = [
        "35", "Ille-et-Vilaine", "35238", "Rennes", "LEMOINE", "Inès", "F",
        "1953-09-14 00:00:00+00", "38", "Ingénieur", "2026-03-22 00:00:00+00", "Maire",
        "2026-03-28 00:00:00+00", "DVG", "Divers gauche",
    ]  # fmt: skip
    data = write(header, [row], delimiter=",")
    _, kind, _, mandates, problems = read_all(data, "national/elus-conseillers-municipaux-cm.csv")
    assert (kind, problems) == ("CM", [])
    [mandate] = mandates
    assert (mandate.nom, mandate.date_naissance, mandate.date_debut) == (
        "LEMOINE",
        date(1953, 9, 14),
        date(2026, 3, 22),
    )
    assert (mandate.territoire, mandate.departement) == ("35238", "35")
