"""Who hears of a file's changes: the holder at each status (but an operator's rejection of the
service done, between the organisme and the funder), the organisme for a new request, a
cancellation by the holder and each step of the end of the training (the organisme's webhook
hears of every change through the change's own transaction). An email that cannot leave never
fails the change."""

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
        rejected = dossier.controle is not None and dossier.controle.issue == "rejetee"
        holder = (
            None
            if dossier.statut == rules.EXIT_DECLARED and rejected
            else holder or self._account(dossier.account)
        )
        if holder is not None:
            send_quietly(
                self._mailer,
                emails.to_holder(dossier, holder.email, holder.prenoms, self._public_url),
            )
        if dossier.statut in (rules.WAITING, rules.CANCELLED_BY_HOLDER, *rules.AT_THE_END):
            organisme = self._organisme(dossier.organisme)
            if organisme is not None and organisme.email:
                send_quietly(
                    self._mailer, emails.to_organisme(dossier, organisme.email, self._public_url)
                )
