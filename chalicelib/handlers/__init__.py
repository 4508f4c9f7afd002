"""The API's blueprints, in the order the app registers them: importing them fills the
registry of operations the OpenAPI document is assembled from."""

from . import (
    accounts,
    catalogue,
    docs,
    dossiers,
    evaluations,
    franceconnect,
    health,
    me,
    organismes,
    password_resets,
    payments,
    publication,
    rights,
    rne,
    sessions,
    signup,
    support,
    webhooks,
)

BLUEPRINTS = (
    health,
    docs,
    signup,
    accounts,
    sessions,
    franceconnect,
    me,
    organismes,
    publication,
    password_resets,
    rights,
    catalogue,
    dossiers,
    evaluations,
    payments,
    support,
    rne,
    webhooks,
)
