"""Reading an RNE file as a stream of rows, from any byte offset. Pure (takes binary streams).

Detects the encoding (UTF-8 with or without BOM, else Windows-1252/ISO-8859-1), the line endings
(LF, CRLF, CR alone), the header line after any preamble ("Titre du rapport...") and the
delimiter (tab, ";" or ","). Each row comes with its line number and the byte offset just
after it, so ingestion can checkpoint and resume exactly there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from . import formats

SAMPLE_BYTES = 64 * 1024
MAX_PREAMBLE_LINES = 30
# A row of the RNE is a few hundred bytes; anything far longer is a broken export (or an
# attack): the line is skipped whole, reported, and never held in memory.
MAX_LINE_BYTES = 8 * 1024
MAX_FIELD_CHARS = 255
DELIMITERS = ("\t", ";", ",")
_EOL = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"


class Readable(Protocol):
    """What the reading needs of a stream: a file, an S3 body, a sample put back before one."""

    def read(self, size: int = -1, /) -> bytes: ...


class NotAnRneFile(ValueError):
    """The file as a whole is not an RNE export; the message says why, in French."""


@dataclass(frozen=True)
class FileFormat:
    encoding: str
    delimiter: str
    header_line: int  # 1-based line number of the header
    data_offset: int  # byte offset of the first line after the header
    columns: dict[int, str]  # column index -> canonical field
    labels: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "encodage": self.encoding,
            "separateur": self.delimiter,
            "ligne_entete": self.header_line,
            "debut_donnees": self.data_offset,
            "colonnes": {str(i): f for i, f in self.columns.items()},
            "libelles": self.labels,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileFormat:
        return cls(
            encoding=data["encodage"],
            delimiter=data["separateur"],
            header_line=int(data["ligne_entete"]),
            data_offset=int(data["debut_donnees"]),
            columns={int(i): f for i, f in data["colonnes"].items()},
            labels=list(data.get("libelles", [])),
        )


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line number in the file
    end_offset: int  # byte offset just after this row
    fields: dict[str, str] | None  # canonical field -> value; None when unreadable
    problem: str | None = None  # why the row could not be read


def iter_lines(
    stream: Readable,
    start_offset: int = 0,
    chunk_size: int = 64 * 1024,
    max_line: int = MAX_LINE_BYTES,
) -> Iterator[tuple[bytes | None, int]]:
    """(line without its ending, offset after the ending), for LF, CRLF and lone CR alike;
    None instead of a line longer than `max_line`. Each byte is searched a bounded number of
    times and the buffer never exceeds `max_line` plus a chunk: linear in the file, whatever
    its line lengths."""
    buffer = b""
    buffer_start = start_offset
    eof = False
    overlong = False  # inside a line already past the limit: dropped up to its end
    while not eof:
        chunk = stream.read(chunk_size)
        eof = not chunk
        buffer += chunk or b""
        position = 0
        while True:
            match = _EOL.search(buffer, position)
            if match is None:
                break
            if match.group() == b"\r" and match.end() == len(buffer) and not eof:
                break  # a CR at the end of the buffer may be the first half of CRLF
            line = buffer[position : match.start()]
            yield (None if overlong or len(line) > max_line else line), buffer_start + match.end()
            overlong = False
            position = match.end()
        buffer_start += position
        buffer = buffer[position:]
        if len(buffer) > max_line:
            keep = 1 if buffer.endswith(b"\r") else 0  # maybe half of a CRLF
            buffer_start += len(buffer) - keep
            buffer = buffer[len(buffer) - keep :]
            overlong = True
    if buffer or overlong:
        yield (None if overlong else buffer), buffer_start + len(buffer)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when the sample reads as UTF-8, allowing a few broken bytes among many valid
    accented letters (those rows are then rejected alone); else Windows-1252 / ISO-8859-1."""
    if sample.startswith(_BOM):
        return "utf-8"
    text = sample.decode("utf-8", errors="replace")
    if len(sample) == SAMPLE_BYTES:
        text = text.rstrip("\ufffd")  # the sample may cut the last character in two
    broken = text.count("\ufffd")
    accented = sum(1 for ch in text if ord(ch) > 127) - broken
    if broken == 0 or (accented and broken * 20 <= accented):
        return "utf-8"
    try:
        sample.decode("cp1252")
        return "cp1252"  # a superset of ISO-8859-1 for text: curly quotes of Windows exports
    except UnicodeDecodeError:
        return "latin-1"


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def detect_format(stream: BinaryIO, key: str = "") -> FileFormat:
    """Reads the beginning of the file (the stream is consumed) and finds its layout."""
    sample = stream.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample)

    class _Sample:
        def __init__(self, data: bytes, rest: BinaryIO) -> None:
            self._data, self._rest = data, rest

        def read(self, size: int = -1) -> bytes:
            if self._data:
                data, self._data = self._data, b""
                return data
            return self._rest.read(size)

    best_missing: list[str] | None = None
    for number, (raw, end) in enumerate(iter_lines(_Sample(sample, stream)), start=1):
        if number > MAX_PREAMBLE_LINES:
            break
        if raw is None:
            continue  # far too long to be a header
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        text = raw.decode(encoding, errors="replace")
        for delimiter in DELIMITERS:
            if delimiter not in text:
                continue
            labels = _split(text, delimiter)
            columns = formats.map_header(labels)
            missing = formats.missing_required(columns)
            if not missing:
                return FileFormat(
                    encoding, delimiter, number, end, columns, [label.strip() for label in labels]
                )
            if len(columns) >= 2 and (best_missing is None or len(missing) < len(best_missing)):
                best_missing = missing
    if best_missing:
        raise NotAnRneFile(
            "En-tête incomplet : colonnes obligatoires absentes (" + ", ".join(best_missing) + ")."
        )
    raise NotAnRneFile(
        "Ce fichier n'est pas un fichier du Répertoire national des élus : aucune "
        f"ligne d'en-tête reconnue dans les {MAX_PREAMBLE_LINES} premières lignes "
        "(colonnes attendues : nom, prénom, sexe, date de naissance, date de "
        "début du mandat)."
    )


