"""Receiving help requests: validate, rate-limit, store, queue. Case 1 (still working, cannot
create the account) is answered with the Mon Compte Formation procedure, as the guide does."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from ..clock import PARIS
from ..errors import InvalidForm
from ..fields import is_identifier, normalise_email
from ..models import Account, SupportRequest
from ..models.support import RECEIVED
from ..observability import Metric, count
from ..rate_limit import RateLimiter
from .errors import SupportRequestNotFound
from .form import FAQ_URL, validate
from .store import SupportStore

PER_EMAIL = (3, timedelta(hours=1))
PER_IP = (10, timedelta(hours=1))
KEEP_REQUESTS = timedelta(days=365)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_reference(now: datetime) -> str:
    return f"MCE-{now:%Y}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class SupportDesk:
    def __init__(
        self,
        store: SupportStore,
        limiter: RateLimiter,
        send_to_queue: Callable[[dict], None],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._limiter = limiter
        self._send = send_to_queue
        self._now = clock

    def submit(self, data: dict, account: Account | None, source_ip: str) -> tuple[int, dict]:
        now = self._now()
        cleaned, errors = validate(data, now.astimezone(PARIS).date())
        if errors:
            raise InvalidForm(errors)
        if cleaned["situation"] == "creation_impossible_actif":
            return 200, {
                "message": "Vous êtes en activité : suivez la procédure de Mon Compte "
                "Formation pour les personnes qui ne parviennent pas à créer leur "
                "compte (foire aux questions). Votre demande n'a pas été transmise.",
                "procedure": FAQ_URL,
            }
        self._limiter.hit("ip", source_ip, *PER_IP, now)
        self._limiter.hit("email", cleaned["email"], *PER_EMAIL, now)
        reference = new_reference(now)
        identity = {k: v for k, v in cleaned.items() if k not in ("situation", "email")}
        self._store.create(
            SupportRequest(
                reference,
                statut=RECEIVED,
                situation=cleaned["situation"],
                identite=identity,
                email=cleaned["email"],
                account=account.nir_hash if account else None,
                created_at=now,
                expires_at=now + KEEP_REQUESTS,
            )
        )
        self._send({"reference": reference})
        count(Metric.SUPPORT_REQUEST_RECEIVED)
        return 202, {"reference": reference, "statut": RECEIVED}

    def status(self, reference: str, account: Account | None, email: str | None) -> dict:
        """The requester only: the same session, or the reference with the email given."""
        request = self._store.get(reference) if is_identifier(reference, 20) else None
        allowed = request is not None and (
            (account is not None and request.account == account.nir_hash)
            or (email is not None and normalise_email(email) == request.email)
        )
        if not allowed:
            raise SupportRequestNotFound()
        return {
            "reference": request.reference,
            "statut": request.statut,
            "situation": request.situation,
            "recue_le": request.created_at.isoformat(),
        }
