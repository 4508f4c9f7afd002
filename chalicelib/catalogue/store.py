"""All DynamoDB access for the catalogues: saving formations with their search words, reading
one, and the pages of a search on the catalogue index (partition: the catalogue, order: the
normalised title), filtered by DynamoDB; an organisme's own formations, on the index of its
SIRET, each written whole in one request (its search words and order with it, so the search
index follows at once) and only over the version its organisme read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from ..models import Formation, is_condition_failure


class VersionMoved(Exception):
    """The formation changed since it was read (or its id exists already)."""


@dataclass(frozen=True)
class Filters:
    terms: tuple[str, ...] = ()  # normalised words, each must begin a word of the formation
    departement: str | None = None  # formations there, and every distance one
    modalite: str | None = None
    prix_max_centimes: int | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.terms or self.departement or self.modalite or self.prix_max_centimes is not None
        )


class CatalogueStore:
    def save(self, formations: list[dict]) -> None:
        """formations: as validated by the importer, plus `tri` and `mots`."""
        with Formation.batch_write() as batch:
            for data in formations:
                fields = {k: v for k, v in data.items() if k != "id"}
                batch.save(Formation(data["id"], siret=data["organisme"]["siret"], **fields))

    def write(self, formation: Formation, *, new: bool = False) -> None:
        """Save an organisme's formation, new or still at the version read (a formation of the
        catalogue file has none yet); VersionMoved otherwise. The version is counted on."""
        read = formation.version
        condition: Any
        if new:
            condition = Formation.id.does_not_exist()
        elif read is None:
            condition = Formation.id.exists() & Formation.version.does_not_exist()
        else:
            condition = Formation.version == read
        formation.version = int(read or 0) + 1
        try:
            formation.save(condition=condition)
        except PutError as error:
            formation.version = read
            if is_condition_failure(error):
                raise VersionMoved() from None
            raise

    def of_organisme(
        self, siret: str, after: dict[str, str] | None, limit: int
    ) -> tuple[list[Formation], dict[str, str] | None]:
        """A page of an organisme's formations, by id (one query)."""
        start = {"id": {"S": after["id"]}, "siret": {"S": siret}} if after else None
        page = Formation.organisme_index.query(siret, limit=limit, last_evaluated_key=start)
        items = list(page)
        last = page.last_evaluated_key
        return items, ({"id": last["id"]["S"]} if last else None)

    def attach_to_organismes(self) -> int:
        """Formations saved before an organisme could list its own get its SIRET (the index of
        its list); how many. A migration's scan, never on a request's path; run again, it finds
        nothing left."""
        attached = 0
        for formation in Formation.scan(Formation.siret.does_not_exist()):
            try:
                formation.update(
                    actions=[Formation.siret.set(formation.organisme.siret)],
                    condition=Formation.siret.does_not_exist(),
                )
            except UpdateError as error:
                if not is_condition_failure(error):
                    raise
                continue  # attached meanwhile (a new import, the organisme's change)
            attached += 1
        return attached

    def get(self, formation_id: str) -> Formation | None:
        try:
            return Formation.get(formation_id)
        except Formation.DoesNotExist:
            return None

    def pages(
        self, catalogue: str, filters: Filters, after: dict[str, str] | None, page_size: int | None
    ) -> Iterator[tuple[list[Formation], dict[str, str] | None]]:
        """Pages of a search, each with the position to go on from (None: the end). `after`
        is such a position, or that of the last formation shown."""
        condition = None
        for term in filters.terms:
            condition &= Formation.mots.contains(f" {term}")
        if filters.departement:
            condition &= (Formation.departement == filters.departement) | (
                Formation.modalite == "a_distance"
            )
        if filters.modalite:
            condition &= Formation.modalite == filters.modalite
        if filters.prix_max_centimes is not None:
            condition &= Formation.prix_centimes <= filters.prix_max_centimes
        start = (
            {"id": {"S": after["id"]}, "catalogue": {"S": catalogue}, "tri": {"S": after["tri"]}}
            if after
            else None
        )
        results = Formation.catalogue_index.query(
            catalogue, filter_condition=condition, last_evaluated_key=start, page_size=page_size
        )
        for page in results.page_iter:
            last = page.get("LastEvaluatedKey")
            yield (
                [Formation.from_raw_data(raw) for raw in page.get("Items", [])],
                {"id": last["id"]["S"], "tri": last["tri"]["S"]} if last else None,
            )
