"""The form of a request for a place (light to import: the OpenAPI document is built from
it)."""

from ..fields import Form, Identifier

DOSSIER_REQUEST = Form(
    {"formation_id": Identifier("Formation"), "session_id": Identifier("Session", 40)}
)
