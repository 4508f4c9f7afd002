"""Handling one help request from the support queue.

First the RNE is searched again with the names the person gave (the birth name is often what
the RNE holds): if the request comes from an account whose identity agrees and exactly one
official matches, the account is recognised and the person told; nothing goes to the Caisse des
Dépôts. Otherwise the request is emailed to the Caisse des Dépôts' mailbox (Reply-To the
requester) with what the check found, then acknowledged to the requester.

Each step records that it is done, so a retry (SES throttled, a crash) resumes after the last
step that succeeded and a message delivered twice never sends an email twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..mailer import SesMailer
from ..models import Account, SupportRequest
from ..models.support import AUTO_RESOLVED, FAILED, FORWARDED
from ..names import normalise
from ..observability import Metric, count, logger
from ..rights.service import RightsService
from ..rne.matching import account_keys
from ..rne.store import RneStore
from . import emails
from .store import SupportStore


class SupportWorker:
    def __init__(
        self,
        store: SupportStore,
        rne: RneStore,
        rights: RightsService,
        mailer: SesMailer,
        mailbox: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._rne = rne
        self._rights = rights
        self._mailer = mailer
        self._mailbox = mailbox
        self._now = clock

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
            self._send(emails.to_mailbox(request, self._mailbox))
            self._set(request, mailbox_sent=True)
        self._notify(request, emails.acknowledgement(request))
        self._set(request, statut=FORWARDED)
        count(Metric.SUPPORT_REQUEST_FORWARDED)
        return FORWARDED

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
        """None when the account is now recognised; else what the check found (French)."""
        if account is None:
            return "Demande envoyée sans être connecté : aucune vérification automatique."
        identity = request.identite.as_dict()
        if not _consistent(account, identity):
            return (
                "L'identité déclarée ne correspond pas à celle du compte (date de naissance "
                "ou noms) : pas de reconnaissance automatique."
            )
        keys = account_keys(
            identity["nom_naissance"],
            identity.get("nom_usage"),
            identity["prenoms"],
            account.sexe,
            identity["date_naissance"],
        )
        found = {k: [m for m in self._rne.mandates_of(k) if not m.fin] for k in sorted(keys)}
        found = {k: ms for k, ms in found.items() if ms}
        officials = {m.ref.split("|", 1)[0] for ms in found.values() for m in ms}
        if not officials:
            return "Aucun mandat en cours trouvé dans le RNE avec ces noms et cette date."
        if len(officials) > 1:
            return f"{len(officials)} élus correspondent dans le RNE : à vérifier à la main."
        holders = self._rne.accounts_by_identity(found)
        if any(h - {account.nir_hash} for h in holders.values()):
            return "Un autre compte correspond à cet élu : à vérifier à la main."
        refs = {m.ref for ms in found.values() for m in ms}
        start = min(m.date_debut for ms in found.values() for m in ms)
        self._rne.link(account, refs, start, self._now())
        self._rights.bring_up_to_date(account)
        return None

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
        self._store.update(request, self._now(), **values)


def _consistent(account: Account, identity: dict) -> bool:
    if identity.get("date_naissance") != account.date_naissance:
        return False
    account_names = {normalise(n) for n in (account.nom_naissance, account.nom_usage) if n}
    given = {normalise(n) for n in (identity.get("nom_naissance"), identity.get("nom_usage")) if n}
    first_names = set(normalise(account.prenoms).split())
    return bool(account_names & given) and bool(
        first_names & set(normalise(identity.get("prenoms", "")).split())
    )
