"""FranceConnect and FranceConnect+ stand-ins on 127.0.0.1, one server: OpenID Connect
providers with FranceConnect's claims (identité pivot), each on its own path as the real ones
are on their own hosts (FranceConnect `/api/v2`, FranceConnect+ `/plus/api/v2`), serving
discovery, JWKS, authorize (a page to pick an identity or refuse), token (client secret,
single-use codes, PKCE), userinfo (a JWT) and end-session. `make run` and the tests log in
through them over HTTP.

FranceConnect signs its tokens (RS256). FranceConnect+, as its documentation for service
providers says, signs them with ES256 and encrypts them (JWE, ECDH-ES or RSA-OAEP with
A256GCM) to a key of the JWKS the service publishes; it serves eIDAS substantiel and élevé
only (`eidas2`, `eidas3`; the highest when none is asked; never `eidas1`) and wants a state
and a nonce of at least 32 characters. Each platform knows its own clients.

Tests may make it misbehave through `tamper` (a wrong audience, a missing nonce, a foreign
signing key, an expired token, a token not encrypted, encrypted to a foreign key, or signed
with RS256) to check that the API refuses what it must.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwe, jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

CODE_TTL = 60
TOKEN_TTL = 60
SERVICE_KEYS_MAX_AGE = 300  # how long a platform keeps a service's JWKS before reading it again
CONTENT_ENCRYPTION = "A256GCM"


@dataclass(frozen=True)
class Platform:
    name: str
    path: str  # where it answers on this server
    levels: tuple[str, ...]  # the eIDAS levels it serves, the highest last
    signing: str  # the signing algorithm it announces and uses
    encrypts: bool
    min_random: int = 0  # the least length of state and nonce


FRANCECONNECT = Platform("franceconnect", "/api/v2", ("eidas1",), "RS256", encrypts=False)
FRANCECONNECT_PLUS = Platform(
    "franceconnect_plus",
    "/plus/api/v2",
    ("eidas2", "eidas3"),
    "ES256",
    encrypts=True,
    min_random=32,
)
PLATFORMS = (FRANCECONNECT, FRANCECONNECT_PLUS)


@dataclass(frozen=True)
class Client:
    secret: str
    redirect_uris: tuple[str, ...]
    post_logout_uris: tuple[str, ...]
    platform: Platform = FRANCECONNECT
    # FranceConnect+: the service's public encryption keys (its JWKS URL, read over HTTP)
    encryption_keys: Callable[[], dict] | None = None


@dataclass
class Tamper:
    """How the next tokens go wrong (all off by default)."""

    id_token_claims: dict = field(default_factory=dict)  # claims to override
    drop_claims: tuple[str, ...] = ()  # claims to leave out, e.g. ("nonce",)
    foreign_key: bool = False  # sign with a key the JWKS does not publish
    not_encrypted: bool = False  # FranceConnect+: sign only
    foreign_encryption_key: bool = False  # FranceConnect+: encrypt to another key, same kid
    signing: str | None = None  # "RS256": FranceConnect+ signs with a published RSA key


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
    {
        "id": "nathalie",
        "given_name": "Nathalie",
        "family_name": "KERBRAT",
        "preferred_username": "",
        "birthdate": "1970-06-15",
        "gender": "female",
        "birthplace": "29232",
        "birthcountry": "99100",
        "email": "nathalie.kerbrat@exemple.fr",
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
        self._keys = _signing_keys()
        self._requests: dict[str, dict] = {}
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._issued: dict[str, dict] = {}  # the ID tokens given, for end-session's hint
        self._service_keys: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self.root = f"http://{host}:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    @property
    def issuer(self) -> str:
        """FranceConnect's issuer."""
        return self.issuer_of(FRANCECONNECT)

    @property
    def plus_issuer(self) -> str:
        return self.issuer_of(FRANCECONNECT_PLUS)

    def issuer_of(self, platform: Platform) -> str:
        return self.root + platform.path

    @classmethod
    def for_stage(
        cls,
        settings,
        session,
        host: str,
        port: int,
        service_keys: Callable[[], dict] | None = None,
    ) -> LocalFranceConnect:
        """The platforms knowing the stage's API as their client, by the client secrets the
        stage was provisioned with (port 0: any free port). FranceConnect+ reads the service's
        encryption keys at its JWKS URL (beside the callback), or from `service_keys`."""
        import requests

        def read(name: str) -> str:
            return session.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"]

        jwks_url = settings.franceconnect_redirect_uri.removesuffix("/callback") + "/jwks"

        def fetch() -> dict:
            response = requests.get(jwks_url, timeout=5)
            response.raise_for_status()
            return response.json()

        uris = (settings.franceconnect_redirect_uri,), (settings.franceconnect_post_logout_uri,)
        return cls(
            host,
            port,
            {
                settings.franceconnect_client_id: Client(
                    read(settings.franceconnect_client_secret), *uris
                ),
                settings.franceconnect_plus_client_id: Client(
                    read(settings.franceconnect_plus_client_secret),
                    *uris,
                    platform=FRANCECONNECT_PLUS,
                    encryption_keys=service_keys or fetch,
                ),
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

    def forget_service_keys(self) -> None:
        """Read the services' JWKS again at the next token (as after its cache expired)."""
        with self._lock:
            self._service_keys.clear()

    # --- endpoints --------------------------------------------------------------------------
    def discovery(self, platform: Platform) -> dict:
        issuer = self.issuer_of(platform)
        document = {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "end_session_endpoint": f"{issuer}/session/end",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [platform.signing],
            "userinfo_signing_alg_values_supported": [platform.signing],
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
            "claims_parameter_supported": True,
            "acr_values_supported": list(platform.levels),
        }
        if platform.encrypts:
            document.update(
                {
                    f"{token}_encryption_{kind}_values_supported": values
                    for token in ("id_token", "userinfo")
                    for kind, values in (
                        ("alg", ["ECDH-ES", "RSA-OAEP"]),
                        ("enc", [CONTENT_ENCRYPTION]),
                    )
                }
            )
        return document

    def jwks(self, platform: Platform) -> dict:
        keys = [self._keys[platform.signing][0].as_dict(private=False)]
        if platform.encrypts and self.tamper.signing == "RS256":
            keys.append(self._keys["RS256"][0].as_dict(private=False))
        return {"keys": keys}

    def authorize(self, platform: Platform, query: dict[str, str]) -> tuple[int, dict, str]:
        client = self.clients.get(query.get("client_id", ""))
        if (
            client is None
            or client.platform != platform
            or query.get("redirect_uri") not in client.redirect_uris
        ):
            return 400, {}, _page("Demande refusée", "Client ou adresse de retour inconnus.")
        missing = [p for p in ("state", "nonce", "code_challenge") if not query.get(p)]
        short = [p for p in ("state", "nonce") if len(query.get(p, "")) < platform.min_random]
        level = _level(platform, query.get("acr_values"))
        if (
            query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
            or missing
            or short
            or level is None
            or query.get("code_challenge_method") != "S256"
        ):
            return _redirect(
                query["redirect_uri"], error="invalid_request", state=query.get("state", "")
            )
        if client.encryption_keys is not None:
            try:  # the service's keys, read as a login begins when they are old
                self._read_service_keys(query["client_id"], unless_fresh=True)
            except Exception:  # noqa: BLE001 - unreachable or unreadable: as the real one says
                return _redirect(
                    query["redirect_uri"], error="server_error", state=query.get("state", "")
                )
        request_id = secrets.token_urlsafe(16)
        with self._lock:
            self._requests[request_id] = {**query, "acr": level}
        consent = f"{platform.path}/authorize/consent?demande={request_id}"
        choices = "".join(
            f'<li><a class="identite" href="{consent}&amp;'
            f'identite={html.escape(i["id"])}">Continuer en tant que '
            f"{html.escape(i['given_name'])} {html.escape(i['family_name'])}</a></li>"
            for i in self.identities.values()
        )
        title = "FranceConnect+ (local)" if platform.encrypts else "FranceConnect (local)"
        return (
            200,
            {},
            _page(
                title,
                f'<ul>{choices}</ul><p><a class="refus" href="{consent}&amp;refus=1">'
                "Annuler</a></p>",
            ),
        )

    def consent(self, platform: Platform, query: dict[str, str]) -> tuple[int, dict, str]:
        with self._lock:
            request = self._requests.pop(query.get("demande", ""), None)
        if request is None or self.clients[request["client_id"]].platform != platform:
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

    def token(
        self, platform: Platform, form: dict[str, str], authorization: str
    ) -> tuple[int, dict, str]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        client = self.clients.get(client_id)
        if (
            client is None
            or client.platform != platform
            or not secrets.compare_digest(client.secret, secret)
        ):
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
            "iss": self.issuer_of(platform),
            "sub": sub,
            "aud": client_id,
            "iat": int(time.time()),
            "exp": int(time.time()) + TOKEN_TTL,
            "nonce": grant["request"]["nonce"],
            "acr": grant["request"]["acr"],
            "at_hash": _half_hash(access_token),
        }
        if platform.encrypts:
            claims["amr"] = ["fc"]
        claims.update(self.tamper.id_token_claims)
        for name in self.tamper.drop_claims:
            claims.pop(name, None)
        id_token = self._seal(platform, client_id, claims, foreign=self.tamper.foreign_key)
        with self._lock:
            self._issued[id_token] = claims
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

    def userinfo(self, platform: Platform, authorization: str) -> tuple[int, dict, str]:
        grant = self._tokens.get(authorization.removeprefix("Bearer ").strip())
        if grant is None or self.clients[grant["client_id"]].platform != platform:
            return _json(401, {"error": "invalid_token"})
        scopes = set(grant["scope"].split())
        claims = {
            name: value
            for name, value in grant["identity"].items()
            if name in scopes and (value != "" or name == "birthplace")
        }
        claims.update(sub=grant["sub"], iss=self.issuer_of(platform), aud=grant["client_id"])
        body = self._seal(platform, grant["client_id"], claims)
        return 200, {"Content-Type": "application/jwt"}, body

    def end_session(self, platform: Platform, query: dict[str, str]) -> tuple[int, dict, str]:
        hint = self._issued.get(query.get("id_token_hint", ""))
        client = self.clients.get(hint["aud"]) if hint else None
        if client is None or client.platform != platform:
            return 400, {}, _page("Déconnexion refusée", "Jeton d'identité inconnu.")
        target = query.get("post_logout_redirect_uri", "")
        if target not in client.post_logout_uris or not query.get("state"):
            return 400, {}, _page("Déconnexion refusée", "Adresse de retour inconnue.")
        self.logouts.append({"sub": hint["sub"], "state": query.get("state")})
        return _redirect(target, state=query.get("state", ""))

    def subject(self, identity: dict, client_id: str) -> str:
        return subject_for(identity["id"], client_id)

    # --- JOSE -------------------------------------------------------------------------------
    def _seal(self, platform: Platform, client_id: str, claims: dict, foreign=False) -> str:
        """Signed by the platform; on FranceConnect+ then encrypted to the client's key."""
        algorithm = platform.signing
        if platform.encrypts and self.tamper.signing:
            algorithm = self.tamper.signing
        key, other = self._keys[algorithm]
        kid = key.kid
        signed = jwt.encode({"alg": algorithm, "kid": kid}, claims, other if foreign else key)
        if not platform.encrypts or self.tamper.not_encrypted:
            return signed
        public = self._encryption_key(client_id)
        if self.tamper.foreign_encryption_key:
            public = _generated(public)
        header = {
            "alg": public.get("alg") or _default_encryption(public),
            "enc": CONTENT_ENCRYPTION,
            "cty": "JWT",
            "kid": public.get("kid"),
        }
        return jwe.encrypt_compact(
            header,
            signed,
            KeySet.import_key_set({"keys": [public]}).keys[0],
            algorithms=[header["alg"], CONTENT_ENCRYPTION],
        )

    def _read_service_keys(self, client_id: str, unless_fresh: bool) -> dict:
        """The service's JWKS, read again when older than SERVICE_KEYS_MAX_AGE (`unless_fresh`)
        or never read."""
        with self._lock:
            cached = self._service_keys.get(client_id)
        stale = cached is None or time.monotonic() - cached[0] > SERVICE_KEYS_MAX_AGE
        if cached is None or (unless_fresh and stale):
            cached = (time.monotonic(), self.clients[client_id].encryption_keys())
            with self._lock:
                self._service_keys[client_id] = cached
        return cached[1]

    def _encryption_key(self, client_id: str) -> dict:
        """The first encryption key of the JWKS read when the login began (not read during
        the token request: the API that publishes it may be the very container waiting for
        that answer)."""
        keys = self._read_service_keys(client_id, unless_fresh=False)
        return next(k for k in keys["keys"] if k.get("use", "enc") == "enc")


@functools.lru_cache(maxsize=1)
def _signing_keys() -> dict[str, tuple]:
    """Per algorithm, the key and another with the same id (to forge signatures in tests).
    Made once per process: RSA key generation takes a while."""
    return {
        "RS256": (
            RSAKey.generate_key(
                2048, parameters={"kid": "local-1", "use": "sig", "alg": "RS256"}, private=True
            ),
            RSAKey.generate_key(2048, parameters={"kid": "local-1"}, private=True),
        ),
        "ES256": (
            ECKey.generate_key(
                "P-256", parameters={"kid": "local-plus-1", "use": "sig", "alg": "ES256"}
            ),
            ECKey.generate_key("P-256", parameters={"kid": "local-plus-1"}),
        ),
    }


def _generated(public: dict) -> dict:
    """Another key of the same type, claiming the same id."""
    if public.get("kty") == "RSA":
        key = RSAKey.generate_key(2048, parameters={"kid": public.get("kid")})
    else:
        key = ECKey.generate_key(public.get("crv", "P-256"), parameters={"kid": public.get("kid")})
    return {**key.as_dict(private=False), "alg": public.get("alg")}


def _default_encryption(public: dict) -> str:
    return "ECDH-ES" if public.get("kty") == "EC" else "RSA-OAEP"


def subject_for(identity_id: str, client_id: str) -> str:
    """A pseudonymous subject per identity and client, as FranceConnect gives (the clients of
    FranceConnect and FranceConnect+ differ: so do a person's subjects)."""
    return hashlib.sha256(f"{client_id}:{identity_id}".encode()).hexdigest() + "v1"


def _level(platform: Platform, asked: str | None) -> str | None:
    """The level given: the first asked that the platform serves; none asked, its highest.
    FranceConnect gives eidas1 whatever is asked; FranceConnect+ refuses a request for
    levels it does not serve (None)."""
    wanted = (asked or "").split()
    if not platform.encrypts:
        return "eidas1"
    if not wanted:
        return platform.levels[-1]
    return next((level for level in wanted if level in platform.levels), None)


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

        def _route(self) -> tuple[Platform | None, str]:
            path = urlparse(self.path).path
            # the longest path first: FranceConnect+'s begins with another prefix
            for platform in sorted(PLATFORMS, key=lambda p: -len(p.path)):
                if path.startswith(platform.path + "/"):
                    return platform, path.removeprefix(platform.path)
            return None, path

        def do_GET(self) -> None:
            platform, path = self._route()
            authorization = self.headers.get("Authorization", "")
            routes = {
                "/.well-known/openid-configuration": lambda: _json(
                    200, provider.discovery(platform)
                ),
                "/jwks": lambda: _json(200, provider.jwks(platform)),
                "/authorize": lambda: provider.authorize(platform, self._query()),
                "/authorize/consent": lambda: provider.consent(platform, self._query()),
                "/userinfo": lambda: provider.userinfo(platform, authorization),
                "/session/end": lambda: provider.end_session(platform, self._query()),
            }
            route = routes.get(path) if platform else None
            self._answer(route() if route else (404, {}, _page("Introuvable", "")))

        def do_POST(self) -> None:
            platform, path = self._route()
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if platform and path == "/token":
                authorization = self.headers.get("Authorization", "")
                self._answer(provider.token(platform, form, authorization))
            else:
                self._answer((404, {}, _page("Introuvable", "")))

    return Handler
