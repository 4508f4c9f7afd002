"""The floor of the stack: a Chalice app whose one route is one PynamoDB GetItem, and nothing
else (no Powertools, no pydantic). The benchmarks measure the app beside it: what a cold
container or a request costs beyond Chalice, botocore and PynamoDB themselves.

Like the app's models, the table's region and endpoint are botocore's own, read when the first
request builds the client (AWS_DEFAULT_REGION, AWS_ENDPOINT_URL): importing this reads no
environment and opens no connection.

    from bench.bare_app import app, create_table, put
    create_table(); put("k", "v")   # then GET /bare/k through chalice.test.Client or local
"""

from __future__ import annotations

from chalice import Chalice, NotFoundError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

TABLE = "mce-bench-bare"

app = Chalice(app_name="bare")


class Item(Model):
    class Meta:
        table_name = TABLE

    key = UnicodeAttribute(hash_key=True)
    value = UnicodeAttribute()


@app.route("/bare/{key}", methods=["GET"])
def read(key: str) -> dict:
    try:
        item = Item.get(key)
    except Item.DoesNotExist:
        raise NotFoundError(key) from None
    return {"key": item.key, "value": item.value}


def create_table() -> None:
    """The table, on demand, if it is not there yet."""
    if not Item.exists():
        Item.create_table(billing_mode="PAY_PER_REQUEST", wait=True)


def put(key: str, value: str) -> None:
    Item(key, value=value).save()
