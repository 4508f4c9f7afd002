"""All DynamoDB access for the catalogues: saving formations with their search words, reading
one, and the pages of a search on the catalogue index (partition: the catalogue, order: the
normalised title), filtered by DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..models import Formation


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
                batch.save(Formation(data["id"], **{k: v for k, v in data.items() if k != "id"}))

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
