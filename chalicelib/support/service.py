"""Receiving help requests: validate, rate-limit, store, queue. Case 1 (still working, cannot
create the account) is answered with the Mon Compte Formation procedure, as the guide does."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from ..fields import is_identifier, normalise_email
from ..models import Account, SupportRequest
from ..models.support import RECEIVED
from ..observability import Metric, count
from ..rate_limit import RateLimiter
from .errors import DocumentRefused, SupportRequestNotFound
from .schemas import (
    DOCUMENT_TYPES,
    FAQ_URL,
    MAX_DOCUMENT_BYTES,
    WORKING,
    DocumentForm,
    DocumentRequest,
    Piece,
    SupportAccepted,
    SupportProcedure,
    SupportStatus,
)
from .schemas import SupportRequest as SupportForm
from .store import PIECES, SupportStore

PER_EMAIL = (3, timedelta(hours=1))
PER_IP = (10, timedelta(hours=1))
KEEP_REQUESTS = timedelta(days=365)
MAX_DOCUMENTS = 5
UPLOAD_SECONDS = 600
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

    def submit(
        self, form: SupportForm, account: Account | None, source_ip: str
    ) -> SupportAccepted | SupportProcedure:
        now = self._now()
        if form.situation == WORKING:
            return SupportProcedure(
                message="Vous êtes en activité : suivez la procédure de Mon Compte "
                "Formation pour les personnes qui ne parviennent pas à créer leur "
                "compte (foire aux questions). Votre demande n'a pas été transmise.",
                procedure=FAQ_URL,
            )
        self._limiter.hit("ip", source_ip, *PER_IP, now)
        self._limiter.hit("email", form.email, *PER_EMAIL, now)
        reference = new_reference(now)
        identity = form.model_dump(exclude={"situation", "email"}, exclude_none=True)
        self._store.create(
            SupportRequest(
                reference,
                statut=RECEIVED,
                situation=form.situation,
                identite=identity,
                email=form.email,
                account=account.nir_hash if account else None,
                created_at=now,
                expires_at=now + KEEP_REQUESTS,
            )
        )
        self._send({"reference": reference})
        count(Metric.SUPPORT_REQUEST_RECEIVED)
        return SupportAccepted(reference=reference, statut=RECEIVED)

    def status(self, reference: str, account: Account | None, email: str | None) -> SupportStatus:
        """The requester only: the same session, or the reference with the email given."""
        request = self._requester_only(reference, account, email)
        return SupportStatus(
            reference=request.reference,
            statut=request.statut,
            situation=request.situation,
            recue_le=request.created_at.isoformat(),
            pieces=[
                Piece(nom=d["cle"].rsplit("/", 1)[-1], taille=d["taille"])
                for d in self._store.documents(request.reference)
            ],
        )

    def _requester_only(
        self, reference: str, account: Account | None, email: str | None
    ) -> SupportRequest:
        request = self._store.get(reference) if is_identifier(reference, 20) else None
        allowed = request is not None and (
            (account is not None and request.account == account.nir_hash)
            or (email is not None and normalise_email(email) == request.email)
        )
        if request is None or not allowed:
            raise SupportRequestNotFound()
        return request

    def document_form(
        self, reference: str, account: Account | None, body: DocumentRequest
    ) -> DocumentForm:
        """Where and how the browser posts one document of the request (a presigned POST for
        one key, one type, at most MAX_DOCUMENT_BYTES), for the requester only, up to
        MAX_DOCUMENTS forms per request."""
        request = self._requester_only(reference, account, body.email)
        content_type = body.type
        name = f"{secrets.token_hex(8)}{DOCUMENT_TYPES[content_type]}"
        key = f"{PIECES}{request.reference}/{name}"
        # the slot is taken as the form is issued, not when a file arrives: forms asked for
        # before any upload count too
        if not self._store.reserve_document(request, key, MAX_DOCUMENTS):
            raise DocumentRefused(
                "taille", f"Une demande compte au plus {MAX_DOCUMENTS} documents."
            )
        form = self._store.upload_form(key, content_type, MAX_DOCUMENT_BYTES, UPLOAD_SECONDS)
        return DocumentForm(url=form["url"], champs=form["fields"], nom=name)
