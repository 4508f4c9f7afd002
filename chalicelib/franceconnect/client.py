"""The OpenID Connect relying party: authorization code flow with state, nonce and PKCE
(Authlib), ID token and userinfo checked against the provider's JWKS (joserfc, Authlib's
OpenID claims rules): signature, issuer, audience, expiry, nonce, access token hash.

One client per platform. FranceConnect signs its tokens; FranceConnect+ signs them with ES256
and encrypts them (JWE) to the service's public keys: its client is given the service's
private keys and refuses any token that is not encrypted, encrypted to another key, or signed
otherwise than the platform announces.

Nothing here reads settings or opens a connection before it is used.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from .encryption_keys import ACCEPTED_KEY_ALGORITHMS, CONTENT_ALGORITHM

if TYPE_CHECKING:
    from joserfc.jwk import KeySet, KeySetSerialization

ALGORITHMS = ("RS256", "ES256")  # what FranceConnect signs with; never "none", never HMAC
SCOPES = (
    "openid",
    "given_name",
    "family_name",
    "preferred_username",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
)
LEEWAY_SECONDS = 60
METADATA_MAX_AGE = 3600
TIMEOUT_SECONDS = 5


class FranceConnectError(Exception):
    """The login cannot go on. `motif` says why, for the page the person lands on; the message
    never quotes a token or a code."""

    def __init__(self, motif: str, detail: str = "") -> None:
        super().__init__(f"{motif}: {detail}" if detail else motif)
        self.motif = motif


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_uri: str
    signing_algorithms: tuple[str, ...] = ALGORITHMS
    # FranceConnect+: the service's private keys (refresh=True: read them again, after a
    # rotation); None: tokens are signed only (FranceConnect)
    decryption_keys: Callable[[bool], KeySet] | None = None
    authorize_params: dict[str, str] = field(default_factory=lambda: {"prompt": "login consent"})


class OidcClient:
    def __init__(self, config: OidcConfig, http=None) -> None:
        import requests

        self._config = config
        self._http = http or requests.Session()
        self._metadata: tuple[float, dict] | None = None
        self._jwks: dict | None = None

    # --- provider ---------------------------------------------------------------------------
    def metadata(self) -> dict:
        if self._metadata is None or time.monotonic() - self._metadata[0] > METADATA_MAX_AGE:
            document = self._get_json(f"{self._config.issuer}/.well-known/openid-configuration")
            if document.get("issuer", "").rstrip("/") != self._config.issuer:
                raise FranceConnectError("fournisseur_indisponible", "issuer mismatch")
            self._metadata = (time.monotonic(), document)
            self._jwks = None
        return self._metadata[1]

    def _key_set(self, refresh: bool = False):
        from joserfc.jwk import KeySet

        if self._jwks is None or refresh:
            self._jwks = self._get_json(self.metadata()["jwks_uri"])
        return KeySet.import_key_set(cast("KeySetSerialization", self._jwks))  # joserfc checks it

    def _get_json(self, url: str) -> dict:
        import requests

        try:
            response = self._http.get(url, timeout=TIMEOUT_SECONDS)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise FranceConnectError("fournisseur_indisponible", type(error).__name__) from None

    def _session(self):
        from authlib.integrations.requests_client import OAuth2Session

        session = OAuth2Session(
            self._config.client_id,
            self._config.client_secret,
            scope=" ".join(SCOPES),
            redirect_uri=self._config.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
        )
        session.mount("https://", self._http.get_adapter("https://"))
        session.mount("http://", self._http.get_adapter("http://"))
        return session

    # --- the flow ---------------------------------------------------------------------------
    def authorization_url(
        self, state: str, nonce: str, code_verifier: str, acr: str = "eidas1"
    ) -> str:
        url, _ = self._session().create_authorization_url(
            self.metadata()["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=code_verifier,
            acr_values=acr,
            **self._config.authorize_params,
        )
        return url

    def exchange_code(self, code: str, code_verifier: str) -> dict:
        """The tokens for an authorization code (single use: a replayed code is refused)."""
        import requests
        from authlib.integrations.base_client import OAuthError

        try:
            token = self._session().fetch_token(
                self.metadata()["token_endpoint"],
                code=code,
                code_verifier=code_verifier,
                grant_type="authorization_code",
                timeout=TIMEOUT_SECONDS,
            )
        except OAuthError as error:
            raise FranceConnectError("code_invalide", error.error or "") from None
        except (requests.RequestException, ValueError) as error:
            raise FranceConnectError("fournisseur_indisponible", type(error).__name__) from None
        if not token.get("id_token") or not token.get("access_token"):
            raise FranceConnectError("jeton_invalide", "no id_token")
        return dict(token)

    def verify_id_token(self, token: dict, nonce: str) -> dict:
        """The ID token's claims, once its signature, issuer, audience, dates, nonce and access
        token hash are right."""
        from authlib.oidc.core import CodeIDToken

        decoded = self._decode(token["id_token"])
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {
                "iss": {"essential": True, "values": [self.metadata()["issuer"]]},
                "aud": {"essential": True},
                "exp": {"essential": True},
                "iat": {"essential": True},
                "nonce": {"essential": True},
                "sub": {"essential": True},
            },
            {
                "nonce": nonce,
                "client_id": self._config.client_id,
                "access_token": token["access_token"],
            },
        )
        self._validate(claims)
        return dict(claims)

    def userinfo(self, access_token: str, sub: str) -> dict:
        """The identity claims, for the subject of the ID token only (a signed JWT is checked
        like the ID token; plain JSON is taken as the TLS channel vouches for it, except on
        FranceConnect+, which always encrypts)."""
        import requests
        from authlib.oauth2.claims import JWTClaims

        try:
            response = self._http.get(
                self.metadata()["userinfo_endpoint"],
                timeout=TIMEOUT_SECONDS,
                headers={"Authorization": f"Bearer {access_token}"},
            )
            response.raise_for_status()
        except requests.RequestException as error:
            raise FranceConnectError("fournisseur_indisponible", type(error).__name__) from None
        if response.headers.get("Content-Type", "").startswith("application/jwt"):
            decoded = self._decode(response.text.strip())
            claims = JWTClaims(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "values": [self.metadata()["issuer"]]},
                    "aud": {"essential": True, "values": [self._config.client_id]},
                },
            )
            self._validate(claims)
            claims = dict(claims)
        elif self._config.decryption_keys is not None:
            raise FranceConnectError("jeton_invalide", "userinfo not encrypted")
        else:
            try:
                claims = response.json()
            except ValueError:
                raise FranceConnectError("jeton_invalide", "userinfo") from None
        if claims.get("sub") != sub:
            raise FranceConnectError("jeton_invalide", "userinfo sub")
        return claims

    def logout_url(self, id_token: str, state: str) -> str:
        return f"{self.metadata()['end_session_endpoint']}?" + urlencode(
            {
                "id_token_hint": id_token,
                "state": state,
                "post_logout_redirect_uri": self._config.post_logout_uri,
            }
        )

    # --- JOSE -------------------------------------------------------------------------------
    def _decode(self, value: str):
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError
        from joserfc.jws import JWSRegistry

        if self._config.decryption_keys is not None:
            value = self._decrypt(value)
        allowed = self._config.signing_algorithms
        offered = self.metadata().get("id_token_signing_alg_values_supported") or allowed
        registry = JWSRegistry(algorithms=[a for a in offered if a in allowed])
        try:
            try:
                return jwt.decode(value, self._key_set(), registry=registry)
            except InvalidKeyIdError:  # the provider rotated its keys
                return jwt.decode(value, self._key_set(refresh=True), registry=registry)
        except (JoseError, ValueError, TypeError) as error:
            raise FranceConnectError("jeton_invalide", type(error).__name__) from None

    def _decrypt(self, value: str) -> str:
        """The signed token inside an encrypted one (compact JWE: five parts). A token that is
        only signed is refused: on FranceConnect+ it did not come the way it must."""
        from joserfc import jwe
        from joserfc.errors import InvalidKeyIdError, JoseError

        if value.count(".") != 4:
            raise FranceConnectError("jeton_invalide", "not encrypted")
        registry = jwe.JWERegistry(algorithms=[*ACCEPTED_KEY_ALGORITHMS, CONTENT_ALGORITHM])
        keys = self._config.decryption_keys
        if keys is None:  # only FranceConnect+ encrypts, and its client has its keys
            raise FranceConnectError("jeton_invalide", "no decryption keys")
        try:
            try:
                decrypted = jwe.decrypt_compact(value, keys(False), registry=registry)
            except InvalidKeyIdError:  # a key made since this container read them
                decrypted = jwe.decrypt_compact(value, keys(True), registry=registry)
            return (decrypted.plaintext or b"").decode()
        except (JoseError, ValueError, TypeError, UnicodeDecodeError) as error:
            raise FranceConnectError("jeton_invalide", type(error).__name__) from None

    @staticmethod
    def _validate(claims) -> None:
        from joserfc.errors import JoseError

        try:
            claims.validate(leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError) as error:
            raise FranceConnectError("jeton_invalide", type(error).__name__) from None
