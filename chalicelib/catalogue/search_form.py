"""The search form of the catalogues (light to import: the OpenAPI document is built from it)."""

from ..fields import Amount, Choice, Form, Pattern, Text
from .importer import CATALOGUES, MODALITES

SEARCH = Form(
    {
        "catalogue": Choice("Catalogue", CATALOGUES),
        "q": Text("Recherche", required=False, description="Mots-clés, sans accents ni casse"),
        "departement": Pattern(
            "Département",
            required=False,
            max_length=3,
            pattern=r"\d{1,3}|2[AB]",
            message="Département : un code comme 35, 2A ou 974.",
        ),
        "modalite": Choice("Modalité", MODALITES, required=False),
        "prix_max": Amount("Prix maximum", required=False),
    }
)