def iter_rows(
    stream: BinaryIO, file_format: FileFormat, start_offset: int, first_line: int
) -> Iterator[Row]:
    """The data rows from `start_offset` (the beginning of line `first_line`). Blank lines are
    skipped; a row whose cells do not fit the header comes with a `problem`."""
    position = {
        "line": first_line - 1,
        "end": start_offset,
        "undecodable": False,
        "overlong": False,
    }
    encoding = file_format.encoding
    width = max(len(file_format.labels), max(file_format.columns, default=-1) + 1)

    def lines() -> Iterator[str]:
        for raw, end in iter_lines(stream, start_offset):
            position["line"] += 1
            position["end"] = end
            if raw is None:
                position["overlong"] = True
                yield "\n"
                continue
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                position["undecodable"] = True
                text = raw.decode(encoding, errors="replace")
            yield text + "\n"

    reader = csv.reader(lines(), delimiter=file_format.delimiter)
    while True:
        position["undecodable"] = position["overlong"] = False
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(
                position["line"],
                position["end"],
                None,
                f"Ligne illisible (guillemets mal fermés ?) : {error}.",
            )
            continue
        if position["overlong"]:
            yield Row(
                position["line"],
                position["end"],
                None,
                f"Ligne de plus de {MAX_LINE_BYTES // 1024} Kio : ignorée sans être lue.",
            )
            continue
        # the checks below run in C for a well-formed row: they are made on every row
        if not "".join(cells).strip():  # blank: every cell empty or spaces
            continue
        if position["undecodable"]:
            yield Row(
                position["line"],
                position["end"],
                None,
                f"Caractères illisibles dans l'encodage {encoding}.",
            )
            continue
        if len(cells) > width and "".join(cells[width:]).strip():
            yield Row(
                position["line"],
                position["end"],
                None,
                f"{len(cells)} colonnes au lieu de {width} : séparateur présent dans une "
                "valeur non protégée par des guillemets ?",
            )
            continue
        if max(map(len, cells)) > MAX_FIELD_CHARS:
            too_long = next(i for i, cell in enumerate(cells) if len(cell) > MAX_FIELD_CHARS)
            label = file_format.labels[too_long] if too_long < len(file_format.labels) else ""
            yield Row(
                position["line"],
                position["end"],
                None,
                f"Valeur de plus de {MAX_FIELD_CHARS} caractères (colonne {too_long + 1}"
                + (f" « {label[:40]} »" if label else "")
                + ").",
            )
            continue
        fields = {
            name: cells[index].strip() if index < len(cells) else ""
            for index, name in file_format.columns.items()
        }
        yield Row(position["line"], position["end"], fields)
