"""Who hears of a file's changes: the holder at each status, the organisme for a new request
and a cancellation by the holder. An email that cannot leave never fails the change."""

from __future__ import annotations

from collections.abc import Callable

from ..mailer import SesMailer, send_quietly
from ..models import Account, Dossier, Organisme
from . import emails, rules


class Notifier:
    def __init__(
        self,
        mailer: SesMailer,
        account: Callable[[str], Account | None],
        organisme: Callable[[str], Organisme | None],
        public_url: str,
    ) -> None:
        self._mailer = mailer
        self._account = account
        self._organisme = organisme
        self._public_url = public_url

    def status_changed(self, dossier: Dossier, holder: Account | None = None) -> None:
        holder = holder or self._account(dossier.account)
        if holder is not None:
            send_quietly(
                self._mailer,
                emails.to_holder(dossier, holder.email, holder.prenoms, self._public_url),
            )
        if dossier.statut in (rules.WAITING, rules.CANCELLED_BY_HOLDER):
            organisme = self._organisme(dossier.organisme)
            if organisme is not None and organisme.email:
                send_quietly(
                    self._mailer, emails.to_organisme(dossier, organisme.email, self._public_url)
                )
