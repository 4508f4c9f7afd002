"""Handling one help request from the support queue.

First, when the request comes from an account, the RNE is searched again for that account, by
the ingestion's rules (its own names, never the ones typed in the request): if it is now
recognised, the person is told and nothing goes to the Caisse des Dépôts. Otherwise the
request is emailed to the Caisse des Dépôts' mailbox (Reply-To the
requester) with what the check found, then acknowledged to the requester.

Each step records that it is done, so a retry (SES throttled, a crash) resumes after the last
step that succeeded and a message delivered twice never sends an email twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from ..accounts.elu import EluRecognition
from ..mailer import SesMailer
from ..models import Account, SupportRequest
from ..models.support import AUTO_RESOLVED, FAILED, FORWARDED
from ..observability import Metric, count, logger
from . import emails
from .service import KEEP_REQUESTS
from .store import PIECES, SupportStore

CLOSED = (AUTO_RESOLVED, FORWARDED, FAILED)


class SupportWorker:
    def __init__(
        self,
        store: SupportStore,
        elu: EluRecognition,
        mailer: SesMailer,
        mailbox: str,
        clock: Callable[[], datetime],
        public_url: str = "",
        plan_summary: Callable[[str], None] = lambda reference: None,
    ) -> None:
        self._plan = plan_summary  # sends the summary's message, delayed
        self._store = store
        self._elu = elu
        self._mailer = mailer
        self._mailbox = mailbox
        self._now = clock
        self._public_url = public_url

    def _follow_up(self, request: SupportRequest) -> str:
        return f"{self._public_url}/suivi?reference={quote(request.reference)}"

    def process(self, reference: str) -> str:
        request = self._store.get(reference)
        if request is None:
            logger.warning("Unknown support request: nothing to do")
            return "inconnue"
        if request.statut == AUTO_RESOLVED:
            self._notify(request, emails.resolved(request))
            return request.statut
        if request.statut in (FORWARDED, FAILED):
            return request.statut
        account = self._account(request)
        verdict = self._try_recognition(request, account)
        if verdict is None:
            self._set(
                request, statut=AUTO_RESOLVED, verification="Reconnu automatiquement dans le RNE."
            )
            count(Metric.SUPPORT_REQUEST_AUTO_RESOLVED)
            self._notify(request, emails.resolved(request))
            return AUTO_RESOLVED
        if not request.mailbox_sent:
            self._set(request, verification=verdict)
            self._send(
                emails.to_mailbox(
                    request,
                    self._mailbox,
                    self._store.documents(request.reference, set(request.pieces_recues or ())),
                    self._store.bucket,
                )
            )
            self._set(request, mailbox_sent=True)
        self._notify(request, emails.acknowledgement(request, self._follow_up(request)))
        self._set(request, statut=FORWARDED)
        count(Metric.SUPPORT_REQUEST_FORWARDED)
        return FORWARDED

    def document_added(self, key: str) -> None:
        """A document was uploaded (S3 notification). Only the first upload of a key reserved
        by a form counts (a form posted again makes a new version: ignored); the mailbox hears
        of it in one summary, planned a while after the first upload of a burst (settings). An
        unknown key changes nothing."""
        parts = key.split("/")
        if len(parts) != 3 or parts[0] != PIECES.rstrip("/"):
            return
        request = self._store.get(parts[1])
        if request is None:
            logger.warning("Document of an unknown help request")
            return
        if not self._store.receive_document(request, key):
            logger.info("Document upload ignored: not reserved, or a new version")
            count(Metric.SUPPORT_DOCUMENT_IGNORED)
            return
        if self._store.plan_summary(request, self._now()):
            self._plan(request.reference)

    def summarise(self, reference: str) -> None:
        """The planned summary: the documents received and not told yet, in one email."""
        request = self._store.get(reference)
        if request is None:
            return
        self._store.start_summary(request)
        new = set(request.pieces_recues or ()) - set(request.pieces_signalees or ())
        if not new:
            return
        documents = self._store.documents(request.reference, new)
        self._send(emails.documents_added(request, self._mailbox, documents, self._store.bucket))
        self._store.summarised(request, {d["cle"] for d in documents} or new)

    def fail(self, reference: str) -> None:
        """The message reached the dead-letter queue: operators must take the request over."""
        request = self._store.get(reference)
        if request is None:
            return
        if request.statut not in (AUTO_RESOLVED, FORWARDED):
            self._set(request, statut=FAILED)
            count(Metric.SUPPORT_REQUEST_FAILED)
            logger.error("Support request failed for good", extra={"reference": reference})

    # --- steps ------------------------------------------------------------------------------
    def _account(self, request: SupportRequest) -> Account | None:
        return self._store.account(request.account) if request.account else None

    def _try_recognition(self, request: SupportRequest, account: Account | None) -> str | None:
        """None when the account is now recognised; else what the check found (French). The
        RNE is searched with the names the account holds (birth and usage names), by the
        ingestion's rules: the names typed in the request are for the Caisse des Dépôts to read,
        never to match (the RNE is public)."""
        if account is None:
            return "Demande envoyée sans être connecté : aucune vérification automatique."
        if self._elu.recognise(account):
            return None
        return (
            "Aucun mandat en cours n'est attribuable automatiquement au compte (noms de "
            "naissance et d'usage du compte, date de naissance, sexe) : à vérifier à la "
            "main."
        )

    def _notify(self, request: SupportRequest, email) -> None:
        if not request.person_notified:
            self._send(email)
            self._set(request, person_notified=True)

    def _send(self, email) -> None:
        """A failure (SES throttled or down) propagates: the message is retried later."""
        try:
            self._mailer.send(email)
        except Exception:
            count(Metric.EMAIL_SEND_FAILED)
            raise
        count(Metric.EMAIL_SENT)

    def _set(self, request: SupportRequest, **values) -> None:
        now = self._now()
        if values.get("statut") in CLOSED:  # kept a year after it is closed, then erased (TTL)
            values["expires_at"] = now + KEEP_REQUESTS
        self._store.update(request, now, **values)
