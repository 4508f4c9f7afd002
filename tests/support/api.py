"""A thin client over chalice.test.Client that checks every answer against the OpenAPI spec."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from jsonschema import Draft202012Validator

from chalicelib.openapi import spec


@dataclass
class ApiResponse:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def content_type(self) -> str:
        return {k.lower(): v for k, v in self.headers.items()}.get("content-type", "")


def _template_for(path: str) -> str:
    for template in spec()["paths"]:
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not described in the OpenAPI document")


def check_against_spec(method: str, path: str, response: ApiResponse) -> None:
    document = spec()
    operation = document["paths"][_template_for(path.split("?")[0])][method.lower()]
    described = operation["responses"].get(str(response.status))
    assert described is not None, (
        f"{method} {path} answered {response.status}, which the OpenAPI document does not "
        f"describe: {response.body[:300]!r}"
    )
    content = described.get("content")
    if not content:
        return
    media_type = response.content_type.split(";")[0]
    assert media_type in content, f"{method} {path}: {media_type} not in {list(content)}"
    schema = {**content[media_type]["schema"], "components": document["components"]}
    if schema.get("format") == "binary":  # a file (an attestation): bytes, not JSON
        assert response.body, f"{method} {path}: an empty file"
        return
    Draft202012Validator(schema).validate(response.json)


class Api:
    def __init__(self, client) -> None:
        self._client = client

    def request(
        self,
        method: str,
        path: str,
        body=None,
        token: str | None = None,
        headers: dict | None = None,
        raw: bytes | str | None = None,
    ) -> ApiResponse:
        sent = {"Content-Type": "application/json"}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        result = self._client.http.request(method, path, headers=sent, body=payload or b"")
        response = ApiResponse(result.status_code, dict(result.headers), result.body)
        check_against_spec(method, path, response)
        return response

    def get(self, path: str, **kwargs) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body=None, **kwargs) -> ApiResponse:
        return self.request("POST", path, body=body, **kwargs)

    def put(self, path: str, body=None, **kwargs) -> ApiResponse:
        return self.request("PUT", path, body=body, **kwargs)

    def delete(self, path: str, **kwargs) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)

    def patch(self, path: str, body=None, **kwargs) -> ApiResponse:
        return self.request("PATCH", path, body=body, **kwargs)
