"""A FranceConnect stand-in on 127.0.0.1: an OpenID Connect provider with FranceConnect's
claims (identité pivot), serving discovery, JWKS, authorize (a page to pick an identity or
refuse), token (client secret, single-use codes, PKCE), userinfo (a signed JWT, as
FranceConnect v2) and end-session. `make run` and the tests log in through it over HTTP.

Tests may make it misbehave through `tamper` (a wrong audience, a missing nonce, a foreign
signing key, an expired token) to check that the API refuses what it must.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

CODE_TTL = 60
TOKEN_TTL = 60


@dataclass(frozen=True)
class Client:
    secret: str
    redirect_uris: tuple[str, ...]
    post_logout_uris: tuple[str, ...]


@dataclass
class Tamper:
    """How the next tokens go wrong (all off by default)."""

    id_token_claims: dict = field(default_factory=dict)  # claims to override
    drop_claims: tuple[str, ...] = ()  # claims to leave out, e.g. ("nonce",)
    foreign_key: bool = False  # sign with a key the JWKS does not publish


# Fictional people. Camille and Joël have demo accounts (local/seed.py); Anne-Sophie has none.
DEMO_IDENTITIES = (
    {
        "id": "camille",
        "given_name": "Camille",
        "family_name": "BERNARD",
        "preferred_username": "DURAND",
        "birthdate": "1975-03-08",
        "gender": "female",
        "birthplace": "35238",
        "birthcountry": "99100",
        "email": "camille.durand@exemple.fr",
    },
    {
        "id": "joel",
        "given_name": "Joël",
        "family_name": "BRUNET",
        "preferred_username": "",
        "birthdate": "1955-05-02",
        "gender": "male",
        "birthplace": "01053",
        "birthcountry": "99100",
        "email": "joel.brunet@exemple.fr",
    },
    {
        "id": "anne-sophie",
        "given_name": "Anne-Sophie Claire",
        "family_name": "PERRIN",
        "preferred_username": "MARCHAND",
        "birthdate": "1982-11-05",
        "gender": "female",
        "birthplace": "44109",
        "birthcountry": "99100",
        "email": "as.marchand@exemple.fr",
    },
)


class LocalFranceConnect:
    def __init__(
        self,
        host: str,
        port: int,
        clients: dict[str, Client],
        identities: tuple[dict, ...] = DEMO_IDENTITIES,
    ) -> None:
        self.clients = clients
        self.identities = {identity["id"]: identity for identity in identities}
        self.tamper = Tamper()
        self.logouts: list[dict] = []
        self._key, self._foreign = _signing_keys()
        self._requests: dict[str, dict] = {}
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self.issuer = f"http://{host}:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    @classmethod
    def for_stage(cls, settings, session, host: str, port: int) -> LocalFranceConnect:
        """The provider knowing the stage's API as its client, by the client secret the stage
        was provisioned with (port 0: any free port)."""
        secret = session.client("secretsmanager").get_secret_value(
            SecretId=settings.franceconnect_client_secret
        )["SecretString"]
        return cls(
            host,
            port,
            {
                settings.franceconnect_client_id: Client(
                    secret,
                    (settings.franceconnect_redirect_uri,),
                    (settings.franceconnect_post_logout_uri,),
                )
            },
        )

    def start(self) -> LocalFranceConnect:
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name="franceconnect"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- endpoints --------------------------------------------------------------------------
    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": [
                "openid",
                "given_name",
                "family_name",
                "preferred_username",
                "birthdate",
                "gender",
                "birthplace",
                "birthcountry",
                "email",
            ],
            # eidas2: the level of FranceConnect+, which the service asks to spend rights
            "acr_values_supported": list(ACR_LEVELS),
        }

    def jwks(self) -> dict:
        return {"keys": [self._key.as_dict(private=False)]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict, str]:
        client = self.clients.get(query.get("client_id", ""))
        if client is None or query.get("redirect_uri") not in client.redirect_uris:
            return 400, {}, _page("Demande refusée", "Client ou adresse de retour inconnus.")
        missing = [p for p in ("state", "nonce", "code_challenge") if not query.get(p)]
        if (
            query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
            or missing
            or query.get("code_challenge_method") != "S256"
        ):
            return _redirect(
                query["redirect_uri"], error="invalid_request", state=query.get("state", "")
            )
        request_id = secrets.token_urlsafe(16)
        with self._lock:
            self._requests[request_id] = dict(query)
        choices = "".join(
            f'<li><a class="identite" href="/authorize/consent?demande={request_id}&amp;'
            f'identite={html.escape(i["id"])}">Continuer en tant que '
            f"{html.escape(i['given_name'])} {html.escape(i['family_name'])}</a></li>"
            for i in self.identities.values()
        )
        return (
            200,
            {},
            _page(
                "FranceConnect+ (local)"
                if _acr(query.get("acr_values")) == "eidas2"
                else "FranceConnect (local)",
                f"<ul>{choices}</ul><p><a class="
                f'"refus" href="/authorize/consent?'
                f'demande={request_id}&amp;refus=1">'
                "Annuler</a></p>",
            ),
        )

    def consent(self, query: dict[str, str]) -> tuple[int, dict, str]:
        with self._lock:
            request = self._requests.pop(query.get("demande", ""), None)
        if request is None:
            return 400, {}, _page("Demande expirée", "Recommencez depuis le service.")
        if query.get("refus"):
            return _redirect(
                request["redirect_uri"],
                error="access_denied",
                error_description="L'usager a annulé la connexion.",
                state=request["state"],
            )
        identity = self.identities[query["identite"]]
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "request": request,
                "identity": identity,
                "expires": time.time() + CODE_TTL,
            }
        return _redirect(request["redirect_uri"], code=code, state=request["state"])

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict, str]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return _json(401, {"error": "invalid_client"})
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code serves once
        if (
            grant is None
            or grant["expires"] < time.time()
            or grant["request"]["client_id"] != client_id
            or grant["request"]["redirect_uri"] != form.get("redirect_uri")
            or form.get("grant_type") != "authorization_code"
        ):
            return _json(400, {"error": "invalid_grant"})
        challenge = (
            base64.urlsafe_b64encode(
                hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            )
            .rstrip(b"=")
            .decode()
        )
        if challenge != grant["request"]["code_challenge"]:
            return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access_token = secrets.token_urlsafe(32)
        sub = self.subject(grant["identity"], client_id)
        with self._lock:
            self._tokens[access_token] = {
                "identity": grant["identity"],
                "client_id": client_id,
                "sub": sub,
                "scope": grant["request"]["scope"],
            }
        claims = {
            "iss": self.issuer,
            "sub": sub,
            "aud": client_id,
            "iat": int(time.time()),
            "exp": int(time.time()) + TOKEN_TTL,
            "nonce": grant["request"]["nonce"],
            "acr": _acr(grant["request"].get("acr_values")),
            "at_hash": _half_hash(access_token),
        }
        claims.update(self.tamper.id_token_claims)
        for name in self.tamper.drop_claims:
            claims.pop(name, None)
        key = self._foreign if self.tamper.foreign_key else self._key
        id_token = jwt.encode({"alg": "RS256", "kid": "local-1"}, claims, key)
        return _json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": TOKEN_TTL,
                "id_token": id_token,
                "scope": grant["request"]["scope"],
            },
        )

    def userinfo(self, authorization: str) -> tuple[int, dict, str]:
        grant = self._tokens.get(authorization.removeprefix("Bearer ").strip())
        if grant is None:
            return _json(401, {"error": "invalid_token"})
        scopes = set(grant["scope"].split())
        claims = {
            name: value
            for name, value in grant["identity"].items()
            if name in scopes and value != ""
        }
        claims.update(sub=grant["sub"], iss=self.issuer, aud=grant["client_id"])
        body = jwt.encode({"alg": "RS256", "kid": "local-1"}, claims, self._key)
        return 200, {"Content-Type": "application/jwt"}, body

    def end_session(self, query: dict[str, str]) -> tuple[int, dict, str]:
        try:
            hint = jwt.decode(query.get("id_token_hint", ""), self._key).claims
        except Exception:  # noqa: BLE001 - any unreadable hint is refused alike
            return 400, {}, _page("Déconnexion refusée", "Jeton d'identité inconnu.")
        client = self.clients.get(hint.get("aud", ""))
        target = query.get("post_logout_redirect_uri", "")
        if client is None or target not in client.post_logout_uris:
            return 400, {}, _page("Déconnexion refusée", "Adresse de retour inconnue.")
        self.logouts.append({"sub": hint["sub"], "state": query.get("state")})
        return _redirect(target, state=query.get("state", ""))

    def subject(self, identity: dict, client_id: str) -> str:
        return subject_for(identity["id"], client_id)


@functools.lru_cache(maxsize=1)
def _signing_keys() -> tuple[RSAKey, RSAKey]:
    """Its key, and another with the same id (to forge signatures in tests). Made once per
    process: RSA key generation takes a while."""
    return (
        RSAKey.generate_key(
            2048, parameters={"kid": "local-1", "use": "sig", "alg": "RS256"}, private=True
        ),
        RSAKey.generate_key(2048, parameters={"kid": "local-1"}, private=True),
    )


ACR_LEVELS = ("eidas1", "eidas2")


def subject_for(identity_id: str, client_id: str) -> str:
    """A pseudonymous subject per identity and client, as FranceConnect gives."""
    return hashlib.sha256(f"{client_id}:{identity_id}".encode()).hexdigest() + "v1"


def _acr(asked: str | None) -> str:
    """The level given: the one asked for when this provider offers it."""
    wanted = (asked or "").split()
    return next((level for level in wanted if level in ACR_LEVELS), "eidas1")


def _half_hash(value: str) -> str:
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def _redirect(uri: str, **params: str) -> tuple[int, dict, str]:
    separator = "&" if "?" in uri else "?"
    return 302, {"Location": uri + separator + urlencode(params)}, ""


def _json(status: int, body: dict) -> tuple[int, dict, str]:
    return (
        status,
        {"Content-Type": "application/json", "Cache-Control": "no-store"},
        json.dumps(body),
    )


def _page(title: str, content: str) -> str:
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}'
        f"</title></head><body><h1>{title}</h1>{content}</body></html>"
    )


def _handler(provider: LocalFranceConnect):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet: tests and `make run` print enough
            pass

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

        def _answer(self, result: tuple[int, dict, str]) -> None:
            status, headers, body = result
            data = body.encode()
            self.send_response(status)
            headers = {"Content-Type": "text/html; charset=utf-8", **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path = urlparse(self.path).path
            authorization = self.headers.get("Authorization", "")
            routes = {
                "/.well-known/openid-configuration": lambda: _json(200, provider.discovery()),
                "/jwks": lambda: _json(200, provider.jwks()),
                "/authorize": lambda: provider.authorize(self._query()),
                "/authorize/consent": lambda: provider.consent(self._query()),
                "/userinfo": lambda: provider.userinfo(authorization),
                "/session/end": lambda: provider.end_session(self._query()),
            }
            route = routes.get(path)
            self._answer(route() if route else (404, {}, _page("Introuvable", "")))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path == "/token":
                self._answer(provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._answer((404, {}, _page("Introuvable", "")))

    return Handler
