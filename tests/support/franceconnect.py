"""A browser logging in with FranceConnect: the API through Chalice's test client, the local
FranceConnect over HTTP, cookies kept between them as a browser would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlparse

import requests


@dataclass
class Landing:
    """Where the API sent the browser after FranceConnect."""

    status: int
    location: str

    @property
    def path(self) -> str:
        return urlparse(self.location).path

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlparse(self.location).query).items()}


class FcBrowser:
    def __init__(self, client, provider) -> None:
        self.client = client
        self.provider = provider
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, path: str, headers: dict | None = None):
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        response = self.client.http.get(path, headers=sent)
        self.keep_cookies(response.headers)
        return response

    def post(self, path: str, body: dict, form: bool = False):
        """A JSON call, or (`form`) a form's submission, as the logout button sends it."""
        import json
        from urllib.parse import urlencode

        headers = {
            "Content-Type": "application/x-www-form-urlencoded" if form else "application/json"
        }
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        payload = urlencode(body) if form else json.dumps(body)
        response = self.client.http.post(path, headers=headers, body=payload)
        self.keep_cookies(response.headers)
        return response

    def keep_cookies(self, headers: dict) -> None:
        values = headers.get("Set-Cookie") or headers.get("set-cookie") or []
        for value in [values] if isinstance(values, str) else values:
            for name, morsel in SimpleCookie(value).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def start(self, query: str = "") -> str:
        """Click "S'identifier avec FranceConnect": the provider's authorize URL."""
        response = self.get("/auth/franceconnect" + (f"?{query}" if query else ""))
        assert response.status_code == 303, response.body
        return response.headers["Location"]

    def consent(self, authorize_url: str, identity: str | None) -> str:
        """Pick an identity on FranceConnect's page (None: cancel); where it sends us back."""
        page = requests.get(authorize_url, timeout=5)
        assert page.status_code == 200, page.text
        pattern = (
            r'class="refus" href="([^"]+)"'
            if identity is None
            else (rf'href="([^"]+identite={re.escape(identity)})"')
        )
        link = re.search(pattern, page.text).group(1).replace("&amp;", "&")
        answer = requests.get(self.provider.root + link, allow_redirects=False, timeout=5)
        assert answer.status_code == 302
        return answer.headers["Location"]

    def come_back(self, callback_url: str) -> Landing:
        parsed = urlparse(callback_url)
        path = parsed.path.removeprefix("/api")
        response = self.get(f"{path}?{parsed.query}")
        return Landing(response.status_code, response.headers.get("Location", ""))

    def login(self, identity: str | None, query: str = "") -> Landing:
        return self.come_back(self.consent(self.start(query), identity))
