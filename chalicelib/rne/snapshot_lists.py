"""What each snapshot lists, per scope, kept in S3 beside the files: the base of the next one.

`rne-etat/<file>/<scope>/<first line>.json` holds the entries of a chunk's rows in one scope
(mandate type and département): identity key, mandate key, the copies' keys, the stored values
and their digest. A new snapshot compares itself with its scopes' current lists, so it writes
only the mandates that are new or changed, closes the absent ones with their stored values, and
queries no table. `rne-etat/<file>/~changements/` and `~fermetures/` hold what is to be written
and closed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from .rows import MandateRow
from .s3_store import RneObjects

STATE_PREFIX = "rne-etat/"
CHANGES = "~changements"
CLOSINGS = "~fermetures"
# The stored values of a mandate, in the order of an entry's values.
VALUE_FIELDS = (
    "scope",
    "type",
    "territoire",
    "collectivite",
    "departement",
    "fonction",
    "date_debut",
    "date_debut_fonction",
    "nom",
    "prenom",
)
POSITION = {name: index for index, name in enumerate(VALUE_FIELDS)}  # read for every row
# An entry as stored, a JSON array: [person key, mandate key, digest, aliases, values, line,
# raws]. Read as it is (entry_* below): a snapshot's lists are read whole to compare them.
Entry = list[Any]


@dataclass(frozen=True)
class Listed:
    """One mandate of a snapshot, as stored: under its identity key and copies' keys."""

    person_key: str
    mandate_key: str
    aliases: tuple[str, ...]
    values: tuple[str | None, ...]  # VALUE_FIELDS
    digest: str
    line: int
    # the digests of the row's cells as read (several when one mandate is listed once per
    # function): a row read again as it was needs no parsing
    raws: tuple[str, ...] = ()

    @property
    def item(self) -> str:
        return f"{self.person_key}|{self.mandate_key}"

    @property
    def keys(self) -> list[str]:
        return [self.person_key, *self.aliases]

    @property
    def scope(self) -> str:
        return self.values[0] or ""  # VALUE_FIELDS[0]

    def value(self, name: str) -> str | None:
        return self.values[POSITION[name]]

    def attributes(self) -> dict[str, str | None]:
        return dict(zip(VALUE_FIELDS, self.values, strict=True))

    def as_entry(self) -> Entry:
        # tuples as they are: orjson writes them as JSON arrays, without copying
        return [
            self.person_key,
            self.mandate_key,
            self.digest,
            self.aliases,
            self.values,
            self.line,
            self.raws,
        ]

    @classmethod
    def from_entry(cls, entry: Entry, line: int | None = None) -> Listed:
        person_key, mandate_key, digest, aliases, values, listed_line, *raws = entry
        return cls(
            person_key,
            mandate_key,
            tuple(aliases),
            tuple(values),
            digest,
            listed_line if line is None else line,
            tuple(raws[0]) if raws else (),
        )


# Read without building a Listed.
def entry_item(entry: Entry) -> str:
    return f"{entry[0]}|{entry[1]}"


def entry_digest(entry: Entry) -> str:
    digest: str = entry[2]
    return digest


def entry_value(entry: Entry, name: str) -> str | None:
    value: str | None = entry[4][POSITION[name]]
    return value


def entry_raws(entry: Entry) -> list[str]:
    raws: list[str] = entry[6] if len(entry) > 6 else []
    return raws


def listed(line: int, keys: list[str], mandate: MandateRow, raws: tuple[str, ...] = ()) -> Listed:
    values = (
        mandate.scope,
        mandate.type,
        mandate.territoire,
        mandate.collectivite,
        mandate.departement,
        mandate.fonction,
        mandate.date_debut.isoformat(),
        mandate.date_debut_fonction.isoformat() if mandate.date_debut_fonction else None,
        mandate.nom,
        mandate.prenom,
    )
    aliases = tuple(keys[1:])
    digest = hashlib.blake2b(orjson.dumps([aliases, values]), digest_size=8).hexdigest()
    return Listed(keys[0], mandate.mandate_key, aliases, values, digest, line, raws)


