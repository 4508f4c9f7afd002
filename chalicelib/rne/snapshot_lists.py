"""What each snapshot lists, per scope, kept in S3 beside the files: the base of the next one.

`rne-etat/<file>/<scope>/<first line>.json` holds the entries of a chunk's rows in one scope
(mandate type and département): identity key, mandate key, the copies' keys, the stored values
and their digest. A new snapshot compares itself with its scopes' current lists, so it writes
only the mandates that are new or changed, closes the absent ones with their stored values, and
queries no table. `rne-etat/<file>/~changements/` holds what is to be written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .rows import MandateRow
from .s3_store import RneObjects

STATE_PREFIX = "rne-etat/"
CHANGES = "~changements"
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


@dataclass(frozen=True)
class Listed:
    """One mandate of a snapshot, as stored: under its identity key and copies' keys."""

    person_key: str
    mandate_key: str
    aliases: tuple[str, ...]
    values: tuple[str | None, ...]  # VALUE_FIELDS
    digest: str
    line: int

    @property
    def item(self) -> str:
        return f"{self.person_key}|{self.mandate_key}"

    @property
    def keys(self) -> list[str]:
        return [self.person_key, *self.aliases]

    @property
    def scope(self) -> str:
        return self.value("scope") or ""

    def value(self, name: str) -> str | None:
        return self.values[VALUE_FIELDS.index(name)]

    def attributes(self) -> dict[str, str | None]:
        return dict(zip(VALUE_FIELDS, self.values, strict=True))

    def as_entry(self) -> list:
        return [
            self.person_key,
            self.mandate_key,
            self.digest,
            list(self.aliases),
            list(self.values),
            self.line,
        ]

    @classmethod
    def from_entry(cls, entry: list) -> Listed:
        person_key, mandate_key, digest, aliases, values, line = entry
        return cls(person_key, mandate_key, tuple(aliases), tuple(values), digest, line)


def listed(line: int, keys: list[str], mandate: MandateRow) -> Listed:
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
    digest = hashlib.blake2b(
        json.dumps([aliases, values], ensure_ascii=False).encode(), digest_size=8
    ).hexdigest()
    return Listed(keys[0], mandate.mandate_key, aliases, values, digest, line)


class SnapshotLists:
    def __init__(self, objects: RneObjects) -> None:
        self._objects = objects

    @staticmethod
    def prefix(file_pk: str, scope: str | None = None) -> str:
        folder = f"{STATE_PREFIX}{file_pk.split('#', 1)[1]}/"
        return folder if scope is None else f"{folder}{scope.replace('#', '-')}/"

    def write(self, bucket: str, file_pk: str, first_line: int, entries: list[Listed]) -> None:
        """A chunk's entries, one object per scope."""
        by_scope: dict[str, list[list]] = {}
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

    def scope(self, bucket: str, file_pk: str, scope: str) -> dict[str, Listed]:
        """item -> entry, of everything a snapshot listed in one scope."""
        out: dict[str, Listed] = {}
        for key in self._objects.keys_under(bucket, self.prefix(file_pk, scope)):
            for entry in self._objects.read_json(bucket, key):
                listed_entry = Listed.from_entry(entry)
                out[listed_entry.item] = listed_entry
        return out

    def change_keys(self, bucket: str, file_pk: str) -> list[str]:
        return self._objects.keys_under(bucket, self.prefix(file_pk, CHANGES))

    def read(self, bucket: str, keys: Iterable[str]) -> Iterator[Listed]:
        for key in keys:
            for entry in self._objects.read_json(bucket, key):
                yield Listed.from_entry(entry)

    def drop_scope(self, bucket: str, file_pk: str, scope: str) -> None:
        self._objects.delete(bucket, self._objects.keys_under(bucket, self.prefix(file_pk, scope)))

    def drop_changes(self, bucket: str, file_pk: str) -> None:
        self._objects.delete(bucket, self.change_keys(bucket, file_pk))

    def drop_all(self, bucket: str, file_pk: str) -> None:
        """Everything a snapshot that will never apply wrote (refused late, or discarded)."""
        self._objects.delete(bucket, self._objects.keys_under(bucket, self.prefix(file_pk)))