# Changing how rows are read (new checks, new name forms) changes this: every row is then
# parsed again once instead of being taken as it was.
READING_VERSION = "2026-11-28"


def raw_digest(fields: dict[str, str]) -> str:
    """The cells of a row as read, whatever the column order of the export."""
    text = "\x1f".join([READING_VERSION, *(f"{k}={fields[k]}" for k in _sorted(tuple(fields)))])
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@lru_cache(maxsize=16)
def _sorted(names: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of a file in one order, sorted once per layout rather than once per row."""
    return tuple(sorted(names))


class SnapshotLists:
    def __init__(self, objects: RneObjects) -> None:
        self._objects = objects

    @staticmethod
    def prefix(file_pk: str, scope: str | None = None) -> str:
        folder = f"{STATE_PREFIX}{file_pk.split('#', 1)[1]}/"
        return folder if scope is None else f"{folder}{scope.replace('#', '-')}/"

    def write(self, bucket: str, file_pk: str, first_line: int, entries: list[Listed]) -> None:
        """A chunk's entries, one object per scope."""
        by_scope: dict[str, list[Entry]] = {}
        for entry in entries:
            by_scope.setdefault(entry.scope, []).append(entry.as_entry())
        for scope, items in by_scope.items():
            key = f"{self.prefix(file_pk, scope)}{first_line:010d}.json"
            self._objects.put_json(bucket, key, items)

    def write_changes(
        self, bucket: str, file_pk: str, first_line: int, entries: list[Listed]
    ) -> None:
        if entries:
            key = f"{self.prefix(file_pk, CHANGES)}{first_line:010d}.json"
            self._objects.put_json(bucket, key, [e.as_entry() for e in entries])

    def objects_by_scope(self, bucket: str, file_pk: str) -> dict[str, list[str]]:
        """The objects of a snapshot's lists, per scope ("CM#35"): one listing of the bucket
        for the whole snapshot, not one per scope."""
        folder = self.prefix(file_pk)
        out: dict[str, list[str]] = {}
        for key in self._objects.keys_under(bucket, folder):
            scope = key[len(folder) :].split("/", 1)[0]
            if not scope.startswith("~"):
                out.setdefault(scope.replace("-", "#", 1), []).append(key)
        return out

    def scope(self, bucket: str, objects: list[str]) -> dict[str, Entry]:
        """item -> entry as stored, of everything a snapshot listed in one scope."""
        return {
            entry_item(entry): entry
            for key in objects
            for entry in self._objects.read_json(bucket, key)
        }

    def change_keys(self, bucket: str, file_pk: str) -> list[str]:
        return self._objects.keys_under(bucket, self.prefix(file_pk, CHANGES))

    def write_closings(self, bucket: str, file_pk: str, number: int, entries: list[Entry]) -> None:
        """Entries as stored, to close."""
        key = f"{self.prefix(file_pk, CLOSINGS)}{number:06d}.json"
        self._objects.put_json(bucket, key, entries)

    def closing_keys(self, bucket: str, file_pk: str) -> list[str]:
        return self._objects.keys_under(bucket, self.prefix(file_pk, CLOSINGS))

    def read(self, bucket: str, keys: Iterable[str]) -> Iterator[Listed]:
        for key in keys:
            for entry in self._objects.read_json(bucket, key):
                yield Listed.from_entry(entry)

    def drop_scopes(self, bucket: str, file_pk: str, scopes: set[str]) -> None:
        """A snapshot's lists of these scopes (superseded): one listing, bulk deletes."""
        objects = self.objects_by_scope(bucket, file_pk)
        self._objects.delete(bucket, [k for s in sorted(scopes) for k in objects.get(s, [])])

    def drop_work(self, bucket: str, file_pk: str) -> None:
        """What was to be written and closed, once done."""
        self._objects.delete(
            bucket, self.change_keys(bucket, file_pk) + self.closing_keys(bucket, file_pk)
        )

    def drop_all(self, bucket: str, file_pk: str) -> None:
        """Everything a snapshot that will never apply wrote (refused late, or discarded)."""
        self._objects.delete(bucket, self._objects.keys_under(bucket, self.prefix(file_pk)))
